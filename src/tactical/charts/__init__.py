"""Charts, the tear sheet and the HTML report; matplotlib is imported inside the functions.

* :mod:`tactical.charts.plots`: one chart per function, each returning a matplotlib Axes;
* :mod:`tactical.charts.account`: the balance in dollars and the allocation (re-exported
  by ``plots``);
* :mod:`tactical.charts.sheets`: the one-page tear sheet and the HTML report;
* :mod:`tactical.charts.tables`: the metrics table of both, formatted and laid out;
* :mod:`tactical.charts.style`: colours, line styles, axis formats and legends;
* :mod:`tactical.charts.data`: the numbers the charts draw, computed without matplotlib.

Charts read results by attribute (``equity``, ``returns``, ``weights``,
``trades``, ``flows``...) and never import :mod:`tactical.results`, which
delegates its ``plot_*`` methods here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
    from tactical.charts.account import plot_allocation, plot_balance
    from tactical.charts.plots import (
        plot_annual_returns,
        plot_drawdowns,
        plot_equity,
        plot_monthly_heatmap,
        plot_rolling_returns,
    )
    from tactical.charts.sheets import html_report, tear_sheet
    from tactical.charts.style import strategy_colors, strategy_linestyles

# the names of tactical.charts.plots.__all__, then the tear sheet and the report
__all__ = [
    "strategy_colors",
    "strategy_linestyles",
    "plot_balance",
    "plot_equity",
    "plot_drawdowns",
    "plot_rolling_returns",
    "plot_annual_returns",
    "plot_allocation",
    "plot_monthly_heatmap",
    "tear_sheet",
    "html_report",
]

# name -> the module defining it; imported on first use (see tactical._lazy)
_WHERE = {
    "tactical.charts.account": ("plot_allocation", "plot_balance"),
    "tactical.charts.plots": (
        "plot_annual_returns",
        "plot_drawdowns",
        "plot_equity",
        "plot_monthly_heatmap",
        "plot_rolling_returns",
    ),
    "tactical.charts.sheets": ("html_report", "tear_sheet"),
    "tactical.charts.style": ("strategy_colors", "strategy_linestyles"),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
