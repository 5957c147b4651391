"""Strategies: allocators (what to hold), rebalance rules (when to trade), and Strategy.

The exact rule of every built-in allocator is in
:mod:`tactical.strategies.allocators`; the rebalance rules in
:mod:`tactical.strategies.rebalancing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
    from tactical.strategies.allocators import (
        Allocator,
        DualMomentum,
        FixedWeights,
        RelativeMomentum,
        TrendFilter,
        check_weights,
    )
    from tactical.strategies.rebalancing import Never, OnSchedule, Threshold
    from tactical.strategies.strategy import Strategy, buy_and_hold, standard_benchmarks
    from tactical.strategies.target_date import VANGUARD_GLIDE_PATH, TargetDate

__all__ = [
    "Allocator",
    "DualMomentum",
    "FixedWeights",
    "Never",
    "OnSchedule",
    "RelativeMomentum",
    "Strategy",
    "TargetDate",
    "Threshold",
    "TrendFilter",
    "VANGUARD_GLIDE_PATH",
    "buy_and_hold",
    "check_weights",
    "standard_benchmarks",
]

# name -> the module defining it; imported on first use (see tactical._lazy)
_WHERE = {
    "tactical.strategies.allocators": (
        "Allocator",
        "DualMomentum",
        "FixedWeights",
        "RelativeMomentum",
        "TrendFilter",
        "check_weights",
    ),
    "tactical.strategies.rebalancing": ("Never", "OnSchedule", "Threshold"),
    "tactical.strategies.strategy": ("Strategy", "buy_and_hold", "standard_benchmarks"),
    "tactical.strategies.target_date": ("VANGUARD_GLIDE_PATH", "TargetDate"),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
