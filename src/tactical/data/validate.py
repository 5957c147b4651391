"""Validation of price frames at the library's boundary.

Every price frame that enters the engine passes :func:`validate_prices` once;
the cores behind it assume its invariants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tactical.errors import DataError, DataGapError, NoDataError

__all__ = ["validate_prices"]


def _fmt(dates: pd.DatetimeIndex, limit: int = 3) -> str:
    shown = ", ".join(str(d.date()) for d in dates[:limit])
    return shown + (f" and {len(dates) - limit} more" if len(dates) > limit else "")


def validate_prices(prices: pd.DataFrame, *, allow_weekends: bool = False) -> pd.DataFrame:
    """Check a price frame's invariants and return it as a clean float64 copy.

    Invariants: a ``DatetimeIndex`` (named ``date`` on return), sorted,
    unique and tz-naive; string column names, unique; float64 values that are
    finite and > 0; NaN allowed only *before* a fund's first price (a young
    fund); no hole inside a fund's history; no weekend dates unless
    ``allow_weekends``.

    Parameters
    ----------
    prices : pandas.DataFrame
        Shape ``(n_dates, n_tickers)``: dividend-adjusted closes, one column
        per ticker.
    allow_weekends : bool, default False
        Accept Saturday/Sunday dates (for synthetic calendars).

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is never mutated), float64, index named ``date``.

    Raises
    ------
    DataError
        Wrong type, unsorted or duplicate dates, tz-aware index, non-numeric
        or non-positive values, weekend dates.
    DataGapError
        NaN inside a fund's history (after its first price); the message names
        the ticker and the dates.
    NoDataError
        An empty frame or a ticker with no price at all.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-03"])
    >>> validate_prices(pd.DataFrame({"SPY": [1.0, 1.1]}, index=idx)).index.name
    'date'
    """
    if isinstance(prices, pd.Series):
        prices = prices.to_frame(name=prices.name if prices.name is not None else "PRICE")
    if not isinstance(prices, pd.DataFrame):
        raise DataError(f"prices must be a pandas DataFrame, got {type(prices).__name__}")
    if prices.shape[0] == 0 or prices.shape[1] == 0:
        raise NoDataError(f"prices are empty (shape {prices.shape}); nothing to backtest")
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise DataError(
            "prices must have a DatetimeIndex (dates as the index); "
            f"got {type(prices.index).__name__}: use df.set_index(pd.to_datetime(df['date']))"
        )
    if prices.index.tz is not None:
        raise DataError(
            f"prices' dates are tz-aware ({prices.index.tz}); use index.tz_localize(None)"
        )
    cols = [str(c) for c in prices.columns]
    dup_cols = sorted({c for c in cols if cols.count(c) > 1})
    if dup_cols:
        raise DataError(f"duplicate ticker columns in prices: {dup_cols}")
    idx = prices.index
    if idx.hasnans:
        raise DataError("prices' index has missing dates (NaT)")
    stamps = idx.asi8
    steps = np.diff(stamps)
    if (steps <= 0).any():
        dups = idx[idx.duplicated()]
        if len(dups):
            raise DataError(f"duplicate dates in prices: {_fmt(dups.unique())}; drop or merge them")
        pos = int(np.argmax(steps < 0))
        raise DataError(
            f"prices' dates are not sorted: {idx[pos].date()} comes before {idx[pos + 1].date()}; "
            "use prices.sort_index()"
        )
    if not allow_weekends:
        unit = np.datetime_data(idx.dtype)[0]
        per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000}.get(unit, 86_400 * 10**9)
        days = stamps // per_day  # days since 1970-01-01 (floor), without a datetime cast
        weekend = (days + 3) % 7 >= 5  # 1970-01-01 was a Thursday; Monday = 0
        if weekend.any():
            raise DataError(
                f"prices contain weekend dates: {_fmt(idx[weekend])}; markets are closed then "
                "(pass allow_weekends=True for synthetic calendars)"
            )
    for c, dtype in zip(cols, prices.dtypes, strict=True):
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            col = prices[c] if prices.columns.is_unique else prices.iloc[:, cols.index(c)]
            bad = pd.to_numeric(col, errors="coerce").isna() & col.notna()
            where = _fmt(idx[bad.to_numpy()]) if bad.any() else "some rows"
            raise DataError(f"non-numeric prices for {c} on {where}")
    values = prices.to_numpy(dtype=np.float64, copy=True)
    if np.isinf(values).any():
        r, c = np.argwhere(np.isinf(values))[0]
        raise DataError(f"infinite price for {cols[c]} on {idx[r].date()}")
    bad = values <= 0
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(
            f"non-positive price {values[r, c]} for {cols[c]} on {idx[r].date()}; "
            "prices must be > 0 (are these returns?)"
        )
    isnan = np.isnan(values)
    if isnan.any():
        # NaN is allowed only before a column's first price: once a column has had a
        # price, every later row must have one too.
        seen = np.logical_or.accumulate(~isnan, axis=0)
        empty = np.flatnonzero(~seen[-1])
        if len(empty):
            raise NoDataError(f"{cols[empty[0]]} has no prices at all in this frame")
        holes_mask = seen & isnan
        gappy = np.flatnonzero(holes_mask.any(axis=0))
        if len(gappy):
            j = int(gappy[0])
            holes = np.flatnonzero(holes_mask[:, j])
            raise DataGapError(
                f"{cols[j]} has {len(holes)} missing price(s) inside its history, on "
                f"{_fmt(idx[holes])}; fill them from another source or start after them"
            )
    result = pd.DataFrame(values, index=idx.copy(), columns=pd.Index(cols))
    result.index.name = "date"
    result.attrs = dict(prices.attrs)
    return result
