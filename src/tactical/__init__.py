"""tactical: backtest rebalancing and tactical asset allocation for 401(k)-style portfolios.

>>> import tactical as tc
>>> from tactical.strategies import FixedWeights, Strategy, buy_and_hold
"""

from __future__ import annotations

from tactical import errors, metrics
from tactical.account import (
    Limits,
    Match,
    Payroll,
    PlanMenu,
    Recommendation,
    TradingPolicy,
    recommend,
)
from tactical.backtest import backtest, backtest_many, feasible_start
from tactical.cashflows import periodic_cashflows
from tactical.comparison import with_standard_benchmarks
from tactical.costs import FixedCost, ProportionalCost
from tactical.data import (
    CachedSource,
    CsvSource,
    FrameSource,
    YahooSource,
    cash_returns,
    load_prices,
    load_rates,
    load_sample,
    load_sample_rates,
    sample_info,
    splice,
)
from tactical.history import History
from tactical.intervals import Intervals
from tactical.metrics.bootstrap import bootstrap
from tactical.metrics.conventions import Conventions
from tactical.report import format_summary, summary
from tactical.results import BacktestResult, ResultSet, xirr
from tactical.robustness import (
    SweepResult,
    Tranches,
    WalkForwardResult,
    pbo,
    sweep,
    timing_luck,
    walk_forward,
)
from tactical.strategies import (
    DualMomentum,
    FixedWeights,
    Never,
    OnSchedule,
    RelativeMomentum,
    Strategy,
    TargetDate,
    Threshold,
    TrendFilter,
    buy_and_hold,
    standard_benchmarks,
)

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
