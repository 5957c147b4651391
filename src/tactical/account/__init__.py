"""The saver's account: payroll, employer match, IRS limits, plan menu, trading rules, orders.

:class:`Payroll` and :class:`Match` turn a salary into dated contributions
within the IRS limits (:mod:`tactical.account.limits`); a backtest invests
them from $0. :class:`PlanMenu` lets a strategy decide on the series it knows
while the account holds the plan's funds; :class:`TradingPolicy` states the
plan's exchange rules; :func:`recommend` gives this month's orders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
    from tactical.account.limits import IRS_LIMITS, Limits, catch_up_limit, limits_for
    from tactical.account.match import Match
    from tactical.account.menu import MenuAllocator, PlanMenu
    from tactical.account.payroll import FREQUENCIES, Payroll
    from tactical.account.policy import EVENT_COLUMNS, TRADE_KINDS, PolicyGate, TradingPolicy
    from tactical.account.recommend import Recommendation, recommend

__all__ = [
    "EVENT_COLUMNS",
    "FREQUENCIES",
    "IRS_LIMITS",
    "Limits",
    "Match",
    "MenuAllocator",
    "PlanMenu",
    "Payroll",
    "PolicyGate",
    "Recommendation",
    "TRADE_KINDS",
    "TradingPolicy",
    "catch_up_limit",
    "limits_for",
    "recommend",
]

# name -> the module defining it; imported on first use (see tactical._lazy)
_WHERE = {
    "tactical.account.limits": ("IRS_LIMITS", "Limits", "catch_up_limit", "limits_for"),
    "tactical.account.match": ("Match",),
    "tactical.account.menu": ("MenuAllocator", "PlanMenu"),
    "tactical.account.payroll": ("FREQUENCIES", "Payroll"),
    "tactical.account.policy": ("EVENT_COLUMNS", "TRADE_KINDS", "PolicyGate", "TradingPolicy"),
    "tactical.account.recommend": ("Recommendation", "recommend"),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
