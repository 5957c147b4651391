"""tactical: backtest rebalancing and tactical asset allocation for 401(k)-style portfolios.

Every public name is imported on first use (PEP 562), so ``import tactical``
itself loads no submodule; ``tc.backtest`` or ``from tactical import
backtest`` imports the engine the first time it is asked for.

>>> import tactical as tc
>>> from tactical.strategies import FixedWeights, Strategy, buy_and_hold
>>> tc.backtest.__module__
'tactical.backtest'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
    from tactical import errors, metrics
    from tactical.account.limits import Limits
    from tactical.account.match import Match
    from tactical.account.menu import PlanMenu
    from tactical.account.payroll import Payroll
    from tactical.account.policy import TradingPolicy
    from tactical.account.recommend import Recommendation, recommend
    from tactical.backtest import backtest, backtest_many, feasible_start
    from tactical.cashflows import periodic_cashflows
    from tactical.comparison import with_standard_benchmarks
    from tactical.costs import FixedCost, ProportionalCost
    from tactical.data.bundled import load_sample, load_sample_rates, sample_info
    from tactical.data.cache import CachedSource
    from tactical.data.files import CsvSource
    from tactical.data.loading import load_prices
    from tactical.data.rates import cash_returns, load_rates
    from tactical.data.sources import FrameSource
    from tactical.data.splice import splice
    from tactical.data.yahoo import YahooSource
    from tactical.history import History
    from tactical.intervals import Intervals
    from tactical.metrics.bootstrap import bootstrap
    from tactical.metrics.conventions import Conventions
    from tactical.report import summary
    from tactical.results import BacktestResult, ResultSet, xirr
    from tactical.robustness.pbo import pbo
    from tactical.robustness.sweep import SweepResult, sweep
    from tactical.robustness.timing import Tranches, timing_luck
    from tactical.robustness.walk_forward import WalkForwardResult, walk_forward
    from tactical.strategies.allocators import (
        DualMomentum,
        FixedWeights,
        RelativeMomentum,
        TrendFilter,
    )
    from tactical.strategies.rebalancing import Never, OnSchedule, Threshold
    from tactical.strategies.strategy import Strategy, buy_and_hold, standard_benchmarks
    from tactical.strategies.target_date import TargetDate
    from tactical.tables import format_summary

__version__ = "0.1.0"

__all__ = [
    "BacktestResult",
    "CachedSource",
    "Conventions",
    "CsvSource",
    "FrameSource",
    "YahooSource",
    "cash_returns",
    "errors",
    "format_summary",
    "load_prices",
    "load_rates",
    "load_sample",
    "load_sample_rates",
    "metrics",
    "sample_info",
    "splice",
    "summary",
    "DualMomentum",
    "FixedCost",
    "FixedWeights",
    "History",
    "Intervals",
    "Never",
    "OnSchedule",
    "ProportionalCost",
    "RelativeMomentum",
    "ResultSet",
    "Strategy",
    "Threshold",
    "TrendFilter",
    "backtest",
    "backtest_many",
    "buy_and_hold",
    "feasible_start",
    "periodic_cashflows",
    "standard_benchmarks",
    "with_standard_benchmarks",
    "xirr",
    "Limits",
    "Match",
    "Payroll",
    "TradingPolicy",
    "TargetDate",
    "PlanMenu",
    "Recommendation",
    "recommend",
    "SweepResult",
    "Tranches",
    "WalkForwardResult",
    "bootstrap",
    "pbo",
    "sweep",
    "timing_luck",
    "walk_forward",
]

# name -> the module defining it (the same modules as the TYPE_CHECKING block above)
_WHERE = {
    "tactical.account.limits": ("Limits",),
    "tactical.account.match": ("Match",),
    "tactical.account.menu": ("PlanMenu",),
    "tactical.account.payroll": ("Payroll",),
    "tactical.account.policy": ("TradingPolicy",),
    "tactical.account.recommend": ("Recommendation", "recommend"),
    "tactical.backtest": ("backtest", "backtest_many", "feasible_start"),
    "tactical.cashflows": ("periodic_cashflows",),
    "tactical.comparison": ("with_standard_benchmarks",),
    "tactical.costs": ("FixedCost", "ProportionalCost"),
    "tactical.data.bundled": ("load_sample", "load_sample_rates", "sample_info"),
    "tactical.data.cache": ("CachedSource",),
    "tactical.data.files": ("CsvSource",),
    "tactical.data.loading": ("load_prices",),
    "tactical.data.rates": ("cash_returns", "load_rates"),
    "tactical.data.sources": ("FrameSource",),
    "tactical.data.splice": ("splice",),
    "tactical.data.yahoo": ("YahooSource",),
    "tactical.history": ("History",),
    "tactical.intervals": ("Intervals",),
    "tactical.metrics.bootstrap": ("bootstrap",),
    "tactical.metrics.conventions": ("Conventions",),
    "tactical.report": ("summary",),
    "tactical.results": ("BacktestResult", "ResultSet", "xirr"),
    "tactical.robustness.pbo": ("pbo",),
    "tactical.robustness.sweep": ("SweepResult", "sweep"),
    "tactical.robustness.timing": ("Tranches", "timing_luck"),
    "tactical.robustness.walk_forward": ("WalkForwardResult", "walk_forward"),
    "tactical.strategies.allocators": (
        "DualMomentum",
        "FixedWeights",
        "RelativeMomentum",
        "TrendFilter",
    ),
    "tactical.strategies.rebalancing": ("Never", "OnSchedule", "Threshold"),
    "tactical.strategies.strategy": ("Strategy", "buy_and_hold", "standard_benchmarks"),
    "tactical.strategies.target_date": ("TargetDate",),
    "tactical.tables": ("format_summary",),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE, submodules=("errors", "metrics"))
