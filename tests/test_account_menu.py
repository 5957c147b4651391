"""PlanMenu: decide on the strategy's series, hold the plan's funds, charge expense ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.account import PlanMenu
from tactical.errors import ConfigError, NoDataError, WeightsError
from tactical.history import History
from tactical.strategies import DualMomentum, FixedWeights, Strategy, TargetDate
from tactical.testing import random_prices

MAP = {"SPY": "VFIAX", "AGG": "VBMFX", "BIL": "VFISX"}


@pytest.fixture
def prices() -> pd.DataFrame:
    return random_prices(700, ("SPY", "AGG", "BIL", "VFIAX", "VBMFX", "VFISX"), seed=3)


def test_fixed_mix_on_the_menu_equals_holding_the_plan_funds(prices):
    menu = PlanMenu(MAP)
    wrapped = menu.strategy(Strategy(FixedWeights({"SPY": 0.6, "AGG": 0.4}), schedule="ME"))
    direct = Strategy(FixedWeights({"VFIAX": 0.6, "VBMFX": 0.4}), schedule="ME")
    a = tc.backtest(prices, wrapped)
    b = tc.backtest(prices, direct)
    pd.testing.assert_series_equal(a.equity, b.equity, check_names=False, rtol=0, atol=0)
    assert list(a.weights.columns) == list(b.weights.columns)
    assert set(a.weights.columns) <= {"VFIAX", "VBMFX", "CASH"}


def test_signals_come_from_the_strategy_series_and_holdings_from_the_plan(prices):
    menu = PlanMenu(MAP)
    rule = DualMomentum(("SPY",), safe="AGG", lookback=126, hurdle="BIL")
    plain = tc.backtest(prices, Strategy(rule, schedule="ME"))
    plan = tc.backtest(prices, menu.strategy(Strategy(rule, schedule="ME")))
    mapped = plain.targets.rename(columns=MAP)
    got = plan.targets.reindex(columns=mapped.columns, fill_value=0.0)
    pd.testing.assert_frame_equal(got, mapped, check_names=False)
    # the account is valued at the plan funds' own prices
    last = plan.weights.index[-1]
    held = plan.weights.loc[last]
    assert set(held[held > 0].index) <= {"VFIAX", "VBMFX", "VFISX"}


def test_a_calendar_lookback_on_the_menu_starts_when_the_inner_strategy_can(prices):
    # "12M" needs the calendar: the warm-up is the inner allocator's first decision row, not
    # its min_history in months (a menu strategy once started 12 bars in and then failed)
    menu = PlanMenu(MAP)
    rule = Strategy(DualMomentum(("SPY",), safe="AGG", lookback="12M", hurdle="BIL"))
    plan = menu.strategy(rule)
    assert tc.feasible_start(prices, plan) == tc.feasible_start(prices, rule)
    plain, held = tc.backtest(prices, rule), tc.backtest(prices, plan)
    assert held.start == plain.start > prices.index[250]
    mapped = plain.targets.rename(columns=MAP)
    pd.testing.assert_frame_equal(held.targets[mapped.columns], mapped, check_names=False)


def test_weights_at_is_forwarded_and_equals_the_history_call(prices):
    menu = PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"})
    alloc = menu.allocator(TargetDate(2040))
    assert hasattr(alloc, "weights_at")
    assert hasattr(menu.allocator(FixedWeights({"SPY": 1.0})), "weights_at")  # forwarded too
    values = np.column_stack([prices.to_numpy(), np.ones(len(prices))])
    columns = (*prices.columns, "CASH")
    rows = np.array([0, 100, 400, 699], dtype=np.int64)
    fast = alloc.weights_at(values, prices.index, columns, rows)
    for j, r in enumerate(rows):
        slow = alloc(History(values, prices.index, columns, int(r) + 1))
        assert np.array_equal(fast[j], [slow.get(c, 0.0) for c in columns])


def test_expense_ratio_is_a_daily_drag_of_exactly_er_per_year(prices):
    er = 0.0050
    menu = PlanMenu({"SPY": "VFIAX"}, expense_ratios={"VFIAX": er})
    net = menu.prices(prices)
    days = (prices.index - prices.index[0]).days.to_numpy()
    ratio = (net["VFIAX"] / prices["VFIAX"]).to_numpy()
    np.testing.assert_allclose(ratio, (1 - er) ** (days / 365.25), rtol=1e-14)
    pd.testing.assert_series_equal(net["SPY"], prices["SPY"])  # signals untouched
    assert not np.shares_memory(net.to_numpy(), prices.to_numpy())


def test_an_unmapped_ticker_is_named(prices):
    menu = PlanMenu({"SPY": "VFIAX"})
    with pytest.raises(ConfigError, match=r"\['AGG'\].*does not map"):
        menu.allocator(FixedWeights({"SPY": 0.6, "AGG": 0.4}))

    def sneaky(history):
        return {"SPY": 0.5, "BIL": 0.5}

    with pytest.raises(WeightsError, match="'BIL'.*does not map"):
        tc.backtest(prices, menu.strategy(Strategy(sneaky, schedule="ME")))


def test_a_plan_fund_without_prices_is_named(prices):
    menu = PlanMenu({"SPY": "VTSAX"})
    with pytest.raises(NoDataError, match="VTSAX"):
        menu.prices(prices)


@pytest.mark.parametrize(
    ("funds", "fees", "message"),
    [
        ({}, None, "non-empty"),
        ({"SPY": 3}, None, "map a ticker"),
        ({"SPY": "VFIAX"}, {"VBMFX": 0.001}, "not a plan fund"),
        ({"SPY": "VFIAX"}, {"VFIAX": 4.0}, "decimal per year"),
    ],
)
def test_bad_menu_is_a_named_error(funds, fees, message):
    with pytest.raises(ConfigError, match=message):
        PlanMenu(funds, expense_ratios=fees)


def test_cash_can_map_to_a_money_market_fund(prices):
    from tactical.strategies import TrendFilter

    menu = PlanMenu({"SPY": "VFIAX", "CASH": "VFISX"})
    plan = menu.strategy(Strategy(TrendFilter(("SPY",), safe="CASH", lookback=50), schedule="ME"))
    assert plan.tickers == ("VFIAX", "VFISX")
    res = tc.backtest(prices, plan)
    assert res.targets["VFISX"].max() == 1.0  # risk-off months hold the money-market fund
    assert "CASH" not in res.targets.columns or res.targets["CASH"].max() == 0


@pytest.mark.parametrize("lookback", ["6M", "26W", "126D"])
def test_a_calendar_lookback_on_the_menu_starts_where_the_strategy_does(prices, lookback):
    # durations need the calendar (first_decision_row), not min_history: the default start
    # of the menu strategy is the strategy's own, and the two runs are the same account
    menu = PlanMenu(MAP)
    dual = DualMomentum(("SPY",), safe="AGG", lookback=lookback, hurdle="BIL")
    rule = Strategy(dual, schedule="ME")
    plan = menu.strategy(rule)
    assert tc.feasible_start(prices, plan) == tc.feasible_start(prices, rule)
    flows = pd.Series(500.0, index=prices.index[::10])
    with pytest.warns(tc.errors.WindowWarning, match="left out"):  # paychecks in the warm-up
        run = tc.backtest(prices, plan, initial=0, cashflows=flows)
    mapped = tc.backtest(prices, rule).targets.rename(columns=MAP)
    got = run.targets.reindex(columns=mapped.columns, fill_value=0.0)
    pd.testing.assert_frame_equal(got, mapped, check_names=False)
