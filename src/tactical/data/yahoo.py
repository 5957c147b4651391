"""Prices from Yahoo Finance through yfinance, with the adjustment stated explicitly.

yfinance is imported only when a download actually happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, combine, normalize_tickers
from tactical.errors import DataError, NoDataError, SourceError

__all__ = ["YahooSource"]

_FIELDS = {"total_return": "Adj Close", "price": "Close"}


def _yfinance_download(**kwargs: Any) -> pd.DataFrame:
    import yfinance  # heavy; only when downloading

    return yfinance.download(**kwargs)


def _is_rate_limit(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    text = str(exc).lower()
    return "YFRateLimitError" in names or "rate limit" in text or "too many requests" in text


@dataclass(frozen=True, slots=True)
class YahooSource:
    """Daily closes from Yahoo Finance via ``yfinance.download``.

    Parameters
    ----------
    adjustment : {"total_return", "price"}, default "total_return"
        ``"total_return"`` reads Yahoo's "Adj Close" (split- and
        dividend-adjusted); ``"price"`` reads "Close" (split-adjusted only).
        The download always asks for ``auto_adjust=False, actions=False``, so
        yfinance's changing defaults never decide which series you get.
    retries : int, default 3
        Retries after a rate-limit error (``YFRateLimitError`` or "Too Many
        Requests"), waiting ``backoff * 2**k`` seconds before retry ``k``.
        Tickers that come back empty are retried once (yfinance reports
        per-ticker failures, including rate limits, as empty columns).
    backoff : float, default 2.0
        First wait in seconds.
    download : callable, optional
        Replacement for ``yfinance.download`` taking the same keyword
        arguments and returning a frame in either of yfinance's layouts
        (tests inject fakes here).
    sleep : callable, default time.sleep

    Notes
    -----
    yfinance returns columns as a ``(Price, Ticker)`` MultiIndex (several
    tickers, or one with ``multi_level_index=True``, the default since
    0.2.48), as ``(Ticker, Price)`` with ``group_by="ticker"``, or flat
    (``Open, High, ..., Adj Close``) for one ticker in older versions; all
    are read. yfinance's ``end`` is exclusive; ours is inclusive, so one day
    is added. With no ``start``, the full history is requested
    (``period="max"``, or from 1970-01-01 when only ``end`` is given).
    Duplicate dates (a known Yahoo glitch on the latest bar) keep the last row.
    """

    adjustment: Literal["total_return", "price"] = "total_return"
    retries: int = 3
    backoff: float = 2.0
    download: Callable[..., pd.DataFrame] | None = None
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.adjustment not in _FIELDS:
            raise DataError(f"adjustment={self.adjustment!r}; use 'total_return' or 'price'")
        if self.retries < 0 or self.backoff < 0:
            raise DataError("retries and backoff must be >= 0")

    @property
    def name(self) -> str:
        return "yahoo"

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Download ``tickers`` for ``start..end`` inclusive; see :class:`PriceSource`.

        Raises
        ------
        NoDataError
            Yahoo returned no data for a ticker (listed by name).
        SourceError
            The download raised (rate limit after all retries, network...);
            the cause is chained.
        """
        names = normalize_tickers(tickers)
        start, end = check_range(start, end)
        got = self._extract(self._call(names, start, end), names)
        missing = [t for t in names if t not in got]
        if missing:  # one more try: yfinance turns per-ticker failures into empty columns
            self.sleep(self.backoff)
            got.update(self._extract(self._call(missing, start, end), missing))
            missing = [t for t in names if t not in got]
        if missing:
            raise NoDataError(
                f"Yahoo returned no {_FIELDS[self.adjustment]!r} data for {missing} between "
                f"{start.date() if start is not None else 'the first date'} and "
                f"{end.date() if end is not None else 'today'}; check the symbol(s) on "
                "finance.yahoo.com (mutual funds need their exact symbol, e.g. VFIAX), the "
                "dates, or try again later if Yahoo is rate limiting"
            )
        cut = {t: clip(got[t].to_frame(), start, end).iloc[:, 0] for t in names}
        empty = [t for t, s in cut.items() if s.empty]
        if empty:
            raise NoDataError(f"Yahoo returned no data for {empty} inside the requested dates")
        return combine(cut)[names]

    def _call(
        self, names: list[str], start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame | None:
        kwargs: dict[str, Any] = {
            "tickers": names,
            "interval": "1d",
            "auto_adjust": False,
            "actions": False,
            "progress": False,
            "threads": False,
            "group_by": "column",
        }
        if start is None and end is None:
            kwargs["period"] = "max"
        else:
            kwargs["start"] = (start if start is not None else pd.Timestamp("1970-01-01")).strftime(
                "%Y-%m-%d"
            )
            if end is not None:
                kwargs["end"] = (end + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        download = self.download if self.download is not None else _yfinance_download
        for attempt in range(self.retries + 1):
            try:
                return download(**kwargs)
            except Exception as exc:  # noqa: BLE001 - anything yfinance raises is wrapped
                if _is_rate_limit(exc) and attempt < self.retries:
                    self.sleep(self.backoff * 2**attempt)
                    continue
                what = "rate limited" if _is_rate_limit(exc) else "failed"
                raise SourceError(
                    f"Yahoo download {what} for {names} after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {exc}; try again later or load from CSV"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _extract(self, frame: pd.DataFrame | None, names: list[str]) -> dict[str, pd.Series]:
        field = _FIELDS[self.adjustment]
        if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
            return {}
        columns = frame.columns
        by_ticker: dict[str, pd.Series] = {}
        if isinstance(columns, pd.MultiIndex):
            level = next(
                (i for i in range(columns.nlevels) if field in columns.get_level_values(i)), None
            )
            if level is None:
                fields = sorted(
                    {str(v) for i in range(columns.nlevels) for v in columns.get_level_values(i)}
                )
                raise SourceError(
                    f"yfinance returned no {field!r} column (columns: {fields}); was the "
                    "download made with auto_adjust=True? tactical needs auto_adjust=False"
                )
            other = 1 - level if columns.nlevels == 2 else None
            if other is None:
                raise SourceError(f"unexpected yfinance column levels: {columns.names}")
            sub = frame.xs(field, axis=1, level=level)
            lookup = {str(c).upper(): c for c in sub.columns}
            for t in names:
                if t.upper() in lookup:
                    by_ticker[t] = sub[lookup[t.upper()]]
        else:
            if field not in columns:
                raise SourceError(
                    f"yfinance returned no {field!r} column (columns: {list(columns)}); "
                    "tactical needs auto_adjust=False"
                )
            if len(names) != 1:
                raise SourceError(
                    f"yfinance returned one flat set of columns for {len(names)} tickers "
                    f"{names}; cannot tell which is which"
                )
            by_ticker[names[0]] = frame[field]
        out = {}
        for t, col in by_ticker.items():
            if isinstance(col, pd.DataFrame):  # duplicated ticker columns
                col = col.iloc[:, -1]
            index = pd.DatetimeIndex(pd.to_datetime(col.index))
            if index.tz is not None:
                index = index.tz_localize(None)
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
            s = pd.Series(values, index=index.normalize(), name=t).dropna()
            s = s[~s.index.duplicated(keep="last")].sort_index()
            if len(s):
                out[t] = s
        return out
