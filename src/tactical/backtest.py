"""The backtest loop: one obvious file.

How a backtest runs
-------------------
1. ``prices`` are validated once (:func:`tactical.data.validate_prices`) and a
   ``"CASH"`` accumulation index is appended (constant, or compounded from
   ``cash_returns``).
2. The window starts on ``start`` or, by default, on the first date when every
   fund the strategy uses has a price *and* its allocator has the history it
   needs (``min_history``, its warm-up). It ends on ``end`` or the last date.
3. Decision dates are the schedule's dates inside the window, plus the start
   (the initial investment). At each one the allocator receives a
   :class:`~tactical.history.History` holding only rows up to that date.
4. A decision at the close of bar ``t`` trades at the close of bar
   ``t + execution_lag`` (default 1: the next NAV, as a 401(k) plan executes
   an exchange; 0 trades at the same close, which is optimistic). Until the
   first trade the account holds cash.
5. On each bar, in this order: cash flows are applied, pending trades execute,
   the allocator decides, and a threshold rule checks drift.

Python iterates over events (decisions, trades, flows: hundreds), never over
bars (thousands): between events the share counts are constant, so values are
``shares * prices`` for a whole segment at once, and a threshold rule finds
its first breach in a segment with one vectorised test.

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
from typing import Any

import numpy as np
import pandas as pd

from tactical._typing import CASH, DateLike
from tactical.cashflows import flow_positions
from tactical.costs import CostModel, cost_vectors
from tactical.data.validate import validate_prices
from tactical.errors import (
    ConfigError,
    DataError,
    DataGapError,
    InsufficientHistoryError,
    NoDataError,
    WeightsError,
)
from tactical.history import History
from tactical.results import BacktestResult, ResultSet
from tactical.schedules import decision_positions
from tactical.strategies.allocators import check_weights
from tactical.strategies.rebalancing import BAND_TOLERANCE, Never, Threshold
from tactical.strategies.strategy import Strategy

__all__ = ["backtest", "backtest_many", "feasible_start"]

_SOLVE_TOL = 1e-13
_TRADE_EPS = 1e-9  # a trade smaller than this fraction of value is not a rebalance


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True, slots=True)
class _Market:
    """Validated prices plus the CASH index, as arrays (the engine's view of the data)."""

    index: pd.DatetimeIndex
    columns: tuple[str, ...]  # price columns, then CASH
    values: np.ndarray  # (n_dates, n_columns), read-only
    first_valid: np.ndarray  # first row with a price, per column
    cash_label: str
    positions: dict[str, int]  # column -> position


def _cash_level(cash_returns: pd.Series | float | None, index: pd.DatetimeIndex) -> np.ndarray:
    n = len(index)
    if cash_returns is None:
        return np.ones(n)
    if isinstance(cash_returns, int | float) and not isinstance(cash_returns, bool):
        raise ConfigError(
            "cash_returns must be a Series of per-period returns on the price dates; "
            "convert an annual rate with tactical.data.cash_returns or (1 + rate) ** (1 / 252) - 1"
        )
    if not isinstance(cash_returns, pd.Series):
        raise ConfigError(
            f"cash_returns must be a pandas Series, got {type(cash_returns).__name__}"
        )
    r = pd.to_numeric(cash_returns, errors="coerce")
    r.index = pd.DatetimeIndex(r.index)
    if r.index.has_duplicates:
        raise DataError("cash_returns have duplicate dates")
    aligned = r.reindex(index).to_numpy(dtype=float)
    valid = ~np.isnan(aligned)
    if not valid.any():
        raise NoDataError(
            f"cash_returns have no value on the price dates {index[0].date()}..{index[-1].date()}"
        )
    big = np.abs(aligned[valid]) > 0.05
    if big.any():
        raise DataError(
            f"cash_returns reach {np.nanmax(np.abs(aligned)):.4g} in one period: they look like "
            "percent or annual rates; give per-period decimal returns (tactical.data.cash_returns "
            "converts T-bill quotes)"
        )
    first = int(np.argmax(valid))
    holes = np.flatnonzero(~valid[first:]) + first
    if len(holes):
        raise DataGapError(
            f"cash_returns are missing on {len(holes)} price date(s) inside their history, e.g. "
            f"{[str(d.date()) for d in index[holes[:3]]]}; forward-fill the rate or reindex it"
        )
    level = np.full(n, np.nan)
    base = max(first - 1, 0)
    growth = np.cumprod(1.0 + np.where(valid, aligned, 0.0)[base + 1 :])
    level[base] = 1.0
    level[base + 1 :] = growth
    return level


def _market(prices: pd.DataFrame, cash_returns: pd.Series | None) -> _Market:
    frame = validate_prices(prices)
    if CASH in frame.columns:
        raise DataError(f'prices have a column named "{CASH}"; that name is the cash account')
    cash = _cash_level(cash_returns, frame.index)
    values = np.column_stack([frame.to_numpy(), cash])
    values.flags.writeable = False
    first_valid = np.argmax(~np.isnan(values), axis=0)
    label = "0%" if cash_returns is None else str(getattr(cash_returns, "name", None) or "series")
    columns = (*map(str, frame.columns), CASH)
    positions = {c: i for i, c in enumerate(columns)}
    return _Market(frame.index, columns, values, first_valid, label, positions)


def _universe(strategy: Strategy, market: _Market) -> tuple[str, ...]:
    declared = strategy.tickers
    names = market.columns[:-1] if declared is None else declared
    missing = [t for t in names if t not in market.columns]
    if missing:
        raise NoDataError(
            f"no prices for {missing}, which {strategy.allocator!r} uses; "
            f"prices have {list(market.columns[:-1])}"
        )
    return (*names, CASH)


def _to_date(value: DateLike, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{what} {value!r} is not a date") from exc


def _window(
    strategy: Strategy,
    market: _Market,
    holdings: tuple[str, ...],
    start: DateLike | None,
    end: DateLike | None,
) -> tuple[int, int]:
    idx = market.index
    cols = [market.columns.index(t) for t in holdings]
    firsts = market.first_valid[cols]
    youngest = int(np.argmax(firsts))
    priced = int(firsts[youngest])
    feasible = strategy.first_decision_row(idx, priced)
    if end is None:
        e = len(idx) - 1
    else:
        e = int(idx.searchsorted(_to_date(end, "end"), side="right")) - 1
    if start is None:
        s = feasible
    else:
        s = int(idx.searchsorted(_to_date(start, "start"), side="left"))
        if end is not None and _to_date(start, "start") > _to_date(end, "end"):
            raise ConfigError(f"start {start} is after end {end}")
        if s < priced and s <= e:
            raise NoDataError(
                f"{holdings[youngest]} has no price before {idx[priced].date()}, after the "
                f"requested start {idx[s].date()}; start on or after that date or splice a proxy "
                "(tactical.data.splice)"
            )
        if priced <= s < feasible:
            first_ok = idx[feasible].date() if feasible < len(idx) else "beyond the data"
            raise InsufficientHistoryError(
                f"{strategy.allocator!r} needs {feasible - priced + 1} bars of history but only "
                f"{s - priced + 1} exist up to {idx[s].date()}; the first feasible start is "
                f"{first_ok}"
            )
    if s >= len(idx) or e - s < 1:
        a = idx[s].date() if s < len(idx) else "after the data"
        raise NoDataError(
            f"empty backtest window: start {a}, end {idx[max(e, 0)].date()} "
            f"(prices cover {idx[0].date()}..{idx[-1].date()}, strategy warm-up "
            f"{feasible - priced + 1} bars); need at least two dates"
        )
    return s, e


def feasible_start(prices: pd.DataFrame, strategy: Strategy) -> pd.Timestamp:
    """First date ``strategy`` can start on: all its funds priced and its warm-up met.

    Examples
    --------
    >>> import pandas as pd
    >>> from tactical.strategies import RelativeMomentum, Strategy
    >>> idx = pd.bdate_range("2024-01-01", periods=30)
    >>> px = pd.DataFrame({"A": range(1, 31), "B": range(2, 32)}, index=idx, dtype=float)
    >>> feasible_start(px, Strategy(RelativeMomentum(("A", "B"), lookback="5D"))).date()
    datetime.date(2024, 1, 8)
    """
    market = _market(prices, None)
    s, _ = _window(strategy, market, _universe(strategy, market), None, None)
    return market.index[s]


# --------------------------------------------------------------------------- engine
def _trade_cost(trade: np.ndarray, rate: np.ndarray, fixed: np.ndarray, value: float) -> float:
    """``sum_i rate_i |trade_i| + sum of fixed_i over the holdings traded`` (see costs)."""
    traded = np.abs(trade) > _TRADE_EPS * value
    return float(rate @ np.abs(trade)) + float(fixed[traded].sum())


def _fixed_point(step: Callable[[float], float], start: float, tol: float) -> float:
    """Iterate ``x = step(x)`` from ``start`` until it moves less than ``tol``."""
    x = start
    for _ in range(200):
        new = step(x)
        if abs(new - x) <= tol:
            return new
        x = new
    return x


def _solve_post_cost(
    value: float, held: np.ndarray, direction: np.ndarray, rate: np.ndarray, fixed: np.ndarray
) -> float:
    """Solve ``x = value - cost(direction * x - held)`` for ``x`` (post-trade value)."""
    if not rate.any() and not fixed.any():
        return value
    x = _fixed_point(
        lambda x: value - _trade_cost(direction * x - held, rate, fixed, value),
        value,
        _SOLVE_TOL * value,
    )
    if x <= 0:
        raise ConfigError(f"transaction costs exceed the portfolio value ({value:,.2f})")
    return x


class _Run:
    """State of one simulation; every method works on one event."""

    def __init__(
        self,
        strategy: Strategy,
        market: _Market,
        holdings: tuple[str, ...],
        s: int,
        e: int,
        initial: float,
        costs: CostModel | Sequence[CostModel] | None,
        lag: int,
        signals: Mapping[str, pd.DataFrame] | None,
    ) -> None:
        self.strategy = strategy
        self.market = market
        self.holdings = holdings
        self.pos = {t: i for i, t in enumerate(holdings)}
        self.s = s
        cols = [market.columns.index(t) for t in holdings]
        self.px = np.ascontiguousarray(market.values[s : e + 1][:, cols])
        self.n, self.k = self.px.shape
        self.rate, self.fixed = cost_vectors(costs, holdings)
        self.lag = lag
        self.signals = signals
        self.shares = np.zeros(self.k)
        self.shares[-1] = initial / self.px[0, -1]
        self.rec_pos: list[int] = [0]
        self.rec_shares: list[np.ndarray] = [self.shares.copy()]
        self.target: np.ndarray | None = None
        self.invested = False
        self.pending: deque[tuple[int, np.ndarray]] = deque()
        self.dec_pos: list[int] = []
        self.dec_targets: list[np.ndarray] = []
        self.trade_pos: list[int] = []
        self.trade_vec: list[np.ndarray] = []
        self.trade_cost: list[float] = []
        self.turnover = 0.0
        self.n_rebalances = 0
        self._static: np.ndarray | None = None
        self._decided: tuple[np.ndarray, np.ndarray] | None = None
        self._columns_cache: dict[tuple[str, ...], np.ndarray] = {}
        self._traded: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    # -- allocator -----------------------------------------------------------
    def _vector(self, weights: Mapping[str, float], t: int) -> np.ndarray:
        """Target weights as a vector over the holdings; invalid weights raise, naming the date."""
        vec = np.zeros(self.k)
        pos = self.pos
        total = 0.0
        try:  # fast path: the usual, valid target
            for ticker, w in weights.items():
                value = float(w)
                if not 0.0 <= value < np.inf:
                    break
                vec[pos[ticker]] = value
                total += value
            else:
                if abs(total - 1.0) <= 1e-9 and len(weights) > 0:
                    return vec
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        date = self.market.index[self.s + t].date()
        checked = check_weights(weights, where=str(date))  # raises with the details
        unknown = [ticker for ticker in checked if ticker not in pos]
        raise WeightsError(
            f"target on {date} names {unknown[0]!r}, which is not among the strategy's "
            f"holdings {list(self.holdings)}; declare it in the allocator or add its prices"
        )

    def decide(self, t: int) -> np.ndarray:
        alloc = self.strategy.allocator
        if self._static is not None:
            vec = self._static
        else:
            history = History(
                self.market.values,
                self.market.index,
                self.market.columns,
                self.s + t + 1,
                self.signals,
                self.market.positions,
                self._columns_cache,
            )
            vec = self._vector(alloc(history), t)
            if getattr(alloc, "static", False):
                self._static = vec
        self.dec_pos.append(t)
        self.dec_targets.append(vec)
        return vec

    # -- trading -------------------------------------------------------------
    def _record(self, t: int, trade: np.ndarray, cost: float) -> None:
        self.rec_pos.append(t)
        self.rec_shares.append(self.shares.copy())
        self.trade_pos.append(t)
        self.trade_vec.append(trade)
        self.trade_cost.append(cost)

    def execute(self, t: int, target: np.ndarray) -> None:
        px = self.px[t]
        held = self.shares * px
        value = float(held.sum())
        after = _solve_post_cost(value, held, target, self.rate, self.fixed)
        new = target * after
        trade = new - held
        self.shares = new / px
        if self.invested:
            moved = float(np.abs(trade).sum())
            if moved > _TRADE_EPS * value:
                self.n_rebalances += 1
                self.turnover += moved / (2.0 * value)
        self.invested = True
        self._record(t, trade, value - after)

    def flow(self, t: int, amount: float) -> None:
        px = self.px[t]
        held = self.shares * px
        value = float(held.sum())
        date = self.market.index[self.s + t].date()
        if value + amount <= 0:
            raise ConfigError(
                f"withdrawal of {-amount:,.2f} on {date} exceeds the account value {value:,.2f}"
            )
        if not self.invested or self.target is None:
            trade = np.zeros(self.k)
            trade[-1] = amount
            self.shares = self.shares + trade / px
            self._record(t, trade, 0.0)
            return
        target = self.target
        if amount > 0:
            gap = np.maximum(target * (value + amount) - held, 0.0)
        else:
            gap = np.maximum(held - target * (value + amount), 0.0)
        total = gap.sum()
        direction = gap / total if total > 0 else target
        size = abs(amount)
        moved = size
        if self.rate.any() or self.fixed.any():
            # a contribution buys size - cost; a withdrawal sells size + cost
            sign = -1.0 if amount > 0 else 1.0
            moved = _fixed_point(
                lambda m: size + sign * _trade_cost(direction * m, self.rate, self.fixed, value),
                size,
                _SOLVE_TOL * value,
            )
        trade = direction * moved * (1.0 if amount > 0 else -1.0)
        if amount < 0 and (held + trade < -_TRADE_EPS * value).any():
            raise ConfigError(
                f"withdrawal of {size:,.2f} plus costs on {date} needs more than the holdings "
                "above target can give"
            )
        self.shares = np.maximum(held + trade, 0.0) / px
        self._record(t, trade, abs(abs(moved) - size))

    # -- threshold -----------------------------------------------------------
    def breached(self, lo: int, hi: int, rule: Threshold) -> int | None:
        """First bar in ``[lo, hi)`` whose drifted weights leave the bands, or None."""
        assert self.target is not None
        bands = rule.bands(self.target) + BAND_TOLERANCE
        if np.isinf(bands).all():
            return None
        pos, step = lo, 64
        while pos < hi:
            stop = min(hi, pos + step)
            vals = self.px[pos:stop] * self.shares
            w = vals / vals.sum(axis=1, keepdims=True)
            hit = (np.abs(w - self.target) > bands).any(axis=1)
            if hit.any():
                return pos + int(np.argmax(hit))
            pos, step = stop, step * 2
        return None

    # -- the vectorised path ----------------------------------------------------
    def run_vectorized(self, decisions: np.ndarray) -> None:
        """Calendar rules without flows or fixed costs, every execution at once.

        Targets do not depend on the portfolio, so all decisions are made
        first; then, with ``G_j = P[e_j] / P[e_{j-1}]`` the price relatives
        between executions ``e_j``, the pre-trade value is
        ``V_j = V'_{j-1} * sum(T_{j-1} * G_j)`` and the post-cost value
        ``V'_j = kappa_j V_j`` where ``kappa_j = 1 - sum c |T_j kappa_j - w_j|``
        (solved for all ``j`` together). It gives the same numbers as
        :meth:`run`, which the tests check.
        """
        first = self.decide(int(decisions[0]))
        if self._static is not None:  # the same target every time: ask once
            decided = np.broadcast_to(first, (len(decisions), self.k))
        else:
            for t in decisions[1:]:
                self.decide(int(t))
            decided = np.asarray(self.dec_targets)
        self._decided = (np.asarray(decisions, dtype=np.int64), decided)
        ex = self._decided[0] + self.lag
        live = ex < self.n
        if not live.any():
            return
        ex = ex[live]
        targets = decided[live]
        px = self.px[ex]
        v0 = float(self.shares[-1] * px[0, -1])
        w_pre = np.empty_like(targets)
        w_pre[0] = 0.0
        w_pre[0, -1] = 1.0
        growth = np.ones(len(ex))
        if len(ex) > 1:
            drift = targets[:-1] * (px[1:] / px[:-1])
            growth[1:] = drift.sum(axis=1)
            w_pre[1:] = drift / growth[1:, None]
        kappa = np.ones(len(ex))
        if self.rate.any():
            # each execution iterates until its own step is small, so its bits never
            # depend on how many steps a later execution needs (no look-ahead at 1e-16)
            active = np.arange(len(ex))
            for _ in range(200):
                new = (
                    1.0 - np.abs(targets[active] * kappa[active, None] - w_pre[active]) @ self.rate
                )
                moving = np.abs(new - kappa[active]) > _SOLVE_TOL
                kappa[active] = new
                active = active[moving]
                if not len(active):
                    break
            if (kappa <= 0).any():
                raise ConfigError("transaction costs exceed the portfolio value")
        pre = v0 * np.cumprod(growth * np.concatenate(([1.0], kappa[:-1])))
        post = pre * kappa
        held = w_pre * pre[:, None]
        new_values = targets * post[:, None]
        trades = new_values - held
        shares = new_values / px
        moved = np.abs(trades[1:]).sum(axis=1)
        real = moved > _TRADE_EPS * pre[1:]
        self.n_rebalances = int(real.sum())
        self.turnover = float((moved[real] / (2.0 * pre[1:][real])).sum())
        self.invested = True
        self.shares = shares[-1].copy()
        self._traded = (ex, shares, trades, pre - post)

    def records(self) -> tuple[np.ndarray, ...]:
        """Arrays of what happened: decisions, targets, share records, trades, costs.

        Share records ``(positions, shares)`` start with the initial cash at
        bar 0; positions are non-decreasing (the last record of a bar wins).
        """
        if self._decided is not None:
            dec_pos, dec_targets = self._decided
        else:
            dec_pos = np.asarray(self.dec_pos, dtype=np.int64)
            dec_targets = np.asarray(self.dec_targets).reshape(-1, self.k)
        if self._traded is not None:
            tpos, shares, trades, costs = self._traded
            rec_pos = np.concatenate(([0], tpos))
            rec_shares = np.vstack((self.rec_shares[0], shares))
        else:
            tpos = np.asarray(self.trade_pos, dtype=np.int64)
            trades = np.asarray(self.trade_vec).reshape(-1, self.k)
            costs = np.asarray(self.trade_cost, dtype=float)
            rec_pos = np.asarray(self.rec_pos, dtype=np.int64)
            rec_shares = np.asarray(self.rec_shares)
        return dec_pos, dec_targets, rec_pos, rec_shares, tpos, trades, costs

    # -- the loop --------------------------------------------------------------
    def run(self, decisions: np.ndarray, fpos: np.ndarray, famt: np.ndarray) -> None:
        rule = self.strategy.rebalance
        threshold = rule if isinstance(rule, Threshold) else None
        every_bar = threshold is not None and threshold.check == "bar"
        n = self.n
        di = fi = 0
        last = -1
        while True:
            nd = int(decisions[di]) if di < len(decisions) else n
            nf = int(fpos[fi]) if fi < len(fpos) else n
            ne = self.pending[0][0] if self.pending else n
            t = min(nd, nf, ne)
            breach = False
            if every_bar and self.invested and not self.pending and last + 1 < t:
                assert threshold is not None
                b = self.breached(last + 1, min(t, n), threshold)
                if b is not None:
                    t, breach = b, True
            if t >= n:
                break
            if not breach:
                if nf == t:
                    self.flow(t, float(famt[fi]))
                    fi += 1
                while self.pending and self.pending[0][0] == t:
                    self.execute(t, self.pending.popleft()[1])
                if nd == t:
                    di += 1
                    first = not self.dec_pos
                    self.target = self.decide(t)
                    if first or threshold is None:
                        self._schedule(t, self.target)
                    elif self.invested and not self.pending:
                        breach = self._drifted(t, threshold)
                elif every_bar and self.invested and not self.pending:
                    assert threshold is not None
                    breach = self._drifted(t, threshold)
            if breach:
                assert self.target is not None
                self._schedule(t, self.target)
            last = t

    def _drifted(self, t: int, rule: Threshold) -> bool:
        return self.breached(t, t + 1, rule) is not None

    def _schedule(self, t: int, target: np.ndarray) -> None:
        if self.lag == 0:
            self.execute(t, target)
        elif t + self.lag < self.n:
            self.pending.append((t + self.lag, target))


def _run(
    strategy: Strategy,
    market: _Market,
    *,
    name: str,
    start: DateLike | None,
    end: DateLike | None,
    initial: float,
    costs: CostModel | Sequence[CostModel] | None,
    cashflows: pd.Series | None,
    execution_lag: int,
    signals: Mapping[str, pd.DataFrame] | None,
    _force_loop: bool = False,
) -> BacktestResult:
    if not isinstance(strategy, Strategy):
        raise ConfigError(
            f"{name!r}: expected a Strategy, got {type(strategy).__name__}; wrap an allocator as "
            "Strategy(allocator, schedule='ME')"
        )
    if isinstance(initial, bool) or not np.isfinite(initial) or initial <= 0:
        raise ConfigError(f"initial must be a positive amount, got {initial!r}")
    lag = strategy.execution_lag if strategy.execution_lag is not None else execution_lag
    if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
        raise ConfigError(f"execution_lag must be a whole number >= 0, got {lag!r}")
    holdings = _universe(strategy, market)
    s, e = _window(strategy, market, holdings, start, end)
    index = market.index[s : e + 1]
    rule = strategy.rebalance
    static = bool(getattr(strategy.allocator, "static", False))
    if isinstance(rule, Never) or (isinstance(rule, Threshold) and rule.check == "bar" and static):
        # buy and hold decides once; so does a band checked every bar around a target
        # that never changes (schedule dates would only repeat it)
        decisions = np.zeros(1, dtype=np.int64)
    else:
        sched = decision_positions(market.index, strategy.schedule, strategy.offset)
        sched = sched[(sched >= s) & (sched <= e)] - s
        decisions = np.unique(np.concatenate(([0], sched)))
    if cashflows is not None:
        fpos, famt = flow_positions(cashflows, index)
    else:
        fpos, famt = np.empty(0, dtype=np.int64), np.empty(0)

    run = _Run(strategy, market, holdings, s, e, float(initial), costs, lag, signals)
    vectorizable = not isinstance(strategy.rebalance, Threshold) and not len(fpos)
    if vectorizable and not run.fixed.any() and not _force_loop:
        run.run_vectorized(decisions)
    else:
        run.run(decisions, fpos, famt)

    # -- assemble: forward-fill share counts over bars, values in one step -----
    dec_pos, tgt, rec_pos, rec_shares, tpos, trade_vec, trade_cost = run.records()
    counts = np.diff(np.append(rec_pos, run.n))  # bars each record holds (0: superseded)
    values = np.repeat(rec_shares, counts, axis=0) * run.px
    equity = values.sum(axis=1)
    twr = equity[1:] / equity[:-1] - 1.0
    if len(fpos):
        flows = np.zeros(run.n)
        flows[fpos] = famt
        twr = (equity[1:] - flows[1:]) / equity[:-1] - 1.0

    cols = list(holdings)
    cash_col = run.k - 1
    keep = cols if values[:, cash_col].any() else cols[:-1]
    weights = pd.DataFrame(values[:, : len(keep)] / equity[:, None], index=index, columns=keep)
    tkeep = cols if tgt[:, cash_col].any() else cols[:-1]
    targets = pd.DataFrame(tgt[:, : len(tkeep)], index=index[dec_pos], columns=tkeep)
    trade_index = index[tpos]
    trades = pd.DataFrame(trade_vec, index=trade_index, columns=cols)
    cost = pd.Series(trade_cost, index=trade_index, name="cost")
    if len(tpos) > 1 and (np.diff(tpos) == 0).any():
        trades = trades.groupby(level=0).sum()
        cost = cost.groupby(level=0).sum()
    trades.index.name = cost.index.name = "date"
    cost_desc: Any = None if costs is None else repr(costs)
    config: dict[str, Any] = {
        **strategy.describe(),
        "execution_lag": lag,
        "costs": cost_desc,
        "initial": float(initial),
        "start": index[0],
        "end": index[-1],
        "cash": market.cash_label,
        "holdings": tuple(cols),
    }
    return BacktestResult(
        name=name,
        equity=pd.Series(equity, index=index, name=name),
        returns=pd.Series(twr, index=index[1:], name=name),
        weights=weights,
        targets=targets,
        trades=trades,
        costs=cost,
        cashflows=pd.Series(famt, index=index[fpos], name="cashflow", dtype=float),
        turnover=run.turnover,
        n_rebalances=run.n_rebalances,
        config=config,
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
    cashflows: pd.Series | None = None,
    cash_returns: pd.Series | None = None,
    execution_lag: int = 1,
    signals: Mapping[str, pd.DataFrame] | None = None,
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
        Inclusive window. Default: from the first date the strategy can start
        (all its funds priced, warm-up met) to the last date.
    initial : float, default 10,000
        Starting value, held in cash until the first trade.
    costs : ProportionalCost, FixedCost or a list of them, optional
        Charged at execution; see :mod:`tactical.costs`.
    cashflows : pandas.Series, optional
        Dated amounts: contributions > 0, withdrawals < 0; see
        :mod:`tactical.cashflows`.
    cash_returns : pandas.Series, optional
        Per-period decimal return of ``"CASH"`` on the price dates (e.g. from
        :func:`tactical.data.cash_returns`); default 0.
    execution_lag : int, default 1
        Bars from decision to trade; ``Strategy.execution_lag`` overrides it.
        0 (same close) is optimistic: it assumes you trade at the very price
        that triggered the decision.
    signals : mapping of str to DataFrame, optional
        Extra date-indexed data visible to allocators through
        :meth:`History.signal`, cut at each decision date.
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
    )


def backtest_many(
    prices: pd.DataFrame,
    strategies: Mapping[str, Strategy],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    **kwargs: Any,
) -> ResultSet:
    """Run several strategies over one common window.

    The window starts on ``start`` or, by default, on the latest of the
    strategies' feasible starts (so a 12-month momentum rule and a 60/40 mix
    are compared over the same dates), and ends on ``end`` or the last date.
    Prices are validated once. Other keyword arguments go to
    :func:`backtest` (``initial``, ``costs``, ``cashflows``, ``cash_returns``,
    ``execution_lag``, ``signals``).

    Returns
    -------
    ResultSet
        Results in the order of ``strategies``.

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
    market = _market(prices, kwargs.pop("cash_returns", None))
    if start is None:
        starts = []
        for label, strat in strategies.items():
            if not isinstance(strat, Strategy):
                raise ConfigError(f"{label!r}: expected a Strategy, got {type(strat).__name__}")
            s, _ = _window(strat, market, _universe(strat, market), None, end)
            starts.append(s)
        start = market.index[max(starts)]
    results = {
        str(label): _run(strat, market, name=str(label), start=start, end=end, **_defaults(kwargs))
        for label, strat in strategies.items()
    }
    return ResultSet(results)


def _defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    allowed = {"initial", "costs", "cashflows", "execution_lag", "signals"}
    unknown = set(kwargs) - allowed
    if unknown:
        raise ConfigError(f"unknown backtest option(s) {sorted(unknown)}; use {sorted(allowed)}")
    return {
        "initial": kwargs.get("initial", 10_000.0),
        "costs": kwargs.get("costs"),
        "cashflows": kwargs.get("cashflows"),
        "execution_lag": kwargs.get("execution_lag", 1),
        "signals": kwargs.get("signals"),
    }
