"""Type aliases and ``Literal`` option sets shared across tactical."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

import pandas as pd

Weights: TypeAlias = Mapping[str, float]
"""Target weights: ticker -> fraction, non-negative, summing to 1. ``"CASH"`` is explicit cash."""

DateLike: TypeAlias = str | pd.Timestamp
"""Anything :func:`pandas.Timestamp` accepts: ``"2004-01-31"``, a ``Timestamp``, a ``datetime``."""

ThresholdCheck: TypeAlias = Literal["bar", "schedule"]
"""When a threshold rule checks drift: every bar, or only on schedule dates (hybrid)."""

DurationLike: TypeAlias = int | str
"""A lookback, skip or averaging window: ``"10M"``, ``"52W"``, ``"126D"`` or an int of days."""

CASH = "CASH"
"""Name of the explicit cash holding."""
