"""Charts, the tear sheet and the HTML report; matplotlib is imported inside the functions.

* :mod:`tactical.charts.plots`: one chart per function, each returning a matplotlib Axes;
* :mod:`tactical.charts.sheets`: the one-page tear sheet and the HTML report;
* :mod:`tactical.charts.data`: the numbers the charts draw, computed without matplotlib.
"""

from __future__ import annotations

from tactical.charts import plots
from tactical.charts.plots import *  # noqa: F403

__all__ = list(plots.__all__)
