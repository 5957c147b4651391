"""Whole pages built from the charts: the one-page tear sheet and the HTML report.

:func:`tear_sheet` returns a matplotlib :class:`~matplotlib.figure.Figure`
(saved as PNG and/or PDF); :func:`html_report` writes one self-contained HTML
file: tables as HTML, charts as base64-encoded PNG images embedded in the page,
inline CSS, no scripts and no reference to any network resource. Both are also
importable from :mod:`tactical.charts`.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
from collections.abc import Callable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from tactical._typing import ResultLike
from tactical.charts.data import (
    Results,
    _annual_returns,
    _as_panel,
    _contributions,
    _flows,
    _is_result_set,
    _monthly_grid,
    _partial_years,
    _pick_result,
    _rebalance_dates,
)
from tactical.charts.plots import (
    _heat_scale,
    plot_allocation,
    plot_annual_returns,
    plot_balance,
    plot_drawdowns,
    plot_equity,
    plot_rolling_returns,
)
from tactical.charts.style import (
    _legend_outside,
    _legend_rows,
    _percent,
    _short,
    strategy_colors,
)
from tactical.charts.tables import (
    _draw_table,
    _format_table,
    _grouped_tables_html,
    _summary_or_reason,
    _table_html,
    _table_inches,
    _table_notes,
    _table_shape,
)
from tactical.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["tear_sheet", "html_report"]

# ---------------------------------------------------------------- tear sheet


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _default_style(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Draw a fixed-layout page in matplotlib's default style.

    A page's layout (column widths, legend room) is computed for the default
    fonts; a global style set elsewhere (quantstats and seaborn restyle
    matplotlib on import) would clip it. The caller's ``rcParams`` are
    restored afterwards, so nothing global changes either way.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import matplotlib

        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            return func(*args, **kwargs)

    return wrapper


@_default_style
def tear_sheet(
    results: Results,
    name: str | None = None,
    *,
    table: pd.DataFrame | None = None,
    path: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
    log: bool = True,
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    title: str | None = None,
    luck: Mapping[str, Any] | None = None,
) -> Figure:
    """One-page summary: growth, drawdowns, one strategy's allocation, metrics table.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (then there is no allocation panel).
    name : str, optional
        Strategy whose allocation is shown; default the first.
    table : DataFrame, optional
        Precomputed summary, rows = strategies, numeric columns (decimal
        returns and rates are shown as percentages, ratios and counts plain).
        When None, ``results.summary()`` is tried; if it fails the page says
        so instead of showing the table.
    path : str, Path or sequence of them, optional
        Save the page: ``.png`` (150 dpi) or ``.pdf`` by suffix; a path
        without suffix saves both ``<path>.png`` and ``<path>.pdf``.
    log : bool, default True
        Logarithmic value axis for the growth panel.
    benchmarks : optional
        As in :func:`plot_equity`.
    title : str, optional
        Page title; default ``"Backtest tear sheet"`` with the window.
    luck : mapping, optional
        Adds the "Is it luck?" panel above the metrics table, as in
        :func:`html_report`: ``{"sweep": ..., "walk_forward": ...,
        "timing": ..., "pbo": ...}`` (any of them), drawn by
        :func:`tactical.charts.robustness.plot_luck_table` from
        :func:`~tactical.charts.robustness.luck_table`: the best variant's
        deflated Sharpe ratio against the best expected by luck, PBO,
        in-sample against out-of-sample and the timing-luck spread.

    Returns
    -------
    Figure
        A portrait :class:`~matplotlib.figure.Figure` 8.5 inches wide (not
        managed by pyplot: it shows in Jupyter when it is a cell's result;
        nothing stays open).

    Notes
    -----
    Layout by size. With cash flows (``result.flows`` or ``cashflows``) the
    page opens with :func:`~tactical.charts.plots.plot_balance`, the growth of
    $10,000 (time-weighted) below it. Up to 6 strategies each chart has its
    legend on the right; with more, one legend of all strategies spans the
    page under the charts, in as many columns as fit. The table lists
    strategies across (up to 7) or down; its rows keep a readable size
    (at least 6 points), so a long table makes the page taller than US
    letter's 11 inches (about 20 strategies fit on letter) rather than
    overprint; beyond 40 strategies it shows the first 40 and says how many
    more ``results.summary()`` holds.
    """
    from matplotlib.figure import Figure

    panel = _as_panel(results)
    has_weights = bool(panel.results)
    source: Any = results  # a result or a set when has_weights: plain returns have no weights
    if has_weights:
        _pick_result(source, name)  # a clear error for an unknown name
    focus = panel.names[0] if name is None else name  # the key in the set
    has_flows = any(_flows(r) is not None for r in panel.results.values())
    summary_table, reason = _summary_or_reason(results, table)
    n = len(panel.names)
    shared_legend = n > _MAX_PANEL_LEGEND

    # heights in inches: charts at their full size when the page has room, else at their least
    rows, _ = _table_shape(summary_table)
    table_in = _table_inches(rows, summary_table) if summary_table is not None else 0.8
    charts = [("balance", 2.5, 2.0)] if has_flows else []
    charts += [("growth", 2.5 if has_flows else 3.0, 2.2), ("drawdowns", 1.9, 1.5)]
    if has_weights:
        charts.append(("allocation", 1.7, 1.3))
    legend_in = 0.0
    if shared_legend:
        columns, legend_rows = _legend_rows(
            n, 7.6, size=_SHEET_LEGEND_SIZE, longest=max(len(x) for x in panel.names)
        )
        legend_in = 0.2 + legend_rows * 1.62 * _SHEET_LEGEND_SIZE / 72.0
    checks, luck_in = _luck_checks(luck, shared_legend)
    fixed = 0.6 + legend_in + table_in + luck_in  # title and margins, legend, luck, table
    full = fixed + sum(c[1] for c in charts)
    least = fixed + sum(c[2] for c in charts)
    if full <= _LETTER_HEIGHT:
        chart_in = [c[1] for c in charts]
    elif least <= _LETTER_HEIGHT:  # shrink the charts in proportion to what they can give
        spare = (_LETTER_HEIGHT - least) / (full - least)
        chart_in = [c[2] + spare * (c[1] - c[2]) for c in charts]
    else:
        chart_in = [c[2] for c in charts]
    heights = chart_in + ([legend_in] if shared_legend else []) + [luck_in] * bool(luck_in)
    heights.append(table_in)
    page = max(_LETTER_HEIGHT, fixed + sum(chart_in))

    fig = Figure(figsize=(8.5, page), layout="constrained")
    axes = list(fig.subplots(len(heights), 1, height_ratios=heights))
    kinds = [c[0] for c in charts]
    ax_of = dict(zip(kinds, axes, strict=False))
    ax_table = axes[-1]
    panel_legend = not shared_legend

    if has_flows:
        ax_balance = plot_balance(
            source, ax=ax_of["balance"], legend=panel_legend, title="Balance and contributions"
        )
        if shared_legend:  # the strategies are in the page's legend; the money in is not
            n_lines = len(ax_balance.get_lines())
            handles, labels = ax_balance.get_legend_handles_labels()
            _legend_outside(ax_balance, handles[n_lines:][::-1], labels[n_lines:][::-1])
    scale = " (log scale)" if log else ""
    what = ", time-weighted" if has_flows else ""
    plot_equity(
        results,
        ax=ax_of["growth"],
        log=log,
        benchmarks=benchmarks,
        legend=panel_legend,
        title=f"Growth of $10,000{what}{scale}",
    )
    worst = 3 if n <= _MAX_PANEL_LEGEND else 1  # 3 dots per strategy crowd a shared crash
    plot_drawdowns(
        results,
        ax=ax_of["drawdowns"],
        mark_worst=worst,
        legend=panel_legend,
        title="Drawdowns from peak, worst 3 marked" if worst == 3 else "Drawdowns, worst marked",
    )
    if has_weights:
        plot_allocation(source, ax=ax_of["allocation"], name=focus, title=f"Allocation: {focus}")
    if shared_legend:
        _strategy_legend(axes[len(charts)], panel.names, ax_of["growth"])
    if checks is not None:
        _draw_luck(axes[-2], checks, shared_legend)
    _draw_table(ax_table, summary_table, reason, strategy_colors(panel.names))
    fig.suptitle(
        title or f"Backtest tear sheet, {panel.window_text}", fontsize="large", fontweight="bold"
    )
    if path is not None:
        _save_figure(fig, path)
    return fig


_LETTER_HEIGHT = 11.0


def _luck_width(shared_legend: bool) -> float:
    """The least width of the luck panel, in inches (its text is wrapped to it): with up to
    6 strategies every chart keeps a legend on the right, narrowing the page's column."""
    return 6.0 if shared_legend else 4.9


def _luck_checks(
    luck: Mapping[str, Any] | None, shared_legend: bool
) -> tuple[pd.DataFrame | None, float]:
    """The "Is it luck?" checks of a tear sheet and the panel's height (None, 0 without)."""
    if luck is None:
        return None, 0.0
    from tactical.charts.robustness import luck_inputs, luck_panel_inches, luck_table

    checks = luck_table(**luck_inputs(luck))
    return checks, luck_panel_inches(checks, _luck_width(shared_legend))


def _draw_luck(ax: Axes, checks: pd.DataFrame, shared_legend: bool) -> None:
    """The panel on its own row of the page, above the metrics table."""
    from tactical.charts.robustness import plot_luck_table

    plot_luck_table(checks, ax=ax, width_in=_luck_width(shared_legend))


_MAX_PANEL_LEGEND = 6  # more strategies: one legend for the page instead of one per chart
_SHEET_LEGEND_SIZE = 7.0


def _strategy_legend(ax: Axes, names: list[str], source: Axes) -> None:
    """One legend of all strategies across the page, with the handles drawn on ``source``."""
    ax.set_axis_off()
    # the strategies (in order), then any external benchmark drawn on the growth chart
    handles = [ln for ln in source.get_lines() if not str(ln.get_label()).startswith("_")]
    labels = [_short(str(h.get_label())) for h in handles]
    columns, _ = _legend_rows(
        len(handles), 7.6, size=_SHEET_LEGEND_SIZE, longest=max(len(x) for x in labels)
    )
    ax.legend(
        handles,
        labels,
        loc="center",
        ncols=columns,
        frameon=False,
        fontsize=_SHEET_LEGEND_SIZE,
        borderaxespad=0.0,
        columnspacing=1.2,
        handlelength=1.8,
    )


def _save_figure(fig: Figure, path: str | PathLike[str] | Sequence[str | PathLike[str]]) -> None:
    """Save by suffix: ``.png`` (150 dpi), ``.pdf``, or both when there is no suffix."""
    paths = [path] if isinstance(path, (str, PathLike)) else list(path)
    for p in paths:
        p = Path(p)
        suffix = p.suffix.lower()
        if suffix == "":
            targets = [p.with_suffix(".png"), p.with_suffix(".pdf")]
        elif suffix in (".png", ".pdf"):
            targets = [p]
        else:
            raise ConfigError(f"cannot save {p}: use a .png or .pdf suffix (or none for both)")
        for t in targets:
            fig.savefig(t, dpi=150 if t.suffix.lower() == ".png" else None)


# ---------------------------------------------------------------- HTML


_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin-top: 1.5em; }
p.meta, p.note { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e5e5e5; }
td { text-align: right; font-variant-numeric: tabular-nums; }
th { text-align: left; background: #f5f5f5; }
thead th { text-align: right; }
thead th:first-child { text-align: left; }
tbody th { white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em;
          border-radius: 2px; vertical-align: baseline; }
details { margin: 0.5em 0 1em; }
summary { cursor: pointer; color: #444; }
table.heat td { padding: 0.15em 0.45em; min-width: 2.6em; border-bottom: 1px solid #fff; }
table.heat td.year { font-weight: bold; border-left: 3px solid #fff; }
div.groups { display: flex; flex-wrap: wrap; column-gap: 2em; align-items: flex-start; }
h3.group { font-size: 0.95em; margin: 1em 0 0.2em; color: #444; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1em; }
.scroll { overflow-x: auto; }
"""


@_default_style
def html_report(
    results: Results,
    path: str | PathLike[str],
    *,
    table: pd.DataFrame | None = None,
    title: str = "Backtest report",
    benchmarks: str | Sequence[str] | pd.Series | pd.DataFrame | None = None,
    luck: Mapping[str, Any] | None = None,
) -> Path:
    """Write a self-contained HTML report of the results and return its path.

    The page opens, when the results have cash flows, with the balance in
    dollars (:func:`~tactical.charts.plots.plot_balance`); then the metrics
    table (an account's money columns first), the growth (log scale), drawdown,
    rolling 12- and 36-month and calendar-year charts, a calendar-year returns
    table, and for each strategy its trading facts, allocation chart and a
    table of monthly returns coloured like :func:`plot_monthly_heatmap`
    (HTML, collapsible; drawing a heatmap per strategy would be slow).
    Charts are PNG images embedded as base64 ``data:`` URIs; there are no
    scripts, fonts, stylesheets or images fetched from anywhere, so the file
    works offline and can be e-mailed as is.

    Parameters
    ----------
    results : ResultSet, BacktestResult, Series or DataFrame
        Results, or daily simple returns (then there are no allocation
        charts or trading facts).
    path : str or Path
        File to write (UTF-8). Its directory must exist.
    table : DataFrame, optional
        Precomputed summary, rows = strategies, numeric columns; decimal
        returns and rates are shown as percentages with two decimals, ratios
        and counts as plain numbers. When None, ``results.summary()`` is
        tried and the page says why if it is unavailable.
    title : str, default "Backtest report"
        Page title and heading.
    benchmarks : optional
        As in :func:`tactical.charts.plots.plot_equity`.
    luck : mapping, optional
        Adds the "Is it luck?" section: keyword arguments of
        :func:`tactical.charts.robustness.luck_section_html` (``sweep``,
        ``walk_forward``, ``timing``, ``pbo``).

    Returns
    -------
    Path
        The path written.
    """
    panel = _as_panel(results)
    colors = strategy_colors(panel.names)
    summary_table, reason = _summary_or_reason(results, table)
    has_flows = any(_flows(r) is not None for r in panel.results.values())
    esc = html.escape
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{len(panel.names)} strategies, {esc(panel.window_text)}. '
        "Returns are time-weighted (cash flows excluded)"
        + (
            "; the balance and each strategy's facts are in dollars, flows included, with the "
            "money-weighted return (XIRR)."
            if has_flows
            else "."
        )
        + "</p>",
    ]
    if has_flows:  # the saver's view first: the balance in dollars
        parts.append("<h2>Balance</h2>")
        parts.append(
            '<p class="note">The account in dollars, cash flows included; the shaded areas '
            "are the money contributed to date by source, the gap above them the growth.</p>"
        )
        n_sources = max(len(_contributions(r).columns) for r in panel.results.values())
        parts.append(
            _chart(
                "Balance and contributions",
                plot_balance,
                results,
                size=_line_chart_size(len(panel.names) + n_sources),
            )
        )
    parts.append("<h2>Summary</h2>")
    if summary_table is not None:
        parts.append(_grouped_tables_html(summary_table, colors))
        notes = "<br>".join(esc(n) for n in _table_notes(summary_table))
        parts.append(f'<p class="note">{notes}</p>' if notes else "")
    else:
        parts.append(
            f'<p class="note">Metrics table unavailable ({esc(reason)}). '
            "Pass <code>table=results.summary(...)</code> to include it.</p>"
        )

    n_external = (
        len(benchmarks.columns)
        if isinstance(benchmarks, pd.DataFrame)
        else int(isinstance(benchmarks, pd.Series))
    )
    size = _line_chart_size(len(panel.names) + n_external)
    parts.append("<h2>Growth</h2>")
    parts.append(
        _chart(
            "Growth of $10,000, log scale",
            plot_equity,
            results,
            log=True,
            benchmarks=benchmarks,
            size=size,
        )
    )
    parts.append("<h2>Drawdowns</h2>")
    parts.append(
        _chart("Drawdowns", plot_drawdowns, results, size=_line_chart_size(len(panel.names)))
    )
    parts.append("<h2>Rolling returns</h2>")
    for months in (12, 36):
        try:
            img = _chart(
                f"Rolling {months}-month returns",
                plot_rolling_returns,
                results,
                months=months,
                size=_line_chart_size(len(panel.names)),
            )
        except ValueError as exc:  # window too short for this length
            img = f'<p class="note">{esc(str(exc))}</p>'
        parts.append(img)
    parts.append("<h2>Calendar-year returns</h2>")
    parts.append(_chart("Calendar-year returns", plot_annual_returns, results))
    annual = _annual_returns(panel)
    partial = _partial_years(panel)
    annual.index = [f"{y}*" if y in partial else str(y) for y in annual.index]
    parts.append(
        _table_html(_format_table(annual.T.rename(columns=str)), colors, index_name="Strategy")
    )
    if partial:
        parts.append('<p class="note">* partial year</p>')

    parts.append("<h2>Strategies</h2>")
    for name in panel.names:
        parts.append(
            f'<h3><span class="swatch" style="background:{colors[name]}"></span>{esc(name)}</h3>'
        )
        result = panel.results.get(name)
        if result is not None:
            parts.append(_facts_html(result))
            source: Any = results if _is_result_set(results) else result
            parts.append(
                _chart(
                    f"Allocation of {name}", plot_allocation, source, name=name, size=(10.0, 3.6)
                )
            )
        returns = panel.returns[name].dropna()
        if not returns.empty:
            parts.append(_monthly_html(returns, partial, open_=name == panel.names[0]))
    if luck is not None:
        from tactical.charts.robustness import luck_inputs, luck_section_html

        parts.append(luck_section_html(**luck_inputs(luck)))
    parts.append(
        '<p class="note">Generated by tactical. Past performance of a backtest '
        "is not a forecast.</p></body></html>"
    )

    out = Path(path)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def _line_chart_size(entries: int) -> tuple[float, float]:
    """A chart 10 inches wide, tall enough for a one-column legend of ``entries`` at 8 points."""
    return 10.0, max(4.6, 1.3 + entries * 1.62 * 8.0 / 72.0)


def _chart(
    alt: str,
    draw: Callable[..., Any],
    *args: Any,
    size: tuple[float, float] = (10.0, 4.6),
    **kwargs: Any,
) -> str:
    """``draw(*args, ax=..., **kwargs)`` on a fresh non-pyplot figure, as an ``<img>`` data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(*args, ax=fig.add_subplot(), **kwargs)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _monthly_html(returns: pd.Series, partial: set[int], *, open_: bool = False) -> str:
    """Monthly and calendar-year returns (%) of one strategy as a coloured HTML table.

    The colours are those of :func:`tactical.charts.plots.plot_monthly_heatmap`
    (blue up, red down; months and years scaled separately), in a
    ``<details>`` element so the page stays short; ``open_`` shows it expanded.
    """
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps["RdBu"]
    grid = _monthly_grid(returns)
    values = grid.to_numpy(dtype=float)
    scale = np.array([_heat_scale(values[:, :12])] * 12 + [_heat_scale(values[:, 12:])])
    shade = np.clip(values / scale[None, :], -1.0, 1.0)
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    head = "".join(f"<th>{m}</th>" for m in (*months, "Year"))
    rows = []
    for i, year in enumerate(grid.index):
        cells = []
        for j in range(13):
            v = values[i, j]
            cls = ' class="year"' if j == 12 else ""
            if not math.isfinite(v):
                cells.append(f"<td{cls}></td>")
                continue
            back = to_hex(cmap(0.5 + shade[i, j] / 2.5))
            fore = "#fff" if abs(shade[i, j]) > 0.62 else "#222"
            text = _percent(float(v), 1)[:-1]
            cells.append(f'<td{cls} style="background:{back};color:{fore}">{text}</td>')
        label = f"{year}*" if year in partial else str(year)
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    note = ", * partial year" if any(y in partial for y in grid.index) else ""
    return (
        f"<details{' open' if open_ else ''}><summary>Monthly returns (%), {len(grid)} years"
        f"{note}</summary>"
        f'<div class="scroll"><table class="heat"><thead><tr><th>Year</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _config_text(value: Any) -> str:
    """A configuration value as a reader writes it: dates as dates, else ``repr``."""
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else str(value)
    return repr(value)


def _facts_html(result: ResultLike) -> str:
    """Final value, money in, rebalances, turnover, costs and the configuration of one result."""
    esc = html.escape
    start, end = result.equity.index[0], result.equity.index[-1]
    final = float(result.equity.iloc[-1])
    facts = [
        ("Window", f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"),
        ("Final account value", f"${final:,.2f}"),
    ]
    if _flows(result) is not None:
        money_in = _contributions(result).iloc[-1]
        for source, amount in money_in.items():
            facts.append((f"Contributed: {source}", f"${float(amount):,.2f}"))
        facts.append(
            ("Growth (balance less contributed)", f"${final - float(money_in.sum()):,.2f}")
        )
        mwr = getattr(result, "money_weighted_return", None)
        if callable(mwr):
            try:
                facts.append(("Money-weighted return (XIRR, annual)", f"{float(mwr()):.2%}"))
            except (ValueError, ArithmeticError):  # no sign change: no rate
                pass
    turnover = getattr(result, "annual_turnover", None)
    facts += [
        ("Rebalances", f"{len(_rebalance_dates(result)):,}"),
        (
            "Turnover (one-way, per year)",
            f"{float(turnover):.2%}" if isinstance(turnover, int | float) else "n/a",
        ),
        ("Transaction costs", f"${float(result.costs.sum()):,.2f}"),
    ]
    events = getattr(result, "blocked", None)
    if "policy" in result.config and isinstance(events, pd.DataFrame):  # the plan's rules
        by_rule = ", ".join(f"{rule} {n}" for rule, n in events["rule"].value_counts().items())
        facts.append(
            (
                "Blocked by the trading policy",
                f"{len(events):,}" + (f" ({by_rule})" if by_rule else ""),
            )
        )
    facts += [(str(k), _config_text(v)) for k, v in result.config.items()]
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td style='text-align:left'>{esc(v)}</td></tr>" for k, v in facts
    )
    return f"<table>{rows}</table>"
