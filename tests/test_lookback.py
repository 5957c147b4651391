"""Durations: parsing, which closes they sample (hand-worked), warm-up, and the unit warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError, LookbackUnitWarning
from tactical.history import History
from tactical.lookback import Duration, anchor_rows, parse_duration, sample_rows
from tactical.strategies import DualMomentum, RelativeMomentum, Strategy, TrendFilter
from tactical.strategies.signals import trailing_return
from tactical.testing import random_prices

# Jan 2 .. Apr 30 2024 on business days: month ends Jan 31, Feb 29, Mar 29, Apr 30
IDX = pd.bdate_range("2024-01-02", "2024-04-30")


def at(date: str) -> int:
    return int(IDX.get_loc(pd.Timestamp(date)))


def dates(rows: np.ndarray) -> list[str]:
    return ["-" if r < 0 else str(IDX[r].date()) for r in np.ravel(rows)]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10M", Duration(10, "M")),
        ("12m", Duration(12, "M")),
        (" 52W ", Duration(52, "W")),
        ("126D", Duration(126, "D")),
        (126, Duration(126, "D")),
        (np.int64(5), Duration(5, "D")),
    ],
)
def test_durations_parse(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize("bad", ["10", "M", "1.5M", "10Y", "-3M", True, 2.0, None, "0M", 0])
def test_bad_durations_are_config_errors_naming_the_forms(bad):
    with pytest.raises(ConfigError, match="lookback must be"):
        parse_duration(bad)


def test_allocators_store_the_canonical_duration_and_reject_bad_ones():
    assert RelativeMomentum(("A",), lookback="6m").lookback == "6M"
    assert RelativeMomentum(("A",), lookback=126).lookback == 126
    assert repr(TrendFilter(("A",))).endswith("lookback='10M')")
    with pytest.raises(ConfigError, match="skip must be"):
        DualMomentum(("A",), safe="B", skip="soon")
    with pytest.raises(ConfigError, match="lookback must be"):
        TrendFilter(("A",), lookback="10 months")


def test_month_samples_are_month_end_closes_and_the_decision_close_stands_in_for_its_month():
    end_apr = np.array([at("2024-04-30")])
    mid_apr = np.array([at("2024-04-17")])
    assert dates(anchor_rows(IDX, end_apr, Duration(1, "M"))) == ["2024-03-29"]
    assert dates(anchor_rows(IDX, end_apr, Duration(3, "M"))) == ["2024-01-31"]
    assert dates(anchor_rows(IDX, end_apr, Duration(4, "M"))) == ["-"]  # Dec 2023: no data
    # mid-month: the decision's own close is this month's, earlier samples are month ends
    assert dates(anchor_rows(IDX, mid_apr, Duration(0, "M"))) == ["2024-04-17"]
    assert dates(anchor_rows(IDX, mid_apr, Duration(2, "M"))) == ["2024-02-29"]
    assert dates(sample_rows(IDX, mid_apr, Duration(3, "M"))) == [
        "2024-02-29",
        "2024-03-29",
        "2024-04-17",
    ]
    # days are rows
    assert dates(anchor_rows(IDX, end_apr, Duration(2, "D"))) == ["2024-04-26"]


def test_week_samples_are_friday_closes_and_a_holiday_friday_falls_back_to_thursday():
    index = IDX.drop(pd.Timestamp("2024-03-29"))  # Good Friday: no close
    row = np.array([int(index.get_loc(pd.Timestamp("2024-04-10")))])  # a Wednesday
    got = [str(index[r].date()) for r in sample_rows(index, row, Duration(3, "W"))[0]]
    assert got == ["2024-03-28", "2024-04-05", "2024-04-10"]


def test_a_month_missing_from_the_data_falls_back_to_the_last_close_before_it():
    index = IDX[(IDX.month != 2)]  # no February at all
    row = np.array([len(index) - 1])  # 2024-04-30
    got = [str(index[r].date()) for r in anchor_rows(index, row, Duration(2, "M"))]
    assert got == ["2024-01-31"]


def test_trailing_return_in_months_by_hand():
    px = np.arange(1.0, len(IDX) + 1.0)[:, None]  # the close is the row number + 1
    r = np.array([at("2024-04-30"), at("2024-04-17")])
    got = trailing_return(px, IDX, r, "2M", skip="1M")
    # end 2024-03-29 (row 63 -> close 64), start 2024-01-31 (row 21 -> close 22)
    start, end = at("2024-01-31") + 1.0, at("2024-03-29") + 1.0
    assert got[0, 0] == end / start - 1.0
    assert got[1, 0] == got[0, 0]  # the same month-end window from mid-April
    h = History(px, IDX, ("A",), at("2024-04-30") + 1)
    assert h.trailing_return("A", "2M", "1M") == got[0, 0]


def test_on_monthly_data_months_are_rows():
    """On the bundled monthly sample "10M" and "12M" are exactly 10 and 12 bars."""
    px = tc.load_sample(["US_STOCKS", "TSY_10Y", "TSY_LONG"])
    cash = tc.load_sample_rates(px)
    pairs = [
        (TrendFilter(("US_STOCKS",), safe="TSY_10Y", lookback="10M"),
         TrendFilter(("US_STOCKS",), safe="TSY_10Y", lookback=10)),
        (DualMomentum(("US_STOCKS", "TSY_LONG"), safe="TSY_10Y", lookback="12M"),
         DualMomentum(("US_STOCKS", "TSY_LONG"), safe="TSY_10Y", lookback=12)),
    ]  # fmt: skip
    for months, bars in pairs:
        a = tc.backtest(px, Strategy(months), cash_returns=cash, execution_lag=0)
        b = tc.backtest(px, Strategy(bars), cash_returns=cash, execution_lag=0)
        pd.testing.assert_series_equal(a.equity, b.equity)


def test_the_default_start_waits_for_a_month_based_warm_up():
    px = random_prices(400, ("A", "B"), start="2001-03-14")
    # execution_lag=0: the start is the first decision date (engine: invested-window rule)
    r = tc.backtest(px, Strategy(RelativeMomentum(("A", "B"), lookback="6M")), execution_lag=0)
    # the first 6-month window starts on the first month end the data has (2001-03-30)
    assert r.start == pd.Timestamp("2001-09-03")  # the first (business) day of September
    t = tc.backtest(px, Strategy(TrendFilter(("A",), lookback="3M")), execution_lag=0)
    assert t.start == pd.Timestamp("2001-05-01")  # averages Mar 30, Apr 30 and May 1 closes


def test_dual_momentum_lookback_12_on_daily_data_with_a_monthly_schedule_warns():
    px = random_prices(400, ("A", "B", "S"))
    rule = DualMomentum(("A", "B"), safe="S", lookback=12, hurdle="S")
    with pytest.warns(LookbackUnitWarning, match=r"lookback=12 counts 12 trading days.*'12M'"):
        tc.backtest(px, Strategy(rule, schedule="ME"))
    with pytest.warns(LookbackUnitWarning, match="lookback=10"):
        tc.backtest(px, Strategy(TrendFilter(("A",), lookback=10), schedule="QE"))
    with pytest.warns(LookbackUnitWarning, match="skip=1 likewise"):
        tc.backtest(px, Strategy(RelativeMomentum(("A", "B"), lookback=6, skip=1)))


@pytest.mark.parametrize(
    "strategy",
    [
        Strategy(DualMomentum(("A", "B"), safe="S", lookback="12M", hurdle="S")),
        Strategy(DualMomentum(("A", "B"), safe="S", lookback="12D", hurdle="S")),
        Strategy(RelativeMomentum(("A", "B"), lookback=12), schedule="D"),
        Strategy(RelativeMomentum(("A", "B"), lookback=126, skip=5)),
        Strategy(TrendFilter(("A",), lookback=200), schedule="ME"),
    ],
)
def test_explicit_units_daily_schedules_and_long_bare_lookbacks_do_not_warn(strategy):
    px = random_prices(400, ("A", "B", "S"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tc.backtest(px, strategy)


def test_bare_lookbacks_on_monthly_data_do_not_warn():
    px = tc.load_sample(["US_STOCKS", "TSY_10Y"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tc.backtest(px, Strategy(TrendFilter(("US_STOCKS",), safe="TSY_10Y", lookback=10)))
