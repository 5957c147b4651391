"""Rebalance timing luck: the same strategy decided on every day of its period.

Hoffstein, Sibears and Faber (2019), "Rebalance timing luck: the difference
between hired and fired", *Journal of Index Investing* 10(1) (SSRN 3319045):
identically managed portfolios that differ only in the day they rebalance
can end far apart (Newfound measured 150 bp a year between the best and
worst day of the month for a monthly momentum timing model). Splitting the
account into ``n`` tranches that rebalance on staggered days shrinks that
spread roughly as ``1 / n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical._typing import CASH, DateLike
from tactical.backtest import _Market, _market, _run
from tactical.errors import ConfigError, SweepError
from tactical.metrics.table import METRIC_COLUMNS, metric_table
from tactical.results import BacktestResult
from tactical.robustness.sweep import (
    _common_window,
    _run_options,
    evaluate,
)
from tactical.schedules import decision_positions
from tactical.strategies.strategy import Strategy

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["TimingLuckResult", "Tranches", "timing_luck", "period_length"]

_SPREAD_METRICS = ("cagr", "sharpe_ratio", "max_drawdown", "final_value")


def period_length(index: pd.DatetimeIndex, strategy: Strategy) -> int:
    """Trading days in one period of the strategy's schedule (the median gap between dates).

    Examples
    --------
    >>> from tactical.strategies import FixedWeights
    >>> idx = pd.bdate_range("2020-01-01", "2021-12-31")
    >>> period_length(idx, Strategy(FixedWeights({"A": 1.0}), schedule="ME"))
    22
    """
    if not isinstance(strategy.schedule, str):
        raise ConfigError(
            "timing luck needs a calendar schedule alias ('ME', 'QE', ...): explicit dates "
            "have no 'day of the period' to move"
        )
    pos = decision_positions(index, strategy.schedule, 0)
    if len(pos) < 2:
        raise ConfigError(
            f"the prices hold fewer than two {strategy.schedule!r} periods; timing luck needs "
            "several decisions"
        )
    return max(1, int(np.median(np.diff(pos))))


def _check_strategy(strategy: object) -> Strategy:
    if not isinstance(strategy, Strategy):
        raise ConfigError(
            f"expected a Strategy or Tranches, got {type(strategy).__name__}; wrap an allocator as "
            "Strategy(allocator, schedule='ME')"
        )
    return strategy


@dataclass(frozen=True, slots=True)
class Tranches:
    """Split one account into ``n`` equal sub-accounts that decide on staggered days.

    Parameters
    ----------
    strategy : Strategy
        The strategy every tranche runs; its schedule must be an alias
        (``"ME"``, ``"QE"``...).
    n : int
        Number of tranches, ``>= 1``. Tranche ``j`` uses offset
        ``strategy.offset + round(j * m / n)`` trading days, ``m`` the
        schedule's period length in trading days (about 21 for ``"ME"``).

    Notes
    -----
    Each tranche starts with ``initial / n`` (and ``1 / n`` of every cash
    flow) and is never rebalanced against the others, the construction of
    Hoffstein, Sibears and Faber (2019). Run it with :meth:`backtest` (one
    combined :class:`~tactical.BacktestResult`) or give it to
    :func:`timing_luck` in place of a strategy.

    Examples
    --------
    >>> from tactical.strategies import FixedWeights
    >>> idx = pd.bdate_range("2020-01-01", "2021-12-31")
    >>> Tranches(Strategy(FixedWeights({"A": 1.0})), 3).offsets(idx)
    (0, 7, 15)
    """

    strategy: Strategy
    n: int

    def __post_init__(self) -> None:
        _check_strategy(self.strategy)
        if isinstance(self.n, bool) or not isinstance(self.n, int | np.integer) or self.n < 1:
            raise ConfigError(f"n must be a whole number of tranches >= 1, got {self.n!r}")

    def offsets(self, index: pd.DatetimeIndex) -> tuple[int, ...]:
        """Offsets in trading days of the tranches on ``index``."""
        m = period_length(index, self.strategy)
        return tuple(self.strategy.offset + int(round(j * m / self.n)) for j in range(self.n))

    def strategies(self, index: pd.DatetimeIndex) -> tuple[Strategy, ...]:
        """The ``n`` sub-strategies (the strategy with each tranche's offset)."""
        return tuple(replace(self.strategy, offset=o) for o in self.offsets(index))

    def backtest(
        self,
        prices: pd.DataFrame,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        cash_returns: pd.Series | None = None,
        name: str = "tranches",
        **options: Any,
    ) -> BacktestResult:
        """Backtest the tranched account: the sum of the ``n`` sub-accounts.

        Options are those of :func:`~tactical.backtest`. ``equity``,
        ``trades`` and ``costs`` are sums over tranches, ``weights`` the
        combined holdings over the combined value, ``targets`` the
        equal-weighted mean of the tranches' current targets on each
        decision date, ``turnover`` the sum over tranches of their turnover
        divided by ``n``, ``returns`` time-weighted on the combined account
        (from the first bar after it holds money, as a single backtest's).

        Examples
        --------
        >>> from tactical.strategies import FixedWeights
        >>> idx = pd.bdate_range("2020-01-01", periods=60)
        >>> px = pd.DataFrame({"A": np.linspace(100, 130, 60), "B": 100.0}, index=idx)
        >>> res = Tranches(Strategy(FixedWeights({"A": 0.5, "B": 0.5})), 2).backtest(px)
        >>> round(float(res.equity.iloc[0]), 2)
        10000.0
        """
        market = _market(prices, cash_returns)
        return self._run(market, start, end, _run_options(options), name)

    def _run(
        self,
        market: _Market,
        start: DateLike | None,
        end: DateLike | None,
        options: dict[str, Any],
        name: str,
    ) -> BacktestResult:
        subs = self.strategies(market.index)
        s0, e0 = _common_window(list(subs), market, start, end, options["execution_lag"])
        part = dict(options)
        part["initial"] = float(options["initial"]) / self.n
        if options.get("cashflows") is not None:
            part["cashflows"] = options["cashflows"] / self.n
        results = [
            _run(s, market, name=f"{name} {j}", start=s0, end=e0, **part)
            for j, s in enumerate(subs)
        ]
        return _combine(results, name, self, options)


def _union_rebalances(results: Sequence[BacktestResult]) -> pd.DatetimeIndex:
    """Execution dates of any tranche's rebalances (``BacktestResult.rebalances``, I3)."""
    out = pd.DatetimeIndex([], name="date")
    for r in results:
        got = getattr(r, "rebalances", None)
        if got is not None:
            out = out.union(pd.DatetimeIndex(got))
    out.name = "date"
    return out


def _combine(
    results: Sequence[BacktestResult], name: str, tranches: Tranches, options: dict[str, Any]
) -> BacktestResult:
    equity = sum((r.equity for r in results[1:]), results[0].equity).rename(name)
    flows = sum((r.cashflows for r in results[1:]), results[0].cashflows)
    f = flows.reindex(equity.index, fill_value=0.0).to_numpy()
    v = equity.to_numpy()
    # time-weighted from the first bar after the account holds money (as one account's)
    money = np.flatnonzero(v > 0)
    first = int(money[0]) if len(money) else len(v) - 1
    twr = (v[first + 1 :] - f[first + 1 :]) / v[first:-1] - 1.0
    values = sum(r.weights.mul(r.equity, axis=0).fillna(0.0) for r in results)
    assert isinstance(values, pd.DataFrame)
    weights = values.div(equity, axis=0)
    empty = (equity <= 0).to_numpy()
    if empty.any():  # an empty account (from $0, before its first paycheck) is all cash
        weights.iloc[empty] = 0.0
        weights.loc[empty, CASH] = 1.0
    flows_by_source = pd.concat([r.flows for r in results], sort=False).groupby(level=0).sum()
    flows_by_source.index.name = "date"
    dates = results[0].targets.index
    for r in results[1:]:
        dates = dates.union(r.targets.index)
    current = [r.targets.reindex(dates).ffill().fillna(0.0) for r in results]
    cols = list(dict.fromkeys(c for t in current for c in t.columns))
    mean_targets = sum(t.reindex(columns=cols, fill_value=0.0) for t in current) / len(current)
    trades = pd.concat([r.trades for r in results], sort=True).groupby(level=0).sum()
    costs = pd.concat([r.costs for r in results], sort=True).groupby(level=0).sum().rename("cost")
    trades.index.name = costs.index.name = "date"
    config = dict(results[0].config)
    config.update(
        {
            "tranches": tranches.n,
            "offsets": tuple(r.config.get("offset") for r in results),
            "initial": float(options["initial"]),
        }
    )
    return BacktestResult(
        name=name,
        equity=equity,
        returns=pd.Series(twr, index=equity.index[first + 1 :], name=name),
        weights=weights,
        targets=mean_targets,  # type: ignore[arg-type]
        trades=trades,
        costs=costs,
        cashflows=flows.rename("cashflow"),
        flows=flows_by_source,
        rebalances=_union_rebalances(results),
        turnover=sum(r.turnover for r in results) / len(results),
        n_rebalances=sum(r.n_rebalances for r in results),
        config=config,
    )


@dataclass(frozen=True, slots=True, eq=False)
class TimingLuckResult:
    """The same strategy at every decision-day offset.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per offset (index ``offset``): ``final_value``, ``cagr``,
        ``annual_volatility``, ``sharpe_ratio``, ``max_drawdown`` ...
    summary : pandas.DataFrame
        ``min``, ``median``, ``max`` and ``spread`` (max - min) of
        ``cagr``, ``sharpe_ratio``, ``max_drawdown`` and ``final_value``.
    growth : pandas.DataFrame
        Time-weighted growth of ``initial`` (of 1 for an account from $0),
        dates x offsets (for the fan chart), from the close before the first
        return.
    tranches : int
        1 for a plain strategy, ``n`` for :class:`Tranches`.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    growth: pd.DataFrame
    tranches: int

    @property
    def spread(self) -> pd.Series:
        """Best minus worst of each summary metric across offsets."""
        return self.summary.loc["spread"]

    def __repr__(self) -> str:
        s = self.spread
        return (
            f"TimingLuckResult({len(self.table)} offsets, tranches={self.tranches}, CAGR spread "
            f"{s['cagr']:.2%}, final value spread {s['final_value']:,.0f})"
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Fan chart: the range of growth paths across offsets, the median, offset 0."""
        from tactical.charts.robustness import plot_timing_luck

        return plot_timing_luck(self, ax=ax)


def timing_luck(
    prices: pd.DataFrame,
    strategy: Strategy | Tranches,
    offsets: Sequence[int] | None = None,
    *,
    executor: object = None,
    progress: bool | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    cash_returns: pd.Series | None = None,
    risk_free: float | pd.Series = 0.0,
    **options: Any,
) -> TimingLuckResult:
    """Run ``strategy`` at every decision-day offset of its schedule and report the spread.

    Parameters
    ----------
    prices : pandas.DataFrame
        Daily closes.
    strategy : Strategy or Tranches
        With an alias schedule (``"ME"``, ``"QE"``...). For :class:`Tranches`
        every tranche's offset is shifted together.
    offsets : sequence of int, optional
        Trading-day offsets to try. Default: ``0 .. m - 1`` with ``m`` the
        period length (:func:`period_length`; 21 for monthly), i.e. every
        day of the period once (offset ``k`` decides ``k`` trading days after
        the period's last trading day).
    executor, progress, start, end, cash_returns, risk_free, **options
        As in :func:`~tactical.sweep`. Every offset runs over the same window
        (the strategy's feasible start to the end), starting with the same
        initial investment. The executor runs the offsets of a plain
        strategy; the sub-accounts of :class:`Tranches` run here, serially.

    Returns
    -------
    TimingLuckResult

    Notes
    -----
    The ``spread`` is max minus min across offsets, on the same window;
    Hoffstein, Sibears and Faber (2019) measure timing luck as the
    dispersion of such identically managed portfolios.

    Examples
    --------
    >>> from tactical.strategies import FixedWeights
    >>> idx = pd.bdate_range("2020-01-01", periods=300)
    >>> rng = np.random.default_rng(0)
    >>> px = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(3e-4, 0.01, (300, 2)), axis=0)),
    ...                   index=idx, columns=["A", "B"])
    >>> luck = timing_luck(px, Strategy(FixedWeights({"A": 0.6, "B": 0.4})))
    >>> len(luck.table), list(luck.summary.index)
    (22, ['min', 'median', 'max', 'spread'])
    """
    tranches = strategy if isinstance(strategy, Tranches) else None
    base = tranches.strategy if tranches is not None else _check_strategy(strategy)
    run_options = _run_options(options)
    market = _market(prices, cash_returns)
    if offsets is None:
        offsets = range(period_length(market.index, base))
    offs = [int(o) for o in offsets]
    if not offs:
        raise ConfigError("offsets is empty; give at least one trading-day offset")
    if len(set(offs)) != len(offs):
        raise ConfigError(f"offsets repeat a value: {offs}")
    if tranches is None:
        variants = {k: replace(base, offset=base.offset + o) for k, o in enumerate(offs)}
        s0, e0 = _common_window(
            list(variants.values()), market, start, end, run_options["execution_lag"]
        )
        done = evaluate(
            market, variants, s0, e0, run_options, executor, progress, None, desc="timing luck"
        )
        if done.errors:
            first = next(iter(done.errors.items()))
            raise SweepError(f"offset {offs[first[0]]} failed: {first[1]}")
        returns = pd.DataFrame(done.returns, index=done.index, columns=offs)
        finals = done.finals
        first_date = done.first
    else:
        series, finals_l = [], []
        shifted = [Tranches(replace(base, offset=base.offset + o), tranches.n) for o in offs]
        s0, _ = _common_window(
            list(shifted[0].strategies(market.index)),
            market,
            start,
            end,
            run_options["execution_lag"],
        )
        for t in shifted:
            res = t._run(market, start if start is not None else s0, end, run_options, "tranches")
            series.append(res.returns)
            finals_l.append(float(res.equity.iloc[-1]))
        returns = pd.concat(series, axis=1, keys=offs)
        finals = np.asarray(finals_l)
        # the close before the first return (the first contribution's, from $0)
        first_date = res.equity.index[len(res.equity) - len(res.returns) - 1]
    returns.columns.name = "offset"
    metrics = [m for m in METRIC_COLUMNS if m != "deflated_sharpe"]
    table = metric_table(returns, start=first_date, risk_free=risk_free, metrics=metrics)
    table.attrs = {}
    table.insert(0, "final_value", finals)
    table.index.name = "offset"
    pick = table[list(_SPREAD_METRICS)]
    summary = pd.DataFrame(
        {
            "min": pick.min(),
            "median": pick.median(),
            "max": pick.max(),
            "spread": pick.max() - pick.min(),
        }
    ).T
    initial = float(run_options["initial"]) or 1.0  # from $0: the growth of 1
    growth = np.vstack(
        [np.ones((1, returns.shape[1])), np.cumprod(1.0 + returns.to_numpy(), axis=0)]
    )
    index = pd.DatetimeIndex([first_date]).append(returns.index)
    growth_frame = pd.DataFrame(growth * initial, index=index, columns=returns.columns)
    return TimingLuckResult(table, summary, growth_frame, 1 if tranches is None else tranches.n)
