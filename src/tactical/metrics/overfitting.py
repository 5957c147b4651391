"""Is a Sharpe ratio skill or luck? Probabilistic and deflated Sharpe ratios.

All quantities here are **per period** (a daily Sharpe ratio for daily
returns, never annualised) and kurtosis is **non-excess** (3 for a normal
distribution), as in the papers. Convert an annual Sharpe ratio with
``sharpe / sqrt(periods_per_year)`` and the variance of annual Sharpe ratios
with ``variance / periods_per_year`` before calling the statistic forms; the
``*_from_returns`` forms do this for you.

References
----------
* Bailey, D. H. and López de Prado, M. (2012). "The Sharpe ratio efficient
  frontier". *Journal of Risk* 15(2), 3-44 (probabilistic Sharpe ratio).
* Bailey, D. H. and López de Prado, M. (2014). "The deflated Sharpe ratio:
  correcting for selection bias, backtest overfitting and non-normality".
  *Journal of Portfolio Management* 40(5), 94-107 (expected maximum Sharpe
  ratio, deflated Sharpe ratio, worked example).

Peers: skfolio's ``probabilistic_sharpe_ratio``/``deflated_sharpe_ratio`` and
pypbo's ``psr``/``dsr`` use the same formulas. quantstats up to 0.0.81 got
the probabilistic Sharpe ratio wrong three ways (subtracted 3 from a kurtosis
already in excess form, subtracted an annual risk-free rate from a per-period
Sharpe ratio and multiplied a probability by ``sqrt(252)``); later releases
fixed the formula and agree with :func:`probabilistic_sharpe_ratio` (pinned in
the tests).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.formulas import kurtosis, skew
from tactical.metrics.inputs import (
    Rate,
    Returns,
    _as_input,
    _need,
    _over_rate,
    _wrap,
)

__all__ = [
    "EULER_GAMMA",
    "probabilistic_sharpe_ratio",
    "probabilistic_sharpe_ratio_from_returns",
    "expected_max_sharpe",
    "deflated_sharpe_ratio",
    "deflated_sharpe_ratio_from_returns",
    "per_period_sharpe",
]

EULER_GAMMA = 0.5772156649015329
"""The Euler-Mascheroni constant used by the expected maximum of N Sharpe ratios."""


def _norm_cdf(z: np.ndarray | float) -> np.ndarray | float:
    from scipy.special import ndtr

    return ndtr(z)  # type: ignore[no-any-return]


def _norm_ppf(p: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(p))


def _check_n_obs(n_obs: float) -> None:
    if isinstance(n_obs, bool) or not np.isfinite(n_obs) or n_obs < 2:
        raise MetricError(f"n_obs must be at least 2 observations, got {n_obs!r}")


def probabilistic_sharpe_ratio(
    sharpe: float,
    n_obs: int,
    skew: float = 0.0,
    kurtosis: float = 3.0,
    benchmark: float = 0.0,
) -> float:
    """Probability that the true Sharpe ratio exceeds ``benchmark``.

    Parameters
    ----------
    sharpe : float
        Observed Sharpe ratio **per period** (``mean / std`` of excess
        returns, not annualised).
    n_obs : int
        Number of return observations ``T`` behind ``sharpe``.
    skew : float, default 0
        Skewness of the returns (``gamma_3``).
    kurtosis : float, default 3
        **Non-excess** kurtosis of the returns (``gamma_4``; 3 = normal). Add
        3 to an excess kurtosis such as ``pandas.Series.kurt``.
    benchmark : float, default 0
        The Sharpe ratio to beat ``SR*``, per period.

    Returns
    -------
    float
        A probability in [0, 1].

    Raises
    ------
    MetricError
        When ``n_obs < 2`` or the variance term is not positive (an
        impossible skew/kurtosis pair for that Sharpe ratio).

    Notes
    -----
    Bailey and López de Prado (2012), eq. (11)::

        PSR(SR*) = Phi( (SR - SR*) sqrt(T - 1)
                        / sqrt(1 - gamma_3 SR + (gamma_4 - 1) / 4 SR^2) )

    with the observed ``SR`` (not ``SR*``) in the denominator, as in the
    paper, skfolio and pypbo (PerformanceAnalytics' sandbox prints
    ``SR*`` there, which gives 0.9127 instead of 0.9004 on the
    deflated-Sharpe worked example).

    Examples
    --------
    >>> round(probabilistic_sharpe_ratio(0.1, 250), 4)  # normal returns
    0.9423
    >>> round(probabilistic_sharpe_ratio(0.1, 250, skew=-3.0, kurtosis=10.0), 4)
    0.915
    """
    _check_n_obs(n_obs)
    var = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if not var > 0:
        raise MetricError(
            f"the variance term 1 - skew*SR + (kurtosis-1)/4*SR^2 is {var:.4g} <= 0 for "
            f"SR={sharpe:.4g}, skew={skew:.4g}, kurtosis={kurtosis:.4g}; check that kurtosis "
            "is non-excess (3 for normal returns) and the Sharpe ratio is per period"
        )
    z = (sharpe - benchmark) * math.sqrt(n_obs - 1.0) / math.sqrt(var)
    return float(_norm_cdf(z))


def _psr_array(
    sharpe: np.ndarray, n_obs: int, skew: np.ndarray, kurtosis: np.ndarray, benchmark: float
) -> np.ndarray:
    """:func:`probabilistic_sharpe_ratio` over arrays; NaN where the variance term is <= 0."""
    var = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (sharpe - benchmark) * math.sqrt(n_obs - 1.0) / np.sqrt(var)
    out = np.asarray(_norm_cdf(z), dtype=float)
    return np.where(var > 0, out, np.nan)


def expected_max_sharpe(n_trials: int, sharpe_variance: float, mean: float = 0.0) -> float:
    """Expected maximum of ``n_trials`` Sharpe ratios drawn with no skill.

    Parameters
    ----------
    n_trials : int
        Number of independent trials (variants tried), ``N >= 1``.
    sharpe_variance : float
        Variance of the trials' Sharpe ratios ``V[{SR_n}]``, in the units of
        the result (per-period Sharpe ratios give a per-period benchmark).
    mean : float, default 0
        Mean Sharpe ratio of the trials under the null (0: no skill).

    Returns
    -------
    float
        ``SR_0``, the benchmark the deflated Sharpe ratio tests against.

    Notes
    -----
    Bailey and López de Prado (2014), eq. (6), from the extreme-value
    approximation of the maximum of ``N`` normal draws::

        SR_0 = mean + sqrt(V) * ((1 - gamma) Phi^-1(1 - 1/N)
                                 + gamma Phi^-1(1 - 1/(N e)))

    with ``gamma`` the Euler-Mascheroni constant. For ``N = 1`` there is no
    selection and ``SR_0 = mean`` (the formula itself diverges there). Same
    formula as skfolio ``expected_max_sharpe_ratio`` and pypbo
    ``expected_max`` (which refuses ``N < 5``).

    Examples
    --------
    >>> round(expected_max_sharpe(100, 0.5 / 250), 4)  # the paper's worked example
    0.1132
    """
    if isinstance(n_trials, bool) or not float(n_trials).is_integer() or n_trials < 1:
        raise MetricError(f"n_trials must be a whole number >= 1, got {n_trials!r}")
    if not np.isfinite(sharpe_variance) or sharpe_variance < 0:
        raise MetricError(f"sharpe_variance must be >= 0, got {sharpe_variance!r}")
    if n_trials == 1:
        return float(mean)
    n = float(n_trials)
    multiplier = (1.0 - EULER_GAMMA) * _norm_ppf(1.0 - 1.0 / n) + EULER_GAMMA * _norm_ppf(
        1.0 - 1.0 / (n * math.e)
    )
    return float(mean + math.sqrt(sharpe_variance) * multiplier)


def deflated_sharpe_ratio(
    sharpe: float,
    n_obs: int,
    n_trials: int,
    sharpe_variance: float,
    skew: float = 0.0,
    kurtosis: float = 3.0,
) -> float:
    """Probability that the best of ``n_trials`` Sharpe ratios reflects skill.

    Parameters
    ----------
    sharpe : float
        Sharpe ratio of the selected trial, **per period**.
    n_obs : int
        Number of return observations ``T``.
    n_trials : int
        Number of trials the selection was made from, ``N``.
    sharpe_variance : float
        Variance of the ``N`` trials' per-period Sharpe ratios.
    skew : float, default 0
        Skewness of the selected trial's returns.
    kurtosis : float, default 3
        **Non-excess** kurtosis of the selected trial's returns.

    Returns
    -------
    float
        ``DSR`` in [0, 1]; the paper's rule of thumb passes at 0.95.

    Notes
    -----
    Bailey and López de Prado (2014): ``DSR = PSR(SR_0)``, the probabilistic
    Sharpe ratio (:func:`probabilistic_sharpe_ratio`) against the expected
    maximum Sharpe ratio of ``N`` unskilled trials
    (:func:`expected_max_sharpe`). Worked example of the paper: annual Sharpe
    2.5 over 1,250 daily observations (250 a year), 100 trials whose annual
    Sharpe ratios have variance 0.5, skew -3, kurtosis 10: in per-period
    units ``SR = 2.5 / sqrt(250)`` and ``V = 0.5 / 250``, giving
    ``SR_0 = 0.1132`` and ``DSR = 0.9004``.

    Examples
    --------
    >>> round(deflated_sharpe_ratio(2.5 / 250**0.5, 1250, 100, 0.5 / 250, -3.0, 10.0), 4)
    0.9004
    """
    sr0 = expected_max_sharpe(n_trials, sharpe_variance)
    return probabilistic_sharpe_ratio(sharpe, n_obs, skew, kurtosis, benchmark=sr0)


def per_period_sharpe(
    returns: Returns, risk_free: Rate = 0.0, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Sharpe ratio per period, ``mean(x) / std(x, ddof=1)`` of excess returns ``x``.

    This is :func:`~tactical.metrics.sharpe_ratio` divided by
    ``sqrt(periods_per_year)``: the unit the probabilistic and deflated
    Sharpe ratios work in. ``risk_free`` follows the library convention (an
    annual decimal rate turned into a per-period rate geometrically, or
    per-period returns); ``periods_per_year`` is used only to convert an
    annual rate and may be omitted when ``risk_free`` is 0.

    Examples
    --------
    >>> import numpy as np
    >>> round(per_period_sharpe(np.array([0.03, 0.01])), 12)
    1.414213562373
    """
    inp = _as_input(returns)
    _need(inp, 2, "per_period_sharpe")
    x = _over_rate(inp, risk_free, periods_per_year)
    std = x.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(std > 0, x.mean(axis=0) / std, np.nan)
    return _wrap(out, inp)


def _moments(returns: Returns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inp = _as_input(returns)
    _need(inp, 4, "the probabilistic Sharpe ratio")
    g3 = np.atleast_1d(np.asarray(skew(inp.values), dtype=float))
    g4 = np.atleast_1d(np.asarray(kurtosis(inp.values), dtype=float)) + 3.0
    return inp.values, g3, g4


def probabilistic_sharpe_ratio_from_returns(
    returns: pd.Series | pd.DataFrame,
    benchmark: float = 0.0,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
) -> float | pd.Series:
    """Probabilistic Sharpe ratio of a return series (or of each column).

    Parameters
    ----------
    returns : Series or DataFrame
        Simple periodic decimal returns, at least 4 periods.
    benchmark : float, default 0
        Per-period Sharpe ratio to beat (``annual / sqrt(periods_per_year)``).
    risk_free : float or Series, default 0
        Annual decimal rate or per-period returns (library convention).
    periods_per_year : float, optional
        Needed only to convert an annual ``risk_free``; inferred otherwise.

    Notes
    -----
    :func:`probabilistic_sharpe_ratio` with ``SR`` from
    :func:`per_period_sharpe`, ``T`` the number of returns, skew the
    bias-corrected sample skewness and kurtosis the bias-corrected sample
    excess kurtosis plus 3 (``pandas`` ``skew()`` and ``kurt() + 3``, as
    pypbo's ``psr`` and quantstats >= 0.0.86 do).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> r = pd.Series(np.random.default_rng(0).normal(0.001, 0.01, 500))
    >>> round(probabilistic_sharpe_ratio_from_returns(r), 4)
    0.945
    """
    values, g3, g4 = _moments(returns)
    sr = np.atleast_1d(np.asarray(per_period_sharpe(returns, risk_free, periods_per_year)))
    out = np.array(
        [
            probabilistic_sharpe_ratio(float(s), values.shape[0], float(a), float(b), benchmark)
            for s, a, b in zip(sr, g3, g4, strict=True)
        ]
    )
    if isinstance(returns, pd.DataFrame):
        return pd.Series(out, index=returns.columns, dtype=np.float64)
    return float(out[0])


def deflated_sharpe_ratio_from_returns(
    returns: pd.Series,
    trials: pd.DataFrame | np.ndarray,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
) -> float:
    """Deflated Sharpe ratio of ``returns`` selected from the ``trials`` tried.

    Parameters
    ----------
    returns : Series
        Per-period returns of the selected strategy (usually one column of
        ``trials``).
    trials : DataFrame or 2-D ndarray
        Per-period returns of every trial considered, one column each (the
        selected one included), on the same dates; ``N`` = its columns.
    risk_free : float or Series, default 0
        Annual decimal rate or per-period returns (library convention).
    periods_per_year : float, optional
        Needed only to convert an annual ``risk_free``.

    Returns
    -------
    float
        :func:`deflated_sharpe_ratio` with ``SR``, skew and kurtosis of
        ``returns``, ``T = len(returns)``, ``N`` the number of trials and
        ``V`` the sample variance (``ddof=1``) of the trials' per-period
        Sharpe ratios. (mlfinlab used ``ddof=0``; the difference is a factor
        ``(N - 1) / N`` on ``V``.)

    Raises
    ------
    MetricError
        Fewer than 2 trials, or trials on a different number of dates.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> trials = pd.DataFrame(rng.normal(0.0, 0.01, (750, 20)))
    >>> best = trials[trials.mean().idxmax()]
    >>> dsr = deflated_sharpe_ratio_from_returns(best, trials)
    >>> dsr < 0.95  # noise: the best of 20 does not pass
    True
    """
    values, g3, g4 = _moments(returns)
    if values.shape[1] != 1:
        raise MetricError("returns must be one strategy (a Series); pass all trials as trials")
    tr = _as_input(trials, "trials")
    if tr.values.shape[1] < 2:
        raise MetricError(
            f"trials must hold at least 2 strategies to deflate against, got {tr.values.shape[1]}"
        )
    if tr.values.shape[0] != values.shape[0]:
        raise MetricError(
            f"trials have {tr.values.shape[0]} dates but returns have {values.shape[0]}; "
            "pass the trials over the same dates"
        )
    srs = np.asarray(per_period_sharpe(trials, risk_free, periods_per_year), dtype=float)
    sr = float(per_period_sharpe(returns, risk_free, periods_per_year))  # type: ignore[arg-type]
    variance = float(np.nanvar(srs, ddof=1))
    return deflated_sharpe_ratio(
        sr, values.shape[0], int(srs.size), variance, float(g3[0]), float(g4[0])
    )
