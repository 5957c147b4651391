"""Charts of the account itself: its balance in dollars and what it holds.

:func:`plot_balance` shows the balance with the money contributed beneath it
(the chart a saver looks at first); :func:`plot_allocation` the drifted
weights with the rebalances marked. Both are re-exported by
:mod:`tactical.charts.plots` and :mod:`tactical.charts`. Results are read by
attribute (``equity``, ``weights``, ``trades``, ``flows``, ``rebalances``...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical._typing import ResultLike, ResultSetLike
from tactical.charts.data import (
    _as_panel,
    _contributions,
    _is_result_set,
    _pick_result,
    _rebalance_dates,
)
from tactical.charts.style import (
    _LINE_WIDTH,
    _axes_inches,
    _date_axis,
    _holding_colors,
    _legend_outside,
    _money,
    _new_axes,
    _percent_axis,
    _style,
    _ylabel,
    strategy_colors,
    strategy_linestyles,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_balance", "plot_allocation"]


# Cumulative contributions by source, beneath the balance lines: light, and never a strategy colour.
_SOURCE_COLORS = {
    "initial": "#d9d9d9",
    "employee": "#9ecae1",
    "employer": "#a1d99b",
    "contributions": "#9ecae1",
    "other": "#fdd0a2",
}
_SOURCE_LABELS = {
    "initial": "Initial deposit",
    "employee": "Employee contributions",
    "employer": "Employer contributions",
    "contributions": "Contributions",
    "other": "Other flows",
}
_SOURCE_EXTRA = ("#dadaeb", "#fdae6b", "#c7e9c0", "#bcbddc")


def plot_balance(
    results: ResultSetLike | ResultLike,
    ax: Axes | None = None,
    *,
    contributions: bool = True,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Account balance in dollars, with the money contributed by source beneath.

    The chart a saver looks at first: what the account is worth, and how much
    of it is their own money, the employer's and growth.

    Parameters
    ----------
    results : ResultSet or BacktestResult
        Results (the balance needs them: plain returns carry no dollars).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    contributions : bool, default True
        Draw the cumulative contributions as stacked areas by source
        (``initial`` deposit, then ``employee``, ``employer``... from
        ``result.flows``; a result with only ``cashflows`` gives one
        ``contributions`` area). When the strategies' contributions differ,
        each strategy's total is drawn as a dotted line in its colour instead.
    legend : bool, default True
        Draw a legend outside the plot, on the right; each strategy's entry
        states its final balance, each source its total.
    title : str, optional
        Title; by default it states the window.

    Returns
    -------
    Axes
        One line per strategy (its ``equity``), then the contribution areas
        (one ``PolyCollection`` per source) or lines.

    Notes
    -----
    The balance is ``equity``: the account value in currency at each close,
    flows included (not time-weighted). Contributions on each date are
    ``C_t = initial + sum_{s<=t} F_s`` per source, so the gap between the
    balance and the top of the areas is the growth (or loss) to date:
    ``growth = balance - contributed``. Withdrawals count negative.
    """
    if not (_is_result_set(results) or hasattr(results, "equity")):
        raise TypeError(
            "plot_balance needs backtest results (a ResultSet or a BacktestResult); "
            f"got {type(results).__name__}: plain returns carry no dollar balance"
        )
    panel = _as_panel(results)
    chosen = list(panel.results.values())
    ax = _new_axes(ax)
    colors = strategy_colors(panel.names)
    styles = strategy_linestyles(panel.names)
    start, end = chosen[0].equity.index[0], chosen[0].equity.index[-1]
    for name, result in panel.results.items():
        eq = result.equity.astype(float)
        ax.plot(
            eq.index,
            eq.to_numpy(),
            color=colors[name],
            linestyle=styles[name],
            linewidth=_LINE_WIDTH,
            label=f"{name}: {_money(float(eq.iloc[-1]))}",
            zorder=3,
        )
    if contributions:
        tables = [_contributions(r) for r in chosen]
        totals = [t.sum(axis=1).reindex(tables[0].index) for t in tables]
        same = all(
            np.allclose(t.to_numpy(), totals[0].to_numpy(), rtol=1e-9, atol=1e-6, equal_nan=True)
            for t in totals
        )
        if same and not tables[0].empty:
            table = tables[0]
            extra = iter(_SOURCE_EXTRA * 4)
            ax.stackplot(
                table.index,
                *[table[c].clip(lower=0.0).to_numpy() for c in table.columns],
                labels=[
                    f"{_SOURCE_LABELS.get(c, f'{c} contributions')}: "
                    f"{_money(float(table[c].iloc[-1]))}"
                    for c in table.columns
                ],
                colors=[_SOURCE_COLORS.get(c) or next(extra) for c in table.columns],
                linewidth=0.0,
                zorder=1,
            )
        elif not same:
            for name, total in zip(panel.names, totals, strict=True):
                ax.plot(
                    total.index,
                    total.to_numpy(),
                    color=colors[name],
                    linestyle=":",
                    linewidth=1.0,
                    label=f"Contributed ({name}): {_money(float(total.iloc[-1]))}",
                    zorder=2,
                )
    _style(ax)
    _date_axis(ax, start, end)
    from matplotlib.ticker import FuncFormatter

    ax.set_ylim(bottom=0.0)
    ax.yaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_ylabel("Balance ($)")
    ax.set_title(
        title or f"Balance and contributions, {start:%Y-%m-%d} to {end:%Y-%m-%d}", loc="left"
    )
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        # strategies first, then the money in: areas from the top one down (stacking reversed)
        n = len(panel.names)
        pairs = list(zip(handles, labels, strict=True))
        pairs = pairs[:n] + pairs[n:][::-1]
        _legend_outside(ax, [h for h, _ in pairs], [lab for _, lab in pairs])
    return ax


def plot_allocation(
    result: ResultSetLike | ResultLike,
    ax: Axes | None = None,
    *,
    name: str | None = None,
    mark_rebalances: bool = True,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Daily drifted weights of one strategy as a stacked area.

    Parameters
    ----------
    result : BacktestResult or ResultSet
        One result, or a set with ``name`` choosing the strategy.
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    name : str, optional
        Strategy to draw from a ``ResultSet``; default the first one (the
        title names it).
    mark_rebalances : bool, default True
        Mark rebalances with short ticks along the top edge: the strategy's
        trades after the initial investment (``result.rebalances``), not the
        purchases made with contributions (without that attribute, a trade on
        the date of a cash flow counts only when it trades more than the
        flow). Ticks closer than 3 points merge into
        a band, so when more than one gap in ten is that close, rebalances are
        marked once per week, month, quarter or year with any (the finest
        period that keeps ticks apart); the legend gives the count and says so.
    legend : bool, default True
        Draw a legend of holdings outside the plot, on the right.
    title : str, optional
        Title; by default the strategy and the window.

    Returns
    -------
    Axes
        One filled area per holding that is ever held, plus one line
        collection of rebalance ticks (labelled ``"Rebalances (n)"``) when
        there are any.

    Notes
    -----
    Holdings get colours in their order of first appearance across the set,
    so a fund has the same colour in every strategy's chart; ``"CASH"`` is
    light grey.
    """
    chosen = _pick_result(result, name)
    pool: Any = result.values() if _is_result_set(result) else [chosen]  # type: ignore[union-attr]
    hcolors = _holding_colors([c for r in pool for c in r.weights.columns])
    weights = chosen.weights.astype(float).clip(lower=0.0)
    held = [c for c in weights.columns if (weights[c] > 1e-12).any()]
    start, end = chosen.equity.index[0], chosen.equity.index[-1]
    ax = _new_axes(ax)
    ax.stackplot(
        weights.index,
        *[weights[c].to_numpy() for c in held],
        labels=held,
        colors=[hcolors[c] for c in held],
        linewidth=0.0,
    )
    if mark_rebalances:
        dates = _rebalance_dates(chosen)
        if len(dates):
            shown, per = _thin_marks(dates, start, end, _axes_inches(ax)[0])
            label = f"Rebalances ({len(dates)})" + (f"\none tick per {per}" if per else "")
            ax.vlines(
                shown,
                0.965,
                1.0,
                transform=ax.get_xaxis_transform(),
                color="#222222",
                linewidth=0.7,
                label=label,
                zorder=4,
            )
    _style(ax)
    ax.grid(False)
    _date_axis(ax, start, end)
    ax.set_ylim(0.0, 1.0)
    _percent_axis(ax)
    _ylabel(ax, "Weight (% of account)", "Weight (%)")
    window = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    ax.set_title(title or f"Allocation: {chosen.name}, {window}", loc="left")
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        # stack order: the top area first, the rebalance marker last
        areas = [(h, lab) for h, lab in zip(handles, labels, strict=True) if lab in held][::-1]
        from matplotlib.lines import Line2D

        tick = Line2D([], [], color="#222222", marker="|", linestyle="none", markersize=8)
        other = [(tick, lab) for lab in labels if lab not in held]  # drawn as a vertical tick
        pairs = areas + other
        _legend_outside(ax, [h for h, _ in pairs], [lab for _, lab in pairs])
    return ax


_MARK_GAP_POINTS = 3.0  # rebalance ticks closer than this merge into a band
_MAX_CLOSE_SHARE = 0.1  # thin the ticks when more gaps than this share are that close
_MARK_PERIODS = (("W", "week", 7.0), ("M", "month", 30.44), ("Q", "quarter", 91.31))


def _thin_marks(
    dates: pd.DatetimeIndex, start: pd.Timestamp, end: pd.Timestamp, width_in: float
) -> tuple[pd.DatetimeIndex, str | None]:
    """Dates to tick, and the period they are thinned to (None when all are shown).

    All dates unless more than one gap in ten is under 3 points on an axis
    ``width_in`` wide; else the first date in each week, month, quarter or
    year with any, the finest period at least 3 points long.
    """
    if len(dates) < 2:
        return dates, None
    need = max((end - start).days, 1) * _MARK_GAP_POINTS / (max(width_in, 1.0) * 72.0)
    gaps = np.diff(dates.to_numpy()).astype("timedelta64[s]").astype(float) / 86_400.0  # days
    if np.mean(gaps < need) <= _MAX_CLOSE_SHARE:  # a few close pairs do not make a band
        return dates, None
    freq, word = "Y", "year"
    for f, w, days in _MARK_PERIODS:
        if days >= need:
            freq, word = f, w
            break
    periods = dates.to_period(freq)
    return dates[~periods.duplicated()], word
