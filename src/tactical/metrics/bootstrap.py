"""Confidence intervals for performance metrics by the stationary bootstrap.

Returns are serially dependent (volatility clusters, trends), so resampling
single days would understate the uncertainty. The stationary bootstrap of
Politis and Romano (1994) resamples blocks of consecutive returns whose
lengths are geometric with mean ``b``; ``b`` defaults to the Politis-White
(2004) optimal block length with the Patton-Politis-White (2009) correction,
both from the ``arch`` package (``StationaryBootstrap``,
``optimal_block_length``). Each replicate series is as long as the original
and every metric is recomputed on it; the interval is the percentile
interval of the replicates by default.

References
----------
* Politis, D. N. and Romano, J. P. (1994). "The stationary bootstrap".
  *Journal of the American Statistical Association* 89(428), 1303-1313.
* Politis, D. N. and White, H. (2004). "Automatic block-length selection for
  the dependent bootstrap". *Econometric Reviews* 23(1), 53-70; correction
  by Patton, Politis and White (2009), 28(4), 372-375.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical._progress import progress_bar
from tactical.errors import ConfigError, MetricError
from tactical.metrics.formulas import (
    annual_volatility,
    cagr,
    calmar_ratio,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
    total_return,
)
from tactical.metrics.inputs import _as_input, infer_periods_per_year, per_period_rate

__all__ = ["BOOTSTRAP_METRICS", "bootstrap", "check_options"]

_Metric = Callable[[np.ndarray, np.ndarray, float], np.ndarray]
"""``f(returns, excess, periods_per_year)`` over columns; ``excess`` = returns - risk-free."""


def _mean(a: np.ndarray, x: np.ndarray, ppy: float) -> np.ndarray:
    return a.mean(axis=0)


BOOTSTRAP_METRICS: dict[str, _Metric] = {
    "mean": _mean,
    "total_return": lambda a, x, ppy: np.asarray(total_return(a)),
    "cagr": lambda a, x, ppy: np.asarray(cagr(a, ppy)),
    "annual_volatility": lambda a, x, ppy: np.asarray(annual_volatility(a, ppy)),
    "sharpe_ratio": lambda a, x, ppy: np.asarray(sharpe_ratio(x, 0.0, ppy)),
    "sortino_ratio": lambda a, x, ppy: np.asarray(sortino_ratio(x, 0.0, ppy)),
    "max_drawdown": lambda a, x, ppy: np.asarray(max_drawdown(a)),
    "calmar_ratio": lambda a, x, ppy: np.asarray(calmar_ratio(a, ppy)),
}
"""Metric names :func:`bootstrap` accepts, each computed as in :mod:`tactical.metrics`."""

_CHUNK_CELLS = 4_000_000  # replicate values built at once (32 MB of float64)


def _risk_free_per_period(
    risk_free: float | pd.Series, index: pd.Index, ppy: float
) -> np.ndarray | float:
    """A per-period rate (float) or per-period returns aligned to ``index`` (no NaN allowed)."""
    if not isinstance(risk_free, pd.Series):
        return per_period_rate(float(risk_free), ppy) if risk_free else 0.0
    aligned = pd.to_numeric(risk_free, errors="coerce").reindex(index).to_numpy(dtype=float)
    if np.isnan(aligned).any():
        where = index[np.isnan(aligned)][:3]
        raise MetricError(
            f"risk_free has no value on some return dates, e.g. {list(map(str, where))}; give "
            "per-period returns on the same dates (risk_free.reindex(returns.index))"
        )
    return aligned


def _excess(sample: np.ndarray, rf: np.ndarray | float, idx: np.ndarray | None) -> np.ndarray:
    """Returns minus the per-period risk-free rate (resampled with the same indices)."""
    if isinstance(rf, float):
        return sample if rf == 0.0 else sample - rf
    return sample - (rf[:, None] if idx is None else rf[idx])


def _returns_frame(obj: Any) -> tuple[pd.DataFrame, bool]:
    """Returns as a frame plus whether the input was one strategy (read by attribute)."""
    data = (
        obj.returns
        if hasattr(obj, "returns") and not isinstance(obj, pd.Series | pd.DataFrame)
        else obj
    )
    if isinstance(data, pd.Series):
        return data.to_frame(name=data.name if data.name is not None else "returns"), True
    if isinstance(data, pd.DataFrame):
        return data, False
    if isinstance(data, np.ndarray) and data.ndim in (1, 2):
        frame = pd.DataFrame(data.reshape(len(data), -1))
        return frame, data.ndim == 1
    raise ConfigError(
        "bootstrap takes a BacktestResult, a ResultSet, a SweepResult or returns "
        f"(Series, DataFrame, ndarray), got {type(obj).__name__}"
    )


def check_options(n: Any, level: Any, method: Any) -> None:
    """Raise :class:`~tactical.errors.ConfigError` for options :func:`bootstrap` rejects.

    ``n`` a whole number of replicates of at least 10, ``level`` strictly
    between 0 and 1, ``method`` ``"percentile"`` or ``"basic"``.

    Examples
    --------
    >>> check_options(2000, 0.95, "percentile")
    >>> check_options(5, 0.95, "percentile")
    Traceback (most recent call last):
    ...
    tactical.errors.ConfigError: n must be a whole number of replicates >= 10, got 5
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 10:
        raise ConfigError(f"n must be a whole number of replicates >= 10, got {n!r}")
    if (
        isinstance(level, bool)
        or not isinstance(level, int | float | np.floating)
        or not 0 < level < 1
    ):
        raise ConfigError(f"level must be between 0 and 1 (0.95 = 95%), got {level!r}")
    if method not in ("percentile", "basic"):
        raise ConfigError(f"method must be 'percentile' or 'basic', got {method!r}")


def bootstrap(
    result_or_returns: Any,
    metrics: Sequence[str] = ("cagr", "sharpe_ratio", "max_drawdown"),
    n: int = 2000,
    seed: int | np.random.Generator | None = None,
    level: float = 0.95,
    *,
    method: Literal["percentile", "basic"] = "percentile",
    block_size: float | None = None,
    risk_free: float | pd.Series = 0.0,
    periods_per_year: float | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Stationary-bootstrap confidence intervals for performance metrics.

    Parameters
    ----------
    result_or_returns : BacktestResult, ResultSet, Series, DataFrame or ndarray
        Simple periodic decimal returns (anything with a ``.returns``
        attribute is read through it). Several columns are resampled
        **jointly** (the same blocks of dates for every strategy), so their
        intervals keep the strategies' correlation.
    metrics : sequence of str
        Names from :data:`BOOTSTRAP_METRICS`: ``mean`` (per period),
        ``total_return``, ``cagr``, ``annual_volatility``, ``sharpe_ratio``,
        ``sortino_ratio``, ``max_drawdown``, ``calmar_ratio``.
    n : int, default 2000
        Bootstrap replicates.
    seed : int or numpy Generator, optional
        Makes the intervals reproducible.
    level : float, default 0.95
        Two-sided confidence level.
    method : {"percentile", "basic"}, default "percentile"
        ``percentile``: the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles
        of the replicates. ``basic``: ``2 * estimate`` minus those quantiles,
        swapped. (BCa and studentized intervals are not offered: arch's use
        an IID jackknife that ignores serial dependence, arch issue #801.)
    block_size : float, optional
        Mean block length in periods. Default: the mean over columns of
        ``arch.bootstrap.optimal_block_length(returns)["stationary"]``, at
        least 1 (constant columns, such as all cash, are left out of it).
    risk_free : float or Series, default 0
        For the Sharpe and Sortino ratios: an annual decimal rate, turned into
        a per-period rate geometrically (library convention), or per-period
        returns on the returns' dates (e.g. T-bills), resampled on the same
        blocks as the returns so each replicate keeps its own cash rate.
    periods_per_year : float, optional
        Inferred from the index when omitted (daily 252, monthly 12...).
    progress : bool, optional
        Show a progress bar for long runs (see :mod:`tactical._progress`).

    Returns
    -------
    pandas.DataFrame
        Columns ``estimate`` (the metric on the original returns), ``lower``
        and ``upper``; index = metric names for one strategy, or a
        ``MultiIndex`` ``(strategy, metric)`` for a frame. ``attrs`` record
        ``n``, ``level``, ``method``, ``block_size``, ``seed`` and
        ``undefined`` (a dict keyed like the index: how many replicates
        gave NaN, e.g. a Sortino ratio with no period below the target; the
        interval is taken over the others).

    Raises
    ------
    ConfigError
        Unknown metric, ``n < 10``, a level outside (0, 1), a bad method.
    MetricError
        NaN or too few returns (fewer than 10), never silently dropped.

    Notes
    -----
    CAGR on a replicate uses the count-of-periods convention
    ``years = n_periods / periods_per_year`` (as :func:`~tactical.metrics.cagr`
    without ``start``); drawdowns are those of the resampled path. The
    replicates equal ``arch``'s ``StationaryBootstrap(b, returns,
    seed=numpy.random.default_rng(seed)).apply(func, n)`` (the indices are
    drawn through ``arch``; the metrics are evaluated on many replicates at
    once) and the interval is their ``numpy.percentile`` (linear) pair.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2015-01-01", periods=1000)
    >>> r = pd.Series(np.random.default_rng(0).normal(4e-4, 0.01, 1000), index=idx)
    >>> ci = bootstrap(r, metrics=("sharpe_ratio",), n=200, seed=1)
    >>> list(ci.columns)
    ['estimate', 'lower', 'upper']
    >>> bool(ci.loc["sharpe_ratio", "lower"] < ci.loc["sharpe_ratio", "upper"])
    True
    """
    from arch.bootstrap import StationaryBootstrap, optimal_block_length

    frame, single = _returns_frame(result_or_returns)
    names = [str(m) for m in ([metrics] if isinstance(metrics, str) else metrics)]
    unknown = [m for m in names if m not in BOOTSTRAP_METRICS]
    if unknown or not names:
        raise ConfigError(
            f"unknown bootstrap metric(s) {unknown or names}; use {sorted(BOOTSTRAP_METRICS)}"
        )
    check_options(n, level, method)
    if not isinstance(risk_free, int | float | pd.Series) or isinstance(risk_free, bool):
        raise ConfigError(
            "risk_free must be an annual rate (float) or a Series of per-period returns, "
            f"got {type(risk_free).__name__}"
        )
    inp = _as_input(frame)
    values = inp.values
    t, k = values.shape
    if t < 10:
        raise MetricError(f"bootstrap needs at least 10 returns, got {t}")
    if periods_per_year is None:
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise MetricError(
                "cannot infer periods_per_year without a DatetimeIndex; pass periods_per_year"
            )
        periods_per_year = infer_periods_per_year(frame.index)
    ppy = float(periods_per_year)
    rf = _risk_free_per_period(risk_free, frame.index, ppy)
    if block_size is None:
        # a constant column (all cash) has no autocorrelation to measure: left out
        varies = np.ptp(values, axis=0) > 0
        lengths = (
            optimal_block_length(values[:, varies])["stationary"].to_numpy()
            if varies.any()
            else np.ones(1)
        )
        block = float(max(1.0, np.nanmean(lengths)))
    else:
        if not np.isfinite(block_size) or block_size < 1:
            raise ConfigError(f"block_size must be >= 1 period, got {block_size!r}")
        block = float(block_size)

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    # arch types block_size as int but uses 1/block as the geometric rate: a float is fine
    bs = StationaryBootstrap(block, np.arange(t), seed=rng)  # type: ignore[arg-type]
    funcs = [BOOTSTRAP_METRICS[m] for m in names]
    estimate = np.array(
        [
            [
                np.asarray(f(values[:, [j]], _excess(values[:, [j]], rf, None), ppy))[0]
                for f in funcs
            ]
            for j in range(k)
        ]
    )
    reps = np.empty((k, len(funcs), int(n)))
    chunk = max(1, _CHUNK_CELLS // t)
    done = 0
    with progress_bar(int(n), "bootstrap", progress) as bar:
        draws = bs.bootstrap(int(n))
        while done < n:
            m = min(chunk, int(n) - done)
            idx = np.empty((t, m), dtype=np.int64)
            for i in range(m):
                pos, _ = next(draws)
                idx[:, i] = pos[0]
            for j in range(k):
                sample = values[:, j][idx]  # (t, m): one replicate path per column
                excess = _excess(sample, rf, idx)
                for q, f in enumerate(funcs):
                    reps[j, q, done : done + m] = f(sample, excess, ppy)
            done += m
            bar.update(m)

    alpha = (1.0 - level) / 2.0
    with warnings.catch_warnings():  # a metric undefined in every replicate: NaN bounds
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        lo = np.nanquantile(reps, alpha, axis=2)
        hi = np.nanquantile(reps, 1.0 - alpha, axis=2)
    if method == "basic":
        lo, hi = 2.0 * estimate - hi, 2.0 * estimate - lo
    out = pd.DataFrame(
        {"estimate": estimate.ravel(), "lower": lo.ravel(), "upper": hi.ravel()},
        index=(
            pd.Index(names, name="metric")
            if single
            else pd.MultiIndex.from_product(
                [[str(c) for c in frame.columns], names], names=["strategy", "metric"]
            )
        ),
    )
    out.attrs.update(
        {
            "n": int(n),
            "level": float(level),
            "method": method,
            "block_size": block,
            "seed": seed if isinstance(seed, int) else None,
            "undefined": dict(
                zip(out.index, np.isnan(reps).sum(axis=2).ravel().tolist(), strict=True)
            ),
        }
    )
    return out
