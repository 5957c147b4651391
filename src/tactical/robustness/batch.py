"""The sweep's work unit: run a chunk of variants, keep only the arrays a comparison needs.

A sweep wants from each variant its daily returns, final value, turnover,
number of rebalances and costs, never its frames. :func:`run_chunk` runs the
variants of one chunk with the engine's own pieces and keeps just those:

* variants on the engine's vectorised path (a calendar rule; no cash flows,
  trading policy or fixed costs) whose window, holdings and decision rows
  are the same (a grid over lookbacks and top-N on one schedule) are solved
  together: their targets stacked, the vectorised solver called on a few of
  them at a time, their account values filled into one matrix and their
  returns taken from it at once. Each step treats every run on its own
  (elementwise arithmetic, reductions along a run's own axis), so a
  variant's numbers are those of its own backtest bit for bit, whichever
  chunk (and so whichever executor) it ran in;
* any other variant runs as :func:`tactical.backtest` runs it.

The account values come from :func:`tactical.results.holding_values` and the
returns from :func:`tactical.results.time_weighted_returns`, the functions
behind ``BacktestResult.equity`` and ``.returns``; turnover and rebalances
from the engine's ``_rebalance_stats``, as a result records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tactical._inputs import (
    check_initial,
    decide_all,
    decision_rows,
    resolve_lag,
    universe,
    window_rows,
)
from tactical.backtest import (
    _Market,
    _rebalance_stats,
    _run,
    _vectorisable,
    _vectorised_many,
    _window_prices,
)
from tactical.costs import TradeCost, bind_costs
from tactical.results import holding_values, time_weighted_returns
from tactical.robustness._shared import _SharedMomentum, share_scores
from tactical.strategies.strategy import Strategy

__all__ = ["Chunk", "ChunkResult", "run_chunk"]

_NO_FLOWS = (np.empty(0, dtype=np.int64), np.empty(0))
# variants per solver call: its temporaries stay small (a few hundred KiB), which is
# faster than one call for a whole chunk (fresh pages) and than one call per variant
_SOLVE_BATCH = 8


@dataclass(frozen=True, slots=True)
class Chunk:
    """Variants to run over one window (the payload sent to a worker)."""

    ids: tuple[int, ...]
    strategies: tuple[Strategy, ...]
    start: pd.Timestamp
    end: pd.Timestamp | None  # None: the last date
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What came back: arrays for the variants that ran, messages for those that failed."""

    ids: tuple[int, ...]  # the variants that ran (failed ones excluded), in chunk order
    finals: np.ndarray
    returns: np.ndarray  # (n_returns, len(ids)), column-major
    turnover: np.ndarray
    n_rebalances: np.ndarray
    costs: np.ndarray
    errors: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A variant on the vectorised path: its window and decision rows, not yet decided."""

    id: int
    strategy: Strategy
    window: tuple[int, int, int]  # s, e, lag
    holdings: tuple[str, ...]
    rows: np.ndarray
    static: bool


@dataclass(slots=True)
class _Block:
    """Outcomes of several variants: one value (or returns column) per variant."""

    ids: list[int]
    finals: np.ndarray
    returns: np.ndarray  # (n_returns, len(ids))
    turnover: np.ndarray
    n_rebalances: np.ndarray
    costs: np.ndarray


def _message(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _plan(
    i: int,
    strategy: Strategy,
    market: _Market,
    chunk: Chunk,
    costs: dict[tuple[str, ...], TradeCost | None],
) -> _Plan | None:
    """The variant's window and decision rows when it takes the vectorised path, else None."""
    options = chunk.options
    lag = resolve_lag(strategy, options["execution_lag"])
    holdings = universe(strategy, market)
    s, e = window_rows(strategy, market, holdings, chunk.start, chunk.end, lag)
    if holdings not in costs:
        costs[holdings] = bind_costs(options["costs"], holdings)
    if not _vectorisable(strategy.rebalance, costs[holdings], None, None):
        return None
    static = bool(getattr(strategy.allocator, "static", False))
    rows = decision_rows(strategy, market, s, e, lag, static)
    return _Plan(i, strategy, (s, e, lag), holdings, rows, static)


def _targets(plan: _Plan, market: _Market, signals: Any) -> np.ndarray:
    """The variant's targets, as the engine decides them (shared momentum ranks once)."""
    alloc = plan.strategy.allocator
    if signals is None and isinstance(alloc, _SharedMomentum):
        targets = alloc.targets(market, plan.holdings, plan.rows)
        if targets is not None:
            return targets
    return decide_all(plan.strategy, market, plan.holdings, plan.rows, signals, plan.static)


def _solve_group(
    plans: list[_Plan], targets: list[np.ndarray], market: _Market, amount: float, cost: Any
) -> _Block:
    """Simulate variants sharing window, holdings and decision rows together."""
    s, e, lag = plans[0].window
    px = _window_prices(market, plans[0].holdings, s, e)
    dec_t = plans[0].rows - s
    n = len(plans)
    equity = np.empty((len(px), n), order="F")
    turnover = np.empty(n)
    n_reb = np.empty(n, dtype=np.int64)
    costs = np.empty(n)
    ones = np.ones(px.shape[1])
    for a in range(0, n, _SOLVE_BATCH):
        rec = _vectorised_many(
            px, dec_t, np.stack(targets[a : a + _SOLVE_BATCH]), lag, amount, cost
        )
        rebalance = rec.trade_kind == 1
        for j in range(len(rec.rec_shares)):
            np.matmul(
                holding_values(rec.rec_pos, rec.rec_shares[j], px), ones, out=equity[:, a + j]
            )
            real, turnover[a + j] = _rebalance_stats(
                rec.trade_vec[j][rebalance], rec.trade_pre[j][rebalance]
            )
            n_reb[a + j] = int(real.sum())
            costs[a + j] = float(rec.trade_cost[j].sum())
    _, returns = time_weighted_returns(equity, *_NO_FLOWS)
    return _Block([p.id for p in plans], equity[-1].copy(), returns, turnover, n_reb, costs)


def _single(i: int, strategy: Strategy, market: _Market, chunk: Chunk) -> _Block:
    """One variant as :func:`tactical.backtest` runs it (its frames are never built)."""
    res = _run(
        strategy,
        market,
        name=f"variant {i}",
        start=chunk.start,
        end=chunk.end,
        **chunk.options,
    )
    return _Block(
        [i],
        np.array([res.final_balance]),
        res.returns.to_numpy(dtype=np.float64)[:, None],
        np.array([res.turnover]),
        np.array([res.n_rebalances], dtype=np.int64),
        np.array([res.total_costs]),
    )


def _gather(order: tuple[int, ...], blocks: list[_Block]) -> tuple[list[int], list[Any]]:
    """The blocks' outcomes in ``order`` (ids that ran), as chunk-wide arrays."""
    if len(blocks) == 1:  # the usual case: one group, its variants in chunk order
        b = blocks[0]
        return b.ids, [b.finals, b.returns, b.turnover, b.n_rebalances, b.costs]
    where = {i: (b, j) for b in blocks for j, i in enumerate(b.ids)}
    ids = [i for i in order if i in where]
    n_ret = blocks[0].returns.shape[0] if blocks else 0
    matrix = np.empty((n_ret, len(ids)), order="F")
    for col, i in enumerate(ids):
        b, j = where[i]
        matrix[:, col] = b.returns[:, j]

    def pick(name: str, dtype: Any) -> np.ndarray:
        return np.array([getattr(where[i][0], name)[where[i][1]] for i in ids], dtype=dtype)

    return ids, [
        pick("finals", float),
        matrix,
        pick("turnover", float),
        pick("n_rebalances", np.int64),
        pick("costs", float),
    ]


def run_chunk(market: _Market, chunk: Chunk) -> ChunkResult:
    """Worker task: every variant of ``chunk`` on ``market``; failures kept as messages."""
    strategies = share_scores(chunk.strategies)
    options = chunk.options
    errors: dict[int, str] = {}
    blocks: list[_Block] = []
    try:
        amount = check_initial(options["initial"])
        grouped = options["cashflows"] is None and options.get("policy") is None and amount > 0
    except Exception:  # noqa: BLE001 - every variant's own run reports it below
        amount, grouped = 0.0, False
    groups: dict[tuple[Any, ...], list[_Plan]] = {}
    costs: dict[tuple[str, ...], TradeCost | None] = {}
    by_id = dict(zip(chunk.ids, strategies, strict=True))
    for i, strategy in by_id.items():
        try:
            plan = _plan(i, strategy, market, chunk, costs) if grouped else None
            if plan is None:
                blocks.append(_single(i, strategy, market, chunk))
                continue
        except Exception as exc:  # noqa: BLE001 - reported with the variant's parameters
            errors[i] = _message(exc)
            continue
        groups.setdefault((plan.window, plan.holdings, plan.rows.tobytes()), []).append(plan)
    for plans in groups.values():
        ready, targets = [], []
        for plan in plans:
            try:
                targets.append(_targets(plan, market, options["signals"]))
                ready.append(plan)
            except Exception as exc:  # noqa: BLE001
                errors[plan.id] = _message(exc)
        if not ready:
            continue
        try:
            blocks.append(_solve_group(ready, targets, market, amount, costs[ready[0].holdings]))
        except Exception:  # noqa: BLE001 - one at a time, so each failure is named
            for plan in ready:
                try:
                    blocks.append(_single(plan.id, by_id[plan.id], market, chunk))
                except Exception as exc:  # noqa: BLE001
                    errors[plan.id] = _message(exc)
    ids, (finals, returns, turnover, n_reb, cost) = _gather(chunk.ids, blocks)
    return ChunkResult(
        tuple(ids), finals, returns, turnover, n_reb, cost, tuple(sorted(errors.items()))
    )
