"""The metrics table of the tear sheet and of the HTML report: formatting and layout.

Display only: numbers arrive computed (a :func:`tactical.report.summary`
table or the caller's own) and leave as text, percentages for decimal
returns and rates, plain numbers for ratios and counts.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical.charts.data import Results, _as_panel, _is_result_set
from tactical.charts.style import _short
from tactical.tables import (
    COLUMN_GROUPS,
    MONEY_COLUMNS,
    interval_html,
    interval_pairs,
    interval_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

# ---------------------------------------------------------------- tables


_PLAIN_WORDS = (
    "sharpe", "sortino", "calmar", "ratio", "beta", "skew", "kurt", "corr", "r2", "r_squared",
    "omega", "factor", "tail",
)  # fmt: skip
_COUNT_WORDS = ("rebalanc", "count", "trades", "days", "n_trades", "number", "blocked")


def _known_columns() -> dict[str, tuple[str, bool]]:
    """``column -> (label, is percent)`` from :mod:`tactical.report`, if it offers them."""
    try:
        from tactical.report import COLUMNS
    except ImportError:
        return {}
    return dict(COLUMNS) if isinstance(COLUMNS, Mapping) else {}


def _column_kind(column: str, known: Mapping[str, tuple[str, bool]]) -> str:
    """``"percent"`` (decimal returns and rates), ``"plain"`` (ratios), ``"count"`` or
    ``"money"`` (:data:`~tactical.tables.MONEY_COLUMNS`: whole currency units)."""
    if column in MONEY_COLUMNS:
        return "money"
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
        if kind in ("count", "money"):
            return f"{value:,.0f}"
        return f"{value:.2%}" if kind == "percent" else f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _format_table(
    table: pd.DataFrame, columns: str = "all", intervals: str = "inline"
) -> pd.DataFrame:
    """Display strings, rows = strategies, columns = display labels.

    Columns of a :func:`tactical.report.summary` table take their label and
    percent flag from ``tactical.report.COLUMNS``; other columns are read by
    name: ratios (``sharpe``, ``beta``...) plain with two decimals, counts
    (``rebalances``, ``..._days``) whole, everything else as a decimal shown
    as a percentage with two decimals. ``columns="seed"`` keeps only
    ``tactical.report.SEED_COLUMNS`` when the table has any of them.
    A column with interval bounds (``cagr_lo``, ``cagr_hi``) shows them in
    its cells: ``intervals="inline"`` ``8.10% [5.20%, 11.00%]``,
    ``"stacked"`` the interval on a second line, ``"omit"`` the value only.
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
    pairs = interval_pairs(table.columns)
    bounds = {b for pair in pairs.values() for b in pair}
    out = pd.DataFrame(index=[str(i) for i in table.index])
    for col in cols:
        if col in bounds:  # shown inside its column: "8.10% [5.20%, 11.00%]"
            continue
        label = known[col][0] if col in known else str(col)
        kind = _column_kind(str(col), known)
        shown = [_format_value(v, kind) for v in table[col].tolist()]
        if col in pairs and intervals != "omit":
            low, high = ([_format_value(v, kind) for v in table[b].tolist()] for b in pairs[col])
            shown = [interval_text(*parts) for parts in zip(shown, low, high, strict=True)]
            if intervals == "stacked":
                shown = [t.replace(" [", "\n[", 1) for t in shown]
        out[label] = shown
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
        own = getattr(results, "summary", None)
        if _is_result_set(results) and callable(own):
            return own(), ""
        from tactical.report import summary

        return summary(_as_panel(results).returns), ""
    except Exception as exc:  # the summary is optional here; say why it is missing
        return None, f"{type(exc).__name__}: {exc}"


_MAX_TABLE_ROWS = 40  # strategies listed in the tear sheet's table
_TABLE_ROW_EM = 1.55  # height of a table row in font sizes
_TABLE_FONT = 7.0


def _table_shape(table: pd.DataFrame | None) -> tuple[int, bool]:
    """``(body rows, strategies across)`` of the tear-sheet table."""
    if table is None:
        return 0, False
    across = len(table) <= 7  # strategies as columns when they fit the page width
    if across:
        return len(_format_table(table, columns="seed").columns), True
    return min(len(table), _MAX_TABLE_ROWS), False


_MIN_INTERVAL_FONT = 6.0  # points: intervals below this size are stacked, then left out
_STACKED_ROW = 1.75  # height of a two-line (stacked interval) row, in one-line rows
_TABLE_WIDTH_IN = {True: 4.9, False: 6.0}  # the least width of the table, strategies across
# or down: with up to 6 strategies each chart keeps its legend on the right


def _interval_mode(table: pd.DataFrame | None) -> str:
    """How the tear sheet's table shows intervals: ``"inline"``, ``"stacked"`` or ``"omit"``.

    Inline when the table fits its least width at 6 points or more, else the
    interval on a second line of its cell, else left out (the page says so).
    A table without intervals is ``"inline"``.
    """
    if table is None or _format_table(table, "seed", "inline").equals(
        _format_table(table, "seed", "omit")
    ):
        return "inline"
    across = _table_shape(table)[1]
    for mode in ("inline", "stacked"):
        shown, col_labels, row_labels, cells, rows = _table_cells(table, mode)
        base = _base_fontsize(shown, rows)
        if _fitted_fontsize(base, row_labels, col_labels, cells, _TABLE_WIDTH_IN[across]) >= (
            _MIN_INTERVAL_FONT
        ):
            return mode
    return "omit"


def _table_inches(rows: int, table: pd.DataFrame | None) -> float:
    """Height the table needs: title, a two-line header, ``rows`` rows and the notes."""
    notes = textwrap.wrap("; ".join(_table_notes(table)), 135) if table is not None else []
    more = table is not None and len(table) > _MAX_TABLE_ROWS
    size = _TABLE_FONT if rows <= 20 else 6.0
    mode = _interval_mode(table)
    body_rows = rows * (_STACKED_ROW if mode == "stacked" else 1.0)
    body = (body_rows + 2.2) * _TABLE_ROW_EM * size / 72.0
    return 0.3 + body + (len(notes) + more + (mode == "omit")) * 0.11 + 0.1


def _table_cells(
    table: pd.DataFrame, intervals: str
) -> tuple[pd.DataFrame, list[str], list[str], list[list[str]], int]:
    """What the tear-sheet table shows: the frame, column and row labels, cells, body rows."""
    formatted = _format_table(table, columns="seed", intervals=intervals)
    rows, across = _table_shape(table)
    if not across and len(formatted) > _MAX_TABLE_ROWS:
        formatted = formatted.iloc[:_MAX_TABLE_ROWS]
    shown = formatted.T if across else formatted
    col_labels = [textwrap.fill(str(c), 10, break_long_words=False) for c in shown.columns]
    row_labels = [_short(str(r), 28) for r in shown.index]
    return shown, col_labels, row_labels, shown.to_numpy().tolist(), rows


def _base_fontsize(shown: pd.DataFrame, rows: int) -> float:
    if rows > 20:
        return 6.0  # the page grows to keep rows at this size (see _table_inches)
    return 8.0 if len(shown) <= 10 and len(shown.columns) <= 7 else _TABLE_FONT


def _column_chars(
    row_labels: list[str], col_labels: list[str], cells: list[list[str]]
) -> list[float]:
    """Column widths by content (in characters), so no header or number is clipped."""
    return [_text_chars(row_labels)] + [
        max(_text_chars([lab], bold=True), _text_chars([row[j] for row in cells]))
        for j, lab in enumerate(col_labels)
    ]


def _fitted_fontsize(
    base: float,
    row_labels: list[str],
    col_labels: list[str],
    cells: list[list[str]],
    width_in: float,
) -> float:
    """The font size (at most ``base``) at which the columns fit ``width_in`` inches."""
    widths = _column_chars(row_labels, col_labels, cells)
    available = width_in * 72.0 / (_CHAR_EM * base)  # characters that fit
    return min(base, base * available / sum(widths))


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
    ax.set_title("Metrics", loc="left", fontsize="medium")
    # the other panels are drawn: lay the page out, so the table is sized to its final box
    figure = ax.get_figure(root=True)
    engine = figure.get_layout_engine() if figure is not None else None
    laid_out = engine is not None and figure is not None
    if laid_out:
        engine.execute(figure)  # type: ignore[union-attr, arg-type]
    mode = _interval_mode(table)
    shown, col_labels, row_labels, cells, rows = _table_cells(table, mode)
    across = _table_shape(table)[1]
    more = len(table) - _MAX_TABLE_ROWS
    lines_of_notes = _table_notes(table)
    if not across and more > 0:
        lines_of_notes.append(
            f"The table lists the first {_MAX_TABLE_ROWS} of {len(table)} strategies; "
            f"{more} more are in results.summary() and the HTML report"
        )
    if mode == "omit":
        lines_of_notes.append(
            "the intervals are too wide for this page: see the HTML report or the summary table"
        )
    notes = textwrap.wrap("; ".join(lines_of_notes), 135)
    if laid_out and figure is not None:  # the axes' final size (2% kept free)
        ax_width = 0.98 * float(figure.get_figwidth()) * float(ax.get_position().width)
        ax_height = 0.98 * float(figure.get_figheight()) * float(ax.get_position().height)
    else:
        ax_width, ax_height = _width_inches(ax), _height_inches(ax)
    notes_height = min(0.45, (len(notes) * 0.11 + 0.08) / ax_height) if notes else 0.0
    widths = _column_chars(row_labels, col_labels, cells)
    fontsize = max(
        5.5,
        _fitted_fontsize(_base_fontsize(shown, rows), row_labels, col_labels, cells, ax_width),
    )
    # and at most the size whose rows fit the box: the bbox shares its height among the rows
    # in proportion (header 1 + 0.6 per extra line, body 1 or a stacked 1.75), and a line
    # of text needs about 1.25 font sizes
    header_lines = max((lab.count("\n") + 1 for lab in col_labels), default=1)
    header = 1.0 + 0.6 * (header_lines - 1)
    body, body_lines = (_STACKED_ROW, 2) if mode == "stacked" else (1.0, 1)
    unit = ax_height * (1.0 - notes_height) * 72.0 / (header + len(shown) * body)
    fontsize = min(fontsize, unit / max(1.25 * header_lines / header, 1.25 * body_lines / body))
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
        if row > 0 and mode == "stacked":  # a value over its interval
            cell.set_height(cell.get_height() * _STACKED_ROW)
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


_MAX_HTML_COLUMNS = 9


def _grouped_tables_html(table: pd.DataFrame, colors: dict[str, str]) -> str:
    """The summary as one table per group of columns (returns, risk, relative...).

    A table of at most 9 columns shows whole, no group split; a wider one is
    cut into its groups (each at most 9 columns, the strategy names repeated),
    side by side where the page is wide enough, so the page never scrolls
    sideways to read a row.
    """
    if len(_format_table(table).columns) <= _MAX_HTML_COLUMNS:
        return _table_html(_format_table(table), colors, index_name="Strategy")
    group_of = {col: group for group, cols in COLUMN_GROUPS.items() for col in cols}
    pairs = interval_pairs(table.columns)
    bounds = {b for pair in pairs.values() for b in pair}
    groups: dict[str, list[Any]] = {}
    for col in table.columns:
        if col not in bounds:  # an interval goes with its column
            groups.setdefault(group_of.get(str(col), "Other"), []).append(col)
    order = [g for g in COLUMN_GROUPS if g in groups] + (["Other"] if "Other" in groups else [])
    parts = []
    for group in order:
        cols = groups[group]
        for i in range(0, len(cols), _MAX_HTML_COLUMNS):
            shown = cols[i : i + _MAX_HTML_COLUMNS]
            chunk = table[[x for c in shown for x in (c, *pairs.get(str(c), ()))]]
            parts.append(
                f'<div class="group"><h3 class="group">{html.escape(group)}</h3>'
                f"{_table_html(_format_table(chunk), colors, index_name='Strategy')}</div>"
            )
    return '<div class="groups">' + "\n".join(parts) + "</div>"


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
        cells = "".join(
            f'<td style="white-space:nowrap">{interval_html(str(v))}</td>'
            if str(v).endswith("]")
            else f"<td>{esc(str(v))}</td>"
            for v in row.tolist()
        )
        rows.append(f"<tr><th>{swatch}{esc(key)}</th>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr><th>{esc(index_name)}</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
