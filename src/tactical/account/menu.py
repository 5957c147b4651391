"""A plan's fund menu: decide on the series a strategy knows, hold the plan's funds.

A 401(k) offers a short menu (VFIAX, VBMFX, VFISX...), while a strategy is
usually researched on long, liquid series (SPY, AGG, BIL). A plan's
"matching diagram" maps one to the other::

    menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX", "BIL": "VFISX"})
    plan = menu.strategy(Strategy(DualMomentum(("SPY",), safe="AGG"), schedule="ME"))
    backtest(menu.prices(prices), plan, initial=0, cashflows=flows)

The wrapped allocator reads SPY, AGG and BIL in the History (so its signals
are exactly the strategy's), and its targets are moved to the mapped funds,
so the account holds VFIAX, VBMFX and VFISX valued at their own prices. The
engine is unchanged: ``prices`` simply carries both sets of columns.

Expense ratios
--------------
For a price series that is gross of fees (an index, or an ETF standing in
for a costlier plan fund), :meth:`PlanMenu.prices` charges an annual expense
ratio ``er`` as a daily drag on that fund's prices:
``P_net[t] = P[t] * (1 - er) ** ((date_t - date_0).days / 365.25)`` with
``date_0`` the fund's first price, so each calendar year costs exactly
``er`` of the value, accrued day by day as a fund's NAV accrues it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from tactical._typing import CASH
from tactical.errors import ConfigError, NoDataError, WeightsError
from tactical.history import History
from tactical.strategies.allocators import AllocatorLike
from tactical.strategies.strategy import Strategy

__all__ = ["PlanMenu", "MenuAllocator"]


@dataclass(frozen=True, slots=True, init=False)
class PlanMenu:
    """Which plan fund holds each series a strategy decides on, and the funds' expenses.

    Parameters
    ----------
    funds : mapping of str to str
        Strategy ticker -> plan fund (``{"SPY": "VFIAX"}``). Map a plan fund to
        itself when the strategy decides on it directly; ``"CASH"`` may map to
        a money-market fund, else it stays cash.
    expense_ratios : mapping of str to float, optional
        Plan fund -> annual expense ratio (decimal: 0.0004 = 0.04%) to charge
        on its price series when that series is gross of fees.

    Examples
    --------
    >>> menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"}, expense_ratios={"VFIAX": 0.0004})
    >>> menu.plan_funds
    ('VFIAX', 'VBMFX')
    >>> menu.map_weights({"SPY": 0.6, "AGG": 0.4})
    {'VFIAX': 0.6, 'VBMFX': 0.4}
    """

    funds: tuple[tuple[str, str], ...]
    expense_ratios: tuple[tuple[str, float], ...]

    def __init__(
        self, funds: Mapping[str, str], expense_ratios: Mapping[str, float] | None = None
    ) -> None:
        if not isinstance(funds, Mapping) or not funds:
            raise ConfigError(
                "funds must be a non-empty mapping strategy ticker -> plan fund, "
                "e.g. {'SPY': 'VFIAX', 'AGG': 'VBMFX'}"
            )
        pairs = []
        for key, value in funds.items():
            if not (isinstance(key, str) and key and isinstance(value, str) and value):
                raise ConfigError(f"menu entry {key!r}: {value!r} must map a ticker to a ticker")
            pairs.append((key, value))
        plan = {v for _, v in pairs}
        fees = []
        for fund, er in (expense_ratios or {}).items():
            if fund not in plan:
                raise ConfigError(
                    f"expense ratio given for {fund!r}, which is not a plan fund of the menu "
                    f"{sorted(plan)}"
                )
            try:
                rate = float(er)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"expense ratio of {fund} must be a decimal, got {er!r}"
                ) from None
            if not 0 <= rate < 0.1:
                raise ConfigError(
                    f"expense ratio of {fund} is {rate!r}; give a decimal per year "
                    "(0.0004 = 0.04%), below 0.1"
                )
            fees.append((fund, rate))
        object.__setattr__(self, "funds", tuple(pairs))
        object.__setattr__(self, "expense_ratios", tuple(fees))

    @property
    def plan_funds(self) -> tuple[str, ...]:
        """The plan's funds the account may hold, in menu order."""
        return tuple(dict.fromkeys(v for _, v in self.funds))

    def _lookup(self) -> dict[str, str]:
        return dict(self.funds)

    def map_weights(self, weights: Mapping[str, float], where: str = "") -> dict[str, float]:
        """Move each target weight to its plan fund (same-fund weights add up).

        Raises
        ------
        WeightsError
            Naming a ticker the menu does not map.
        """
        lookup = self._lookup()
        out: dict[str, float] = {}
        for ticker, w in weights.items():
            if ticker in lookup:
                name = lookup[ticker]
            elif ticker == CASH:
                name = CASH
            else:
                at = f" on {where}" if where else ""
                raise WeightsError(
                    f"the strategy holds {ticker!r}{at}, which the plan menu does not map; "
                    f"the menu maps {lookup}; add {ticker!r}: '<plan fund>'"
                )
            out[name] = out.get(name, 0.0) + float(w)
        return out

    def allocator(self, inner: AllocatorLike) -> MenuAllocator:
        """Wrap ``inner`` so its targets land on the plan funds (see :class:`MenuAllocator`)."""
        declared = getattr(inner, "tickers", None)
        if declared is not None:
            lookup = self._lookup()
            missing = [t for t in declared if t != CASH and t not in lookup]
            if missing:
                raise ConfigError(
                    f"{inner!r} uses {missing}, which the plan menu does not map; the menu maps "
                    f"{lookup}; add an entry for each (a plan fund, or the ticker itself)"
                )
        cls = _VectorMenuAllocator if hasattr(inner, "weights_at") else MenuAllocator
        return cls(inner, self)

    def strategy(self, strategy: Strategy) -> Strategy:
        """The same strategy (schedule, rule, lag) holding the plan's funds."""
        if not isinstance(strategy, Strategy):
            raise ConfigError(f"expected a Strategy, got {type(strategy).__name__}")
        return replace(strategy, allocator=self.allocator(strategy.allocator))

    def prices(self, prices: pd.DataFrame) -> pd.DataFrame:
        """``prices`` with the expense ratios charged on the plan funds' columns.

        Every plan fund must have a column; the strategy's own series stay as
        they are (they drive decisions only). The input is not mutated.

        Examples
        --------
        >>> idx = pd.DatetimeIndex(["2024-01-01", "2025-01-01"])
        >>> px = pd.DataFrame({"SPY": [100.0, 100.0], "VFIAX": [100.0, 100.0]}, index=idx)
        >>> menu = PlanMenu({"SPY": "VFIAX"}, expense_ratios={"VFIAX": 0.01})
        >>> menu.prices(px)["VFIAX"].round(6).tolist()  # 366 days: 0.99 ** (366 / 365.25)
        [100.0, 98.997957]
        """
        if not isinstance(prices, pd.DataFrame):
            raise ConfigError(f"prices must be a DataFrame, got {type(prices).__name__}")
        missing = [f for f in self.plan_funds if f not in prices.columns and f != CASH]
        if missing:
            sources = [k for k, v in self.funds if v in missing]
            raise NoDataError(
                f"no prices for plan fund(s) {missing} (held for {sources}); add their price "
                "columns, or map a ticker to itself and give its expense ratio"
            )
        out = prices.copy()
        dates = pd.DatetimeIndex(out.index)
        for fund, er in self.expense_ratios:
            if er == 0 or fund == CASH:
                continue
            col = out[fund].astype(float)
            valid = col.notna().to_numpy()
            if not valid.any():
                continue
            first = dates[int(np.argmax(valid))]
            years = (dates - first).days.to_numpy() / 365.25
            out[fund] = col * np.where(valid, (1.0 - er) ** years, np.nan)
        return out

    def __repr__(self) -> str:
        extra = f", expense_ratios={dict(self.expense_ratios)!r}" if self.expense_ratios else ""
        return f"PlanMenu({dict(self.funds)!r}{extra})"


@dataclass(frozen=True, slots=True)
class MenuAllocator:
    """An allocator deciding on the strategy's series and holding the mapped plan funds.

    ``tickers`` are the plan funds (what the account holds); the inner
    allocator reads its own series from the same History. ``min_history``,
    ``first_decision_row`` and ``static`` are the inner allocator's;
    ``weights_at`` (interface I1) is forwarded when the inner allocator has it.

    Examples
    --------
    >>> from tactical.strategies import FixedWeights
    >>> menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"})
    >>> menu.allocator(FixedWeights({"SPY": 0.6, "AGG": 0.4})).tickers
    ('VFIAX', 'VBMFX')
    """

    inner: Any
    menu: PlanMenu

    @property
    def tickers(self) -> tuple[str, ...]:
        """Plan funds held (``"CASH"`` excluded): those mapped from the inner tickers."""
        declared = getattr(self.inner, "tickers", None)
        lookup = self.menu._lookup()
        if declared is None:
            names = self.menu.plan_funds
        else:  # the inner funds' plan funds, and the fund that holds CASH if one does
            names = tuple(lookup.get(t, t) for t in (*declared, CASH) if t in lookup or t != CASH)
        return tuple(f for f in dict.fromkeys(names) if f != CASH)

    @property
    def min_history(self) -> int:
        """The inner allocator's warm-up."""
        return int(getattr(self.inner, "min_history", 1))

    @property
    def static(self) -> bool:
        """The inner allocator's ``static`` flag."""
        return bool(getattr(self.inner, "static", False))

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """The inner allocator's first decision row (its calendar lookbacks: ``"12M"``...).

        Without one, ``priced + min_history - 1`` (what a strategy assumes).

        Examples
        --------
        >>> from tactical.strategies import DualMomentum
        >>> days = pd.bdate_range("2020-01-01", "2021-12-31")
        >>> inner = DualMomentum(("SPY",), safe="AGG", lookback="12M")
        >>> menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"})
        >>> menu.allocator(inner).first_decision_row(days, 0) == inner.first_decision_row(days, 0)
        True
        """
        find = getattr(self.inner, "first_decision_row", None)
        if find is not None:
            return int(find(index, priced))
        return priced + self.min_history - 1

    def __call__(self, history: History) -> dict[str, float]:
        return self.menu.map_weights(self.inner(history), where=str(history.date.date()))

    def __repr__(self) -> str:
        return f"{self.inner!r} on {self.menu!r}"


@dataclass(frozen=True, slots=True, repr=False)
class _VectorMenuAllocator(MenuAllocator):
    """:class:`MenuAllocator` over an inner allocator that has ``weights_at``."""

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """The inner targets for all rows (I1), moved column by column to the plan funds."""
        inner = self.inner.weights_at(values, index, columns, rows)
        pos = {c: i for i, c in enumerate(columns)}
        lookup = self.menu._lookup()
        out = np.zeros_like(inner)
        for j, name in enumerate(columns):
            col = inner[:, j]
            if not col.any():
                continue
            target = lookup.get(name, CASH if name == CASH else None)
            if target is None:
                first = int(np.flatnonzero(col)[0])
                raise WeightsError(
                    f"the strategy holds {name!r} on {index[rows[first]].date()}, which the plan "
                    f"menu does not map; the menu maps {lookup}"
                )
            if target not in pos:
                raise NoDataError(f"no prices for plan fund {target!r} (held for {name!r})")
            out[:, pos[target]] += col
        return out
