"""``tactical now`` and the TOML account sections: payroll, match, limits, menu, policy."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

import tactical as tc
from tactical._toml_config import ACCOUNT_EXAMPLE, EXAMPLE, parse_config
from tactical.account import Match, Payroll, PlanMenu, TradingPolicy
from tactical.cli import main, read_holdings
from tactical.errors import ConfigError

NOW_TOML = """
source = "sample"
benchmarks = false
[[strategies]]
name = "60/40"
kind = "calendar"
weights = { US_STOCKS = 0.6, TSY_10Y = 0.4 }
[menu]
funds = { US_STOCKS = "TSY_LONG", TSY_10Y = "TSY_10Y" }
[policy]
reentry_days = 30
"""


def test_now_prints_the_orders_in_plain_words(tmp_path: Path, capsys):
    config = tmp_path / "plan.toml"
    config.write_text(NOW_TOML, encoding="utf-8")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("fund,dollars\nTSY_10Y,100000\n", encoding="utf-8")
    status = main(["now", str(config), "--holdings", str(holdings), "--quiet"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Exchange: sell $60,000.00 of TSY_10Y, buy $60,000.00 of TSY_LONG." in captured.out
    assert "Future contributions: 60% TSY_LONG, 40% TSY_10Y." in captured.out
    assert "StaleDataWarning" not in captured.out
    assert "warning: the last close used is" in captured.err  # the sample ends in 2017


def test_now_names_a_holding_not_on_the_menu(tmp_path: Path, capsys):
    config = tmp_path / "plan.toml"
    config.write_text(NOW_TOML, encoding="utf-8")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("VGSIX,5000\n", encoding="utf-8")
    assert main(["now", str(config), "--holdings", str(holdings), "--quiet"]) == 2
    assert "'VGSIX' is not on the menu" in capsys.readouterr().err


def test_account_example_parses_into_the_objects():
    data = tomllib.loads(EXAMPLE + ACCOUNT_EXAMPLE)
    account = parse_config(data).account
    assert isinstance(account.payroll, Payroll) and account.payroll.salary == 90_000
    assert account.payroll.match == Match([(1.0, 0.03), (0.5, 0.02)])
    assert account.menu == PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX", "BIL": "VFISX"})
    assert account.policy == TradingPolicy(reentry_days=30, exempt=("VFISX",), fallback="VFISX")
    assert account.flow_rule == "election"
    toward = parse_config(
        tomllib.loads(EXAMPLE + '[payroll]\nsalary = 1\nflow_rule = "rebalance"\n')
    )
    assert toward.account.flow_rule == "rebalance"


def test_limits_years_and_presets():
    data = tomllib.loads(
        EXAMPLE
        + """
[payroll]
salary = 50000
deferral = { 2025 = 0.05, 2027 = 0.08 }
defer_above_pay_limit = true
[limits.2027]
deferral = 25000
catch_up = 8000
annual_additions = 74000
compensation = 370000
[policy]
preset = "fidelity"
"""
    )
    account = parse_config(data).account
    assert dict(account.payroll.limit_table)[2027].deferral == 25_000
    assert dict(account.payroll.limit_table)[2027].compensation == 370_000
    assert account.payroll.defer_above_pay_limit is True
    assert account.payroll.deferral == ((2025, 0.05), (2027, 0.08))
    assert account.policy == TradingPolicy.fidelity()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[payroll]\nsalary = -1\n", "payroll: salary must be a positive"),
        ("[payroll]\nsalary = 1\nwage = 3\n", "payroll.wage: not a key"),
        ("[match]\ntiers = [[1.0, 0.03]]\n", "need a \\[payroll\\]"),
        ("[menu]\nfunds = 3\n", "menu.funds"),
        ("[policy]\nreentry = 30\n", "policy.reentry: not a key"),
        ("[policy]\npreset = 'schwab'\n", "policy.preset"),
        ("[payroll]\nsalary = 1\n[limits]\nuse = 'some'\n", "limits.use"),
        ("[payroll]\nsalary = 1\nflow_rule = 'underweight'\n", "payroll.flow_rule"),
    ],
)
def test_bad_account_sections_are_named(extra, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(tomllib.loads(EXAMPLE + extra))


def test_read_holdings_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        read_holdings(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("fund,dollars\nVFIAX,lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        read_holdings(bad)


def test_demo_is_a_savers_account_from_zero(tmp_path: Path, capsys):
    from tactical.strategies import FixedWeights, Strategy

    assert main(["demo", "--out", str(tmp_path / "d"), "--no-html", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "a saver's 401(k) from $0" in out
    assert "final_balance" in out and "xirr" in out and "employer" in out
    balances = pd.read_csv(tmp_path / "d" / "balances.csv", index_col=0)
    # the same account built by hand from the public API
    prices = tc.load_sample(["US_STOCKS", "TSY_10Y", "TSY_LONG"])
    pay = tc.Payroll(
        50_000, "biweekly", deferral=0.10, raise_rate=0.03,
        match=tc.Match([(1.0, 0.03), (0.5, 0.02)]), first_payday="2000-01-07",
    )  # fmt: skip
    window = prices.loc["1999-12-31":].index
    flows = pay.contributions(window)
    mix = Strategy(FixedWeights({"US_STOCKS": 0.6, "TSY_10Y": 0.4}), schedule="ME")
    res = tc.backtest(
        prices, mix, start="1999-12-31", initial=0, cashflows=flows, execution_lag=0,
        cash_returns=tc.load_sample_rates(prices),
    )  # fmt: skip
    row = balances.loc["60/40 monthly"]
    assert row["final_balance"] == pytest.approx(res.final_balance, abs=0.005)
    assert row["employee"] == pytest.approx(float(flows["employee"].sum()), abs=0.005)
    assert row["employer"] == pytest.approx(float(flows["employer"].sum()), abs=0.005)
    assert row["xirr"] == pytest.approx(res.money_weighted_return(), abs=1e-9)


def test_backtest_with_a_payroll_section_runs_the_account_from_zero(tmp_path: Path, capsys):
    from tactical.cli import balance_table

    body = """
source = "sample"
start = "2001-01-31"
benchmarks = false
[[strategies]]
name = "60/40"
kind = "calendar"
weights = { US_STOCKS = 0.6, TSY_10Y = 0.4 }
[payroll]
salary = 60000
frequency = "monthly"
deferral = 0.1
[match]
tiers = [[1.0, 0.03], [0.5, 0.02]]
[policy]
reentry_days = 30
"""
    config = tmp_path / "saver.toml"
    config.write_text(body, encoding="utf-8")
    status = main(["backtest", str(config), "--out", str(tmp_path / "o"), "--no-html", "-q"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "The account, from $0: Payroll(60000, 'monthly'" in captured.out
    # the printed figures are the result's: rerun the same account through the API
    import tactical as tc
    from tactical.strategies import FixedWeights, Strategy

    px = tc.load_sample(["US_STOCKS", "TSY_10Y"])
    pay = Payroll(60_000, "monthly", deferral=0.1, match=Match([(1.0, 0.03), (0.5, 0.02)]))
    flows = pay.contributions(px.loc["2001-01-31":].index)
    res = tc.backtest(
        px,
        Strategy(FixedWeights({"US_STOCKS": 0.6, "TSY_10Y": 0.4})),
        start="2001-01-31",
        initial=0,
        cashflows=flows,
        cash_returns=tc.load_sample_rates(px),
        execution_lag=0,
        policy=TradingPolicy(reentry_days=30),
    )
    table = balance_table({"60/40": res})
    assert f"${table.loc['60/40', 'final_balance']:,.0f}" in captured.out
    assert table.loc["60/40", "contributed"] == pytest.approx(float(flows["total"].sum()))
    growth = table.loc["60/40", "final_balance"] - table.loc["60/40", "contributed"]
    assert table.loc["60/40", "growth"] == pytest.approx(growth)


def test_target_date_kind_in_the_toml():
    data = tomllib.loads(
        """
[[strategies]]
name = "Target 2040"
kind = "target_date"
retirement_year = 2040
stocks = { US_STOCKS = 1.0 }
bonds = "TSY_10Y"
"""
    )
    spec = parse_config(data).strategies[0]
    assert repr(spec.strategy.allocator) == (
        "TargetDate(2040, stocks='US_STOCKS', bonds='TSY_10Y')"
    )
    with pytest.raises(ConfigError, match="retirement_year: missing"):
        parse_config(tomllib.loads('[[strategies]]\nkind = "target_date"\n'))


def test_now_applies_recent_trades_through_the_policy(tmp_path: Path, capsys):
    config = tmp_path / "plan.toml"
    config.write_text(NOW_TOML, encoding="utf-8")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("TSY_10Y,100000\n", encoding="utf-8")
    trades = tmp_path / "trades.csv"
    trades.write_text("date,TSY_LONG,TSY_10Y\n2017-02-10,-1000,1000\n", encoding="utf-8")
    args = ["now", str(config), "--holdings", str(holdings), "--trades", str(trades), "-q"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Plan rule reentry: TSY_LONG $60,000.00" in out
    assert "No exchange needed" in out


def test_recent_trades_count_days_from_their_own_dates_on_monthly_data(tmp_path: Path, capsys):
    # sold on 2017-01-13: the exchange executes 2017-03-01, 47 days later, outside the block
    # (counting from the month end 2017-01-31 instead would give 29 days and block it)
    config = tmp_path / "plan.toml"
    config.write_text(NOW_TOML, encoding="utf-8")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("TSY_10Y,100000\n", encoding="utf-8")
    trades = tmp_path / "trades.csv"
    trades.write_text("date,TSY_LONG,TSY_10Y\n2017-01-13,-1000,1000\n", encoding="utf-8")
    args = ["now", str(config), "--holdings", str(holdings), "--trades", str(trades), "-q"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Exchange: sell $60,000.00 of TSY_10Y, buy $60,000.00 of TSY_LONG." in out
    assert "Plan rule" not in out
