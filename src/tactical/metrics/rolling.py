"""Rolling metrics: trailing-window returns, volatility, Sharpe, drawdown, alpha and beta.

Same inputs and conventions as :mod:`tactical.metrics` (simple decimal
returns, ``ddof=1``, ``periods_per_year`` inferred or given, ``risk_free`` an
annual decimal rate or per-period returns). ``window`` counts periods of the
input (e.g. ``window=12`` on monthly returns is a 12-month window). The
result has the input's shape and index; the first ``window - 1`` rows are NaN
because the window is not yet full.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.inputs import (
    Rate,
    Returns,
    _as_input,
    _benchmark_pair,
    _excess_returns,
    _Input,
    _periods_per_year,
    _rate_per_period,
    _wrap_rows,
)
from tactical.metrics.relative import _annualize_alpha

__all__ = [
    "rolling_alpha",
    "rolling_alpha_beta",
    "rolling_beta",
    "rolling_max_drawdown",
    "rolling_returns",
    "rolling_sharpe",
    "rolling_volatility",
]


def _check_rolling_window(window: int, inp: _Input, minimum: int) -> int:
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < minimum:
        raise MetricError(
            f"window must be an integer number of periods >= {minimum}, got {window!r}"
        )
    if window > inp.values.shape[0]:
        raise MetricError(
            f"window ({window}) is longer than the returns ({inp.values.shape[0]} periods)"
        )
    return int(window)


def _frame(values: np.ndarray, inp: _Input) -> pd.DataFrame:
    return pd.DataFrame(values, index=inp.index)


def _unframe(result: pd.DataFrame, inp: _Input) -> pd.Series | pd.DataFrame | np.ndarray:
    return _wrap_rows(result.to_numpy(dtype=np.float64), inp)


def rolling_returns(
    returns: Returns,
    window: int,
    *,
    annualize: bool = False,
    periods_per_year: float | None = None,
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Compounded return over each trailing window (e.g. 12 or 36 months).

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    window : int
        Number of periods in each window.
    annualize : bool
        Return the annualised rate ``(1 + R) ** (periods_per_year / window) - 1``
        instead of the window's total return ``R``.
    periods_per_year : float, optional
        Needed only with ``annualize=True``; inferred from the index when omitted.

    Notes
    -----
    ``R_t = prod_{s=t-window+1..t}(1 + r_s) - 1``, computed as
    ``expm1`` of a rolling sum of ``log1p(r)`` (relative error ~1e-15). A
    period of -100 % makes every window containing it -100 %. Matches
    empyrical ``roll_cagr`` (annualised) and quantstats' rolling compounded
    returns.

    Examples
    --------
    >>> import numpy as np
    >>> rolling_returns(np.array([0.1, 0.1, -0.5]), 2).round(12).tolist()
    [nan, 0.21, -0.45]
    """
    inp = _as_input(returns)
    window = _check_rolling_window(window, inp, 1)
    with np.errstate(divide="ignore"):
        logs = np.log1p(inp.values)
    wiped = _frame((logs == -np.inf).astype(np.float64), inp).rolling(window).max()
    total = np.expm1(_frame(np.where(np.isinf(logs), 0.0, logs), inp).rolling(window).sum())
    total = total.where(wiped.to_numpy() != 1.0, -1.0).where(wiped.notna())
    if annualize:
        ppy = _periods_per_year(inp, periods_per_year)
        total = (1.0 + total) ** (ppy / window) - 1.0
    return _unframe(total, inp)


def rolling_volatility(
    returns: Returns, window: int, periods_per_year: float | None = None
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Annualised standard deviation over each trailing window.

    Notes
    -----
    ``std(r, ddof=1) * sqrt(periods_per_year)`` on each window; matches
    empyrical ``roll_annual_volatility`` and quantstats ``rolling_volatility``.

    Examples
    --------
    >>> import numpy as np
    >>> rolling_volatility(np.array([0.01, -0.01, 0.01]), 2, periods_per_year=1).round(6).tolist()
    [nan, 0.014142, 0.014142]
    """
    inp = _as_input(returns)
    window = _check_rolling_window(window, inp, 2)
    ppy = _periods_per_year(inp, periods_per_year)
    vol = _frame(inp.values, inp).rolling(window).std(ddof=1) * np.sqrt(ppy)
    return _unframe(vol, inp)


def rolling_sharpe(
    returns: Returns,
    window: int,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Annualised Sharpe ratio over each trailing window.

    Notes
    -----
    On each window of excess returns ``x = r - rf``:
    ``mean(x) / std(x, ddof=1) * sqrt(periods_per_year)``, as
    :func:`tactical.metrics.sharpe_ratio`. A window with zero variance gives
    NaN. Matches empyrical ``roll_sharpe_ratio`` and quantstats
    ``rolling_sharpe``.

    Examples
    --------
    >>> import numpy as np
    >>> rolling_sharpe(np.array([0.03, 0.01, 0.03]), 2, periods_per_year=4).round(6).tolist()
    [nan, 2.828427, 2.828427]
    """
    inp = _as_input(returns)
    window = _check_rolling_window(window, inp, 2)
    ppy = _periods_per_year(inp, periods_per_year)
    excess = _frame(inp.values - _rate_per_period(risk_free, inp, ppy), inp)
    roll = excess.rolling(window)
    mean, std = roll.mean(), roll.std(ddof=1)
    flat = std.to_numpy() <= 1e-12 * np.maximum(roll.max().abs(), roll.min().abs()).to_numpy()
    sharpe = (mean / std * np.sqrt(ppy)).where(~flat)
    return _unframe(sharpe, inp)


def rolling_beta(
    returns: Returns,
    benchmark: Returns,
    window: int,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Beta against the benchmark over each trailing window.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    benchmark : Series or 1-D ndarray
        Benchmark returns; only the dates both have are used.
    window : int
        Number of periods in each window, at least 2.
    risk_free : float or Series
        Annual decimal rate or per-period returns (a constant rate does not
        change beta).
    periods_per_year : float, optional
        Used only to convert an annual ``risk_free``.

    Notes
    -----
    ``cov(r - rf, b - rf) / var(b - rf)`` on each window, as
    :func:`tactical.metrics.beta`; NaN where the benchmark is flat. Matches
    empyrical ``roll_beta``.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.02, 0.0, 0.04]), np.array([0.01, 0.0, 0.02])
    >>> rolling_beta(r, b, 2).round(12).tolist()
    [nan, 2.0, 2.0]
    """
    inp, bench = _benchmark_pair(returns, benchmark, "rolling_beta")
    window = _check_rolling_window(window, inp, 2)
    y, x = _excess_returns(inp, bench, risk_free, periods_per_year)
    yf = _frame(y, inp)
    xs = pd.Series(x[:, 0], index=yf.index)
    cov = yf.rolling(window).cov(xs)
    var = xs.rolling(window).var()
    flat = var.to_numpy() <= 1e-24 * (xs * xs).rolling(window).mean().to_numpy()
    result = cov.div(var, axis=0).where(~flat[:, None] | np.zeros(yf.shape, bool))
    return _unframe(result, inp)


def rolling_max_drawdown(returns: Returns, window: int) -> pd.Series | pd.DataFrame | np.ndarray:
    """Maximum drawdown within each trailing window.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    window : int
        Number of periods in each window, at least 1.

    Notes
    -----
    For the window ending at ``t``: :func:`tactical.metrics.max_drawdown` of
    ``r_{t-window+1..t}``, the value before the window's first return counting
    as a peak (a loss in the window's first period is a drawdown). Matches
    empyrical ``roll_max_drawdown`` (which drops the first ``window - 1``
    rows instead of filling them with NaN). Memory ``O(n * window)`` per
    column.

    Examples
    --------
    >>> import numpy as np
    >>> rolling_max_drawdown(np.array([0.1, -0.5, 0.2, 0.5]), 2).round(12).tolist()
    [nan, -0.5, -0.5, 0.0]
    """
    inp = _as_input(returns)
    window = _check_rolling_window(window, inp, 1)
    n, k = inp.values.shape
    out = np.full((n, k), np.nan)
    wealth = np.empty((n + 1, k))
    wealth[0] = 1.0
    np.cumprod(1.0 + inp.values, axis=0, out=wealth[1:])
    view = np.lib.stride_tricks.sliding_window_view
    for j in range(k):
        spans = view(wealth[:, j], window + 1)  # row i: W_i .. W_{i+window}
        peaks = np.maximum.accumulate(spans, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            dd = np.where(peaks > 0, spans / peaks - 1.0, -1.0)
        out[window - 1 :, j] = dd.min(axis=1)
    return _wrap_rows(out, inp)


def rolling_alpha_beta(
    returns: Returns,
    benchmark: Returns,
    window: int,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    *,
    annualization: Literal["arithmetic", "geometric"] = "arithmetic",
) -> tuple[pd.Series | pd.DataFrame | np.ndarray, pd.Series | pd.DataFrame | np.ndarray]:
    """Jensen's alpha (annualised) and beta over each trailing window.

    Parameters
    ----------
    returns, benchmark, window, risk_free, periods_per_year
        As in :func:`rolling_beta`; ``periods_per_year`` also annualises alpha.
    annualization : {"arithmetic", "geometric"}
        As in :func:`tactical.metrics.alpha`.

    Returns
    -------
    (alpha, beta)
        Each shaped like ``returns``; the first ``window - 1`` rows NaN.

    Notes
    -----
    On each window, with ``y = r - rf`` and ``x = b - rf``: ``beta =
    cov(y, x) / var(x)`` and per-period ``a = mean(y) - beta * mean(x)``,
    annualised as ``a * ppy`` or ``(1 + a) ** ppy - 1``; the same regression
    as :func:`tactical.metrics.alpha_beta` on that window. Matches empyrical
    ``roll_alpha_beta`` (geometric) and ``roll_alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.03, 0.01, 0.05]), np.array([0.01, 0.0, 0.02])
    >>> a, beta = rolling_alpha_beta(r, b, 2, periods_per_year=12)
    >>> a.round(12).tolist(), beta.round(12).tolist()
    ([nan, 0.12, 0.12], [nan, 2.0, 2.0])
    """
    inp, bench = _benchmark_pair(returns, benchmark, "rolling_alpha_beta")
    window = _check_rolling_window(window, inp, 2)
    ppy = _periods_per_year(inp, periods_per_year)
    y, x = _excess_returns(inp, bench, risk_free, ppy)
    yf = _frame(y, inp)
    xs = pd.Series(x[:, 0], index=yf.index)
    beta = rolling_beta(y, x[:, 0], window)
    beta = np.asarray(beta, dtype=np.float64).reshape(len(yf), -1)
    per = (
        yf.rolling(window).mean().to_numpy() - beta * xs.rolling(window).mean().to_numpy()[:, None]
    )
    alpha = _annualize_alpha(per, ppy, annualization)
    return _wrap_rows(alpha, inp), _wrap_rows(beta, inp)


def rolling_alpha(
    returns: Returns,
    benchmark: Returns,
    window: int,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    *,
    annualization: Literal["arithmetic", "geometric"] = "arithmetic",
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Annualised Jensen's alpha over each trailing window; see :func:`rolling_alpha_beta`.

    Examples
    --------
    >>> import numpy as np
    >>> r, b = np.array([0.03, 0.01, 0.05]), np.array([0.01, 0.0, 0.02])
    >>> rolling_alpha(r, b, 2, periods_per_year=12).round(12).tolist()
    [nan, 0.12, 0.12]
    """
    return rolling_alpha_beta(
        returns, benchmark, window, risk_free, periods_per_year, annualization=annualization
    )[0]
