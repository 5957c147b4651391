"""Performance metrics: pure functions of simple periodic returns.

The formulas live in one module each and are re-exported here, so
``tactical.metrics.sharpe_ratio`` is the one entry point:

* :mod:`tactical.metrics.formulas`: return, risk and distribution metrics;
* :mod:`tactical.metrics.relative`: metrics against a benchmark;
* :mod:`tactical.metrics.rolling`: rolling-window statistics;
* :mod:`tactical.metrics.inputs`: input validation, ``period_returns`` and
  ``infer_periods_per_year``;
* :mod:`tactical.metrics.conventions`: the named conventions of a summary table;
* :mod:`tactical.metrics.overfitting`: probabilistic and deflated Sharpe ratios;
* :mod:`tactical.metrics.bootstrap`: stationary-bootstrap confidence intervals.
"""

from __future__ import annotations

from tactical.metrics import formulas, overfitting, relative, rolling
from tactical.metrics.formulas import *  # noqa: F403
from tactical.metrics.overfitting import *  # noqa: F403
from tactical.metrics.rolling import *  # noqa: F403

__all__ = [*formulas.__all__, *rolling.__all__, *overfitting.__all__]
__all__ += [n for n in relative.__all__ if n not in __all__]
