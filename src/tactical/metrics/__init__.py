"""Performance metrics: pure functions of simple periodic returns.

The formulas live in one module each and are re-exported here, so
``tactical.metrics.sharpe_ratio`` is the one entry point:

* :mod:`tactical.metrics.formulas`: returns, growth, risk-adjusted ratios, drawdowns;
* :mod:`tactical.metrics.distribution`: calendar extremes, tails, moments, streaks;
* :mod:`tactical.metrics.relative`: metrics against a benchmark;
* :mod:`tactical.metrics.rolling`: rolling-window statistics;
* :mod:`tactical.metrics.holdings`: metrics of weights (``exposure``);
* :mod:`tactical.metrics.inputs`: input validation (``check_returns``),
  ``period_returns`` and ``infer_periods_per_year``;
* :mod:`tactical.metrics.conventions`: the named conventions of a summary table;
* :mod:`tactical.metrics.overfitting`: probabilistic and deflated Sharpe ratios;
* :mod:`tactical.metrics.table`: a table of metrics for many strategies at once
  (``metric_table``, what a sweep shows per variant);
* :mod:`tactical.metrics.bootstrap`: stationary-bootstrap confidence intervals.
"""

from __future__ import annotations

from tactical.metrics import (
    distribution,
    formulas,
    holdings,
    overfitting,
    relative,
    rolling,
    table,
)
from tactical.metrics.distribution import *  # noqa: F403
from tactical.metrics.formulas import *  # noqa: F403
from tactical.metrics.holdings import *  # noqa: F403
from tactical.metrics.inputs import check_returns as check_returns
from tactical.metrics.overfitting import *  # noqa: F403
from tactical.metrics.relative import *  # noqa: F403
from tactical.metrics.rolling import *  # noqa: F403
from tactical.metrics.table import *  # noqa: F403

__all__: list[str] = []
for _module in (formulas, distribution, relative, rolling, holdings, overfitting, table):
    __all__ += [n for n in _module.__all__ if n not in __all__]
__all__.append("check_returns")
del _module
