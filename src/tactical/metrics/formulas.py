"""Performance metrics: pure functions of simple periodic returns.

Every public function takes ``returns`` first: simple decimal returns per
period (0.01 = +1 %), never prices and never log returns.

* a :class:`pandas.Series` gives a ``float``;
* a :class:`pandas.DataFrame` gives a :class:`pandas.Series`, one value per
  column, computed column-wise on one 2-D array (no Python loop over columns);
* a 1-D :class:`numpy.ndarray` gives a ``float``, a 2-D one an array.

Library-wide conventions (each docstring repeats the ones it uses):

* ``periods_per_year`` is inferred from a :class:`~pandas.DatetimeIndex`
  (:func:`infer_periods_per_year`: daily 252, weekly 52, monthly 12,
  quarterly 4, yearly 1) or given. An irregular or missing index raises
  :class:`~tactical.errors.FrequencyError`; there is no silent fallback.
* Standard deviations are sample standard deviations (``ddof=1``), like
  empyrical and quantstats. Annualisation multiplies a per-period standard
  deviation by ``sqrt(periods_per_year)`` and a per-period mean by
  ``periods_per_year``.
* ``risk_free`` (and a Sortino ``target``) is an annual decimal rate (0.02 =
  2 %/yr), turned into a per-period rate geometrically,
  ``(1 + rate) ** (1 / periods_per_year) - 1`` (as quantstats does), or a
  Series of per-period returns (for T-bill quotes, convert them first with
  ``tactical.data.cash_returns``). A Series on finer dates than the returns
  (daily cash with monthly returns) is compounded onto each return period,
  ``prod(1 + rf) - 1`` over the dates after the previous return date up to
  this one (the first period: its calendar month, week... up to the first
  return date); a NaN on the Series' first date (the starting value of
  ``cash_returns``) is skipped, any other missing period raises. A rate above 25 %/yr is
  taken for a percentage and raises :class:`~tactical.errors.MetricError`.
* NaN or infinite values in ``returns`` raise :class:`~tactical.errors.MetricError`
  naming the column and date; so do values below -1 and data that look like
  prices. A metric that is undefined for valid input (zero variance, beta
  near zero...) returns NaN and emits :class:`~tactical.errors.MetricWarning`
  saying why.

Rolling statistics live in :mod:`tactical.metrics.rolling`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.distribution import (
    best_month,
    best_year,
    conditional_value_at_risk,
    kurtosis,
    positive_periods,
    skew,
    value_at_risk,
    worst_month,
    worst_year,
)
from tactical.metrics.inputs import (
    MAX_ANNUAL_RATE,
    Frequency,
    Rate,
    Returns,
    _as_input,
    _Input,
    _need,
    _period_starts,
    _periods_per_year,
    _rate_per_period,
    _sharpe_core,
    _warn_undefined,
    _wrap,
    _wrap_rows,
    frequency_name,
    infer_periods_per_year,
    per_period_rate,
    period_returns,
)
from tactical.metrics.relative import (
    alpha,
    alpha_beta,
    beta,
    correlation,
    down_capture,
    information_ratio,
    tracking_error,
    treynor_ratio,
    up_capture,
)

# The distribution and relative names above are re-exported for callers of
# this module; each is defined once, in its own module.

__all__ = [
    "MAX_ANNUAL_RATE",
    "Frequency",
    "Rate",
    "Returns",
    "frequency_name",
    "DrawdownInfo",
    "alpha",
    "alpha_beta",
    "annual_volatility",
    "beta",
    "best_month",
    "best_year",
    "cagr",
    "calmar_ratio",
    "conditional_value_at_risk",
    "correlation",
    "down_capture",
    "downside_deviation",
    "drawdown_series",
    "information_ratio",
    "infer_periods_per_year",
    "kurtosis",
    "max_drawdown",
    "max_drawdown_info",
    "per_period_rate",
    "period_returns",
    "positive_periods",
    "sharpe_ratio",
    "skew",
    "sortino_ratio",
    "stability",
    "total_return",
    "tracking_error",
    "treynor_ratio",
    "ulcer_index",
    "up_capture",
    "value_at_risk",
    "worst_month",
    "worst_year",
]

# ---------------------------------------------------------------------------
# returns and growth
# ---------------------------------------------------------------------------


def total_return(returns: Returns) -> float | pd.Series | np.ndarray:
    """Compounded return over the whole sample.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, shape ``(n_periods,)`` or
        ``(n_periods, n_strategies)``.

    Returns
    -------
    float, Series or ndarray
        Decimal (0.21 = +21 %).

    Raises
    ------
    MetricError
        For no returns at all (there is no return over an empty window).

    Notes
    -----
    ``prod(1 + r_t) - 1``. Matches empyrical ``cum_returns_final`` and
    quantstats ``comp``.

    Examples
    --------
    >>> import pandas as pd
    >>> round(total_return(pd.Series([0.1, 0.1])), 12)
    0.21
    """
    inp = _as_input(returns)
    _need(inp, 1, "total_return")
    return _wrap(np.prod(1.0 + inp.values, axis=0) - 1.0, inp)


def cagr(
    returns: Returns,
    periods_per_year: float | None = None,
    *,
    start: pd.Timestamp | str | None = None,
) -> float | pd.Series | np.ndarray:
    """Compound annual growth rate.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    periods_per_year : float, optional
        Inferred from the index when omitted (see :func:`infer_periods_per_year`).
    start : Timestamp or str, optional
        The date of the starting value (the close before the first return).
        When given, years are calendar years,
        ``(last date - start).days / 365.25``, and ``periods_per_year`` is
        not used.

    Returns
    -------
    float, Series or ndarray
        Annual decimal rate; -1 after a total loss.

    Notes
    -----
    ``(1 + total_return) ** (1 / years) - 1`` with ``years = n /
    periods_per_year`` (empyrical ``cagr``/``annual_return`` and quantstats
    ``cagr`` use this count of periods) or calendar years when ``start`` is
    given (what published tables and :func:`tactical.report.summary` use when
    the window is known).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.Series([0.1, 0.1], index=pd.to_datetime(["2001-12-31", "2002-12-31"]))
    >>> round(cagr(r, periods_per_year=1), 12)
    0.1
    >>> round(cagr(r, start="2000-12-31"), 4)  # 730 days / 365.25
    0.1001
    """
    inp = _as_input(returns)
    _need(inp, 1, "cagr")
    return _wrap(_cagr_core(inp.values, _cagr_years(inp, periods_per_year, start)), inp)


def _cagr_years(inp: _Input, periods_per_year: float | None, start: object) -> float:
    """Years of :func:`cagr`: calendar years from ``start``, else ``n / periods_per_year``."""
    if start is not None:
        if inp.index is None:
            raise MetricError("cagr with start= needs returns with a DatetimeIndex")
        years = (inp.index[-1] - pd.Timestamp(start)).days / 365.25  # type: ignore[arg-type]
        if years <= 0:
            raise MetricError(f"start {start} is not before the last return date")
        return float(years)
    return inp.values.shape[0] / _periods_per_year(inp, periods_per_year)


def _cagr_core(a: np.ndarray, years: float) -> np.ndarray:
    """``prod(1 + r) ** (1 / years) - 1`` per column of a valid (n, k) array; -1 after a loss."""
    growth = np.prod(1.0 + a, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(growth <= 0, -1.0, np.abs(growth) ** (1.0 / years) - 1.0)


def stability(returns: Returns) -> float | pd.Series | np.ndarray:
    """Stability: R squared of a straight line fitted to log growth.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least 2 periods.

    Returns
    -------
    float, Series or ndarray
        In ``[0, 1]``; 1 for growth at a constant rate. NaN with a
        :class:`~tactical.errors.MetricWarning` after a total loss (log growth
        is undefined) or when log growth is constant.

    Notes
    -----
    ``corr(t, y_t) ** 2`` with ``y_t = sum_{s<=t} log(1 + r_s)`` and
    ``t = 0..n-1``: the R squared of the least-squares line through the log
    of the growth curve. Matches empyrical ``stability_of_timeseries``.

    Examples
    --------
    >>> import numpy as np
    >>> round(stability(np.array([0.01, 0.01, 0.01])), 12)
    1.0
    """
    inp = _as_input(returns)
    _need(inp, 2, "stability")
    a = inp.values
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.cumsum(np.log1p(a), axis=0)
        t = np.arange(a.shape[0], dtype=np.float64)[:, None]
        tc = t - t.mean()
        yc = y - y.mean(axis=0)
        syy = np.sum(yc * yc, axis=0)
        r = np.sum(tc * yc, axis=0) / np.sqrt(np.sum(tc * tc) * syy)
    wiped = np.asarray((a <= -1.0).any(axis=0))
    flat = ~wiped & (syy <= 1e-30 * np.maximum(np.sum(y * y, axis=0), 1e-300))
    out = np.where(wiped | flat, np.nan, r * r)
    _warn_undefined(wiped, inp, "stability", "a -100 % return makes log growth undefined")
    _warn_undefined(flat, inp, "stability", "log growth is constant")
    return _wrap(out, inp)


# ---------------------------------------------------------------------------
# dispersion and risk-adjusted ratios
# ---------------------------------------------------------------------------


def annual_volatility(
    returns: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised standard deviation of returns.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least 2 periods.
    periods_per_year : float, optional
        Inferred from the index when omitted.

    Returns
    -------
    float, Series or ndarray
        Annual decimal (0.15 = 15 %).

    Notes
    -----
    ``std(r, ddof=1) * sqrt(periods_per_year)``. Matches empyrical
    ``annual_volatility`` and quantstats ``volatility``.

    Examples
    --------
    >>> import numpy as np
    >>> round(annual_volatility(np.array([0.01, -0.01]), periods_per_year=4), 12)
    0.028284271247
    """
    inp = _as_input(returns)
    _need(inp, 2, "annual_volatility")
    ppy = _periods_per_year(inp, periods_per_year)
    return _wrap(_volatility_core(inp.values, ppy), inp)


def _volatility_core(a: np.ndarray, ppy: float, std: np.ndarray | None = None) -> np.ndarray:
    """``std(r, ddof=1) * sqrt(periods_per_year)`` per column of a valid (n, k) array.

    ``std`` may be given when already computed: ``a.std(axis=0, ddof=1)``.
    """
    return (a.std(axis=0, ddof=1) if std is None else std) * np.sqrt(ppy)


def sharpe_ratio(
    returns: Returns, risk_free: Rate = 0.0, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised Sharpe ratio.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least 2 periods.
    risk_free : float or Series
        Annual decimal rate (0.02 = 2 %), or per-period returns (on the same dates,
        or finer dates compounded onto each return period; see the module notes).
    periods_per_year : float, optional
        Inferred from the index when omitted.

    Returns
    -------
    float, Series or ndarray
        NaN with a :class:`~tactical.errors.MetricWarning` when excess
        returns have zero variance.

    Notes
    -----
    With excess returns ``x_t = r_t - rf_t`` (``rf_t`` per period):
    ``mean(x) / std(x, ddof=1) * sqrt(periods_per_year)``. Matches empyrical
    ``sharpe_ratio`` (given the per-period rate) and quantstats ``sharpe``.

    Examples
    --------
    >>> import numpy as np
    >>> round(sharpe_ratio(np.array([0.03, 0.01]), periods_per_year=4), 12)
    2.828427124746
    """
    inp = _as_input(returns)
    _need(inp, 2, "sharpe_ratio")
    ppy = _periods_per_year(inp, periods_per_year)
    rf = _rate_per_period(risk_free, inp, ppy)
    out, flat = _sharpe_core(inp.values - rf, ppy)
    _warn_undefined(flat, inp, "sharpe_ratio", "excess returns have zero variance")
    return _wrap(out, inp)


def downside_deviation(
    returns: Returns, target: Rate = 0.0, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised downside deviation below a target, over all periods.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    target : float or Series
        Minimum acceptable return: annual decimal rate, or per-period returns.
    periods_per_year : float, optional
        Inferred from the index when omitted.

    Notes
    -----
    ``sqrt(mean(min(r_t - target_t, 0) ** 2)) * sqrt(periods_per_year)``, the
    mean taken over **all** periods (periods above the target count as 0),
    not the standard deviation of the losing periods. Matches empyrical
    ``downside_risk`` and the denominator of quantstats ``sortino``.

    Examples
    --------
    >>> import numpy as np
    >>> round(downside_deviation(np.array([0.02, -0.02]), periods_per_year=1), 12)
    0.014142135624
    """
    inp = _as_input(returns)
    _need(inp, 1, "downside_deviation")
    ppy = _periods_per_year(inp, periods_per_year)
    excess = inp.values - _rate_per_period(target, inp, ppy, what="target")
    below = np.minimum(excess, 0.0)
    return _wrap(np.sqrt(np.mean(below * below, axis=0) * ppy), inp)


def sortino_ratio(
    returns: Returns, target: Rate = 0.0, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised Sortino ratio against a stated target.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least 2 periods.
    target : float or Series
        Minimum acceptable return: annual decimal rate (often the risk-free
        rate), or per-period returns on the same dates.
    periods_per_year : float, optional
        Inferred from the index when omitted.

    Returns
    -------
    float, Series or ndarray
        NaN with a :class:`~tactical.errors.MetricWarning` when no period is
        below the target (the downside deviation is zero).

    Notes
    -----
    With ``x_t = r_t - target_t``: ``mean(x) * periods_per_year /
    downside_deviation``, where the downside deviation is
    ``sqrt(mean(min(x, 0) ** 2)) * sqrt(periods_per_year)`` over all periods.
    Matches empyrical ``sortino_ratio`` (``required_return`` = the per-period
    target) and quantstats ``sortino`` (``rf`` = target). Where the downside
    deviation is zero empyrical returns inf; we return NaN with a warning.

    Examples
    --------
    >>> import numpy as np
    >>> round(sortino_ratio(np.array([0.04, -0.02]), periods_per_year=1), 12)
    0.707106781187
    """
    inp = _as_input(returns)
    _need(inp, 2, "sortino_ratio")
    ppy = _periods_per_year(inp, periods_per_year)
    excess = inp.values - _rate_per_period(target, inp, ppy, what="target")
    out, flat = _sortino_core(excess, ppy)
    _warn_undefined(flat, inp, "sortino_ratio", "no period is below the target")
    return _wrap(out, inp)


def _sortino_core(excess: np.ndarray, ppy: float) -> tuple[np.ndarray, np.ndarray]:
    """Sortino ratio of each column of excess returns, and where it is undefined (NaN)."""
    below = np.minimum(excess, 0.0)
    np.multiply(below, below, out=below)
    dd = np.sqrt(np.mean(below, axis=0))
    flat = dd == 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(flat, np.nan, excess.mean(axis=0) / dd * np.sqrt(ppy))
    return out, flat


# ---------------------------------------------------------------------------
# drawdowns
# ---------------------------------------------------------------------------


def _wealth(a: np.ndarray) -> np.ndarray:
    """Growth of 1 with the starting value as row 0: shape (n + 1, k)."""
    # column-major: the running products and maxima go down each column
    w = np.empty((a.shape[0] + 1, a.shape[1]), order="F")
    w[0] = 1.0
    np.cumprod(1.0 + a, axis=0, out=w[1:])
    return w


def _wealth_peak_drawdown(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = _wealth(a)
    peak = np.maximum.accumulate(w, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dd = w / peak - 1.0
    return w, peak, dd


def drawdown_series(
    returns: Returns, *, start: pd.Timestamp | str | None = None
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Drawdown from the running peak after each period.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least one period.
    start : Timestamp or str, optional
        Date of the starting value (the close before the first return). When
        given (Series or DataFrame only) the result starts with that date,
        drawdown 0, so it lines up with an equity curve: what a chart draws.

    Returns
    -------
    Series, DataFrame or ndarray
        Same shape and index as ``returns`` (one more leading row with
        ``start``); values in ``[-1, 0]``.

    Notes
    -----
    ``W_t / max(W_0..W_t) - 1`` with ``W_t = prod_{s<=t}(1 + r_s)`` and the
    starting value ``W_0 = 1`` counting as a peak (a first-period loss is a
    drawdown). Matches empyrical ``drawdown_series`` and quantstats
    ``to_drawdown_series``.

    Examples
    --------
    >>> import numpy as np
    >>> drawdown_series(np.array([-0.5, 0.5, 1.0])).tolist()
    [-0.5, -0.25, 0.0]
    """
    inp = _as_input(returns)
    _need(inp, 1, "drawdown_series")
    dd = _wealth_peak_drawdown(inp.values)[2]
    index: pd.Index | None = inp.index
    if start is None:
        dd = dd[1:]
    else:
        if inp.index is None:
            raise MetricError("drawdown_series with start= needs returns with a DatetimeIndex")
        first = pd.Timestamp(start)
        if not first < inp.index[0]:
            raise MetricError(f"start {first.date()} must be before the first return date")
        index = pd.DatetimeIndex([first], name=inp.index.name).append(inp.index)
    return _wrap_rows(dd, inp, index)


def max_drawdown(returns: Returns) -> float | pd.Series | np.ndarray:
    """Maximum drawdown: the deepest fall from a running peak.

    Returns
    -------
    float, Series or ndarray
        A negative decimal (-0.55 = a 55 % fall) or 0.

    Raises
    ------
    MetricError
        For no returns at all.

    Notes
    -----
    ``min_t drawdown_t`` (see :func:`drawdown_series`), measured on the
    closes of the periods given: pass daily returns for daily closes,
    ``period_returns(r, "monthly")`` for month-end closes. Matches empyrical
    ``max_drawdown`` and quantstats ``max_drawdown``.

    Examples
    --------
    >>> import numpy as np
    >>> max_drawdown(np.array([0.1, -0.5, 0.2]))
    -0.5
    """
    inp = _as_input(returns)
    _need(inp, 1, "max_drawdown")
    return _wrap(_max_drawdown_core(inp.values), inp)


def _max_drawdown_core(a: np.ndarray) -> np.ndarray:
    """Deepest ``W_t / max(W_0..W_t) - 1`` per column of a valid (n, k) array (``W_0 = 1``).

    The numbers of :func:`drawdown_series` (``min(x) - 1 == min(x - 1)``
    exactly, since rounding is monotone), in two temporaries instead of four.
    """
    w = _wealth(a)
    peak = np.maximum.accumulate(w, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(w, peak, out=peak)
    return peak.min(axis=0) - 1.0


@dataclass(frozen=True, slots=True)
class DrawdownInfo:
    """The maximum drawdown of one series.

    Attributes
    ----------
    depth : float
        Negative decimal (``max_drawdown``); 0 if there was none.
    peak, trough : Timestamp
        Last date at the high before the fall, and date of the low. The peak
        is the ``start`` given to :func:`max_drawdown_info` (NaT if none) when
        the fall starts with the first return.
    recovery : Timestamp
        First date back at or above the peak; NaT if not recovered by the end.
    length : int
        Periods from peak to recovery, or to the last date if not recovered.
    recovered : bool
        Whether the peak was regained.
    """

    depth: float
    peak: pd.Timestamp
    trough: pd.Timestamp
    recovery: pd.Timestamp
    length: int
    recovered: bool


def max_drawdown_info(
    returns: pd.Series | pd.DataFrame, *, start: pd.Timestamp | str | None = None
) -> DrawdownInfo | pd.DataFrame:
    """Depth, peak, trough and recovery dates and length of the maximum drawdown.

    Parameters
    ----------
    returns : Series or DataFrame
        Simple decimal returns on a DatetimeIndex.
    start : Timestamp or str, optional
        Date of the starting value (the close before the first return); used
        as the peak date when the drawdown starts at once.

    Returns
    -------
    DrawdownInfo or DataFrame
        A :class:`DrawdownInfo` for a Series; for a DataFrame one row per
        column with columns ``depth, peak, trough, recovery, length, recovered``.

    Notes
    -----
    Same drawdown as :func:`max_drawdown` (empyrical, quantstats). Among
    equal highs the last one before the trough is the peak. Computed for all
    columns at once with array masks.

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.date_range("2020-01-31", periods=4, freq="ME")
    >>> r = pd.Series([0.1, -0.5, 0.2, 1.0], index=dates)
    >>> info = max_drawdown_info(r)
    >>> info.depth, info.peak.date(), info.trough.date(), info.recovery.date(), info.length
    (-0.5, datetime.date(2020, 1, 31), datetime.date(2020, 2, 29), datetime.date(2020, 4, 30), 3)
    """
    inp = _as_input(returns)
    if inp.index is None:
        raise MetricError("max_drawdown_info needs returns with a DatetimeIndex")
    _need(inp, 1, "max_drawdown_info")
    w, peak, dd = _wealth_peak_drawdown(inp.values)
    n1, k = w.shape
    cols = np.arange(k)
    pos = np.arange(n1)[:, None]
    trough = np.argmin(dd, axis=0)
    depth = dd[trough, cols]
    peak_value = peak[trough, cols]
    at_peak = (w == peak_value) & (pos <= trough)
    peak_pos = np.where(at_peak, pos, -1).max(axis=0)
    back = (w >= peak_value) & (pos > trough)
    recovered = back.any(axis=0)
    rec_pos = np.where(recovered, np.argmax(back, axis=0), -1)
    none = depth >= 0
    length = np.where(recovered, rec_pos - peak_pos, (n1 - 1) - peak_pos)
    length = np.where(none, 0, length)
    dates = pd.DatetimeIndex([pd.NaT if start is None else pd.Timestamp(start)]).append(inp.index)

    def at(p: np.ndarray, ok: np.ndarray) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(
            np.where(ok, dates.values[np.clip(p, 0, n1 - 1)], np.datetime64("NaT"))
        )

    peaks = at(peak_pos, ~none)
    troughs = at(trough, ~none)
    recoveries = at(rec_pos, recovered & ~none)
    if inp.kind == "series":
        return DrawdownInfo(
            float(depth[0]),
            peaks[0],
            troughs[0],
            recoveries[0],
            int(length[0]),
            bool(recovered[0] or none[0]),
        )
    return pd.DataFrame(
        {
            "depth": depth,
            "peak": peaks,
            "trough": troughs,
            "recovery": recoveries,
            "length": length.astype(np.int64),
            "recovered": recovered | none,
        },
        index=inp.columns,
    )


def calmar_ratio(
    returns: Returns,
    periods_per_year: float | None = None,
    *,
    start: pd.Timestamp | str | None = None,
    drawdown_frequency: Frequency | None = None,
) -> float | pd.Series | np.ndarray:
    """Calmar ratio: CAGR over the absolute maximum drawdown.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    periods_per_year, start
        As in :func:`cagr`.
    drawdown_frequency : {"weekly", "monthly", "quarterly", "yearly"}, optional
        Measure the drawdown on closes at this frequency,
        ``max_drawdown(period_returns(returns, drawdown_frequency))`` (month-end
        closes, as published monthly track records do); default: on the
        closes of the periods given. Needs a DatetimeIndex.

    Notes
    -----
    ``cagr(returns) / abs(max_drawdown(returns))`` over the whole sample
    (not the trailing 36 months of the original definition). Matches
    empyrical ``calmar_ratio`` and quantstats ``calmar``. NaN with a warning
    if there was no drawdown.

    Examples
    --------
    >>> import numpy as np
    >>> round(calmar_ratio(np.array([0.5, -0.2]), periods_per_year=1), 12)
    0.477225575052
    """
    inp = _as_input(returns)
    growth = cagr(returns, periods_per_year, start=start)
    values = inp.values
    if drawdown_frequency is not None and drawdown_frequency != "daily":
        if inp.index is None:
            raise MetricError("calmar_ratio with drawdown_frequency= needs a DatetimeIndex")
        values = (
            np.multiply.reduceat(
                1.0 + values, _period_starts(inp.index, drawdown_frequency), axis=0
            )
            - 1.0
        )
    out, none = _calmar_core(
        np.atleast_1d(np.asarray(growth, dtype=float)), _max_drawdown_core(values)
    )
    _warn_undefined(none, inp, "calmar_ratio", "there was no drawdown")
    return _wrap(out, inp)


def _calmar_core(cagr: np.ndarray, max_drawdown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``cagr / |max_drawdown|`` per column, and where it is undefined (no drawdown: NaN)."""
    none = max_drawdown == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(none, np.nan, cagr / np.abs(max_drawdown)), none


def ulcer_index(returns: Returns) -> float | pd.Series | np.ndarray:
    """Ulcer index: root mean square of the drawdowns, as a decimal.

    Notes
    -----
    ``sqrt(mean(drawdown_t ** 2))`` over the ``n`` periods (Martin's
    definition, in decimals: multiply by 100 for his percent units).
    quantstats ``ulcer_index`` divides the sum of squares by ``n - 1``
    instead; ours is theirs times ``sqrt((n - 1) / n)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(ulcer_index(np.array([-0.5, 1.0])), 12)
    0.353553390593
    """
    inp = _as_input(returns)
    _need(inp, 1, "ulcer_index")
    dd = _wealth_peak_drawdown(inp.values)[2][1:]
    return _wrap(np.sqrt(np.mean(dd * dd, axis=0)), inp)
