"""A sweep keeps one returns matrix and small per-variant records, never full results."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pandas as pd

import tactical as tc
from tactical.strategies import RelativeMomentum, Strategy

MENU = tuple(f"F{i}" for i in range(6))


def test_peak_memory_is_a_few_returns_matrices_not_one_result_per_variant():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2005-01-03", periods=2500, name="date")
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(2e-4, 0.01, (2500, 6)), axis=0)),
        index=idx,
        columns=list(MENU),
    )
    grid = {"lookback": list(range(32, 263, 11)), "top_n": [1, 2, 3, 4, 5]}  # 105 variants

    def make(lookback: int, top_n: int) -> Strategy:
        return Strategy(RelativeMomentum(MENU, lookback=lookback, top_n=top_n))

    gc.collect()
    tracemalloc.start()
    sw = tc.sweep(px, make, grid, progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    matrix = sw.returns.to_numpy().nbytes  # 105 x ~2250 float64 = 1.9 MB
    one_result = 2500 * 7 * 8 * 4  # weights, values... of one full result, roughly
    assert len(sw.table) == 105
    # all results kept would be > 105 * one_result (~59 MB); we stay near the matrix itself
    assert peak < 4 * matrix + 30 * one_result, (peak / 2**20, matrix / 2**20)
