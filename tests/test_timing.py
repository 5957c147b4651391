"""Timing luck and tranches: each offset is a plain backtest; tranches sum, shrink the spread."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError
from tactical.robustness.timing import period_length
from tactical.strategies import DualMomentum, FixedWeights, RelativeMomentum, Strategy

MENU = ("A", "B", "C")


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    idx = pd.bdate_range("2012-01-02", periods=1600, name="date")
    r = rng.normal([3e-4, 1e-4, 2e-4], [0.013, 0.004, 0.011], (1600, 3))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


MOMENTUM = Strategy(RelativeMomentum(MENU, lookback=63), schedule="ME")


@pytest.fixture(scope="module")
def luck(prices):
    return tc.timing_luck(prices, MOMENTUM, costs=tc.ProportionalCost(bps=5))


def test_every_offset_is_a_plain_backtest_on_the_same_window(prices, luck):
    m = period_length(prices.index, MOMENTUM)
    assert list(luck.table.index) == list(range(m))
    start = tc.feasible_start(prices, MOMENTUM)
    for k in (0, 7, m - 1):
        res = tc.backtest(
            prices, replace(MOMENTUM, offset=k), start=start, costs=tc.ProportionalCost(bps=5)
        )
        assert luck.table.loc[k, "final_value"] == pytest.approx(res.equity.iloc[-1], rel=1e-12)
        assert luck.table.loc[k, "sharpe_ratio"] == pytest.approx(
            tc.metrics.sharpe_ratio(res.returns), rel=1e-12
        )
        path = 10_000 * np.concatenate(([1.0], np.cumprod(1.0 + res.returns.to_numpy())))
        np.testing.assert_allclose(luck.growth[k].to_numpy(), path, rtol=1e-12)


def test_summary_is_min_median_max_spread_of_the_table(luck):
    t = luck.table
    for metric in ("cagr", "sharpe_ratio", "max_drawdown", "final_value"):
        assert luck.summary.loc["min", metric] == t[metric].min()
        assert luck.summary.loc["median", metric] == t[metric].median()
        assert luck.summary.loc["spread", metric] == t[metric].max() - t[metric].min()
    assert luck.spread["final_value"] > 0


def test_one_tranche_is_the_plain_strategy(prices):
    one = tc.Tranches(MOMENTUM, 1).backtest(prices)
    plain = tc.backtest(prices, MOMENTUM)
    np.testing.assert_allclose(one.equity.to_numpy(), plain.equity.to_numpy(), rtol=1e-14)
    np.testing.assert_allclose(one.returns.to_numpy(), plain.returns.to_numpy(), atol=1e-15)


def test_tranches_are_the_sum_of_staggered_sub_accounts(prices):
    tranches = tc.Tranches(MOMENTUM, 3)
    m = period_length(prices.index, MOMENTUM)
    offsets = tuple(round(j * m / 3) for j in range(3))
    assert tranches.offsets(prices.index) == offsets
    res = tranches.backtest(prices, costs=tc.ProportionalCost(bps=5))
    start = tc.feasible_start(prices, MOMENTUM)
    subs = [
        tc.backtest(
            prices,
            replace(MOMENTUM, offset=o),
            start=start,
            initial=10_000 / 3,
            costs=tc.ProportionalCost(bps=5),
        )
        for o in offsets
    ]
    total = sum(s.equity for s in subs)
    np.testing.assert_allclose(res.equity.to_numpy(), total.to_numpy(), rtol=1e-13)
    assert res.total_costs == pytest.approx(sum(s.total_costs for s in subs), rel=1e-12)
    np.testing.assert_allclose(res.weights.sum(axis=1).to_numpy(), 1.0, atol=1e-12)
    assert res.config["tranches"] == 3


def test_tranching_shrinks_the_timing_spread(prices, luck):
    # on independent noise the offsets' outcomes are nearly independent: about 1/sqrt(n)
    spread_1 = luck.spread["cagr"]
    spreads = [
        tc.timing_luck(prices, tc.Tranches(MOMENTUM, n), costs=tc.ProportionalCost(bps=5)).spread[
            "cagr"
        ]
        for n in (2, 4)
    ]
    assert spread_1 > spreads[0] > spreads[1]
    assert spreads[1] < 0.6 * spread_1, (spread_1, spreads)


def test_timing_luck_is_causal_scrambling_the_future_keeps_the_past(prices, luck):
    cut = prices.index[1000]
    later = prices.index > cut
    scrambled = prices.copy()
    rng = np.random.default_rng(3)
    scrambled.loc[later] = prices.loc[later].to_numpy()[rng.permutation(int(later.sum()))]
    other = tc.timing_luck(scrambled, MOMENTUM, costs=tc.ProportionalCost(bps=5))
    pd.testing.assert_frame_equal(other.growth.loc[:cut], luck.growth.loc[:cut])


def test_bad_input_is_named(prices):
    dated = Strategy(FixedWeights({"A": 1.0}), schedule=list(prices.index[::50]))
    with pytest.raises(ConfigError, match="calendar schedule alias"):
        tc.timing_luck(prices, dated)
    with pytest.raises(ConfigError, match="empty"):
        tc.timing_luck(prices, MOMENTUM, offsets=[])
    with pytest.raises(ConfigError, match="repeat"):
        tc.timing_luck(prices, MOMENTUM, offsets=[0, 1, 1])
    with pytest.raises(ConfigError, match="tranches"):
        tc.Tranches(MOMENTUM, 0)
    with pytest.raises(ConfigError, match="Strategy"):
        tc.timing_luck(prices, RelativeMomentum(MENU))


@pytest.mark.filterwarnings("ignore::tactical.errors.ZeroHurdleWarning")
def test_real_funds_monthly_dual_momentum_timing_luck(shared_prices):
    px = shared_prices("SPY", "EFA", "AGG")
    strategy = Strategy(DualMomentum(("SPY", "EFA"), safe="AGG", lookback=252), schedule="ME")
    luck = tc.timing_luck(px, strategy)
    assert len(luck.table) in (20, 21, 22)
    # the same rule on different days of the month ends measurably apart: 2003-2025 gave
    # about 3.4 points of CAGR between the best and the worst day (Zarattini & Pagani report
    # ~350 bp for US momentum)
    assert luck.spread["cagr"] > 0.01
    # on real funds the offsets' outcomes are correlated and tranching shrinks it about as 1/n
    four = tc.timing_luck(px, tc.Tranches(strategy, 4))
    assert four.spread["cagr"] < 0.4 * luck.spread["cagr"]


def test_fan_chart_draws(luck):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = luck.plot()
    assert ax.get_yscale() == "log" and "Timing luck" in ax.get_title()
    plt.close("all")


def test_timing_luck_and_tranches_of_an_account_from_zero(prices):
    # initial 0, paychecks from a month after the start: returns start after the first one
    fixed = Strategy(FixedWeights({"A": 0.6, "B": 0.4}), schedule="ME")
    start = tc.feasible_start(prices, fixed)
    paid = prices.index[25::10]
    flows = pd.DataFrame({"employee": 700.0, "employer": 300.0, "total": 1_000.0}, index=paid)
    luck = tc.timing_luck(prices, fixed, offsets=[0, 5], initial=0, cashflows=flows)
    for k in (0, 5):
        res = tc.backtest(prices, replace(fixed, offset=k), start=start, initial=0, cashflows=flows)
        assert luck.table.loc[k, "final_value"] == pytest.approx(res.final_balance, rel=1e-12)
        assert luck.table.loc[k, "sharpe_ratio"] == pytest.approx(
            tc.metrics.sharpe_ratio(res.returns), rel=1e-12
        )
        # the fan chart is the growth of 1 (nothing to grow from $0), from the first paycheck
        assert luck.growth.index[0] == prices.index[25]
        path = np.concatenate(([1.0], np.cumprod(1.0 + res.returns.to_numpy())))
        np.testing.assert_allclose(luck.growth[k].to_numpy(), path, rtol=1e-12)
    tranched = tc.Tranches(fixed, 2).backtest(prices, initial=0, cashflows=flows)
    subs = [
        tc.backtest(prices, s, start=start, initial=0, cashflows=flows["total"] / 2)
        for s in tc.Tranches(fixed, 2).strategies(prices.index)
    ]
    equity = subs[0].equity + subs[1].equity
    np.testing.assert_allclose(tranched.equity.to_numpy(), equity.to_numpy(), rtol=1e-12)
    # time-weighted returns from the first bar after money, as a single account's
    v, f = equity.to_numpy(), flows["total"].reindex(equity.index, fill_value=0.0).to_numpy()
    first = int(np.flatnonzero(v > 0)[0])
    assert tranched.returns.index[0] == equity.index[first + 1]
    np.testing.assert_allclose(
        tranched.returns.to_numpy(), (v[first + 1 :] - f[first + 1 :]) / v[first:-1] - 1.0
    )
    # an empty account is all cash (as a single result's); the flows keep their sources
    assert (tranched.weights.loc[: paid[0]].iloc[:-1]["CASH"] == 1.0).all()
    assert tranched.weights.notna().all().all()
    pd.testing.assert_frame_equal(tranched.flows, flows.rename_axis("date"), check_freq=False)
    assert tranched.contributed.to_dict() == pytest.approx(
        {
            "initial": 0.0,
            "employee": 700.0 * len(paid),
            "employer": 300.0 * len(paid),
            "total": 1_000.0 * len(paid),
        }
    )
    t_luck = tc.timing_luck(
        prices, tc.Tranches(fixed, 2), offsets=[0, 3], initial=0, cashflows=flows
    )
    assert np.isfinite(t_luck.table["sharpe_ratio"]).all()
    assert t_luck.growth.index[0] == prices.index[25]
