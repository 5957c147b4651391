"""Whole pages built from the charts: the one-page tear sheet and the HTML report.

:func:`tear_sheet` returns a matplotlib :class:`~matplotlib.figure.Figure`
(saved as PNG and/or PDF); :func:`html_report` writes one self-contained HTML
file: tables as HTML, charts as base64-encoded PNG images embedded in the page,
inline CSS, no scripts and no reference to any network resource. Both are also
importable from :mod:`tactical.charts.plots`.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from tactical.charts.data import (
    Results,
    _annual_returns,
    _as_panel,
    _monthly_grid,
    _partial_years,
    _pick_result,
    _rebalance_dates,
)
from tactical.charts.plots import (
    _heat_scale,
    plot_allocation,
    plot_annual_returns,
    plot_drawdowns,
    plot_equity,
    plot_rolling_returns,
    strategy_colors,
)
from tactical.errors import ConfigError
from tactical.results import BacktestResult, ResultSet

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["tear_sheet", "html_report"]

# ---------------------------------------------------------------- tables


_PLAIN_WORDS = (
    "sharpe", "sortino", "calmar", "ratio", "beta", "skew", "kurt", "corr", "r2", "r_squared",
    "omega", "factor", "tail",
)  # fmt: skip
_COUNT_WORDS = ("rebalanc", "count", "trades", "days", "n_trades", "number")


def _known_columns() -> dict[str, tuple[str, bool]]:
    """``column -> (label, is percent)`` from :mod:`tactical.report`, if it offers them."""
    try:
        from tactical.report import COLUMNS
    except ImportError:
        return {}
    return dict(COLUMNS) if isinstance(COLUMNS, Mapping) else {}


def _column_kind(column: str, known: Mapping[str, tuple[str, bool]]) -> str:
    """``"percent"`` (decimal returns and rates), ``"plain"`` (ratios) or ``"count"``."""
    low = column.lower()
    is_count = low.startswith("n_") or any(w in low for w in _COUNT_WORDS)
    if column in known:
        return "percent" if known[column][1] else "count" if is_count else "plain"
    if is_count:
        return "count"
    if "%" in low or "return" in low or "drawdown" in low:
        return "percent"
    return "plain" if any(w in low for w in _PLAIN_WORDS) else "percent"


def _format_value(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if kind == "count":
            return f"{value:,.0f}"
        return f"{value:.2%}" if kind == "percent" else f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _format_table(table: pd.DataFrame, columns: str = "all") -> pd.DataFrame:
    """Display strings, rows = strategies, columns = display labels.

    Columns of a :func:`tactical.report.summary` table take their label and
    percent flag from ``tactical.report.COLUMNS``; other columns are read by
    name: ratios (``sharpe``, ``beta``...) plain with two decimals, counts
    (``rebalances``, ``..._days``) whole, everything else as a decimal shown
    as a percentage with two decimals. ``columns="seed"`` keeps only
    ``tactical.report.SEED_COLUMNS`` when the table has any of them.
    """
    known = _known_columns()
    cols = list(table.columns)
    if columns == "seed":
        try:
            from tactical.report import SEED_COLUMNS
        except ImportError:
            SEED_COLUMNS = ()  # noqa: N806
        seed = [c for c in SEED_COLUMNS if c in cols]
        cols = seed or cols
    out = pd.DataFrame(index=[str(i) for i in table.index])
    for col in cols:
        label = known[col][0] if col in known else str(col)
        kind = _column_kind(str(col), known)
        out[label] = [_format_value(v, kind) for v in table[col].tolist()]
    return out


def _table_notes(table: pd.DataFrame) -> list[str]:
    """Lines stating what a summary table was computed over (from ``table.attrs``)."""
    attrs = table.attrs
    lines = []
    if "window" in attrs:
        try:
            start, end = (pd.Timestamp(d) for d in attrs["window"])
            lines.append(f"Metrics window: {start:%Y-%m-%d} to {end:%Y-%m-%d}")
        except (TypeError, ValueError):
            pass
    if attrs.get("benchmark"):
        lines.append(f"Benchmark: {attrs['benchmark']}")
    notes = attrs.get("notes", [])
    lines += [str(n) for n in ([notes] if isinstance(notes, str) else notes)]
    return lines


def _summary_or_reason(
    results: Results, table: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, str]:
    """The metrics table to render, or ``(None, why not)``."""
    if table is not None:
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"table must be a pandas DataFrame; got {type(table).__name__}")
        return table, ""
    try:
        if isinstance(results, ResultSet):
            return results.summary(), ""
        from tactical.report import summary

        return summary(_as_panel(results).returns), ""
    except Exception as exc:  # the summary is optional here; say why it is missing
        return None, f"{type(exc).__name__}: {exc}"


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

    Returns
    -------
    Figure
        A US-letter portrait :class:`~matplotlib.figure.Figure` (not managed by
        pyplot: it shows in Jupyter when it is a cell's result; nothing stays
        open).
    """
    from matplotlib.figure import Figure

    panel = _as_panel(results)
    has_weights = bool(panel.results)
    if has_weights:
        source = results if isinstance(results, (ResultSet, BacktestResult)) else None
        focus = _pick_result(source, name)  # type: ignore[arg-type]
    summary_table, reason = _summary_or_reason(results, table)

    fig = Figure(figsize=(8.5, 11.0), layout="constrained")
    table_height = 3.2 if summary_table is not None else 0.8
    heights = [3.2, 2.2, 2.0, table_height] if has_weights else [3.4, 2.4, table_height]
    axes = fig.subplots(len(heights), 1, height_ratios=heights)
    ax_growth, ax_dd = axes[0], axes[1]
    ax_alloc = axes[2] if has_weights else None
    ax_table = axes[-1]

    scale = " (log scale)" if log else ""
    plot_equity(
        results, ax=ax_growth, log=log, benchmarks=benchmarks, title=f"Growth of $10,000{scale}"
    )
    plot_drawdowns(results, ax=ax_dd, title="Drawdowns from peak, worst 3 marked")
    if ax_alloc is not None:
        plot_allocation(results, ax=ax_alloc, name=focus.name, title=f"Allocation: {focus.name}")  # type: ignore[arg-type]
    _draw_table(ax_table, summary_table, reason, strategy_colors(panel.names))
    fig.suptitle(
        title or f"Backtest tear sheet, {panel.window_text}", fontsize="large", fontweight="bold"
    )
    if path is not None:
        _save_figure(fig, path)
    return fig


def _draw_table(ax: Axes, table: pd.DataFrame | None, reason: str, colors: dict[str, str]) -> None:
    """Metrics down the side and strategies across (or the other way for many strategies)."""
    from matplotlib.transforms import Bbox

    ax.set_axis_off()
    if table is None:
        ax.text(
            0.5,
            0.5,
            "Metrics table unavailable:\n"
            + textwrap.fill(reason, 90)
            + "\nPass table=... (for example results.summary()).",
            ha="center",
            va="center",
            fontsize="small",
            color="#555555",
            transform=ax.transAxes,
        )
        return
    formatted = _format_table(table, columns="seed")
    across = len(formatted) <= 7  # strategies as columns when they fit the page width
    shown = formatted.T if across else formatted
    notes = textwrap.wrap("; ".join(_table_notes(table)), 135)
    ax_height = _height_inches(ax)
    notes_height = min(0.45, (len(notes) * 0.11 + 0.08) / ax_height) if notes else 0.0
    ax.set_title("Metrics", loc="left", fontsize="medium")
    col_labels = [textwrap.fill(str(c), 10, break_long_words=False) for c in shown.columns]
    row_labels = [textwrap.shorten(str(r), 24) for r in shown.index]
    cells = shown.to_numpy().tolist()
    # column widths by content (in characters), so no header or number is clipped
    widths = [_text_chars(row_labels)] + [
        max(_text_chars([lab], bold=True), _text_chars([row[j] for row in cells]))
        for j, lab in enumerate(col_labels)
    ]
    fontsize = 7.0 if len(shown) > 10 or len(shown.columns) > 7 else 8.0
    available = _width_inches(ax) * 72.0 / (_CHAR_EM * fontsize)  # characters that fit
    fontsize = max(5.5, min(fontsize, fontsize * available / sum(widths)))
    label_share = widths[0] / sum(widths)
    tab = ax.table(
        cellText=cells,
        rowLabels=row_labels,
        colLabels=col_labels,
        loc="upper center",
        cellLoc="right",
        rowLoc="left",
        # the bbox holds the data columns; the row labels hang to its left at the same scale
        bbox=Bbox.from_bounds(label_share, notes_height, 1.0 - label_share, 1.0 - notes_height),
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(fontsize)
    lines = max((lab.count("\n") + 1 for lab in col_labels), default=1)
    for (row, col), cell in tab.get_celld().items():
        cell.set_width(widths[col + 1])  # the bbox scales the widths to the axes width
        cell.set_edgecolor("#dddddd")
        cell.set_linewidth(0.5)
        if row == 0:
            cell.set_height(cell.get_height() * (1.0 + 0.6 * (lines - 1)))
            key = str(shown.columns[col]) if col >= 0 else ""
            cell.get_text().set_color(colors.get(key, "#222222"))
            cell.get_text().set_fontweight("bold")
            cell.set_text_props(ha="center")
        elif col == -1 and not across:
            cell.get_text().set_color(colors.get(str(shown.index[row - 1]), "#222222"))
        if row > 0 and row % 2 == 0:
            cell.set_facecolor("#f5f5f5")
    if notes:
        ax.text(
            0.0,
            0.0,
            "\n".join(notes),
            ha="left",
            va="bottom",
            fontsize=6.5,
            color="#555555",
            transform=ax.transAxes,
        )


_CHAR_EM = 0.62  # average width of a character (digits, %, letters) in ems of DejaVu Sans


def _text_chars(texts: Sequence[str], bold: bool = False) -> float:
    """Width a column needs, in characters: its longest line, bold wider, plus padding."""
    longest = max((len(line) for t in texts for line in str(t).split("\n")), default=1)
    return longest * (1.1 if bold else 1.0) + 2.0


def _width_inches(ax: Axes) -> float:
    """Approximate width of an axes in inches (before layout runs): 92% of the figure's."""
    from matplotlib.figure import Figure

    fig = ax.get_figure(root=True)
    width = float(fig.get_figwidth()) if isinstance(fig, Figure) else 8.5
    return 0.92 * width * float(ax.get_position().width)


def _height_inches(ax: Axes) -> float:
    """Approximate height of a gridspec axes in inches (before layout runs), 85% of its share."""
    from matplotlib.figure import Figure

    spec = ax.get_subplotspec()
    if spec is None:
        return 2.5
    grid = spec.get_gridspec()
    given = grid.get_height_ratios()
    ratios = np.ravel(np.asarray(given if given is not None else [1.0] * grid.nrows, dtype=float))
    share = sum(ratios[r] for r in spec.rowspan) / sum(ratios)
    fig = ax.get_figure(root=True)
    height = float(fig.get_figheight()) if isinstance(fig, Figure) else 11.0
    return 0.85 * share * height


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

    The page holds the metrics table, the growth (log scale), drawdown,
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
    esc = html.escape
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{len(panel.names)} strategies, {esc(panel.window_text)}. '
        "Returns are time-weighted (cash flows excluded).</p>",
        "<h2>Summary</h2>",
    ]
    if summary_table is not None:
        parts.append(_table_html(_format_table(summary_table), colors, index_name="Strategy"))
        notes = "<br>".join(esc(n) for n in _table_notes(summary_table))
        parts.append(f'<p class="note">{notes}</p>' if notes else "")
    else:
        parts.append(
            f'<p class="note">Metrics table unavailable ({esc(reason)}). '
            "Pass <code>table=results.summary(...)</code> to include it.</p>"
        )

    parts.append("<h2>Growth</h2>")
    parts.append(
        _chart(
            "Growth of $10,000, log scale", plot_equity, results, log=True, benchmarks=benchmarks
        )
    )
    parts.append("<h2>Drawdowns</h2>")
    parts.append(_chart("Drawdowns", plot_drawdowns, results))
    parts.append("<h2>Rolling returns</h2>")
    for months in (12, 36):
        try:
            img = _chart(
                f"Rolling {months}-month returns", plot_rolling_returns, results, months=months
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
            source: Any = results if isinstance(results, ResultSet) else result
            parts.append(
                _chart(
                    f"Allocation of {name}", plot_allocation, source, name=name, size=(10.0, 3.6)
                )
            )
        returns = panel.returns[name].dropna()
        if not returns.empty:
            parts.append(_monthly_html(returns, partial, open_=name == panel.names[0]))
    if luck:
        from tactical.charts.robustness import luck_section_html

        parts.append(luck_section_html(**luck))
    parts.append(
        '<p class="note">Generated by tactical. Past performance of a backtest '
        "is not a forecast.</p></body></html>"
    )

    out = Path(path)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


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


def _table_html(shown: pd.DataFrame, colors: dict[str, str], index_name: str) -> str:
    """An HTML table of display strings, with the strategy colour as a swatch."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(c))}</th>" for c in shown.columns)
    rows = []
    for idx, row in shown.iterrows():
        key = str(idx)
        swatch = (
            f'<span class="swatch" style="background:{colors[key]}"></span>'
            if key in colors
            else ""
        )
        cells = "".join(f"<td>{esc(str(v))}</td>" for v in row.tolist())
        rows.append(f"<tr><th>{swatch}{esc(key)}</th>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr><th>{esc(index_name)}</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _monthly_html(returns: pd.Series, partial: set[int], *, open_: bool = False) -> str:
    """Monthly and calendar-year returns (%) of one strategy as a coloured HTML table.

    The colours are those of :func:`tactical.charts.plots.plot_monthly_heatmap`
    (blue up, red down; months and years scaled separately), in a
    ``<details>`` element so the page stays short; ``open_`` shows it expanded.
    """
    import matplotlib
    from matplotlib.colors import to_hex

    from tactical.charts.plots import _percent

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


def _facts_html(result: BacktestResult) -> str:
    """Final value, rebalances, turnover, costs and the configuration of one result."""
    esc = html.escape
    facts = [
        ("Window", f"{result.start:%Y-%m-%d} to {result.end:%Y-%m-%d}"),
        ("Final account value", f"${float(result.equity.iloc[-1]):,.2f}"),
        ("Rebalances", f"{len(_rebalance_dates(result)):,}"),
        ("Turnover (one-way, per year)", f"{result.annual_turnover:.2%}"),
        ("Transaction costs", f"${result.total_costs:,.2f}"),
    ]
    facts += [(str(k), _config_text(v)) for k, v in result.config.items()]
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td style='text-align:left'>{esc(v)}</td></tr>" for k, v in facts
    )
    return f"<table>{rows}</table>"
