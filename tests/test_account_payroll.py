"""Payroll, match and IRS limits: hand-worked years to the cent, and bad input."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.account import IRS_LIMITS, Limits, Match, Payroll, catch_up_limit, limits_for
from tactical.errors import ConfigError, LimitsError

SAFE_HARBOR = Match([(1.0, 0.03), (0.5, 0.02)])


def cents(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def trading_days(start: str, end: str, closed: tuple[str, ...] = ()) -> pd.DatetimeIndex:
    days = pd.bdate_range(start, end, name="date")
    return days.drop(pd.DatetimeIndex(closed))


# ------------------------------------------------------------------ limits table
def test_irs_table_has_the_published_facts():
    assert IRS_LIMITS[2005].deferral == 14_000
    assert IRS_LIMITS[2024].deferral == 23_000
    assert IRS_LIMITS[2005].catch_up == 4_000
    assert IRS_LIMITS[2024].catch_up == 7_500
    assert IRS_LIMITS[2024].annual_additions == 69_000
    assert IRS_LIMITS[2025].catch_up_60_63 == 11_250
    assert sorted(IRS_LIMITS) == list(range(2000, 2027))


def test_irs_table_never_decreases_and_catch_up_starts_2002():
    years = sorted(IRS_LIMITS)
    for a, b in zip(years, years[1:], strict=False):
        assert IRS_LIMITS[b].deferral >= IRS_LIMITS[a].deferral
        assert IRS_LIMITS[b].annual_additions >= IRS_LIMITS[a].annual_additions
    assert IRS_LIMITS[2001].catch_up == 0 and IRS_LIMITS[2002].catch_up == 1_000
    assert IRS_LIMITS[2001].pay_share == 0.25 and IRS_LIMITS[2002].pay_share == 1.0


def test_irs_table_has_the_401a17_compensation_limits():
    # IRS Notices 2023-75, 2024-80, 2025-67; PlanAdviser 2000-2008 table (see limits.py)
    comp = {y: IRS_LIMITS[y].compensation for y in IRS_LIMITS}
    assert (comp[2000], comp[2002], comp[2005], comp[2009], comp[2019]) == (
        170_000,
        200_000,
        210_000,
        245_000,
        280_000,
    )
    assert (comp[2024], comp[2025], comp[2026]) == (345_000, 350_000, 360_000)
    years = sorted(comp)
    assert all(comp[b] >= comp[a] for a, b in zip(years, years[1:], strict=False))
    assert all(c % 5_000 == 0 for c in comp.values())  # 401(a)(17)(B) rounds to $5,000
    with pytest.raises(LimitsError, match="compensation"):
        Limits(23_000, 7_500, 69_000, compensation=0)


def test_catch_up_by_age_including_secure_2_0_ages_60_to_63():
    assert catch_up_limit(limits_for(2024), 60) == 7_500  # 60-63 amount starts in 2025
    assert [catch_up_limit(limits_for(2025), a) for a in (49, 50, 59, 60, 63, 64)] == [
        0,
        7_500,
        7_500,
        11_250,
        11_250,
        7_500,
    ]


def test_a_year_past_the_table_is_a_named_error_unless_given():
    with pytest.raises(LimitsError, match="2027.*2000-2026"):
        limits_for(2027)
    mine = {2027: Limits(25_000, 8_000, 74_000)}
    assert limits_for(2027, mine).deferral == 25_000


# ------------------------------------------------------------------ a hand-worked year
def test_limit_hit_mid_year_2005_to_the_cent():
    # $90,000 biweekly, 20% deferral, safe-harbor match paid per paycheck, no true-up.
    days = trading_days("2005-01-03", "2005-12-30", closed=("2005-03-25",))  # Good Friday
    pay = Payroll(90_000, "biweekly", deferral=0.20, match=SAFE_HARBOR, first_payday="2005-01-14")
    checks = pay.paychecks(days)
    assert len(checks) == 26
    assert (checks["pay"] == 3461.54).all()
    # 20 full deferrals of $692.31 = $13,846.20; the 21st is cut to $153.80; then nothing
    emp = checks["employee"].to_numpy()
    assert (emp[:20] == 692.31).all()
    assert emp[20] == 153.80
    assert (emp[21:] == 0).all()
    assert float(checks["employee"].sum()) == pytest.approx(14_000.00, abs=1e-9)
    # match: 4% of pay = $138.46 on the full checks; the 21st (4.443% deferred) gets
    # 3% + half of 1.443% of 3461.54 = 103.8462 + 24.9769 = 128.82; then the match stops
    m = checks["match"].to_numpy()
    assert (m[:20] == 138.46).all() and m[20] == 128.82 and (m[21:] == 0).all()
    assert round(float(checks["employer"].sum()), 2) == 2_898.02
    assert checks["limit_reached"].tolist() == [False] * 20 + [True] * 6
    # the Good Friday payday is invested the next trading day
    moved = checks[checks["payday"] == pd.Timestamp("2005-03-25")]
    assert moved.index[0] == pd.Timestamp("2005-03-28")


def test_true_up_pays_the_shortfall_on_the_first_trading_day_of_next_year():
    days = trading_days("2005-01-03", "2006-01-31", closed=("2006-01-02",))
    pay = Payroll(
        90_000,
        "biweekly",
        deferral=0.20,
        match=SAFE_HARBOR,
        true_up=True,
        first_payday="2005-01-14",
    )
    checks = pay.paychecks(days)
    up = checks[checks["true_up"] > 0]
    assert list(up.index) == [pd.Timestamp("2006-01-03")]
    # the year's match on totals: 4% of 26 x 3461.54 = 3600.0016 -> 3600.00; paid 2898.02
    assert float(up["true_up"].iloc[0]) == 701.98
    year = checks[checks["year"] == 2005]
    assert round(float(year["employer"].sum()), 2) == 3_600.00


def test_contributions_sum_same_day_rows_and_keep_total_identity():
    days = trading_days("2005-01-03", "2006-12-29")
    pay = Payroll(90_000, deferral=0.20, match=SAFE_HARBOR, true_up=True, first_payday="2005-01-07")
    flows = pay.contributions(days)
    assert flows.index.is_unique and flows.index.name == "date"
    assert list(flows.columns[:3]) == ["employee", "employer", "total"]
    np.testing.assert_allclose(flows["total"], flows["employee"] + flows["employer"], atol=1e-9)
    checks = pay.paychecks(days)
    assert float(flows["total"].sum()) == pytest.approx(float(checks["total"].sum()), abs=1e-6)


# ------------------------------------------------------------------ 27 paychecks
def test_a_27_paycheck_year_pays_salary_over_26_each_by_default():
    # Fridays from 2016-01-01: 27 paydays in 2016 (the last one 2016-12-30)
    days = trading_days("2016-01-01", "2016-12-30")
    pay = Payroll(78_000, "biweekly", deferral=0.05, match=SAFE_HARBOR, first_payday="2016-01-01")
    checks = pay.paychecks(days)
    assert len(checks) == 27 and checks["payday"].iloc[-1] == pd.Timestamp("2016-12-30")
    assert (checks["pay"] == 3000.00).all()  # 78,000 / 26
    assert round(float(checks["pay"].sum()), 2) == 81_000.00  # 27/26 of the salary
    assert (checks["employee"] == 150.00).all()
    # at 5% deferred the safe-harbor match is 4% of pay: 120.00 a check
    assert (checks["match"] == 120.00).all()
    spread = Payroll(
        78_000, "biweekly", deferral=0.05, first_payday="2016-01-01", extra_paycheck="spread"
    ).paychecks(days)
    assert (spread["pay"] == float(cents(Decimal(78_000) / 27))).all()  # 2888.89


def test_weekly_semimonthly_monthly_calendars():
    days = trading_days("2024-01-01", "2024-12-31")
    assert len(Payroll(52_000, "weekly").paychecks(days)) == 52  # Fridays Jan 5 .. Dec 27
    semi = Payroll(48_000, "semimonthly").paychecks(days)
    assert len(semi) == 24 and (semi["pay"] == 2000.0).all()
    # 2024-06-15 is a Saturday: invested Monday 2024-06-17; 2024-08-31 Saturday -> 09-02
    assert semi.loc[semi["payday"] == "2024-06-15"].index[0] == pd.Timestamp("2024-06-17")
    assert semi.loc[semi["payday"] == "2024-08-31"].index[0] == pd.Timestamp("2024-09-02")
    monthly = Payroll(60_000, "monthly").paychecks(days)
    assert len(monthly) == 12 and (monthly["pay"] == 5000.0).all()


# ------------------------------------------------------------------ 401(a)(17)
def test_pay_above_the_401a17_limit_earns_no_deferral_or_match_2024_to_the_cent():
    # $400,000 biweekly from Friday 2024-01-05 (26 paydays), 5% deferred, safe-harbor match.
    # Pay per check 400,000 / 26 = 15,384.615... -> 15,384.62. The plan counts $345,000 in
    # 2024: 22 checks count in full (338,461.64), the 23rd counts 345,000 - 338,461.64 =
    # 6,538.36, checks 24-26 count nothing.
    days = trading_days("2024-01-01", "2024-12-31")
    pay = Payroll(400_000, deferral=0.05, match=SAFE_HARBOR, first_payday="2024-01-05")
    checks = pay.paychecks(days)
    assert len(checks) == 26 and (checks["pay"] == 15_384.62).all()
    counted = checks["plan_pay"].to_numpy()
    assert (counted[:22] == 15_384.62).all() and counted[22] == 6_538.36
    assert (counted[23:] == 0).all()
    assert round(float(checks["plan_pay"].sum()), 2) == 345_000.00
    # deferral 5%: 769.231 -> 769.23 on a full check, 326.918 -> 326.92 on the 23rd
    emp = checks["employee"].to_numpy()
    assert (emp[:22] == 769.23).all() and emp[22] == 326.92 and (emp[23:] == 0).all()
    assert round(float(checks["employee"].sum()), 2) == 17_249.98  # 22 x 769.23 + 326.92
    # match 4% of counted pay: 615.3848 -> 615.38, and 261.5344 -> 261.53 on the 23rd
    m = checks["match"].to_numpy()
    assert (m[:22] == 615.38).all() and m[22] == 261.53 and (m[23:] == 0).all()
    assert round(float(checks["employer"].sum()), 2) == 13_799.89  # not 4% of 400,000
    assert checks["limit_reached"].tolist() == [False] * 22 + [True] * 4
    # a plan whose deferral election applies to all pay: 26 x 769.23, the match unchanged
    above = Payroll(
        400_000, deferral=0.05, match=SAFE_HARBOR, first_payday="2024-01-05",
        defer_above_pay_limit=True,
    ).paychecks(days)  # fmt: skip
    assert round(float(above["employee"].sum()), 2) == 19_999.98
    assert round(float(above["match"].sum()), 2) == 13_799.89


def test_true_up_recomputes_the_match_on_pay_capped_at_401a17():
    # 10% of $400,000 hits 402(g) ($23,000) on the 15th check: 14 x 1,538.46 + 1,461.56.
    # Per paycheck the match is 615.38 on each of those 15 (the 15th defers 9.5% > 5%),
    # 9,230.70; the year's match on totals is 4% of the capped 345,000 = 13,800.00.
    days = trading_days("2024-01-01", "2025-01-31", closed=("2025-01-01",))
    pay = Payroll(
        400_000, deferral=0.10, match=SAFE_HARBOR, true_up=True, first_payday="2024-01-05"
    )
    checks = pay.paychecks(days)
    year = checks[checks["year"] == 2024]
    assert round(float(year["employee"].sum()), 2) == 23_000.00
    assert round(float(year["match"].sum()), 2) == 9_230.70  # 15 x 615.38
    up = checks[checks["true_up"] > 0]
    assert list(up.index) == [pd.Timestamp("2025-01-02")]
    assert float(up["true_up"].iloc[0]) == 4_569.30  # 13,800.00 - 9,230.70


# ------------------------------------------------------------------ catch-up, 415(c)
def test_catch_up_from_the_year_the_saver_turns_50():
    days = trading_days("2004-01-01", "2005-12-30")
    pay = Payroll(200_000, "monthly", deferral=0.50, birth_date="1955-12-31")
    checks = pay.paychecks(days)
    by_year = checks.groupby(checks["payday"].dt.year)["employee"].sum().round(2)
    assert by_year[2004] == 13_000.00  # 49 at year end: no catch-up
    assert by_year[2005] == 18_000.00  # turns 50 on Dec 31: 14,000 + 4,000


def test_larger_catch_up_at_ages_60_to_63_from_2025():
    days = trading_days("2024-01-01", "2026-12-31")
    pay = Payroll(300_000, "monthly", deferral=0.50, birth_date="1964-03-01")
    by_year = pay.paychecks(days).groupby("year")["employee"].sum().round(2)
    assert by_year[2024] == 23_000 + 7_500  # 60 in 2024, but the 60-63 amount starts 2025
    assert by_year[2025] == 23_500 + 11_250
    assert by_year[2026] == 24_500 + 11_250


def test_employer_money_stops_at_415c_and_catch_up_is_outside_it():
    days = trading_days("2024-01-01", "2024-12-31")
    rich = Match(nonelective=0.20)  # 20% of the 345,000 the plan counts: 69,000 wanted
    pay = Payroll(600_000, "monthly", deferral=0.10, match=rich, birth_date="1960-01-01")
    checks = pay.paychecks(days)
    assert round(float(checks["employee"].sum()), 2) == 30_500.00  # 23,000 + 7,500 catch-up
    assert round(float(checks["employer"].sum()), 2) == 69_000 - 23_000
    assert checks["limit_reached"].any()


def test_before_2002_415c_is_capped_at_25_percent_of_pay():
    days = trading_days("2000-01-03", "2000-12-29")
    pay = Payroll(36_000, "monthly", deferral=0.30)  # wants 10,800 of a 10,500 402(g)
    assert round(float(pay.paychecks(days)["employee"].sum()), 2) == 9_000.00  # 25% of pay


def test_limits_none_applies_no_limit_and_a_year_past_the_table_raises():
    days = trading_days("2026-11-01", "2027-02-26")
    with pytest.raises(LimitsError, match="2027"):
        Payroll(90_000, "monthly", deferral=0.5).contributions(days)
    free = Payroll(90_000, "monthly", deferral=0.5, limits=None).contributions(days)
    assert (free["employee"] == 3750.0).all()
    given = Payroll(
        90_000,
        "monthly",
        deferral=0.5,
        limits={2027: {"deferral": 25_000, "catch_up": 8_000, "annual_additions": 74_000}},
    )
    assert len(given.contributions(days)) == 3  # Nov 30, Dec 31, Jan 31 (-> Feb 1)


# ------------------------------------------------------------------ rates over time
def test_raise_on_a_stated_month_and_deferral_schedule_and_escalation():
    days = trading_days("2005-01-03", "2007-12-31")
    pay = Payroll(
        60_000, "monthly", deferral={2005: 0.05, 2007: 0.08}, raise_rate=0.10, raise_month=7
    )
    c = pay.paychecks(days)
    assert c.loc[c["payday"] == "2005-06-30", "pay"].iloc[0] == 5_000.00
    assert c.loc[c["payday"] == "2005-07-31", "pay"].iloc[0] == 5_500.00
    assert c.loc[c["payday"] == "2006-07-31", "pay"].iloc[0] == 6_050.00
    assert c.groupby(c["payday"].dt.year)["deferral_rate"].first().tolist() == [0.05, 0.05, 0.08]
    esc = Payroll(60_000, "monthly", deferral=0.03, escalation=0.01, escalation_cap=0.04)
    rates = esc.paychecks(days).groupby("year")["deferral_rate"].first()
    assert rates.round(10).tolist() == [0.03, 0.04, 0.04]


# ------------------------------------------------------------------ an independent loop
@pytest.mark.parametrize("deferral", [0.03, 0.06, 0.12, 0.25])
def test_payroll_agrees_with_a_plain_decimal_loop(deferral):
    days = trading_days("2023-01-02", "2023-12-29")
    pay = Payroll(123_457, "semimonthly", deferral=deferral, match=Match([(0.5, 0.06)]))
    got = pay.paychecks(days)
    per = cents(Decimal(123_457) / 24)
    ytd = Decimal(0)
    for _, row in got.iterrows():
        want = cents(per * Decimal(str(deferral)))
        emp = min(want, Decimal(22_500) - ytd)
        ytd += emp
        match = cents(Decimal("0.5") * min(emp, per * Decimal("0.06")))
        assert Decimal(str(row["employee"])) == emp
        assert abs(Decimal(str(row["match"])) - match) <= Decimal("0.01")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"salary": -5}, "salary must be a positive"),
        ({"salary": 90_000, "deferral": 1.5}, "deferral must be between 0 and 1"),
        ({"salary": 90_000, "frequency": "fortnightly"}, "unknown pay frequency"),
        ({"salary": 90_000, "raise_month": 13}, "raise_month"),
        ({"salary": 90_000, "deferral": {2005: -0.1}}, "deferral for 2005"),
    ],
)
def test_bad_payroll_input_is_a_named_error(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Payroll(**kwargs)


def test_a_payday_before_the_data_is_a_named_error():
    days = trading_days("2005-01-03", "2005-12-30")
    with pytest.raises(ConfigError, match="before the data"):
        Payroll(90_000, first_payday="2004-12-31").contributions(days)


def test_bad_match_is_a_named_error():
    with pytest.raises(ConfigError, match="tier 0"):
        Match([(1.0, 3)])
    with pytest.raises(ConfigError, match="nonelective"):
        Match(nonelective=3)


def test_public_names_are_on_the_package():
    assert tc.Payroll is Payroll and tc.Match is Match


# ------------------------------------------------------------------ invariants
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    salary=st.floats(10_000, 900_000),
    deferral=st.floats(0, 1),
    frequency=st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly"]),
    nonelective=st.sampled_from([0.0, 0.03, 0.2]),
    born=st.integers(1950, 1990),
    true_up=st.booleans(),
)
def test_limits_hold_every_year_for_any_saver(
    salary, deferral, frequency, nonelective, born, true_up
):
    days = trading_days("2022-01-03", "2025-12-31")
    match = Match([(1.0, 0.03), (0.5, 0.02)], nonelective=nonelective)
    pay = Payroll(
        salary,
        frequency,
        deferral=deferral,
        match=match,
        true_up=true_up,
        birth_date=f"{born}-07-01",
    )
    checks = pay.paychecks(days)
    assert (checks[["employee", "employer", "total"]] >= 0).all().all()
    np.testing.assert_allclose(checks["total"], checks["employee"] + checks["employer"], atol=1e-6)
    for year, rows in checks.groupby("year"):
        row = limits_for(int(year))
        room = row.deferral + catch_up_limit(row, int(year) - born)
        emp = rows["employee"].sum()
        assert emp <= room + 1e-6
        catch = rows["catch_up"].sum()
        assert catch <= catch_up_limit(row, int(year) - born) + 1e-6
        regular = emp - catch
        assert regular <= row.deferral + 1e-6
        assert regular + rows["employer"].sum() <= row.annual_additions + 1e-6
        counted = rows["plan_pay"].sum()
        assert counted <= row.compensation + 1e-6
        assert rows["match"].sum() <= match.max_rate * counted + 0.01 * len(rows)
        assert rows["nonelective"].sum() <= nonelective * counted + 0.01 * len(rows)
        want = (rows["plan_pay"] * rows["deferral_rate"]).sum()
        cap = min(row.annual_additions, row.pay_share * rows["pay"].sum())
        if want <= room - 1 and want + rows["employer"].sum() <= cap - 1:  # nothing to cut
            assert abs(emp - want) <= 0.01 * len(rows)


def test_spread_divides_by_the_whole_years_paydays_when_starting_mid_year():
    days = trading_days("2016-06-01", "2016-12-30")
    spread = Payroll(
        78_000, "biweekly", deferral=0.05, first_payday="2016-07-15", extra_paycheck="spread"
    ).paychecks(days)
    # on the grid of 2016-07-15 (Jan 1 + 14 x 14 days) 2016 has 27 paydays
    assert (spread["pay"] == float(cents(Decimal(78_000) / 27))).all()
    monthly = Payroll(60_000, "monthly", extra_paycheck="spread").paychecks(days)
    assert (monthly["pay"] == 5_000.0).all()


def test_cent_rounding_is_half_up_on_the_printed_decimal():
    from tactical.account.payroll import _cents

    rng = np.random.default_rng(0)
    xs = [*rng.uniform(0, 1e5, 20_000), *(np.arange(0, 20_000) / 1000), 2.675, 1.005, 0.125]
    for x in xs:
        want = float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        assert _cents(x) == want, x
