"""Input handling: risk-free series onto return periods, benchmark dates, frequency inference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tactical import metrics as m
from tactical.data.rates import cash_returns
from tactical.errors import FrequencyError, MetricError
from tactical.metrics.rolling import rolling_sharpe

PRICE_DATES = pd.bdate_range("2015-01-01", "2019-12-31")


@pytest.fixture
def daily() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    market = rng.normal(3e-4, 0.01, len(PRICE_DATES) - 1)
    return pd.DataFrame(
        {"A": 0.6 * market + rng.normal(1e-4, 0.004, len(market)), "M": market},
        index=PRICE_DATES[1:],
    )


@pytest.fixture
def cash_daily() -> pd.Series:
    # rising quotes, so picking one day's return per month is visibly wrong
    quotes = pd.Series(np.linspace(1.0, 5.0, len(PRICE_DATES)), index=PRICE_DATES)
    return cash_returns(quotes, PRICE_DATES)  # NaN on the first date by design


# --------------------------------------------------------------------------- risk-free series
def test_daily_risk_free_is_compounded_onto_monthly_returns(daily, cash_daily):
    monthly = m.period_returns(daily, "monthly")
    rf_monthly = m.period_returns(cash_daily.iloc[1:], "monthly")
    assert rf_monthly.index.equals(monthly.index)
    a, mkt = monthly["A"], monthly["M"]
    assert m.sharpe_ratio(a, cash_daily) == pytest.approx(m.sharpe_ratio(a, rf_monthly), rel=1e-12)
    assert m.sortino_ratio(a, cash_daily) == pytest.approx(
        m.sortino_ratio(a, rf_monthly), rel=1e-12
    )
    assert m.alpha(a, mkt, cash_daily) == pytest.approx(m.alpha(a, mkt, rf_monthly), rel=1e-12)
    pd.testing.assert_series_equal(
        rolling_sharpe(a, 12, cash_daily), rolling_sharpe(a, 12, rf_monthly)
    )


def test_risk_free_on_the_return_dates_is_used_as_is(daily, cash_daily):
    rf = cash_daily.loc[daily.index]  # the advice in the error message works
    excess = daily["A"] - rf
    expected = excess.mean() / excess.std() * np.sqrt(252)
    assert m.sharpe_ratio(daily["A"], rf) == pytest.approx(expected, rel=1e-12)


def test_risk_free_with_no_value_for_the_first_return_points_to_working_advice(daily):
    quotes = pd.Series(3.0, index=PRICE_DATES)
    rf = cash_returns(quotes, daily.index).iloc[1:]  # no value for the first return date
    with pytest.raises(MetricError, match="no value in 1 of") as err:
        m.sharpe_ratio(daily["A"], rf)
    message = str(err.value)
    assert "cash_returns(quotes, returns.index)" not in message
    assert "cash_returns(quotes, prices.index)" in message
    # following it works
    m.sharpe_ratio(daily["A"], cash_returns(quotes, PRICE_DATES))


def test_risk_free_with_a_nan_inside_a_period_raises(daily, cash_daily):
    rf = cash_daily.copy()
    rf.iloc[40] = np.nan
    with pytest.raises(MetricError, match="NaN on 1 date"):
        m.sharpe_ratio(m.period_returns(daily["A"], "monthly"), rf)


# --------------------------------------------------------------------------- benchmark dates
def test_benchmark_on_other_month_end_labels_raises_instead_of_thinning():
    rng = np.random.default_rng(0)
    r = pd.Series(
        rng.normal(0.01, 0.04, 60), index=pd.date_range("2015-01-31", periods=60, freq="ME")
    )
    b = pd.Series(
        rng.normal(0.01, 0.04, 60), index=pd.date_range("2015-01-31", periods=60, freq="BME")
    )
    for call in (
        lambda: m.beta(r, b),
        lambda: m.correlation(r, b),
        lambda: m.up_capture(r, b, 12),
        lambda: m.tracking_error(r, b, 12),
    ):
        with pytest.raises(MetricError, match=r"dates differ .* return date\(s\) without"):
            call()
    # relabelled onto the same dates it runs
    assert np.isfinite(m.beta(r, pd.Series(b.to_numpy(), index=r.index)))


def test_benchmark_with_a_longer_history_is_trimmed_at_the_ends():
    rng = np.random.default_rng(1)
    idx = pd.date_range("2010-01-31", periods=120, freq="ME")
    b = pd.Series(rng.normal(0.01, 0.04, 120), index=idx)
    r = 0.5 * b.iloc[24:96] + 0.001
    assert m.beta(r, b) == pytest.approx(0.5)


# --------------------------------------------------------------------------- frequency
def test_calendar_day_index_is_not_silently_trading_days():
    idx = pd.date_range("2024-01-01", periods=60, freq="D")
    with pytest.raises(FrequencyError, match="weekend date.*periods_per_year=365"):
        m.infer_periods_per_year(idx)
    r = pd.Series(np.random.default_rng(2).normal(0, 0.02, 60), index=idx)
    with pytest.raises(FrequencyError, match="weekend"):
        m.sharpe_ratio(r)
    assert m.sharpe_ratio(r, periods_per_year=365) == pytest.approx(
        r.mean() / r.std() * np.sqrt(365)
    )


def test_partial_last_and_first_months_are_still_monthly():
    """period_returns of daily returns that start and end mid-month: a Sharpe ratio works."""
    idx = pd.bdate_range("2020-01-15", "2021-06-11")
    r = pd.Series(np.random.default_rng(5).normal(4e-4, 0.01, len(idx)), index=idx)
    monthly = m.period_returns(r, "monthly")
    assert monthly.index[-1] == pd.Timestamp("2021-06-11")  # a partial month
    assert m.infer_periods_per_year(monthly.index) == 12
    assert m.sharpe_ratio(monthly) == pytest.approx(
        m.sharpe_ratio(monthly, periods_per_year=12), rel=1e-15
    )
    # a gap too long is still irregular, at the ends too
    stretched = monthly.index[:-1].append(pd.DatetimeIndex(["2021-08-31"]))
    with pytest.raises(FrequencyError, match="irregular monthly index"):
        m.infer_periods_per_year(stretched)
