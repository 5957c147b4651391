"""Contributions and withdrawals: dated amounts, optionally by source.

``cashflows`` is a Series of dated amounts, or a DataFrame with a ``total``
column (a payroll's ``employee``/``employer`` split, see ``tc.Payroll``): its
other numeric columns that add up to ``total`` are the *sources*, kept on the
result by source; any other column (``pay``, ``limit_reached``...) is an
audit column the engine ignores.

A flow is applied at the close of its date (or of the next trading day when
the date is not one), before any trade that executes that day. A flow dated
between the initial decision and the start (``execution_lag`` bars) is
invested at the start's close; one dated earlier, in a strategy's warm-up, is
left out with a warning. How a flow is invested is :func:`tactical.backtest`'s
``flow_rule``: by default (``"election"``) a contribution buys the current
target weights, as a 401(k) invests each paycheck by the participant's
contribution election, and a withdrawal sells pro rata to the holdings;
``"rebalance"`` buys the holdings furthest *below* their target first and sells
those furthest *above* it (cash-flow rebalancing). Neither sells anything on a
contribution. Before the first investment, flows go to or come from cash.

Returns stay time-weighted: a flow ``F_t`` at the close of ``t`` is removed
from that day's return, ``r_t = (V_t - F_t) / V_{t-1} - 1``.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tactical.errors import ConfigError, WindowWarning
from tactical.schedules import ScheduleLike, decision_positions

__all__ = ["periodic_cashflows", "flow_positions", "Flows", "prepare_flows"]


def periodic_cashflows(
    index: pd.DatetimeIndex, amount: float, schedule: ScheduleLike = "ME", offset: int = 0
) -> pd.Series:
    """A regular contribution (``amount > 0``) or withdrawal (``< 0``) on schedule dates.

    ``index`` is usually the price index; flows dated before a backtest's
    start (a strategy's warm-up) are left out of that backtest with a
    :class:`~tactical.errors.WindowWarning`.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", "2024-03-31")
    >>> periodic_cashflows(idx, 500.0).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {Timestamp('2024-01-31 00:00:00'): 500.0, Timestamp('2024-02-29 00:00:00'): 500.0,
     Timestamp('2024-03-29 00:00:00'): 500.0}
    """
    if isinstance(amount, bool) or not isinstance(amount, int | float | np.number):
        raise ConfigError(f"amount must be a number, got {amount!r}")
    if not np.isfinite(amount) or amount == 0:
        raise ConfigError(f"amount must be a finite non-zero number, got {amount}")
    dates = index[decision_positions(index, schedule, offset)]
    return pd.Series(float(amount), index=dates, name="cashflow")


@dataclass(frozen=True, slots=True)
class Flows:
    """Flows mapped onto a backtest window: positions, totals and totals by source."""

    positions: np.ndarray  # int64 positions in the window, increasing, unique
    total: np.ndarray  # amount per position
    sources: dict[str, np.ndarray]  # amount per position by source (empty for a Series)


def _sources(frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``total`` and the numeric columns besides it that add up to it (largest set first)."""
    if "total" not in frame.columns:
        raise ConfigError(
            "a cashflows DataFrame needs a 'total' column (the amount invested on each date); "
            f"it has {list(frame.columns)}"
        )
    dtypes = list(frame.dtypes.items())
    # numeric (int, unsigned, float; not bool) columns besides total, by position
    wanted = [i for i, (c, dtype) in enumerate(dtypes) if c != "total" and dtype.kind in "iuf"]
    where = [i for i, (c, _) in enumerate(dtypes) if c == "total"]
    try:  # one conversion of the whole frame (float, int and bool blocks), else by column
        matrix = frame.to_numpy(dtype=float)
        columns = [matrix[:, i] for i in wanted]
        total = matrix[:, where[0]] if len(where) == 1 else _numbers(frame["total"])
    except (TypeError, ValueError):
        columns = [frame.iloc[:, i].to_numpy(dtype=float) for i in wanted]
        total = _numbers(frame["total"])
    numeric = {str(dtypes[i][0]): col for i, col in zip(wanted, columns, strict=True)}
    names = list(numeric)
    if not names:
        return total, {}
    if len(names) > 12:
        raise ConfigError(
            f"a cashflows DataFrame with {len(names)} numeric columns besides 'total' is too many "
            "to search for the sources that add up to it; keep 'total', the source columns "
            "(e.g. employee, employer) and at most a few audit columns"
        )
    tol = 1e-9 * np.maximum(1.0, np.abs(total))
    # every subset summed in one product; a NaN amount makes its subsets fail (NaN
    # compares False), and is reported later
    subsets, masks = _subsets(len(names))
    sums = np.column_stack(columns) @ masks
    fits = (np.abs(sums - total[:, None]) <= tol[:, None]).all(axis=0)
    if not fits.any():
        return total, {}
    combo = subsets[int(np.argmax(fits))]
    return total, {names[i]: numeric[names[i]] for i in combo}


@functools.lru_cache(maxsize=16)
def _subsets(m: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """The non-empty subsets of ``range(m)``, largest first (itertools order within a
    size), and their indicator matrix, shape ``(m, 2**m - 1)`` (read-only)."""
    subsets = [
        combo for size in range(m, 0, -1) for combo in itertools.combinations(range(m), size)
    ]
    masks = np.zeros((m, len(subsets)))
    for j, combo in enumerate(subsets):
        masks[list(combo), j] = 1.0
    masks.flags.writeable = False
    return subsets, masks


def _ticks(index: pd.DatetimeIndex, unit: str) -> np.ndarray:
    """Dates as int64 counts of ``unit`` since the epoch (UTC when tz-aware)."""
    return index.asi8 if index.unit == unit else index.as_unit(unit).asi8


def _numbers(values: pd.Series) -> np.ndarray:
    """Amounts as float64, anything that is not a number as NaN."""
    if pd.api.types.is_float_dtype(values.dtype):
        return values.to_numpy(dtype=float)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def prepare_flows(
    cashflows: pd.Series | pd.DataFrame,
    window: pd.DatetimeIndex,
    data_index: pd.DatetimeIndex | None = None,
    carry_from: pd.Timestamp | None = None,
) -> Flows:
    """Map dated flows onto ``window`` (same-day flows summed, zero totals dropped).

    A flow dated outside ``data_index`` (the prices' dates; default
    ``window``) is an error. One dated on or after ``carry_from`` (the initial
    decision, ``execution_lag`` bars before the start) but before the start
    arrives while the first purchase is pending: it is invested at the start's
    close, with it. One earlier still (in a strategy's warm-up) or after the
    end is left out with a :class:`~tactical.errors.WindowWarning`.

    Raises
    ------
    ConfigError
        Not a Series or DataFrame, a non-date index, missing or non-numeric
        amounts, no ``total`` column, or dates outside the prices, naming them.
    """
    if isinstance(cashflows, pd.DataFrame):
        amounts, source_values = _sources(cashflows)
    elif isinstance(cashflows, pd.Series):
        amounts = _numbers(cashflows)
        source_values = {}
    else:
        raise ConfigError(
            "cashflows must be a pandas Series of amounts or a DataFrame with a 'total' "
            f"column, got {type(cashflows).__name__}"
        )
    empty = Flows(np.empty(0, dtype=np.int64), np.empty(0), {n: np.empty(0) for n in source_values})
    if len(cashflows) == 0:
        return empty
    try:
        index = cashflows.index
        dates = index if isinstance(index, pd.DatetimeIndex) else pd.DatetimeIndex(index)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"cashflows must be indexed by date: {exc}") from exc
    if dates.hasnans:
        raise ConfigError("cashflows have a missing date (NaT) in their index")
    if not np.isfinite(amounts).all():
        bad = dates[~np.isfinite(amounts)]
        raise ConfigError(f"cashflow amounts are missing or not numbers on {list(bad.date[:3])}")
    data = window if data_index is None else data_index
    if (dates.tz is None) != (window.tz is None):
        raise ConfigError(
            f"cashflows dates are {'naive' if dates.tz is None else dates.tz} but the prices' "
            f"are {'naive' if window.tz is None else window.tz}: give both the same time zone "
            "(or none), e.g. cashflows.tz_localize(None)"
        )
    # compared in the flows' own unit: a typo'd year (2402) is outside, not an overflow
    if dates.min() < data[0] or dates.max() > data[-1]:
        outside = (dates < data[0]) | (dates > data[-1])
        raise ConfigError(
            f"cashflows dated {[str(d.date()) for d in dates[outside][:3]]} fall outside the "
            f"price data {data[0].date()}..{data[-1].date()} (the backtest window is "
            f"{window[0].date()}..{window[-1].date()}); drop them or load more prices"
        )
    # inside the data: int64 ticks in the prices' unit (s, ms, us or ns), fast comparisons
    ns, win = _ticks(dates, window.unit), window.asi8
    first = win[0]
    if carry_from is not None:
        decided = pd.Timestamp(carry_from).to_datetime64().astype(f"datetime64[{window.unit}]")
        first = min(int(decided.astype(np.int64)), first)
    left_out = (ns < first) | (ns > win[-1])
    if left_out.any():
        warnings.warn(
            f"{int(left_out.sum())} cash flow(s) totalling {amounts[left_out].sum():,.2f} fall "
            f"outside the backtest window {window[0].date()}..{window[-1].date()} (e.g. in the "
            "strategy's warm-up) and are left out; pass start= to include them",
            WindowWarning,
            stacklevel=4,
        )
        keep = ~left_out
        ns, amounts = ns[keep], amounts[keep]
        source_values = {n: v[keep] for n, v in source_values.items()}
        if not len(ns):
            return empty
    pos = np.searchsorted(win, ns, side="left")
    if len(pos) < 2 or bool((pos[1:] > pos[:-1]).all()):  # one flow a day, in order
        keep = amounts != 0
        return Flows(
            pos[keep].astype(np.int64),
            amounts[keep],
            {n: np.asarray(v, dtype=float)[keep] for n, v in source_values.items()},
        )
    uniq, inverse = np.unique(pos, return_inverse=True)

    def summed(values: np.ndarray) -> np.ndarray:
        if len(uniq) == len(pos):  # one flow per date, out of order
            return np.asarray(values, dtype=float)[np.argsort(pos, kind="stable")]
        return np.bincount(inverse.ravel(), weights=values, minlength=len(uniq))

    total = summed(amounts)
    keep = total != 0
    return Flows(
        uniq[keep].astype(np.int64),
        total[keep],
        {n: summed(v)[keep] for n, v in source_values.items()},
    )


def flow_positions(
    cashflows: pd.Series | pd.DataFrame, index: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``index`` and total amounts of ``cashflows`` (same-day flows summed).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=5)
    >>> pos, amt = flow_positions(pd.Series([1.0, 2.0], index=idx[[1, 1]]), idx)
    >>> pos.tolist(), amt.tolist()
    ([1], [3.0])
    """
    flows = prepare_flows(cashflows, index)
    return flows.positions, flows.total
