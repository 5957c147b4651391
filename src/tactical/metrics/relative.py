"""Metrics relative to a benchmark: beta, alpha, Treynor, correlation, capture, tracking.

Re-exported by :mod:`tactical.metrics`; the conventions of that module apply
(sample statistics with ``ddof=1``, annual decimal ``risk_free`` converted
geometrically, ``periods_per_year`` inferred or given). The benchmark is a
single series at the same frequency. Dates outside the span both cover are
cut (a benchmark with a longer history is fine); inside it, a date present in
only one of them raises :class:`~tactical.errors.MetricError` (calendar vs
business month-end labels would otherwise silently thin the sample), as do
fewer than two dates in common.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.inputs import (
    Rate,
    Returns,
    _benchmark_pair,
    _excess_returns,
    _Input,
    _periods_per_year,
    _rate_per_period,
    _sharpe_core,
    _warn_undefined,
    _wrap,
)

__all__ = [
    "alpha",
    "alpha_beta",
    "batting_average",
    "beta",
    "correlation",
    "down_capture",
    "information_ratio",
    "tracking_error",
    "treynor_ratio",
    "up_capture",
    "up_down_capture",
]


def _regression(
    y: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """OLS of each column of y (n, k) on x (n, 1): beta, per-period alpha, corr, flat-x."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    var_x = np.mean(xc * xc, axis=0)
    cov = np.mean(xc * yc, axis=0)
    var_y = np.mean(yc * yc, axis=0)
    flat = var_x <= 1e-24 * np.maximum(np.mean(x * x, axis=0), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta_ = np.where(flat, np.nan, cov / var_x)
        alpha_ = y.mean(axis=0) - beta_ * x.mean(axis=0)
        corr = cov / np.sqrt(var_x * var_y)
    return beta_, alpha_, corr, np.broadcast_to(flat, beta_.shape)


def _excess_pair(
    returns: Returns,
    benchmark: Returns,
    risk_free: Rate,
    periods_per_year: float | None,
    metric: str,
) -> tuple[_Input, np.ndarray, np.ndarray, float]:
    """Paired excess returns and ``periods_per_year`` (always resolved: the caller annualises)."""
    inp, bench = _benchmark_pair(returns, benchmark, metric)
    ppy = _periods_per_year(inp, periods_per_year)
    rf = _rate_per_period(risk_free, inp, ppy)
    return inp, inp.values - rf, bench - rf, ppy


def beta(
    returns: Returns,
    benchmark: Returns,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
) -> float | pd.Series | np.ndarray:
    """Beta: slope of the regression of excess returns on the benchmark's excess returns.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    benchmark : Series or 1-D ndarray
        Benchmark returns at the same frequency; only the dates both have are used.
    risk_free : float or Series
        Annual decimal rate, or per-period returns. A constant rate does not
        change beta; a varying one does, slightly.
    periods_per_year : float, optional
        Used only to convert an annual ``risk_free``.

    Returns
    -------
    float, Series or ndarray
        NaN with a warning when the benchmark has zero variance.

    Notes
    -----
    ``cov(r - rf, b - rf) / var(b - rf)``; the ``ddof`` cancels. Matches
    empyrical ``beta``, quantstats ``greeks()['beta']`` (for rf = 0) and the
    slope of ``scipy.stats.linregress``.

    Examples
    --------
    >>> import numpy as np
    >>> round(beta(np.array([0.02, 0.0, 0.04]), np.array([0.01, 0.0, 0.02])), 12)
    2.0
    """
    inp, bench = _benchmark_pair(returns, benchmark, "beta")
    y, x = _excess_returns(inp, bench, risk_free, periods_per_year)
    b, _, _, flat = _regression(y, x)
    _warn_undefined(flat, inp, "beta", "the benchmark returns have zero variance")
    return _wrap(b, inp)


AlphaAnnualization: TypeAlias = Literal["arithmetic", "geometric"]


def alpha(
    returns: Returns,
    benchmark: Returns,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    *,
    annualization: AlphaAnnualization = "arithmetic",
) -> float | pd.Series | np.ndarray:
    """Jensen's alpha, annualised: intercept of the excess-return regression.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    benchmark : Series or 1-D ndarray
        Benchmark returns at the same frequency.
    risk_free : float or Series
        Annual decimal rate, or per-period returns.
    periods_per_year : float, optional
        Inferred from the index when omitted.
    annualization : {"arithmetic", "geometric"}
        ``a * periods_per_year`` (quantstats ``greeks``) or
        ``(1 + a) ** periods_per_year - 1`` (empyrical ``alpha``).

    Notes
    -----
    Per-period alpha ``a = mean(r - rf) - beta * mean(b - rf)``, the
    intercept of ``r - rf = a + beta (b - rf) + e`` fitted by ordinary least
    squares (equals ``scipy.stats.linregress(b - rf, r - rf).intercept``).
    Matches empyrical ``alpha`` with ``annualization="geometric"`` and
    quantstats ``greeks()['alpha']`` with ``"arithmetic"`` (quantstats uses no
    risk-free rate there, so the match holds for rf = 0).

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.03, 0.01, 0.05]), np.array([0.01, 0.0, 0.02])
    >>> round(alpha(r, b, periods_per_year=12), 12)
    0.12
    """
    inp, y, x, ppy = _excess_pair(returns, benchmark, risk_free, periods_per_year, "alpha")
    b, a, _, flat = _regression(y, x)
    _warn_undefined(flat, inp, "alpha", "the benchmark returns have zero variance")
    return _wrap(_annualize_alpha(a, ppy, annualization), inp)


def _annualize_alpha(a: np.ndarray, ppy: float, annualization: str) -> np.ndarray:
    if annualization == "arithmetic":
        return a * ppy
    if annualization == "geometric":
        return (1.0 + a) ** ppy - 1.0
    raise MetricError(f"annualization must be 'arithmetic' or 'geometric', got {annualization!r}")


def alpha_beta(
    returns: Returns,
    benchmark: Returns,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    *,
    annualization: AlphaAnnualization = "arithmetic",
) -> tuple[float | pd.Series | np.ndarray, float | pd.Series | np.ndarray]:
    """``(alpha, beta)`` from one regression; see :func:`alpha` and :func:`beta`.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.03, 0.01, 0.05]), np.array([0.01, 0.0, 0.02])
    >>> a, b = alpha_beta(r, b, periods_per_year=12)
    >>> round(a, 12), round(b, 12)
    (0.12, 2.0)
    """
    inp, y, x, ppy = _excess_pair(returns, benchmark, risk_free, periods_per_year, "alpha")
    b, a, _, flat = _regression(y, x)
    _warn_undefined(flat, inp, "alpha and beta", "the benchmark returns have zero variance")
    return _wrap(_annualize_alpha(a, ppy, annualization), inp), _wrap(b, inp)


def treynor_ratio(
    returns: Returns,
    benchmark: Returns,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    *,
    min_beta: float = 0.1,
) -> float | pd.Series | np.ndarray:
    """Treynor ratio: annualised mean excess return per unit of beta.

    Parameters
    ----------
    returns, benchmark, risk_free, periods_per_year
        As in :func:`alpha`.
    min_beta : float
        Below this absolute beta the ratio is undefined (it would be a huge,
        meaningless number): NaN with a :class:`~tactical.errors.MetricWarning`.

    Notes
    -----
    ``mean(r - rf) * periods_per_year / beta``, with ``beta`` from
    :func:`beta`. Differs on purpose from quantstats ``treynor_ratio``, which
    divides the **whole-period** compounded return minus the annual ``rf``
    by beta (a number that grows with the length of the sample); empyrical
    has no Treynor ratio.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.02, 0.0, 0.04]), np.array([0.01, 0.0, 0.02])
    >>> round(treynor_ratio(r, b, periods_per_year=12), 12)
    0.12
    """
    inp, y, x, ppy = _excess_pair(returns, benchmark, risk_free, periods_per_year, "treynor")
    b, _, _, flat = _regression(y, x)
    small = flat | ~(np.abs(b) >= min_beta)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(small, np.nan, y.mean(axis=0) * ppy / b)
    _warn_undefined(
        small, inp, "treynor_ratio", f"beta is below {min_beta:g} in absolute value (or undefined)"
    )
    return _wrap(out, inp)


def correlation(returns: Returns, benchmark: Returns) -> float | pd.Series | np.ndarray:
    """Pearson correlation with the benchmark.

    Notes
    -----
    ``cov(r, b) / (std(r) std(b))`` over the common dates; NaN with a
    warning when either side has zero variance. Matches
    ``pandas.Series.corr`` and ``numpy.corrcoef``.

    Examples
    --------
    >>> import numpy as np
    >>> round(correlation(np.array([0.02, 0.0, 0.04]), np.array([0.01, 0.0, 0.02])), 12)
    1.0
    """
    inp, bench = _benchmark_pair(returns, benchmark, "correlation")
    _, _, corr, _ = _regression(inp.values, bench)
    bad = ~np.isfinite(corr)
    _warn_undefined(bad, inp, "correlation", "a series has zero variance")
    return _wrap(np.where(bad, np.nan, corr), inp)


def _nan_for_all(inp: _Input, metric: str, reason: str) -> float | pd.Series | np.ndarray:
    """NaN for every column, with the :class:`~tactical.errors.MetricWarning` saying why."""
    k = inp.values.shape[1]
    _warn_undefined(np.ones(k, bool), inp, metric, reason, stacklevel=4)
    return _wrap(np.full(k, np.nan), inp)


def _capture(returns: Returns, benchmark: Returns, ppy_given: float | None, up: bool) -> object:
    metric = "up_capture" if up else "down_capture"
    inp, bench = _benchmark_pair(returns, benchmark, metric)
    ppy = _periods_per_year(inp, ppy_given)
    mask = bench[:, 0] > 0 if up else bench[:, 0] < 0
    n = int(mask.sum())
    if n == 0:
        return _nan_for_all(
            inp, metric, f"the benchmark has no {'positive' if up else 'negative'} period"
        )
    strat = np.prod(1.0 + inp.values[mask], axis=0) ** (ppy / n) - 1.0
    base = np.prod(1.0 + bench[mask], axis=0) ** (ppy / n) - 1.0
    return _wrap(strat / base, inp)


def up_capture(
    returns: Returns, benchmark: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Up-market capture ratio.

    Notes
    -----
    On the periods where the benchmark return is positive (``n_up`` of them),
    the ratio of annualised compounded returns
    ``(prod(1 + r) ** (ppy / n_up) - 1) / (prod(1 + b) ** (ppy / n_up) - 1)``.
    1.0 = moved with the benchmark. Matches empyrical ``up_capture``
    (Morningstar's method, annualised). NaN with a warning if the benchmark
    never rises.

    Examples
    --------
    >>> import numpy as np
    >>> round(up_capture(np.array([0.02, -0.01]), np.array([0.02, -0.02]), periods_per_year=1), 12)
    1.0
    """
    return _capture(returns, benchmark, periods_per_year, up=True)  # type: ignore[return-value]


def down_capture(
    returns: Returns, benchmark: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Down-market capture ratio: :func:`up_capture` on the benchmark's falling periods.

    Notes
    -----
    Periods where the benchmark return is negative; below 1.0 means the
    strategy lost less. Matches empyrical ``down_capture``.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.02, -0.01]), np.array([0.02, -0.02])
    >>> round(down_capture(r, b, periods_per_year=1), 12)
    0.5
    """
    return _capture(returns, benchmark, periods_per_year, up=False)  # type: ignore[return-value]


def tracking_error(
    returns: Returns, benchmark: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised tracking error: volatility of the active return ``r - b``.

    Notes
    -----
    ``std(r - b, ddof=1) * sqrt(periods_per_year)``. Neither peer annualises
    a tracking error; it is quantstats' information-ratio denominator times
    ``sqrt(periods_per_year)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(tracking_error(np.array([0.02, 0.0]), np.array([0.0, 0.0]), periods_per_year=4), 12)
    0.028284271247
    """
    inp, bench = _benchmark_pair(returns, benchmark, "tracking_error")
    ppy = _periods_per_year(inp, periods_per_year)
    return _wrap((inp.values - bench).std(axis=0, ddof=1) * np.sqrt(ppy), inp)


def information_ratio(
    returns: Returns, benchmark: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Annualised information ratio: active return over tracking error.

    Notes
    -----
    ``mean(r - b) / std(r - b, ddof=1) * sqrt(periods_per_year)``. empyrical
    ``excess_sharpe`` and quantstats ``information_ratio`` compute the same
    ratio **without** annualising: ours is theirs times
    ``sqrt(periods_per_year)``. NaN with a warning when the active return is
    constant.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.03, 0.01]), np.array([0.01, 0.01])
    >>> round(information_ratio(r, b, periods_per_year=4), 12)
    1.414213562373
    """
    inp, bench = _benchmark_pair(returns, benchmark, "information_ratio")
    ppy = _periods_per_year(inp, periods_per_year)
    out, flat = _sharpe_core(inp.values - bench, ppy)
    _warn_undefined(flat, inp, "information_ratio", "the active return has zero variance")
    return _wrap(out, inp)


def up_down_capture(
    returns: Returns, benchmark: Returns, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Up/down capture ratio: :func:`up_capture` over :func:`down_capture`.

    Notes
    -----
    ``up_capture / down_capture``, both annualised over their own periods;
    above 1 means more of the rises than of the falls. Matches empyrical
    ``up_down_capture``. NaN with a warning when either is undefined or the
    down capture is 0.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.02, -0.01]), np.array([0.02, -0.02])
    >>> round(up_down_capture(r, b, periods_per_year=1), 12)
    2.0
    """
    up = np.atleast_1d(np.asarray(up_capture(returns, benchmark, periods_per_year), float))
    down = np.atleast_1d(np.asarray(down_capture(returns, benchmark, periods_per_year), float))
    inp, _ = _benchmark_pair(returns, benchmark, "up_down_capture")
    zero = down == 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(zero, np.nan, up / down)
    _warn_undefined(zero, inp, "up_down_capture", "the down capture is 0")
    return _wrap(out, inp)


Market: TypeAlias = Literal["all", "up", "down"]


def batting_average(
    returns: Returns, benchmark: Returns, *, market: Market = "all"
) -> float | pd.Series | np.ndarray:
    """Batting average: share of periods in which the strategy beat the benchmark.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    benchmark : Series or 1-D ndarray
        Benchmark returns at the same frequency.
    market : {"all", "up", "down"}
        Count all periods, only those where the benchmark return is ``>= 0``
        (up market) or only those where it is ``< 0`` (down market).

    Returns
    -------
    float, Series or ndarray
        A share in ``[0, 1]``; NaN with a warning when the market named has
        no period.

    Notes
    -----
    ``count(r_t - b_t > 0) / n`` over the periods counted; a tie is not a win.
    Matches empyrical ``batting_average`` (its ``"batting average"``,
    ``"up market"`` and ``"down market"`` entries for ``market="all"``,
    ``"up"``, ``"down"``).

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.02, -0.01, 0.0, 0.01]), np.array([0.01, -0.02, 0.01, 0.01])
    >>> batting_average(r, b), batting_average(r, b, market="down")
    (0.5, 1.0)
    """
    inp, bench = _benchmark_pair(returns, benchmark, "batting_average")
    if market == "all":
        rows = np.ones(bench.shape[0], dtype=bool)
    elif market == "up":
        rows = bench[:, 0] >= 0.0
    elif market == "down":
        rows = bench[:, 0] < 0.0
    else:
        raise MetricError(f"market must be 'all', 'up' or 'down', got {market!r}")
    k = int(rows.sum())
    if k == 0:
        return _nan_for_all(inp, "batting_average", f"the benchmark has no {market}-market period")
    wins = (inp.values[rows] - bench[rows]) > 0.0
    return _wrap(wins.mean(axis=0), inp)
