"""This month's trades: what a strategy holds today, and the orders that get an account there.

:func:`recommend` asks the strategy exactly what a backtest would ask it on
the latest decision date (a :class:`~tactical.history.History` cut there,
``"CASH"`` included, so ``DualMomentum(hurdle="CASH")`` works) and turns the
target into dollar orders against the account's holdings, to the cent.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tactical._typing import CASH, DateLike
from tactical.account.policy import EVENT_COLUMNS, TradingPolicy
from tactical.errors import ConfigError, HoldingsError, StaleDataWarning
from tactical.history import History
from tactical.schedules import decision_positions
from tactical.strategies.allocators import check_weights
from tactical.strategies.rebalancing import Never
from tactical.strategies.strategy import Strategy

__all__ = ["Recommendation", "recommend"]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to do in the account now.

    Attributes
    ----------
    as_of : pandas.Timestamp
        The last close used.
    decision_date : pandas.Timestamp
        The strategy's latest decision date on or before ``as_of``, whose
        target is recommended.
    is_decision_date : bool
        Whether ``as_of`` itself is a decision date.
    next_decision : pandas.Timestamp or None
        The next decision date (on business days when beyond the data: an
        exchange holiday may move it); None for buy and hold.
    target : pandas.Series
        Target weights by fund.
    orders : pandas.DataFrame
        By fund: ``current``, ``target`` and ``trade`` (signed dollars, cents;
        ``target = current + trade``). Trades net to exactly 0 unless a
        redemption fee is charged (then to ``-fee``).
    election : pandas.Series
        Contribution election for future paychecks, whole percents summing to
        100: the target (payroll purchases are exempt from plan blocks), or
        what the policy allows when ``payroll_exempt=False``.
    blocked : pandas.DataFrame
        What the plan's policy blocked or charged (date, fund, rule, amount, detail).
    fee : float
        Redemption fees the orders would pay.
    strategy : str
        The strategy's allocator, as a label.
    """

    as_of: pd.Timestamp
    decision_date: pd.Timestamp
    is_decision_date: bool
    next_decision: pd.Timestamp | None
    target: pd.Series
    orders: pd.DataFrame
    election: pd.Series
    blocked: pd.DataFrame
    fee: float
    strategy: str

    def describe(self) -> str:
        """The recommendation in plain words, one statement a line.

        Examples
        --------
        >>> import pandas as pd
        >>> from tactical.strategies import FixedWeights, Strategy
        >>> px = pd.DataFrame({"VFIAX": [100.0, 101.0], "VBMFX": [10.0, 10.0]},
        ...                   index=pd.DatetimeIndex(["2024-05-30", "2024-05-31"]))
        >>> rec = recommend(Strategy(FixedWeights({"VFIAX": 0.6, "VBMFX": 0.4})), px,
        ...                 {"VFIAX": 50_000, "VBMFX": 50_000}, today="2024-05-31")
        >>> print(rec.describe())  # doctest: +NORMALIZE_WHITESPACE
        As of 2024-05-31 (last close used): FixedWeights({'VFIAX': 0.6, 'VBMFX': 0.4}).
        Today is a decision date.
        Exchange: sell $10,000.00 of VBMFX, buy $10,000.00 of VFIAX.
        Future contributions: 60% VFIAX, 40% VBMFX.
        """
        lines = [f"As of {self.as_of.date()} (last close used): {self.strategy}."]
        if self.is_decision_date:
            lines.append("Today is a decision date.")
        else:
            when = (
                f"; the next one is {self.next_decision.date()}"
                if self.next_decision is not None
                else ""
            )
            lines.append(
                f"Not a decision date{when}. The target is the one decided on "
                f"{self.decision_date.date()}."
            )
        trade = self.orders["trade"]
        sells = [f"sell ${-v:,.2f} of {f}" for f, v in trade.items() if v < 0]
        buys = [f"buy ${v:,.2f} of {f}" for f, v in trade.items() if v > 0]
        if sells or buys:
            lines.append(f"Exchange: {', '.join(sells + buys)}.")
        else:
            lines.append("No exchange needed: the holdings are on target.")
        if self.fee > 0:
            lines.append(f"Redemption fees: ${self.fee:,.2f}.")
        parts = [f"{int(p)}% {f}" for f, p in self.election.items() if p > 0]
        lines.append(f"Future contributions: {', '.join(parts)}.")
        for _, ev in self.blocked.iterrows():
            lines.append(
                f"Plan rule {ev['rule']}: {ev['fund']} ${ev['amount']:,.2f} ({ev['detail']})."
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` summing exactly to ``total`` (Hamilton's method)."""
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:short]] += 1
    return base


def _holdings(
    holdings: Mapping[str, float], universe: tuple[str, ...], menu: tuple[str, ...]
) -> dict[str, int]:
    if not isinstance(holdings, Mapping) or not holdings:
        raise HoldingsError("holdings must be a non-empty mapping fund -> dollars")
    out: dict[str, int] = {}
    for fund, amount in holdings.items():
        if fund not in universe and fund not in menu:
            raise HoldingsError(
                f"holding {fund!r} is not on the menu: the strategy holds {list(universe)} and "
                f"the prices have {list(menu)}; add its prices or sell it outside the strategy"
            )
        try:
            value = float(amount)
        except (TypeError, ValueError):
            raise HoldingsError(f"holding {fund!r} is not a dollar amount: {amount!r}") from None
        if not np.isfinite(value) or value < 0:
            raise HoldingsError(f"holding {fund!r} is {amount!r}; give dollars >= 0")
        out[str(fund)] = out.get(str(fund), 0) + int(round(value * 100))
    if sum(out.values()) <= 0:
        raise HoldingsError(
            "holdings sum to $0; there is nothing to allocate: give the dollars held in each "
            'fund, e.g. {"VFIAX": 61_250, "VBMFX": 38_750}'
        )
    return out


def _calendar(index: pd.DatetimeIndex, days: int = 520) -> pd.DatetimeIndex:
    """``index`` followed by business days (a guess at the trading calendar) after it."""
    future = pd.bdate_range(index[-1] + pd.Timedelta(days=1), periods=days)
    return index.append(future)


def recommend(
    strategy: Strategy,
    prices: pd.DataFrame,
    holdings: Mapping[str, float],
    as_of: DateLike | None = None,
    policy: TradingPolicy | None = None,
    *,
    cash_returns: pd.Series | None = None,
    recent_trades: pd.DataFrame | None = None,
    stale_days: int = 5,
    today: DateLike | None = None,
) -> Recommendation:
    """The strategy's current target and the orders that reach it from ``holdings``.

    Parameters
    ----------
    strategy : Strategy
        As given to :func:`~tactical.backtest` (a :class:`~tactical.account.PlanMenu`
        strategy for plan funds).
    prices : pandas.DataFrame
        Daily closes up to (at least) ``as_of``.
    holdings : mapping of str to float
        Fund -> dollars held now (rounded to cents). Funds must be among the
        strategy's holdings or the price columns (those get a target of 0).
    as_of : date-like, optional
        Last close to use; default the last date of ``prices``.
    policy : TradingPolicy, optional
        The plan's trading rules; with ``recent_trades`` the account's recent
        exchanges are replayed so blocks in force are applied to the orders.
    cash_returns : pandas.Series, optional
        What ``"CASH"`` earns, as in :func:`~tactical.backtest`.
    recent_trades : pandas.DataFrame, optional
        Past exchanges: dates x funds, signed dollars (sales < 0).
    stale_days : int, default 5
        Warn (:class:`~tactical.errors.StaleDataWarning`) when the last close
        used is more than this many calendar days before ``as_of`` (or today).
    today : date-like, optional
        "Today" for the staleness check (default the system date).

    Returns
    -------
    Recommendation

    Notes
    -----
    The target is the allocator's answer on the latest decision date on or
    before ``as_of``, from a History holding rows up to that date only (the
    backtest's own rule, so no look-ahead). Orders are computed in integer
    cents: ``target_i`` apportions the account's total over the weights by
    the largest-remainder method, so ``sum(target) = sum(current)`` exactly
    and ``trade = target - current`` nets to 0. The contribution election
    apportions 100 percent the same way.

    Raises
    ------
    HoldingsError
        A holding not on the menu, a negative amount, holdings summing to 0.
    ConfigError, InsufficientHistoryError
        ``as_of`` before the data, too little history for the strategy.
    """
    from tactical._inputs import universe as _universe
    from tactical.backtest import _market

    if not isinstance(strategy, Strategy):
        raise ConfigError(
            f"expected a Strategy, got {type(strategy).__name__}; wrap an allocator as "
            "Strategy(allocator, schedule='ME')"
        )
    market = _market(prices, cash_returns)
    index = market.index
    if as_of is None:
        row = len(index) - 1
        reference = pd.Timestamp(today if today is not None else pd.Timestamp.today()).normalize()
    else:
        stamp = pd.Timestamp(as_of)
        row = int(index.searchsorted(stamp, side="right")) - 1
        if row < 0:
            raise ConfigError(f"as_of {stamp.date()} is before the data ({index[0].date()})")
        reference = stamp
    used = index[row]
    late = (reference - used).days
    if late > stale_days:
        warnings.warn(
            f"the last close used is {used.date()}, {late} days before {reference.date()}; "
            "refresh the prices before trading on this",
            StaleDataWarning,
            stacklevel=2,
        )
    universe = _universe(strategy, market)
    calendar = _calendar(index)
    if isinstance(strategy.rebalance, Never):
        decisions = np.array([0], dtype=np.int64)
        next_decision = None
    else:
        decisions = decision_positions(calendar, strategy.schedule, strategy.offset)
        later = decisions[decisions > row]
        next_decision = calendar[int(later[0])] if len(later) else None
    past = decisions[decisions <= row]
    decision_row = int(past[-1]) if len(past) else row
    history = History(
        market.values, index, market.columns, decision_row + 1, None, market.positions
    )
    weights = check_weights(strategy.allocator(history), where=str(index[decision_row].date()))
    unknown = [t for t in weights if t not in universe]
    if unknown:
        raise ConfigError(
            f"the target names {unknown}, which are not among the strategy's holdings "
            f"{list(universe)}"
        )

    current = _holdings(holdings, universe, market.columns)
    funds = list(universe) + [f for f in current if f not in universe]
    keep_cash = (
        weights.get(CASH, 0) > 0
        or current.get(CASH)
        or (policy is not None and policy.fallback == CASH)
    )
    funds = [f for f in funds if f != CASH or keep_cash]
    cur = np.array([current.get(f, 0) for f in funds], dtype=np.int64)
    w = np.array([weights.get(f, 0.0) for f in funds])
    total = int(cur.sum())
    tgt = _largest_remainder(w, total)

    events = pd.DataFrame(columns=EVENT_COLUMNS)
    fee = 0
    if policy is not None:
        tgt, events = _apply_policy(policy, funds, calendar, row, strategy, cur, tgt, recent_trades)
        fee = total - int(tgt.sum())
    orders = pd.DataFrame(
        {"current": cur / 100.0, "target": tgt / 100.0, "trade": (tgt - cur) / 100.0},
        index=pd.Index(funds, name="fund"),
    )
    # payroll purchases are exempt from blocks (by default), so the election follows the
    # strategy's target even when an exchange is blocked
    exempt_payroll = policy is None or policy.payroll_exempt
    final_w = w if exempt_payroll or tgt.sum() <= 0 else tgt.astype(float)
    election = pd.Series(_largest_remainder(final_w, 100), index=funds, name="percent")
    return Recommendation(
        as_of=used,
        decision_date=index[decision_row],
        is_decision_date=bool(len(past) and decision_row == row),
        next_decision=next_decision,
        target=pd.Series(w, index=funds, name="weight"),
        orders=orders,
        election=election[election > 0],
        blocked=events,
        fee=fee / 100.0,
        strategy=repr(strategy.allocator),
    )


def _apply_policy(
    policy: TradingPolicy,
    funds: list[str],
    calendar: pd.DatetimeIndex,
    row: int,
    strategy: Strategy,
    cur: np.ndarray,
    tgt: np.ndarray,
    recent_trades: pd.DataFrame | None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Replay recent exchanges through a gate, then gate today's orders (in cents)."""
    if not isinstance(policy, TradingPolicy):
        raise ConfigError(f"policy must be a TradingPolicy, got {type(policy).__name__}")
    names = [f for f in funds if f != CASH] + [CASH]
    order = [funds.index(f) if f in funds else -1 for f in names]
    trades = None
    days = calendar
    if recent_trades is not None:
        if not isinstance(recent_trades, pd.DataFrame):
            raise ConfigError("recent_trades must be a DataFrame: dates x funds, signed dollars")
        unknown = [c for c in recent_trades.columns if c not in names]
        if unknown:
            raise HoldingsError(f"recent_trades name funds not in the account: {unknown}")
        trades = recent_trades.sort_index()
        trades.index = pd.DatetimeIndex(trades.index)
        late = trades.index[trades.index > calendar[row]]
        if len(late):
            raise ConfigError(
                f"recent_trades has a trade on {late[0].date()}, after the last close used"
            )
        days = calendar.union(trades.index)  # the trades' own dates count the days exactly
    gate = policy.start(tuple(names), days)
    if trades is not None:
        for date, trade_row in trades.iterrows():
            t = int(days.get_loc(date))
            trade = np.array([float(trade_row.get(n, 0.0)) for n in names])
            trade[-1] -= trade.sum()  # a partial record: the rest is cash
            held = np.maximum(-trade, 0.0)
            gate.adjust(t, held, held + trade, "rebalance")
    lag = strategy.execution_lag if strategy.execution_lag is not None else 1
    t_exec = int(days.get_loc(calendar[min(row + lag, len(calendar) - 1)]))
    vec = np.zeros(len(names))
    want = np.zeros(len(names))
    for j, i in enumerate(order):
        if i >= 0:
            vec[j], want[j] = cur[i], tgt[i]
    allowed = gate.adjust(t_exec, vec / 100.0, want / 100.0, "rebalance")
    cents = np.round(allowed * 100.0).astype(np.int64)
    drift = int(round(allowed.sum() * 100.0)) - int(cents.sum())
    if drift:
        cents[int(np.argmax(cents))] += drift
    out = np.zeros(len(funds), dtype=np.int64)
    for j, i in enumerate(order):
        if i >= 0:
            out[i] = cents[j]
        elif cents[j]:
            raise ConfigError("the policy moved money to cash, which the orders do not list")
    return out, gate.events()
