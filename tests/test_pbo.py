"""CSCV probability of backtest overfitting: brute force, noise, a planted edge, bad input."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

import tactical as tc
from tactical.errors import ConfigError, MetricError
from tactical.robustness.pbo import pbo


def _brute_force(values: np.ndarray, s: int) -> tuple[float, np.ndarray]:
    """The paper's steps written literally: slice rows, Sharpe, argmax, rank, logit."""
    blocks = np.array_split(np.arange(len(values)), s)
    logits = []
    for chosen in combinations(range(s), s // 2):
        rows_is = np.concatenate([blocks[i] for i in chosen])
        rows_oos = np.concatenate([blocks[i] for i in range(s) if i not in chosen])
        a, b = values[rows_is], values[rows_oos]
        r_is = a.mean(axis=0) / a.std(axis=0, ddof=1)
        r_oos = b.mean(axis=0) / b.std(axis=0, ddof=1)
        best = int(np.argmax(r_is))
        omega = rankdata(r_oos)[best] / (values.shape[1] + 1)
        logits.append(np.log(omega / (1 - omega)))
    arr = np.array(logits)
    return float(np.mean(arr <= 0)), arr


def test_matches_the_literal_algorithm_with_uneven_blocks():
    values = np.random.default_rng(4).normal(0.0002, 0.01, (203, 7))  # 203 = 6 blocks, uneven
    res = pbo(values, n_splits=6)
    expected_pbo, expected_logits = _brute_force(values, 6)
    np.testing.assert_allclose(res.logits, expected_logits, rtol=1e-9, atol=1e-12)
    assert res.pbo == expected_pbo
    assert sum(res.block_sizes) == 203  # no row dropped
    assert len(res.logits) == 20  # C(6, 3)


def test_pure_noise_gives_pbo_near_one_half():
    values = [pbo(np.random.default_rng(s).normal(0, 0.01, (600, 20)), 10).pbo for s in range(8)]
    assert 0.35 < float(np.mean(values)) < 0.65


def test_one_planted_edge_gives_pbo_near_zero():
    x = np.random.default_rng(9).normal(0, 0.01, (1000, 20))
    x[:, 3] += 0.002
    res = pbo(pd.DataFrame(x))
    assert res.pbo < 0.02
    assert len(res.logits) == 12870
    assert res.prob_oos_loss < 0.02


def test_sixteen_splits_give_12870_combinations():
    res = pbo(np.random.default_rng(1).normal(0, 0.01, (320, 4)))
    assert len(res.logits) == 12870 and res.n_splits == 16 and res.n_trials == 4


@pytest.mark.parametrize(
    ("data", "splits", "error", "match"),
    [
        (np.zeros((100, 1)) + 0.01, 4, ConfigError, "at least 2 trials"),
        (np.random.default_rng(0).normal(size=(20, 3)) / 100, 16, MetricError, "at least 32 rows"),
        (np.random.default_rng(0).normal(size=(100, 3)) / 100, 5, ConfigError, "even"),
        (pd.Series([0.1, 0.2]), 2, ConfigError, "SweepResult or a returns matrix"),
    ],
)
def test_bad_input_is_named(data, splits, error, match):
    with pytest.raises(error, match=match):
        pbo(data, n_splits=splits)


def test_nan_rows_are_an_error_not_dropped():
    x = np.random.default_rng(0).normal(0, 0.01, (100, 3))
    x[5, 1] = np.nan
    with pytest.raises(MetricError, match="never drops rows"):
        pbo(pd.DataFrame(x, columns=["a", "b", "c"]), n_splits=4)


def test_exposed_on_tactical():
    assert tc.pbo is pbo
