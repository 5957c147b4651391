"""Rebalance rules behind the protocol the loop calls: per-asset bands and a user rule.

Both are checked against an independent plain-numpy simulation of a band rule
(at lag 0: trade back to target at the close of the first bar whose drifted
weights break the rule), written here without the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError
from tactical.strategies import FixedWeights, Strategy, Threshold
from tactical.strategies.rebalancing import RebalanceRule
from tactical.testing import random_prices

TARGET = {"A": 0.5, "B": 0.3, "C": 0.2}


@pytest.fixture
def px() -> pd.DataFrame:
    return random_prices(700, ("A", "B", "C"), volatility=0.02, seed=8)


def simulate(
    prices: pd.DataFrame, target: dict[str, float], breach: Callable[[np.ndarray], bool]
) -> tuple[np.ndarray, list[int]]:
    """Equity of a band rule, bar by bar: the independent oracle."""
    p = prices[list(target)].to_numpy()
    w = np.array(list(target.values()))
    shares = 10_000.0 * w / p[0]
    equity, trades = np.empty(len(p)), [0]
    for t in range(len(p)):
        held = shares * p[t]
        value = held.sum()
        if t > 0 and breach(held / value):
            shares = value * w / p[t]
            trades.append(t)
        equity[t] = value
    return equity, trades


def test_per_asset_bands_trade_only_when_a_listed_fund_leaves_its_band(px):
    bands = {"A": 0.04, "C": 0.02}  # B has no band: its drift alone never trades
    rule = Threshold(bands=bands)
    r = tc.backtest(px, Strategy(FixedWeights(TARGET), rebalance=rule), execution_lag=0)
    limits = np.array([0.04, np.inf, 0.02]) + 1e-12
    w = np.array(list(TARGET.values()))
    equity, trades = simulate(px, TARGET, lambda x: bool((np.abs(x - w) > limits).any()))
    np.testing.assert_allclose(r.equity.to_numpy(), equity, rtol=1e-12)
    assert list(px.index.get_indexer(r.trades.index)) == trades
    assert r.n_rebalances == len(trades) - 1 > 3


def test_bands_replace_the_global_band_for_the_funds_listed(px):
    rule = Threshold(abs_band=0.05, bands={"C": 0.01})
    r = tc.backtest(px, Strategy(FixedWeights(TARGET), rebalance=rule), execution_lag=0)
    limits = np.array([0.05, 0.05, 0.01]) + 1e-12
    w = np.array(list(TARGET.values()))
    equity, trades = simulate(px, TARGET, lambda x: bool((np.abs(x - w) > limits).any()))
    np.testing.assert_allclose(r.equity.to_numpy(), equity, rtol=1e-12)
    assert list(px.index.get_indexer(r.trades.index)) == trades
    # the same bands given for every fund equal one abs_band
    same = Threshold(bands={"A": 0.05, "B": 0.05, "C": 0.05})
    one = Threshold(abs_band=0.05)
    a = tc.backtest(px, Strategy(FixedWeights(TARGET), rebalance=same))
    b = tc.backtest(px, Strategy(FixedWeights(TARGET), rebalance=one))
    np.testing.assert_array_equal(a.equity.to_numpy(), b.equity.to_numpy())


@dataclass(frozen=True)
class BelowTarget:
    """A user's rule, not known to the engine: rebalance when a holding falls below 80% of
    its target weight (checked every bar)."""

    def decides_on_schedule(self, static: bool) -> bool:
        return not static

    def trades_on_decision(self) -> bool:
        return False

    def checks_every_bar(self) -> bool:
        return True

    def first_breach(self, values, target, holdings):
        w = values / values.sum(axis=1, keepdims=True)
        hit = (w < 0.8 * target).any(axis=1)
        return int(np.argmax(hit)) if hit.any() else None


def test_a_new_rule_plugs_in_without_touching_the_loop(px):
    rule = BelowTarget()
    assert isinstance(rule, RebalanceRule)
    target = {"A": 0.4, "B": 0.4, "C": 0.2}
    r = tc.backtest(px, Strategy(FixedWeights(target), rebalance=rule), execution_lag=0)
    w = np.array(list(target.values()))
    equity, trades = simulate(px, target, lambda x: bool((x < 0.8 * w).any()))
    np.testing.assert_allclose(r.equity.to_numpy(), equity, rtol=1e-12)
    assert list(px.index.get_indexer(r.trades.index)) == trades
    assert len(trades) > 1


def test_a_rule_must_implement_the_protocol():
    with pytest.raises(ConfigError, match="RebalanceRule"):
        Strategy(FixedWeights(TARGET), rebalance="monthly")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "needs abs_band, rel_band or per-holding bands"),
        ({"bands": {"A": -0.1}}, "band for A must be >= 0"),
        ({"bands": {"A": 5.0}}, "more than 100 percentage points"),
        ({"bands": {"A": "x"}}, "band for A must be a number"),
        ({"bands": 0.05}, "bands must map holdings"),
    ],
)
def test_bad_bands_are_named_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Threshold(**kwargs)


def test_bands_are_stored_as_pairs_so_the_rule_stays_hashable():
    rule = Threshold(bands={"SPY": 0.05, "AGG": 0.03})
    assert rule.bands == (("SPY", 0.05), ("AGG", 0.03))
    assert hash(rule) == hash(Threshold(bands={"SPY": 0.05, "AGG": 0.03}))
