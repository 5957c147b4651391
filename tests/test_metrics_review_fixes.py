"""Regressions from the metrics/summary review: each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tactical import metrics as m
from tactical.data.rates import cash_returns
from tactical.errors import FrequencyError, MetricError
from tactical.metrics.rolling import rolling_sharpe
from tactical.report import summary

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


# --------------------------------------------------------------------------- summary
def test_summary_rejects_a_benchmark_of_prices(daily):
    prices = 100 * (1 + daily["M"]).cumprod()
    with pytest.raises(MetricError, match="benchmark returns look like prices"):
        summary(daily[["A"]], benchmark=prices)


@pytest.mark.parametrize("bad", [-3.0, np.inf])
def test_summary_rejects_a_benchmark_of_impossible_returns(daily, bad):
    bench = daily["M"].copy()
    bench.iloc[5] = bad
    with pytest.raises(MetricError, match="benchmark returns"):
        summary(daily[["A"]], benchmark=bench)


def test_common_alignment_with_a_window_states_and_uses_the_cut_window(daily):
    frame = daily.copy()
    frame.loc[:"2016-12-31", "M"] = np.nan  # M starts two years later
    table = summary(frame, window=(PRICE_DATES[0], PRICE_DATES[-1]), align="common")
    cut = frame.loc["2017-01-02":]
    start = pd.Timestamp("2016-12-30")  # the close before the new first return
    assert table.attrs["window"] == (start, PRICE_DATES[-1])
    assert table.attrs["years"] == pytest.approx((PRICE_DATES[-1] - start).days / 365.25)
    expected = m.cagr(cut, start=start)
    assert table["cagr"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)
    calmar = expected / m.max_drawdown(cut).abs()
    assert table["calmar"].to_numpy() == pytest.approx(calmar.to_numpy(), rel=1e-12)


def test_common_alignment_cut_at_the_end_states_the_new_end(daily):
    frame = daily.copy()
    frame.loc["2019-07-01":, "A"] = np.nan
    table = summary(frame, window=(PRICE_DATES[0], PRICE_DATES[-1]), align="common")
    assert table.attrs["window"] == (PRICE_DATES[0], pd.Timestamp("2019-06-28"))


def test_drawdown_days_from_the_first_return_without_a_window_monthly():
    idx = pd.date_range("2020-01-31", periods=5, freq="ME")
    r = pd.DataFrame({"a": [-0.1, 0.05, 0.06, 0.01, -0.02]}, index=idx)
    with_window = summary(r, window=("2019-12-31", idx[-1]), conventions="month_end")
    without = summary(r, conventions="month_end")
    expected = (idx[2] - pd.Timestamp("2019-12-31")).days
    assert with_window.loc["a", "max_drawdown_days"] == expected
    assert without.loc["a", "max_drawdown_days"] == expected


def test_drawdown_days_unknown_start_on_trading_days_is_nan_with_a_note():
    idx = pd.bdate_range("2020-01-02", periods=30)
    r = pd.DataFrame({"a": np.r_[-0.05, np.full(29, 0.004)]}, index=idx)
    table = summary(r, conventions="daily")
    assert np.isnan(table.loc["a", "max_drawdown_days"])
    assert any("Max DD days n/a" in note for note in table.attrs["notes"])
    known = summary(r, conventions="daily", window=("2019-12-31", idx[-1]))
    assert np.isfinite(known.loc["a", "max_drawdown_days"])


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
