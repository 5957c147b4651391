"""cash_returns and load_rates: hand-worked accrual, conventions and the real DTB3."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import cash_returns, load_prices, load_rates, read_rates_file
from tactical.errors import DataError, DataGapError, NoDataError

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "rates").is_dir(), reason="shared real-data folder ../shared/data is absent"
)


def quotes(values, dates) -> pd.Series:
    return pd.Series(values, index=pd.to_datetime(dates), name="Q", dtype=float)


def test_money_market_accrues_simple_act_360_over_calendar_days():
    q = quotes([3.6, 7.2, 7.2], ["2024-01-05", "2024-01-08", "2024-01-09"])  # Fri, Mon, Tue
    r = cash_returns(q, q.index, basis="money_market")
    assert np.isnan(r.iloc[0])
    assert r.iloc[1] == pytest.approx(0.036 * 3 / 360, abs=1e-15)  # Friday's rate over 3 days
    assert r.iloc[2] == pytest.approx(0.072 * 1 / 360, abs=1e-15)
    assert r.name == "CASH" and r.index.name == "date"


def test_discount_quote_is_converted_to_a_money_market_yield():
    q = quotes([3.6, 3.6], ["2024-01-08", "2024-01-09"])
    r = cash_returns(q, q.index)  # basis="discount", 91-day bill
    y = 0.036 / (1 - 0.036 * 91 / 360)
    assert r.iloc[1] == pytest.approx(y / 360, rel=1e-12)


def test_bond_equivalent_uses_act_365():
    q = quotes([3.65, 3.65], ["2024-01-08", "2024-01-09"])
    assert cash_returns(q, q.index, basis="bond_equivalent").iloc[1] == pytest.approx(0.0001)


def test_monthly_return_is_the_product_of_daily_returns():
    days = pd.bdate_range("2024-01-31", "2024-04-30")
    q = pd.Series(np.linspace(5.0, 4.0, len(days)), index=days)
    daily = cash_returns(q, days)
    months = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30"])
    monthly = cash_returns(q, months)
    for prev, cur in zip(months[:-1], months[1:], strict=True):
        chained = np.prod(1 + daily[(daily.index > prev) & (daily.index <= cur)]) - 1
        assert monthly[cur] == pytest.approx(chained, rel=1e-12)


def test_holiday_blanks_carry_the_previous_quote():
    with_blank = quotes([4.0, np.nan, 5.0], ["2024-01-02", "2024-01-03", "2024-01-04"])
    without = with_blank.dropna()
    index = pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    pd.testing.assert_series_equal(cash_returns(with_blank, index), cash_returns(without, index))
    r = cash_returns(with_blank, index, basis="money_market")
    assert r.iloc[2] == pytest.approx(0.04 / 360)  # the blank day accrues at 4.0


def test_rate_of_a_period_is_known_at_its_start():
    q = quotes([2.0, 2.0, 2.0], ["2024-01-02", "2024-01-03", "2024-01-04"])
    shocked = q.copy()
    shocked.iloc[-1] = 50.0
    pd.testing.assert_series_equal(cash_returns(q, q.index), cash_returns(shocked, q.index))


def test_missing_quotes_for_too_long_is_an_error():
    q = quotes([2.0, 2.0], ["2024-01-02", "2024-02-01"])
    with pytest.raises(DataGapError, match=r"no value for 30 days, from 2024-01-02 to 2024-02-01"):
        cash_returns(q, q.index)


def test_index_before_the_first_quote_is_an_error():
    q = quotes([2.0], ["2024-01-03"])
    with pytest.raises(DataError, match=r"start on 2024-01-03, after the first date 2024-01-02"):
        cash_returns(q, pd.DatetimeIndex(["2024-01-02", "2024-01-03"]))


def test_unknown_basis_is_an_error():
    q = quotes([2.0], ["2024-01-03"])
    with pytest.raises(DataError, match="basis='apr'"):
        cash_returns(q, q.index, basis="apr")  # type: ignore[arg-type]


def test_read_rates_file_keeps_blanks_and_rejects_bad_cells(tmp_path):
    good = tmp_path / "R.csv"
    good.write_text("date,value\n2024-01-02,5.1\n2024-01-03,\n2024-01-04,5.2\n")
    s = read_rates_file(good)
    assert s.isna().sum() == 1 and s.iloc[-1] == 5.2
    bad = tmp_path / "B.csv"
    bad.write_text("date,value\n2024-01-02,5.1\n2024-01-03,x\n")
    with pytest.raises(DataError, match=r"B\.csv: non-numeric rate\(s\) \['x'\] on 2024-01-03"):
        read_rates_file(bad)


def test_dtb3_without_a_path_is_a_clear_error():
    with pytest.raises(NoDataError, match=r"pass path="):
        load_rates("DTB3")


@needs_shared
def test_dtb3_accrued_daily_2000_2024_is_about_1_84_percent_a_year():
    dtb3 = load_rates("DTB3", path=SHARED / "rates")
    assert dtb3.attrs["basis"] == "discount" and dtb3.isna().sum() == 283
    spy = load_prices("SPY", "2000-01-03", "2024-12-31", source=SHARED / "prices")
    years = (spy.index[-1] - spy.index[0]).days / 365.25
    for basis, expected in (("money_market", 0.01843), ("discount", 0.01861)):
        r = cash_returns(dtb3, spy.index, basis=basis)
        assert r.index.equals(spy.index)
        cagr = np.prod(1 + r.iloc[1:]) ** (1 / years) - 1
        assert cagr == pytest.approx(expected, abs=0.0001), basis


@needs_shared
def test_irx_file_found_by_its_yahoo_name():
    irx = load_rates("^IRX", "2000-01-01", "2000-01-31", path=SHARED / "rates")
    assert irx.index[0] == pd.Timestamp("2000-01-03") and irx.name == "^IRX"
    assert 4.0 < irx.mean() < 6.0
