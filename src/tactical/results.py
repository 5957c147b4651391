"""Backtest results: :class:`BacktestResult` for one strategy, :class:`ResultSet` for several.

Results store data and never compute metrics behind attribute access; pass
``result.returns`` to the functions in :mod:`tactical.metrics`, or call
:meth:`ResultSet.summary` which does that explicitly.

Conventions
-----------
* ``equity`` is the account value in currency at each bar's close, after that
  bar's trades, costs and cash flows. Its first row is the start date, holding
  ``initial``.
* ``returns`` are daily simple **time-weighted** returns,
  ``r_t = (V_t - F_t) / V_{t-1} - 1`` where ``F_t`` is the external cash flow
  at the close of ``t`` (positive = contribution). They start on the second bar:
  ``returns.index == equity.index[1:]`` (a return needs two prices).
* ``weights`` are the drifted end-of-day weights, ``holding_i / V_t``, on the
  same index as ``equity``; each row sums to 1.
* ``targets`` are the allocator's decisions, indexed by decision date.
* ``trades`` are signed currency amounts (buy > 0), indexed by execution date;
  ``costs`` are the transaction costs paid on those dates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

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
    from tactical.report import SummaryTable

__all__ = ["BacktestResult", "ResultSet", "xirr"]


@dataclass(frozen=True, slots=True, eq=False)
class BacktestResult:
    """Everything one backtest produced. Frozen: variants are new backtests.

    Attributes
    ----------
    name : str
        Label of the strategy (the key given to :func:`~tactical.backtest_many`).
    equity : pandas.Series
        Account value at each close, length ``n_bars``.
    returns : pandas.Series
        Time-weighted simple daily returns, length ``n_bars - 1``.
    weights : pandas.DataFrame
        Drifted weights, shape ``(n_bars, n_holdings)``; rows sum to 1.
    targets : pandas.DataFrame
        Target weights decided by the allocator, one row per decision date.
    trades : pandas.DataFrame
        Signed traded amounts in currency, one row per execution date.
    costs : pandas.Series
        Transaction costs in currency, one value per execution date.
    cashflows : pandas.Series
        External flows applied (contribution > 0, withdrawal < 0), by date.
    turnover : float
        Sum over rebalances (the initial investment excluded) of one-way
        turnover ``sum_i |trade_i| / (2 * V_pre)``; divide by years for an
        annual figure (:attr:`annual_turnover`).
    n_rebalances : int
        Executions after the initial investment that traded anything.
    config : Mapping[str, Any]
        What produced the result: strategy repr, schedule, rule, lag, costs,
        window, initial value.
    """

    name: str
    equity: pd.Series
    returns: pd.Series
    weights: pd.DataFrame
    targets: pd.DataFrame
    trades: pd.DataFrame
    costs: pd.Series
    cashflows: pd.Series
    turnover: float
    n_rebalances: int
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> pd.Timestamp:
        """First date of the backtest window (inclusive)."""
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
        """Sum of all transaction costs paid, in currency."""
        return float(self.costs.sum())

    def growth(self, initial: float = 1.0) -> pd.Series:
        """Time-weighted growth of ``initial`` on ``equity``'s index.

        Equals ``equity / equity.iloc[0] * initial`` when there are no cash
        flows; with flows it strips them out, so it is what a single deposit
        would have become.
        """
        index = np.concatenate(([1.0], np.cumprod(1.0 + self.returns.to_numpy())))
        return pd.Series(index * initial, index=self.equity.index, name=self.name)

    def money_weighted_return(self) -> float:
        """Annual money-weighted return (XIRR) of the account, act/365.

        Cash flows are the initial deposit at the start, every contribution
        and withdrawal, and the final value at the end; see :func:`xirr`.
        """
        flows = [(-float(self.equity.iloc[0]), self.start)]
        # a flow on the start date is already part of equity.iloc[0]
        for date, amount in self.cashflows.items():
            if date != self.start:
                flows.append((-float(amount), pd.Timestamp(date)))
        flows.append((float(self.equity.iloc[-1]), self.end))
        return xirr([a for a, _ in flows], [d for _, d in flows])

    def __repr__(self) -> str:
        return (
            f"BacktestResult({self.name!r}, {self.start.date()}..{self.end.date()}, "
            f"final={self.equity.iloc[-1]:,.2f}, rebalances={self.n_rebalances})"
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
        If the flows do not change sign (no rate solves the equation).

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

    def npv(x: float) -> float:
        return float(np.sum(a * np.exp(-t * np.log1p(x))))

    lo, hi = -0.9999, 10.0
    while npv(hi) > 0 and hi < 1e6:
        hi *= 10
    return float(brentq(npv, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500))


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
        return pd.DataFrame({k: r.growth(initial) for k, r in self._results.items()})

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
    ) -> SummaryTable:
        """One row per strategy, one numeric column per metric.

        ``benchmark`` names a strategy in this set (e.g. ``"SPY"`` from
        ``buy_and_hold("SPY")``) or gives a daily returns Series. The table
        states :attr:`window` (its start is the close before the first
        return, so CAGR uses calendar years) unless ``window`` is given.
        With cash flows it adds ``final_balance``, ``contributed`` and
        ``xirr`` (money-weighted). The other parameters are those of
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
    ) -> Figure:
        """One-page summary as a matplotlib ``Figure``; see
        :func:`tactical.charts.sheets.tear_sheet`."""
        from tactical.charts.sheets import tear_sheet

        return tear_sheet(
            self, name, table=table, path=path, log=log, benchmarks=benchmarks, title=title
        )

    def to_html(
        self,
        path: str | PathLike[str],
        *,
        table: pd.DataFrame | None = None,
        title: str = "Backtest report",
        benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    ) -> Path:
        """Write a self-contained HTML report to ``path`` (str or ``pathlib.Path``) and
        return its ``Path``; see :func:`tactical.charts.sheets.html_report`."""
        from tactical.charts.sheets import html_report

        return html_report(self, path, table=table, title=title, benchmarks=benchmarks)

    def _repr_html_(self) -> str:
        """Notebook display: the window and strategies, then the summary (grouped, formatted)."""
        from tactical.report import result_html

        return result_html(self, title=f"ResultSet of {len(self)} strategies")
