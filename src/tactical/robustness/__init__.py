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

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
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

# name -> the module defining it; imported on first use (see tactical._lazy)
_WHERE = {
    "tactical.robustness.pbo": ("PBOResult", "pbo"),
    "tactical.robustness.sweep": ("SweepResult", "sweep"),
    "tactical.robustness.timing": ("TimingLuckResult", "Tranches", "timing_luck"),
    "tactical.robustness.walk_forward": (
        "WalkForwardAllocator",
        "WalkForwardResult",
        "walk_forward",
    ),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
