"""Honest backtests: sweeps on any executor, walk-forward, timing luck, PBO.

* :func:`sweep` / :class:`SweepResult`: every variant of a parameter grid over
  one window, on any ``concurrent.futures.Executor`` or a Dask ``Client``;
* :func:`walk_forward` / :class:`WalkForwardResult`: parameters chosen on each
  training window alone, one continuous out-of-sample account;
* :func:`timing_luck` / :class:`Tranches`: how much the decision day moves
  the result, and the staggered-tranche remedy;
* :func:`pbo`: probability of backtest overfitting (CSCV).

The statistics (deflated Sharpe ratio, bootstrap intervals) live in
:mod:`tactical.metrics`.
"""

from __future__ import annotations

from tactical.robustness.pbo import PBOResult, pbo
from tactical.robustness.sweep import SweepResult, sweep
from tactical.robustness.timing import TimingLuckResult, Tranches, timing_luck
from tactical.robustness.walk_forward import (
    WalkForwardAllocator,
    WalkForwardResult,
    walk_forward,
)

__all__ = [
    "PBOResult",
    "SweepResult",
    "TimingLuckResult",
    "Tranches",
    "WalkForwardAllocator",
    "WalkForwardResult",
    "pbo",
    "sweep",
    "timing_luck",
    "walk_forward",
]
