"""Colours, line styles, axis formats and legends shared by every chart.

No module-level matplotlib import: the helpers import it when they run.

Colours
-------
:func:`strategy_colors` gives each strategy a colour by its position in the
results, so the same results draw each strategy in the same colour on every
chart. Thirty colours are distinct (each pair at least 12 CIEDE2000 units
apart) and all read as text on white (contrast ratio at least 3.4, WCAG 2).
Beyond 30 strategies the colours repeat in the same order and the line style
changes with each round of 30 (solid, long dashes, dots, dash-dots), so the
pair (colour, line style) is distinct for up to 120 strategies.
External benchmarks are drawn in neutral dark greys with dashed lines;
holdings in allocation charts use a separate palette so they are never
mistaken for strategies.

Legends
-------
Legends sit outside the plot area, on the right. A legend that would be
taller than its chart gets a smaller font, then a second column; when even
that does not fit, it lists the first entries and a last line saying how
many are not shown. Labels longer than 36 characters are shortened with an
ellipsis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from tactical._typing import CASH

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["strategy_colors", "strategy_linestyles"]

# Strategy colours. The first nine are tab10 without its grey (kept for benchmarks), its light
# hues (orange, pink, olive, cyan) darkened; the other 21 were chosen greedily, each the sRGB
# colour farthest (CIEDE2000) from all chosen before, from the benchmark greys and from white,
# among colours with a contrast ratio >= 3.4 against white, CIELAB chroma >= 30 (not grey) and
# lightness >= 28 (not near black). tests/test_plotting_readability.py checks these properties.
_STRATEGY_PALETTE = (
    "#1f77b4", "#d95f02", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#c2379a", "#7f7f00",
    "#0e8a99", "#005a3c", "#0f00e1", "#694b00", "#5a3c69", "#87003c", "#ff3c78", "#009678",
    "#870f00", "#3c4b00", "#2d4b96", "#a5783c", "#f000ff", "#4b5aff", "#960fc3", "#4b783c",
    "#7887c3", "#964b0f", "#c32d5a", "#b46987", "#874b69", "#c3695a",
)  # fmt: skip
# Line style of each round of 30 strategies (matplotlib dash tuples; "-" is solid).
_ROUND_STYLES: tuple[Any, ...] = ("-", (0, (7.0, 2.0)), (0, (1.0, 1.6)), (0, (6.0, 2.0, 1.0, 2.0)))
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
_LINE_WIDTH = 1.4
_DEFAULT_SIZE = (10.0, 5.0)
_LABEL_CHARS = 36  # legend labels longer than this are shortened
_LEGEND_ENTRY = 1.62  # height of one legend entry in font sizes (measured, default style)
_CHAR_EM = 0.6  # average width of a character in ems (DejaVu Sans)


def _names_of(names: Iterable[str]) -> list[str]:
    """Strategy names in order: a ResultSet (or any mapping) gives its keys."""
    found = getattr(names, "names", None)
    return [str(k) for k in (found if found is not None else names)]


def strategy_colors(names: Iterable[str]) -> dict[str, str]:
    """Colour of each strategy, by its position in ``names``.

    Parameters
    ----------
    names : iterable of str, or a ResultSet
        Strategy names in display order (a ``ResultSet`` gives its own order).

    Returns
    -------
    dict of str to str
        ``name -> hex colour``. Position ``i`` always gets the same colour, so
        the same results draw each strategy in the same colour on every chart.
        Thirty colours are distinct (every pair at least 12 CIEDE2000 apart)
        and each has a contrast ratio of at least 3.4 against white, so it
        also reads as text (table rows). Position ``i`` gets colour
        ``i % 30``; beyond 30 strategies :func:`strategy_linestyles` tells
        the repeated colours apart.

    Examples
    --------
    >>> strategy_colors(["60/40", "Trend", "SPY"])
    {'60/40': '#1f77b4', 'Trend': '#d95f02', 'SPY': '#2ca02c'}
    """
    keys = _names_of(names)
    return {k: _STRATEGY_PALETTE[i % len(_STRATEGY_PALETTE)] for i, k in enumerate(keys)}


def strategy_linestyles(names: Iterable[str]) -> dict[str, Any]:
    """Line style of each strategy, by its position: one style per round of 30.

    Parameters
    ----------
    names : iterable of str, or a ResultSet
        Strategy names in display order.

    Returns
    -------
    dict of str to str or tuple
        ``name -> matplotlib linestyle``: ``"-"`` (solid) for positions 0-29,
        then long dashes, dots and dash-dots for each further round of 30
        (with the colours of :func:`strategy_colors` repeating), so the pair
        (colour, style) is distinct for 120 strategies. Benchmarks drawn from
        the set are dashed (``"--"``) whatever their position.

    Examples
    --------
    >>> styles = strategy_linestyles([f"s{i}" for i in range(31)])
    >>> styles["s0"], styles["s30"]
    ('-', (0, (7.0, 2.0)))
    """
    keys = _names_of(names)
    n = len(_STRATEGY_PALETTE)
    return {k: _ROUND_STYLES[(i // n) % len(_ROUND_STYLES)] for i, k in enumerate(keys)}


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


# ---------------------------------------------------------------- axes


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
    if ax_ == 0:
        return "$0"
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
    ax.set_xlim(start, end)  # type: ignore[arg-type]


def _style(ax: Axes) -> None:
    """Light grid behind the data, no top/right spines (local to this Axes)."""
    ax.grid(True, which="major", color="#e0e0e0", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _ylabel(ax: Axes, text: str, short: str) -> None:
    """Label the value axis with ``text``, or ``short`` when ``text`` is taller than the axes."""
    import matplotlib

    _, height = _axes_inches(ax)
    size = matplotlib.font_manager.FontProperties(size=matplotlib.rcParams["axes.labelsize"])
    needed = len(text) * _CHAR_EM * size.get_size_in_points() / 72.0
    ax.set_ylabel(text if needed <= 0.9 * height else short)


def _axes_inches(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in inches as placed before layout runs."""
    from matplotlib.figure import Figure

    fig = ax.get_figure(root=True)
    w, h = (fig.get_figwidth(), fig.get_figheight()) if isinstance(fig, Figure) else (10.0, 5.0)
    box = ax.get_position()
    return float(box.width) * float(w), float(box.height) * float(h)


# ---------------------------------------------------------------- legends


def _short(label: str, chars: int = _LABEL_CHARS) -> str:
    """Each line of ``label`` cut to ``chars`` characters with an ellipsis."""
    return "\n".join(
        line if len(line) <= chars else line[: chars - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
        for line in label.split("\n")
    )


def _legend_layout(n: int, height_in: float, width_in: float) -> tuple[float, int, int]:
    """``(font size, columns, entries shown)`` for a legend of ``n`` entries beside a chart.

    The legend may be as tall as the chart (``height_in``). Tried in order:
    one column at 8, 7 then 6 points; two columns at 6 points (only when the
    figure is wide enough that the plot keeps more than half of it); then as
    many entries as fit in those columns, the last line saying how many more.
    """
    for size in (8.0, 7.0, 6.0):
        rows = max(1, int(height_in * 72.0 / (_LEGEND_ENTRY * size)))
        if n <= rows:
            return size, 1, n
    size = 6.0
    rows = max(1, int(height_in * 72.0 / (_LEGEND_ENTRY * size)))
    column_in = (_LABEL_CHARS * _CHAR_EM * size + 30.0) / 72.0
    columns = 2 if width_in - 2 * column_in > 0.5 * width_in else 1
    if n <= rows * columns:
        return size, columns, n
    return size, columns, rows * columns - 1  # the last line says how many more


def _legend_outside(ax: Axes, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """Legend of ``handles`` outside the plot area on the right (never over the data).

    Sized by :func:`_legend_layout` to fit beside the chart; labels are
    shortened to 36 characters.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    if not handles:
        return
    fig = ax.get_figure(root=True)
    fig_w = float(fig.get_figwidth()) if isinstance(fig, Figure) else 10.0
    _, height = _axes_inches(ax)
    size, columns, shown = _legend_layout(len(handles), height, fig_w)
    handles, texts = list(handles[:shown]), [_short(str(lab)) for lab in labels[:shown]]
    if shown < len(labels):
        handles.append(Patch(visible=False))
        texts.append(f"\N{HORIZONTAL ELLIPSIS} and {len(labels) - shown} more not shown")
    ax.legend(
        handles,
        texts,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize=size,
        ncols=columns,
        columnspacing=1.0,
        handlelength=1.8,
    )


def _legend(ax: Axes) -> None:
    """Legend of the labelled artists, outside the plot area; none when nothing is labelled."""
    handles, labels = ax.get_legend_handles_labels()
    _legend_outside(ax, handles, labels)


def _legend_rows(
    n: int, width_in: float, size: float = 7.0, longest: int = _LABEL_CHARS
) -> tuple[int, int]:
    """``(columns, rows)`` of a legend of ``n`` labels (at most ``longest`` characters)
    spread across ``width_in`` inches."""
    column_in = (min(longest, _LABEL_CHARS) * _CHAR_EM * size + 30.0) / 72.0
    columns = max(1, min(n, int(width_in / column_in)))
    return columns, math.ceil(n / columns)
