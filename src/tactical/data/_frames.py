"""Small helpers shared by the data modules (dates, messages, frame assembly).

Private: nothing here is part of the public API.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from tactical.errors import DataError

__all__: list[str] = []

_Rows = TypeVar("_Rows", pd.DataFrame, pd.Series)


def fmt_dates(dates: Iterable[pd.Timestamp], limit: int = 3) -> str:
    """``"2024-01-02, 2024-01-03 and 4 more"``."""
    dates = list(dates)
    shown = ", ".join(str(pd.Timestamp(d).date()) for d in dates[:limit])
    return shown + (f" and {len(dates) - limit} more" if len(dates) > limit else "")


def fmt_span(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    first: str = "the first date",
    last: str = "the last date",
) -> str:
    """``"2024-01-02 and today"``: the ends of an inclusive range, an open end (None) named."""
    return (
        f"{start.date() if start is not None else first} and "
        f"{end.date() if end is not None else last}"
    )


def to_timestamp(value: object, name: str) -> pd.Timestamp | None:
    """Parse a ``start``/``end`` argument into a tz-naive midnight Timestamp (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | np.number):
        # pd.Timestamp(2004) is 2004 nanoseconds after 1970, never what was meant
        raise DataError(f"{name}={value!r} is a number, not a date; use 'YYYY-MM-DD'")
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise DataError(f"{name}={value!r} is not a date; use 'YYYY-MM-DD'") from exc
    if ts is pd.NaT:
        raise DataError(f"{name}={value!r} is not a date; use 'YYYY-MM-DD'")
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def check_range(start: object, end: object) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Parse ``start`` and ``end`` (inclusive) and check ``start <= end``."""
    s, e = to_timestamp(start, "start"), to_timestamp(end, "end")
    if s is not None and e is not None and s > e:
        raise DataError(f"start {s.date()} is after end {e.date()}; swap them or widen the range")
    return s, e


def normalize_tickers(tickers: str | Sequence[str]) -> list[str]:
    """One ticker or a sequence of them as a list of unique non-empty strings."""
    if isinstance(tickers, str):
        tickers = [tickers]
    if isinstance(tickers, Mapping) or not isinstance(tickers, Iterable):
        raise DataError(
            f"tickers must be a ticker or a list of tickers such as ['SPY', 'AGG'], "
            f"got {type(tickers).__name__} {tickers!r}"[:200]
        )
    tickers = list(tickers)
    wrong = [t for t in tickers if not isinstance(t, str)]
    if wrong:
        raise DataError(
            f"tickers must be strings such as 'SPY', got {wrong[0]!r} "
            f"({type(wrong[0]).__name__}) in {tickers!r}"[:200]
        )
    out = [t.strip() for t in tickers]
    if not out:
        raise DataError("no tickers given; pass e.g. ['SPY', 'AGG']")
    empty = [t for t in out if not t]
    if empty:
        raise DataError(f"empty ticker name in {list(tickers)!r}")
    dups = sorted({t for t in out if out.count(t) > 1})
    if dups:
        raise DataError(f"tickers listed twice: {dups}; list each once")
    return out


def as_path(value: object, name: str) -> Path:
    """``value`` as a Path, or a DataError saying a path is wanted."""
    if not isinstance(value, str | os.PathLike) or (isinstance(value, str) and not value.strip()):
        raise DataError(
            f"{name} must be a file or folder path (a str or pathlib.Path), "
            f"got {type(value).__name__} {value!r}"[:200]
        )
    return Path(value)


def check_flag(value: object, name: str) -> bool:
    """``value`` if it is a bool, else a DataError (``"no"`` is truthy in Python)."""
    if not isinstance(value, bool | np.bool_):
        raise DataError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_count(value: object, name: str, unit: str = "days") -> int:
    """``value`` as a whole number >= 0 (not a bool), else a DataError."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < 0:
        raise DataError(f"{name}={value!r}; use a whole number of {unit} >= 0")
    return int(value)


def clip(frame: _Rows, start: pd.Timestamp | None, end: pd.Timestamp | None) -> _Rows:
    """Rows of ``frame`` (a DataFrame or a Series) with ``start <= date <= end``.

    Inclusive; None is open.
    """
    mask = np.ones(len(frame), dtype=bool)
    if start is not None:
        mask &= frame.index >= start
    if end is not None:
        mask &= frame.index <= end
    return frame.loc[mask]


def combine(series: dict[str, pd.Series]) -> pd.DataFrame:
    """Outer-join per-ticker price Series (each NaN-free) into one float64 prices frame."""
    frame = pd.concat(series, axis=1, sort=True) if series else pd.DataFrame()
    frame = frame.astype(np.float64)
    frame.index = pd.DatetimeIndex(frame.index.to_numpy(), name="date")  # no freq: same from disk
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return frame


def series_bounds(frame: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """First and last non-NaN date of each column (columns with no data are left out)."""
    out = {}
    for c in frame.columns:
        col = frame[c].dropna()
        if len(col):
            out[str(c)] = (col.index[0], col.index[-1])
    return out
