"""Charts of backtest results, drawn with matplotlib.

Every chart takes results and an optional ``ax`` and returns the
:class:`~matplotlib.axes.Axes` it drew on. None of them calls ``show()`` or
touches global style (``rcParams``, ``plt.style``); matplotlib is imported
inside the functions so ``import tactical`` stays fast.

Inputs
------
Where it makes sense a chart accepts a :class:`~tactical.results.ResultSet`,
a single :class:`~tactical.results.BacktestResult`, or plain daily simple
returns (a ``Series``, or a ``DataFrame`` with one column per strategy). For
plain returns the start value is placed one business day before the first
return, since a return needs a previous value.

Colours
-------
:func:`strategy_colors` gives each strategy a colour by its position in the
results, so the same results draw each strategy in the same colour on every
chart. External benchmarks (returns passed to ``benchmarks=``) are drawn in
neutral dark greys with dashed lines; holdings in allocation charts use a
separate palette so they are never mistaken for strategies.

Figures
-------
With ``ax=None`` a chart opens a new pyplot figure (so it shows in Jupyter);
:func:`tear_sheet` and :func:`html_report` build
:class:`~matplotlib.figure.Figure` objects directly and leave no pyplot
figure open.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tactical._typing import CASH
from tactical.charts.data import (
    Results,
    _annual_returns,
    _as_panel,
    _drawdowns,
    _monthly_grid,
    _partial_years,
    _pick_result,
    _rebalance_dates,
    _rolling_returns,
    _worst_episodes,
)
from tactical.errors import ConfigError
from tactical.results import BacktestResult, ResultSet

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "strategy_colors",
    "plot_equity",
    "plot_drawdowns",
    "plot_rolling_returns",
    "plot_annual_returns",
    "plot_allocation",
    "plot_monthly_heatmap",
    "tear_sheet",
    "html_report",
]


# Strategy colours: each has a contrast ratio of at least 3.4 against white (WCAG 2), so it
# reads as text in tables as well as a line. tab10 without its grey (kept for benchmarks), its
# light hues (orange, pink, olive, cyan) darkened; then the dark tab20b shades.
_STRATEGY_PALETTE = (
    "#1f77b4", "#d95f02", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#c2379a", "#7f7f00", "#0e8a99",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#5254a3", "#ad494a", "#a55194", "#1a5e20",
)  # fmt: skip
# (colour, dash style) for external benchmarks: neutral, distinct.
_BENCHMARK_STYLES = (
    ("#222222", "--"),
    ("#777777", "--"),
    ("#222222", ":"),
    ("#777777", ":"),
    ("#222222", "-."),
    ("#777777", "-."),
)
# Holdings in allocation charts: ColorBrewer Set2 and Dark2 (colour-blind safe), cash in grey.
_HOLDING_PALETTE = (
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494",
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
)  # fmt: skip
_CASH_COLOR = "#c8c8c8"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LINE_WIDTH = 1.4
_DEFAULT_SIZE = (10.0, 5.0)
# Calendar-year chart: grouped bars up to this many series and bars, else a heat-table.
_MAX_BAR_SERIES = 5
_MAX_BARS = 120
# Heat-tables write a number in each cell up to this many columns (years) / rows (years).
_MAX_ANNOTATED_COLUMNS = 40
_MAX_ANNOTATED_ROWS = 60


# ---------------------------------------------------------------- colours


def strategy_colors(names: Sequence[str] | ResultSet) -> dict[str, str]:
    """Colour of each strategy, by its position in ``names``.

    Parameters
    ----------
    names : sequence of str or ResultSet
        Strategy names in display order (a ``ResultSet`` gives its own order).

    Returns
    -------
    dict of str to str
        ``name -> hex colour``. Position ``i`` always gets the same colour, so
        the same results draw each strategy in the same colour on every chart.
        The first nine are tab10 without its grey (kept for benchmarks), with
        its light hues darkened; the next nine dark tab20b shades. Every
        colour has a contrast ratio of at least 3 against white, so it also
        reads as text (table rows). Beyond 18 strategies colours repeat.

    Examples
    --------
    >>> strategy_colors(["60/40", "Trend", "SPY"])
    {'60/40': '#1f77b4', 'Trend': '#d95f02', 'SPY': '#2ca02c'}
    """
    keys = list(names.names) if isinstance(names, ResultSet) else list(names)
    return {k: _STRATEGY_PALETTE[i % len(_STRATEGY_PALETTE)] for i, k in enumerate(keys)}


def _holding_colors(holdings: Sequence[str]) -> dict[str, str]:
    """Colour per holding in first-seen order; cash is always light grey."""
    colors: dict[str, str] = {}
    i = 0
    for h in holdings:
        if h in colors:
            continue
        if h == CASH:
            colors[h] = _CASH_COLOR
        else:
            colors[h] = _HOLDING_PALETTE[i % len(_HOLDING_PALETTE)]
            i += 1
    return colors


# ---------------------------------------------------------------- drawing helpers


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = _DEFAULT_SIZE) -> Axes:
    """``ax``, or the axes of a new pyplot figure (constrained layout) when None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _money(x: float, _pos: Any = None) -> str:
    """``$12k``-style currency tick label."""
    ax_ = abs(x)
    if ax_ >= 1e6:
        return f"${x / 1e6:,.4g}M"
    if ax_ >= 1e3:
        return f"${x / 1e3:,.4g}k"
    if ax_ >= 1:
        return f"${x:,.4g}"
    return f"${x:.2g}"


def _percent(value: float, decimals: int = 0) -> str:
    """``-12%`` with a true minus sign; never ``-0%``."""
    text = f"{value * 100:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\N{MINUS SIGN}") + "%"


def _percent_axis(ax: Axes) -> None:
    """Decimal values shown as percent ticks, decimals by the visible span."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: Any = None) -> str:
        lo, hi = ax.yaxis.get_view_interval()
        span = abs(hi - lo)
        return _percent(x, 0 if span >= 0.05 else 1 if span >= 0.005 else 2)

    ax.yaxis.set_major_formatter(FuncFormatter(fmt))


def _date_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlim(start, end)


def _legend(ax: Axes) -> None:
    """Legend of the labelled artists, outside the plot area; none when nothing is labelled."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    _legend_outside(ax, handles, labels)


def _legend_outside(ax: Axes, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """Legend of ``handles`` outside the plot area on the right (never over the data)."""
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize="small",
    )


def _style(ax: Axes) -> None:
    """Light grid behind the data, no top/right spines (local to this Axes)."""
    ax.grid(True, which="major", color="#e0e0e0", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _benchmark_frames(
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None, names: list[str]
) -> tuple[set[str], pd.DataFrame | None]:
    """Split ``benchmarks`` into names of the set and external returns."""
    if benchmarks is None:
        return set(), None
    if isinstance(benchmarks, pd.Series):
        name = benchmarks.name if benchmarks.name is not None else "benchmark"
        return set(), benchmarks.to_frame(name=str(name))
    if isinstance(benchmarks, pd.DataFrame):
        return set(), benchmarks
    chosen = [benchmarks] if isinstance(benchmarks, str) else list(benchmarks)
    unknown = [b for b in chosen if b not in names]
    if unknown:
        raise ConfigError(
            f"benchmarks {unknown} are not strategies in the results {names}; pass their "
            "daily returns as a Series or DataFrame to draw external benchmarks"
        )
    return set(chosen), None


# ---------------------------------------------------------------- charts


def plot_equity(
    results: Results,
    ax: Axes | None = None,
    *,
    log: bool = False,
    initial: float = 10_000,
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Growth of ``initial`` (time-weighted) for each strategy, with benchmarks.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (one column per strategy).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    log : bool, default False
        Logarithmic value axis (equal vertical distances are equal returns;
        the right choice over decades).
    initial : float, default 10_000
        Starting value in dollars.
    benchmarks : str, sequence of str, Series or DataFrame, optional
        Names of strategies in ``results`` to draw as benchmarks (dashed, in
        their own colour), or external daily simple returns (Series or one
        column each) drawn in neutral greys, compounded from the start date
        over the results' window.
    legend : bool, default True
        Draw a legend outside the plot, on the right.
    title : str, optional
        Title; by default it states the amount and the window.

    Returns
    -------
    Axes
        One line per strategy, then one per external benchmark.

    Notes
    -----
    Growth is ``initial * prod(1 + r_t)`` over the time-weighted daily
    returns, so contributions and withdrawals do not show as growth.
    """
    panel = _as_panel(results)
    ax = _new_axes(ax)
    in_set, external = _benchmark_frames(benchmarks, panel.names)
    colors = strategy_colors(panel.names)
    growth = panel.growth * initial
    for name in panel.names:
        bench = name in in_set
        ax.plot(
            growth.index,
            growth[name].to_numpy(),
            color=colors[name],
            label=name,
            linewidth=_LINE_WIDTH,
            linestyle="--" if bench else "-",
            zorder=2 if bench else 3,
        )
    if external is not None:
        for i, col in enumerate(external.columns):
            r = external[col].astype(float)
            r = r[(r.index > panel.start) & (r.index <= panel.end)].dropna()
            values = np.concatenate(([initial], initial * np.cumprod(1.0 + r.to_numpy())))
            dates = pd.DatetimeIndex([panel.start]).append(r.index)
            color, dash = _BENCHMARK_STYLES[i % len(_BENCHMARK_STYLES)]
            ax.plot(
                dates, values, color=color, linestyle=dash, linewidth=1.2, label=str(col), zorder=2
            )
    _style(ax)
    _date_axis(ax, panel.start, panel.end)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    if log:
        ax.set_yscale("log")
        lo, hi = np.nanmin(growth.to_numpy()), np.nanmax(growth.to_numpy())
        decades = math.log10(hi / lo) if lo > 0 else 2.0
        subs: tuple[float, ...] = (
            (1.0, 2.0, 5.0) if decades > 1.2 else (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
        )
        if decades < 0.4:
            subs = tuple(float(s) for s in np.arange(1.0, 10.0, 0.5))
        ax.yaxis.set_major_locator(LogLocator(base=10.0, subs=subs))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="minor", color="#f2f2f2", linewidth=0.5)
    ax.yaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_ylabel("Value ($, log scale)" if log else "Value ($)")
    ax.set_title(title or f"Growth of ${initial:,.0f}, {panel.window_text}", loc="left")
    if legend:
        _legend(ax)
    return ax


def plot_drawdowns(
    results: Results,
    ax: Axes | None = None,
    *,
    mark_worst: int = 3,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Underwater chart: how far each strategy is below its previous peak.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (one column per strategy).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    mark_worst : int, default 3
        Mark the trough of each strategy's ``mark_worst`` deepest separate
        drawdowns with a dot (and, for a single strategy, its depth); 0 marks
        none. The legend states each strategy's maximum drawdown.
    legend : bool, default True
        Draw a legend outside the plot, on the right.
    title : str, optional
        Title; by default it states the window.

    Returns
    -------
    Axes
        One line per strategy, plus one marker collection per strategy with
        marked troughs.

    Notes
    -----
    Drawdown is ``G_t / max_{s<=t} G_s - 1`` on time-weighted growth ``G``,
    the start value included, so a loss on the first day counts. Episodes are
    separated by a return to a new peak.
    """
    panel = _as_panel(results)
    ax = _new_axes(ax)
    colors = strategy_colors(panel.names)
    dd = _drawdowns(panel.growth)
    ax.axhline(0.0, color="#555555", linewidth=0.8, zorder=1)
    # one strategy: depth labels at the troughs; several: the legend states each maximum
    # (labels of several strategies collide in shared crashes such as 2008, 2020, 2022)
    single = len(panel.names) == 1
    for name in panel.names:
        ax.plot(
            dd.index,
            dd[name].to_numpy(),
            color=colors[name],
            label=name,
            linewidth=_LINE_WIDTH * (0.85 if single else 0.7),
            zorder=3,
        )
        if single:
            ax.fill_between(
                dd.index,
                dd[name].to_numpy(),
                0.0,
                color=colors[name],
                alpha=0.2,
                linewidth=0,
                zorder=2,
            )
        worst = _worst_episodes(dd[name], mark_worst)
        if not worst:
            continue
        dates = [d for d, _ in worst]
        depths = [v for _, v in worst]
        ax.scatter(
            dates, depths, s=22, color=colors[name], edgecolor="white", linewidth=0.6, zorder=4
        )
        if single:
            for d, v in worst:
                ax.annotate(
                    _percent(v),
                    (d, v),
                    xytext=(0, -9),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize="x-small",
                    color=colors[name],
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                )
    _style(ax)
    _date_axis(ax, panel.start, panel.end)
    _percent_axis(ax)
    low = float(np.nanmin(dd.to_numpy()))
    ax.set_ylim(min(low * 1.15, -0.01), 0.02)
    ax.set_ylabel("Drawdown from peak (%)")
    what = f", worst {mark_worst} marked" if mark_worst > 0 else ""
    ax.set_title(title or f"Drawdowns{what}, {panel.window_text}", loc="left")
    if legend:
        # the legend states each strategy's maximum drawdown
        handles = [ln for ln in ax.get_lines() if ln.get_label() in colors]
        texts = [
            f"{h.get_label()} (max {_percent(float(dd[h.get_label()].min()), 1)})" for h in handles
        ]
        _legend_outside(ax, handles, texts)
    return ax


def plot_rolling_returns(
    results: Results,
    ax: Axes | None = None,
    *,
    months: int = 12,
    annualize: bool | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Trailing ``months``-month returns at each month end.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (one column per strategy).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    months : int, default 12
        Length of the trailing window in months (12 and 36 are the usual).
    annualize : bool, optional
        Show the annualised return ``(1 + R) ** (12 / months) - 1``. By
        default windows longer than 12 months are annualised.
    legend : bool, default True
        Draw a legend outside the plot, on the right.
    title : str, optional
        Title; by default it states the window length and the dates.

    Returns
    -------
    Axes
        One line per strategy (plus the zero line).

    Notes
    -----
    ``R_m = G_m / G_{m - months} - 1`` on month-end values of the
    time-weighted growth ``G``; a start in the first half of a month counts
    as the previous month end (else the first month end leads), and the last
    available date of the final month counts as its month end.
    """
    if months < 1:
        raise ConfigError(f"months must be at least 1; got {months}")
    panel = _as_panel(results)
    ann = months > 12 if annualize is None else annualize
    rolling = _rolling_returns(panel.growth, months, ann)
    if rolling.empty:
        raise ConfigError(
            f"the window {panel.window_text} is shorter than {months} months; "
            "choose a shorter rolling window"
        )
    ax = _new_axes(ax)
    colors = strategy_colors(panel.names)
    ax.axhline(0.0, color="#555555", linewidth=0.8, zorder=1)
    for name in panel.names:
        ax.plot(
            rolling.index,
            rolling[name].to_numpy(),
            color=colors[name],
            label=name,
            linewidth=_LINE_WIDTH * 0.85,
            zorder=3,
        )
    first = rolling.index[0]
    if (first - panel.start).days > 0.1 * (panel.end - panel.start).days:
        # say why the left part is empty (the x-axis spans the whole window, like the others);
        # upright in a wide gap, else along it so it never spills over the axis or the lines
        wide = (first - panel.start).days > 0.25 * (panel.end - panel.start).days
        ax.text(
            panel.start + (first - panel.start) / 2,
            0.5,
            f"first {months}-month\nwindow ends\n{first:%Y-%m}"
            if wide
            else f"first {months}-month window ends {first:%Y-%m}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="center",
            rotation=0 if wide else 90,
            fontsize="small",
            color="#888888",
            fontstyle="italic",
        )
    _style(ax)
    _date_axis(ax, panel.start, panel.end)
    _percent_axis(ax)
    ax.set_ylabel("Return (%, annualized)" if ann else "Return (%)")
    kind = "annualized " if ann else ""
    ax.set_title(title or f"Rolling {months}-month {kind}return, {panel.window_text}", loc="left")
    if legend:
        _legend(ax)
    return ax


def plot_annual_returns(
    results: Results,
    ax: Axes | None = None,
    *,
    kind: Literal["auto", "bars", "heatmap"] = "auto",
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Calendar-year returns: grouped bars, or a strategies-by-years heat-table.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (one column per strategy).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    kind : {"auto", "bars", "heatmap"}, default "auto"
        ``"bars"``: one bar per strategy in each year. ``"heatmap"``: one row
        per strategy (named in its colour), one column per year, each cell
        coloured by the return (blue up, red down, one scale for the whole
        table) and labelled in percent. ``"auto"`` draws bars for at most
        ``5`` strategies and ``120`` bars in all, else the heat-table: grouped
        bars of more series than that are too thin to compare.
    legend : bool, default True
        Draw a legend outside the plot, on the right (bars only: the rows of
        the heat-table name their strategy).
    title : str, optional
        Title; by default it states the window.

    Returns
    -------
    Axes
        Bars: ``n_years * n_strategies`` bars. Heat-table: one image of shape
        ``(n_strategies, n_years)``, with a text per cell when the cells are
        large enough (up to 40 years; else a colour bar). Years the window
        covers only partly are labelled with ``*``.

    Notes
    -----
    A year's return is ``prod(1 + r_t) - 1`` over its daily returns.
    """
    if kind not in ("auto", "bars", "heatmap"):
        raise ConfigError(f"kind must be 'auto', 'bars' or 'heatmap'; got {kind!r}")
    panel = _as_panel(results)
    annual = _annual_returns(panel)
    n = len(panel.names)
    if kind == "auto":
        kind = "bars" if n <= _MAX_BAR_SERIES and n * len(annual) <= _MAX_BARS else "heatmap"
    partial = _partial_years(panel)
    labels = [f"{y}*" if y in partial else str(y) for y in annual.index]
    if kind == "heatmap":
        ax = _annual_heatmap(panel.names, annual, labels, ax)
    else:
        width_in = 3.0 + 0.12 * len(annual) * (n + 1)
        ax = _new_axes(ax, figsize=(min(14.0, max(8.0, width_in)), 5.0))
        colors = strategy_colors(panel.names)
        x = np.arange(len(annual))
        width = 0.84 / n
        for i, name in enumerate(panel.names):
            ax.bar(
                x - 0.42 + width * (i + 0.5),
                annual[name].fillna(0.0).to_numpy(),
                width,
                color=colors[name],
                label=name,
                linewidth=0,
            )
        ax.axhline(0.0, color="#555555", linewidth=0.8)
        _style(ax)
        ax.grid(False, axis="x")
        ax.set_xticks(x, labels, rotation=90 if len(annual) > 24 else 0, fontsize="small")
        ax.set_xlim(-0.6, len(annual) - 0.4)
        _percent_axis(ax)
        ax.set_ylabel("Return (%)")
        if legend:
            _legend(ax)
    ax.set_xlabel("Calendar year" + (" (* partial year)" if partial else ""))
    what = " (%)" if kind == "heatmap" else ""
    ax.set_title(title or f"Calendar-year returns{what}, {panel.window_text}", loc="left")
    return ax


def _annual_heatmap(
    names: list[str], annual: pd.DataFrame, labels: list[str], ax: Axes | None
) -> Axes:
    """Strategies down, years across: one image, a label per cell when they fit."""
    n_years, n = len(annual), len(names)
    ax = _new_axes(
        ax, figsize=(min(14.0, max(8.0, 2.5 + 0.42 * n_years)), max(2.5, 0.38 * n + 1.6))
    )
    values = annual[names].to_numpy(dtype=float).T  # (n_strategies, n_years)
    annotate = n_years <= _MAX_ANNOTATED_COLUMNS
    scale = _heat_scale(values)
    image = _heat_cells(
        ax, values, np.full(n_years, scale), decimals=1 if n_years <= 15 else 0, annotate=annotate
    )
    colors = strategy_colors(names)
    ax.set_yticks(range(n), names, fontsize="small")
    for tick, name in zip(ax.get_yticklabels(), names, strict=True):
        tick.set_color(colors[name])
    ax.set_xticks(range(n_years), labels, rotation=90 if n_years > 18 else 0, fontsize="small")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if not annotate:
        from matplotlib.ticker import FuncFormatter

        bar = ax.get_figure(root=True).colorbar(image, ax=ax, fraction=0.03, pad=0.01)  # type: ignore[union-attr]
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _percent(x * scale)))
    return ax


def _heat_scale(values: np.ndarray) -> float:
    """98th percentile of ``|values|`` (finite), or 1 when there is nothing to scale."""
    finite = np.abs(values[np.isfinite(values)])
    return float(np.quantile(finite, 0.98)) if finite.size and finite.max() > 0 else 1.0


def _heat_cells(
    ax: Axes,
    values: np.ndarray,
    scale: np.ndarray,
    *,
    decimals: int,
    annotate: bool,
    bold_columns: Sequence[int] = (),
) -> Any:
    """``values`` (decimal returns, 2-D) as one image, blue up and red down, labelled in percent.

    Column ``j`` is shaded by ``values / scale[j]``: the colour saturates at
    1.25 times the scale. Labels (one text per finite cell, when
    ``annotate``) are white on dark cells. Returns the image, whose data are
    the shades in ``[-1, 1]``.
    """
    shade = np.clip(values / scale[None, :], -1.0, 1.0)
    image = ax.imshow(
        np.ma.masked_invalid(shade),
        cmap="RdBu",
        vmin=-1.25,
        vmax=1.25,
        aspect="auto",
        interpolation="nearest",
    )
    if annotate:
        size = "x-small" if values.shape[0] > 8 or values.shape[1] > 15 else "small"
        for i, j in zip(*np.nonzero(np.isfinite(values)), strict=True):
            ax.text(
                j,
                i,
                _percent(float(values[i, j]), decimals)[:-1],
                ha="center",
                va="center",
                fontsize=size,
                color="white" if abs(shade[i, j]) > 0.62 else "#222222",
                fontweight="bold" if j in bold_columns else "normal",
            )
    return image


def plot_allocation(
    result: ResultSet | BacktestResult,
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
        Mark each rebalance (an execution after the initial investment that
        traded anything) with a short tick along the top edge.
    legend : bool, default True
        Draw a legend of holdings outside the plot, on the right.
    title : str, optional
        Title; by default the strategy, the window and the rebalance count.

    Returns
    -------
    Axes
        One filled area per holding that is ever held, plus one line
        collection of rebalance ticks when marked.

    Notes
    -----
    Holdings get colours in their order of first appearance across the set,
    so a fund has the same colour in every strategy's chart; ``"CASH"`` is
    light grey.
    """
    chosen = _pick_result(result, name)
    pool = result.values() if isinstance(result, ResultSet) else [chosen]
    hcolors = _holding_colors([c for r in pool for c in r.weights.columns])
    weights = chosen.weights.astype(float).clip(lower=0.0)
    held = [c for c in weights.columns if (weights[c] > 1e-12).any()]
    ax = _new_axes(ax)
    ax.stackplot(
        weights.index,
        *[weights[c].to_numpy() for c in held],
        labels=held,
        colors=[hcolors[c] for c in held],
        linewidth=0.0,
    )
    n_reb = 0
    if mark_rebalances:
        dates = _rebalance_dates(chosen)
        n_reb = len(dates)
        if n_reb:
            ax.vlines(
                dates,
                0.965,
                1.0,
                transform=ax.get_xaxis_transform(),
                color="#222222",
                linewidth=0.7,
                label=f"Rebalance ({n_reb})",
                zorder=4,
            )
    _style(ax)
    ax.grid(False)
    _date_axis(ax, chosen.start, chosen.end)
    ax.set_ylim(0.0, 1.0)
    _percent_axis(ax)
    ax.set_ylabel("Weight (% of account)")
    window = f"{chosen.start:%Y-%m-%d} to {chosen.end:%Y-%m-%d}"
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


def plot_monthly_heatmap(
    result_or_returns: Results,
    ax: Axes | None = None,
    *,
    name: str | None = None,
    annotate: bool | None = None,
    title: str | None = None,
) -> Axes:
    """Monthly returns of one strategy as a years-by-months heatmap.

    Parameters
    ----------
    result_or_returns : BacktestResult, ResultSet, Series or DataFrame
        One result, a set with ``name`` choosing the strategy, a daily
        returns Series, or a returns DataFrame with ``name`` choosing a column
        (default the first).
    ax : Axes, optional
        Axes to draw on; a new figure is opened when None.
    name : str, optional
        Strategy or column to draw.
    annotate : bool, optional
        Write each cell's return in it; by default when there are at most
        60 years (beyond that the labels no longer fit).
    title : str, optional
        Title; by default the strategy and the window.

    Returns
    -------
    Axes
        One image: 12 month columns, then the calendar-year return in a
        separate column, each cell annotated in percent (one text per cell). Months have their
        own colour scale, symmetric around 0 (blue up, red down); the year
        column is scaled separately.
    """
    panel = _as_panel(result_or_returns)
    col = panel.names[0] if name is None else name
    if col not in panel.names:
        raise ConfigError(f"no strategy named {col!r}; have {panel.names}")
    returns = panel.returns[col].dropna()
    table = _monthly_grid(returns)
    values = table.to_numpy(dtype=float)
    months_v, years_v = values[:, :12], values[:, 12:]
    scale = np.array([_heat_scale(months_v)] * 12 + [_heat_scale(years_v)])
    n_years = len(table)
    ax = _new_axes(ax, figsize=(10.0, max(2.5, 0.3 * n_years + 1.2)))
    _heat_cells(
        ax,
        values,
        scale,
        decimals=1,
        annotate=n_years <= _MAX_ANNOTATED_ROWS if annotate is None else annotate,
        bold_columns=(12,),
    )
    ax.axvline(11.5, color="white", linewidth=4)
    ax.set_xticks(range(13), [*_MONTHS, "Year"], fontsize="small")
    ax.xaxis.tick_top()
    partial = _partial_years(panel)
    years = [f"{y}*" if y in partial else str(y) for y in table.index]
    ax.set_yticks(range(n_years), years, fontsize="small")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    note = " (* partial year)" if partial else ""
    ax.set_title(
        title or f"Monthly returns (%): {col}, {panel.window_text}{note}", loc="left", pad=14
    )
    return ax


# ---------------------------------------------------------------- pages


def tear_sheet(
    results: Results,
    name: str | None = None,
    *,
    table: pd.DataFrame | None = None,
    path: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
    log: bool = True,
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    title: str | None = None,
) -> Figure:
    """One-page summary figure; see :func:`tactical.charts.sheets.tear_sheet`."""
    from tactical.charts.sheets import tear_sheet as _tear_sheet

    return _tear_sheet(
        results, name, table=table, path=path, log=log, benchmarks=benchmarks, title=title
    )


def html_report(
    results: Results,
    path: str | PathLike[str],
    *,
    table: pd.DataFrame | None = None,
    title: str = "Backtest report",
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    luck: Any = None,
) -> Path:
    """Write a self-contained HTML report; see :func:`tactical.charts.sheets.html_report`."""
    from tactical.charts.sheets import html_report as _html_report

    return _html_report(results, path, table=table, title=title, benchmarks=benchmarks, luck=luck)
