"""The read-only past handed to allocators.

An allocator never sees the price frame itself: the engine gives it a
:class:`History` that holds only the rows up to and including the decision
date. Nothing after that date is reachable from it, which is what makes the
engine free of look-ahead by construction rather than by discipline.

The arrays it returns are read-only numpy views: an allocator cannot change
the prices the engine (or the next decision) uses.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tactical._typing import DurationLike
from tactical.errors import ConfigError, InsufficientHistoryError
from tactical.lookback import anchor_rows, parse_duration, sample_rows, window_mean

__all__ = ["History"]


class History:
    """Prices (and optional extra signals) up to and including one decision date.

    Parameters
    ----------
    values : numpy.ndarray
        Full price matrix, shape ``(n_dates, n_tickers)``; only the first
        ``end`` rows are ever exposed.
    index : pandas.DatetimeIndex
        Dates of ``values``' rows.
    columns : tuple of str
        Tickers of ``values``' columns. ``"CASH"`` is the cash account's
        accumulation index (1.0 on the first date; constant when cash earns 0).
    end : int
        Number of visible rows: the decision date is ``index[end - 1]``.
    signals : mapping of str to DataFrame, optional
        Extra date-indexed data (e.g. valuations); each is cut at the decision
        date too.
    positions : mapping of str to int, optional
        ``columns``' positions, when the caller already has them (speed only).
    cache : dict, optional
        Column-index arrays by ticker tuple, shared across the histories of
        one backtest (speed only; holds no prices).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=5)
    >>> h = History(np.arange(1.0, 6.0).reshape(5, 1), idx, ("SPY",), end=3)
    >>> h.date.date(), h.price("SPY").tolist()
    (datetime.date(2024, 1, 3), [1.0, 2.0, 3.0])
    >>> h.trailing_return("SPY", lookback=2)
    2.0
    """

    __slots__ = ("_values", "_index", "_columns", "_pos", "_end", "_signals", "_cache")

    def __init__(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        end: int,
        signals: Mapping[str, pd.DataFrame] | None = None,
        positions: Mapping[str, int] | None = None,
        cache: dict[tuple[str, ...], np.ndarray] | None = None,
    ) -> None:
        if not 1 <= end <= len(index):
            raise ConfigError(f"history end {end} outside 1..{len(index)}")
        view = values[:end]
        if view.flags.writeable:
            view = view.view()
            view.flags.writeable = False
        self._values = view
        self._index = index
        self._columns = columns
        self._pos = positions if positions is not None else {c: i for i, c in enumerate(columns)}
        self._end = end
        self._signals = signals or {}
        self._cache = {} if cache is None else cache

    # -- basic views -------------------------------------------------------
    @property
    def date(self) -> pd.Timestamp:
        """The decision date: the last visible row."""
        return self._index[self._end - 1]

    @property
    def tickers(self) -> tuple[str, ...]:
        """Tickers visible to the allocator (price columns plus ``"CASH"``)."""
        return self._columns

    @property
    def index(self) -> pd.DatetimeIndex:
        """Visible dates, oldest first."""
        return self._index[: self._end]

    @property
    def values(self) -> np.ndarray:
        """Read-only price matrix of the visible rows, shape ``(len(self), n_tickers)``."""
        return self._values

    def __len__(self) -> int:
        return self._end

    def __repr__(self) -> str:
        return f"History({self.date.date()}, {self._end} rows, {list(self._columns)})"

    @property
    def prices(self) -> pd.DataFrame:
        """Visible prices as a DataFrame (read-only data; a new object each call)."""
        return pd.DataFrame(self._values, index=self.index, columns=list(self._columns), copy=False)

    def _col(self, ticker: str) -> int:
        try:
            return self._pos[ticker]
        except KeyError:
            raise ConfigError(
                f"no prices for {ticker!r} in the history; have {list(self._columns)}"
            ) from None

    def price(self, ticker: str) -> np.ndarray:
        """Read-only visible prices of one ticker, oldest first."""
        return self._values[:, self._col(ticker)]

    def signal(self, name: str) -> pd.DataFrame:
        """Extra data ``name`` cut at the decision date (rows dated on or before it)."""
        if name not in self._signals:
            raise ConfigError(f"no signal named {name!r}; have {sorted(self._signals)}")
        frame = self._signals[name]
        stop = frame.index.searchsorted(self.date, side="right")
        return frame.iloc[:stop]

    # -- helpers used by the built-in allocators -----------------------------
    def _require(self, rows: int, what: str) -> None:
        if self._end < rows:
            raise InsufficientHistoryError(
                f"{what} needs {rows} rows of history but only {self._end} exist up to "
                f"{self.date.date()}; start later or load earlier prices"
            )

    def trailing_return(self, ticker: str, lookback: DurationLike, skip: DurationLike = 0) -> float:
        """Total return over ``lookback``, ending ``skip`` before the decision date.

        ``P[e] / P[s] - 1`` with ``e`` the row ``skip`` before the decision row
        and ``s`` the row ``lookback`` before ``e``. Durations are ``"12M"``
        (month-end closes), ``"52W"``, ``"126D"`` or an int of trading days,
        sampled as in :mod:`tactical.lookback`; in trading days this is
        ``P[t - skip] / P[t - skip - lookback] - 1`` and needs
        ``lookback + skip + 1`` rows.
        """
        return float(self.trailing_returns((ticker,), lookback, skip)[0])

    def trailing_returns(
        self, tickers: tuple[str, ...], lookback: DurationLike, skip: DurationLike = 0
    ) -> np.ndarray:
        """Vector of :meth:`trailing_return` for several tickers.

        Raises
        ------
        InsufficientHistoryError
            If the window reaches before the first visible row, or a ticker
            has no price at either end of the window (it did not exist yet).
        """
        look = parse_duration(lookback, "lookback")
        back = parse_duration(skip, "skip", minimum=0)
        if look.unit == back.unit == "D":  # trading days: plain row arithmetic
            end_row = self._end - 1 - back.count
            first_row = end_row - look.count  # negative: before the first row
        else:
            last = anchor_rows(self._index, np.array([self._end - 1]), back)
            end_row = int(last[0])
            first_row = int(anchor_rows(self._index, last, look)[0])
        if first_row < 0:
            if look.unit == back.unit == "D":
                self._require(look.count + back.count + 1, f"a {look} return skipping {back}")
            raise InsufficientHistoryError(
                f"a {look} return skipping {back} on {self.date.date()} reaches before the first "
                f"date {self._index[0].date()}; start later or load earlier prices"
            )
        key = tickers if isinstance(tickers, tuple) else tuple(tickers)
        cols = self._cache.get(key)
        if cols is None:
            cols = self._cache[key] = np.array([self._col(t) for t in key], dtype=np.intp)
        values = self._values
        out = values[end_row, cols] / values[first_row, cols] - 1.0
        if np.isnan(out).any():
            bad = [t for t, v in zip(tickers, out, strict=True) if np.isnan(v)]
            raise InsufficientHistoryError(
                f"no price for {bad} on {self._index[first_row].date()}, the start of the {look} "
                f"window before {self.date.date()}: the fund is younger than the lookback; "
                "start later or splice a proxy"
            )
        return out

    def moving_average(self, ticker: str, lookback: DurationLike) -> float:
        """Simple mean of ``lookback`` closes, the decision date's included.

        ``"10M"`` averages the decision's close and the previous nine
        month-end closes (Faber's 10-month average); ``"210D"`` or ``210`` the
        last 210 closes. Sampling as in :mod:`tactical.lookback`.
        """
        window = parse_duration(lookback, "lookback")
        samples = sample_rows(self._index, np.array([self._end - 1]), window)
        if samples[0, 0] < 0:
            if window.unit == "D":
                self._require(window.count, f"a {window}-bar moving average")
            raise InsufficientHistoryError(
                f"a {window} moving average on {self.date.date()} reaches before the first date "
                f"{self._index[0].date()}; start later or load earlier prices"
            )
        value = float(window_mean(self._values[samples, self._col(ticker)])[0])
        if np.isnan(value):
            raise InsufficientHistoryError(
                f"{ticker} has no price for part of the {window} before "
                f"{self.date.date()}; start later or splice a proxy"
            )
        return value
