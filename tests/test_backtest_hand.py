"""Hand-worked two-fund cases with exact expected values.

STK goes 100 -> 110 -> 99 -> 118.8 (+10%, -10%, +20%), BND stays at 50.
Every expected number below is worked out in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.strategies import FixedWeights, Never, Strategy, Threshold, buy_and_hold

HALF = FixedWeights({"STK": 0.5, "BND": 0.5})


def test_buy_and_hold_drifts(two_funds):
    # 10,000 at 50/50 on day 0: 50 STK shares, 100 BND shares, never traded again.
    r = tc.backtest(two_funds, buy_and_hold({"STK": 0.5, "BND": 0.5}), execution_lag=0)
    assert r.equity.tolist() == pytest.approx([10_000, 10_500, 9_950, 10_940], abs=1e-9)
    assert r.weights["STK"].iloc[-1] == pytest.approx(5_940 / 10_940, abs=1e-12)
    assert r.n_rebalances == 0 and r.turnover == 0
    assert len(r.trades) == 1  # the initial investment only


def test_daily_rebalance_back_to_target(two_funds):
    # day1 10,500 -> 5,250 each; day2 4,725 + 5,250 = 9,975 -> 4,987.5 each;
    # day3 5,985 + 4,987.5 = 10,972.5
    r = tc.backtest(two_funds, Strategy(HALF, schedule="D"), execution_lag=0)
    assert r.equity.tolist() == pytest.approx([10_000, 10_500, 9_975, 10_972.5], abs=1e-9)
    assert r.trades.loc["2024-01-02", "STK"] == pytest.approx(-250.0)
    assert r.trades.loc["2024-01-02", "BND"] == pytest.approx(250.0)
    assert r.n_rebalances == 3
    expected_turnover = 500 / (2 * 10_500) + 525 / (2 * 9_975) + 997.5 / (2 * 10_972.5)
    assert r.turnover == pytest.approx(expected_turnover, rel=1e-12)
    assert np.allclose(r.weights.sum(axis=1), 1.0)
    assert r.returns.tolist() == pytest.approx([0.05, 9_975 / 10_500 - 1, 10_972.5 / 9_975 - 1])


def test_month_end_rebalance_executes_next_bar():
    idx = pd.to_datetime(["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"])
    px = pd.DataFrame({"STK": [100.0, 100.0, 120.0, 150.0, 150.0], "BND": 50.0}, index=idx)
    # lag 1: the initial 50/50 is decided at Jan 29's close and bought at Jan 30's
    # (50 STK, 100 BND), so the window starts on Jan 30, invested; Jan 31 is the
    # month-end decision, executed on Feb 1 at 7,500 + 5,000 = 12,500 -> 6,250 each.
    lag1 = tc.backtest(px, Strategy(HALF, schedule="ME"), execution_lag=1)
    assert lag1.start == pd.Timestamp("2024-01-30")
    assert lag1.equity.tolist() == pytest.approx([10_000, 11_000, 12_500, 12_500])
    assert list(lag1.trades.index.strftime("%m-%d")) == ["01-30", "02-01"]
    assert list(lag1.targets.index.strftime("%m-%d")) == ["01-29", "01-31"]
    assert "CASH" not in lag1.weights.columns  # invested from the first row
    assert lag1.trades.loc["2024-02-01", "STK"] == pytest.approx(6_250 - 7_500)
    # starting on Jan 29 with lag 1 would need a decision the day before the data
    with pytest.raises(tc.errors.InsufficientHistoryError, match="first feasible start"):
        tc.backtest(px, Strategy(HALF, schedule="ME"), execution_lag=1, start="2024-01-29")
    # lag 0: rebalanced on Jan 31 at 11,000 -> 5,500 each (45.8333 STK shares);
    # Feb 1: 45.8333 * 150 + 5,500 = 12,375.
    lag0 = tc.backtest(px, Strategy(HALF, schedule="ME"), execution_lag=0)
    assert lag0.equity.tolist() == pytest.approx([10_000, 10_000, 11_000, 12_375, 12_375])
    assert "CASH" not in lag0.weights.columns


def test_proportional_cost_is_paid_so_weights_hit_target(two_funds):
    cost = tc.ProportionalCost(bps=100)  # 1%
    r = tc.backtest(two_funds, Strategy(HALF, schedule="D"), execution_lag=0, costs=cost)
    # day 0: buying 10,000 of funds from cash: V' = 10,000 - 0.01 V' -> 10,000 / 1.01
    v0 = 10_000 / 1.01
    assert r.equity.iloc[0] == pytest.approx(v0, rel=1e-12)
    assert r.costs.iloc[0] == pytest.approx(10_000 - v0, rel=1e-12)
    # day 1: holdings 0.55 v0 and 0.5 v0; V = 1.05 v0; trading back to 50/50 moves
    # 0.05 v0 in total whatever V' is (0.5V' lies between them): cost = 0.01 * 0.05 v0
    assert r.costs.iloc[1] == pytest.approx(0.0005 * v0, rel=1e-12)
    assert r.equity.iloc[1] == pytest.approx(1.05 * v0 - 0.0005 * v0, rel=1e-12)
    assert r.weights.iloc[1].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)
    # every row of trades nets to minus the cost paid that day
    assert (r.trades.sum(axis=1) + r.costs).abs().max() < 1e-9


def test_fixed_cost_per_ticker_traded(two_funds):
    r = tc.backtest(
        two_funds, Strategy(HALF, schedule="D"), execution_lag=0, costs=tc.FixedCost(5.0)
    )
    # two funds bought on day 0 and traded on each later day: 10 per execution
    assert r.costs.tolist() == pytest.approx([10.0, 10.0, 10.0, 10.0])
    assert r.weights.iloc[-1].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)


def test_contribution_by_election_buys_the_target_weights(two_funds):
    # day 1 holdings 5,500 STK / 5,000 BND. A 100 contribution by election buys 50/50:
    # 50 of each (1 share at 50 of BND, 50/110 of a share of STK), whatever the drift.
    flows = pd.Series([100.0], index=[pd.Timestamp("2024-01-02")])
    r = tc.backtest(
        two_funds, buy_and_hold({"STK": 0.5, "BND": 0.5}), execution_lag=0, cashflows=flows
    )
    assert r.trades.loc["2024-01-02"].to_dict() == pytest.approx(
        {"STK": 50.0, "BND": 50.0, "CASH": 0.0}
    )
    assert r.equity.loc["2024-01-02"] == pytest.approx(10_600)
    # day 2: STK -10%: (50 + 50/110) shares * 99 + 101 shares * 50 = 4,995 + 5,050
    assert r.equity.loc["2024-01-03"] == pytest.approx(4_995.0 + 5_050.0)
    assert r.returns.loc["2024-01-02"] == pytest.approx(0.05)
    assert r.config["flow_rule"] == "election"


def test_withdrawal_by_election_sells_pro_rata_to_holdings(two_funds):
    # day 1 holdings 5,500 STK / 5,000 BND (10,500); a 1,050 withdrawal sells 10% of each
    flows = pd.Series([-1_050.0], index=[pd.Timestamp("2024-01-02")])
    r = tc.backtest(
        two_funds, buy_and_hold({"STK": 0.5, "BND": 0.5}), execution_lag=0, cashflows=flows
    )
    assert r.trades.loc["2024-01-02", ["STK", "BND"]].tolist() == pytest.approx([-550.0, -500.0])
    assert r.weights.loc["2024-01-02", "STK"] == pytest.approx(5_500 / 10_500)
    assert r.equity.loc["2024-01-02"] == pytest.approx(9_450)


def test_flow_rule_must_be_election_or_rebalance(two_funds):
    flows = pd.Series([100.0], index=[pd.Timestamp("2024-01-02")])
    with pytest.raises(tc.errors.ConfigError, match="flow_rule must be 'election'"):
        tc.backtest(two_funds, buy_and_hold("STK"), cashflows=flows, flow_rule="pro-rata")


def test_contribution_buys_the_underweight_fund_first(two_funds):
    # flow_rule="rebalance": day 1 holdings 5,500 STK / 5,000 BND. A 100 contribution:
    # target 5,300 each at 10,600, so only BND (underweight by 300) is bought, with all 100.
    flows = pd.Series([100.0], index=[pd.Timestamp("2024-01-02")])
    r = tc.backtest(
        two_funds,
        Strategy(HALF, rebalance=Never()),
        execution_lag=0,
        cashflows=flows,
        flow_rule="rebalance",
    )
    assert r.trades.loc["2024-01-02"].to_dict() == pytest.approx(
        {"STK": 0.0, "BND": 100.0, "CASH": 0.0}
    )
    assert r.equity.loc["2024-01-02"] == pytest.approx(10_600)
    # time-weighted: the flow is not a return
    assert r.returns.loc["2024-01-02"] == pytest.approx(0.05)
    assert r.cashflows.to_dict() == {pd.Timestamp("2024-01-02"): 100.0}


def test_large_contribution_and_withdrawal_move_toward_target(two_funds):
    flows = pd.Series([1_000.0, -925.0], index=pd.to_datetime(["2024-01-02", "2024-01-03"]))
    r = tc.backtest(
        two_funds,
        Strategy(HALF, rebalance=Never()),
        execution_lag=0,
        cashflows=flows,
        flow_rule="rebalance",
    )
    # day 1: target 5,750 each at 11,500: buy 250 STK and 750 BND
    assert r.trades.loc["2024-01-02", ["STK", "BND"]].tolist() == pytest.approx([250.0, 750.0])
    # day 2: STK 5,175, BND 5,750, V = 10,925; after -925 target is 5,000 each:
    # excess STK 175, BND 750, sum 925 -> sell exactly those
    assert r.trades.loc["2024-01-03", ["STK", "BND"]].tolist() == pytest.approx([-175.0, -750.0])
    assert r.equity.loc["2024-01-03"] == pytest.approx(10_000)
    assert r.returns.loc["2024-01-03"] == pytest.approx(10_925 / 11_500 - 1)


def test_withdrawal_larger_than_the_account_is_an_error(two_funds):
    flows = pd.Series([-20_000.0], index=[pd.Timestamp("2024-01-03")])
    with pytest.raises(tc.errors.ConfigError, match="exceeds the account value"):
        tc.backtest(two_funds, buy_and_hold("STK"), execution_lag=0, cashflows=flows)


def test_money_weighted_return_matches_xirr_by_hand(two_funds):
    flows = pd.Series([1_000.0], index=[pd.Timestamp("2024-01-02")])
    r = tc.backtest(two_funds, Strategy(HALF, rebalance=Never()), execution_lag=0, cashflows=flows)
    d = r.equity.index
    expected = tc.xirr([-10_000.0, -1_000.0, float(r.equity.iloc[-1])], [d[0], d[1], d[-1]])
    assert r.money_weighted_return() == pytest.approx(expected, rel=1e-12)
    # NPV at that rate is zero
    t = np.array([0, 1, 3]) / 365
    npv = np.sum(np.array([-10_000.0, -1_000.0, r.equity.iloc[-1]]) * (1 + expected) ** -t)
    assert abs(npv) < 1e-6


def test_cash_earns_the_given_returns(two_funds):
    cash = pd.Series([0.0, 0.001, 0.002, 0.001], index=two_funds.index)
    r = tc.backtest(two_funds, buy_and_hold({"CASH": 1.0}), execution_lag=0, cash_returns=cash)
    assert r.equity.tolist() == pytest.approx(10_000 * np.cumprod(1 + cash.to_numpy()))


def test_threshold_trades_only_past_the_band(two_funds):
    # drift of STK from 50%: day1 52.38%, day2 49.75% after day1 if untouched...
    # a 3-point band: day1 52.38% is inside -> no trade; day2 (4,950 / 9,950 = 49.75%)
    # inside; day3 5,940 / 10,940 = 54.30% -> breach, rebalance on day3 (lag 0)
    rule = Threshold(abs_band=0.03)
    r = tc.backtest(two_funds, Strategy(HALF, rebalance=rule), execution_lag=0)
    assert r.n_rebalances == 1
    assert list(r.trades.index.strftime("%m-%d")) == ["01-01", "01-04"]
    assert r.weights.iloc[-1].tolist() == pytest.approx([0.5, 0.5])
    # relative band 5% of 50% = 2.5 points: day1 (2.38 points) stays inside
    rel = Threshold(rel_band=0.05)
    r5 = tc.backtest(two_funds, Strategy(HALF, rebalance=rel), execution_lag=0)
    assert list(r5.trades.index.strftime("%m-%d")) == ["01-01", "01-04"]
    # 4% of 50% = 2 points: day1 breaches; after it, day2 STK is 4,725 / 9,975 = 47.37%
    # (2.63 points off) -> breach again; day3 is then 52.38% -> breach
    r4 = tc.backtest(two_funds, Strategy(HALF, rebalance=Threshold(rel_band=0.04)), execution_lag=0)
    assert list(r4.trades.index.strftime("%m-%d")) == ["01-01", "01-02", "01-03", "01-04"]


def test_threshold_with_lag_trades_the_bar_after_the_breach(two_funds):
    rule = Threshold(abs_band=0.03)
    r = tc.backtest(two_funds, Strategy(HALF, rebalance=rule), execution_lag=1)
    # bought on day 1 (lag 1) at STK 110: 45.45 STK, 100 BND; day 2 weights
    # 4,500 / 9,500 = 47.4% (inside); day 3 5,400 / 10,400 = 51.9% (inside): no breach
    assert r.n_rebalances == 0
    assert list(r.trades.index.strftime("%m-%d")) == ["01-02"]


def test_schedule_offset_moves_decisions_by_trading_days():
    idx = pd.bdate_range("2024-01-22", "2024-02-09", name="date")
    px = pd.DataFrame({"STK": np.linspace(100, 120, len(idx)), "BND": 50.0}, index=idx)
    early = tc.backtest(px, Strategy(HALF, schedule="ME", offset=-2), execution_lag=0)
    late = tc.backtest(px, Strategy(HALF, schedule="ME", offset=3), execution_lag=0)
    assert list(early.targets.index.strftime("%m-%d")) == ["01-22", "01-29"]
    assert list(late.targets.index.strftime("%m-%d")) == ["01-22", "02-05"]
