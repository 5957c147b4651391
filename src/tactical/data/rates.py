"""T-bill quotes (percent per year) and their conversion into per-period cash returns."""

from __future__ import annotations

import os
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from tactical.data._frames import as_path, check_count, check_range, clip, fmt_dates, fmt_span
from tactical.errors import DataError, DataGapError, NoDataError, UnitWarning

__all__ = ["cash_returns", "load_rates", "read_rates_file", "Basis", "Unit"]

Basis = Literal["discount", "money_market", "bond_equivalent"]
Unit = Literal["percent", "decimal"]

_BASES: dict[str, int] = {"discount": 360, "money_market": 360, "bond_equivalent": 365}

_MAX_PERCENT = 50.0
"""Quotes above 50 % a year are refused (the highest 3-month T-bill rate on record is
about 17 %, in 1981): they are basis points or another series."""
_MIN_PERCENT = -5.0
"""Quotes below -5 % a year are refused (the lowest on record in the US is about -0.1 %)."""
_DECIMAL_LOOKING = 0.25
"""Percent quotes whose largest absolute value is below this (0.25 % a year) look like
decimals (0.05 = 5 %): a UnitWarning, unless ``unit`` is given."""


def cash_returns(
    quotes: pd.Series | pd.DataFrame,
    index: pd.DatetimeIndex | pd.DataFrame | pd.Series,
    *,
    basis: Basis = "discount",
    maturity_days: int = 91,
    max_gap_days: int = 10,
    unit: Unit | None = None,
) -> pd.Series:
    """Convert T-bill quotes into simple per-period cash returns on ``index``'s dates.

    Parameters
    ----------
    quotes : pandas.Series
        Annual rates in **percent** (5.27 = 5.27 % a year) on a ``DatetimeIndex``,
        e.g. FRED DTB3 or Yahoo ^IRX (``unit="decimal"`` for 0.0527). Blank
        (NaN) quotes, the bond market's holidays, are skipped: the previous
        quote carries over them.
    index : DatetimeIndex, DataFrame or Series
        The dates to return on (a prices frame's index, daily or monthly).
    basis : {"discount", "money_market", "bond_equivalent"}, default "discount"
        How the quote is stated. ``"discount"``: bank-discount yield (DTB3,
        ^IRX), converted to a money-market yield, act/360. ``"money_market"``:
        simple yield, act/360, used as is. ``"bond_equivalent"``: investment
        yield, act/365 (Treasury constant-maturity yields).
    maturity_days : int, default 91
        Bill maturity for the discount conversion (91 days for 3-month bills).
    max_gap_days : int, default 10
        Longest tolerated stretch, in calendar days, between two quotes (or
        between the last quote and a date of ``index``); longer is an error.
    unit : {"percent", "decimal"}, optional
        How ``quotes`` are written. Default: percent, checked: quotes whose
        largest absolute value is below 0.25 (under 0.25 % a year everywhere)
        look like decimals (0.05 meaning 5 %) and give a
        :class:`~tactical.errors.UnitWarning`. Pass ``unit="percent"`` to
        state it (percent quotes of a near-zero-rate period such as
        2010-2015), or ``"decimal"`` for decimal quotes.

    Returns
    -------
    pandas.Series
        Float64 on ``index``, named ``"CASH"``: the simple decimal return from
        the previous date of ``index`` to each date. For the first date the
        previous date is inferred from the spacing of ``index``: the previous
        weekday on daily dates (median spacing up to 5 days), 7 days earlier
        on weekly dates, the same day (or the last weekday, for month-end
        dates) of the month 1, 3, 6 or 12 months earlier on monthly,
        quarterly, semi-annual or annual dates, else one first spacing
        earlier. So ``cash_returns(quotes, returns.index)`` has a value on
        every return date. The first return is NaN only when the quotes start
        after that inferred date, or ``index`` has a single date. (On a
        prices index the first value is the accrual into the first date; the
        backtest ignores it, as the account starts there.)

    Raises
    ------
    DataError
        Non-numeric or duplicate quote dates, an unknown basis or unit,
        quotes outside -5 %..50 % a year (basis points? decimals given with
        ``unit="percent"``?), or ``index`` starting before the first quote.
    DataGapError
        Quotes missing for more than ``max_gap_days``.

    Warns
    -----
    UnitWarning
        Decimal-looking quotes with ``unit`` not given (see ``unit``).

    Notes
    -----
    A bank-discount quote :math:`d` (decimal) prices a bill at
    :math:`1 - d\\,m/360` for maturity :math:`m` days, so the money-market
    (act/360) yield is :math:`y = d / (1 - d\\,m/360)`. The rate known on
    day :math:`u_k` accrues simply over the calendar days to the next date
    :math:`u_{k+1}` (the union of quote dates and ``index`` dates),

    .. math:: g_k = 1 + y(u_k)\\,(u_{k+1} - u_k)/D,\\qquad D = 360 \\text{ or } 365,

    and the return on index date :math:`t_i` compounds the steps since
    :math:`t_{i-1}`: :math:`r_i = \\prod_{t_{i-1} \\le u_k < t_i} g_k - 1`.
    The rate applied to a period is the one quoted at its start (no
    look-ahead); weekends accrue at Friday's rate. A monthly return is thus
    exactly the product of the daily ones. ``basis="money_market"`` on DTB3
    reproduces the "DTB3 accrued daily (act/360)" convention of many
    published tables; ``"discount"`` adds the discount-to-yield conversion
    (about +0.02 pp a year at 2000-2024 rates).

    Examples
    --------
    >>> import pandas as pd
    >>> q = pd.Series([3.6, 3.6], index=pd.to_datetime(["2024-01-05", "2024-01-08"]))
    >>> r = cash_returns(q, q.index, basis="money_market")
    >>> round(float(r.iloc[1]), 6)  # 3 days (Fri -> Mon) at 3.6 %/360
    0.0003
    """
    if not isinstance(basis, str) or basis not in _BASES:
        raise DataError(f"basis={basis!r}; use one of {sorted(_BASES)}")
    if unit is not None and (not isinstance(unit, str) or unit not in ("percent", "decimal")):
        raise DataError(f"unit={unit!r}; use 'percent' (5.27 = 5.27 %) or 'decimal' (0.0527)")
    maturity_days = check_count(maturity_days, "maturity_days")
    if maturity_days == 0:
        raise DataError("maturity_days=0; give the bill's maturity in days (91 for 3 months)")
    max_gap_days = check_count(max_gap_days, "max_gap_days")
    q = _as_quote_series(quotes)
    if isinstance(index, pd.DataFrame | pd.Series):
        index = index.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataError(
            f"index must be a DatetimeIndex (or a prices frame), got {type(index).__name__}"
        )
    if len(index) == 0:
        raise NoDataError("index is empty: no dates to return cash returns on")
    if index.has_duplicates or not index.is_monotonic_increasing:
        raise DataError("index must be sorted with unique dates (a prices frame's index)")
    if index.tz is not None:
        raise DataError("index is tz-aware; use index.tz_localize(None)")
    q = q.dropna()
    if q.empty:
        raise NoDataError(f"quotes {q.name!r} have no values")
    q = _in_percent(q, unit)
    first_date = index[0]
    if q.index[0] > first_date:
        raise DataError(
            f"quotes {q.name!r} start on {q.index[0].date()}, after the first date "
            f"{first_date.date()}; cut the prices to start on or after it, or use a longer "
            "rate series (e.g. IRX starts in 1976)"
        )
    previous = _previous_date(index)
    if previous is not None and q.index[0] <= previous:
        first_date = previous  # the first date's return accrues from the inferred previous date
    else:
        previous = None
    # quotes that matter: the last one at or before the first date, and all up to the last date
    lo = int(np.searchsorted(q.index.values, first_date.to_datetime64(), side="right")) - 1
    used = q.iloc[lo:]
    used = used[used.index <= index[-1]]
    stamps = used.index.append(pd.DatetimeIndex([index[-1]]))
    gaps = np.diff(stamps.values).astype("timedelta64[D]").astype(int)
    too_long = np.flatnonzero(gaps > max_gap_days)
    if len(too_long):
        k = too_long[0]
        raise DataGapError(
            f"quotes {q.name!r} have no value for {gaps[k]} days, from {stamps[k].date()} to "
            f"{stamps[k + 1].date()} (max_gap_days={max_gap_days}); use a series covering "
            "those dates or raise max_gap_days"
        )
    d = used.to_numpy(dtype=np.float64) / 100.0
    if basis == "discount":
        denominator = 1.0 - d * maturity_days / 360.0
        if (denominator <= 0).any():
            raise DataError(f"discount quote too high for a {maturity_days}-day bill")
        d = d / denominator
    rate = pd.Series(d, index=used.index)
    dates = index if previous is None else pd.DatetimeIndex([previous]).append(index)
    union = used.index.union(dates[dates >= first_date])
    y = rate.reindex(union).ffill().to_numpy()
    days = np.diff(union.values).astype("timedelta64[D]").astype(np.float64)
    growth = np.concatenate([[1.0], np.cumprod(1.0 + y[:-1] * days / _BASES[basis])])
    level = pd.Series(growth, index=union).reindex(dates).to_numpy()
    out = np.full(len(dates), np.nan)
    out[1:] = level[1:] / level[:-1] - 1.0
    out = out[len(dates) - len(index) :]
    result = pd.Series(out, index=index.copy(), name="CASH", dtype=np.float64)
    result.index.name = "date"
    return result


def _in_percent(q: pd.Series, unit: str | None) -> pd.Series:
    """Quotes in percent, their range checked (``q`` holds no NaN)."""
    values = q.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        where = q.index[~np.isfinite(values)]
        raise DataError(f"quotes {q.name!r} are infinite on {fmt_dates(where)}")
    if unit == "decimal":
        q = q * 100.0
        values = values * 100.0
    hi, lo = float(values.max()), float(values.min())
    stated = "decimal" if unit == "decimal" else "percent"
    if hi > _MAX_PERCENT or lo < _MIN_PERCENT:
        worst = hi if hi > _MAX_PERCENT else lo
        on = q.index[int(np.argmax(values == worst))].date()
        raise DataError(
            f"quotes {q.name!r} reach {worst / (100.0 if unit == 'decimal' else 1.0):g} "
            f"({stated}: {worst:g} % a year) on {on}, outside "
            f"{_MIN_PERCENT:g} %..{_MAX_PERCENT:g} % a year; T-bill quotes are percent "
            "per year (5.27 = 5.27 %): are these basis "
            "points, prices or another series?"
        )
    largest = float(np.abs(values).max())
    if unit is None and 0.0 < largest < _DECIMAL_LOOKING:
        warnings.warn(
            f"quotes {q.name!r} are all below {_DECIMAL_LOOKING:g} in absolute value (largest "
            f"{largest:g}): read as percent, cash earns at most {largest:g} % a year. If they "
            f"are decimals (0.05 = 5 %), pass unit='decimal'; if they are percent quotes of a "
            "near-zero-rate period, pass unit='percent'",
            UnitWarning,
            stacklevel=3,
        )
    return q


def _previous_date(index: pd.DatetimeIndex) -> pd.Timestamp | None:
    """The date before ``index[0]`` at the index's spacing (see :func:`cash_returns`)."""
    if len(index) < 2:
        return None
    gaps = np.diff(index.values).astype("timedelta64[D]").astype(np.int64)
    median = float(np.median(gaps))
    t0 = index[0]
    if median <= 5:
        return t0 - pd.offsets.BDay(1)
    if median <= 9:
        return t0 - pd.Timedelta(days=7)
    months = next((m for m in (1, 3, 6, 12) if abs(median - 30.44 * m) <= 4 + 0.5 * m), None)
    if months is None:
        return t0 - (index[1] - index[0])
    head = index[:3]
    if bool((head.days_in_month - head.day < 4).all()):  # month-end dates
        month_end = t0.replace(day=1) - pd.DateOffset(months=months - 1) - pd.Timedelta(days=1)
        return pd.offsets.BDay().rollback(month_end)
    return pd.offsets.BDay().rollback(t0 - pd.DateOffset(months=months))


def _as_quote_series(quotes: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(quotes, pd.DataFrame):
        if quotes.shape[1] != 1:
            raise DataError(f"quotes must have one column, got {list(quotes.columns)}")
        quotes = quotes.iloc[:, 0]
    if not isinstance(quotes, pd.Series):
        raise DataError(
            f"quotes must be a pandas Series of T-bill rates in percent (e.g. "
            f"tactical.load_rates('DTB3', path=...)), got {type(quotes).__name__}"
        )
    if not isinstance(quotes.index, pd.DatetimeIndex):
        raise DataError(
            f"quotes must have a DatetimeIndex, got {type(quotes.index).__name__}; use "
            "quotes.set_axis(pd.to_datetime(quotes.index))"
        )
    if (
        not pd.api.types.is_numeric_dtype(quotes.dtype)
        or pd.api.types.is_bool_dtype(quotes.dtype)
        or pd.api.types.is_complex_dtype(quotes.dtype)
    ):
        raise DataError(
            f"quotes {quotes.name!r} are not numbers ({quotes.dtype}); convert them with "
            "pd.to_numeric(quotes, errors='coerce') or read the file with read_rates_file"
        )
    if quotes.index.has_duplicates:
        dups = quotes.index[quotes.index.duplicated()]
        raise DataError(f"quotes {quotes.name!r} have duplicate dates {fmt_dates(dups)}")
    q = quotes.astype(np.float64).sort_index()
    if q.index.tz is not None:
        q.index = q.index.tz_localize(None)
    return q


def read_rates_file(path: str | os.PathLike[str]) -> pd.Series:
    """Read a ``date,value`` rate file (percent per year; blanks kept as NaN).

    Also accepts FRED's ``observation_date,DTB3`` header and any two-column
    file whose first column is the date.

    Raises
    ------
    NoDataError
        The file is missing or has no values.
    DataError
        Unreadable dates, non-numeric values or duplicate dates (file, rows named).
    """
    from tactical.data.files import _parse_dates, _parse_numbers, _read_csv

    path = as_path(path, "path")
    if not path.is_file():
        raise NoDataError(f"rate file {path} does not exist")
    raw = _read_csv(path, dtype=str, keep_default_na=False)
    if raw.shape[1] != 2:
        raise DataError(f"{path}: expected two columns (date,value), got {list(raw.columns)}")
    dates = _parse_dates(raw.iloc[:, 0], path)
    text = raw.iloc[:, 1].str.strip()
    values, bad = _parse_numbers(text)
    if bad.any():
        raise DataError(
            f"{path}: non-numeric rate(s) {list(text[bad][:3])} on {fmt_dates(dates[bad])}"
        )
    if dates.has_duplicates:
        raise DataError(f"{path}: duplicate dates {fmt_dates(dates[dates.duplicated()])}")
    if np.isnan(values).all():
        raise NoDataError(f"{path} has no rate values")
    series = pd.Series(values, index=dates, name=path.stem).sort_index()
    series.index.name = "date"
    return series


def load_rates(
    name: str,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    source: object | None = None,
) -> pd.Series:
    """Load 3-month T-bill quotes, percent per year, blanks kept as NaN.

    Parameters
    ----------
    name : str
        ``"DTB3"`` (FRED, bank-discount basis), ``"IRX"`` or ``"^IRX"``
        (Yahoo, discount basis), or ``"sample"`` (the bundled 3-month Treasury
        constant-maturity yield, bond-equivalent basis, 1990-2017).
    start, end : date-like, optional
        Inclusive bounds.
    path : str or path, optional
        A folder holding ``<name>.csv`` (``IRX.csv`` for ``^IRX``) in the
        ``date,value`` layout, or the file itself. Without it, ``IRX`` comes
        from Yahoo and ``DTB3`` is an error (FRED is not downloaded).
    source : PriceSource, optional
        Source for ``^IRX`` when no path is given (default :class:`YahooSource`
        with ``adjustment="price"``; quotes are not prices, nothing to adjust).

    Returns
    -------
    pandas.Series
        Percent per year on a ``DatetimeIndex`` named ``date``, series named
        ``name``; ``attrs["basis"]`` is the quote basis, to pass to
        :func:`cash_returns`.

    Examples
    --------
    >>> q = load_rates("sample", "2000-01-03", "2000-01-05")
    >>> q.attrs["basis"], q.round(2).tolist()
    ('bond_equivalent', [5.48, 5.43, 5.44])
    """
    if not isinstance(name, str) or not name.strip():
        raise DataError(
            f"load_rates: name must be 'DTB3', 'IRX' or 'sample', got {name!r}; e.g. "
            "load_rates('DTB3', path='data/rates')"
        )
    start_ts, end_ts = check_range(start, end)
    key = name.strip().upper().lstrip("^")
    basis = "discount"
    if key == "SAMPLE":
        from tactical.data.bundled import _read_sample_rates

        series = _read_sample_rates()
        basis = "bond_equivalent"
    elif path is not None:
        p = as_path(path, "path")
        if p.is_dir():
            candidates = [p / f"{key}.csv", p / f"^{key}.csv", p / f"{name}.csv"]
            file = next((c for c in candidates if c.is_file()), None)
            if file is None:
                raise NoDataError(f"no {key}.csv in {p}")
            p = file
        series = read_rates_file(p)
    elif key == "IRX":
        from tactical.data.yahoo import YahooSource

        src = source if source is not None else YahooSource(adjustment="price")
        frame = src.fetch(["^IRX"], start_ts, end_ts)  # type: ignore[attr-defined]
        series = frame.iloc[:, 0]
    else:
        raise NoDataError(
            f"no download for rate {name!r}: pass path= to a folder or date,value CSV file "
            "(FRED DTB3 from fred.stlouisfed.org), or use 'IRX' (Yahoo) or 'sample'"
        )
    series = clip(series, start_ts, end_ts).rename(name)
    if series.dropna().empty:
        raise NoDataError(f"no {name} quotes between {fmt_span(start_ts, end_ts)}")
    series.index.name = "date"
    series.attrs = {"basis": basis, "unit": "percent per year"}
    return series
