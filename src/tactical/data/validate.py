"""Validation of price frames at the library's boundary.

Every price frame that enters the engine passes :func:`validate_prices` once;
the cores behind it assume its invariants.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from tactical.errors import DataError, DataGapError, NoDataError, PriceSpikeWarning

__all__ = ["validate_prices", "validated_values", "MAX_MOVE"]

MAX_MOVE = 1.0
"""Default ``max_move``: a price that doubles or halves in one bar is reported.

The 22 real funds of the shared data (daily, 1980-2025, incl. 1987, 2008 and
2020) move at most -24.2 % (NAESX, 1987-10-19) and +22.8 % (EEM, 2008-10-13)
in a day, a log move of 0.28; the bundled monthly sample (1926-2018) at most
+38.5 % in a month (log 0.33). A doubling or halving (log 0.69) is 2.5 times
the largest real daily move, and a x10 or x1000 data error is far beyond it."""


def _fmt(dates: pd.DatetimeIndex, limit: int = 3) -> str:
    shown = ", ".join(str(d.date()) for d in dates[:limit])
    return shown + (f" and {len(dates) - limit} more" if len(dates) > limit else "")


def validate_prices(
    prices: pd.DataFrame,
    *,
    allow_weekends: bool = False,
    max_move: float | None = MAX_MOVE,
    allow_early_end: bool = False,
) -> pd.DataFrame:
    """Check a price frame's invariants and return it as a clean float64 copy.

    Invariants: a ``DatetimeIndex`` (named ``date`` on return), sorted,
    unique and tz-naive; string column names (integers are turned into
    strings), unique, one level; real numbers (float, int or numeric objects,
    not text, booleans or complex numbers) that are finite and > 0; NaN
    allowed only *before* a fund's first price (a young fund); no hole inside
    a fund's history; no weekend dates unless ``allow_weekends``.

    Parameters
    ----------
    prices : pandas.DataFrame
        Shape ``(n_dates, n_tickers)``: dividend-adjusted closes, one column
        per ticker. A Series is taken as one column.
    allow_weekends : bool, default False
        Accept Saturday/Sunday dates (for synthetic calendars).
    max_move : float or None, default 1.0
        Largest plausible one-bar move, as a decimal return: a price rising by
        more than ``max_move`` (1.0 = +100 %) or falling by the same log move
        (to less than ``1 / (1 + max_move)`` of the previous price, -50 %)
        issues a :class:`~tactical.errors.PriceSpikeWarning` naming the
        ticker, the dates and the prices. ``None`` turns the check off. The
        default is 2.5 times the largest daily move of 22 real funds over
        1980-2025 (see :data:`MAX_MOVE`).
    allow_early_end : bool, default False
        Accept funds whose prices stop before the last date (NaN after a
        fund's last price), as ``load_prices(align="own")`` returns for
        :func:`~tactical.data.splice`. The backtest engine does not accept
        them: a fund must be priced to the end of the window.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is never mutated), float64, index named ``date``.

    Raises
    ------
    DataError
        Wrong type, unsorted or duplicate dates, tz-aware index, non-numeric
        or non-positive values, weekend dates, a fund ending before the others
        (unless ``allow_early_end``).
    DataGapError
        NaN inside a fund's history (between two of its prices); the message
        names the ticker and the dates.
    NoDataError
        An empty frame or a ticker with no price at all.

    Warns
    -----
    PriceSpikeWarning
        A one-bar move beyond ``max_move`` (likely a data error).

    Notes
    -----
    The spike test is on log moves, :math:`|\\ln(P_t / P_{t-1})| > \\ln(1 + m)`,
    so a rise to :math:`(1 + m)` times and a fall to :math:`1 / (1 + m)`
    times the previous price are treated alike.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-03"])
    >>> validate_prices(pd.DataFrame({"SPY": [1.0, 1.1]}, index=idx)).index.name
    'date'
    """
    values, idx, cols = validated_values(
        prices,
        allow_weekends=allow_weekends,
        max_move=max_move,
        allow_early_end=allow_early_end,
    )
    result = pd.DataFrame(values, index=idx.copy(), columns=pd.Index(cols))
    result.index.name = "date"
    result.attrs = dict(prices.attrs)
    return result


def validated_values(
    prices: pd.DataFrame,
    *,
    allow_weekends: bool = False,
    max_move: float | None = MAX_MOVE,
    allow_early_end: bool = False,
    extra_columns: int = 0,
) -> tuple[np.ndarray, pd.DatetimeIndex, list[str]]:
    """:func:`validate_prices` without building the frame: the checked prices as arrays.

    The same checks, errors and warnings as :func:`validate_prices` (which
    calls this), for a caller that wants the numbers, not a DataFrame (the
    engine appends its cash column to them).

    Parameters
    ----------
    prices : pandas.DataFrame
        As in :func:`validate_prices` (a Series is one column).
    allow_weekends, max_move, allow_early_end
        As in :func:`validate_prices`.
    extra_columns : int, default 0
        Columns left uninitialised to the right of the prices, for the
        caller to fill.

    Returns
    -------
    values : numpy.ndarray
        float64, shape ``(n_dates, n_tickers + extra_columns)``, a new array
        (never a view of ``prices``).
    index : pandas.DatetimeIndex
        ``prices.index`` itself (not a copy: copy it before renaming it).
    columns : list of str
        The ticker names as strings.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-03"])
    >>> frame = pd.DataFrame({"SPY": [1.0, 1.1]}, index=idx)
    >>> values, _, cols = validated_values(frame, extra_columns=1)
    >>> values.shape, values[:, 0].tolist(), cols
    ((2, 2), [1.0, 1.1], ['SPY'])
    """
    if isinstance(prices, pd.Series):
        prices = prices.to_frame(name=prices.name if prices.name is not None else "PRICE")
    if not isinstance(prices, pd.DataFrame):
        raise DataError(
            f"prices must be a pandas DataFrame (dates x tickers), got {type(prices).__name__}; "
            "load one with tactical.load_prices or build it with pd.DataFrame"
        )
    for name, flag in (("allow_weekends", allow_weekends), ("allow_early_end", allow_early_end)):
        if not isinstance(flag, bool | np.bool_):
            raise DataError(f"{name} must be True or False, got {flag!r}")
    log_limit = _log_limit(max_move)
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
    if isinstance(prices.columns, pd.MultiIndex):
        raise DataError(
            f"prices have {prices.columns.nlevels} column levels ({list(prices.columns[:2])}...); "
            "give one column per ticker, e.g. frame.xs('Adj Close', axis=1, level=0)"
        )
    labels = prices.columns.tolist()
    bad_names = [c for c in labels if not isinstance(c, str | int | np.integer)]
    if bad_names:
        raise DataError(
            f"ticker column names must be strings, got {bad_names[0]!r} "
            f"({type(bad_names[0]).__name__}); rename the columns to tickers"
        )
    cols = [str(c) for c in labels]
    if len(set(cols)) < len(cols):
        dup_cols = sorted({c for c in cols if cols.count(c) > 1})
        raise DataError(f"duplicate ticker columns in prices: {dup_cols}")
    idx = prices.index
    if idx.hasnans:
        raise DataError("prices' index has missing dates (NaT)")
    stamps = idx.asi8
    if (stamps[1:] <= stamps[:-1]).any():
        steps = np.diff(stamps)
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
    n, k = prices.shape
    values = np.empty((n, k + extra_columns), dtype=np.float64)
    dtypes = prices.dtypes
    if all(map(_is_real_dtype, dict.fromkeys(dtypes.tolist()))):  # usually: one conversion
        raw = prices.to_numpy(dtype=np.float64, na_value=np.nan)  # a view when it can be
    else:
        raw = np.empty((n, k), dtype=np.float64)
        for j, (c, dtype) in enumerate(zip(cols, dtypes, strict=True)):
            raw[:, j] = _numeric_column(prices.iloc[:, j], c, dtype, idx)
    low, high = np.min(raw), np.max(raw)  # NaN when any price is NaN
    if not (low > 0 and high < np.inf):  # a NaN, an infinity or a price <= 0 somewhere
        if np.isinf(raw).any():
            r, c = np.argwhere(np.isinf(raw))[0]
            raise DataError(f"infinite price for {cols[c]} on {idx[r].date()}")
        bad = raw <= 0
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise DataError(
                f"non-positive price {raw[r, c]} for {cols[c]} on {idx[r].date()}; "
                "prices must be > 0 (are these returns?)"
            )
        isnan = np.isnan(raw)
        if isnan.any():
            _check_nan(isnan, cols, idx, allow_early_end)
    if log_limit is not None and n > 1:
        _warn_spikes(raw, cols, idx, float(max_move))  # type: ignore[arg-type]
    values[:, :k] = raw
    return values, idx, cols


def _is_real_dtype(dtype: object) -> bool:
    """Numbers a price can be: numeric, and neither booleans nor complex."""
    if isinstance(dtype, np.dtype):  # numpy's own: float, signed or unsigned integers
        return dtype.kind in "fiu"
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not pd.api.types.is_complex_dtype(dtype)
    )


def _log_limit(max_move: object) -> float | None:
    if max_move is None:
        return None
    if (
        isinstance(max_move, bool | np.bool_)
        or not isinstance(max_move, int | float | np.number)
        or not math.isfinite(float(max_move))  # type: ignore[arg-type]
        or float(max_move) <= 0  # type: ignore[arg-type]
    ):
        raise DataError(
            f"max_move={max_move!r}; give the largest plausible one-bar move as a decimal "
            "return > 0 (1.0 = the price doubles or halves), or None to skip the check"
        )
    return math.log1p(float(max_move))  # type: ignore[arg-type]


def _numeric_column(col: pd.Series, name: str, dtype: object, idx: pd.DatetimeIndex) -> np.ndarray:
    """One column as float64; text, booleans, complex numbers and dates are refused."""
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        raise DataError(f"prices for {name} are {dtype}, not real numbers; give float prices")
    if pd.api.types.is_numeric_dtype(dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        cells = col.to_numpy(dtype=object)
        present = ~pd.isna(cells)
        real = np.array(
            [
                isinstance(v, int | float | np.number)
                and not isinstance(v, bool | np.bool_ | complex | np.complexfloating)
                for v in cells
            ],
            dtype=bool,
        )
        wrong = present & ~real
        if not wrong.any():
            out = np.full(len(cells), np.nan)
            out[present] = [float(v) for v in cells[present]]
            return out
        rows = np.flatnonzero(wrong)
        shown = ", ".join(f"{cells[i]!r} on {idx[i].date()}" for i in rows[:3])
        text = all(isinstance(cells[i], str) for i in rows)
        fix = (
            "convert the column with pd.to_numeric(prices[...]) (or read the CSV with "
            "tactical.read_price_file)"
            if text
            else "give float prices"
        )
        raise DataError(
            f"non-numeric prices for {name}: {len(rows)} cell(s) such as {shown}; {fix}"
        )
    raise DataError(f"prices for {name} are {dtype}, not numbers; give float prices")


def _check_nan(
    isnan: np.ndarray, cols: list[str], idx: pd.DatetimeIndex, allow_early_end: bool
) -> None:
    """NaN only before a column's first price (and, if allowed, after its last)."""
    seen = np.logical_or.accumulate(~isnan, axis=0)
    empty = np.flatnonzero(~seen[-1])
    if len(empty):
        raise NoDataError(f"{cols[empty[0]]} has no prices at all in this frame")
    # rows after a column's last price: seen from the bottom is False there
    later = np.logical_or.accumulate(~isnan[::-1], axis=0)[::-1]
    holes_mask = seen & later & isnan
    gappy = np.flatnonzero(holes_mask.any(axis=0))
    if len(gappy):
        j = int(gappy[0])
        holes = np.flatnonzero(holes_mask[:, j])
        raise DataGapError(
            f"{cols[j]} has {len(holes)} missing price(s) inside its history, on "
            f"{_fmt(idx[holes])}; fill them from another source or start after them"
        )
    ended = np.flatnonzero(~later[-1])
    if len(ended) and not allow_early_end:
        last = {cols[j]: idx[int(np.flatnonzero(later[:, j])[-1])] for j in ended}
        shown = ", ".join(f"{t} on {d.date()}" for t, d in last.items())
        first_end = min(last.values())
        raise DataError(
            f"{', '.join(last)} stop(s) before the last date {idx[-1].date()}: the last price of "
            f"{shown}; a fund must be priced to the end. Cut the prices to end there "
            f"(prices.loc[:'{first_end.date()}']), drop the fund (a splice proxy: "
            "splice(..., drop_proxies=True)), or load with align='common'"
        )


def _warn_spikes(
    values: np.ndarray, cols: list[str], idx: pd.DatetimeIndex, max_move: float
) -> None:
    # |ln(P_t / P_{t-1})| > ln(1 + m)  <=>  ratio > 1 + m or ratio < 1 / (1 + m)
    with np.errstate(invalid="ignore"):
        ratio = values[1:] / values[:-1]
    hi = 1.0 + max_move
    # fmin/fmax skip NaN (before a fund's first price), as the comparisons below do
    if not (np.fmax.reduce(ratio, axis=None) > hi or np.fmin.reduce(ratio, axis=None) < 1.0 / hi):
        return
    beyond = (ratio > hi) | (ratio < 1.0 / hi)  # NaN compares False
    flagged = np.flatnonzero(beyond.any(axis=0))
    if not len(flagged):
        return
    parts = []
    for j in flagged:
        rows = np.flatnonzero(beyond[:, j]) + 1
        shown = ", ".join(
            f"{idx[r].date()} ({values[r - 1, j]:.6g} -> {values[r, j]:.6g}, "
            f"{values[r, j] / values[r - 1, j] - 1:+.1%})"
            for r in rows[:3]
        )
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        parts.append(f"{cols[j]} on {shown}{more}")
    warnings.warn(
        f"implausible one-day price move(s), beyond max_move={max_move:g} (a rise of more than "
        f"{max_move:.0%} or a fall of more than {max_move / (1 + max_move):.0%}): "
        + "; ".join(parts)
        + ". Likely a data error (a spike, a missed split, a unit change); check the source, "
        "or pass max_move=None (or a larger value) if the move is real",
        PriceSpikeWarning,
        stacklevel=3,
    )
