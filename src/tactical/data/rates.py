"""T-bill quotes (percent per year) and their conversion into per-period cash returns."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, fmt_dates
from tactical.errors import DataError, DataGapError, NoDataError

__all__ = ["cash_returns", "load_rates", "read_rates_file", "Basis"]

Basis = Literal["discount", "money_market", "bond_equivalent"]

_BASES: dict[str, int] = {"discount": 360, "money_market": 360, "bond_equivalent": 365}


def cash_returns(
    quotes: pd.Series | pd.DataFrame,
    index: pd.DatetimeIndex | pd.DataFrame | pd.Series,
    *,
    basis: Basis = "discount",
    maturity_days: int = 91,
    max_gap_days: int = 10,
) -> pd.Series:
    """Convert T-bill quotes into simple per-period cash returns on ``index``'s dates.

    Parameters
    ----------
    quotes : pandas.Series
        Annual rates in **percent** (5.27 = 5.27 % a year) on a ``DatetimeIndex``,
        e.g. FRED DTB3 or Yahoo ^IRX. Blank (NaN) quotes, the bond market's
        holidays, are skipped: the previous quote carries over them.
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

    Returns
    -------
    pandas.Series
        Float64 on ``index``, named ``"CASH"``: the simple decimal return from
        the previous date of ``index`` to each date. The first date has no
        previous date, so its return is NaN.

    Raises
    ------
    DataError
        Non-numeric or duplicate quote dates, an unknown basis, or ``index``
        starting before the first quote.
    DataGapError
        Quotes missing for more than ``max_gap_days``.

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
    if basis not in _BASES:
        raise DataError(f"basis={basis!r}; use one of {sorted(_BASES)}")
    q = _as_quote_series(quotes)
    if isinstance(index, pd.DataFrame | pd.Series):
        index = index.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataError(f"index must be a DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise NoDataError("index is empty: no dates to return cash returns on")
    if index.has_duplicates or not index.is_monotonic_increasing:
        raise DataError("index must be sorted with unique dates (a prices frame's index)")
    if index.tz is not None:
        raise DataError("index is tz-aware; use index.tz_localize(None)")
    q = q.dropna()
    if q.empty:
        raise NoDataError(f"quotes {q.name!r} have no values")
    first_date = index[0]
    if q.index[0] > first_date:
        raise DataError(
            f"quotes {q.name!r} start on {q.index[0].date()}, after the first date "
            f"{first_date.date()}; cut the prices to start on or after it, or use a longer "
            "rate series (e.g. IRX starts in 1976)"
        )
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
    union = used.index.union(index[index >= first_date])
    y = rate.reindex(union).ffill().to_numpy()
    days = np.diff(union.values).astype("timedelta64[D]").astype(np.float64)
    growth = np.concatenate([[1.0], np.cumprod(1.0 + y[:-1] * days / _BASES[basis])])
    level = pd.Series(growth, index=union).reindex(index).to_numpy()
    out = np.full(len(index), np.nan)
    out[1:] = level[1:] / level[:-1] - 1.0
    result = pd.Series(out, index=index.copy(), name="CASH", dtype=np.float64)
    result.index.name = "date"
    return result


def _as_quote_series(quotes: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(quotes, pd.DataFrame):
        if quotes.shape[1] != 1:
            raise DataError(f"quotes must have one column, got {list(quotes.columns)}")
        quotes = quotes.iloc[:, 0]
    if not isinstance(quotes, pd.Series):
        raise DataError(f"quotes must be a pandas Series, got {type(quotes).__name__}")
    if not isinstance(quotes.index, pd.DatetimeIndex):
        raise DataError("quotes must have a DatetimeIndex")
    if not pd.api.types.is_numeric_dtype(quotes.dtype):
        raise DataError(f"quotes {quotes.name!r} are not numeric ({quotes.dtype})")
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
    from tactical.data.files import _BLANKS, _parse_dates

    path = Path(path)
    if not path.is_file():
        raise NoDataError(f"rate file {path} does not exist")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise NoDataError(f"{path} is empty") from exc
    if raw.shape[1] != 2:
        raise DataError(f"{path}: expected two columns (date,value), got {list(raw.columns)}")
    dates = _parse_dates(raw.iloc[:, 0], path)
    text = raw.iloc[:, 1].str.strip()
    blank = text.str.lower().isin(_BLANKS).to_numpy()
    values = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values) & ~blank
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
    start_ts, end_ts = check_range(start, end)
    key = name.upper().lstrip("^")
    basis = "discount"
    if key == "SAMPLE":
        from tactical.data.bundled import _read_sample_rates

        series = _read_sample_rates()
        basis = "bond_equivalent"
    elif path is not None:
        p = Path(path)
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
    series = clip(series.to_frame(), start_ts, end_ts).iloc[:, 0].rename(name)
    if series.dropna().empty:
        raise NoDataError(f"no {name} quotes between {start} and {end}")
    series.index.name = "date"
    series.attrs = {"basis": basis, "unit": "percent per year"}
    return series
