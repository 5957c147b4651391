"""The account end to end through ``tc.backtest``: payroll from $0, XIRR, menu, trading policy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tactical as tc
from tactical.account import Match, Payroll, PlanMenu, TradingPolicy
from tactical.strategies import FixedWeights, Strategy, TargetDate, buy_and_hold
from tactical.testing import random_prices
from test_account_policy import _blocked_by_the_rules  # the rules restated, shared

SAFE_HARBOR = Match([(1.0, 0.03), (0.5, 0.02)])


@pytest.fixture
def px() -> pd.DataFrame:
    return random_prices(1300, ("A", "B", "MM"), start="2019-01-02", volatility=0.01, seed=9)


def test_payroll_into_buy_and_hold_equals_a_share_purchase_loop(px):
    flows = Payroll(90_000, "biweekly", deferral=0.08, match=SAFE_HARBOR).contributions(px.index)
    res = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows, execution_lag=0)
    price = px["A"].to_numpy()
    pos = px.index.get_indexer(flows.index)
    shares = (flows["total"].to_numpy() / price[pos]).sum()
    assert res.final_balance == pytest.approx(shares * price[-1], rel=1e-12)
    assert res.contributed["employee"] == pytest.approx(flows["employee"].sum(), rel=1e-15)
    assert res.contributed["employer"] == pytest.approx(flows["employer"].sum(), rel=1e-15)
    assert res.final_balance == pytest.approx(res.contributed["total"] + res.growth, rel=1e-15)
    assert len(res.rebalances) == 0  # paycheck purchases are not rebalances


def test_xirr_of_a_payroll_account_matches_the_closed_form():
    # a fund growing exactly 7% a year on act/365: every dollar earns 7% whenever it arrives
    days = pd.bdate_range("2015-01-02", "2019-12-31", name="date")
    level = 1.07 ** ((days - days[0]).days.to_numpy() / 365.0)
    px = pd.DataFrame({"A": 100 * level, "B": 50 * level}, index=days)
    flows = Payroll(70_000, "semimonthly", deferral=0.1, match=SAFE_HARBOR).contributions(days)
    mix = Strategy(FixedWeights({"A": 0.5, "B": 0.5}), schedule="ME")
    res = tc.backtest(px, mix, initial=0, cashflows=flows, execution_lag=0)
    assert res.money_weighted_return() == pytest.approx(0.07, abs=1e-9)
    # and the balance is each paycheck compounded at 7% to the end
    years = (days[-1] - flows.index).days.to_numpy() / 365.0
    assert res.final_balance == pytest.approx(float((flows["total"] * 1.07**years).sum()), rel=1e-9)


def test_plan_menu_account_from_zero_holds_only_plan_funds(px):
    prices = px.rename(columns={"A": "SIG"}).assign(PLAN=px["A"] * 1.5)
    menu = PlanMenu({"SIG": "PLAN", "B": "B"}, expense_ratios={"PLAN": 0.002})
    flows = Payroll(50_000, "monthly", deferral=0.1).contributions(prices.index)
    plan = menu.strategy(Strategy(TargetDate(2040, stocks="SIG", bonds="B"), schedule="ME"))
    res = tc.backtest(menu.prices(prices), plan, initial=0, cashflows=flows)
    assert set(res.weights.columns) <= {"PLAN", "B", "CASH"}
    assert res.final_balance > 0


def alternating(period: int):
    """A strategy that switches between A and B every ``period`` months (to trip the rules)."""

    def rule(history):
        m = history.date.year * 12 + history.date.month
        return {"A": 1.0} if (m // period) % 2 else {"B": 1.0}

    return Strategy(rule, schedule="ME")


def test_reentry_rule_blocks_through_the_backtest_and_reports_every_event(px):
    flows = Payroll(80_000, deferral=0.1, match=SAFE_HARBOR).contributions(px.index)
    policy = TradingPolicy(reentry_days=40, fallback="MM", exempt=("MM",))
    free = tc.backtest(px, alternating(1), initial=0, cashflows=flows)
    ruled = tc.backtest(px, alternating(1), initial=0, cashflows=flows, policy=policy)
    assert len(ruled.blocked) > 10 and set(ruled.blocked["rule"]) == {"reentry"}
    assert list(ruled.blocked.columns) == ["date", "fund", "rule", "amount", "detail"]
    assert ruled.config["policy"] == repr(policy)
    assert ruled.weights["MM"].max() > 0.99  # blocked money went to the money-market fund
    assert free.final_balance != ruled.final_balance
    # contributions still went in in full (payroll purchases are exempt)
    assert ruled.contributed["total"] == pytest.approx(free.contributed["total"], rel=1e-15)


def test_the_summary_counts_the_blocked_trades_of_each_policy_run(px, tmp_path):
    flows = Payroll(80_000, deferral=0.1, match=SAFE_HARBOR).contributions(px.index)
    policy = TradingPolicy(reentry_days=40, fallback="MM", exempt=("MM",))
    runs = tc.ResultSet(
        {
            "free": tc.backtest(px, alternating(1), initial=0, cashflows=flows),
            "ruled": tc.backtest(px, alternating(1), initial=0, cashflows=flows, policy=policy),
        }
    )
    table = runs.summary(risk_free=0.0)
    assert table.loc["ruled", "blocked"] == len(runs["ruled"].blocked) > 10
    assert np.isnan(table.loc["free", "blocked"])  # no policy: not 0, not applicable
    text = tc.format_summary(table)
    assert "Blocked trades" in text and f"{len(runs['ruled'].blocked):,}" in text
    plain = tc.ResultSet({"free": runs["free"]}).summary(risk_free=0.0)
    assert "blocked" not in plain.columns
    page = runs.to_html(tmp_path / "r.html", table=table).read_text(encoding="utf-8")
    n = len(runs["ruled"].blocked)
    assert (
        f"Blocked by the trading policy</th><td style='text-align:left'>{n:,} (reentry {n})" in page
    )


def test_redemption_fee_leaves_the_account_as_a_cost(px):
    policy = TradingPolicy(redemption_fee=0.02, redemption_days=60)
    res = tc.backtest(px, alternating(1), initial=10_000, policy=policy)
    fees = res.blocked[res.blocked["rule"] == "redemption_fee"]
    assert len(fees) > 0
    assert float(res.costs.sum()) == pytest.approx(float(fees["amount"].sum()), rel=1e-9)


def _purchases_inside_a_block(res, policy, flow_days):
    """Dates and funds bought while the rules (restated here) block them."""
    trades = res.trades
    bad = []
    last_sale: dict[str, pd.Timestamp] = {}
    for date, row in trades.iterrows():
        if date in flow_days:  # payroll purchases are exempt; skip mixed days
            for fund, amount in row.items():
                if amount < -1e-6 and fund != "CASH":
                    last_sale[fund] = date
            continue
        for fund, amount in row.items():
            if fund in ("CASH", *policy.exempt):
                continue
            if amount > 1e-6 and fund in last_sale:
                if (date - last_sale[fund]).days <= policy.reentry_days:
                    bad.append((date, fund))
        for fund, amount in row.items():
            if amount < -1e-6 and fund != "CASH":
                last_sale[fund] = date
    return bad


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    days=st.sampled_from([10, 30, 45, 70]),
    schedule=st.sampled_from(["W", "ME"]),
    fallback=st.sampled_from([None, "MM"]),
    payroll=st.booleans(),
)
def test_no_purchase_inside_a_block_ever_over_random_strategies(
    seed, days, schedule, fallback, payroll
):  # re-entry blocks, with and without paychecks
    px = random_prices(400, ("A", "B", "MM"), seed=seed)
    rng = np.random.default_rng(seed)
    picks = rng.dirichlet(np.ones(3), size=400)

    def random_rule(history):
        w = picks[len(history) % 400]
        return {"A": float(w[0]), "B": float(w[1]), "MM": float(1 - w[0] - w[1])}

    policy = TradingPolicy(reentry_days=days, fallback=fallback, exempt=("MM",))
    kwargs: dict = {"policy": policy}
    flow_days: set = set()
    if payroll:
        flows = Payroll(60_000, "biweekly", deferral=0.1).contributions(px.index)
        kwargs.update(initial=0, cashflows=flows)
        flow_days = set(flows.index)
    res = tc.backtest(px, Strategy(random_rule, schedule=schedule), **kwargs)
    assert _purchases_inside_a_block(res, policy, flow_days) == []
    assert (res.weights >= -1e-12).all().all()


def test_the_block_checker_finds_violations_without_the_policy():
    px = random_prices(400, ("A", "B", "MM"), seed=1)
    rng = np.random.default_rng(1)
    picks = rng.dirichlet(np.ones(3), size=400)

    def random_rule(history):
        w = picks[len(history) % 400]
        return {"A": float(w[0]), "B": float(w[1]), "MM": float(1 - w[0] - w[1])}

    policy = TradingPolicy(reentry_days=30, exempt=("MM",))
    strategy = Strategy(random_rule, schedule="W")
    assert len(_purchases_inside_a_block(tc.backtest(px, strategy), policy, set())) > 20
    ruled = tc.backtest(px, strategy, policy=policy)
    assert _purchases_inside_a_block(ruled, policy, set()) == [] and len(ruled.blocked) > 20


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    reentry=st.sampled_from([0, 20]),
    limit=st.sampled_from([1, 2]),
    block=st.sampled_from([20, 85]),
    schedule=st.sampled_from(["W", "ME"]),
)
def test_round_trip_blocks_hold_over_random_strategies(seed, reentry, limit, block, schedule):
    px = random_prices(300, ("A", "B", "MM"), seed=seed)
    rng = np.random.default_rng(seed)
    picks = rng.dirichlet(np.ones(3), size=300)

    def random_rule(history):
        w = picks[len(history) % 300]
        return {"A": float(w[0]), "B": float(w[1]), "MM": float(1 - w[0] - w[1])}

    policy = TradingPolicy(
        reentry_days=reentry, roundtrip_limit=limit, roundtrip_block=block, exempt=("MM",)
    )
    res = tc.backtest(px, Strategy(random_rule, schedule=schedule), policy=policy)
    epoch = pd.Timestamp("1970-01-01")
    history: list[tuple[int, str, float, str]] = []
    for n, (date, row) in enumerate(res.trades.iterrows()):
        day = (date - epoch).days
        kind = "initial" if n == 0 else "rebalance"
        for fund, amount in row.items():
            if amount > 1e-6 and kind == "rebalance":
                assert not _blocked_by_the_rules(policy, history, fund, day), (date, fund)
        history += [(day, f, a, kind) for f, a in row.items() if abs(a) > 1e-6]


def test_withdrawals_pay_redemption_fees_on_young_shares(px):
    flows = pd.Series([5_000.0, -3_000.0], index=px.index[[10, 20]])
    policy = TradingPolicy(redemption_fee=0.01, redemption_days=30)
    res = tc.backtest(px, buy_and_hold("A"), cashflows=flows, policy=policy, execution_lag=0)
    fees = res.blocked[res.blocked["rule"] == "redemption_fee"]
    assert len(fees) == 1 and fees["date"].iloc[0] == px.index[20]
    assert float(res.costs.sum()) == pytest.approx(float(fees["amount"].sum()), rel=1e-9)
