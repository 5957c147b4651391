"""What the charts show, computed: inputs normalised, drawdowns, rolling and calendar returns.

Private helpers of :mod:`tactical.charts.plots` and :mod:`tactical.charts.sheets`, kept
apart from the drawing code. Small numpy/pandas formulas on time-weighted
growth; the public metric functions live in :mod:`tactical.metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from tactical._typing import ResultLike, ResultSetLike
from tactical.errors import ConfigError
from tactical.metrics import drawdown_series

Results: TypeAlias = ResultSetLike | ResultLike | pd.DataFrame | pd.Series
"""What a chart accepts: results, one result, or daily simple returns."""


# ---------------------------------------------------------------- inputs


def _is_result(obj: Any) -> bool:
    """Whether ``obj`` reads as one backtest result (charts read results by attribute)."""
    return not isinstance(obj, Mapping | pd.Series | pd.DataFrame) and all(
        hasattr(obj, a) for a in ("name", "equity", "returns", "weights", "trades")
    )


def _is_result_set(obj: Any) -> bool:
    """Whether ``obj`` is a non-empty mapping of name to result (a ``ResultSet``)."""
    return isinstance(obj, Mapping) and len(obj) > 0 and all(_is_result(v) for v in obj.values())


@dataclass(frozen=True, slots=True)
class _Panel:
    """Results normalised for plotting: daily returns and growth of 1, one column each."""

    names: list[str]
    returns: pd.DataFrame
    growth: pd.DataFrame  # growth of 1, first row = start (value 1)
    results: dict[str, ResultLike]  # empty for plain returns

    @property
    def start(self) -> pd.Timestamp:
        return self.growth.index[0]

    @property
    def end(self) -> pd.Timestamp:
        return self.growth.index[-1]

    @property
    def window_text(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def _result_growth(result: ResultLike) -> pd.Series:
    """Time-weighted growth of 1 on the result's equity index.

    It is 1 on the bar before the first return (the start, or the bar the
    account first held money) and NaN before it: ``G_t = prod_{s<=t}(1 + r_s)``.
    """
    index = result.equity.index
    r = result.returns.dropna()
    out = pd.Series(np.nan, index=index, name=result.name, dtype=float)
    if r.empty:
        out.iloc[:1] = 1.0
        return out
    first = int(index.get_indexer([r.index[0]])[0])
    base = max(first - 1, 0) if first >= 0 else 0
    out.iloc[base] = 1.0
    out.loc[r.index] = np.cumprod(1.0 + r.to_numpy(dtype=float))
    return out


def _as_panel(results: Results) -> _Panel:
    """Normalise any accepted input to a :class:`_Panel` without mutating it."""
    if _is_result(results):
        one: Any = results
        results = {str(one.name): one}
    if _is_result_set(results):
        chosen: dict[str, ResultLike] = {str(k): v for k, v in results.items()}  # type: ignore[union-attr]
        names = list(chosen)
        returns = pd.DataFrame({k: r.returns for k, r in chosen.items()})
        growth = pd.DataFrame({k: _result_growth(r) for k, r in chosen.items()})
        return _Panel(names=names, returns=returns, growth=growth, results=chosen)
    if isinstance(results, pd.Series):
        results = results.to_frame(name=results.name if results.name is not None else "returns")
    if isinstance(results, pd.DataFrame):
        if not isinstance(results.index, pd.DatetimeIndex):
            raise ConfigError(
                "plain returns need a DatetimeIndex; got "
                f"{type(results.index).__name__}. Pass daily returns indexed by date."
            )
        if results.empty:
            raise ConfigError("the returns to plot are empty")
        returns = results.astype(float).sort_index()
        returns.columns = [str(c) for c in returns.columns]
        start = returns.index[0] - pd.offsets.BDay(1)
        growth = (1.0 + returns.fillna(0.0)).cumprod()
        growth = growth.where(returns.notna().cummax())  # NaN before a column's first return
        first = pd.DataFrame(
            1.0, index=pd.DatetimeIndex([start], name=returns.index.name), columns=returns.columns
        )
        growth = pd.concat([first, growth])
        return _Panel(list(returns.columns), returns, growth, {})
    raise TypeError(
        "expected a ResultSet, a BacktestResult, or daily returns as a pandas Series/DataFrame; "
        f"got {type(results).__name__}"
    )


def _pick_result(results: ResultSetLike | ResultLike, name: str | None) -> ResultLike:
    """The result named ``name`` (default: the first one)."""
    if _is_result(results):
        one: Any = results
        if name is not None and name != one.name:
            raise ConfigError(f"name={name!r} does not match the result {one.name!r}")
        return one  # type: ignore[no-any-return]
    if _is_result_set(results):
        chosen: Any = results
        if name is None:
            return next(iter(chosen.values()))  # type: ignore[no-any-return]
        if name not in chosen:
            raise ConfigError(f"no strategy named {name!r}; have {list(chosen)}")
        return chosen[name]  # type: ignore[no-any-return]
    raise TypeError(
        f"expected a BacktestResult or a ResultSet (with name=...); got {type(results).__name__}"
    )


# ---------------------------------------------------------------- computations


def _drawdowns(panel: _Panel) -> pd.DataFrame:
    """Drawdown from the running peak, decimal (``-0.2`` = 20% below the peak), on growth's index.

    Computed by :func:`tactical.metrics.drawdown_series` on each column's
    returns, with 0 on the column's start (its first growth value is a peak).
    """
    out = pd.DataFrame(np.nan, index=panel.growth.index, columns=panel.names)
    for name in panel.names:
        base = panel.growth[name].first_valid_index()
        if base is None:
            continue
        out.loc[base, name] = 0.0
        r = panel.returns[name].dropna()
        if len(r):
            out.loc[r.index, name] = np.asarray(drawdown_series(r), dtype=float)
    return out


def _worst_episodes(dd: pd.Series, n: int) -> list[tuple[pd.Timestamp, float]]:
    """``(trough date, depth)`` of the ``n`` deepest separate drawdown episodes."""
    dd = dd.dropna()
    under = dd < 0
    if n <= 0 or not under.any():
        return []
    episode = (under & ~under.shift(1, fill_value=False)).cumsum()[under]
    troughs = dd[under].groupby(episode).idxmin()
    depths = dd[troughs.to_numpy()]
    worst = depths.sort_values(kind="stable").iloc[:n]
    return [(pd.Timestamp(d), float(v)) for d, v in worst.items()]


def _month_end_values(growth: pd.DataFrame) -> pd.DataFrame:
    """Growth at each month's last available date, led by the start value.

    A start in the first half of a month stands for the previous month end
    (a Jan 2 start is the Dec 31 close for this purpose); a later start is
    dropped and its own month end leads, so every window spans whole months.
    """
    last = growth.groupby(growth.index.to_period("M")).tail(1)
    start = growth.index[0]
    if start.day <= 15 and last.index[0] != start:
        return pd.concat([growth.iloc[:1], last])
    return last


def _rolling_returns(growth: pd.DataFrame, months: int, annualize: bool) -> pd.DataFrame:
    """Trailing ``months``-month compounded return at each month end, decimal."""
    m = _month_end_values(growth)
    out = m / m.shift(months) - 1.0
    if annualize:
        out = (1.0 + out) ** (12.0 / months) - 1.0
    return out.iloc[months:]


def _period_returns(returns: pd.DataFrame, keys: list[Any]) -> pd.DataFrame:
    """Compound daily returns within groups; all-NaN groups stay NaN."""
    grouped = (1.0 + returns).groupby(keys)
    out = grouped.prod(min_count=1) - 1.0
    return out


def _annual_returns(panel: _Panel) -> pd.DataFrame:
    """Calendar-year returns, decimal, one row per year (index: int year)."""
    r = panel.returns
    return _period_returns(r, [r.index.year])


def _partial_years(panel: _Panel) -> set[int]:
    """Years the window covers only partly (start after Jan 7 or end before Dec 24)."""
    partial = set()
    if (panel.start.month, panel.start.day) > (1, 7):
        partial.add(panel.start.year)
    if (panel.end.month, panel.end.day) < (12, 24):
        partial.add(panel.end.year)
    return partial


def _monthly_table(returns: pd.Series) -> pd.DataFrame:
    """Monthly returns, decimal: years by months (1..12)."""
    r = returns.to_frame("r")
    monthly = _period_returns(r, [r.index.year, r.index.month])["r"]
    table = monthly.unstack()
    return table.reindex(columns=range(1, 13))


def _monthly_grid(returns: pd.Series) -> pd.DataFrame:
    """Monthly returns, decimal: years by 13 columns, months 1..12 then ``"Year"``."""
    table = _monthly_table(returns)
    yearly = _period_returns(returns.to_frame("r"), [returns.index.year])["r"]
    table["Year"] = yearly.reindex(table.index)
    return table


def _rebalance_dates(result: ResultLike) -> pd.DatetimeIndex:
    """Execution dates of rebalances: strategy trades, not contribution purchases.

    ``result.rebalances`` when the result has it; otherwise the execution dates
    after the initial investment with any nonzero trade, where on the date of
    a cash flow the traded amount ``sum_i |trade_i|`` must exceed the flow's
    ``|F_t|`` (plus ``1e-9 V_t``): buying only with a paycheck (or selling
    only for a withdrawal) is not a rebalance.
    """
    recorded = getattr(result, "rebalances", None)
    if recorded is not None:
        return pd.DatetimeIndex(recorded)
    trades = result.trades
    if len(trades) <= 1:
        return pd.DatetimeIndex([])
    later = trades.iloc[1:].fillna(0.0)
    traded = later.abs().sum(axis=1)
    flows = _flows(result)
    if flows is not None:
        # on a flow date, only trading beyond the flow itself (any sale with a paycheck,
        # any purchase with a withdrawal) is a rebalance
        net = flows["total"].groupby(level=0).sum().reindex(later.index, fill_value=0.0).abs()
        value = result.equity.reindex(later.index).abs().fillna(0.0)
        traded = traded - net - 1e-9 * value
    return pd.DatetimeIndex(later.index[(traded > 0).to_numpy()])


# Columns a contributions frame may carry for auditing (I3): amounts that are not money in.
_AUDIT_COLUMNS = ("pay", "salary", "deferral", "limit_reached", "catch_up_eligible")


def _flows(result: ResultLike) -> pd.DataFrame | None:
    """External flows by source (columns: sources, then ``total``), or None without any.

    ``result.flows`` (by source) when the result has it and it is not empty,
    without audit columns (``pay``, ``limit_reached``...); else
    ``result.cashflows`` as a ``total`` column. All-zero flows count as none.
    """
    frame = getattr(result, "flows", None)
    if isinstance(frame, pd.DataFrame) and not frame.empty:
        out = frame.select_dtypes("number").drop(columns=list(_AUDIT_COLUMNS), errors="ignore")
        out = out.astype(float)
        if "total" not in out.columns:
            out["total"] = out.sum(axis=1)
    else:
        cash = getattr(result, "cashflows", None)
        if cash is None or len(cash) == 0:
            return None
        out = pd.Series(cash, dtype=float).to_frame("total")
    if not np.any(out["total"].to_numpy() != 0.0):
        return None
    return out


def _initial_deposit(result: ResultLike, flows: pd.DataFrame | None) -> float:
    """The amount invested at the start, apart from the cash flows.

    ``result.contributed["initial"]`` when the result has it, else
    ``config["initial"]``, else the first equity value less any flow on that date.
    """
    contributed = getattr(result, "contributed", None)
    if isinstance(contributed, pd.Series) and "initial" in contributed.index:
        return float(contributed["initial"])
    initial = result.config.get("initial") if isinstance(result.config, Mapping) else None
    if isinstance(initial, int | float):
        return float(initial)
    first = float(result.equity.iloc[0])
    if flows is not None and result.equity.index[0] in flows.index:
        first -= float(flows.loc[[result.equity.index[0]], "total"].sum())
    return first


def _contributions(result: ResultLike) -> pd.DataFrame:
    """Cumulative money put in, by source, on the result's equity index (currency).

    Columns: ``initial`` (when it is not 0), then each flow source
    (``employee``, ``employer``...), or ``contributions`` when the flows have
    no sources, and ``other`` for any part of ``total`` the sources do not
    cover. Each column is ``sum`` of its flows on or before the date; a flow
    dated off the calendar counts from the next trading day. Withdrawals
    count negative, so the sum of the columns is the net amount contributed.
    """
    index = result.equity.index
    flows = _flows(result)
    out = pd.DataFrame(index=index)
    initial = _initial_deposit(result, flows)
    if initial != 0.0:
        out["initial"] = initial
    if flows is None:
        return out
    sources = [c for c in flows.columns if c != "total"]
    parts = (
        flows[sources].copy()
        if sources
        else flows[["total"]].rename(columns={"total": "contributions"})
    )
    if sources:
        rest = flows["total"] - flows[sources].sum(axis=1)
        if np.any(np.abs(rest.to_numpy()) > 1e-9 * max(1.0, float(flows["total"].abs().max()))):
            parts["other"] = rest
    position = np.minimum(index.searchsorted(pd.DatetimeIndex(parts.index)), len(index) - 1)
    per_bar = parts.groupby(position).sum()
    for col in per_bar.columns:
        daily = np.zeros(len(index))
        daily[per_bar.index.to_numpy()] = per_bar[col].to_numpy()
        out[str(col)] = np.cumsum(daily)
    return out
