"""Distribution metrics: calendar extremes, hit rate, tails, moments, streaks.

Re-exported by :mod:`tactical.metrics`; its conventions apply (simple decimal
returns, validated once, NaN with a :class:`~tactical.errors.MetricWarning`
where a value is undefined for valid input).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.inputs import (
    Rate,
    Returns,
    _as_input,
    _need,
    _over_rate,
    _period_starts,
    _warn_undefined,
    _wrap,
)

__all__ = [
    "best_month",
    "best_year",
    "conditional_value_at_risk",
    "kurtosis",
    "longest_losing_streak",
    "longest_winning_streak",
    "omega_ratio",
    "positive_periods",
    "skew",
    "tail_ratio",
    "value_at_risk",
    "worst_month",
    "worst_year",
]


def _period_extreme(returns: Returns, frequency: str, best: bool) -> object:
    inp = _as_input(returns)
    if inp.index is None:
        raise MetricError(f"best/worst {frequency} returns need a DatetimeIndex")
    starts = _period_starts(inp.index, frequency)
    agg = np.multiply.reduceat(1.0 + inp.values, starts, axis=0) - 1.0
    return _wrap(agg.max(axis=0) if best else agg.min(axis=0), inp)


def best_month(returns: pd.Series | pd.DataFrame) -> float | pd.Series:
    """Best calendar-month compounded return.

    Notes
    -----
    ``max`` of :func:`period_returns` ``(returns, "monthly")``; a partial first
    or last month counts as it is. quantstats ``best(aggregate="ME")`` agrees.

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.to_datetime(["2020-01-30", "2020-01-31", "2020-02-03"])
    >>> r = pd.Series([0.1, 0.1, -0.2], index=dates)
    >>> round(best_month(r), 12), round(worst_month(r), 12)
    (0.21, -0.2)
    """
    return _period_extreme(returns, "monthly", True)  # type: ignore[return-value]


def worst_month(returns: pd.Series | pd.DataFrame) -> float | pd.Series:
    """Worst calendar-month compounded return; see :func:`best_month`.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.Series([-0.1, 0.05], index=pd.to_datetime(["2020-01-31", "2020-02-28"]))
    >>> round(worst_month(r), 12)
    -0.1
    """
    return _period_extreme(returns, "monthly", False)  # type: ignore[return-value]


def best_year(returns: pd.Series | pd.DataFrame) -> float | pd.Series:
    """Best calendar-year compounded return (a partial first or last year counts as it is).

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.to_datetime(["2020-06-30", "2020-12-31", "2021-01-04"])
    >>> r = pd.Series([0.1, 0.1, -0.2], index=dates)
    >>> round(best_year(r), 12), round(worst_year(r), 12)
    (0.21, -0.2)
    """
    return _period_extreme(returns, "yearly", True)  # type: ignore[return-value]


def worst_year(returns: pd.Series | pd.DataFrame) -> float | pd.Series:
    """Worst calendar-year compounded return; see :func:`best_year`.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.Series([-0.1, 0.05], index=pd.to_datetime(["2020-12-31", "2021-12-31"]))
    >>> round(worst_year(r), 12)
    -0.1
    """
    return _period_extreme(returns, "yearly", False)  # type: ignore[return-value]


def positive_periods(returns: Returns) -> float | pd.Series | np.ndarray:
    """Fraction of periods with a strictly positive return.

    Notes
    -----
    ``count(r > 0) / n``; zero returns are not positive. Matches quantstats
    ``win_rate`` only when no return is exactly zero (it drops zeros).

    Examples
    --------
    >>> import numpy as np
    >>> positive_periods(np.array([0.01, 0.0, -0.01, 0.02]))
    0.5
    """
    inp = _as_input(returns)
    _need(inp, 1, "positive_periods")
    return _wrap(np.mean(inp.values > 0, axis=0), inp)


def value_at_risk(returns: Returns, confidence: float = 0.95) -> float | pd.Series | np.ndarray:
    """Historical value at risk: the ``1 - confidence`` quantile of returns.

    Returns
    -------
    float, Series or ndarray
        A return (negative for a loss), per period of the input.

    Notes
    -----
    ``quantile(r, 1 - confidence)`` with linear interpolation
    (``numpy.percentile``'s default). Matches empyrical ``value_at_risk``
    (``cutoff = 1 - confidence``); quantstats ``value_at_risk`` is parametric
    (normal), a different estimator.

    Examples
    --------
    >>> import numpy as np
    >>> round(value_at_risk(np.array([-0.04, -0.02, 0.0, 0.02, 0.04]), confidence=0.75), 12)
    -0.02
    """
    inp = _as_input(returns)
    _need(inp, 1, "value_at_risk")
    _check_confidence(confidence)
    return _wrap(_quantile(inp.values, 1 - confidence), inp)


def _quantile(a: np.ndarray, q: float) -> np.ndarray:
    """``numpy.percentile(a, 100 q, axis=0)`` (linear interpolation) from one partial sort.

    ``q_j = x_(lo) + (pos - lo) (x_(lo+1) - x_(lo))`` with ``pos = (n - 1) q``
    and ``x_(i)`` the i-th smallest of column j; sorted along contiguous rows
    of the transposed array (faster than a strided sort down the columns).
    """
    n = a.shape[0]
    pos = (n - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    part = np.partition(np.ascontiguousarray(a.T), [lo, hi], axis=1)
    return part[:, lo] + (pos - lo) * (part[:, hi] - part[:, lo])


def _check_confidence(confidence: float) -> None:
    if not 0.5 <= confidence < 1:
        raise MetricError(
            f"confidence must be a decimal in [0.5, 1), e.g. 0.95, got {confidence!r}"
        )


def conditional_value_at_risk(
    returns: Returns, confidence: float = 0.95
) -> float | pd.Series | np.ndarray:
    """Historical conditional value at risk (expected shortfall).

    Notes
    -----
    Mean of the returns at or below :func:`value_at_risk`. Matches
    quantstats ``conditional_value_at_risk(method="historical")`` and
    empyrical ``conditional_value_at_risk`` (which averages the
    ``floor((n - 1)(1 - confidence)) + 1`` lowest returns: the same set when
    there are no ties at the quantile).

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([-0.04, -0.02, 0.0, 0.02, 0.04])
    >>> round(conditional_value_at_risk(r, confidence=0.75), 12)
    -0.03
    """
    inp = _as_input(returns)
    _need(inp, 1, "conditional_value_at_risk")
    _check_confidence(confidence)
    a = inp.values
    var = _quantile(a, 1 - confidence)
    tail = a <= var
    return _wrap(np.sum(np.where(tail, a, 0.0), axis=0) / tail.sum(axis=0), inp)


def skew(returns: Returns) -> float | pd.Series | np.ndarray:
    """Sample skewness, bias-corrected (adjusted Fisher-Pearson).

    Notes
    -----
    ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m3 / m2 ** 1.5`` and
    central moments ``m_k = mean((r - mean(r)) ** k)``. Matches
    ``pandas.Series.skew`` and quantstats ``skew``; empyrical uses
    ``scipy.stats.skew`` (``bias=True``, the uncorrected ``g1``). Needs 3
    periods; NaN with a warning for constant returns.

    Examples
    --------
    >>> import numpy as np
    >>> round(skew(np.array([0.0, 0.0, 0.03])), 12)
    1.732050807569
    """
    inp = _as_input(returns)
    _need(inp, 3, "skew")
    m2, m3, _, flat = _central_moments(inp.values)
    out = _skew_core(inp.values.shape[0], m2, m3, flat)
    _warn_undefined(flat, inp, "skew", "returns are constant")
    return _wrap(out, inp)


def _central_moments(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``m2``, ``m3``, ``m4`` per column, and where the returns are constant.

    ``m_k = mean((r - mean(r)) ** k)`` on a valid (n, k) array; constant means
    ``m2 <= 1e-24 mean(r ** 2)``. Shared by :func:`skew` and :func:`kurtosis`
    (and :func:`tactical.metrics.metric_table`, which needs both from one pass).
    """
    d = a - a.mean(axis=0)
    d2 = d * d
    m2 = np.mean(d2, axis=0)
    m3 = np.mean(np.multiply(d2, d, out=d), axis=0)
    flat = m2 <= 1e-24 * np.maximum(np.mean(np.multiply(a, a, out=d), axis=0), 1e-300)
    m4 = np.mean(np.multiply(d2, d2, out=d2), axis=0)
    return m2, m3, m4, flat


def _skew_core(n: int, m2: np.ndarray, m3: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Bias-corrected skew ``G1`` of ``n`` returns from :func:`_central_moments` (NaN if flat)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = m3 / m2**1.5
        return np.where(flat, np.nan, g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0))


def _kurtosis_core(n: int, m2: np.ndarray, m4: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Bias-corrected excess kurtosis ``G2`` of ``n`` returns (NaN if flat)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        g2 = m4 / (m2 * m2) - 3.0
        out = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    return np.where(flat, np.nan, out)


def kurtosis(returns: Returns) -> float | pd.Series | np.ndarray:
    """Sample excess kurtosis, bias-corrected (0 for a normal distribution).

    Notes
    -----
    ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))`` with
    ``g2 = m4 / m2 ** 2 - 3``. Matches ``pandas.Series.kurt`` and quantstats
    ``kurtosis``; empyrical uses ``scipy.stats.kurtosis`` (``bias=True``).
    Needs 4 periods; NaN with a warning for constant returns.

    Examples
    --------
    >>> import numpy as np
    >>> round(kurtosis(np.array([0.0, 0.0, 0.0, 0.04])), 12)
    4.0
    """
    inp = _as_input(returns)
    _need(inp, 4, "kurtosis")
    m2, _, m4, flat = _central_moments(inp.values)
    out = _kurtosis_core(inp.values.shape[0], m2, m4, flat)
    _warn_undefined(flat, inp, "kurtosis", "returns are constant")
    return _wrap(out, inp)


def omega_ratio(
    returns: Returns, threshold: Rate = 0.0, periods_per_year: float | None = None
) -> float | pd.Series | np.ndarray:
    """Omega ratio: gains above a threshold over losses below it.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns, at least 2 periods.
    threshold : float or Series
        Minimum acceptable return: an annual decimal rate (0.02 = 2 %/yr),
        turned into a per-period rate geometrically, or per-period returns.
    periods_per_year : float, optional
        Used only to convert an annual ``threshold``; inferred when needed.

    Returns
    -------
    float, Series or ndarray
        Above 1 when the gains outweigh the losses; NaN with a
        :class:`~tactical.errors.MetricWarning` when no period is below the
        threshold.

    Notes
    -----
    With ``x_t = r_t - tau`` and ``tau = (1 + threshold) ** (1 / ppy) - 1``:
    ``sum(max(x_t, 0)) / sum(max(-x_t, 0))``. Matches empyrical
    ``omega_ratio(returns, risk_free=0, required_return=threshold,
    annualization=ppy)`` and quantstats ``omega(returns, rf=0,
    required_return=threshold, periods=ppy)``.

    Examples
    --------
    >>> import numpy as np
    >>> omega_ratio(np.array([0.02, -0.01, 0.01, -0.02]))
    1.0
    """
    inp = _as_input(returns)
    _need(inp, 2, "omega_ratio")
    x = _over_rate(inp, threshold, periods_per_year, what="threshold")
    gains = np.sum(np.maximum(x, 0.0), axis=0)
    losses = np.sum(np.maximum(-x, 0.0), axis=0)
    none = losses <= 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(none, np.nan, gains / losses)
    _warn_undefined(none, inp, "omega_ratio", "no period is below the threshold")
    return _wrap(out, inp)


def tail_ratio(returns: Returns, confidence: float = 0.95) -> float | pd.Series | np.ndarray:
    """Tail ratio: size of the right tail over the size of the left tail.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    confidence : float
        Quantile of the right tail (0.95: the 95th against the 5th percentile).

    Returns
    -------
    float, Series or ndarray
        Above 1 when big gains are larger than big losses; NaN with a
        :class:`~tactical.errors.MetricWarning` when the left quantile is 0.

    Notes
    -----
    ``|quantile(r, confidence)| / |quantile(r, 1 - confidence)|`` with linear
    interpolation (``numpy.percentile``'s default). Matches empyrical
    ``tail_ratio`` (fixed at 0.95) and quantstats ``tail_ratio(cutoff=confidence)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(tail_ratio(np.array([-0.02, -0.01, 0.0, 0.02, 0.04]), confidence=0.75), 12)
    2.0
    """
    inp = _as_input(returns)
    _need(inp, 1, "tail_ratio")
    _check_confidence(confidence)
    upper = _quantile(inp.values, confidence)
    lower = _quantile(inp.values, 1 - confidence)
    zero = lower == 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(zero, np.nan, np.abs(upper) / np.abs(lower))
    _warn_undefined(zero, inp, "tail_ratio", "the left-tail quantile is 0")
    return _wrap(out, inp)


def _longest_run(mask: np.ndarray) -> np.ndarray:
    """Longest run of True down each column of a boolean (n, k) array."""
    if mask.shape[0] == 0:
        return np.zeros(mask.shape[1], dtype=np.int64)
    count = np.cumsum(mask, axis=0)
    # count at the last False at or before each row; runs are count minus that
    base = np.maximum.accumulate(np.where(mask, 0, count), axis=0)
    return (count - base).max(axis=0).astype(np.int64)


def _streak(returns: Returns, winning: bool) -> int | pd.Series | np.ndarray:
    inp = _as_input(returns)
    _need(inp, 1, "longest_winning_streak" if winning else "longest_losing_streak")
    runs = _longest_run(inp.values > 0 if winning else inp.values < 0)
    if inp.kind in ("series", "array1"):
        return int(runs[0])
    if inp.kind == "frame":
        return pd.Series(runs, index=inp.columns, dtype=np.int64)
    return runs


def longest_winning_streak(returns: Returns) -> int | pd.Series | np.ndarray:
    """Longest run of consecutive periods with a positive return.

    Returns
    -------
    int, Series of int or ndarray
        A number of periods of the input (pass
        ``period_returns(r, "monthly")`` to count months).

    Notes
    -----
    The longest run of ``r_t > 0``; a zero return ends a run. Matches
    quantstats ``consecutive_wins`` (on the input's own periods, without
    ``aggregate``).

    Examples
    --------
    >>> import numpy as np
    >>> longest_winning_streak(np.array([0.01, 0.02, 0.0, 0.01, 0.01, 0.03, -0.01]))
    3
    """
    return _streak(returns, True)


def longest_losing_streak(returns: Returns) -> int | pd.Series | np.ndarray:
    """Longest run of consecutive periods with a negative return.

    Notes
    -----
    The longest run of ``r_t < 0``; a zero return ends a run. Matches
    quantstats ``consecutive_losses``. See :func:`longest_winning_streak`.

    Examples
    --------
    >>> import numpy as np
    >>> longest_losing_streak(np.array([-0.01, -0.02, 0.01, -0.01]))
    2
    """
    return _streak(returns, False)
