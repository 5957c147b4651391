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

from tactical.charts import plots
from tactical.charts.plots import *  # noqa: F403
from tactical.charts.sheets import html_report, tear_sheet

__all__ = [*plots.__all__, "tear_sheet", "html_report"]
