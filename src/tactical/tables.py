"""Rendering summary tables as text, Markdown and HTML.

:func:`tactical.report.summary` computes a numeric table (decimals, not
percent); this module only displays it: percentages with two decimals, ratios
as numbers, money with thousands separators, the window stated above the table
and the conventions under it. Nothing here computes a metric.

Names
-----
:func:`format_summary` is the one renderer (``fmt="text"``, ``"markdown"`` or
``"html"``); :func:`to_text`, :func:`to_markdown` and :func:`summary_html` are
shorthands. :func:`summary_html` returns an HTML **fragment** (tables), unlike
:meth:`tactical.ResultSet.to_html`, which writes a whole report page to a file.
The old name ``tactical.report.to_html`` was removed for that reason and raises
an ``AttributeError`` saying so.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical.errors import MetricError

__all__ = [
    "COLUMNS",
    "COLUMN_GROUPS",
    "HEADLINE_COLUMNS",
    "MONEY_COLUMNS",
    "format_summary",
    "interval_html",
    "interval_pairs",
    "interval_text",
    "summary_html",
    "to_markdown",
    "to_text",
]

# column -> (display label, shown as percent)
COLUMNS: dict[str, tuple[str, bool]] = {
    "total_return": ("Total return", True),
    "cagr": ("CAGR", True),
    "volatility": ("Stdev", True),
    "max_drawdown": ("Max drawdown", True),
    "max_drawdown_days": ("Max DD days", False),
    "sharpe": ("Sharpe", False),
    "sortino": ("Sortino", False),
    "calmar": ("Calmar", False),
    "ulcer_index": ("Ulcer index", True),
    "best_month": ("Best month", True),
    "worst_month": ("Worst month", True),
    "best_year": ("Best year", True),
    "worst_year": ("Worst year", True),
    "positive_periods": ("Positive periods", True),
    "var": ("VaR", True),
    "cvar": ("CVaR", True),
    "skew": ("Skew", False),
    "kurtosis": ("Excess kurtosis", False),
    "alpha": ("Alpha", True),
    "beta": ("Beta", False),
    "treynor": ("Treynor", True),
    "correlation": ("Correlation", False),
    "up_capture": ("Up capture", True),
    "down_capture": ("Down capture", True),
    "tracking_error": ("Tracking error", True),
    "information_ratio": ("Information ratio", False),
    "final_balance": ("Final balance", False),
    "contributed": ("Contributed", False),
    "xirr": ("XIRR (money-weighted)", True),
    "blocked": ("Blocked trades", False),
}
"""Every summary column, with its display label and whether it renders as a percentage."""

MONEY_COLUMNS: frozenset[str] = frozenset({"final_balance", "contributed"})
"""Columns in currency, rendered with thousands separators and no decimals."""

HEADLINE_COLUMNS: tuple[str, ...] = (
    "final_balance",
    "contributed",
    "xirr",
    "blocked",
    "cagr",
    "alpha",
    "beta",
    "volatility",
    "max_drawdown",
    "sharpe",
    "sortino",
    "treynor",
)
"""The columns rendered by default (those present): a published track-record table, led
by the account's money columns when the results have cash flows (the balance a saver reads
first, then the time-weighted returns) and the count of trades a plan's policy blocked."""

COLUMN_GROUPS: dict[str, tuple[str, ...]] = {
    "Account (money)": (
        "final_balance", "contributed", "growth", "xirr", "money_weighted_return",
    ),
    "Returns": (
        "total_return", "cagr", "best_month", "worst_month", "best_year", "worst_year",
        "positive_periods",
    ),
    "Risk": ("volatility", "max_drawdown", "max_drawdown_days", "ulcer_index", "var", "cvar"),
    "Risk-adjusted": (
        "sharpe", "sortino", "calmar", "omega", "omega_ratio", "tail_ratio", "stability",
    ),
    "Distribution": ("skew", "kurtosis"),
    "Relative to the benchmark": (
        "alpha", "beta", "treynor", "correlation", "up_capture", "down_capture",
        "tracking_error", "information_ratio", "batting_average",
    ),
    "Trading": (
        "rebalances", "n_rebalances", "turnover", "annual_turnover", "costs", "exposure",
        "blocked",
    ),
}  # fmt: skip
"""Display groups of a wide summary: the HTML summary here and the HTML report (charts) both
split a wide table into one table per group, in this order (an account's money first).

Columns of a table that no group names are shown in a last group, "Other".
"""

Format = Literal["text", "markdown", "html"]


def format_summary(
    table: pd.DataFrame,
    fmt: Format = "text",
    *,
    columns: Sequence[str] | Literal["headline", "all"] = "headline",
    digits: int = 2,
    notes: bool = True,
    grouped: bool = False,
) -> str:
    """Render a :func:`~tactical.report.summary` table as text, Markdown or HTML.

    Parameters
    ----------
    table : DataFrame
        From :func:`~tactical.report.summary` (its ``attrs`` give the window
        and the notes); any numeric table with the same column names works.
    fmt : {"text", "markdown", "html"}
    columns : "headline", "all" or list of str
        ``"headline"``: the published-track-record columns
        (:data:`HEADLINE_COLUMNS`, those present); ``"all"``: every column.
    digits : int
        Decimals: percentages as ``7.66%``, ratios as ``0.52``. Money columns
        (:data:`MONEY_COLUMNS`) show whole currency units (``244,243``).
    notes : bool
        Print the window above and the conventions below the table.
    grouped : bool
        HTML only: one table per group of :data:`COLUMN_GROUPS` (account,
        returns, risk, relative, distribution), stacked vertically, so 26
        columns never scroll sideways; the notes follow the last table.

    Returns
    -------
    str

    Raises
    ------
    MetricError
        An unknown column, format, or the old option ``columns="seed"``
        (renamed ``"headline"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cagr": [0.0766], "sharpe": [0.4567]}, index=["SPY"])
    >>> print(format_summary(t, "markdown", notes=False))
    |  | CAGR | Sharpe |
    |---|---:|---:|
    | SPY | 7.66% | 0.46 |
    """
    cols = _select(table, columns)
    above, below = _notes(table) if notes else ([], [])
    if fmt not in ("text", "markdown", "html"):
        raise MetricError(f"fmt must be 'text', 'markdown' or 'html', got {fmt!r}")
    if grouped and fmt == "html":
        return _html_grouped(table, cols, digits, above, below)
    header, rows, cells = _cells(table, cols, digits, align=fmt == "text")
    if fmt == "text":
        return _text(header, rows, cells, above, below)
    if fmt == "markdown":
        return _markdown(header, rows, cells, above, below)
    return _html(header, rows, cells, above, below)


def to_text(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as aligned plain text.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_text(pd.DataFrame({"cagr": [0.05]}, index=["A"]), notes=False))
        CAGR
    -  -----
    A  5.00%
    """
    return format_summary(table, "text", **options)


def to_markdown(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as a Markdown table.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_markdown(pd.DataFrame({"beta": [0.5]}, index=["A"]), notes=False))
    |  | Beta |
    |---|---:|
    | A | 0.50 |
    """
    return format_summary(table, "markdown", **options)


def summary_html(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as an HTML fragment: ``<table>`` elements, values escaped.

    Not a page: :meth:`tactical.ResultSet.to_html` writes a whole report file.
    Options as in :func:`format_summary` (``columns="all", grouped=True`` is
    what a notebook shows for a summary).

    Examples
    --------
    >>> import pandas as pd
    >>> summary_html(pd.DataFrame({"cagr": [0.05]}, index=["A&B"]), notes=False).splitlines()[3]
    '<tr><th>A&amp;B</th><td style="text-align:right">5.00%</td></tr>'
    """
    return format_summary(table, "html", **options)


def _select(table: pd.DataFrame, columns: Sequence[str] | str) -> list[str]:
    if isinstance(columns, str):
        if columns == "headline":
            return [c for c in HEADLINE_COLUMNS if c in table.columns]
        if columns == "all":  # an interval's bounds show inside its column's cells
            bounds = {b for pair in interval_pairs(table.columns).values() for b in pair}
            return [c for c in table.columns if c not in bounds]
        if columns == "seed":
            raise MetricError(
                "columns='seed' was renamed columns='headline' (the published track-record "
                "columns, HEADLINE_COLUMNS)"
            )
        raise MetricError(
            f"columns must be 'headline', 'all' or a list of column names, got {columns!r}"
        )
    cols = list(columns)
    unknown = [c for c in cols if c not in table.columns]
    if unknown:
        raise MetricError(f"no column(s) {unknown} in the table; have {list(table.columns)}")
    return cols


def interval_pairs(columns: Sequence[Any]) -> dict[str, tuple[str, str]]:
    """``{column: (column_lo, column_hi)}`` for the columns whose interval bounds are present.

    The bounds of :func:`~tactical.report.summary` with ``intervals=True``;
    renderers show them inside the column's cells, ``8.10% [5.20%, 11.00%]``.

    Examples
    --------
    >>> interval_pairs(["cagr", "cagr_lo", "cagr_hi", "sharpe", "sharpe_lo"])
    {'cagr': ('cagr_lo', 'cagr_hi')}
    """
    names = {str(c) for c in columns}
    return {
        str(c): (f"{c}_lo", f"{c}_hi") for c in columns if f"{c}_lo" in names and f"{c}_hi" in names
    }


def interval_text(value: str, low: str, high: str) -> str:
    """A value and its interval as one cell: ``"8.10% [5.20%, 11.00%]"`` (bounds n/a: the value).

    Examples
    --------
    >>> interval_text("8.10%", "5.20%", "11.00%"), interval_text("0.50", "n/a", "n/a")
    ('8.10% [5.20%, 11.00%]', '0.50')
    """
    if low.strip() == "n/a" and high.strip() == "n/a":
        return value
    return f"{value} [{low}, {high}]"


def interval_html(text: str) -> str:
    """A cell's text as escaped HTML, an interval part ``[low, high]`` smaller and grey.

    Examples
    --------
    >>> interval_html("8.10% [5.20%, 11.00%]")
    '8.10% <span style="color:#666;font-size:0.85em">[5.20%, 11.00%]</span>'
    >>> interval_html("A&B")
    'A&amp;B'
    """
    value, sep, rest = text.rpartition(" [")
    if not sep or not rest.endswith("]"):
        return html.escape(text)
    return (
        f'{html.escape(value.rstrip())} <span style="color:#666;font-size:0.85em">'
        f"[{html.escape(rest.strip())}</span>"
    )


def _cells(
    table: pd.DataFrame, cols: list[str], digits: int, *, align: bool = False
) -> tuple[list[str], list[str], list[list[str]]]:
    """Header labels, row names and display strings; ``align`` pads interval parts to line up."""
    header = [COLUMNS.get(c, (c, False))[0] for c in cols]
    pairs = interval_pairs(table.columns)
    columns: list[list[str]] = []
    for c in cols:
        shown = [_cell(v, c, digits) for v in table[c].tolist()]
        if c in pairs:
            low, high = ([_cell(v, c, digits) for v in table[b].tolist()] for b in pairs[c])
            if align:  # the brackets and commas of a text column under each other
                shown, low, high = (_pad(part) for part in (shown, low, high))
            shown = [interval_text(*parts) for parts in zip(shown, low, high, strict=True)]
        columns.append(shown)
    cells = (
        [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in table.index]
    )
    return header, [str(r) for r in table.index], cells


def _pad(texts: list[str]) -> list[str]:
    width = max((len(t) for t in texts), default=0)
    return [t.rjust(width) for t in texts]


def _base(column: str) -> str:
    """The summary column an interval bound belongs to (``cagr_lo`` -> ``cagr``)."""
    for suffix in ("_lo", "_hi"):
        if column.endswith(suffix) and column[: -len(suffix)] in COLUMNS:
            return column[: -len(suffix)]
    return column


def _cell(value: Any, column: str, digits: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return str(value)  # a label, date or flag in a derived table: as it is
    column = _base(column)
    pct = COLUMNS.get(column, (column, False))[1]
    if column in ("max_drawdown_days", "blocked") or column in MONEY_COLUMNS:
        return f"{value:,.0f}"
    # "z" folds a negative zero such as -0.00% (tiny float noise) into 0.00%
    return f"{value:z.{digits}%}" if pct else f"{value:z.{digits}f}"


def _notes(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    attrs = table.attrs
    above: list[str] = []
    if "window" in attrs:
        start, end = attrs["window"]
        if attrs.get("window_start_known", False):
            span = f"({attrs.get('years', float('nan')):.2f} years)"
        else:
            span = "(first return to last; start date not given)"
        above.append(f"Window: {pd.Timestamp(start).date()} to {pd.Timestamp(end).date()} {span}")
    if attrs.get("benchmark"):
        above.append(f"Benchmark: {attrs['benchmark']}")
    if not above:
        above.append("Window: not stated (table not made by tactical.report.summary)")
    return above, list(attrs.get("notes", []))


def _text(
    header: list[str], rows: list[str], cells: list[list[str]], above: list[str], below: list[str]
) -> str:
    widths = [max([len(rows_i) for rows_i in rows] + [0])]
    widths += [max(len(h), *(len(r[j]) for r in cells)) for j, h in enumerate(header)]

    def line(first: str, rest: list[str]) -> str:
        padded = [v.rjust(w) for v, w in zip(rest, widths[1:], strict=True)]
        return "  ".join([first.ljust(widths[0]), *padded])

    body = [line("", header), "  ".join("-" * w for w in widths)]
    body += [line(name, r) for name, r in zip(rows, cells, strict=True)]
    return "\n".join([*above, *body, *below])


def _markdown(
    header: list[str], rows: list[str], cells: list[list[str]], above: list[str], below: list[str]
) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    body = ["|  | " + " | ".join(esc(h) for h in header) + " |"]
    body.append("|---|" + "---:|" * len(header))
    body += [f"| {esc(n)} | " + " | ".join(r) + " |" for n, r in zip(rows, cells, strict=True)]
    parts = [*(f"{a}  " for a in above)]
    if parts:
        parts.append("")
    parts += body
    if below:
        parts += ["", *(f"- {b}" for b in below)]
    return "\n".join(parts)


def _html(
    header: list[str],
    rows: list[str],
    cells: list[list[str]],
    above: list[str],
    below: list[str],
    group: str | None = None,
) -> str:
    e = html.escape
    out = ['<table class="tactical-summary">']
    caption = ([f"<b>{e(group)}</b>"] if group else []) + [e(a) for a in above]
    if caption:
        out.append(f"<caption>{'<br>'.join(caption)}</caption>")
    out.append(
        "<thead><tr><th></th>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr></thead>"
    )
    out.append("<tbody>")
    for name, r in zip(rows, cells, strict=True):
        tds = "".join(
            f'<td style="text-align:right;white-space:nowrap">{interval_html(v)}</td>'
            if v.endswith("]")
            else f'<td style="text-align:right">{e(v)}</td>'
            for v in r
        )
        out.append(f"<tr><th>{e(name)}</th>{tds}</tr>")
    out.append("</tbody>")
    if below:
        out.append(
            f'<tfoot><tr><td colspan="{len(header) + 1}">'
            + "<br>".join(e(b) for b in below)
            + "</td></tr></tfoot>"
        )
    out.append("</table>")
    return "\n".join(out)


def _html_grouped(
    table: pd.DataFrame, cols: list[str], digits: int, above: list[str], below: list[str]
) -> str:
    chosen = set(cols)
    groups = [(g, [c for c in members if c in chosen]) for g, members in COLUMN_GROUPS.items()]
    grouped = {c for _, members in groups for c in members}
    groups.append(("Other", [c for c in cols if c not in grouped]))
    groups = [(g, members) for g, members in groups if members]
    parts = ['<div class="tactical-summary-groups">']
    if above:
        parts.append(f"<p>{'<br>'.join(html.escape(a) for a in above)}</p>")
    for name, members in groups:
        header, rows, cells = _cells(table, members, digits)
        parts.append(_html(header, rows, cells, [], [], group=name))
    if below:
        parts.append(
            '<p style="font-size:smaller">' + "<br>".join(html.escape(b) for b in below) + "</p>"
        )
    parts.append("</div>")
    return "\n".join(parts)
