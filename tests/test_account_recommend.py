"""recommend: the target a backtest would hold, orders to the cent, policy blocks, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tactical as tc
from tactical.account import PlanMenu, TradingPolicy, recommend
from tactical.errors import ConfigError, HoldingsError, StaleDataWarning
from tactical.strategies import DualMomentum, FixedWeights, RelativeMomentum, Strategy
from tactical.testing import random_prices


@pytest.fixture
def prices() -> pd.DataFrame:
    return random_prices(600, ("SPY", "EFA", "AGG"), start="2022-01-03", seed=7)


def test_dual_momentum_default_cash_hurdle_works(prices):
    strat = Strategy(DualMomentum(("SPY", "EFA"), safe="AGG", lookback=126), schedule="ME")
    cash = pd.Series(0.0001, index=prices.index)  # T-bills at about 2.5 %/yr: a real hurdle
    rec = recommend(
        strat, prices, {"SPY": 60_000, "AGG": 40_000}, today=prices.index[-1], cash_returns=cash
    )
    assert rec.target.sum() == pytest.approx(1.0)
    assert rec.as_of == prices.index[-1]


def test_target_equals_what_the_backtest_decided_on_the_same_date(prices):
    strat = Strategy(RelativeMomentum(("SPY", "EFA", "AGG"), lookback=63, top_n=2), schedule="ME")
    res = tc.backtest(prices, strat)
    for as_of in (prices.index[300], prices.index[450], prices.index[-1]):
        rec = recommend(strat, prices, {"SPY": 1_000.0}, as_of=as_of)
        decided = res.targets.loc[: rec.decision_date].iloc[-1]
        assert res.targets.index[res.targets.index <= as_of][-1] == rec.decision_date
        got = rec.target.reindex(decided.index, fill_value=0.0)
        np.testing.assert_array_equal(got.to_numpy(), decided.to_numpy())


def test_recommend_ignores_prices_after_as_of(prices):
    strat = Strategy(RelativeMomentum(("SPY", "EFA", "AGG"), lookback=63), schedule="ME")
    as_of = prices.index[400]
    a = recommend(strat, prices, {"AGG": 5_000}, as_of=as_of)
    scrambled = prices.copy()
    scrambled.iloc[401:] = scrambled.iloc[401:].to_numpy()[::-1]
    b = recommend(strat, scrambled, {"AGG": 5_000}, as_of=as_of)
    pd.testing.assert_series_equal(a.target, b.target)


@settings(max_examples=100, deadline=None)
@given(
    amounts=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3),
    w=st.lists(st.floats(0.01, 1), min_size=3, max_size=3),
)
def test_orders_reach_the_target_exactly_and_net_to_zero(amounts, w):
    if sum(amounts) < 0.01:
        amounts[0] += 1.0
    px = random_prices(40, ("A", "B", "C"), seed=1)
    total_w = sum(w)
    weights = {"A": w[0] / total_w, "B": w[1] / total_w}
    weights["C"] = 1.0 - weights["A"] - weights["B"]
    rec = recommend(
        Strategy(FixedWeights(weights)),
        px,
        dict(zip("ABC", amounts, strict=True)),
        today=px.index[-1],
    )
    cents = (rec.orders * 100).round().astype(np.int64)
    assert cents["trade"].sum() == 0
    assert (cents["current"] + cents["trade"] == cents["target"]).all()
    total = cents["current"].sum()
    ideal = np.array([weights[f] for f in rec.orders.index]) * total
    assert (np.abs(cents["target"].to_numpy() - ideal) < 1).all()
    assert rec.election.sum() == 100


def test_decision_date_and_next_one(prices):
    strat = Strategy(FixedWeights({"SPY": 1.0}), schedule="ME")
    month_end = prices.index[prices.index.to_period("M") == "2023-03"][-1]
    rec = recommend(strat, prices, {"SPY": 1.0}, as_of=month_end)
    assert rec.is_decision_date and rec.decision_date == month_end
    mid = prices.index[prices.index.get_loc(month_end) + 5]
    rec = recommend(strat, prices, {"SPY": 1.0}, as_of=mid)
    assert not rec.is_decision_date and rec.decision_date == month_end
    assert rec.next_decision == prices.index[prices.index.to_period("M") == "2023-04"][-1]
    assert "Not a decision date" in rec.describe()


def test_plan_menu_orders_and_plain_words():
    px = random_prices(300, ("SPY", "AGG", "VFIAX", "VBMFX"), seed=2)
    menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"})
    strat = menu.strategy(Strategy(FixedWeights({"SPY": 1.0}), schedule="ME"))
    rec = recommend(strat, px, {"VFIAX": 61_250, "VBMFX": 38_750}, today=px.index[-1])
    assert rec.orders.loc["VBMFX", "trade"] == -38_750.00
    assert rec.orders.loc["VFIAX", "trade"] == 38_750.00
    text = rec.describe()
    assert "Exchange: sell $38,750.00 of VBMFX, buy $38,750.00 of VFIAX." in text
    assert "Future contributions: 100% VFIAX." in text


def test_policy_blocks_a_purchase_after_a_recent_sale():
    px = random_prices(300, ("VFIAX", "VBMFX"), seed=2)
    strat = Strategy(FixedWeights({"VFIAX": 1.0}), schedule="ME")
    sold = px.index[-10]
    recent = pd.DataFrame({"VFIAX": [-20_000.0], "VBMFX": [20_000.0]}, index=[sold])
    rec = recommend(
        strat,
        px,
        {"VBMFX": 50_000},
        policy=TradingPolicy(reentry_days=30),
        recent_trades=recent,
        today=px.index[-1],
    )
    assert (rec.orders["trade"] == 0).all()  # the purchase is blocked; the money stays
    assert rec.blocked["rule"].tolist() == ["reentry"]
    assert "Plan rule reentry: VFIAX" in rec.describe()
    assert rec.election.to_dict() == {"VFIAX": 100}  # paychecks may still buy it
    free = recommend(
        strat, px, {"VBMFX": 50_000}, policy=TradingPolicy(reentry_days=30), today=px.index[-1]
    )
    assert free.orders.loc["VFIAX", "trade"] == 50_000.0


def test_stale_data_warns(prices):
    strat = Strategy(FixedWeights({"SPY": 1.0}))
    with pytest.warns(StaleDataWarning, match="days before"):
        recommend(strat, prices, {"SPY": 1.0}, today=prices.index[-1] + pd.Timedelta(days=30))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recommend(strat, prices, {"SPY": 1.0}, today=prices.index[-1] + pd.Timedelta(days=3))


@pytest.mark.parametrize(
    ("holdings", "message"),
    [
        ({"VGSIX": 100.0}, "not on the menu"),
        ({"SPY": -5.0}, "dollars >= 0"),
        ({"SPY": 0.0, "AGG": 0.0}, "sum to \\$0"),
        ({}, "non-empty"),
    ],
)
def test_bad_holdings_are_named_errors(prices, holdings, message):
    strat = Strategy(FixedWeights({"SPY": 1.0}))
    with pytest.raises(HoldingsError, match=message):
        recommend(strat, prices, holdings, today=prices.index[-1])


def test_as_of_before_the_data_is_a_named_error(prices):
    with pytest.raises(ConfigError, match="before the data"):
        recommend(Strategy(FixedWeights({"SPY": 1.0})), prices, {"SPY": 1.0}, as_of="1990-01-01")


def test_public_names():
    assert tc.recommend is recommend


def test_a_priced_fund_outside_the_strategy_is_sold_to_zero(prices):
    strat = Strategy(FixedWeights({"SPY": 1.0}))
    rec = recommend(strat, prices, {"SPY": 700.0, "EFA": 300.0}, today=prices.index[-1])
    assert rec.orders.loc["EFA", "trade"] == -300.0 and rec.orders.loc["SPY", "trade"] == 300.0
    assert rec.orders["trade"].sum() == 0
