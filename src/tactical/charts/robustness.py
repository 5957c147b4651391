"""Charts and the "Is it luck?" report section for sweeps, walk-forwards and timing luck.

Every chart takes the object to draw and an optional ``ax`` and returns the
:class:`~matplotlib.axes.Axes` it drew on; matplotlib is imported inside the
functions. Objects are read by attribute only (``table``, ``returns``,
``folds``, ``growth``, ``logits``...), never by importing
``tactical.results`` (interface I5), so any object with those attributes
draws.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical.charts.plots import _legend, _new_axes, _percent, _style
from tactical.errors import ConfigError
from tactical.metrics.overfitting import expected_max_sharpe

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_sweep_heatmap",
    "plot_sweep_distribution",
    "plot_walk_forward",
    "plot_timing_luck",
    "plot_pbo",
    "luck_table",
    "luck_section_html",
    "luck_figure",
    "luck_inputs",
    "luck_panel_inches",
    "plot_luck_table",
]

_LOWER_IS_BETTER = {"annual_volatility", "turnover", "total_costs", "n_rebalances"}
_PERCENT = {"cagr", "annual_volatility", "max_drawdown"}


def _fmt(metric: str, value: float) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    if metric in _PERCENT:
        return _percent(value, 1)
    if metric == "final_value":
        return f"{value:,.0f}"
    return f"{value:.2f}"


def plot_sweep_heatmap(
    sweep: Any, x: str, y: str, metric: str = "sharpe_ratio", ax: Axes | None = None
) -> Axes:
    """Heatmap of ``metric`` over two grid parameters of a sweep.

    Where the grid has other parameters, each cell shows the best value over
    them (the lowest for volatility, costs and turnover), so the chart shows
    what a search over the whole grid could pick.

    Parameters
    ----------
    sweep : SweepResult
        Read through ``.table`` and ``.params``.
    x, y : str
        Parameter names for the columns and rows.
    metric : str
        A column of ``sweep.table``.
    """
    table = sweep.table
    for p in (x, y):
        if p not in sweep.params:
            raise ConfigError(f"{p!r} is not a parameter of the sweep; have {list(sweep.params)}")
    if metric not in table.columns:
        raise ConfigError(f"{metric!r} is not a column of the sweep table")
    agg = "min" if metric in _LOWER_IS_BETTER else "max"
    grid = table.pivot_table(index=y, columns=x, values=metric, aggfunc=agg)
    ax = _new_axes(ax, (8.0, 5.0))
    data = grid.to_numpy(dtype=float)
    cmap = "viridis_r" if metric in _LOWER_IS_BETTER else "viridis"
    image = ax.imshow(data, aspect="auto", origin="lower", cmap=cmap)
    ax.figure.colorbar(image, ax=ax, label=metric)
    step_x = max(1, len(grid.columns) // 12)
    step_y = max(1, len(grid.index) // 12)
    ax.set_xticks(range(0, len(grid.columns), step_x))
    ax.set_xticklabels([str(c) for c in grid.columns[::step_x]])
    ax.set_yticks(range(0, len(grid.index), step_y))
    ax.set_yticklabels([str(c) for c in grid.index[::step_y]])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if data.size <= 60:
        for (i, j), v in np.ndenumerate(data):
            ax.text(
                j, i, _fmt(metric, v), ha="center", va="center", fontsize="x-small", color="white"
            )
    others = [p for p in sweep.params if p not in (x, y)]
    note = f" (best over {', '.join(others)})" if others else ""
    ax.set_title(f"{metric} by {y} and {x}{note}")
    return ax


def plot_sweep_distribution(
    sweep: Any, metric: str = "sharpe_ratio", ax: Axes | None = None
) -> Axes:
    """Histogram of ``metric`` across the variants, with the best and the median marked.

    For the Sharpe ratio the expected maximum of as many unskilled variants
    (Bailey and López de Prado 2014, annualised) is drawn too: a best
    variant near that line is what luck alone delivers.
    """
    values = sweep.table[metric].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    ax = _new_axes(ax, (8.0, 4.0))
    _style(ax)
    ax.hist(values, bins=min(40, max(5, len(values) // 5)), color="#9ecae1", edgecolor="white")
    best = values.min() if metric in _LOWER_IS_BETTER else values.max()
    ax.axvline(best, color="#d62728", label=f"best {_fmt(metric, best)}")
    ax.axvline(
        float(np.median(values)),
        color="#555555",
        linestyle="--",
        label=f"median {_fmt(metric, float(np.median(values)))}",
    )
    conv = getattr(sweep, "conventions", {}) or {}
    if metric == "sharpe_ratio" and "sharpe_variance" in conv and len(values) > 1:
        ppy = float(conv.get("periods_per_year", 252))
        sr0 = expected_max_sharpe(len(values), float(conv["sharpe_variance"])) * math.sqrt(ppy)
        ax.axvline(
            sr0,
            color="#2ca02c",
            linestyle=":",
            label=f"expected best of {len(values)} by luck {sr0:.2f}",
        )
    ax.set_xlabel(metric)
    ax.set_ylabel("variants")
    ax.set_title(f"{metric} across {len(values)} variants")
    _legend(ax)
    return ax


def plot_walk_forward(walk_forward: Any, ax: Axes | None = None) -> Axes:
    """In-sample (chosen on the training window) against out-of-sample metric, per fold."""
    folds = walk_forward.folds
    metric = str(getattr(walk_forward, "select", folds.attrs.get("metric", "metric")))
    ax = _new_axes(ax, (9.0, 4.0))
    _style(ax)
    pos = np.arange(len(folds))
    ax.bar(pos - 0.2, folds["in_sample"], width=0.4, color="#9ecae1", label="in-sample (chosen)")
    ax.bar(pos + 0.2, folds["out_of_sample"], width=0.4, color="#1f77b4", label="out-of-sample")
    ax.axhline(0.0, color="#333333", linewidth=0.8)
    ax.set_xticks(pos)
    ax.set_xticklabels([str(pd.Timestamp(d).year) for d in folds["test_start"]], rotation=45)
    ax.set_xlabel("test window starting")
    ax.set_ylabel(metric)
    mean_is = float(np.nanmean(folds["in_sample"]))
    whole = float(getattr(walk_forward, "out_of_sample", np.nanmean(folds["out_of_sample"])))
    ax.set_title(
        f"Walk-forward {metric}: in-sample {_fmt(metric, mean_is)} (mean) vs "
        f"out-of-sample {_fmt(metric, whole)} (whole account)"
    )
    _legend(ax)
    return ax


def plot_timing_luck(timing: Any, ax: Axes | None = None, log: bool = True) -> Axes:
    """Fan chart: the band of growth paths over all offsets, their median, and offset 0."""
    growth = timing.growth
    ax = _new_axes(ax, (9.0, 4.5))
    _style(ax)
    lo, hi = growth.min(axis=1), growth.max(axis=1)
    ax.fill_between(
        growth.index,
        lo,
        hi,
        color="#9ecae1",
        alpha=0.6,
        label=f"range over {growth.shape[1]} offsets",
    )
    ax.plot(growth.index, growth.median(axis=1), color="#1f77b4", label="median")
    first = growth.columns[0]
    ax.plot(growth.index, growth[first], color="#d62728", linewidth=0.8, label=f"offset {first}")
    if log:
        ax.set_yscale("log")
    spread = timing.summary.loc["spread"]
    tranches = getattr(timing, "tranches", 1)
    what = f"{tranches} tranches" if tranches > 1 else "one account"
    ax.set_title(
        f"Timing luck ({what}): CAGR spread {_percent(float(spread['cagr']), 2)}, "
        f"final value spread {float(spread['final_value']):,.0f}"
    )
    ax.set_ylabel("growth (time-weighted)")
    _legend(ax)
    return ax


def plot_pbo(pbo: Any, ax: Axes | None = None) -> Axes:
    """Histogram of the CSCV logits; the probability of overfitting is the mass at or left of 0."""
    logits = np.asarray(pbo.logits, dtype=float)
    ax = _new_axes(ax, (8.0, 4.0))
    _style(ax)
    finite = logits[np.isfinite(logits)]
    ax.hist(finite, bins=40, color="#9ecae1", edgecolor="white")
    ax.axvline(0.0, color="#d62728", label="logit 0 (median out-of-sample rank)")
    ax.set_xlabel("logit of the in-sample best's out-of-sample rank")
    ax.set_ylabel("splits")
    ax.set_title(f"PBO = {pbo.pbo:.0%} over {len(logits):,} splits")
    _legend(ax)
    return ax


# ---------------------------------------------------------------- the "Is it luck?" section
def luck_table(
    sweep: Any = None, walk_forward: Any = None, timing: Any = None, pbo: Any = None
) -> pd.DataFrame:
    """The numbers of the "Is it luck?" section: one row per check.

    Columns ``value`` (display text), ``reading`` (what it means) and
    ``status``: ``"pass"`` (deflated Sharpe ratio at least 0.95, PBO below
    20 %), ``"caution"`` (PBO 20-50 %), ``"fail"`` (deflated Sharpe ratio
    below 0.95, PBO above 50 %) or ``""`` for a number without a threshold.

    Rows appear for the inputs given: the best variant's Sharpe ratio and
    its deflated Sharpe ratio (pass at 0.95), the Sharpe ratio expected from
    the best of N unskilled variants, the probability of backtest
    overfitting (``pbo`` or, if omitted, computed from the sweep with 16
    splits when it has enough rows), walk-forward in-sample against
    out-of-sample, and the timing-luck spread.
    """
    rows: list[tuple[str, str, str, str]] = []
    if sweep is not None:
        table = sweep.table
        ranked = table.sort_values("sharpe_ratio", ascending=False, kind="stable")
        best = ranked.iloc[0]
        conv = getattr(sweep, "conventions", {}) or {}
        ppy = float(conv.get("periods_per_year", 252))
        n = int(np.isfinite(table["sharpe_ratio"]).sum())
        sr0 = expected_max_sharpe(max(n, 1), float(conv.get("sharpe_variance", 0.0)))
        rows.append(
            (
                "best Sharpe ratio of the sweep",
                f"{best['sharpe_ratio']:.2f}",
                f"out of {n} variants",
                "",
            )
        )
        rows.append(
            (
                "expected best Sharpe by luck alone",
                f"{sr0 * math.sqrt(ppy):.2f}",
                "Bailey & López de Prado (2014), same number and spread of variants",
                "",
            )
        )
        dsr = float(best["deflated_sharpe"])
        rows.append(
            (
                "deflated Sharpe ratio of the best",
                f"{dsr:.3f}",
                "passes (>= 0.95)" if dsr >= 0.95 else "fails: not distinguishable from luck",
                "pass" if dsr >= 0.95 else "fail",
            )
        )
        if pbo is None and hasattr(sweep, "pbo") and len(sweep.returns.columns) > 1:
            try:
                pbo = sweep.pbo()
            except Exception:  # noqa: BLE001 - too few rows: the row is left out
                pbo = None
    if pbo is not None:
        value = float(pbo.pbo)
        rows.append(
            (
                "probability of backtest overfitting",
                f"{value:.0%}",
                "low"
                if value < 0.2
                else "high: the in-sample best often disappoints"
                if value > 0.5
                else "moderate",
                "pass" if value < 0.2 else "fail" if value > 0.5 else "caution",
            )
        )
    if walk_forward is not None:
        folds = walk_forward.folds
        metric = str(walk_forward.select)
        mean_is = float(walk_forward.in_sample)
        whole = float(walk_forward.out_of_sample)
        rows.append(
            (
                f"walk-forward {metric}: in-sample vs out-of-sample",
                f"{_fmt(metric, mean_is)} vs {_fmt(metric, whole)}",
                f"chosen variants' mean over {len(folds)} training windows vs the stitched "
                "out-of-sample account",
                "",
            )
        )
    if timing is not None:
        s = timing.summary
        rows.append(
            (
                "timing luck: CAGR across decision days",
                f"{_percent(float(s.loc['min', 'cagr']), 2)} to "
                f"{_percent(float(s.loc['max', 'cagr']), 2)}",
                f"spread {_percent(float(s.loc['spread', 'cagr']), 2)} a year over "
                f"{len(timing.table)} offsets",
                "",
            )
        )
        rows.append(
            (
                "timing luck: final value",
                f"{float(s.loc['min', 'final_value']):,.0f} to "
                f"{float(s.loc['max', 'final_value']):,.0f}",
                "same strategy, same dates",
                "",
            )
        )
    if not rows:
        raise ConfigError("give at least one of sweep, walk_forward, timing, pbo")
    return pd.DataFrame(rows, columns=["check", "value", "reading", "status"]).set_index("check")


def luck_figure(
    sweep: Any = None, walk_forward: Any = None, timing: Any = None, pbo: Any = None
) -> Figure:
    """A figure of the section: up to four panels (sweep Sharpe distribution, PBO logits,
    walk-forward in- vs out-of-sample, timing-luck fan) for the inputs given.

    A :class:`matplotlib.figure.Figure` built without pyplot (nothing left open).
    """
    from matplotlib.figure import Figure

    if pbo is None and sweep is not None and len(sweep.returns.columns) > 1:
        try:
            pbo = sweep.pbo()
        except Exception:  # noqa: BLE001 - too few rows: no PBO panel
            pbo = None
    panels: list[tuple[Callable[..., Axes], Any]] = [
        (plot_sweep_distribution, sweep),
        (plot_pbo, pbo),
        (plot_walk_forward, walk_forward),
        (plot_timing_luck, timing),
    ]
    panels = [(f, o) for f, o in panels if o is not None]
    if not panels:
        raise ConfigError("give at least one of sweep, walk_forward, timing, pbo")
    rows = math.ceil(len(panels) / 2)
    cols = 1 if len(panels) == 1 else 2
    fig = Figure(figsize=(7.0 * cols, 4.2 * rows), layout="constrained")
    for k, (draw, obj) in enumerate(panels):
        draw(obj, ax=fig.add_subplot(rows, cols, k + 1))
    fig.suptitle("Is it luck?")
    return fig


def luck_section_html(
    sweep: Any = None, walk_forward: Any = None, timing: Any = None, pbo: Any = None
) -> str:
    """The "Is it luck?" section as an HTML fragment (a heading, a table, the figure inline).

    Self-contained (the figure is a base64 PNG), ready to be placed in a
    page such as :func:`tactical.charts.sheets.html_report`'s.
    """
    table = luck_table(sweep, walk_forward, timing, pbo)
    esc = html.escape
    body = "".join(
        f"<tr><th>{esc(str(k))}</th><td>{esc(str(r['value']))}</td>"
        f"<td>{esc(str(r['reading']))}</td></tr>"
        for k, r in table.iterrows()
    )
    fig = luck_figure(sweep, walk_forward, timing, pbo)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '<section class="luck"><h2>Is it luck?</h2>'
        f'<table class="luck"><thead><tr><th>check</th><th>value</th><th>reading</th></tr>'
        f"</thead><tbody>{body}</tbody></table>"
        f'<img alt="Is it luck? charts" src="data:image/png;base64,{data}">'
        '<p class="note">Deflated Sharpe ratio: Bailey &amp; López de Prado (2014). PBO: '
        "Bailey, Borwein, López de Prado &amp; Zhu (2015). Timing luck: Hoffstein, Sibears "
        "&amp; Faber (2019).</p></section>"
    )


# ---------------------------------------------------------------- the tear sheet's panel
LUCK_INPUTS = ("sweep", "walk_forward", "timing", "pbo")
"""Keys of the ``luck=`` mapping of the tear sheet and the HTML report."""

_STATUS_COLORS = {"pass": "#1a7f37", "caution": "#a15c00", "fail": "#c62828", "": "#222222"}
_PANEL_FONT = 7.5  # points
_PANEL_LINE = 1.4  # line height in font sizes
_SOURCES_FONT = 6.5
_PANEL_SOURCES = (
    "Deflated Sharpe ratio: Bailey & López de Prado (2014). PBO (CSCV): Bailey, Borwein, "
    "López de Prado & Zhu (2015). Timing luck: Hoffstein, Sibears & Faber (2019)."
)


def luck_inputs(luck: Any) -> dict[str, Any]:
    """Check a ``luck=`` mapping (``sweep``, ``walk_forward``, ``timing``, ``pbo``).

    Returns the given entries that are not None.

    Raises
    ------
    ConfigError
        Not a mapping, an unknown key, or nothing given.

    Examples
    --------
    >>> luck_inputs({"sweep": None, "timing": 1})
    {'timing': 1}
    """
    from collections.abc import Mapping

    if not isinstance(luck, Mapping):
        raise ConfigError(
            f"luck must be a dict such as {{'sweep': sw, 'walk_forward': wf, 'timing': tl}}, "
            f"got {type(luck).__name__}"
        )
    unknown = [str(k) for k in luck if k not in LUCK_INPUTS]
    if unknown:
        raise ConfigError(f"luck has unknown key(s) {unknown}; use {list(LUCK_INPUTS)}")
    given = {str(k): v for k, v in luck.items() if v is not None}
    if not given:
        raise ConfigError(f"luck needs at least one of {list(LUCK_INPUTS)}")
    return given


_EMS = (0.58, 0.70, 0.58)  # ems per character: DejaVu Sans text, bold digits (the values)


def _panel_columns(table: pd.DataFrame, width_in: float) -> tuple[float, float, float]:
    """Left edges (axes fractions) of the check, value and reading columns.

    The value column is as wide as the longest value (up to 24 characters);
    the check takes 45 % of the rest, the reading the other 55 %.
    """
    longest = min(24, max((len(str(v)) for v in table["value"]), default=4))
    value_in = (longest * _EMS[1] * _PANEL_FONT + 10.0) / 72.0
    check_in = 0.45 * max(width_in - value_in, 1.0)
    return 0.0, check_in / width_in, (check_in + value_in) / width_in


def _panel_layout(table: pd.DataFrame, width_in: float) -> list[list[list[str]]]:
    """Each row's cells (check, value, reading) as wrapped lines for a panel ``width_in`` wide."""
    import textwrap

    edges = (*_panel_columns(table, width_in), 1.0)
    chars = [
        max(8, int((edges[i + 1] - edges[i]) * width_in * 72.0 / (_EMS[i] * _PANEL_FONT)) - 1)
        for i in range(3)
    ]
    rows = []
    for check, row in table.iterrows():
        cells = (str(check), str(row["value"]), str(row["reading"]))
        rows.append(
            [
                textwrap.wrap(text, width, break_on_hyphens=False) or [""]
                for text, width in zip(cells, chars, strict=True)
            ]
        )
    return rows


def luck_panel_inches(table: pd.DataFrame, width_in: float = 7.7) -> float:
    """Height in inches that :func:`plot_luck_table` needs for ``table`` at ``width_in`` wide.

    Examples
    --------
    >>> t = pd.DataFrame({"value": ["0.5"], "reading": ["x"], "status": [""]}, index=["c"])
    >>> round(luck_panel_inches(t), 2)
    1.11
    """
    line = _PANEL_FONT * _PANEL_LINE / 72.0
    lines = sum(max(len(cell) for cell in row) for row in _panel_layout(table, width_in))
    sources = len(_sources_lines(width_in)) * _SOURCES_FONT * _PANEL_LINE / 72.0
    # 0.3 in for the title; slack for the page layout, which takes its padding from every row
    return round(1.08 * (0.3 + lines * line + len(table) * 4.0 / 72.0 + sources) + 0.3, 2)


def _sources_lines(width_in: float) -> list[str]:
    import textwrap

    return textwrap.wrap(_PANEL_SOURCES, int(width_in * 72.0 / (0.62 * _SOURCES_FONT)) - 2)


def plot_luck_table(
    table: pd.DataFrame, ax: Axes | None = None, *, width_in: float | None = None
) -> Axes:
    """The "Is it luck?" checks drawn as a panel: check, value (coloured by status), reading.

    Parameters
    ----------
    table : DataFrame
        From :func:`luck_table` (columns ``value``, ``reading``, ``status``).
    ax : Axes, optional
        Drawn on, axis off; its height should be :func:`luck_panel_inches`
        at the same ``width_in``. A new figure of that height when None.
    width_in : float, optional
        Width the text is wrapped to, in inches; default the axes' width
        before layout (a layout can only widen it, so the text stays inside).

    Returns
    -------
    Axes

    Notes
    -----
    Rows are placed in points from the top of the axes, so the text keeps
    its size whatever the axes' height; values are green for a pass, amber
    for caution and red for a fail (the reading says so in words too), and
    the sources of the statistics are printed under the rows.
    """
    from matplotlib.lines import Line2D
    from matplotlib.transforms import ScaledTranslation

    for column in ("value", "reading"):
        if column not in table.columns:
            raise ConfigError(f"plot_luck_table needs a luck_table() frame; no {column!r} column")
    ax = _new_axes(ax, (8.5, luck_panel_inches(table, 8.5 * 0.92 * 0.775)))
    ax.set_axis_off()
    ax.set_title("Is it luck?", loc="left", fontsize="medium")
    fig = ax.get_figure(root=True)
    assert fig is not None
    width_in = _axes_width_inches(ax) if width_in is None else float(width_in)
    status = table["status"] if "status" in table.columns else pd.Series("", index=table.index)
    line = _PANEL_FONT * _PANEL_LINE  # points

    def below_top(points: float) -> Any:
        return ax.transAxes + ScaledTranslation(0.0, -points / 72.0, fig.dpi_scale_trans)

    columns = _panel_columns(table, width_in)
    top = 2.0
    for (check, _), cells in zip(table.iterrows(), _panel_layout(table, width_in), strict=True):
        color = _STATUS_COLORS.get(str(status[check]), _STATUS_COLORS[""])
        styles: tuple[dict[str, Any], ...] = (
            {"color": "#222222"},
            {"color": color, "fontweight": "bold"},
            {"color": "#555555"},
        )
        for x, lines, style in zip(columns, cells, styles, strict=True):
            ax.text(
                x,
                1.0,
                "\n".join(lines),
                transform=below_top(top + 1.5),
                ha="left",
                va="top",
                fontsize=_PANEL_FONT,
                linespacing=_PANEL_LINE * 0.85,
                **style,
            )
        top += max(len(cell) for cell in cells) * line + 4.0
        ax.add_line(
            Line2D([0.0, 1.0], [1.0, 1.0], transform=below_top(top), color="#dddddd", lw=0.5)
        )
    ax.text(
        0.0,
        1.0,
        "\n".join(_sources_lines(width_in)),
        transform=below_top(top + 3.0),
        ha="left",
        va="top",
        fontsize=_SOURCES_FONT,
        linespacing=_PANEL_LINE * 0.85,
        color="#555555",
    )
    return ax


def _axes_width_inches(ax: Axes) -> float:
    """Width of ``ax`` in inches from its figure position (before layout: about 92 %)."""
    fig = ax.get_figure(root=True)
    width = float(fig.get_figwidth()) if fig is not None else 8.5
    return 0.92 * width * float(ax.get_position().width)
