"""Variants a sweep solves together equal their own backtests bit for bit, however chunked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import VariantFailedWarning
from tactical.metrics import metric_table
from tactical.strategies import (
    DualMomentum,
    FixedWeights,
    RelativeMomentum,
    Strategy,
    Threshold,
)

MENU = ("A", "B", "C", "D", "E")
COSTS = tc.ProportionalCost(bps=7)


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    idx = pd.bdate_range("2011-01-03", periods=1300, name="date")
    r = rng.normal([3e-4, 1e-4, 4e-4, 2e-4, 2e-4], [0.012, 0.004, 0.015, 0.009, 0.011], (1300, 5))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


def _tilt(history) -> dict[str, float]:
    """A plain function allocator (the History path): more A after A rose."""
    a = history.prices["A"]
    up = float(a.iloc[-1] / a.iloc[-21]) > 1.0 if len(a) > 21 else False
    return {"A": 0.7, "B": 0.3} if up else {"A": 0.3, "B": 0.7}


def make(kind: str, lookback: int = 63, top_n: int = 1, schedule: str = "ME") -> Strategy:
    if kind == "momentum":
        return Strategy(
            RelativeMomentum(MENU, lookback=f"{lookback}D", top_n=top_n), schedule=schedule
        )
    if kind == "dual":
        allocator = DualMomentum(
            ("A", "C", "D"), safe="B", hurdle="B", lookback=f"{lookback}D", top_n=top_n
        )
        return Strategy(allocator, schedule=schedule)
    if kind == "fixed":
        return Strategy(FixedWeights({"A": 0.6, "B": 0.4}), schedule=schedule)
    if kind == "band":
        return Strategy(FixedWeights({"A": 0.6, "B": 0.4}), rebalance=Threshold(abs_band=0.05))
    if kind == "function":
        return Strategy(_tilt, schedule=schedule)
    raise ValueError(kind)


# 14 momentum variants on one schedule (one group, two solver calls), a quarterly group,
# a fund set of their own (dual), a static allocator, a threshold rule (the event loop)
# and a plain function (one History per decision)
GRID = (
    [
        {"kind": "momentum", "lookback": lb, "top_n": n}
        for lb in (21, 42, 63, 126)
        for n in (1, 2, 3)
    ]
    + [{"kind": "momentum", "lookback": 84, "top_n": n} for n in (4, 5)]
    + [{"kind": "momentum", "lookback": lb, "top_n": 2, "schedule": "QE"} for lb in (42, 126)]
    + [{"kind": "dual", "lookback": lb, "top_n": 2} for lb in (63, 126)]
    + [{"kind": "fixed"}, {"kind": "band"}, {"kind": "function"}]
)


@pytest.fixture(scope="module")
def swept(prices):
    return tc.sweep(prices, make, GRID, costs=COSTS, progress=False)


def test_every_variant_equals_its_own_backtest_bit_for_bit(prices, swept):
    assert len(swept.table) == len(GRID)
    for variant, params in enumerate(GRID):
        res = tc.backtest(prices, make(**params), start=swept.start, costs=COSTS)
        row = swept.table.loc[variant]
        assert row["final_value"] == res.final_balance, params
        np.testing.assert_array_equal(swept.returns[variant].to_numpy(), res.returns.to_numpy())
        assert row["n_rebalances"] == res.n_rebalances, params
        assert row["turnover"] * res.years == pytest.approx(res.turnover, rel=1e-14, abs=0)
        assert row["total_costs"] == pytest.approx(res.total_costs, rel=1e-12), params


@pytest.mark.parametrize("chunk_size", [1, 5, 64])
def test_the_table_does_not_depend_on_how_variants_are_chunked(prices, swept, chunk_size):
    other = tc.sweep(prices, make, GRID, costs=COSTS, chunk_size=chunk_size, progress=False)
    pd.testing.assert_frame_equal(other.table, swept.table, check_exact=True)
    np.testing.assert_array_equal(other.returns.to_numpy(), swept.returns.to_numpy())


def test_the_metric_columns_are_metric_table_of_the_returns(swept):
    expected = metric_table(swept.returns, start=swept.start)
    for name in expected.columns:
        np.testing.assert_array_equal(swept.table[name].to_numpy(), expected[name].to_numpy())
    assert swept.table.attrs["conventions"] == expected.attrs["conventions"]


def test_a_variant_whose_decisions_fail_is_named_and_its_group_kept(prices, swept):
    def fragile(kind: str, lookback: int = 63, top_n: int = 1, schedule: str = "ME") -> Strategy:
        if kind == "momentum" and lookback == 42 and top_n == 2:

            def broken(history):
                raise RuntimeError("no data feed today")

            return Strategy(broken, schedule=schedule)
        return make(kind, lookback, top_n, schedule)

    with pytest.warns(VariantFailedWarning, match="lookback=42, top_n=2: RuntimeError: no data"):
        sw = tc.sweep(prices, fragile, GRID, costs=COSTS, progress=False)
    failed = [
        i
        for i, p in enumerate(GRID)
        if p["kind"] == "momentum" and p["lookback"] == 42 and p["top_n"] == 2
    ]
    assert list(sw.errors.index) == failed
    kept = swept.table.drop(index=failed)
    pd.testing.assert_frame_equal(
        sw.table.drop(columns="deflated_sharpe"), kept.drop(columns="deflated_sharpe")
    )


def test_cash_flows_take_the_single_backtest_path_with_the_same_numbers(prices):
    flows = pd.Series(500.0, index=prices.index[300::21])
    grid = [{"kind": "momentum", "lookback": lb, "top_n": 2} for lb in (42, 63)]
    sw = tc.sweep(prices, make, grid, cashflows=flows, progress=False)
    for variant, params in enumerate(grid):
        res = tc.backtest(prices, make(**params), start=sw.start, cashflows=flows)
        assert sw.table.loc[variant, "final_value"] == res.final_balance
        np.testing.assert_array_equal(sw.returns[variant].to_numpy(), res.returns.to_numpy())
