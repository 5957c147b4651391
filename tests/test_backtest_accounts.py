"""Accounts (interface I3) and the trading-policy hook (I4, I4b), checked by hand.

A 401(k) account starts at $0 and is funded by paychecks; each paycheck buys
shares at that day's close. The engine must equal a plain per-paycheck
share-purchase loop to the cent, keep the flows by source, tell rebalances
from paycheck purchases, and ask a trading policy before every trade.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tactical as tc
from tactical.errors import ConfigError
from tactical.strategies import FixedWeights, Strategy, Threshold, buy_and_hold
from tactical.testing import random_prices


@pytest.fixture
def px() -> pd.DataFrame:
    return random_prices(400, ("A", "B"), volatility=0.012, seed=5)


def paychecks(index: pd.DatetimeIndex, start: int = 3, every: int = 10) -> pd.DataFrame:
    """A payroll-like frame: employee 6% and employer 4% of a 2,000 paycheck, plus audit columns."""
    dates = index[start::every]
    pay = np.full(len(dates), 2_000.0)
    pay[::3] = 2_150.0  # some variation, so sources are not proportional to a constant
    employee, employer = 0.06 * pay, np.round(0.04 * pay, 2)
    return pd.DataFrame(
        {
            "pay": pay,
            "employee": employee,
            "employer": employer,
            "total": employee + employer,
            "limit_reached": np.zeros(len(dates), dtype=bool),
        },
        index=dates,
    )


# ------------------------------------------------------------------ I3: accounts from $0
def test_buy_and_hold_from_zero_equals_a_per_paycheck_share_purchase_loop(px):
    flows = paychecks(px.index)
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows, execution_lag=0)
    # the loop a saver would write: every paycheck buys total / price shares of A
    shares = np.zeros(len(px))
    pos = px.index.get_indexer(flows.index)
    shares[pos] = flows["total"].to_numpy() / px["A"].to_numpy()[pos]
    balance = np.cumsum(shares) * px["A"].to_numpy()
    np.testing.assert_allclose(result.equity.to_numpy(), balance, rtol=1e-12, atol=1e-9)
    assert abs(result.final_balance - balance[-1]) < 0.005  # to the cent
    assert (result.equity.iloc[: pos[0]] == 0).all()  # nothing before the first paycheck


def test_daily_rebalanced_mix_from_zero_equals_the_value_recursion(px):
    flows = paychecks(px.index, start=0, every=7)
    mix = {"A": 0.7, "B": 0.3}
    result = tc.backtest(
        px, Strategy(FixedWeights(mix), schedule="D"), initial=0, cashflows=flows, execution_lag=0
    )
    # V_t = V_{t-1} * sum_i w_i P_t,i / P_{t-1},i + F_t: at target after every close
    rel = (px / px.shift(1)).to_numpy()[1:] @ np.array([0.7, 0.3])
    f = flows["total"].reindex(px.index, fill_value=0.0).to_numpy()
    v = np.empty(len(px))
    v[0] = f[0]
    for t in range(1, len(px)):
        v[t] = v[t - 1] * rel[t - 1] + f[t]
    np.testing.assert_allclose(result.equity.to_numpy(), v, rtol=1e-12)


def test_balance_is_contributed_plus_growth_by_source(px):
    flows = paychecks(px.index)
    result = tc.backtest(
        px, Strategy(FixedWeights({"A": 0.6, "B": 0.4})), initial=0, cashflows=flows
    )
    contributed = result.contributed
    assert list(contributed.index) == ["initial", "employee", "employer", "total"]
    assert contributed["initial"] == 0.0
    assert contributed["employee"] == pytest.approx(flows["employee"].sum(), rel=1e-15)
    assert contributed["employer"] == pytest.approx(flows["employer"].sum(), rel=1e-15)
    assert contributed["total"] == pytest.approx(flows["total"].sum(), rel=1e-15)
    assert result.final_balance == pytest.approx(contributed["total"] + result.growth, rel=1e-15)
    assert result.final_balance == result.equity.iloc[-1]
    # with an initial deposit it counts under "initial"
    lump = tc.backtest(px, buy_and_hold("A"), initial=5_000, cashflows=flows["total"])
    assert lump.contributed.to_dict() == pytest.approx(
        {"initial": 5_000.0, "total": 5_000.0 + flows["total"].sum()}
    )


def test_flows_are_kept_by_source_on_the_days_they_were_invested(px):
    flows = paychecks(px.index)
    weekend = flows.copy()
    weekend.index = weekend.index + pd.Timedelta(days=1)  # some land on Saturdays
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=weekend)
    assert list(result.flows.columns) == ["employee", "employer", "total"]  # audit columns left
    expected = weekend[["employee", "employer", "total"]].copy()
    expected.index = px.index[px.index.searchsorted(weekend.index)]
    expected = expected.groupby(level=0).sum()
    pd.testing.assert_frame_equal(
        result.flows, expected.rename_axis("date"), check_freq=False, check_names=False
    )
    np.testing.assert_allclose(result.cashflows.to_numpy(), expected["total"].to_numpy())
    # a Series gives just the total; no flows an empty frame
    assert list(tc.backtest(px, buy_and_hold("A"), cashflows=flows["total"]).flows.columns) == [
        "total"
    ]
    assert tc.backtest(px, buy_and_hold("A")).flows.empty


def test_time_weighted_returns_start_after_the_first_money_and_ignore_flows(px):
    flows = paychecks(px.index, start=20)
    funded = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows, execution_lag=0)
    first = px.index.get_loc(flows.index[0])
    assert funded.returns.index[0] == px.index[first + 1]  # a return needs V_{t-1} > 0
    fund = px["A"].pct_change().iloc[first + 1 :]
    np.testing.assert_allclose(funded.returns.to_numpy(), fund.to_numpy(), rtol=1e-10, atol=1e-15)
    # the same strategy with a lump sum and no flows has the same returns from then on
    lump = tc.backtest(px, buy_and_hold("A"), execution_lag=0)
    np.testing.assert_allclose(
        funded.returns.to_numpy(), lump.returns.loc[funded.returns.index].to_numpy(), atol=1e-14
    )
    assert funded.growth_of().iloc[: first + 1].eq(1.0).all()


def test_money_weighted_return_from_zero_matches_a_constant_growth_closed_form():
    # a fund growing at exactly 7% a year on calendar days: every deposit earns 7% (act/365)
    idx = pd.bdate_range("2010-01-04", "2014-12-31", name="date")
    days = (idx - idx[0]).days.to_numpy()
    px = pd.DataFrame({"A": 100.0 * 1.07 ** (days / 365.0)}, index=idx)
    flows = tc.periodic_cashflows(idx, 500.0, "ME")
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows, execution_lag=0)
    assert result.money_weighted_return() == pytest.approx(0.07, abs=1e-9)


def test_rebalances_are_the_strategys_trades_not_paycheck_purchases(px):
    flows = paychecks(px.index, every=5)
    result = tc.backtest(
        px, Strategy(FixedWeights({"A": 0.6, "B": 0.4}), schedule="QE"), initial=0, cashflows=flows
    )
    decisions = result.targets.index[1:]
    executions = px.index[px.index.get_indexer(decisions) + 1]  # lag 1
    assert set(result.rebalances) <= set(executions)
    assert len(result.rebalances) == result.n_rebalances > 0
    # every trade is a paycheck purchase or a rebalance (no initial trade: $0 at the start)
    assert set(result.trades.index) == set(result.rebalances) | set(result.flows.index)
    assert not set(result.rebalances) & (set(result.flows.index) - set(executions))
    band = tc.backtest(
        px,
        Strategy(FixedWeights({"A": 0.6, "B": 0.4}), rebalance=Threshold(abs_band=0.005)),
        initial=0,
        cashflows=flows,
    )
    assert len(band.rebalances) == band.n_rebalances > 0
    assert set(band.trades.index) == set(band.rebalances) | set(band.flows.index)


def test_an_account_needs_money_and_a_numeric_initial(px):
    with pytest.raises(ConfigError, match="initial is 0 and no contribution"):
        tc.backtest(px, buy_and_hold("A"), initial=0)
    out = pd.Series([-100.0, 500.0], index=px.index[[5, 9]])
    with pytest.raises(ConfigError, match="initial is 0 and no contribution"):
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=out)
    with pytest.raises(ConfigError, match="initial must be a number"):
        tc.backtest(px, buy_and_hold("A"), initial="10000")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="initial must be a finite amount >= 0"):
        tc.backtest(px, buy_and_hold("A"), initial=-5.0)
    with pytest.raises(ConfigError, match="'total' column"):
        tc.backtest(px, buy_and_hold("A"), cashflows=pd.DataFrame({"x": [1.0]}, index=px.index[:1]))


# ------------------------------------------------------------------ I4: the policy hook
class NeverBuy:
    """Test-only policy: never buy ``fund``; the money stays in CASH."""

    def __init__(self, fund: str) -> None:
        self.fund = fund
        self.calls: list[tuple[int, str, float, float]] = []

    def __repr__(self) -> str:
        return f"NeverBuy({self.fund!r})"

    def start(self, holdings: tuple[str, ...], index: pd.DatetimeIndex) -> _NeverBuyGate:
        assert holdings[-1] == "CASH"
        return _NeverBuyGate(self, holdings.index(self.fund), index)


class _NeverBuyGate:
    def __init__(self, policy: NeverBuy, i: int, index: pd.DatetimeIndex) -> None:
        self.policy, self.i, self.index, self.rows = policy, i, index, []

    def adjust(self, t, held, wanted, kind):
        assert held.sum() == pytest.approx(wanted.sum(), rel=1e-12)
        self.policy.calls.append((t, kind, float(held.sum()), float(wanted.sum())))
        allowed = wanted.copy()
        extra = allowed[self.i] - held[self.i]
        if extra > 1e-9:
            allowed[self.i] = held[self.i]
            allowed[-1] += extra
            self.rows.append((self.index[t], self.policy.fund, "never_buy", extra, kind))
        return allowed

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["date", "fund", "rule", "amount", "detail"])


class Passthrough:
    """Test-only policy that allows everything (records the kinds it is asked about)."""

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.index: pd.DatetimeIndex | None = None

    def start(self, holdings, index):
        self.index = index
        return self

    def adjust(self, t, held, wanted, kind):
        self.kinds.append(kind)
        return wanted

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["date", "fund", "rule", "amount", "detail"])


def test_a_policy_that_never_buys_a_fund_keeps_it_out_everywhere(px):
    policy = NeverBuy("B")
    flows = pd.Series(1_000.0, index=px.index[10::20])
    result = tc.backtest(
        px,
        Strategy(FixedWeights({"A": 0.5, "B": 0.5}), schedule="ME"),
        cashflows=flows,
        costs=tc.ProportionalCost(bps=10),
        policy=policy,
    )
    assert (result.trades["B"] <= 1e-9).all()  # never a purchase of B
    assert "B" not in result.weights.columns or (result.weights["B"] == 0).all()
    assert result.weights["CASH"].iloc[-1] > 0.3  # B's share waits in cash
    kinds = {k for _, k, _, _ in policy.calls}
    assert kinds == {"initial", "rebalance", "contribution"}
    assert policy.calls[0][1] == "initial"
    blocked = result.blocked
    assert list(blocked.columns) == ["date", "fund", "rule", "amount", "detail"]
    assert set(blocked["fund"]) == {"B"} and (blocked["amount"] > 0).all()
    assert blocked["date"].iloc[0] == result.start
    assert result.config["policy"] == "NeverBuy('B')"
    # value is conserved: trades net to flows minus costs on every date
    flow = result.cashflows.reindex(result.trades.index, fill_value=0.0)
    np.testing.assert_allclose(
        result.trades.sum(axis=1), flow - result.costs, atol=1e-9 * result.equity.max()
    )


def test_a_policy_that_allows_everything_changes_nothing(px):
    flows = pd.Series([2_000.0, -500.0, 800.0], index=px.index[[30, 90, 200]])
    for strategy in (
        Strategy(FixedWeights({"A": 0.6, "B": 0.4}), schedule="ME"),
        Strategy(FixedWeights({"A": 0.6, "B": 0.4}), rebalance=Threshold(abs_band=0.03)),
        buy_and_hold({"A": 0.3, "B": 0.7}),
    ):
        for costs in (None, tc.ProportionalCost(bps=20)):
            policy = Passthrough()
            plain = tc.backtest(px, strategy, cashflows=flows, costs=costs)
            gated = tc.backtest(px, strategy, cashflows=flows, costs=costs, policy=policy)
            np.testing.assert_array_equal(gated.equity.to_numpy(), plain.equity.to_numpy())
            pd.testing.assert_frame_equal(gated.trades, plain.trades)
            assert gated.blocked.empty
            assert policy.index.equals(plain.equity.index)
            assert policy.kinds.count("initial") == 1
            assert policy.kinds.count("contribution") == 2
            assert policy.kinds.count("withdrawal") == 1
            assert policy.kinds.count("rebalance") == len(plain.trades) - 4  # every other trade


class RedemptionFee:
    """Test-only policy keeping ``rate`` of every sale (I4b: allowed totals less than wanted)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def start(self, holdings, index):
        return self

    def adjust(self, t, held, wanted, kind):
        sold = np.maximum(held[:-1] - wanted[:-1], 0.0).sum()
        return wanted * (1.0 - self.rate * sold / wanted.sum())

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["date", "fund", "rule", "amount", "detail"])


def test_a_redemption_fee_leaves_the_account_as_a_cost(two_funds):
    half = Strategy(FixedWeights({"STK": 0.5, "BND": 0.5}), schedule="D")
    r = tc.backtest(two_funds, half, execution_lag=0, policy=RedemptionFee(0.01))
    # day 0: 10,000 bought from cash, nothing sold, no fee.
    # day 1: 5,500 STK / 5,000 BND; back to 50/50 sells 250 STK: fee 2.50 -> 10,497.50
    assert r.costs.iloc[0] == 0.0
    assert r.costs.iloc[1] == pytest.approx(2.5, rel=1e-12)
    assert r.equity.iloc[1] == pytest.approx(10_497.5, rel=1e-12)
    assert r.weights.iloc[1].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)
    # day 2: STK 5,248.75 * 0.9 = 4,723.875, BND 5,248.75; sells 262.4375 BND: fee 2.624375
    value2 = 4_723.875 + 5_248.75
    assert r.costs.iloc[2] == pytest.approx(0.01 * (5_248.75 - value2 / 2), rel=1e-12)
    assert (r.trades.sum(axis=1) + r.costs).abs().max() < 1e-9  # the fee left the account


class GivesMoney:
    def start(self, holdings, index):
        return self

    def adjust(self, t, held, wanted, kind):
        return wanted * 1.01

    def events(self) -> pd.DataFrame:
        return pd.DataFrame()


def test_a_policy_may_never_add_money(px):
    with pytest.raises(ConfigError, match="never add money"):
        tc.backtest(px, buy_and_hold("A"), policy=GivesMoney())


def test_backtest_many_passes_the_policy_to_every_strategy(px):
    runs = tc.backtest_many(
        px,
        {"mix": Strategy(FixedWeights({"A": 0.5, "B": 0.5})), "B": buy_and_hold("B")},
        policy=NeverBuy("B"),
    )
    assert (runs["B"].weights["CASH"] == 1.0).all()  # never allowed to buy B
    assert all(r.config["policy"] == "NeverBuy('B')" for r in runs.values())


def test_a_paycheck_between_the_initial_decision_and_the_start_is_invested_at_the_start(px):
    # payroll from the first bar; with lag 1 the account starts (first purchase) on bar 1
    flows = pd.Series(500.0, index=px.index[::10])
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    assert result.start == px.index[1]
    assert result.flows.index[0] == px.index[1]  # bar 0's paycheck, invested at the start
    assert result.equity.iloc[0] == pytest.approx(500.0)
    assert result.contributed["total"] == pytest.approx(flows.sum())
    # a paycheck before the initial decision (in a warm-up) is left out, with a warning
    with pytest.warns(tc.errors.WindowWarning, match="1 cash flow"):
        late = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows, start=px.index[5])
    assert late.contributed["total"] == pytest.approx(flows.sum() - 500.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_blocked_fund_is_never_bought_whatever_the_strategy(data):
    """The hook is asked before every trade on every path: random rules, lags, costs, flows."""
    seed = data.draw(st.integers(0, 2**16))
    px = random_prices(data.draw(st.integers(30, 200)), ("A", "B", "C"), volatility=0.02, seed=seed)
    mix = {"A": 0.4, "B": 0.3, "C": 0.3}
    rule = data.draw(
        st.sampled_from(
            [
                Strategy(FixedWeights(mix), schedule="W"),
                Strategy(FixedWeights(mix), rebalance=Threshold(abs_band=0.01)),
                Strategy(FixedWeights(mix), schedule="ME", rebalance=Threshold(rel_band=0.05)),
                buy_and_hold(mix),
            ]
        )
    )
    lag = data.draw(st.integers(0, 3))
    costs = data.draw(st.sampled_from([None, tc.ProportionalCost(bps=15), tc.FixedCost(1.0)]))
    start = lag
    chosen = data.draw(st.lists(st.integers(start, len(px) - 1), max_size=5, unique=True))
    flows = pd.Series(500.0, index=px.index[sorted(chosen)]) if chosen else None
    policy = NeverBuy("B")
    result = tc.backtest(px, rule, execution_lag=lag, costs=costs, cashflows=flows, policy=policy)
    assert (result.trades["B"] <= 1e-9).all()
    assert "B" not in result.weights.columns or (result.weights["B"].abs() <= 1e-12).all()
    np.testing.assert_allclose(result.weights.sum(axis=1), 1.0, atol=1e-12)
    # asked before every trade; only a flow on the start bar, before the first purchase, goes
    # straight to cash without asking (it buys nothing)
    first_flow_at_start = flows is not None and flows.index[0] == result.start
    assert len(policy.calls) >= len(result.trades) - int(first_flow_at_start)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_flow_dates_in_any_datetime_unit_land_on_the_same_bars(px, unit):
    flows = pd.Series(250.0, index=px.index[3::20])
    reference = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    other = flows.copy()
    other.index = other.index.as_unit(unit)
    prices = px.copy()
    prices.index = prices.index.as_unit("ns" if unit != "ns" else "s")
    result = tc.backtest(prices, buy_and_hold("A"), initial=0, cashflows=other)
    assert result.cashflows.to_numpy().tolist() == reference.cashflows.to_numpy().tolist()
    assert (result.cashflows.index == reference.cashflows.index).all()
    assert result.final_balance == pytest.approx(reference.final_balance, rel=1e-12)


def test_flows_in_another_time_zone_than_the_prices_are_named(px):
    flows = pd.Series(250.0, index=px.index[3::20].tz_localize("America/New_York"))
    with pytest.raises(tc.errors.ConfigError, match="same time zone"):
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)


def test_the_largest_set_of_columns_adding_up_to_total_are_the_sources(px):
    days = px.index[2::15]
    n = len(days)
    flows = pd.DataFrame(
        {
            "employee": np.full(n, 300.0),
            "pay": np.full(n, 3_000.0),  # audit: not part of total
            "employer": np.full(n, 150.0),
            "roth": np.zeros(n),  # part of total (all zero here): still a source
            "total": np.full(n, 450.0),
            "limit_reached": np.zeros(n, dtype=bool),
        },
        index=days,
    )
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    assert list(result.flows.columns) == ["employee", "employer", "roth", "total"]
    assert result.contributed["employer"] == pytest.approx(150.0 * n)
    # an amount column of text cannot be a source; the others still are
    texts = flows.assign(note="paycheck")
    again = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=texts)
    assert list(again.flows.columns) == ["employee", "employer", "roth", "total"]


def test_too_many_numeric_columns_to_search_for_sources_is_named(px):
    days = px.index[2::15]
    many = pd.DataFrame({f"x{i}": 1.0 for i in range(13)}, index=days).assign(total=1.0)
    with pytest.raises(tc.errors.ConfigError, match="13 numeric columns"):
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=many)


# ------------------------------------------------------------------ flow dates and amounts
@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_flow_dates_in_any_unit_land_on_the_same_bars(px, unit):
    flows = pd.Series([500.0, 700.0], index=px.index[[10, 50]])
    plain = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    moved = flows.copy()
    moved.index = moved.index.as_unit(unit)
    prices = px.copy()
    prices.index = prices.index.as_unit("s" if unit == "ns" else "ns")
    other = tc.backtest(prices, buy_and_hold("A"), initial=0, cashflows=moved)
    np.testing.assert_allclose(other.equity.to_numpy(), plain.equity.to_numpy(), rtol=1e-15)
    assert list(other.flows.index.date) == list(plain.flows.index.date)


def test_a_flow_dated_beyond_the_nanosecond_range_is_outside_the_data(px):
    # a typo'd year: pandas keeps it at microsecond resolution (nanoseconds end in 2262)
    for typo in ("2402-01-05", "1024-01-05"):
        flows = pd.Series([500.0, 100.0], index=pd.to_datetime([str(px.index[5].date()), typo]))
        with pytest.raises(ConfigError, match=f"cashflows dated \\['{typo}'\\] fall outside"):
            tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)


def test_flow_amounts_and_dates_that_are_not_usable_are_named_errors(px):
    when = px.index[[5, 9]]
    with pytest.raises(ConfigError, match="time zone"):
        flows = pd.Series([500.0], index=when[:1].tz_localize("UTC"))
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    with pytest.raises(ConfigError, match="not numbers on \\[datetime.date"):
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=pd.Series(["500", "x"], index=when))
    with pytest.raises(ConfigError, match="NaT"):
        flows = pd.Series([500.0, 1.0], index=pd.DatetimeIndex([when[0], pd.NaT]))
        tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    # integers, objects and numeric text are amounts; columns need not be strings
    ints = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=pd.Series([500, 7], index=when))
    text = pd.Series(["500", "7"], index=when, dtype=object)
    assert tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=text).equity.equals(ints.equity)
    frame = pd.DataFrame({0: [400, 7], 1: [100, 0], "total": [500, 7]}, index=when)
    by_source = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=frame)
    assert list(by_source.flows.columns) == ["0", "1", "total"]
    assert by_source.equity.equals(ints.equity)


def test_money_weighted_return_of_flows_on_one_date_is_a_named_error(px):
    # from $0 with the only paycheck on the last bar: every flow is on one date, no rate
    flows = pd.Series([500.0], index=px.index[-1:])
    result = tc.backtest(px, buy_and_hold("A"), initial=0, cashflows=flows)
    assert result.final_balance == pytest.approx(500.0)
    with pytest.raises(ConfigError, match="all on one date"):
        result.money_weighted_return()
    with pytest.raises(ConfigError, match="all on one date"):
        tc.xirr([-100.0, 100.0 + 1e-12], [px.index[3], px.index[3]])
