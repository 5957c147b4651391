"""Backtest results: :class:`BacktestResult` for one strategy, :class:`ResultSet` for several.

Results store data and never compute metrics behind attribute access; pass
``result.returns`` to the functions in :mod:`tactical.metrics`, or call
:meth:`ResultSet.summary` which does that explicitly.

Conventions
-----------
* ``equity`` is the account value in currency at each bar's close, after that
  bar's flows, trades and costs. Its first row is the start date: the close at
  which the initial allocation (decided ``execution_lag`` bars earlier) is
  bought, so a buy-and-hold result moves exactly with its funds' closes from
  the start on.
* ``returns`` are daily simple **time-weighted** returns,
  ``r_t = (V_t - F_t) / V_{t-1} - 1`` where ``F_t`` is the external cash flow
  at the close of ``t`` (positive = contribution). A return needs
  ``V_{t-1} > 0``: they start on the bar after the account first holds money,
  so ``returns.index == equity.index[1:]`` whenever ``initial > 0``.
* ``weights`` are the drifted end-of-day weights, ``holding_i / V_t``, on the
  same index as ``equity``; each row sums to 1 (an empty account is all cash).
* ``targets`` are the allocator's decisions, indexed by decision date.
* ``trades`` are signed currency amounts (buy > 0), indexed by execution date;
  ``costs`` are the transaction costs (and policy fees) paid on those dates.
* ``flows`` are the external flows by source, ``rebalances`` the execution
  dates of the strategy's own trades; ``final_balance``, ``contributed`` and
  ``growth`` answer a saver in currency.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd

from tactical.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from os import PathLike
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tactical._typing import DateLike
    from tactical.metrics.conventions import Conventions
    from tactical.report import Intervals, SummaryTable

__all__ = ["BacktestResult", "ResultSet", "xirr", "BLOCKED_COLUMNS"]


_FRAMES = (
    "equity",
    "returns",
    "weights",
    "targets",
    "trades",
    "costs",
    "cashflows",
    "flows",
    "rebalances",
    "blocked",
)

BLOCKED_COLUMNS = ("date", "fund", "rule", "amount", "detail")


class _Source(Protocol):
    """What builds a result's frames on first access (the engine's arrays)."""

    def build(self, name: str) -> Any: ...


def _frame(attr: str, doc: str) -> Any:
    def get(self: BacktestResult) -> Any:
        return self._get(attr)

    get.__doc__ = doc
    return property(get)


class BacktestResult:
    """Everything one backtest produced. Frozen: variants are new backtests.

    The engine hands over its arrays and each frame is built the first time
    it is read (then kept), so a sweep that reads only ``final_balance``
    builds no DataFrame. A result can also be made from ready frames, by
    keyword, as below.

    Attributes
    ----------
    name : str
        Label of the strategy (the key given to :func:`~tactical.backtest_many`).
    equity : pandas.Series
        Account value at each close, length ``n_bars``.
    returns : pandas.Series
        Time-weighted simple daily returns, from the first bar after the
        account first holds money (``n_bars - 1`` values when it starts with
        money).
    weights : pandas.DataFrame
        Drifted weights, shape ``(n_bars, n_holdings)``; rows sum to 1 (an
        empty account counts as all ``"CASH"``).
    targets : pandas.DataFrame
        Target weights decided by the allocator, one row per decision date
        (the first is the initial decision, ``execution_lag`` bars before
        the start).
    trades : pandas.DataFrame
        Signed traded amounts in currency, one row per execution date.
    costs : pandas.Series
        Transaction costs (and fees kept by a trading policy) in currency,
        one value per execution date.
    cashflows : pandas.Series
        External flows applied (contribution > 0, withdrawal < 0), by date.
    flows : pandas.DataFrame
        The same flows by source (e.g. ``employee``, ``employer``) plus
        ``total``, indexed by the trading date each was invested.
    rebalances : pandas.DatetimeIndex
        Execution dates of the strategy's own trades after the initial
        investment (not the purchases made with contributions).
    blocked : pandas.DataFrame
        Trades a trading policy blocked or changed: columns ``date``,
        ``fund``, ``rule``, ``amount``, ``detail`` (empty without a policy).
    turnover : float
        Sum over rebalances (the initial investment excluded) of one-way
        turnover ``sum_i |trade_i| / (2 * V_pre)``; divide by years for an
        annual figure (:attr:`annual_turnover`).
    n_rebalances : int
        Executions after the initial investment that traded anything.
    config : Mapping[str, Any]
        What produced the result: strategy repr, schedule, rule, lag, costs,
        window, initial value.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=3)
    >>> eq = pd.Series([100.0, 110.0, 121.0], index=idx)
    >>> r = BacktestResult(name="x", equity=eq, returns=eq.pct_change().iloc[1:])
    >>> r.final_balance, r.growth, list(r.contributed.index)
    (121.0, 21.0, ['initial', 'total'])
    """

    __slots__ = ("name", "turnover", "n_rebalances", "config", "_frames", "_source")

    name: str
    turnover: float
    n_rebalances: int
    config: Mapping[str, Any]
    _frames: dict[str, Any]
    _source: _Source | None

    def __init__(
        self,
        name: str,
        equity: pd.Series | None = None,
        returns: pd.Series | None = None,
        weights: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        trades: pd.DataFrame | None = None,
        costs: pd.Series | None = None,
        cashflows: pd.Series | None = None,
        turnover: float = 0.0,
        n_rebalances: int = 0,
        config: Mapping[str, Any] | None = None,
        *,
        flows: pd.DataFrame | None = None,
        rebalances: pd.DatetimeIndex | None = None,
        blocked: pd.DataFrame | None = None,
        source: _Source | None = None,
    ) -> None:
        given = {
            "equity": equity,
            "returns": returns,
            "weights": weights,
            "targets": targets,
            "trades": trades,
            "costs": costs,
            "cashflows": cashflows,
            "flows": flows,
            "rebalances": rebalances,
            "blocked": blocked,
        }
        if source is None and equity is None:
            raise ConfigError("a BacktestResult needs its equity (or the engine's arrays)")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "turnover", float(turnover))
        object.__setattr__(self, "n_rebalances", int(n_rebalances))
        object.__setattr__(self, "config", dict(config or {}))
        object.__setattr__(self, "_frames", {k: v for k, v in given.items() if v is not None})
        object.__setattr__(self, "_source", source)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"BacktestResult is frozen: cannot set {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        # pickling (a sweep's worker process, copy.deepcopy) keeps the arrays, not built frames
        return {k: object.__getattribute__(self, k) for k in self.__slots__}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"BacktestResult is frozen: cannot delete {name!r}")

    def _get(self, attr: str) -> Any:
        frames = self._frames
        if attr not in frames:
            if self._source is not None:
                frames[attr] = self._source.build(attr)
            else:
                frames[attr] = self._default(attr)
        return frames[attr]

    def _default(self, attr: str) -> Any:
        """Frames not given to the constructor, derived from the ones that were."""
        equity = self.equity
        if attr == "returns":
            return equity.pct_change().iloc[1:]
        if attr in ("weights", "targets", "trades"):
            return pd.DataFrame(index=equity.index[:0], dtype=float)
        if attr in ("costs", "cashflows"):
            return pd.Series(dtype=float, index=equity.index[:0], name=attr[:-1])
        if attr == "flows":
            cf = self.cashflows
            return pd.DataFrame({"total": cf.to_numpy(dtype=float)}, index=cf.index)
        if attr == "rebalances":
            return pd.DatetimeIndex(self.trades.index[1:], name="date")
        if attr == "blocked":
            return pd.DataFrame({c: [] for c in BLOCKED_COLUMNS})
        raise AttributeError(attr)  # pragma: no cover

    equity = _frame("equity", "Account value at each close (currency), one per bar.")
    returns = _frame("returns", "Time-weighted simple returns per bar (flows removed).")
    weights = _frame("weights", "Drifted end-of-day weights per holding; rows sum to 1.")
    targets = _frame("targets", "Target weights by decision date.")
    trades = _frame("trades", "Signed traded amounts (currency) by execution date.")
    costs = _frame("costs", "Transaction costs and policy fees (currency) by execution date.")
    cashflows = _frame("cashflows", "External flows (total), by the date they were invested.")
    flows = _frame("flows", "External flows by source plus ``total``, by date invested.")
    rebalances = _frame("rebalances", "Execution dates of rebalances (not flow purchases).")
    blocked = _frame("blocked", "Trades a trading policy blocked or changed (may be empty).")

    @property
    def start(self) -> pd.Timestamp:
        """First date of the backtest window (inclusive): the first investment's close."""
        return self.equity.index[0]

    @property
    def end(self) -> pd.Timestamp:
        """Last date of the backtest window (inclusive)."""
        return self.equity.index[-1]

    @property
    def years(self) -> float:
        """Length of the window in years, ``(end - start).days / 365.25``."""
        return (self.end - self.start).days / 365.25

    @property
    def annual_turnover(self) -> float:
        """:attr:`turnover` divided by :attr:`years` (one-way, per year)."""
        return self.turnover / self.years if self.years > 0 else float("nan")

    @property
    def total_costs(self) -> float:
        """Sum of all transaction costs (and policy fees) paid, in currency."""
        return float(self.costs.sum())

    @property
    def final_balance(self) -> float:
        """The account value at the last close, in currency."""
        source = self._source
        if "equity" not in self._frames and isinstance(source, _Arrays):
            return float(source.equity_array()[-1])  # no Series needed
        return float(self.equity.iloc[-1])

    @property
    def contributed(self) -> pd.Series:
        """Money put in, by source: ``initial``, each flow source, and ``total``.

        Withdrawals count negative (net money in). ``total`` includes the
        initial amount.
        """
        initial = float(self.config.get("initial", self.equity.iloc[0]))
        flows = self.flows
        parts = {"initial": initial}
        for col in flows.columns:
            if col != "total":
                parts[str(col)] = float(flows[col].sum())
        total = initial + (float(flows["total"].sum()) if "total" in flows else 0.0)
        parts["total"] = total
        return pd.Series(parts, name="contributed")

    @property
    def growth(self) -> float:
        """Investment growth in currency: ``final_balance - contributed["total"]``."""
        return self.final_balance - float(self.contributed["total"])

    def growth_of(self, initial: float = 1.0) -> pd.Series:
        """Time-weighted growth of ``initial`` on ``equity``'s index.

        Equals ``equity / equity.iloc[0] * initial`` when there are no cash
        flows; with flows it strips them out, so it is what a single deposit
        would have become. Bars before the account holds money stay at
        ``initial``.
        """
        r = self.returns.to_numpy()
        index = np.ones(len(self.equity))
        index[len(index) - len(r) :] = np.cumprod(1.0 + r)
        return pd.Series(index * initial, index=self.equity.index, name=self.name)

    def money_weighted_return(self) -> float:
        """Annual money-weighted return (XIRR) of the account, act/365.

        Cash flows are the initial deposit at the start, every contribution
        and withdrawal, and the final value at the end; see :func:`xirr`.
        """
        initial = float(self.config.get("initial", self.equity.iloc[0]))
        flows = [(-initial, self.start)] if initial else []
        for date, amount in self.cashflows.items():
            flows.append((-float(amount), pd.Timestamp(date)))
        flows.append((self.final_balance, self.end))
        return xirr([a for a, _ in flows], [d for _, d in flows])

    def __repr__(self) -> str:
        return (
            f"BacktestResult({self.name!r}, {self.start.date()}..{self.end.date()}, "
            f"final={self.final_balance:,.2f}, rebalances={self.n_rebalances})"
        )

    def _repr_html_(self) -> str:
        """Notebook display: the result's facts, then its summary (grouped, formatted)."""
        from tactical.report import result_html

        return result_html({self.name: self}, title=f"BacktestResult {self.name!r}")


def xirr(amounts: list[float] | np.ndarray, dates: list[pd.Timestamp] | pd.DatetimeIndex) -> float:
    """Annual internal rate of return of dated cash flows (act/365).

    Solves ``sum_k a_k * (1 + x) ** (-(d_k - d_0).days / 365) = 0`` for ``x``
    with Brent's method, as spreadsheet ``XIRR`` does.

    Parameters
    ----------
    amounts : sequence of float
        Signed flows from the investor's view: deposits negative, the final
        value and withdrawals positive.
    dates : sequence of Timestamp
        Date of each flow, same length.

    Returns
    -------
    float
        The rate, annual decimal (0.05 = 5%).

    Raises
    ------
    ConfigError
        If the flows do not change sign, or are all on one date (no rate
        solves the equation).

    Examples
    --------
    >>> import pandas as pd
    >>> # 366 days (2020 is a leap year): 1.1 ** (365 / 366) - 1
    >>> round(xirr([-100.0, 110.0], [pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")]), 4)
    0.0997
    """
    from scipy.optimize import brentq

    a = np.asarray(amounts, dtype=float)
    d = pd.DatetimeIndex(dates)
    if len(a) != len(d) or len(a) < 2:
        raise ConfigError("xirr needs at least two flows with one date each")
    if not (np.any(a > 0) and np.any(a < 0)):
        raise ConfigError("xirr needs flows of both signs (deposits and a final value)")
    t = np.asarray((d - d[0]).days, dtype=float) / 365.0
    if not np.any(t != t[0]):
        raise ConfigError(
            f"xirr needs flows on at least two dates; these are all on one date "
            f"({d[0].date()}), so no annual rate solves them (e.g. an account from $0 whose "
            "only contribution is on the window's last day)"
        )

    def npv(x: float) -> float:
        return float(np.sum(a * np.exp(-t * np.log1p(x))))

    lo, hi = -0.9999, 10.0
    while npv(hi) > 0 and hi < 1e6:
        hi *= 10
    return float(brentq(npv, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500))


def holding_values(rec_pos: np.ndarray, rec_shares: np.ndarray, px: np.ndarray) -> np.ndarray:
    """``shares * prices`` per bar, shape ``(n_bars, n_holdings)``, from the share records.

    ``rec_shares[j]`` holds from bar ``rec_pos[j]`` until the next record (the
    last record of a bar wins); the account value is the row sum,
    ``holding_values(...) @ ones``, as :attr:`BacktestResult.equity`.
    """
    counts = np.diff(np.append(rec_pos, len(px)))
    values = np.repeat(rec_shares, counts, axis=0)
    return np.multiply(values, px, out=values)


def time_weighted_returns(
    equity: np.ndarray, flow_pos: np.ndarray, flow_total: np.ndarray
) -> tuple[int, np.ndarray]:
    """``r_t = (V_t - F_t) / V_{t-1} - 1`` from the first bar holding money on.

    Returns the position of that first bar and the returns after it (what
    :attr:`BacktestResult.returns` holds). ``equity`` may also be 2-D, one
    column per run without flows: the returns start after the first bar on
    which every run holds money.
    """
    money = equity > 0 if equity.ndim == 1 else (equity > 0).all(axis=1)
    first = int(np.argmax(money)) if money.any() else len(equity) - 1
    gained = equity[first + 1 :]
    if len(flow_pos):  # without flows F_t = 0, and V_t - 0 is V_t exactly
        flows = np.zeros(len(equity))
        flows[flow_pos] = flow_total
        gained = gained - flows[first + 1 :]
    return first, gained / equity[first:-1] - 1.0


@dataclass(slots=True, eq=False)
class _Arrays:
    """The engine's record of one run, turned into frames on demand.

    ``rec_pos``/``rec_shares``: share counts from each position on (the last
    record of a bar wins); ``dec_rows``: absolute rows of ``market_index``
    where decisions were made; trades by window position with their cost;
    flows by window position, in total and by source.
    """

    name: str
    index: pd.DatetimeIndex
    market_index: pd.DatetimeIndex
    holdings: tuple[str, ...]
    px: np.ndarray
    rec_pos: np.ndarray
    rec_shares: np.ndarray
    dec_rows: np.ndarray
    targets: np.ndarray
    trade_pos: np.ndarray
    trade_vec: np.ndarray
    trade_cost: np.ndarray
    rebalance_pos: np.ndarray
    flow_pos: np.ndarray
    flow_total: np.ndarray
    flow_sources: dict[str, np.ndarray]
    blocked: pd.DataFrame | None
    _values: np.ndarray | None = None
    _equity: np.ndarray | None = None

    def values(self) -> np.ndarray:
        """Holding values ``shares * prices``, shape ``(n_bars, n_holdings)``."""
        if self._values is None:
            self._values = holding_values(self.rec_pos, self.rec_shares, self.px)
        return self._values

    def equity_array(self) -> np.ndarray:
        """Account value per bar: row sums of :meth:`values` (a matrix product, fastest)."""
        if self._equity is None:
            self._equity = self.values() @ np.ones(len(self.holdings))
        return self._equity

    def build(self, attr: str) -> Any:
        index = self.index
        if attr == "equity":
            return pd.Series(self.equity_array(), index=index, name=self.name)
        if attr == "returns":
            first, r = time_weighted_returns(self.equity_array(), self.flow_pos, self.flow_total)
            return pd.Series(r, index=index[first + 1 :], name=self.name)
        if attr == "weights":
            values = self.values()
            eq = self.equity_array()
            cols = list(self.holdings)
            empty = eq <= 0
            if empty.any():
                values = values.copy()
                values[empty, -1] = 1.0
                eq = np.where(empty, 1.0, eq)
            keep = cols if values[:, -1].any() else cols[:-1]
            return pd.DataFrame(values[:, : len(keep)] / eq[:, None], index=index, columns=keep)
        if attr == "targets":
            tgt = self.targets
            cols = list(self.holdings)
            keep = cols if tgt[:, -1].any() else cols[:-1]
            frame = pd.DataFrame(
                tgt[:, : len(keep)], index=self.market_index[self.dec_rows], columns=keep
            )
            frame.index.name = "date"
            return frame
        if attr in ("trades", "costs"):
            tindex = index[self.trade_pos]
            if attr == "trades":
                out: Any = pd.DataFrame(self.trade_vec, index=tindex, columns=list(self.holdings))
            else:
                out = pd.Series(self.trade_cost, index=tindex, name="cost")
            if len(self.trade_pos) > 1 and (np.diff(self.trade_pos) == 0).any():
                out = out.groupby(level=0).sum()
            out.index.name = "date"
            return out
        if attr == "cashflows":
            return pd.Series(
                self.flow_total, index=index[self.flow_pos], name="cashflow", dtype=float
            )
        if attr == "flows":
            data = {k: v for k, v in self.flow_sources.items()}
            data["total"] = self.flow_total
            frame = pd.DataFrame(data, index=index[self.flow_pos], dtype=float)
            frame.index.name = "date"
            return frame
        if attr == "rebalances":
            return pd.DatetimeIndex(index[self.rebalance_pos], name="date")
        if attr == "blocked":
            events = self.blocked
            if events is None or len(events) == 0:
                return pd.DataFrame({c: [] for c in BLOCKED_COLUMNS})
            return events
        raise AttributeError(attr)  # pragma: no cover


class ResultSet(Mapping[str, BacktestResult]):
    """Several backtests over one common window, in the order they were given.

    Behaves as a read-only mapping ``name -> BacktestResult`` and adds
    column-wise views (:attr:`equity`, :attr:`returns`) and the comparison
    helpers (:meth:`summary`, :meth:`plot_equity`, ...).
    """

    __slots__ = ("_results",)

    def __init__(self, results: Mapping[str, BacktestResult]):
        if not results:
            raise ConfigError("a ResultSet needs at least one result")
        self._results: dict[str, BacktestResult] = dict(results)

    def __getitem__(self, name: str) -> BacktestResult:
        try:
            return self._results[name]
        except KeyError:
            raise KeyError(f"no strategy named {name!r}; have {list(self._results)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def __repr__(self) -> str:
        first = next(iter(self._results.values()))
        return (
            f"ResultSet({len(self)} strategies, {first.start.date()}..{first.end.date()}: "
            f"{', '.join(self._results)})"
        )

    @property
    def names(self) -> list[str]:
        """Strategy names, in order."""
        return list(self._results)

    @property
    def equity(self) -> pd.DataFrame:
        """Account values, one column per strategy, shape ``(n_bars, n_strategies)``."""
        return pd.DataFrame({k: r.equity for k, r in self._results.items()})

    @property
    def returns(self) -> pd.DataFrame:
        """Time-weighted daily returns, one column per strategy."""
        return pd.DataFrame({k: r.returns for k, r in self._results.items()})

    def growth(self, initial: float = 10_000.0) -> pd.DataFrame:
        """Time-weighted growth of ``initial``, one column per strategy."""
        return pd.DataFrame({k: r.growth_of(initial) for k, r in self._results.items()})

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``(start, end)`` shared by every result (inclusive)."""
        first = next(iter(self._results.values()))
        return first.start, first.end

    def summary(
        self,
        benchmark: str | pd.Series | None = None,
        *,
        conventions: Conventions | str = "monthly",
        risk_free: float | pd.Series | None = None,
        risk_free_label: str | None = None,
        window: tuple[DateLike, DateLike] | None = None,
        periods_per_year: float | None = None,
        align: Literal["raise", "common"] = "raise",
        intervals: bool | Intervals = False,
    ) -> SummaryTable:
        """One row per strategy, one numeric column per metric.

        ``benchmark`` names a strategy in this set (e.g. ``"SPY"`` from
        ``buy_and_hold("SPY")``) or gives a daily returns Series. The table
        states :attr:`window` (its start is the close before the first
        return, so CAGR uses calendar years) unless ``window`` is given.
        With cash flows it adds ``final_balance``, ``contributed`` and
        ``xirr`` (money-weighted). ``intervals=True`` (or a
        :class:`~tactical.intervals.Intervals` with ``level``, ``n``,
        ``seed``) adds bootstrap confidence intervals (``cagr_lo``,
        ``cagr_hi``...). The other parameters are those of
        :func:`tactical.report.summary`.
        """
        from tactical.report import summary

        if isinstance(benchmark, str):
            self[benchmark]  # a clear KeyError naming the strategies
        return summary(
            self.returns,
            benchmark=benchmark,
            conventions=conventions,
            risk_free=risk_free,
            risk_free_label=risk_free_label,
            window=self.window if window is None else window,
            periods_per_year=periods_per_year,
            align=align,
            accounts=self,
            intervals=intervals,
        )

    def plot_equity(
        self,
        ax: Axes | None = None,
        *,
        log: bool = False,
        initial: float = 10_000,
        benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Growth chart; see :func:`tactical.charts.plots.plot_equity`."""
        from tactical.charts.plots import plot_equity

        return plot_equity(
            self, ax=ax, log=log, initial=initial, benchmarks=benchmarks, legend=legend, title=title
        )

    def plot_balance(
        self,
        ax: Axes | None = None,
        *,
        contributions: bool = True,
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Balance in dollars with contributions by source; see
        :func:`tactical.charts.plots.plot_balance`."""
        from tactical.charts.plots import plot_balance

        return plot_balance(self, ax=ax, contributions=contributions, legend=legend, title=title)

    def plot_drawdowns(
        self,
        ax: Axes | None = None,
        *,
        mark_worst: int = 3,
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Underwater chart; see :func:`tactical.charts.plots.plot_drawdowns`."""
        from tactical.charts.plots import plot_drawdowns

        return plot_drawdowns(self, ax=ax, mark_worst=mark_worst, legend=legend, title=title)

    def plot_rolling_returns(
        self,
        ax: Axes | None = None,
        *,
        months: int = 12,
        annualize: bool | None = None,
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Rolling returns chart; see :func:`tactical.charts.plots.plot_rolling_returns`."""
        from tactical.charts.plots import plot_rolling_returns

        return plot_rolling_returns(
            self, ax=ax, months=months, annualize=annualize, legend=legend, title=title
        )

    def plot_annual_returns(
        self,
        ax: Axes | None = None,
        *,
        kind: Literal["auto", "bars", "heatmap"] = "auto",
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Calendar-year bars; see :func:`tactical.charts.plots.plot_annual_returns`."""
        from tactical.charts.plots import plot_annual_returns

        return plot_annual_returns(self, ax=ax, kind=kind, legend=legend, title=title)

    def plot_allocation(
        self,
        name: str | None = None,
        ax: Axes | None = None,
        *,
        mark_rebalances: bool = True,
        legend: bool = True,
        title: str | None = None,
    ) -> Axes:
        """Allocation of one strategy; see :func:`tactical.charts.plots.plot_allocation`."""
        from tactical.charts.plots import plot_allocation

        return plot_allocation(
            self, ax=ax, name=name, mark_rebalances=mark_rebalances, legend=legend, title=title
        )

    def plot_monthly_heatmap(
        self,
        name: str | None = None,
        ax: Axes | None = None,
        *,
        annotate: bool | None = None,
        title: str | None = None,
    ) -> Axes:
        """Monthly returns heatmap; see :func:`tactical.charts.plots.plot_monthly_heatmap`."""
        from tactical.charts.plots import plot_monthly_heatmap

        return plot_monthly_heatmap(self, ax=ax, name=name, annotate=annotate, title=title)

    def tear_sheet(
        self,
        name: str | None = None,
        *,
        table: pd.DataFrame | None = None,
        path: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
        log: bool = True,
        benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
        title: str | None = None,
        luck: Mapping[str, Any] | None = None,
    ) -> Figure:
        """One-page summary as a matplotlib ``Figure`` (``luck={"sweep": ..., ...}`` adds
        the "Is it luck?" panel); see :func:`tactical.charts.sheets.tear_sheet`."""
        from tactical.charts.sheets import tear_sheet

        return tear_sheet(
            self,
            name,
            table=table,
            path=path,
            log=log,
            benchmarks=benchmarks,
            title=title,
            luck=luck,
        )

    def to_html(
        self,
        path: str | PathLike[str],
        *,
        table: pd.DataFrame | None = None,
        title: str = "Backtest report",
        benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
        luck: Mapping[str, Any] | None = None,
    ) -> Path:
        """Write a self-contained HTML report to ``path`` (str or ``pathlib.Path``) and
        return its ``Path``; see :func:`tactical.charts.sheets.html_report`."""
        from tactical.charts.sheets import html_report

        return html_report(self, path, table=table, title=title, benchmarks=benchmarks, luck=luck)

    def _repr_html_(self) -> str:
        """Notebook display: the window and strategies, then the summary (grouped, formatted)."""
        from tactical.report import result_html

        return result_html(self, title=f"ResultSet of {len(self)} strategies")
