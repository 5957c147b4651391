"""What the charts show, computed: inputs normalised, drawdowns, rolling and calendar returns.

Private helpers of :mod:`tactical.charts.plots` and :mod:`tactical.charts.sheets`, kept
apart from the drawing code. Small numpy/pandas formulas on time-weighted
growth; the public metric functions live in :mod:`tactical.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import pandas as pd

from tactical.errors import ConfigError
from tactical.results import BacktestResult, ResultSet

Results: TypeAlias = ResultSet | BacktestResult | pd.DataFrame | pd.Series
"""What a chart accepts: results, one result, or daily simple returns."""


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class _Panel:
    """Results normalised for plotting: daily returns and growth of 1, one column each."""

    names: list[str]
    returns: pd.DataFrame
    growth: pd.DataFrame  # growth of 1, first row = start (value 1)
    results: dict[str, BacktestResult]  # empty for plain returns

    @property
    def start(self) -> pd.Timestamp:
        return self.growth.index[0]

    @property
    def end(self) -> pd.Timestamp:
        return self.growth.index[-1]

    @property
    def window_text(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def _as_panel(results: Results) -> _Panel:
    """Normalise any accepted input to a :class:`_Panel` without mutating it."""
    if isinstance(results, BacktestResult):
        results = ResultSet({results.name: results})
    if isinstance(results, ResultSet):
        return _Panel(
            names=results.names,
            returns=results.returns,
            growth=results.growth(1.0),
            results=dict(results.items()),
        )
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


def _pick_result(results: ResultSet | BacktestResult, name: str | None) -> BacktestResult:
    """The result named ``name`` (default: the first one)."""
    if isinstance(results, BacktestResult):
        if name is not None and name != results.name:
            raise ConfigError(f"name={name!r} does not match the result {results.name!r}")
        return results
    if isinstance(results, ResultSet):
        return results[name] if name is not None else next(iter(results.values()))
    raise TypeError(
        f"expected a BacktestResult or a ResultSet (with name=...); got {type(results).__name__}"
    )


# ---------------------------------------------------------------- computations


def _drawdowns(growth: pd.DataFrame) -> pd.DataFrame:
    """Drawdown from the running peak, decimal (``-0.2`` = 20% below the peak)."""
    return growth / growth.cummax() - 1.0


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


def _rebalance_dates(result: BacktestResult) -> pd.DatetimeIndex:
    """Execution dates after the initial investment with any nonzero trade."""
    trades = result.trades
    if len(trades) <= 1:
        return pd.DatetimeIndex([])
    later = trades.iloc[1:]
    traded = (later.fillna(0.0).abs() > 0).any(axis=1)
    return pd.DatetimeIndex(later.index[traded.to_numpy()])
