"""Walk-forward testing: choose on the past, apply to the next window, never look ahead.

For each fold, every variant of the grid is backtested on the training
window alone (the prices are cut at the training window's last date, so the
choice cannot see later data), the best one by ``select`` is chosen, and its
allocator makes the decisions dated inside the following test window. All
test windows run as **one continuous account**: a single backtest of an
allocator that delegates, decision by decision, to the fold's chosen
allocator, so holdings carry across fold boundaries and a switch is an
ordinary, costed rebalance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical._inputs import resolve_lag
from tactical._typing import DateLike
from tactical.backtest import _Market, _run
from tactical.errors import ConfigError, InsufficientHistoryError, SweepError
from tactical.history import History
from tactical.metrics.inputs import infer_periods_per_year
from tactical.metrics.table import METRIC_COLUMNS, metric_table
from tactical.robustness.sweep import (
    _LOWER_IS_BETTER,
    METRIC_ALIASES,
    _common_window,
    _plain,
    _setup,
    evaluate,
    label,
)
from tactical.strategies.strategy import Strategy

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from tactical.results import BacktestResult

__all__ = ["WalkForwardResult", "walk_forward"]

_SELECTABLE = ("final_value", *METRIC_COLUMNS)


# --------------------------------------------------------------------------- windows
def _parse_duration(value: str | int, what: str) -> tuple[str, int]:
    """``"10Y"`` -> ("Y", 10), ``"6M"`` -> ("M", 6), ``"126D"`` or 126 -> ("D", 126)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if value < 1:
            raise ConfigError(f"{what} must be at least 1 trading day, got {value}")
        return "D", int(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*([YMD])\s*", value.upper())
        if m and int(m.group(1)) > 0:
            return m.group(2), int(m.group(1))
    raise ConfigError(
        f"{what} must be a duration such as '10Y', '18M', '126D' or a number of trading days, "
        f"got {value!r}"
    )


def _advance(index: pd.DatetimeIndex, pos: int, duration: tuple[str, int]) -> int:
    """First position at or after ``index[pos] + duration`` (may be ``len(index)``)."""
    unit, n = duration
    if unit == "D":
        return pos + n
    offset = pd.DateOffset(years=n) if unit == "Y" else pd.DateOffset(months=n)
    return int(index.searchsorted(index[pos] + offset, side="left"))


def _back(index: pd.DatetimeIndex, pos: int, duration: tuple[str, int]) -> int:
    """First position at or after ``index[pos] - duration`` (may be negative for days)."""
    unit, n = duration
    if unit == "D":
        return pos - n
    offset = pd.DateOffset(years=n) if unit == "Y" else pd.DateOffset(months=n)
    return int(index.searchsorted(index[pos] - offset, side="left"))


def _folds(
    index: pd.DatetimeIndex,
    first: int,
    last: int,
    train: tuple[str, int],
    test: tuple[str, int],
    anchored: bool,
    train_text: str,
) -> list[tuple[int, int, int, int]]:
    """(train_start, train_end, test_start, test_end) positions, all inclusive."""
    test_start = _advance(index, first, train)
    if test_start > last - 1:
        years = (index[last] - index[first]).days / 365.25
        raise InsufficientHistoryError(
            f"the training window {train_text} is longer than the data: after the variants' "
            f"warm-up there are {years:.1f} years ({index[first].date()}..{index[last].date()}); "
            "use a shorter train= or load more history"
        )
    out = []
    origin, k = test_start, 0
    while test_start <= last - 1:  # a test window needs two dates (one return)
        k += 1
        following = _advance(index, origin, (test[0], test[1] * k))  # no calendar drift
        test_end = min(following - 1, last)
        train_start = first if anchored else max(first, _back(index, test_start, train))
        out.append((train_start, test_start - 1, test_start, test_end))
        test_start = test_end + 1
    if out and out[-1][3] < last:  # a single bar left over: the last test window takes it
        a, b, c, _ = out[-1]
        out[-1] = (a, b, c, last)
    return out


def _flows_between(cashflows: Any, first: pd.Timestamp, last: pd.Timestamp) -> Any:
    """The flows dated ``first..last`` (a training window's, from its initial decision).

    Flows the engine could not read (no dates, another time zone) are passed on
    whole, so the backtest names the problem.
    """
    if not isinstance(cashflows, pd.Series | pd.DataFrame):
        return cashflows
    try:
        dates = pd.DatetimeIndex(cashflows.index)
        inside = np.asarray((dates >= first) & (dates <= last))
    except (TypeError, ValueError):
        return cashflows
    return cashflows[inside]


def _cut(market: _Market, stop: int) -> _Market:
    """The market as known at row ``stop - 1``: later rows do not exist for the training run."""
    fresh: dict[str, Any] = (
        {"schedules": {}} if "schedules" in {f.name for f in fields(market)} else {}
    )
    return replace(market, index=market.index[:stop], values=market.values[:stop], **fresh)


# --------------------------------------------------------------------------- allocator
@dataclass(frozen=True, slots=True)
class WalkForwardAllocator:
    """Delegates each decision to the allocator chosen for the fold containing its date.

    Parameters
    ----------
    starts : tuple of Timestamp
        First date of each fold's test window, increasing.
    allocators : tuple
        The chosen allocator of each fold.

    Notes
    -----
    A decision dated ``t`` uses ``allocators[k]`` with ``k`` the last fold
    whose test window starts on or before ``t``. It sees the same
    :class:`~tactical.History` (rows up to ``t``) the delegate would.
    """

    starts: tuple[pd.Timestamp, ...]
    allocators: tuple[Any, ...]

    def _fold(self, date: pd.Timestamp) -> int:
        k = int(pd.DatetimeIndex(self.starts).searchsorted(date, side="right")) - 1
        return max(k, 0)

    def __call__(self, history: History) -> Mapping[str, float]:
        return self.allocators[self._fold(history.date)](history)  # type: ignore[no-any-return]

    @property
    def tickers(self) -> tuple[str, ...] | None:
        """Union of the delegates' funds, or None if one does not declare them."""
        names: list[str] = []
        for alloc in self.allocators:
            got = getattr(alloc, "tickers", None)
            if got is None:
                return None
            names.extend(got)
        return tuple(dict.fromkeys(names))

    @property
    def min_history(self) -> int:
        """The largest warm-up of the delegates."""
        return max(int(getattr(a, "min_history", 1)) for a in self.allocators)


@dataclass(frozen=True, slots=True)
class _VectorWalkForwardAllocator(WalkForwardAllocator):
    """As :class:`WalkForwardAllocator`, with the engine's vectorised entry (interface I1)."""

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        folds = pd.DatetimeIndex(self.starts).searchsorted(index[rows], side="right") - 1
        folds = np.maximum(folds, 0)
        out = np.empty((len(rows), len(columns)))
        for k in np.unique(folds):
            sel = folds == k
            out[sel] = self.allocators[int(k)].weights_at(values, index, columns, rows[sel])
        return out


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, eq=False)
class WalkForwardResult:
    """A stitched out-of-sample account and how each fold chose.

    Attributes
    ----------
    result : BacktestResult
        One continuous account over all test windows.
    folds : pandas.DataFrame
        One row per fold: ``train_start``, ``train_end``, ``test_start``,
        ``test_end``, the chosen parameters, ``in_sample`` (the selection
        metric of the chosen variant on its training window) and
        ``out_of_sample`` (the same metric of the account over the test
        window).
    select : str
        The selection metric.
    params : tuple of str
        The grid's parameter names.
    in_sample : float
        Mean over folds of the chosen variants' in-sample metric.
    out_of_sample : float
        The selection metric of the whole out-of-sample account (NaN for
        ``deflated_sharpe``: one account has nothing to deflate against).
    """

    result: BacktestResult
    folds: pd.DataFrame
    select: str
    params: tuple[str, ...]
    train: str | int
    test: str | int
    anchored: bool
    in_sample: float
    out_of_sample: float

    def __repr__(self) -> str:
        return (
            f"WalkForwardResult({len(self.folds)} folds, select={self.select!r}, "
            f"train={self.train!r}, test={self.test!r}, anchored={self.anchored}, "
            f"oos {self.result.start.date()}..{self.result.end.date()})"
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """In-sample against out-of-sample selection metric, fold by fold."""
        from tactical.charts.robustness import plot_walk_forward

        return plot_walk_forward(self, ax=ax)


def _shared_rules(strategies: Sequence[Strategy]) -> Strategy:
    first = strategies[0]
    key = (repr(first.schedule), first.offset, repr(first.rebalance), first.execution_lag)
    for s in strategies[1:]:
        other = (repr(s.schedule), s.offset, repr(s.rebalance), s.execution_lag)
        if other != key:
            raise ConfigError(
                "walk_forward switches allocators inside one account, so every variant must "
                f"share schedule, offset, rebalance rule and execution_lag; got {key} and "
                f"{other}. Sweep those settings with tc.sweep instead"
            )
    return first


def _account_score(
    result: BacktestResult,
    metric: str,
    returns: pd.Series,
    start: pd.Timestamp,
    end: pd.Timestamp,
    risk_free: float | pd.Series,
    ppy: float,
) -> float:
    """Selection metric of the account over ``returns``, its value before them dated ``start``.

    ``final_value`` is the account value on ``end``.
    """
    if metric == "final_value":
        return float(result.equity.loc[end])
    if metric == "deflated_sharpe":
        return np.nan  # one account out of sample: nothing to deflate against
    table = metric_table(
        returns.to_frame("oos"),
        start=start,
        risk_free=risk_free,
        periods_per_year=ppy,
        metrics=[metric],
    )
    return float(table[metric].iloc[0])


def walk_forward(
    prices: pd.DataFrame,
    make: Callable[..., Strategy],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    train: str | int = "10Y",
    test: str | int = "1Y",
    anchored: bool = False,
    select: str = "sharpe",
    executor: object = None,
    progress: bool | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    cash_returns: pd.Series | None = None,
    risk_free: float | pd.Series = 0.0,
    **options: Any,
) -> WalkForwardResult:
    """Choose parameters on each training window alone; trade them in the next test window.

    Parameters
    ----------
    prices, make, grid
        As in :func:`~tactical.sweep`.
    train : str or int, default "10Y"
        Training window: ``"10Y"``, ``"18M"`` (calendar) or ``"126D"`` / an
        int (trading days).
    test : str or int, default "1Y"
        Test window, same forms. The last one ends with the data (shorter,
        or one bar longer when a single bar would be left over).
    anchored : bool, default False
        ``False``: rolling training windows of length ``train``. ``True``:
        every training window starts at the first feasible date (expanding;
        ``train`` is then the first window's length).
    select : str, default "sharpe"
        Metric the choice maximises (``"sharpe"``, ``"cagr"``,
        ``"sortino"``, ``"calmar"``, ``"max_drawdown"``, ``"final_value"``,
        ``"deflated_sharpe"``; ``"volatility"`` is minimised). Ties: the first
        variant in grid order.
    executor, progress, start, end, cash_returns, risk_free, **options
        As in :func:`~tactical.sweep`; ``options`` also apply to the
        out-of-sample account. ``cashflows`` may span every window: each
        training sweep gets those dated from its initial decision to its
        end.

    Returns
    -------
    WalkForwardResult

    Raises
    ------
    InsufficientHistoryError
        The training window is longer than the data after warm-up.
    ConfigError
        Bad durations or metric; variants that differ in schedule, rebalance
        rule, offset or lag (one account cannot switch those).

    Notes
    -----
    Causal by construction: fold ``k``'s training sweep runs on prices cut
    at its training window's last date, and the out-of-sample account's
    allocator only sees :class:`~tactical.History` up to each decision. A
    fold's chosen allocator decides from the first scheduled decision on or
    after its test window's first date; until then the previous fold's
    holdings are kept. The first feasible date is the latest warm-up end of
    all variants (as in :func:`~tactical.sweep`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tactical.strategies import RelativeMomentum, Strategy
    >>> idx = pd.bdate_range("2010-01-01", periods=1300)
    >>> rng = np.random.default_rng(0)
    >>> px = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(3e-4, 0.01, (1300, 3)), axis=0)),
    ...                   index=idx, columns=["A", "B", "C"])
    >>> wf = walk_forward(px, lambda lookback: Strategy(RelativeMomentum(("A", "B", "C"),
    ...                   lookback=lookback)), {"lookback": [30, 63]}, train="2Y", test="1Y")
    >>> list(wf.folds.columns[:4])
    ['train_start', 'train_end', 'test_start', 'test_end']
    """
    metric = METRIC_ALIASES.get(select, select)
    if metric not in _SELECTABLE:
        raise ConfigError(
            f"select must be one of {list(_SELECTABLE)} (or an alias), got {select!r}"
        )
    train_d = _parse_duration(train, "train")
    test_d = _parse_duration(test, "test")
    variants, keys, run_options, market = _setup(prices, make, grid, cash_returns, options)
    strategies: dict[int, Strategy] = {}
    for i, params in enumerate(variants):
        built = make(**params)
        if not isinstance(built, Strategy):
            raise ConfigError(
                f"make({label(params)}) returned {type(built).__name__}, not a Strategy"
            )
        strategies[i] = built
    rules = _shared_rules(list(strategies.values()))
    s0, e0 = _common_window(
        list(strategies.values()), market, start, end, run_options["execution_lag"]
    )
    first, last = market.index.get_loc(s0), market.index.get_loc(e0)
    folds = _folds(market.index, first, last, train_d, test_d, anchored, str(train))
    idx = market.index

    rows: list[dict[str, Any]] = []
    chosen: list[Any] = []
    for k, (a, b, c, d) in enumerate(folds):
        if b - a < 2:
            raise InsufficientHistoryError(
                f"fold {k}: the training window {idx[a].date()}..{idx[b].date()} has fewer than "
                "3 dates; use a longer train="
            )
        known = _cut(market, b + 1)  # nothing after the training window exists here
        fold_options = run_options
        if run_options.get("cashflows") is not None:  # the window's own paychecks
            decided = idx[max(a - resolve_lag(rules, run_options["execution_lag"]), 0)]
            flows = _flows_between(run_options["cashflows"], decided, idx[b])
            fold_options = {**run_options, "cashflows": flows}
        done = evaluate(
            known,
            strategies,
            idx[a],
            idx[b],
            fold_options,
            executor,
            progress,
            None,
            desc=f"walk-forward {k + 1}/{len(folds)}",
        )
        if not len(done.ids):
            msgs = "; ".join(f"{label(variants[i])}: {m}" for i, m in list(done.errors.items())[:3])
            raise SweepError(f"fold {k}: every variant failed on the training window: {msgs}")
        returns = pd.DataFrame(done.returns, index=done.index, columns=done.ids)
        if metric == "final_value":
            table = pd.DataFrame({"final_value": done.finals}, index=returns.columns)
        else:
            table = metric_table(returns, start=done.first, risk_free=risk_free, metrics=[metric])
        scores = table[metric].to_numpy(dtype=float)
        scores = -scores if metric in _LOWER_IS_BETTER else scores
        if np.isnan(scores).all():
            raise SweepError(f"fold {k}: {metric} is NaN for every variant on the training window")
        pick = int(done.ids[int(np.nanargmax(scores))])
        best_score = float(table.loc[pick, metric])
        chosen.append(strategies[pick].allocator)
        rows.append(
            {
                "train_start": idx[a],
                "train_end": idx[b],
                "test_start": idx[c],
                "test_end": idx[d],
                **{p: _plain(variants[pick].get(p)) for p in keys},
                "in_sample": best_score,
            }
        )

    starts = tuple(idx[c] for _, _, c, _ in folds)
    cls = (
        _VectorWalkForwardAllocator
        if all(hasattr(al, "weights_at") for al in chosen)
        else WalkForwardAllocator
    )
    switch = cls(starts, tuple(chosen))
    account = replace(rules, allocator=switch)
    result = _run(
        account,
        market,
        name="walk-forward",
        start=starts[0],
        end=idx[folds[-1][3]],
        **run_options,
    )
    oos = []
    ppy = infer_periods_per_year(market.index)
    for _, _, c, d in folds:
        window = result.returns.loc[idx[c] : idx[d]]
        if len(window) < 2:
            oos.append(np.nan)
            continue
        before = idx[max(c - 1, 0)] if c > market.index.get_loc(starts[0]) else idx[c]
        oos.append(_account_score(result, metric, window, before, idx[d], risk_free, ppy))
    frame = pd.DataFrame(rows, index=pd.RangeIndex(len(rows), name="fold"))
    frame["out_of_sample"] = oos
    frame.attrs["metric"] = metric
    whole = _account_score(
        result, metric, result.returns, result.start, result.equity.index[-1], risk_free, ppy
    )
    return WalkForwardResult(
        result,
        frame,
        metric,
        keys,
        train,
        test,
        bool(anchored),
        float(np.nanmean(frame["in_sample"])),
        whole,
    )
