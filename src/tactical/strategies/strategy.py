"""A strategy: allocator (what to hold) + schedule (when to decide) + rule (when to trade)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tactical._typing import CASH
from tactical.errors import ConfigError
from tactical.schedules import ScheduleLike, normalize_schedule
from tactical.strategies.allocators import AllocatorLike, FixedWeights, check_lookback_units
from tactical.strategies.rebalancing import Never, OnSchedule, RebalanceRule

__all__ = ["Strategy", "buy_and_hold", "standard_benchmarks"]


@dataclass(frozen=True, slots=True)
class Strategy:
    """What to hold, when to decide, and when to trade.

    Parameters
    ----------
    allocator : callable
        ``History -> Mapping[str, float]``: a built-in such as
        :class:`~tactical.strategies.FixedWeights` or any plain function.
    schedule : str or sequence of dates, default "ME"
        When the allocator decides: ``"D"``, ``"W"``, ``"ME"``, ``"QE"``,
        ``"SE"``, ``"YE"`` (last trading day of the period) or explicit dates;
        see :mod:`tactical.schedules`.
    rebalance : RebalanceRule, default OnSchedule()
        When the portfolio trades back to the target: ``Never()``,
        ``OnSchedule()``, ``Threshold(...)`` or any object implementing
        :class:`~tactical.strategies.rebalancing.RebalanceRule`.
    offset : int, default 0
        Trading days added to each scheduled date (negative = earlier).
    execution_lag : int, optional
        Bars between a decision and its trade; overrides the ``execution_lag``
        given to :func:`~tactical.backtest` when set.

    Examples
    --------
    >>> from tactical.strategies import FixedWeights, Threshold
    >>> s = Strategy(FixedWeights({"SPY": 0.6, "AGG": 0.4}), rebalance=Threshold(abs_band=0.05))
    >>> s.schedule, s.rebalance.abs_band
    ('ME', 0.05)
    """

    allocator: AllocatorLike
    schedule: ScheduleLike = "ME"
    rebalance: RebalanceRule = field(default_factory=OnSchedule)
    offset: int = 0
    execution_lag: int | None = None

    def __post_init__(self) -> None:
        if not callable(self.allocator):
            raise ConfigError(
                "allocator must be callable (history -> weights), "
                f"got {type(self.allocator).__name__}"
            )
        spec = normalize_schedule(self.schedule)
        if isinstance(spec, str):
            object.__setattr__(self, "schedule", spec)
        if not isinstance(self.rebalance, RebalanceRule):
            raise ConfigError(
                "rebalance must be Never(), OnSchedule(), Threshold(...) or another "
                f"RebalanceRule, got {self.rebalance!r}"
            )
        if isinstance(self.offset, bool) or not isinstance(self.offset, int):
            raise ConfigError(f"offset must be a whole number of trading days, got {self.offset!r}")
        lag = self.execution_lag
        if lag is not None and (isinstance(lag, bool) or not isinstance(lag, int) or lag < 0):
            raise ConfigError(f"execution_lag must be a whole number >= 0, got {lag!r}")

    @property
    def tickers(self) -> tuple[str, ...] | None:
        """Funds the allocator declares, or None for a plain function (it may use any)."""
        names = getattr(self.allocator, "tickers", None)
        return None if names is None else tuple(t for t in names if t != CASH)

    @property
    def min_history(self) -> int:
        """Rows of history the allocator needs at its first decision (1 if undeclared)."""
        return int(getattr(self.allocator, "min_history", 1))

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """First row of ``index`` the allocator can decide on, its funds priced from ``priced``.

        The allocator's own ``first_decision_row`` when it has one (durations
        in months or weeks need the calendar), else ``priced + min_history -
        1``. Warns (:class:`~tactical.errors.LookbackUnitWarning`) when a
        bare-integer lookback reads like months on daily data.
        """
        check_lookback_units(self.allocator, self.schedule, index)
        find = getattr(self.allocator, "first_decision_row", None)
        if find is not None:
            return int(find(index, priced))
        return priced + self.min_history - 1

    def describe(self) -> dict[str, Any]:
        """Plain-data description used in ``BacktestResult.config``."""
        sched = self.schedule
        if isinstance(sched, pd.DatetimeIndex | list | tuple):
            sched = f"{len(sched)} explicit dates"
        return {
            "allocator": repr(self.allocator),
            "schedule": sched,
            "offset": self.offset,
            "rebalance": repr(self.rebalance),
        }


def buy_and_hold(weights: str | dict[str, float]) -> Strategy:
    """Invest once in ``weights`` (or 100% in one ticker) and never rebalance.

    Examples
    --------
    >>> buy_and_hold("SPY").allocator
    FixedWeights({'SPY': 1.0})
    """
    mix = {weights: 1.0} if isinstance(weights, str) else weights
    return Strategy(FixedWeights(mix), rebalance=Never())


def standard_benchmarks(
    stocks: str = "SPY", bonds: str = "AGG", stock_weight: float = 0.6
) -> dict[str, Strategy]:
    """The usual comparison set: stocks and bonds bought and held, and a monthly mix.

    Returns ``{stocks: buy-and-hold, bonds: buy-and-hold, "60/40": monthly
    rebalanced mix}`` (the mix is named from ``stock_weight``), ready to merge
    into the strategies given to :func:`~tactical.backtest_many` so that they
    run on the same engine and window.

    Examples
    --------
    >>> list(standard_benchmarks())
    ['SPY', 'AGG', '60/40']
    """
    if not 0 < stock_weight < 1:
        raise ConfigError(f"stock_weight must be between 0 and 1, got {stock_weight}")
    pct = round(stock_weight * 100)
    mix = FixedWeights({stocks: stock_weight, bonds: 1.0 - stock_weight})
    return {
        stocks: buy_and_hold(stocks),
        bonds: buy_and_hold(bonds),
        f"{pct}/{100 - pct}": Strategy(mix, schedule="ME"),
    }
