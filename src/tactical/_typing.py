"""Type aliases and ``Literal`` option sets shared across tactical."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol, TypeAlias, runtime_checkable

import pandas as pd

Weights: TypeAlias = Mapping[str, float]
"""Target weights: ticker -> fraction, non-negative, summing to 1. ``"CASH"`` is explicit cash."""

DateLike: TypeAlias = str | pd.Timestamp
"""Anything :func:`pandas.Timestamp` accepts: ``"2004-01-31"``, a ``Timestamp``, a ``datetime``."""

ThresholdCheck: TypeAlias = Literal["bar", "schedule"]
"""When a threshold rule checks drift: every bar, or only on schedule dates (hybrid)."""

FlowRule: TypeAlias = Literal["election", "rebalance"]
"""How cash flows are invested: by the target weights (the plan's contribution election;
withdrawals pro rata to holdings), or toward the target (contributions buy the funds furthest
below it, withdrawals sell those furthest above: cash-flow rebalancing)."""

DurationLike: TypeAlias = int | str
"""A lookback, skip or averaging window: ``"10M"``, ``"52W"``, ``"126D"`` or an int of days."""

CASH = "CASH"
"""Name of the explicit cash holding."""


@runtime_checkable
class ResultLike(Protocol):
    """What charts read from one backtest result, by attribute only.

    :class:`tactical.results.BacktestResult` satisfies it; charts never import
    :mod:`tactical.results` (results delegate to charts, so the import would
    be circular). Optional attributes a chart uses when present: ``flows``
    (cash flows by source), ``rebalances`` (execution dates of rebalances),
    ``contributed`` (totals by source).
    """

    @property
    def name(self) -> str: ...
    @property
    def equity(self) -> pd.Series: ...
    @property
    def returns(self) -> pd.Series: ...
    @property
    def weights(self) -> pd.DataFrame: ...
    @property
    def targets(self) -> pd.DataFrame: ...
    @property
    def trades(self) -> pd.DataFrame: ...
    @property
    def costs(self) -> pd.Series: ...
    @property
    def cashflows(self) -> pd.Series: ...
    @property
    def config(self) -> Mapping[str, Any]: ...


ResultSetLike: TypeAlias = Mapping[str, ResultLike]
"""Several results by name, in display order (:class:`tactical.results.ResultSet`)."""
