"""cash_returns and load_rates: hand-worked accrual, conventions and the real DTB3."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import cash_returns, load_prices, load_rates, read_rates_file
from tactical.errors import DataError, DataGapError, NoDataError, UnitWarning

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


# -- the first date of the index gets its return (no NaN on a returns index) -------------

DAYS = pd.bdate_range("2024-01-02", "2024-04-30")
RISING = pd.Series(np.linspace(5.0, 4.0, len(DAYS)), index=DAYS, name="Q")


def test_cash_on_a_returns_index_has_a_value_on_its_first_date():
    on_prices = cash_returns(RISING, DAYS)
    on_returns = cash_returns(RISING, DAYS[1:])
    assert np.isnan(on_prices.iloc[0])  # the quotes start on the first price date
    assert not on_returns.isna().any()
    pd.testing.assert_series_equal(on_returns, on_prices.iloc[1:])  # bit for bit


def test_first_date_after_a_weekend_accrues_from_the_previous_weekday():
    q = quotes([3.6, 7.2], ["2024-01-05", "2024-01-08"])  # Fri, Mon
    r = cash_returns(q, pd.DatetimeIndex(["2024-01-08", "2024-01-09"]), basis="money_market")
    assert r.iloc[0] == pytest.approx(0.036 * 3 / 360, abs=1e-15)  # Friday's rate, 3 days
    assert r.iloc[1] == pytest.approx(0.072 / 360, abs=1e-15)


def test_first_month_end_accrues_from_the_previous_month_end():
    months = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30"])
    full = cash_returns(RISING, months)
    later = cash_returns(RISING, months[1:])
    pd.testing.assert_series_equal(later, full.iloc[1:])
    chained = np.prod(1 + cash_returns(RISING, DAYS).loc["2024-02-01":"2024-02-29"]) - 1
    assert later.iloc[0] == pytest.approx(chained, rel=1e-12)


def test_first_date_of_mid_month_and_weekly_dates_steps_back_one_period():
    mid = pd.DatetimeIndex(["2024-02-15", "2024-03-15", "2024-04-15"])
    expected = cash_returns(RISING, pd.DatetimeIndex(["2024-01-15"]).append(mid)).iloc[1:]
    pd.testing.assert_series_equal(cash_returns(RISING, mid), expected, check_freq=False)
    fridays = pd.date_range("2024-02-02", periods=5, freq="W-FRI")
    expected = cash_returns(RISING, pd.DatetimeIndex(["2024-01-26"]).append(fridays)).iloc[1:]
    pd.testing.assert_series_equal(cash_returns(RISING, fridays), expected, check_freq=False)


def test_a_single_date_still_has_no_return():
    assert np.isnan(cash_returns(RISING, DAYS[5:6]).iloc[0])


def test_sharpe_with_cash_on_the_returns_index_works():
    from tactical.metrics import sharpe_ratio

    returns = pd.Series(np.random.default_rng(1).normal(4e-4, 0.01, len(DAYS) - 1), DAYS[1:])
    on_returns = sharpe_ratio(returns, cash_returns(RISING, returns.index))
    on_prices = sharpe_ratio(returns, cash_returns(RISING, DAYS))
    assert on_returns == pytest.approx(on_prices, rel=1e-12)


# -- units and ranges ------------------------------------------------------------------


def test_decimal_quotes_warn_and_unit_decimal_reads_them():
    percent = quotes([5.0, 5.0, 5.0], ["2024-01-02", "2024-01-03", "2024-01-04"])
    decimal = percent / 100.0
    with pytest.warns(UnitWarning, match=r"all below 0.25.*largest 0.05.*unit='decimal'"):
        silent_wrong = cash_returns(decimal, decimal.index)
    as_percent = cash_returns(decimal, decimal.index, unit="percent")  # stated: no warning
    pd.testing.assert_series_equal(silent_wrong, as_percent)  # warned, not changed
    assert silent_wrong.iloc[1] < 0.0006 / 360  # what the warning is about: 0.05 % a year
    read = cash_returns(decimal, decimal.index, unit="decimal")
    pd.testing.assert_series_equal(read, cash_returns(percent, percent.index), rtol=1e-14)


def test_near_zero_percent_quotes_are_accepted_when_stated():
    zirp = quotes([0.05, 0.04, 0.06], ["2024-01-02", "2024-01-03", "2024-01-04"])
    with pytest.warns(UnitWarning):
        cash_returns(zirp, zirp.index)
    r = cash_returns(zirp, zirp.index, unit="percent", basis="money_market")
    assert r.iloc[1] == pytest.approx(0.0005 / 360, rel=1e-12)
    zero = quotes([0.0, 0.0], ["2024-01-02", "2024-01-03"])
    assert cash_returns(zero, zero.index).iloc[1] == 0.0  # zero in any unit: no warning


@pytest.mark.parametrize(
    ("values", "kwargs", "pattern"),
    [
        ([527.0, 527.0], {}, r"reach 527 \(percent: 527 % a year\) on 2024-01-02.*basis points"),
        ([-12.0, 1.0], {}, r"reach -12 .*outside -5 %..50 %"),
        ([5.27, 5.27], {"unit": "decimal"}, r"reach 5.27 \(decimal: 527 % a year\)"),
        ([np.inf, 1.0], {}, r"infinite on 2024-01-02"),
        ([1.0, 1.0], {"unit": "pct"}, r"unit='pct'; use 'percent'"),
        ([1.0, 1.0], {"maturity_days": "91"}, r"maturity_days='91'; use a whole number"),
        ([1.0, 1.0], {"maturity_days": 0}, r"maturity_days=0"),
        ([1.0, 1.0], {"max_gap_days": -1}, r"max_gap_days=-1"),
        ([1.0, 1.0], {"basis": None}, r"basis=None"),
    ],
)
def test_out_of_range_quotes_and_bad_options_are_data_errors(values, kwargs, pattern):
    q = quotes(values, ["2024-01-02", "2024-01-03"])
    with pytest.raises(DataError, match=pattern):
        cash_returns(q, q.index, **kwargs)


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        (None, r"quotes must be a pandas Series of T-bill rates.*got NoneType"),
        (pd.Series([5.0], index=["2024-01-02"]), r"quotes must have a DatetimeIndex, got Index"),
        (
            pd.Series(["5"], index=pd.to_datetime(["2024-01-02"])),
            r"are not numbers \((object|str)\)",
        ),
        (pd.Series([True], index=pd.to_datetime(["2024-01-02"])), r"are not numbers \(bool\)"),
    ],
)
def test_quotes_of_the_wrong_kind_are_named(bad, pattern):
    with pytest.raises(DataError, match=pattern):
        cash_returns(bad, pd.DatetimeIndex(["2024-01-02"]))


@pytest.mark.parametrize("name", [None, 5, "", ["DTB3"]])
def test_load_rates_needs_a_name(name):
    with pytest.raises(DataError, match=r"name must be 'DTB3', 'IRX' or 'sample'"):
        load_rates(name)


@pytest.mark.parametrize("bad", [None, 5])
def test_rate_paths_of_the_wrong_type_are_data_errors(bad):
    with pytest.raises(DataError, match=r"path must be a file or folder path"):
        read_rates_file(bad)
    with pytest.raises(DataError, match=r"path must be a file or folder path"):
        load_rates("DTB3", path=bad if bad is not None else 5)


def test_a_corrupt_gzip_rate_file_is_a_data_error(tmp_path):
    path = tmp_path / "DTB3.csv.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(DataError, match=r"DTB3\.csv\.gz is not a readable gzip file"):
        read_rates_file(path)


@needs_shared
def test_real_dtb3_gives_no_unit_warning_but_a_zero_rate_slice_does():
    dtb3 = load_rates("DTB3", path=SHARED / "rates")
    cash_returns(dtb3, pd.bdate_range("2011-01-03", "2014-12-31"))  # full series: max 6.2 %
    zirp = dtb3.loc["2011-01-01":"2014-12-31"]
    assert 0 < zirp.abs().max() < 0.25
    with pytest.warns(UnitWarning):
        cash_returns(zirp, zirp.dropna().index)
    cash_returns(zirp, zirp.dropna().index, unit="percent")
