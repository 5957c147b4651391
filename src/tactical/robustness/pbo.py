"""Probability of backtest overfitting by combinatorially symmetric cross-validation.

Reference: Bailey, D. H., Borwein, J. M., López de Prado, M. and Zhu, Q. J.
(2017, working paper 2015). "The probability of backtest overfitting".
*Journal of Computational Finance* 20(4), 39-69.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical.errors import ConfigError, MetricError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["PBOResult", "pbo"]


@dataclass(frozen=True, slots=True, eq=False)
class PBOResult:
    """What CSCV found.

    Attributes
    ----------
    pbo : float
        Probability of backtest overfitting: the share of splits in which the
        in-sample best trial ranks at or below the out-of-sample median
        (``logit <= 0``).
    logits : numpy.ndarray
        ``lambda_c`` for each of the ``C(S, S/2)`` splits.
    in_sample : numpy.ndarray
        In-sample Sharpe ratio (per period) of the selected trial, per split.
    out_of_sample : numpy.ndarray
        Its out-of-sample Sharpe ratio (per period), per split.
    degradation_slope, degradation_intercept : float
        Least-squares fit ``out_of_sample = intercept + slope * in_sample``
        (performance degradation: a negative slope means in-sample success
        predicts out-of-sample failure).
    prob_oos_loss : float
        Share of splits whose selected trial has a negative out-of-sample
        Sharpe ratio.
    n_splits : int
        ``S``, the number of row blocks.
    n_trials : int
        ``N``, the number of trials (columns).
    block_sizes : tuple of int
        Rows in each block (they differ by at most one; no row is dropped).
    """

    pbo: float
    logits: np.ndarray
    in_sample: np.ndarray
    out_of_sample: np.ndarray
    degradation_slope: float
    degradation_intercept: float
    prob_oos_loss: float
    n_splits: int
    n_trials: int
    block_sizes: tuple[int, ...]

    def __repr__(self) -> str:
        return (
            f"PBOResult(pbo={self.pbo:.3f}, splits={len(self.logits)}, trials={self.n_trials}, "
            f"slope={self.degradation_slope:.3f}, prob_oos_loss={self.prob_oos_loss:.3f})"
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Histogram of the logits with the ``logit = 0`` line (the PBO is the mass left of it)."""
        from tactical.charts.robustness import plot_pbo

        return plot_pbo(self, ax=ax)


def _returns_matrix(obj: Any) -> tuple[np.ndarray, list[str]]:
    data = obj.returns if hasattr(obj, "returns") and not isinstance(obj, pd.DataFrame) else obj
    if isinstance(data, pd.DataFrame):
        values = data.to_numpy(dtype=np.float64)
        names = [str(c) for c in data.columns]
    elif isinstance(data, np.ndarray) and data.ndim == 2:
        values = np.asarray(data, dtype=np.float64)
        names = [str(i) for i in range(values.shape[1])]
    else:
        raise ConfigError(
            "pbo takes a SweepResult or a returns matrix (DataFrame or 2-D array, dates x "
            f"trials), got {type(obj).__name__}"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise MetricError(
            f"returns for pbo are not finite in trial {names[col]!r} at row {row} "
            f"({int(bad.sum())} value(s)); pbo never drops rows: give every trial the same "
            "dates (e.g. a common window)"
        )
    return values, names


def pbo(sweep_or_returns: Any, n_splits: int = 16) -> PBOResult:
    """Probability of backtest overfitting (CSCV) of the best of many trials.

    Parameters
    ----------
    sweep_or_returns : SweepResult, DataFrame or 2-D ndarray
        Per-period returns of every trial tried, shape ``(T, N)`` (a
        :class:`~tactical.SweepResult` is read through ``.returns``).
    n_splits : int, default 16
        ``S``, an even number of contiguous row blocks (the paper suggests
        16, giving ``C(16, 8) = 12,870`` splits).

    Returns
    -------
    PBOResult

    Raises
    ------
    ConfigError
        ``n_splits`` odd or < 2; fewer than 2 trials.
    MetricError
        Fewer than 2 rows per block, or non-finite returns (rows are never
        silently dropped).

    Notes
    -----
    Bailey, Borwein, López de Prado and Zhu (2015), CSCV:

    1. Split the ``T`` rows into ``S`` contiguous blocks. When ``S`` does not
       divide ``T``, the first ``T mod S`` blocks get one extra row
       (``numpy.array_split``); pypbo instead drops the first ``T mod S``
       rows.
    2. For each of the ``C(S, S/2)`` ways to choose half the blocks (the
       in-sample set ``J``; its complement is out-of-sample): compute each
       trial's Sharpe ratio ``mean / std`` (``ddof=1``, per period) on ``J``
       and on the complement; select ``n* = argmax`` in-sample (ties: the
       first trial).
    3. ``omega = rank of n*`` out-of-sample among the ``N`` trials (1 =
       worst, ties get their average rank), divided by ``N + 1``;
       ``lambda = ln(omega / (1 - omega))``.
    4. ``PBO = share of splits with lambda <= 0``.

    Performance degradation is the least-squares line of the selected
    trial's out-of-sample Sharpe ratio on its in-sample one; the probability
    of loss is the share of negative out-of-sample Sharpe ratios. Sums over
    blocks are precomputed, so each split costs ``O(S N)``.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.random.default_rng(0).normal(0, 0.01, (800, 10))
    >>> res = pbo(noise, n_splits=8)
    >>> 0.2 < res.pbo < 0.8  # pure noise: selection is a coin toss
    True
    """
    from scipy.stats import rankdata

    if isinstance(n_splits, bool) or not isinstance(n_splits, int | np.integer):
        raise ConfigError(f"n_splits must be an even whole number, got {n_splits!r}")
    if n_splits < 2 or n_splits % 2:
        raise ConfigError(f"n_splits must be even and >= 2 (the paper uses 16), got {n_splits}")
    values, _ = _returns_matrix(sweep_or_returns)
    t, n = values.shape
    if n < 2:
        raise ConfigError(f"pbo needs at least 2 trials (columns) to select from, got {n}")
    if t < 2 * n_splits:
        raise MetricError(
            f"pbo with n_splits={n_splits} needs at least {2 * n_splits} rows (2 per block), "
            f"got {t}; use fewer splits or more data"
        )
    blocks = np.array_split(np.arange(t), n_splits)
    sizes = np.array([len(b) for b in blocks], dtype=float)
    s1 = np.array([values[b].sum(axis=0) for b in blocks])  # (S, N)
    s2 = np.array([(values[b] ** 2).sum(axis=0) for b in blocks])

    combos = np.array(list(combinations(range(n_splits), n_splits // 2)))
    mask = np.zeros((len(combos), n_splits))
    np.put_along_axis(mask, combos, 1.0, axis=1)

    def sharpe(m: np.ndarray) -> np.ndarray:
        count = (m @ sizes)[:, None]
        mean = (m @ s1) / count
        var = ((m @ s2) - count * mean**2) / (count - 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return mean / np.sqrt(np.maximum(var, 0.0))

    r_is = sharpe(mask)
    r_oos = sharpe(1.0 - mask)
    r_is = np.where(np.isfinite(r_is), r_is, -np.inf)
    best = np.argmax(r_is, axis=1)
    rows = np.arange(len(combos))
    oos_filled = np.where(np.isfinite(r_oos), r_oos, -np.inf)
    ranks = rankdata(oos_filled, axis=1)[rows, best]
    omega = ranks / (n + 1.0)
    logits = np.log(omega / (1.0 - omega))
    is_sel = r_is[rows, best]
    oos_sel = r_oos[rows, best]
    ok = np.isfinite(is_sel) & np.isfinite(oos_sel)
    if ok.sum() >= 2 and np.ptp(is_sel[ok]) > 0:
        slope, intercept = np.polyfit(is_sel[ok], oos_sel[ok], 1)
    else:
        slope, intercept = math.nan, math.nan
    return PBOResult(
        pbo=float(np.mean(logits <= 0.0)),
        logits=logits,
        in_sample=is_sel,
        out_of_sample=oos_sel,
        degradation_slope=float(slope),
        degradation_intercept=float(intercept),
        prob_oos_loss=float(np.mean(oos_sel < 0.0)),
        n_splits=int(n_splits),
        n_trials=int(n),
        block_sizes=tuple(int(x) for x in sizes),
    )
