"""The backtest loop: one obvious file.

How a backtest runs
-------------------
1. ``prices`` are validated once (:func:`tactical.data.validate_prices`) and a
   ``"CASH"`` accumulation index is appended (constant, or compounded from
   ``cash_returns``). :func:`backtest_many` validates once for all strategies.
2. **The stated window is the invested window.** The account is invested at
   the close of ``start``: the initial allocation is decided ``execution_lag``
   bars *before* the start, with what was known then, so that under the lag
   rule it executes at the start's close. A strategy that needs a warm-up
   (``min_history``) needs it before that decision. The default start is the
   first date where that is possible: every fund the strategy holds priced,
   its warm-up met, ``execution_lag`` bars before. So buy-and-hold moves with
   its funds' closes from the first row of ``equity`` on, for any lag, and all
   strategies of one :func:`backtest_many` are invested from the same close.
3. Later decisions are the schedule's dates inside the window. At each
   decision the allocator receives a :class:`~tactical.history.History`
   holding only rows up to that date (or, for built-ins with a vectorised
   ``weights_at``, every decision is scored at once from the same rows).
4. A decision at the close of bar ``t`` trades at the close of bar
   ``t + execution_lag`` (default 1: the next NAV, as a 401(k) plan executes
   an exchange; 0 trades at the same close, which is optimistic).
5. On each bar, in this order: cash flows are applied, pending trades execute,
   the allocator decides, and the rebalance rule checks drift.

Python iterates over events (decisions, trades, flows: hundreds), never over
bars (thousands): between events the share counts are constant, so values are
``shares * prices`` for a whole segment at once, and a threshold rule finds
its first breach in a segment with one vectorised test. A calendar rule
without flows, policy or fixed costs takes the vectorised path: every
execution solved at once from the price relatives between executions.

Contributions by election (the default ``flow_rule``) without costs or
policy stay vectorised too: a paycheck's purchase depends only on the target,
so share counts between executions are running sums and the values at
executions a scalar recursion.

The loop knows rules, costs and policies only through their protocols:
:class:`~tactical.strategies.rebalancing.RebalanceRule`,
:class:`~tactical.costs.CostModel` and a trading policy's ``start`` /
``adjust`` / ``events`` (see :func:`backtest`).

Accounting
----------
Holdings are share counts (fractional). Trading to a target ``t`` at value
``V`` with holdings ``h`` costs ``cost(t V' - h)`` and leaves
``V' = V - cost``; ``V'`` is solved exactly (see :mod:`tactical.costs`) so
that post-trade weights equal the target. Returns are time-weighted:
``r_t = (V_t - F_t) / V_{t-1} - 1`` with ``F_t`` the cash flow at ``t``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from tactical._inputs import Market as _Market
from tactical._inputs import build_market as _market
from tactical._inputs import (
    check_initial,
    decide_all,
    decision_rows,
    resolve_lag,
    universe,
    window_rows,
)
from tactical._typing import DateLike, FlowRule
from tactical.cashflows import Flows, prepare_flows
from tactical.costs import TRADE_EPS, CostModel, TradeCost, bind_costs
from tactical.errors import (
    ConfigError,
)
from tactical.results import BLOCKED_COLUMNS, BacktestResult, ResultSet, _Arrays
from tactical.strategies.rebalancing import RebalanceRule
from tactical.strategies.strategy import Strategy

__all__ = ["backtest", "backtest_many", "feasible_start"]

_SOLVE_TOL = 1e-13
_KINDS = ("initial", "rebalance", "contribution", "withdrawal")


class _Gate(Protocol):
    """A trading policy started for one run (see :func:`backtest`, ``policy``)."""

    def adjust(self, t: int, held: np.ndarray, wanted: np.ndarray, kind: str) -> np.ndarray: ...

    def events(self) -> pd.DataFrame: ...


class _Policy(Protocol):
    def start(self, holdings: tuple[str, ...], index: pd.DatetimeIndex) -> _Gate: ...


def feasible_start(
    prices: pd.DataFrame, strategy: Strategy, *, execution_lag: int = 1
) -> pd.Timestamp:
    """First date ``strategy`` can be invested on (its default start).

    All its funds priced and its warm-up met at the initial decision, which is
    ``execution_lag`` bars before the start (``Strategy.execution_lag``
    overrides it).

    Examples
    --------
    >>> import pandas as pd
    >>> from tactical.strategies import RelativeMomentum, Strategy
    >>> idx = pd.bdate_range("2024-01-01", periods=60)
    >>> px = pd.DataFrame({"A": range(1, 61), "B": range(2, 62)}, index=idx, dtype=float)
    >>> strategy = Strategy(RelativeMomentum(("A", "B"), lookback=30))
    >>> feasible_start(px, strategy).date()  # decided on Feb 12 (31 rows), bought Feb 13
    datetime.date(2024, 2, 13)
    >>> feasible_start(px, strategy, execution_lag=0).date()
    datetime.date(2024, 2, 12)
    """
    market = _market(prices, None)
    lag = resolve_lag(strategy, execution_lag)
    s, _ = window_rows(strategy, market, universe(strategy, market), None, None, lag)
    return market.index[s]


# --------------------------------------------------------------------------- shared pieces
def _post_trade_value(
    value: np.ndarray, held: np.ndarray, target: np.ndarray, cost: TradeCost | None
) -> np.ndarray:
    """Solve ``x = V - cost(t x - h)`` row by row (the post-trade, post-cost value).

    ``value`` (m,), ``held`` and ``target`` (m, k). Fixed-point iteration, a
    contraction for any cost below 100% of the trade; the loop calls it with
    one row, the vectorised path with every execution at once (per unit of
    value, which a proportional cost allows).
    """
    if cost is None:
        return value
    # each row iterates until it converges on its own and is then left alone, so a row's
    # value never depends on how many iterations other (later) rows need: no look-ahead
    # through the solver, and the vectorised path equals the one-row loop bit for bit
    x = np.array(value, dtype=float, copy=True)
    active = np.arange(len(x))
    for _ in range(200):
        v = value[active]
        new = v - cost(target[active] * x[active, None] - held[active], v)
        converged = np.abs(new - x[active]) <= _SOLVE_TOL * v
        x[active] = new
        active = active[~converged]
        if not active.size:
            break
    if (x <= 0).any():
        raise ConfigError(
            f"transaction costs exceed the portfolio value ({float(value[np.argmin(x)]):,.2f})"
        )
    return x


def _rebalance_stats(trades: np.ndarray, pre: np.ndarray) -> tuple[np.ndarray, float]:
    """Which rebalance trades moved anything, and their one-way turnover sum.

    ``sum_i |trade_i| / (2 V_pre)`` over trades moving more than 1e-9 of ``V_pre``.
    """
    moved = np.abs(trades).sum(axis=1)
    real = moved > TRADE_EPS * pre
    return real, float((moved[real] / (2.0 * pre[real])).sum())


@dataclass(slots=True)
class _Record:
    """What a simulation did, as arrays (one row per share record or per trade)."""

    rec_pos: np.ndarray  # positions of share records (the last of a bar wins)
    rec_shares: np.ndarray  # (r, k)
    trade_pos: np.ndarray  # positions of trades
    trade_vec: np.ndarray  # (q, k) signed currency
    trade_cost: np.ndarray  # (q,) costs and fees
    trade_kind: np.ndarray  # (q,) index into _KINDS
    trade_pre: np.ndarray  # (q,) value before each trade


# --------------------------------------------------------------------------- the vectorised path
def _calendar(rule: RebalanceRule) -> bool:
    """Whether trades come from decisions only (no drift watched between them)."""
    return rule.trades_on_decision() and not rule.checks_every_bar()


def _vectorisable(rule: RebalanceRule, cost: TradeCost | None, flows: object, gate: object) -> bool:
    """Whether a run takes the vectorised path: a calendar rule, no flows, policy or fixed costs."""
    proportional = cost is None or cost.proportional
    return gate is None and flows is None and _calendar(rule) and proportional


def _vectorised(
    px: np.ndarray,
    dec_t: np.ndarray,
    targets: np.ndarray,
    lag: int,
    initial: float,
    cost: TradeCost | None,
) -> _Record:
    """Calendar rules without flows, policy or fixed costs, every execution at once.

    Targets do not depend on the portfolio, so with ``G_j = P[e_j] / P[e_{j-1}]``
    the price relatives between executions ``e_j``, the pre-trade value is
    ``V_j = V'_{j-1} * sum(T_{j-1} * G_j)`` and the post-cost value
    ``V'_j = kappa_j V_j`` where ``kappa_j = 1 - cost(T_j kappa_j - w_j)`` per
    unit of value (solved for all ``j`` together by the loop's solver). It
    gives the same numbers as the event loop, which the tests check.
    """
    many = _vectorised_many(px, dec_t, targets[None], lag, initial, cost)
    return _Record(
        rec_pos=many.rec_pos,
        rec_shares=many.rec_shares[0],
        trade_pos=many.trade_pos,
        trade_vec=many.trade_vec[0],
        trade_cost=many.trade_cost[0],
        trade_kind=many.trade_kind,
        trade_pre=many.trade_pre[0],
    )


def _vectorised_many(
    px: np.ndarray,
    dec_t: np.ndarray,
    targets: np.ndarray,
    lag: int,
    initial: float,
    cost: TradeCost | None,
) -> _Record:
    """:func:`_vectorised` for a stack of target matrices ``(n_runs, n_decisions, k)``.

    The runs share prices, decision rows, lag, initial value and costs (a
    sweep's variants). The record's positions and kinds are shared, its
    shares, trades, costs and values have a leading run axis. Every step is
    elementwise, a reduction along the last axis or a running product along
    the decisions, and the cost solver treats each row on its own, so run
    ``j`` is what :func:`_vectorised` gives ``targets[j]`` alone, bit for bit.
    """
    n, k = px.shape
    ex = dec_t + lag
    live = ex < n
    ex = ex[live]
    tgt = np.ascontiguousarray(targets if live.all() else targets[:, live])  # runs, m, k
    runs, m = tgt.shape[:2]
    p = px[ex]
    cash0 = initial / px[0, -1]
    v0 = cash0 * px[0, -1]
    w_pre = np.zeros_like(tgt)
    w_pre[:, 0, -1] = 1.0
    growth = np.ones((runs, m))
    if m > 1:
        drift = tgt[:, :-1] * (p[1:] / p[:-1])
        growth[:, 1:] = drift.sum(axis=2)
        w_pre[:, 1:] = drift / growth[:, 1:, None]
    flat_w, flat_t = w_pre.reshape(runs * m, k), tgt.reshape(runs * m, k)
    kappa = _post_trade_value(np.ones(runs * m), flat_w, flat_t, cost).reshape(runs, m)
    carried = np.ones((runs, m))
    carried[:, 1:] = kappa[:, :-1]
    pre = v0 * np.cumprod(growth * carried, axis=1)
    post = pre * kappa
    new_values = tgt * post[:, :, None]
    shares = np.empty((runs, m + 1, k))
    shares[:, 0] = 0.0
    shares[:, 0, -1] = cash0
    np.divide(new_values, p, out=shares[:, 1:])
    kinds = np.ones(m, dtype=np.int8)
    kinds[0] = 0
    return _Record(
        rec_pos=np.concatenate(([0], ex)),
        rec_shares=shares,
        trade_pos=ex,
        trade_vec=new_values - w_pre * pre[:, :, None],
        trade_cost=pre - post,
        trade_kind=kinds,
        trade_pre=pre,
    )


def _row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``sum(a * b, axis=1)`` for a few columns (as a matrix-vector product: faster)."""
    return (a * b) @ np.ones(a.shape[1])


def _vectorised_flows(
    px: np.ndarray,
    dec_t: np.ndarray,
    targets: np.ndarray,
    lag: int,
    initial: float,
    flows: Flows,
) -> _Record:
    """Calendar rules with contributions by election, no costs or policy, every event at once.

    A contribution ``a_m`` at bar ``f_m`` buys ``a_m w_m / P[f_m]`` shares, ``w_m``
    the target of the last decision before ``f_m`` (a flow on the first bar,
    before the initial purchase, is cash). Share counts between executions
    ``e_j`` are the post-trade ones plus a running sum of purchases, so the
    pre-trade values follow ``V_{j+1} = V_j g_{j+1} + c_{j+1}`` with
    ``g_{j+1} = sum(T_j P[e_{j+1}] / P[e_j])`` and ``c_{j+1}`` the segment's
    purchases valued at ``e_{j+1}``: ``V_j = G_j (V_0 + sum_{i<=j} c_i / G_i)``,
    ``G`` the running product of ``g``. The same records as the event loop, in
    its order (a bar's flow before its trade), which the tests check.
    """
    n, k = px.shape
    ex = dec_t + lag
    live = ex < n
    ex, tgt = ex[live], targets[live]
    fpos, famt = flows.positions, flows.total
    m, n_ex = len(fpos), len(ex)
    # what each flow buys: the latest decided target, or cash before the first purchase
    weights = targets[np.maximum(np.searchsorted(dec_t, fpos, side="left") - 1, 0)]
    bought = famt[:, None] * weights
    early = int(np.searchsorted(fpos, 0, side="right"))  # flows on bar 0 (at most one)
    if early:
        bought[0] = 0.0
        bought[0, -1] = famt[0]
    dshares = bought / px[fpos]
    seg = np.searchsorted(ex, fpos, side="left") - 1  # last execution before each flow
    cum = np.vstack((np.zeros((1, k)), np.cumsum(dshares, axis=0)))
    # bounds[s + 1]: flows before segment s (s = -1 is bar 0, before the first trade)
    bounds = np.concatenate(([0], np.searchsorted(seg, np.arange(-1, n_ex), side="right")))
    per_seg = np.diff(cum[bounds], axis=0)  # shares bought per segment, row s + 1
    cash0 = initial / px[0, -1]
    p = px[ex]
    g = np.ones(n_ex)
    c = np.zeros(n_ex)
    if n_ex > 1:
        g[1:] = _row_dot(tgt[:-1], p[1:] / p[:-1])
        c[1:] = _row_dot(per_seg[1:n_ex], p[1:])
    growth = np.cumprod(g)
    v0 = initial + float(bought[:early].sum())
    pre = growth * (v0 + np.cumsum(c / growth))
    post_shares = tgt * pre[:, None] / p
    held = np.empty((n_ex, k))  # shares just before each execution
    held[0] = per_seg[0]
    held[0, -1] += cash0
    held[1:] = post_shares[:-1] + per_seg[1:n_ex]
    base = post_shares[np.maximum(seg, 0)]
    base[:early] = 0.0
    base[:early, -1] = cash0
    after_flow = base + cum[1:] - cum[bounds[seg + 1]]
    flow_pre = _row_dot(after_flow - dshares, px[fpos])
    # merge in the loop's order: a bar's flow before its trade; the executions of an
    # empty account (from $0, before the first paycheck: a prefix, as values stay > 0 once
    # money is in) skipped
    money = pre > 0
    first = int(money.argmax()) if money.any() else n_ex
    ex_k = ex[first:]
    at_f = np.arange(m) + np.searchsorted(ex_k, fpos, side="left")
    at_e = np.arange(len(ex_k)) + np.searchsorted(fpos, ex_k, side="right")
    size = m + len(ex_k)
    pos = np.empty(size, dtype=np.int64)
    pos[at_f], pos[at_e] = fpos, ex_k
    vec = np.empty((size, k))
    vec[at_f] = bought
    vec[at_e] = (post_shares[first:] - held[first:]) * p[first:]
    shares = np.empty((size + 1, k))
    shares[0] = 0.0
    shares[0, -1] = cash0
    shares[1:][at_f] = after_flow
    shares[1:][at_e] = post_shares[first:]
    kind = np.full(size, 2, dtype=np.int8)
    kind[at_e] = 1
    if first == 0 and n_ex:
        kind[at_e[0]] = 0
    trade_pre = np.empty(size)
    trade_pre[at_f], trade_pre[at_e] = flow_pre, pre[first:]
    return _Record(
        rec_pos=np.concatenate(([0], pos)),
        rec_shares=shares,
        trade_pos=pos,
        trade_vec=vec,
        trade_cost=np.zeros(size),
        trade_kind=kind,
        trade_pre=trade_pre,
    )


# --------------------------------------------------------------------------- the event loop
class _Loop:
    """The event loop over decisions, executions, flows and breaches (state of one run)."""

    def __init__(
        self,
        px: np.ndarray,
        index: pd.DatetimeIndex,
        holdings: tuple[str, ...],
        rule: RebalanceRule,
        cost: TradeCost | None,
        gate: _Gate | None,
        lag: int,
        flow_rule: FlowRule = "election",
    ) -> None:
        self.px = px
        self.index = index
        self.n, self.k = px.shape
        self.holdings = holdings
        self.rule = rule
        self.cost = cost
        self.gate = gate
        self.lag = lag
        self.flow_rule = flow_rule
        self.shares = np.zeros(self.k)
        self.target = np.zeros(self.k)
        self.invested = False
        self.pending: deque[tuple[int, np.ndarray, int]] = deque()
        self.rec_pos: list[int] = []
        self.rec_shares: list[np.ndarray] = []
        self.trades: list[tuple[int, np.ndarray, float, int, float]] = []

    def run(
        self, dec_t: np.ndarray, targets: np.ndarray, initial: float, flows: Flows | None
    ) -> _Record:
        n, rule = self.n, self.rule
        self.shares[-1] = initial / self.px[0, -1]
        self.rec_pos.append(0)
        self.rec_shares.append(self.shares.copy())
        self.target = targets[0]
        self.pending.append((int(dec_t[0]) + self.lag, targets[0], 0))  # executes at bar 0
        calendar = rule.trades_on_decision()
        scan = rule.checks_every_bar()
        fpos = flows.positions if flows is not None else np.empty(0, dtype=np.int64)
        famt = flows.total if flows is not None else np.empty(0)
        decisions = dec_t.tolist()
        di, fi, last = 1, 0, -1
        while True:
            nd = decisions[di] if di < len(decisions) else n
            nf = int(fpos[fi]) if fi < len(fpos) else n
            ne = self.pending[0][0] if self.pending else n
            t = min(nd, nf, ne)
            breach = False
            watching = scan and self.invested and not self.pending
            if watching and last + 1 < t:
                b = self._first_breach(last + 1, min(t, n))
                if b is not None:
                    t, breach = b, True
            if t >= n:
                break
            if not breach:
                if nf == t:
                    self.flow(t, float(famt[fi]))
                    fi += 1
                while self.pending and self.pending[0][0] == t:
                    _, target, kind = self.pending.popleft()
                    self.execute(t, target, kind)
                if nd == t:
                    self.target = targets[di]
                    di += 1
                    if calendar:
                        self._schedule(t, self.target)
                    elif self.invested and not self.pending:
                        breach = self._first_breach(t, t + 1) is not None
                elif scan and self.invested and not self.pending:
                    breach = self._first_breach(t, t + 1) is not None
            if breach:
                self._schedule(t, self.target)
            last = t
        return self._record()

    def _record(self) -> _Record:
        k = self.k
        trades = self.trades
        return _Record(
            rec_pos=np.asarray(self.rec_pos, dtype=np.int64),
            rec_shares=np.asarray(self.rec_shares).reshape(-1, k),
            trade_pos=np.asarray([x[0] for x in trades], dtype=np.int64),
            trade_vec=np.asarray([x[1] for x in trades], dtype=float).reshape(-1, k),
            trade_cost=np.asarray([x[2] for x in trades], dtype=float),
            trade_kind=np.asarray([x[3] for x in trades], dtype=np.int8),
            trade_pre=np.asarray([x[4] for x in trades], dtype=float),
        )

    def _schedule(self, t: int, target: np.ndarray) -> None:
        if self.lag == 0:
            self.execute(t, target, 1)
        elif t + self.lag < self.n:
            self.pending.append((t + self.lag, target, 1))

    def _first_breach(self, lo: int, hi: int) -> int | None:
        """First bar in ``[lo, hi)`` where the rule wants a trade back to target, or None."""
        if not self.shares.any():
            return None
        pos, step = lo, 1024
        while pos < hi:
            stop = min(hi, pos + step)
            hit = self.rule.first_breach(
                self.px[pos:stop] * self.shares, self.target, self.holdings
            )
            if hit is not None:
                return pos + hit
            pos, step = stop, step * 2
        return None

    def _keep(self, t: int, trade: np.ndarray, cost: float, kind: int, pre: float) -> None:
        self.rec_pos.append(t)
        self.rec_shares.append(self.shares)  # a new array after every trade, never mutated
        self.trades.append((t, trade, cost, kind, pre))

    def _adjust(self, t: int, held: np.ndarray, wanted: np.ndarray, kind: int) -> np.ndarray:
        """Ask the trading policy what it allows instead of ``wanted`` (I4, I4b)."""
        assert self.gate is not None
        name = _KINDS[kind]
        allowed = np.asarray(self.gate.adjust(t, held.copy(), wanted.copy(), name), dtype=float)
        total = float(held.sum())
        if allowed.shape != held.shape or not np.isfinite(allowed).all():
            raise ConfigError(
                f"the trading policy returned {allowed!r} for a {name} trade; expected "
                f"{self.k} finite values (one per holding {list(self.holdings)})"
            )
        scale = max(abs(total), 1.0)
        if allowed.sum() > total + 1e-9 * scale or (allowed < -1e-9 * scale).any():
            raise ConfigError(
                f"the trading policy allowed {allowed.sum():,.2f} for a {name} trade of "
                f"{total:,.2f}: it may keep a fee but never add money or hold negative amounts"
            )
        return np.maximum(allowed, 0.0)

    def _trade_to(
        self,
        t: int,
        base: np.ndarray,
        held: np.ndarray,
        goal: np.ndarray,
        avail: float,
        pre: float,
        kind: int,
    ) -> None:
        """Trade ``held`` to weights ``goal`` with ``avail`` to spend, costs solved.

        The trade is reported from ``base`` (the holdings before this event's
        flow); ``pre - after`` is its cost (and any fee the policy kept).
        """
        after = float(_post_trade_value(np.array([avail]), held[None], goal[None], self.cost)[0])
        new = goal * after
        self.shares = new / self.px[t]
        self._keep(t, new - base, pre - after, kind, pre)

    def execute(self, t: int, target: np.ndarray, kind: int) -> None:
        held = self.shares * self.px[t]
        value = float(held.sum())
        self.invested = True
        if value <= 0:  # an empty account (initial 0, no money yet): nothing to trade
            return
        if self.gate is None:
            self._trade_to(t, held, held, target, value, value, kind)
            return
        wanted = target * value
        allowed = self._adjust(t, held, wanted, kind)
        if np.array_equal(allowed, wanted):  # unchanged: exactly the trade without a policy
            self._trade_to(t, held, held, target, value, value, kind)
            return
        total = float(allowed.sum())
        self._trade_to(t, held, held, allowed / total, total, value, kind)

    def flow(self, t: int, amount: float) -> None:
        px = self.px[t]
        held = self.shares * px
        value = float(held.sum())
        kind = 2 if amount > 0 else 3
        if value + amount <= 0:
            date = self.index[t].date()
            raise ConfigError(
                f"withdrawal of {-amount:,.2f} on {date} exceeds the account value {value:,.2f}"
            )
        if not self.invested:
            trade = np.zeros(self.k)
            trade[-1] = amount
            self.shares = self.shares + trade / px
            self._keep(t, trade, 0.0, kind, value)
            return
        target = self.target
        if self.flow_rule == "election":  # the plan's contribution election; pro rata out
            direction = target if amount > 0 else held / value
        else:  # cash-flow rebalancing: toward the target
            if amount > 0:
                gap = np.maximum(target * (value + amount) - held, 0.0)
            else:
                gap = np.maximum(held - target * (value + amount), 0.0)
            total = float(gap.sum())
            direction = gap / total if total > 0 else target
        size = abs(amount)
        sign = 1.0 if amount > 0 else -1.0
        if self.gate is not None:
            held_cash = held.copy()
            held_cash[-1] += amount
            wanted = held + direction * size * sign
            allowed = self._adjust(t, held_cash, wanted, kind)
            if not np.array_equal(allowed, wanted):
                avail = float(allowed.sum())
                self._trade_to(t, held, held_cash, allowed / avail, avail, value + amount, kind)
                return
        moved = size
        if self.cost is not None:
            cost = self.cost
            values = np.array([value])

            def step(m: float) -> float:
                return size - sign * float(cost((direction * m)[None], values)[0])

            moved = _fixed_point(step, size, _SOLVE_TOL * value)
        trade = direction * moved * sign
        if amount < 0 and (held + trade < -TRADE_EPS * value).any():
            date = self.index[t].date()
            raise ConfigError(
                f"withdrawal of {size:,.2f} plus costs on {date} needs more than the "
                "holdings above target can give"
            )
        self.shares = np.maximum(held + trade, 0.0) / px
        self._keep(t, trade, abs(abs(moved) - size), kind, value)


def _fixed_point(step: Callable[[float], float], start: float, tol: float) -> float:
    """Iterate ``x = step(x)`` from ``start`` until it moves less than ``tol``."""
    x = start
    for _ in range(200):
        new = step(x)
        if abs(new - x) <= tol:
            return new
        x = new
    return x


# --------------------------------------------------------------------------- one run
def _window_prices(market: _Market, holdings: tuple[str, ...], s: int, e: int) -> np.ndarray:
    """Rows ``s..e`` of the holdings' prices (CASH last), a view when that is every column."""
    cols = [market.positions[t] for t in holdings]
    if cols == list(range(len(market.columns))):  # every column, in order: a view
        return market.values[s : e + 1]
    return np.ascontiguousarray(market.values[s : e + 1][:, cols])


def _run(
    strategy: Strategy,
    market: _Market,
    *,
    name: str,
    start: DateLike | None,
    end: DateLike | None,
    initial: float,
    costs: CostModel | Sequence[CostModel] | None,
    cashflows: pd.Series | pd.DataFrame | None,
    execution_lag: int,
    signals: Mapping[str, pd.DataFrame] | None,
    policy: Any = None,
    flow_rule: FlowRule = "election",
) -> BacktestResult:
    """One strategy on validated prices (``_market``): window, decisions, simulation, record."""
    if not isinstance(strategy, Strategy):
        raise ConfigError(
            f"{name!r}: expected a Strategy, got {type(strategy).__name__}; wrap an allocator as "
            "Strategy(allocator, schedule='ME')"
        )
    amount = check_initial(initial)
    if flow_rule not in ("election", "rebalance"):
        raise ConfigError(
            f"flow_rule must be 'election' (flows buy the target weights) or 'rebalance' "
            f"(flows move the portfolio toward its target), got {flow_rule!r}"
        )
    lag = resolve_lag(strategy, execution_lag)
    holdings = universe(strategy, market)
    s, e = window_rows(strategy, market, holdings, start, end, lag)
    index = market.index[s : e + 1]
    flows = None
    if cashflows is not None:
        decided = market.index[s - lag]  # flows from the initial decision on are invested
        flows = prepare_flows(cashflows, index, market.index, carry_from=decided)
    if flows is not None and not len(flows.positions):
        flows = None
    if amount == 0 and (flows is None or flows.total[0] <= 0):
        raise ConfigError(
            "initial is 0 and no contribution brings money in: give initial > 0 or cashflows "
            "whose first flow is a contribution (e.g. tc.Payroll(...).contributions(index))"
        )
    static = bool(getattr(strategy.allocator, "static", False))
    rows = decision_rows(strategy, market, s, e, lag, static)
    targets = decide_all(strategy, market, holdings, rows, signals, static)
    px = _window_prices(market, holdings, s, e)
    cost = bind_costs(costs, holdings)
    rule = strategy.rebalance
    gate = None if policy is None else policy.start(holdings, index)
    dec_t = rows - s
    by_election = flow_rule == "election" and (flows is None or bool((flows.total > 0).all()))
    if _vectorisable(rule, cost, flows, gate):
        record = _vectorised(px, dec_t, targets, lag, amount, cost)
    elif gate is None and flows is not None and cost is None and by_election and _calendar(rule):
        record = _vectorised_flows(px, dec_t, targets, lag, amount, flows)
    else:
        record = _Loop(px, index, holdings, rule, cost, gate, lag, flow_rule).run(
            dec_t, targets, amount, flows
        )
    return _result(
        name,
        strategy,
        market,
        policy,
        gate,
        costs,
        index,
        holdings,
        px,
        rows,
        targets,
        flows,
        record,
        lag,
        amount,
        flow_rule,
    )


def _result(
    name: str,
    strategy: Strategy,
    market: _Market,
    policy: Any,
    gate: _Gate | None,
    costs: CostModel | Sequence[CostModel] | None,
    index: pd.DatetimeIndex,
    holdings: tuple[str, ...],
    px: np.ndarray,
    rows: np.ndarray,
    targets: np.ndarray,
    flows: Flows | None,
    record: _Record,
    lag: int,
    amount: float,
    flow_rule: FlowRule,
) -> BacktestResult:
    """The result of one run: counts and config now, frames lazily from the arrays."""
    rebalance = record.trade_kind == 1
    real, turnover = _rebalance_stats(record.trade_vec[rebalance], record.trade_pre[rebalance])
    blocked = None
    if gate is not None:
        blocked = gate.events()
        if not isinstance(blocked, pd.DataFrame):
            raise ConfigError(f"{policy!r}: events() must return a DataFrame")
        missing = [c for c in BLOCKED_COLUMNS if c not in blocked.columns]
        if len(blocked) and missing:
            raise ConfigError(f"{policy!r}: events() lacks the columns {missing}")
    config: dict[str, Any] = {
        **strategy.describe(),
        "execution_lag": lag,
        "costs": None if costs is None else repr(costs),
        "initial": amount,
        "start": pd.Timestamp(index.values[0]),  # as index[0], without pandas' boxing path
        "end": pd.Timestamp(index.values[-1]),
        "cash": market.cash_label,
        "holdings": holdings,
    }
    if policy is not None:
        config["policy"] = repr(policy)
    if flows is not None:
        config["flow_rule"] = flow_rule
    arrays = _Arrays(
        name=name,
        index=index,
        market_index=market.index,
        holdings=holdings,
        px=px,
        rec_pos=record.rec_pos,
        rec_shares=record.rec_shares,
        dec_rows=rows,
        targets=targets,
        trade_pos=record.trade_pos,
        trade_vec=record.trade_vec,
        trade_cost=record.trade_cost,
        rebalance_pos=record.trade_pos[rebalance][real],
        flow_pos=np.empty(0, dtype=np.int64) if flows is None else flows.positions,
        flow_total=np.empty(0) if flows is None else flows.total,
        flow_sources={} if flows is None else flows.sources,
        blocked=blocked,
    )
    return BacktestResult(
        name,
        turnover=turnover,
        n_rebalances=int(real.sum()),
        config=config,
        source=arrays,
    )


# --------------------------------------------------------------------------- public
def backtest(
    prices: pd.DataFrame,
    strategy: Strategy,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    initial: float = 10_000.0,
    costs: CostModel | Sequence[CostModel] | None = None,
    cashflows: pd.Series | pd.DataFrame | None = None,
    cash_returns: pd.Series | None = None,
    execution_lag: int = 1,
    signals: Mapping[str, pd.DataFrame] | None = None,
    policy: Any = None,
    flow_rule: FlowRule = "election",
    name: str = "strategy",
) -> BacktestResult:
    """Run one strategy over a window of daily prices.

    Parameters
    ----------
    prices : pandas.DataFrame
        Dividend-adjusted closes, shape ``(n_dates, n_tickers)``; validated
        here (sorted unique dates, > 0, NaN only before a fund's first price).
        Never mutated.
    strategy : Strategy
        Allocator + schedule + rebalance rule.
    start, end : date-like, optional
        Inclusive window; the account is invested at the close of ``start``
        (its initial allocation decided ``execution_lag`` bars before). Default:
        the first date that allows this (every fund priced and the warm-up met
        at the initial decision) to the last date. A start before the data or
        an end after it is clamped with a :class:`~tactical.errors.WindowWarning`.
    initial : float, default 10,000
        Starting value in currency, invested at the start's close. 0 is
        allowed when ``cashflows`` bring the money in (a 401(k) from $0).
    costs : ProportionalCost, FixedCost or a list of them, optional
        Charged at execution; see :mod:`tactical.costs`.
    cashflows : pandas.Series or DataFrame, optional
        Dated amounts (contributions > 0, withdrawals < 0), or a DataFrame
        with a ``total`` column and source columns such as ``employee`` and
        ``employer`` (kept on ``result.flows``); see :mod:`tactical.cashflows`.
    flow_rule : {"election", "rebalance"}, default "election"
        How flows are invested. ``"election"``: each contribution buys the
        current target weights (the plan's contribution election, set to the
        strategy's target; a 401(k) payroll invests this way) and each
        withdrawal sells pro rata to the holdings. ``"rebalance"``: each
        contribution buys the funds furthest below their target first and each
        withdrawal sells those furthest above it (cash-flow rebalancing). A
        calendar rule with contributions by election and no costs or policy
        takes the vectorised path.
    cash_returns : pandas.Series, optional
        Per-period decimal return of ``"CASH"`` on the price dates (e.g. from
        :func:`tactical.data.cash_returns`); default 0.
    execution_lag : int, default 1
        Bars from decision to trade; ``Strategy.execution_lag`` overrides it.
        1 is the next NAV, as a plan executes an exchange; 0 (same close) is
        optimistic: it assumes you trade at the very price that triggered the
        decision. The initial allocation obeys it too: decided ``execution_lag``
        bars before the start, bought at the start's close.
    signals : mapping of str to DataFrame, optional
        Extra date-indexed data visible to allocators through
        :meth:`History.signal`, cut at each decision date.
    policy : trading policy, optional
        Plan trading rules (e.g. ``tc.TradingPolicy(reentry_days=30)``):
        ``policy.start(holdings, index)`` returns a gate whose
        ``adjust(t, held, wanted, kind)`` is asked before every trade
        (``kind`` in "initial", "rebalance", "contribution", "withdrawal";
        ``held``/``wanted`` are values per holding, ``wanted`` the engine's
        post-trade values with the same total) and returns what it allows
        (the same total, or less by a fee, which is charged as a cost); its
        ``events()`` DataFrame becomes ``result.blocked``.
    name : str, default "strategy"
        Label stored in the result.

    Returns
    -------
    BacktestResult

    Raises
    ------
    DataError, NoDataError, InsufficientHistoryError, WeightsError, ConfigError
        With the ticker, date and fix in the message.

    Examples
    --------
    >>> import pandas as pd
    >>> from tactical.strategies import FixedWeights, Strategy
    >>> idx = pd.bdate_range("2024-01-01", periods=3)
    >>> px = pd.DataFrame({"A": [100.0, 110.0, 121.0], "B": [100.0, 100.0, 100.0]}, index=idx)
    >>> half = Strategy(FixedWeights({"A": 0.5, "B": 0.5}), schedule="D")
    >>> r = backtest(px, half, execution_lag=0)
    >>> r.equity.round(2).tolist()
    [10000.0, 10500.0, 11025.0]
    >>> backtest(px, half).start.date()  # decided on Jan 1, invested at Jan 2's close
    datetime.date(2024, 1, 2)
    """
    market = _market(prices, cash_returns)
    return _run(
        strategy,
        market,
        name=name,
        start=start,
        end=end,
        initial=initial,
        costs=costs,
        cashflows=cashflows,
        execution_lag=execution_lag,
        signals=signals,
        policy=policy,
        flow_rule=flow_rule,
    )


def backtest_many(
    prices: pd.DataFrame,
    strategies: Mapping[str, Strategy],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    initial: float = 10_000.0,
    costs: CostModel | Sequence[CostModel] | None = None,
    cashflows: pd.Series | pd.DataFrame | None = None,
    cash_returns: pd.Series | None = None,
    execution_lag: int = 1,
    signals: Mapping[str, pd.DataFrame] | None = None,
    policy: Any = None,
    flow_rule: FlowRule = "election",
) -> ResultSet:
    """Run several strategies over one common window, invested from the same close.

    The window starts on ``start`` or, by default, on the latest of the
    strategies' feasible starts (so a 12-month momentum rule and a 60/40 mix
    are compared over the same dates, each invested at that start's close),
    and ends on ``end`` or the last date. Prices are validated once. The
    other parameters are those of :func:`backtest`, applied to every strategy.

    Returns
    -------
    ResultSet
        Results in the order of ``strategies``.

    Raises
    ------
    ConfigError
        An empty mapping, a value that is not a Strategy, or two labels that
        read the same as text (``1`` and ``"1"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from tactical.strategies import buy_and_hold
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> px = pd.DataFrame({"A": [1.0, 2.0, 3.0, 4.0], "B": [1.0, 1.0, 1.0, 1.0]}, index=idx)
    >>> rs = backtest_many(px, {"A": buy_and_hold("A"), "B": buy_and_hold("B")}, execution_lag=0)
    >>> rs.equity.iloc[-1].tolist()
    [40000.0, 10000.0]
    """
    if not isinstance(strategies, Mapping) or not strategies:
        raise ConfigError("strategies must be a non-empty mapping name -> Strategy")
    labels: dict[str, object] = {}
    for label, strat in strategies.items():
        text = str(label)
        if text in labels:
            raise ConfigError(
                f"strategy labels {labels[text]!r} and {label!r} both read {text!r}; results are "
                "named by text, so give them distinct names"
            )
        labels[text] = label
        if not isinstance(strat, Strategy):
            raise ConfigError(f"{label!r}: expected a Strategy, got {type(strat).__name__}")
    market = _market(prices, cash_returns)
    if start is None:
        starts = [
            window_rows(
                strat, market, universe(strat, market), None, end, resolve_lag(strat, execution_lag)
            )[0]
            for strat in strategies.values()
        ]
        start = market.index[min(max(starts), len(market.index) - 1)]
    results = {
        str(label): _run(
            strat,
            market,
            name=str(label),
            start=start,
            end=end,
            initial=initial,
            costs=costs,
            cashflows=cashflows,
            execution_lag=execution_lag,
            signals=signals,
            policy=policy,
            flow_rule=flow_rule,
        )
        for label, strat in strategies.items()
    }
    return ResultSet(results)
