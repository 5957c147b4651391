"""Shared inputs of the metric tests: seeded synthetic daily returns (always available)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def pair() -> tuple[pd.Series, pd.Series]:
    """A strategy correlated with a benchmark, 800 business days, every 37th return exactly 0."""
    idx = pd.bdate_range("2015-01-01", periods=800, name="date")
    rng = np.random.default_rng(1)
    b = pd.Series(rng.normal(3e-4, 0.01, 800), index=idx, name="B")
    r = (0.7 * b + rng.normal(1e-4, 0.005, 800)).rename("A")
    r.iloc[::37] = 0.0
    return r, b
