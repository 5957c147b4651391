"""The engine's inputs: validated prices as arrays, the window, and every decision.

:func:`build_market` validates prices once (a sweep or :func:`~tactical.backtest_many`
reuses the result); :func:`window_rows` places a strategy's window on it (the
initial decision ``execution_lag`` bars before the start); :func:`decide_all`
asks the allocator for every decision before the simulation starts, since
targets never depend on the portfolio: once for a static allocator, in one
``weights_at`` call when it has one (interface I1), else one
:class:`~tactical.history.History` per decision.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tactical._typing import CASH, DateLike
from tactical.data.validate import validated_values
from tactical.errors import (
    ConfigError,
    DataError,
    DataGapError,
    InsufficientHistoryError,
    NoDataError,
    WeightsError,
    WindowWarning,
)
from tactical.history import History
from tactical.schedules import decision_positions
from tactical.strategies.allocators import check_weights
from tactical.strategies.strategy import Strategy

__all__ = [
    "Market",
    "build_market",
    "cash_level",
    "universe",
    "to_date",
    "resolve_lag",
    "window_rows",
    "check_initial",
    "decision_rows",
    "target_vector",
    "decide_all",
]


@dataclass(frozen=True, slots=True)
class Market:
    """Validated prices plus the CASH index, as arrays (the engine's view of the data)."""

    index: pd.DatetimeIndex
    columns: tuple[str, ...]  # price columns, then CASH
    values: np.ndarray  # (n_dates, n_columns), read-only
    first_valid: np.ndarray  # first row with a price, per column
    cash_label: str
    positions: dict[str, int]  # column -> position
    schedules: dict[tuple[int, int], tuple[Any, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def decision_positions(self, schedule: Any, offset: int) -> np.ndarray:
        """Schedule positions on this index, computed once per (schedule, offset)."""
        key = (id(schedule), offset)
        hit = self.schedules.get(key)
        if hit is not None and hit[0] is schedule:
            return hit[1]
        pos = decision_positions(self.index, schedule, offset)
        pos.flags.writeable = False
        self.schedules[key] = (schedule, pos)
        return pos


def cash_level(cash_returns: pd.Series | float | None, index: pd.DatetimeIndex) -> np.ndarray:
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


def build_market(prices: pd.DataFrame, cash_returns: pd.Series | None) -> Market:
    """Validate ``prices`` once and append the CASH level (the engine's input)."""
    values, raw_index, names = validated_values(prices, extra_columns=1)
    if CASH in names:
        raise DataError(f'prices have a column named "{CASH}"; that name is the cash account')
    index = raw_index.copy()  # results share it: never the caller's own index object
    index.name = "date"
    k = len(names)
    values[:, k] = cash_level(cash_returns, index)
    values.flags.writeable = False
    # validated: NaN only before a column's first value (prices and the cash level alike),
    # so a first row without NaN means none anywhere
    if np.isnan(values[0]).any():
        first_valid = np.argmax(~np.isnan(values), axis=0)
    else:  # the usual case: every column priced from the first row
        first_valid = np.zeros(k + 1, dtype=np.intp)
    label = "0%" if cash_returns is None else str(getattr(cash_returns, "name", None) or "series")
    columns = (*names, CASH)
    positions = {c: i for i, c in enumerate(columns)}
    return Market(index, columns, values, first_valid, label, positions)


def universe(strategy: Strategy, market: Market) -> tuple[str, ...]:
    declared = strategy.tickers
    names = market.columns[:-1] if declared is None else declared
    missing = [t for t in names if t not in market.positions]
    if missing:
        raise NoDataError(
            f"no prices for {missing}, which {strategy.allocator!r} uses; "
            f"prices have {list(market.columns[:-1])}"
        )
    return (*names, CASH)


def to_date(value: DateLike, what: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{what} {value!r} is not a date; give e.g. '2005-01-03', or None for the default"
        ) from exc
    if pd.isna(stamp):
        raise ConfigError(
            f"{what} {value!r} is not a date (empty or NaT); give e.g. '2005-01-03', or None "
            "for the default"
        )
    return stamp


def resolve_lag(strategy: Strategy, execution_lag: int) -> int:
    lag = strategy.execution_lag if strategy.execution_lag is not None else execution_lag
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer) or lag < 0:
        raise ConfigError(f"execution_lag must be a whole number >= 0, got {lag!r}")
    return int(lag)


def window_rows(
    strategy: Strategy,
    market: Market,
    holdings: tuple[str, ...],
    start: DateLike | None,
    end: DateLike | None,
    lag: int,
) -> tuple[int, int]:
    """``(s, e)`` rows of the window; the initial decision is at row ``s - lag``."""
    idx = market.index
    n = len(idx)
    firsts = market.first_valid[[market.positions[t] for t in holdings]]
    youngest = int(np.argmax(firsts))
    priced = int(firsts[youngest])
    # first row a decision can be made on (a strategy with calendar durations knows it)
    find = getattr(strategy, "first_decision_row", None)
    decide = int(find(idx, priced)) if find is not None else priced + strategy.min_history - 1
    warm_up = decide - priced + 1
    first_start = decide + lag
    if end is None:
        e = n - 1
    else:
        end_date = to_date(end, "end")
        if end_date > idx[-1]:
            warnings.warn(
                f"end {end_date.date()} is after the last price ({idx[-1].date()}); the "
                f"backtest ends on {idx[-1].date()}",
                WindowWarning,
                stacklevel=4,
            )
        e = int(idx.searchsorted(end_date, side="right")) - 1
    if start is None:
        s = first_start
    else:
        start_date = to_date(start, "start")
        if end is not None and start_date > to_date(end, "end"):
            raise ConfigError(f"start {start} is after end {end}")
        if start_date < idx[0]:
            s = first_start
            at = idx[s].date() if s < n else "beyond the data"
            warnings.warn(
                f"start {start_date.date()} is before the first price ({idx[0].date()}); the "
                f"backtest starts on the first feasible date, {at}",
                WindowWarning,
                stacklevel=4,
            )
        else:
            s = int(idx.searchsorted(start_date, side="left"))
            if s < priced and s <= e:
                raise NoDataError(
                    f"{holdings[youngest]} has no price before {idx[priced].date()}, after the "
                    f"requested start {idx[s].date()}; start on or after that date or splice a "
                    "proxy (tactical.data.splice)"
                )
            if priced <= s < first_start and s <= e:
                first_ok = idx[first_start].date() if first_start < n else "beyond the data"
                seen = max(s - lag - priced + 1, 0)
                raise InsufficientHistoryError(
                    f"{strategy.allocator!r} decides its initial allocation {lag} bar(s) before "
                    f"the start (execution_lag={lag}) and needs {warm_up} bars of "
                    f"history then, but only {seen} exist before {idx[s].date()}; the first "
                    f"feasible start is {first_ok}"
                )
    if s >= n or e - s < 1:
        a = idx[s].date() if s < n else "after the data"
        why = ""
        if start is None and lag > 0 and s >= n - 1:
            why = (
                f"; execution_lag={lag} bars leaves no bar to invest on (the first trade would "
                "come after the data): the strategy would never be invested"
            )
        raise NoDataError(
            f"empty backtest window: start {a}, end {idx[max(e, 0)].date()} "
            f"(prices cover {idx[0].date()}..{idx[-1].date()}, strategy warm-up "
            f"{warm_up} bars, execution_lag {lag}); need at least two dates{why}"
        )
    return s, e


def check_initial(initial: object) -> float:
    if isinstance(initial, bool) or not isinstance(initial, int | float | np.number):
        raise ConfigError(
            f"initial must be a number of currency units (e.g. 10_000), got {initial!r} "
            f"({type(initial).__name__})"
        )
    value = float(initial)
    if not np.isfinite(value) or value < 0:
        raise ConfigError(f"initial must be a finite amount >= 0, got {initial!r}")
    return value


# --------------------------------------------------------------------------- decisions
def decision_rows(
    strategy: Strategy, market: Market, s: int, e: int, lag: int, static: bool
) -> np.ndarray:
    """Absolute rows of the decisions: the initial one at ``s - lag``, then the schedule's."""
    first = np.array([s - lag], dtype=np.int64)
    if not strategy.rebalance.decides_on_schedule(static):
        return first
    sched = market.decision_positions(strategy.schedule, strategy.offset)
    lo, hi = np.searchsorted(sched, [s, e + 1])
    inside = sched[lo:hi]
    if not len(inside) and strategy.offset:
        plain = market.decision_positions(strategy.schedule, 0)
        if ((plain >= s) & (plain <= e)).any():
            warnings.warn(
                f"schedule {strategy.schedule!r} with offset {strategy.offset} gives no decision "
                f"date in the window {market.index[s].date()}..{market.index[e].date()} (the "
                "offset moves every date out of it): the strategy never rebalances; use a "
                "smaller offset",
                WindowWarning,
                stacklevel=4,
            )
    if len(inside) and inside[0] == first[0]:
        return np.asarray(inside, dtype=np.int64)
    return np.concatenate((first, inside))


def target_vector(
    weights: Mapping[str, float], pos: Mapping[str, int], k: int, date: pd.Timestamp
) -> np.ndarray:
    """Target weights as a vector over the holdings; invalid weights raise, naming the date."""
    vec = np.zeros(k)
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
    checked = check_weights(weights, where=str(date.date()))  # raises with the details
    unknown = [ticker for ticker in checked if ticker not in pos]
    raise WeightsError(
        f"target on {date.date()} names {unknown[0]!r}, which is not among the strategy's "
        f"holdings {[t for t in pos]}; declare it in the allocator or add its prices"
    )


def decide_all(
    strategy: Strategy,
    market: Market,
    holdings: tuple[str, ...],
    rows: np.ndarray,
    signals: Mapping[str, pd.DataFrame] | None,
    static: bool,
) -> np.ndarray:
    """Target weights over ``holdings`` at each decision row, shape ``(len(rows), k)``.

    Targets never depend on the portfolio, so all are decided before the run:
    once for a static allocator, in one call of ``weights_at`` (interface I1)
    when the allocator has it and no signals are given, else one
    :class:`History` per decision.
    """
    alloc = strategy.allocator
    k = len(holdings)
    pos = {t: i for i, t in enumerate(holdings)}
    index, values, columns = market.index, market.values, market.columns

    def history(row: int, cache: dict[tuple[str, ...], np.ndarray]) -> History:
        return History(values, index, columns, row + 1, signals, market.positions, cache)

    if static:
        vec = target_vector(alloc(history(int(rows[0]), {})), pos, k, index[rows[0]])
        return np.broadcast_to(vec, (len(rows), k))
    weights_at = getattr(alloc, "weights_at", None)
    if weights_at is not None and signals is None:
        cols = np.array([market.positions[t] for t in holdings], dtype=np.intp)
        full = np.asarray(weights_at(values, index, columns, rows.copy()), dtype=float)
        if full.shape != (len(rows), len(columns)):
            raise ConfigError(
                f"{alloc!r}.weights_at returned shape {full.shape}, expected "
                f"{(len(rows), len(columns))} (decisions x price columns with CASH)"
            )
        if k == len(columns) and (cols == np.arange(k)).all():  # every column, in order
            out = full
            good = np.isfinite(full).all(axis=1)
        else:
            out = full[:, cols]
            rest = np.delete(full, cols, axis=1)
            good = np.isfinite(full).all(axis=1) & ~(rest != 0).any(axis=1)
        good &= (out >= 0).all(axis=1) & (np.abs(out.sum(axis=1) - 1.0) <= 1e-9)
        if not good.all():
            j = int(np.argmin(good))
            row = {c: float(w) for c, w in zip(columns, full[j], strict=True) if w != 0}
            target_vector(row, pos, k, index[rows[j]])  # raises, naming the date
        return out
    out = np.empty((len(rows), k))
    cache: dict[tuple[str, ...], np.ndarray] = {}
    for j, row in enumerate(rows.tolist()):
        out[j] = target_vector(alloc(history(row, cache)), pos, k, index[row])
    return out
