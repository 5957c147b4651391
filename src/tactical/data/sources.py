"""The :class:`PriceSource` protocol and the in-memory :class:`FrameSource`.

A price source is anything with a ``name``, an ``adjustment`` and a
``fetch(tickers, start, end)`` method returning a prices frame. Sources do
not align funds with each other; :func:`tactical.data.load_prices` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import pandas as pd

from tactical.data._frames import check_range, clip, combine, fmt_dates, fmt_span, normalize_tickers
from tactical.data.validate import validate_prices
from tactical.errors import DataError, NoDataError

__all__ = ["PriceSource", "FrameSource"]


@runtime_checkable
class PriceSource(Protocol):
    """Where prices come from.

    Attributes
    ----------
    name : str
        Short identifier, used as the cache namespace (``"yahoo"``, ``"csv"``...).
    adjustment : str
        What the prices are: ``"total_return"`` (split- and dividend-adjusted
        closes, the library's default), ``"price"`` (split-adjusted only) or
        ``"unspecified"`` (a user frame whose adjustment is unknown).

    Notes
    -----
    ``fetch(tickers, start, end)`` returns a DataFrame of shape
    ``(n_dates, len(tickers))``: ``DatetimeIndex`` named ``date``, one float64
    column per requested ticker in the requested order, rows with
    ``start <= date <= end`` (inclusive; ``None`` is open-ended), NaN only
    where a fund has no price on a date another fund has. It raises
    :class:`~tactical.errors.NoDataError` naming any ticker with no data and
    :class:`~tactical.errors.SourceError` (cause chained) when the source fails.
    """

    @property
    def name(self) -> str: ...

    @property
    def adjustment(self) -> str: ...

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame: ...


@dataclass(frozen=True, slots=True, eq=False)
class FrameSource:
    """Prices already in memory (tests, notebooks).

    Parameters
    ----------
    frame : pandas.DataFrame
        Shape ``(n_dates, n_tickers)``: a prices frame (validated on creation
        with :func:`~tactical.data.validate_prices`; NaN only before a fund's
        first price or after its last). The frame is copied; later changes to
        it are not seen.
    adjustment : str, default "unspecified"
        What the prices are (``"total_return"`` if they include dividends).
    name : str, default "frame"

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"])
    >>> src = FrameSource(pd.DataFrame({"A": [1.0, 1.1, 1.2]}, index=idx))
    >>> src.fetch(["A"], pd.Timestamp("2024-01-03"), None)["A"].tolist()
    [1.1, 1.2]
    """

    frame: pd.DataFrame
    adjustment: str = "unspecified"
    name: str = "frame"
    _clean: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for key in ("adjustment", "name"):
            value = getattr(self, key)
            if not isinstance(value, str) or not value:
                raise DataError(f"FrameSource {key} must be a non-empty string, got {value!r}")
        # funds may end early here (load_prices aligns them); spikes are checked there, once
        clean = validate_prices(self.frame, max_move=None, allow_early_end=True)
        object.__setattr__(self, "_clean", clean)

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Columns ``tickers`` of the frame, rows ``start..end`` inclusive."""
        tickers = normalize_tickers(tickers)
        start, end = check_range(start, end)
        missing = [t for t in tickers if t not in self._clean.columns]
        if missing:
            raise NoDataError(
                f"unknown ticker(s) {missing} in the in-memory frame; it has "
                f"{list(self._clean.columns)}"
            )
        out = {}
        for t in tickers:
            col = clip(self._clean[t], start, end).dropna()
            if col.empty:
                first, last = self._clean[t].dropna().index[[0, -1]]
                span = fmt_span(start, end, "its first date", "its last date")
                raise NoDataError(
                    f"{t} has no prices between {span} in the in-memory "
                    f"frame (its data run {fmt_dates([first])} to {fmt_dates([last])})"
                )
            out[t] = col
        return combine(out)[tickers]
