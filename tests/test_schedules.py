"""Decision dates on trading days."""

from __future__ import annotations

import pandas as pd
import pytest

from tactical.errors import ConfigError
from tactical.schedules import decision_dates, decision_positions

IDX = pd.bdate_range("2023-11-01", "2024-07-15")


def days(dates: pd.DatetimeIndex) -> list[str]:
    return [str(d.date()) for d in dates]


def test_month_ends_are_last_trading_days_and_the_partial_month_is_left_out():
    got = days(decision_dates(IDX, "ME"))
    assert got[:3] == ["2023-11-30", "2023-12-29", "2024-01-31"]
    assert got[-1] == "2024-06-28"  # July is not over on 2024-07-15
    assert "2024-03-29" in got  # Good Friday is a business day in a bdate_range


def test_quarter_half_year_year_and_week_ends():
    assert days(decision_dates(IDX, "QE")) == ["2023-12-29", "2024-03-29", "2024-06-28"]
    assert days(decision_dates(IDX, "SE")) == ["2023-12-29", "2024-06-28"]
    assert days(decision_dates(IDX, "YE")) == ["2023-12-29"]
    weeks = decision_dates(IDX, "W")
    assert (weeks.day_of_week == 4).all() and len(weeks) == 37  # Fridays 2023-11-03 .. 2024-07-12


def test_old_aliases_and_every_bar():
    assert decision_dates(IDX, "M").equals(decision_dates(IDX, "ME"))
    assert decision_dates(IDX, "A").equals(decision_dates(IDX, "YE"))
    assert len(decision_positions(IDX, "D")) == len(IDX)


def test_the_last_bar_counts_when_the_next_business_day_is_a_new_period():
    idx = pd.bdate_range("2024-05-01", "2024-05-31")
    assert days(decision_dates(idx, "ME")) == ["2024-05-31"]
    friday = pd.bdate_range("2024-05-01", "2024-05-24")  # next business day is in May
    assert days(decision_dates(friday, "ME")) == []


def test_offsets_count_trading_days_and_drop_what_falls_outside():
    assert days(decision_dates(IDX, "ME", offset=-1))[:2] == ["2023-11-29", "2023-12-28"]
    assert days(decision_dates(IDX, "ME", offset=1))[:2] == ["2023-12-01", "2024-01-01"]
    late = decision_positions(IDX, "ME", offset=20)
    assert late.max() < len(IDX)


def test_explicit_dates_map_to_the_last_trading_day_on_or_before():
    got = decision_dates(IDX, ["2024-03-31", "2024-01-15", "2023-01-01"])
    assert days(got) == ["2024-01-15", "2024-03-29"]


@pytest.mark.parametrize("bad", ["fortnight", "2W", [], 1.5])
def test_bad_schedules_are_config_errors(bad):
    with pytest.raises(ConfigError):
        decision_positions(IDX, bad)
