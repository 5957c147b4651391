"""TradingPolicy standalone: synthetic adjust() sequences and hypothesis properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tactical as tc
from tactical.account import EVENT_COLUMNS, TradingPolicy
from tactical.errors import ConfigError

FUNDS = ("SPY", "AGG", "MM", "CASH")
DAILY = pd.date_range("2023-09-01", "2024-12-31", freq="D")


def at(date: str) -> int:
    return int(DAILY.get_loc(pd.Timestamp(date)))


def v(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


# ------------------------------------------------------------------ re-entry
def test_reentry_block_counts_30_calendar_days_from_the_day_after_the_sale():
    # T. Rowe Price's worked example: redeem Sep 1, trade again Oct 2
    gate = TradingPolicy(reentry_days=30).start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    blocked = gate.adjust(at("2023-10-01"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")
    assert blocked.tolist() == [0, 100, 0, 0]
    ok = gate.adjust(at("2023-10-02"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")
    assert ok.tolist() == [100, 0, 0, 0]
    events = gate.events()
    assert list(events.columns) == EVENT_COLUMNS
    assert events[["fund", "rule", "amount"]].values.tolist() == [["SPY", "reentry", 100.0]]
    assert events["date"].iloc[0] == pd.Timestamp("2023-10-01")
    assert "2023-10-01" in events["detail"].iloc[0] and "left where it was" in events["detail"][0]


def test_a_partial_block_keeps_the_rest_of_the_trade():
    gate = TradingPolicy(reentry_days=30).start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(100, 100, 0, 0), v(50, 150, 0, 0), "rebalance")  # sells SPY
    out = gate.adjust(at("2023-09-10"), v(50, 150, 0, 0), v(100, 50, 50, 0), "rebalance")
    # the SPY purchase (50) is blocked and stays in AGG; the MM purchase goes through
    # (AGG is sold 100 -> only 50 of it, pro rata with nothing else sold)
    assert out.tolist() == [50, 100, 50, 0]
    assert out.sum() == 200


def test_fallback_receives_the_blocked_purchase():
    policy = TradingPolicy(reentry_days=30, fallback="MM", exempt=("MM",))
    gate = policy.start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    out = gate.adjust(at("2023-09-15"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")
    assert out.tolist() == [0, 0, 100, 0]
    assert "moved to MM" in gate.events()["detail"].iloc[0]


def test_a_fallback_the_strategy_does_not_hold_is_a_warning_and_leaves_the_money():
    from tactical.errors import PolicyWarning

    policy = TradingPolicy(reentry_days=30, fallback="VFISX")
    with pytest.warns(PolicyWarning, match="'VFISX' is not among the holdings"):
        gate = policy.start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    out = gate.adjust(at("2023-09-15"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")
    assert out.tolist() == [0, 100, 0, 0]
    assert "left where it was" in gate.events()["detail"].iloc[0]


def test_small_sales_start_no_block():
    gate = TradingPolicy.troweprice().start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(10_000, 0, 0, 0), v(5_000, 5_000, 0, 0), "rebalance")
    out = gate.adjust(at("2023-09-02"), v(5_000, 5_000, 0, 0), v(10_000, 0, 0, 0), "rebalance")
    assert out.tolist() == [10_000, 0, 0, 0]  # $5,000 is not "more than $5,000"
    gate.adjust(at("2023-09-03"), v(10_000, 0, 0, 0), v(4_999.99, 5_000.01, 0, 0), "rebalance")
    out = gate.adjust(at("2023-09-04"), v(5_000, 5_000, 0, 0), v(10_000, 0, 0, 0), "rebalance")
    assert out.tolist() == [5_000, 5_000, 0, 0]


# ------------------------------------------------------------------ payroll
def test_payroll_purchases_are_exempt_unless_told_otherwise():
    gate = TradingPolicy(reentry_days=30).start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    paid = gate.adjust(at("2023-09-08"), v(0, 100, 0, 10), v(10, 100, 0, 0), "contribution")
    assert paid.tolist() == [10, 100, 0, 0]
    strict = TradingPolicy(reentry_days=30, payroll_exempt=False).start(FUNDS, DAILY)
    strict.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    held = strict.adjust(at("2023-09-08"), v(0, 100, 0, 10), v(10, 100, 0, 0), "contribution")
    assert held.tolist() == [0, 100, 0, 10]  # the paycheck waits in cash


def test_contribution_purchases_do_not_count_as_round_trips():
    gate = TradingPolicy.fidelity().start(FUNDS, DAILY)
    for day in ("2023-09-01", "2023-09-15", "2023-10-01"):
        gate.adjust(at(day), v(0, 5_000, 0, 2_000), v(2_000, 5_000, 0, 0), "contribution")
        gate.adjust(at(day) + 1, v(2_000, 5_000, 0, 0), v(0, 7_000, 0, 0), "rebalance")
    out = gate.adjust(at("2023-10-05"), v(0, 7_000, 0, 0), v(7_000, 0, 0, 0), "rebalance")
    assert out.tolist() == [7_000, 0, 0, 0]


# ------------------------------------------------------------------ round trips
def test_second_round_trip_within_90_days_blocks_purchases_for_85_days():
    gate = TradingPolicy.fidelity().start(FUNDS, DAILY)
    a, b = v(5_000, 0, 0, 0), v(0, 5_000, 0, 0)
    gate.adjust(at("2023-09-01"), b, a, "rebalance")  # buy SPY
    gate.adjust(at("2023-09-11"), a, b, "rebalance")  # sell within 30 days: round trip 1
    gate.adjust(at("2023-09-21"), b, a, "rebalance")  # buy SPY again (allowed)
    gate.adjust(at("2023-10-01"), a, b, "rebalance")  # round trip 2: block SPY 85 days
    assert gate.blocked_at(at("2023-10-02")) == {"SPY": ("round_trip", pd.Timestamp("2023-12-25"))}
    assert gate.adjust(at("2023-12-25"), b, a, "rebalance").tolist() == b.tolist()
    assert gate.adjust(at("2023-12-26"), b, a, "rebalance").tolist() == a.tolist()
    assert gate.events()["rule"].tolist() == ["round_trip"]


def test_round_trips_further_apart_than_the_window_do_not_block():
    gate = TradingPolicy.fidelity().start(FUNDS, DAILY)
    a, b = v(5_000, 0, 0, 0), v(0, 5_000, 0, 0)
    gate.adjust(at("2023-09-01"), b, a, "rebalance")
    gate.adjust(at("2023-09-11"), a, b, "rebalance")  # trip 1
    gate.adjust(at("2023-12-01"), b, a, "rebalance")
    gate.adjust(at("2023-12-11"), a, b, "rebalance")  # trip 2, 91 days after trip 1
    assert gate.adjust(at("2023-12-12"), b, a, "rebalance").tolist() == a.tolist()


# ------------------------------------------------------------------ fees
def test_redemption_fee_on_young_shares_first_in_first_out():
    gate = TradingPolicy(redemption_fee=0.02, redemption_days=30).start(FUNDS, DAILY)
    gate.adjust(at("2023-09-01"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")  # lot 1
    gate.adjust(at("2023-10-06"), v(100, 100, 0, 0), v(200, 0, 0, 0), "rebalance")  # lot 2
    # on Oct 11, sell 150 of 200: 100 from the old lot (no fee), 50 from the 5-day-old lot
    out = gate.adjust(at("2023-10-11"), v(200, 0, 0, 0), v(50, 150, 0, 0), "rebalance")
    assert out.sum() == pytest.approx(200 - 0.02 * 50, abs=1e-12)
    assert out[0] == 50 and out[1] == pytest.approx(149.0, abs=1e-12)
    fee = gate.events()
    assert fee[["fund", "rule"]].values.tolist() == [["SPY", "redemption_fee"]]
    assert fee["amount"].iloc[0] == pytest.approx(1.0, abs=1e-12)


def test_no_fee_on_shares_held_long_enough_or_on_exempt_funds():
    gate = TradingPolicy(redemption_fee=0.02, redemption_days=30, exempt=("MM",)).start(
        FUNDS, DAILY
    )
    gate.adjust(at("2023-09-01"), v(0, 0, 100, 0), v(100, 0, 0, 0), "rebalance")
    gate.adjust(at("2023-09-02"), v(100, 0, 0, 0), v(0, 0, 100, 0), "rebalance")  # 1 day: fee
    gate.adjust(at("2023-09-03"), v(0, 0, 98, 0), v(0, 98, 0, 0), "rebalance")  # MM exempt
    assert gate.events()["fund"].tolist() == ["SPY"]


# ------------------------------------------------------------------ equity wash
def test_equity_wash_keeps_stable_value_money_out_of_competing_funds_for_90_days():
    funds = ("SV", "MM", "SPY", "CASH")
    gate = TradingPolicy(stable_value="SV", competing=("MM",)).start(funds, DAILY)
    # straight from stable value to the money market: cut
    out = gate.adjust(at("2023-09-01"), v(100, 0, 0, 0), v(0, 100, 0, 0), "rebalance")
    assert out.tolist() == [100, 0, 0, 0]
    # out of stable value into stocks: fine; then stocks -> money market within 90 days: no
    gate.adjust(at("2023-09-02"), v(100, 0, 0, 0), v(0, 0, 100, 0), "rebalance")
    # (Dec 1 is day 90 after the Sep 2 sale: still inside the wash)
    assert gate.adjust(at("2023-12-01"), v(0, 0, 100, 0), v(0, 100, 0, 0), "rebalance")[1] == 0
    assert gate.adjust(at("2023-12-02"), v(0, 0, 100, 0), v(0, 100, 0, 0), "rebalance")[1] == 100
    # and not from the competing fund straight back into stable value
    assert gate.adjust(at("2023-12-03"), v(0, 100, 0, 0), v(100, 0, 0, 0), "rebalance")[0] == 0
    assert set(gate.events()["rule"]) == {"equity_wash"}


# ------------------------------------------------------------------ properties
POLICIES = st.builds(
    TradingPolicy,
    reentry_days=st.sampled_from([0, 7, 30, 60]),
    roundtrip_limit=st.sampled_from([0, 1, 2]),
    roundtrip_days=st.sampled_from([10, 30]),
    roundtrip_window=st.sampled_from([30, 90]),
    roundtrip_block=st.sampled_from([20, 85]),
    fallback=st.sampled_from([None, "MM", "AGG"]),
    exempt=st.sampled_from([(), ("MM",)]),
    min_amount=st.sampled_from([0.0, 10.0]),
    payroll_exempt=st.booleans(),
)

CALLS = st.lists(
    st.tuples(
        st.integers(1, 20),  # calendar days since the last call
        st.lists(st.floats(0, 100), min_size=4, max_size=4),  # held
        st.lists(st.floats(0, 1), min_size=4, max_size=4),  # wanted weights
        st.sampled_from(["rebalance", "rebalance", "contribution"]),
    ),
    min_size=1,
    max_size=40,
)


def _blocked_by_the_rules(policy, history, fund, day):
    """Is a purchase of ``fund`` on ``day`` inside a block, by the rules' own words?"""
    if fund == "CASH" or fund in policy.exempt:
        return False
    sales = [
        d
        for d, f, amt, kind in history
        if f == fund and amt < 0 and kind == "rebalance" and -amt > policy.min_amount
    ]
    if policy.reentry_days and any(day - d <= policy.reentry_days for d in sales):
        return True
    if policy.roundtrip_limit:
        buys: list[int] = []
        trips: list[int] = []
        for d, f, amt, kind in history:
            if f != fund or kind != "rebalance":
                continue
            if amt > 0:
                buys.append(d)
            elif -amt > policy.min_amount:
                if any(d - b <= policy.roundtrip_days for b in buys):
                    buys = []
                    trips.append(d)
                    recent = [x for x in trips if d - x < policy.roundtrip_window]
                    if len(recent) >= policy.roundtrip_limit and day - d <= policy.roundtrip_block:
                        return True
    return False


@settings(max_examples=150, deadline=None)
@given(policy=POLICIES, calls=CALLS)
def test_no_purchase_inside_a_block_ever(policy, calls):
    gate = policy.start(FUNDS, DAILY)
    day = 0
    history: list[tuple[int, str, float, str]] = []
    for gap, held_list, weights, kind in calls:
        day += gap
        held = np.array(held_list)
        if held.sum() <= 1:
            held[-1] += 10.0
        w = np.array(weights)
        w = w / w.sum() if w.sum() > 0 else np.array([0, 0, 0, 1.0])
        wanted = w * held.sum()
        allowed = gate.adjust(day, held, wanted, kind)
        tol = 1e-9 * held.sum()
        assert allowed.sum() == pytest.approx(held.sum(), rel=1e-12, abs=1e-9)
        assert (allowed >= -tol).all()
        for i, fund in enumerate(FUNDS):
            bought = allowed[i] - held[i]
            exempt_payroll = kind == "contribution" and policy.payroll_exempt
            if bought > tol and not exempt_payroll:
                assert not _blocked_by_the_rules(policy, history, fund, day), (fund, day)
        if kind == "contribution" and policy.payroll_exempt:
            np.testing.assert_allclose(allowed, wanted, atol=tol)
        for i, fund in enumerate(FUNDS):
            change = allowed[i] - held[i]
            if abs(change) > tol:
                history.append((day, fund, change, kind))


@settings(max_examples=60, deadline=None)
@given(calls=CALLS, fee=st.sampled_from([0.01, 0.02]))
def test_fees_never_add_money_and_match_their_events(calls, fee):
    gate = TradingPolicy(redemption_fee=fee, redemption_days=15).start(FUNDS, DAILY)
    day, charged = 0, 0.0
    for gap, held_list, weights, kind in calls:
        day += gap
        held = np.array(held_list) + 1.0
        w = np.array(weights) + 1e-3
        wanted = w / w.sum() * held.sum()
        allowed = gate.adjust(day, held, wanted, kind)
        assert allowed.sum() <= held.sum() + 1e-9
        charged += held.sum() - allowed.sum()
        assert (allowed >= 0).all()
    events = gate.events()
    assert charged == pytest.approx(float(events["amount"].sum()), abs=1e-8)


WIDE_POLICIES = st.one_of(
    POLICIES,
    st.builds(
        TradingPolicy,
        reentry_days=st.sampled_from([0, 30]),
        redemption_fee=st.sampled_from([0.01, 0.02]),
        redemption_days=st.sampled_from([15, 60]),
        payroll_exempt=st.booleans(),
    ),
    st.builds(
        TradingPolicy,
        reentry_days=st.sampled_from([0, 30]),
        stable_value=st.just("AGG"),
        competing=st.just(("MM",)),
        wash_days=st.sampled_from([10, 90]),
        fallback=st.sampled_from([None, "SPY"]),
    ),
)
KINDS_ALL = st.sampled_from(["rebalance", "rebalance", "contribution", "withdrawal", "initial"])


@settings(max_examples=120, deadline=None)
@given(policy=WIDE_POLICIES, calls=CALLS, kinds=st.lists(KINDS_ALL, min_size=40, max_size=40))
def test_shortcuts_change_nothing_skipping_unwatched_kinds_or_expired_blocks(policy, calls, kinds):
    # the gate answers an unwatched kind with `wanted` and skips the rules when no block can
    # be in force; a gate forced through every rule on every call must agree to the bit,
    # and so must a gate an engine never asks about the kinds it does not watch
    fast, full, skip = (policy.start(FUNDS, DAILY) for _ in range(3))
    full._watch = dict.fromkeys(full._watch, True)
    full.last_block = 2**62
    day = 0
    for (gap, held_list, weights, _), kind in zip(calls, kinds, strict=False):
        day += gap
        held = np.array(held_list) + 1.0
        w = np.array(weights) + 1e-3
        wanted = w / w.sum() * held.sum()
        a = fast.adjust(day, held.copy(), wanted.copy(), kind)
        b = full.adjust(day, held.copy(), wanted.copy(), kind)
        np.testing.assert_array_equal(a, b)
        if skip.watches(kind):
            np.testing.assert_array_equal(skip.adjust(day, held.copy(), wanted.copy(), kind), a)
        else:
            np.testing.assert_array_equal(a, wanted)
    for gate in (full, skip):
        pd.testing.assert_frame_equal(fast.events(), gate.events())


def test_watches_names_the_kinds_a_gate_can_change():
    days = pd.bdate_range("2024-01-01", periods=5)
    plain = TradingPolicy(reentry_days=30).start(("A", "CASH"), days)
    assert [plain.watches(k) for k in ("initial", "rebalance", "contribution", "withdrawal")] == [
        False,
        True,
        False,
        False,
    ]
    fees = TradingPolicy(redemption_fee=0.01, redemption_days=30).start(("A", "CASH"), days)
    assert all(fees.watches(k) for k in ("initial", "rebalance", "contribution", "withdrawal"))
    strict = TradingPolicy(reentry_days=30, payroll_exempt=False).start(("A", "CASH"), days)
    assert strict.watches("contribution") and not strict.watches("withdrawal")
    with pytest.raises(ConfigError, match="unknown trade kind"):
        plain.watches("gift")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reentry_days": -1}, "reentry_days"),
        ({"reentry_days": 2.5}, "reentry_days"),
        ({"redemption_fee": 0.02}, "redemption_days"),
        ({"redemption_fee": 2.0, "redemption_days": 30}, "redemption_fee"),
        ({"competing": ("MM",)}, "stable_value"),
        ({"min_amount": -1}, "min_amount"),
    ],
)
def test_bad_policy_is_a_named_error(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        TradingPolicy(**kwargs)


def test_bad_calls_are_named_errors():
    gate = TradingPolicy(reentry_days=30).start(FUNDS, DAILY)
    with pytest.raises(ConfigError, match="unknown trade kind"):
        gate.adjust(0, v(1, 0, 0, 0), v(1, 0, 0, 0), "exchange")
    with pytest.raises(ConfigError, match="one value per holding"):
        gate.adjust(0, v(1, 0), v(1, 0), "rebalance")


def test_repr_is_a_complete_label_and_public_name():
    assert repr(TradingPolicy.vanguard(fallback="MM")) == (
        "TradingPolicy(reentry_days=30, fallback='MM')"
    )
    assert tc.TradingPolicy is TradingPolicy
