"""Metrics: hand-worked values on tiny series, input shapes, bad input, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tactical import metrics as m
from tactical.errors import FrequencyError, MetricError, MetricWarning
from tactical.metrics.rolling import (
    rolling_beta,
    rolling_returns,
    rolling_sharpe,
    rolling_volatility,
)


def monthly(values, start="2020-01-31", name=None) -> pd.Series:
    idx = pd.date_range(start, periods=len(values), freq="ME")
    return pd.Series(values, index=idx, dtype=float, name=name)


# --------------------------------------------------------------------------- hand-worked
def test_total_return_compounds():
    assert m.total_return(monthly([0.10, -0.05, 0.02, -0.03])) == pytest.approx(
        1.1 * 0.95 * 1.02 * 0.97 - 1, abs=1e-15
    )


def test_cagr_counts_periods_or_calendar_days():
    r = pd.Series([0.1, 0.1], index=pd.to_datetime(["2001-12-31", "2002-12-31"]))
    assert m.cagr(r, periods_per_year=1) == pytest.approx(0.1, abs=1e-15)
    # 730 days from 2000-12-31 to 2002-12-31
    assert m.cagr(r, start="2000-12-31") == pytest.approx(1.21 ** (365.25 / 730) - 1, abs=1e-15)
    # 24 monthly returns of 1% are two years at 12.68%/yr
    assert m.cagr(monthly([0.01] * 24)) == pytest.approx(1.01**12 - 1, abs=1e-14)


def test_cagr_after_total_loss_is_minus_one():
    assert m.cagr(monthly([0.1, -1.0, 0.2])) == -1.0


def test_annual_volatility_is_sample_std_times_sqrt_periods():
    # std(ddof=1) of [0.01, -0.01] is sqrt(2) * 0.01
    r = np.array([0.01, -0.01])
    assert m.annual_volatility(r, periods_per_year=4) == pytest.approx(np.sqrt(2) * 0.01 * 2)


def test_sharpe_hand_worked_with_and_without_risk_free():
    r = monthly([0.03, 0.01, 0.02, 0.04])
    mean, sd = 0.025, np.std([0.03, 0.01, 0.02, 0.04], ddof=1)
    assert m.sharpe_ratio(r) == pytest.approx(mean / sd * np.sqrt(12), rel=1e-13)
    rf = 1.05 ** (1 / 12) - 1
    assert m.sharpe_ratio(r, risk_free=0.05) == pytest.approx((mean - rf) / sd * np.sqrt(12))


def test_downside_deviation_uses_all_periods():
    # below-target squares: 0 and 0.0004, mean over 2 periods
    r = np.array([0.02, -0.02])
    assert m.downside_deviation(r, periods_per_year=1) == pytest.approx(np.sqrt(0.0002))
    # a 1%-per-period target moves both periods
    dd = m.downside_deviation(r, target=np.array([0.01, 0.01]), periods_per_year=1)
    assert dd == pytest.approx(np.sqrt((0 + 0.03**2) / 2))


def test_sortino_hand_worked():
    assert m.sortino_ratio(np.array([0.04, -0.02]), periods_per_year=1) == pytest.approx(
        0.01 / np.sqrt(0.0002)
    )
    r = monthly([0.03, -0.01, 0.02, -0.02])
    target = 0.02  # annual
    t = 1.02 ** (1 / 12) - 1
    x = np.array([0.03, -0.01, 0.02, -0.02]) - t
    expected = x.mean() / np.sqrt(np.mean(np.minimum(x, 0) ** 2)) * np.sqrt(12)
    assert m.sortino_ratio(r, target=target) == pytest.approx(expected, rel=1e-13)


def test_alpha_beta_exact_line():
    # r = 0.01 + 2 b exactly
    r, b = monthly([0.03, 0.01, 0.05]), monthly([0.01, 0.0, 0.02])
    assert m.beta(r, b) == pytest.approx(2.0, rel=1e-13)
    assert m.alpha(r, b) == pytest.approx(0.12, rel=1e-13)
    assert m.alpha(r, b, annualization="geometric") == pytest.approx(1.01**12 - 1, rel=1e-13)
    # with a risk-free rate: r - rf = (0.01 + rf) + 2 (b - rf)
    rf = 1.03 ** (1 / 12) - 1
    assert m.alpha(r, b, risk_free=0.03) == pytest.approx((0.01 + rf) * 12, rel=1e-12)
    a, bb = m.alpha_beta(r, b, risk_free=0.03)
    assert (a, bb) == (pytest.approx((0.01 + rf) * 12, rel=1e-12), pytest.approx(2.0))


def test_treynor_is_annual_mean_excess_over_beta():
    r, b = monthly([0.03, 0.01, 0.05]), monthly([0.01, 0.0, 0.02])
    assert m.treynor_ratio(r, b) == pytest.approx(0.03 * 12 / 2.0, rel=1e-13)


def test_correlation_signs():
    b = monthly([0.01, -0.02, 0.03, 0.0])
    assert m.correlation(2 * b + 0.001, b) == pytest.approx(1.0)
    assert m.correlation(-b, b) == pytest.approx(-1.0)


def test_capture_hand_worked():
    r, b = np.array([0.02, -0.01]), np.array([0.02, -0.02])
    assert m.up_capture(r, b, periods_per_year=1) == pytest.approx(1.0)
    assert m.down_capture(r, b, periods_per_year=1) == pytest.approx(0.5)
    # two up months: annualised compounded ratio
    r, b = monthly([0.02, 0.01, -0.01]), monthly([0.01, 0.01, -0.03])
    up = (1.02 * 1.01) ** 6 - 1
    assert m.up_capture(r, b) == pytest.approx(up / (1.01**12 - 1))


def test_tracking_error_and_information_ratio():
    r, b = np.array([0.03, 0.01]), np.array([0.01, 0.01])
    assert m.tracking_error(r, b, periods_per_year=4) == pytest.approx(np.sqrt(2) * 0.01 * 2)
    assert m.information_ratio(r, b, periods_per_year=4) == pytest.approx(
        0.01 / (np.sqrt(2) * 0.01) * 2
    )


def test_drawdown_series_and_max_drawdown():
    r = np.array([-0.5, 0.5, 1.0])
    assert m.drawdown_series(r).tolist() == [-0.5, -0.25, 0.0]
    assert m.max_drawdown(np.array([0.1, -0.5, 0.2])) == -0.5
    assert m.max_drawdown(np.array([0.1, 0.2])) == 0.0


def test_drawdown_series_from_the_start_lines_up_with_an_equity_curve():
    """What a chart draws: equity / running peak - 1, the starting value included."""
    idx = pd.bdate_range("2020-01-02", periods=6)
    r = pd.DataFrame({"a": [-0.1, 0.05, 0.2, -0.3, 0.1, 0.0], "b": 0.01}, index=idx)
    start = pd.Timestamp("2020-01-01")
    equity = pd.concat([pd.DataFrame({"a": [1.0], "b": [1.0]}, index=[start]), (1 + r).cumprod()])
    expected = equity / equity.cummax() - 1
    out = m.drawdown_series(r, start=start)
    assert out.index[0] == start and out.index[1:].equals(idx)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    with pytest.raises(MetricError, match="before the first return"):
        m.drawdown_series(r, start=idx[0])


def test_max_drawdown_info_dates_and_length():
    info = m.max_drawdown_info(monthly([0.1, -0.5, 0.2, 1.0]))
    assert info.depth == -0.5
    assert info.peak == pd.Timestamp("2020-01-31")
    assert info.trough == pd.Timestamp("2020-02-29")
    assert info.recovery == pd.Timestamp("2020-04-30")
    assert (info.length, info.recovered) == (3, True)


def test_max_drawdown_info_from_start_and_unrecovered():
    info = m.max_drawdown_info(monthly([-0.2, 0.1, 0.2]), start="2019-12-31")
    assert (info.peak, info.trough) == (pd.Timestamp("2019-12-31"), pd.Timestamp("2020-01-31"))
    assert info.recovery == pd.Timestamp("2020-03-31")
    info = m.max_drawdown_info(monthly([0.1, -0.1]))
    assert info.recovery is pd.NaT and not info.recovered and info.length == 1
    info = m.max_drawdown_info(monthly([0.1, 0.1]))
    assert info.depth == 0 and info.peak is pd.NaT and info.length == 0


def test_max_drawdown_info_frame_matches_series():
    frame = pd.DataFrame({"a": monthly([0.1, -0.5, 0.2, 1.0]), "b": monthly([0.1, -0.1, 0.0, 0.0])})
    table = m.max_drawdown_info(frame)
    assert table.loc["a", "depth"] == -0.5 and table.loc["a", "length"] == 3
    b = m.max_drawdown_info(frame["b"])
    assert table.loc["b", "trough"] == b.trough and table.loc["b", "recovery"] is pd.NaT


def test_calmar_and_ulcer():
    assert m.calmar_ratio(np.array([0.5, -0.2]), periods_per_year=1) == pytest.approx(
        (np.sqrt(1.2) - 1) / 0.2
    )
    assert m.ulcer_index(np.array([-0.5, 1.0])) == pytest.approx(np.sqrt(0.25 / 2))


def test_best_and_worst_calendar_periods():
    idx = pd.to_datetime(["2020-01-30", "2020-01-31", "2020-02-03", "2021-03-01"])
    r = pd.Series([0.1, 0.1, -0.2, 0.05], index=idx)
    assert m.best_month(r) == pytest.approx(0.21)
    assert m.worst_month(r) == pytest.approx(-0.2)
    assert m.best_year(r) == pytest.approx(0.05)
    assert m.worst_year(r) == pytest.approx(1.21 * 0.8 - 1)  # -3.2 % in 2020


def test_period_returns_labels_last_date_in_period():
    idx = pd.to_datetime(["2020-01-30", "2020-01-31", "2020-02-03"])
    out = m.period_returns(pd.Series([0.1, 0.1, 0.5], index=idx), "monthly")
    assert list(out.index) == [pd.Timestamp("2020-01-31"), pd.Timestamp("2020-02-03")]
    assert out.tolist() == pytest.approx([0.21, 0.5])


def test_positive_periods_ignores_zero():
    assert m.positive_periods(np.array([0.01, 0.0, -0.01, 0.02])) == 0.5


def test_var_and_cvar():
    r = np.array([-0.04, -0.02, 0.0, 0.02, 0.04])
    assert m.value_at_risk(r, confidence=0.75) == pytest.approx(-0.02)
    assert m.conditional_value_at_risk(r, confidence=0.75) == pytest.approx(-0.03)
    assert m.value_at_risk(r, confidence=0.9) == pytest.approx(-0.032)  # interpolated


def test_skew_and_kurtosis_hand_worked():
    assert m.skew(np.array([0.0, 0.0, 0.03])) == pytest.approx(np.sqrt(3))
    assert m.kurtosis(np.array([0.0, 0.0, 0.0, 0.04])) == pytest.approx(4.0)


def test_per_period_rate_geometric():
    assert m.per_period_rate(0.05, 12) == pytest.approx(1.05 ** (1 / 12) - 1)


# --------------------------------------------------------------------------- rolling
def test_rolling_returns_hand_worked():
    out = rolling_returns(monthly([0.1, 0.1, -0.5]), 2)
    assert np.isnan(out.iloc[0]) and out.iloc[1:].tolist() == pytest.approx([0.21, -0.45])
    ann = rolling_returns(monthly([0.1, 0.1, -0.5]), 2, annualize=True)
    assert ann.iloc[1] == pytest.approx(1.21**6 - 1)
    assert rolling_returns(np.array([0.1, -1.0, 0.5, 0.2]), 2, periods_per_year=1).tolist()[1:] == [
        -1.0,
        -1.0,
        pytest.approx(0.8),
    ]


def test_rolling_metrics_equal_metric_on_each_window():
    rng = np.random.default_rng(1)
    r = monthly(rng.normal(0.005, 0.04, 40))
    b = monthly(rng.normal(0.005, 0.04, 40))
    w = 12
    sharpe = rolling_sharpe(r, w, risk_free=0.02)
    vol = rolling_volatility(r, w)
    beta = rolling_beta(r, b, w)
    for end in (w, 25, 40):
        window = slice(end - w, end)
        assert sharpe.iloc[end - 1] == pytest.approx(m.sharpe_ratio(r[window], risk_free=0.02))
        assert vol.iloc[end - 1] == pytest.approx(m.annual_volatility(r[window]))
        assert beta.iloc[end - 1] == pytest.approx(m.beta(r[window], b[window]))
    assert sharpe.iloc[: w - 1].isna().all()


def test_rolling_frame_is_column_wise():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(0, 0.01, (30, 3)), index=monthly([0] * 30).index)
    bench = frame[0]
    out = rolling_beta(frame, bench, 6)
    pd.testing.assert_series_equal(out[1], rolling_beta(frame[1], bench, 6), check_names=False)
    assert out[0].dropna().to_numpy() == pytest.approx(1.0)


def test_rolling_window_errors():
    with pytest.raises(MetricError, match="longer than the returns"):
        rolling_sharpe(monthly([0.01, 0.02]), 3)
    with pytest.raises(MetricError, match="window must be an integer"):
        rolling_returns(monthly([0.01, 0.02]), 0)


# --------------------------------------------------------------------------- shapes
SINGLE = [
    (m.total_return, {}),
    (m.cagr, {"periods_per_year": 12}),
    (m.annual_volatility, {"periods_per_year": 12}),
    (m.sharpe_ratio, {"periods_per_year": 12, "risk_free": 0.02}),
    (m.sortino_ratio, {"periods_per_year": 12, "target": 0.01}),
    (m.downside_deviation, {"periods_per_year": 12}),
    (m.max_drawdown, {}),
    (m.calmar_ratio, {"periods_per_year": 12}),
    (m.ulcer_index, {}),
    (m.positive_periods, {}),
    (m.value_at_risk, {}),
    (m.conditional_value_at_risk, {}),
    (m.skew, {}),
    (m.kurtosis, {}),
]
PAIRED = [
    (m.beta, {}),
    (m.alpha, {"periods_per_year": 12, "risk_free": 0.02}),
    (m.treynor_ratio, {"periods_per_year": 12}),
    (m.correlation, {}),
    (m.up_capture, {"periods_per_year": 12}),
    (m.down_capture, {"periods_per_year": 12}),
    (m.tracking_error, {"periods_per_year": 12}),
    (m.information_ratio, {"periods_per_year": 12}),
]


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    market = rng.normal(0.006, 0.04, 60)
    data = np.column_stack(
        [market, 0.6 * market + rng.normal(0.001, 0.01, 60), rng.normal(0, 0.02, 60)]
    )
    data[:, 2] += 0.5 * market
    return pd.DataFrame(data, index=monthly([0] * 60).index, columns=["mkt", "mix", "other"])


@pytest.mark.parametrize(("func", "kwargs"), SINGLE, ids=lambda f: getattr(f, "__name__", ""))
def test_series_frame_array_agree_and_inputs_untouched(func, kwargs, frame):
    before = frame.copy()
    by_frame = func(frame, **kwargs)
    by_array = func(frame.to_numpy(), **kwargs)
    assert isinstance(by_frame, pd.Series) and list(by_frame.index) == list(frame.columns)
    for i, col in enumerate(frame.columns):
        one = func(frame[col], **kwargs)
        assert isinstance(one, float)
        assert one == pytest.approx(by_frame[col], rel=1e-12, abs=1e-15)
        assert func(frame[col].to_numpy(), **kwargs) == pytest.approx(one, rel=1e-12, abs=1e-15)
        assert by_array[i] == pytest.approx(one, rel=1e-12, abs=1e-15)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(("func", "kwargs"), PAIRED, ids=lambda f: getattr(f, "__name__", ""))
def test_benchmark_metrics_agree_across_shapes(func, kwargs, frame):
    before = frame.copy()
    bench = frame["mkt"].copy()
    sub = frame[["mix", "other"]]
    by_frame = func(sub, bench, **kwargs)
    by_array = func(sub.to_numpy(), bench.to_numpy(), **kwargs)
    for i, col in enumerate(sub.columns):
        one = func(sub[col], bench, **kwargs)
        assert isinstance(one, float)
        assert by_frame[col] == pytest.approx(one, rel=1e-12)
        assert by_array[i] == pytest.approx(one, rel=1e-12)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_series_equal(bench, frame["mkt"])


def test_benchmark_aligns_on_common_dates(frame):
    r, b = frame["mix"], frame["mkt"]
    shifted = b.iloc[5:]
    assert m.beta(r, shifted) == pytest.approx(m.beta(r.iloc[5:], shifted))


# --------------------------------------------------------------------------- frequency
@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (pd.bdate_range("2020-01-01", periods=300), 252),
        (pd.date_range("2020-01-03", periods=20, freq="W-FRI"), 52),
        (pd.date_range("2020-01-31", periods=20, freq="ME"), 12),
        (pd.date_range("2020-01-31", periods=20, freq="BME"), 12),
        (pd.date_range("2020-03-31", periods=8, freq="QE"), 4),
        (pd.date_range("2000-12-31", periods=8, freq="YE"), 1),
    ],
)
def test_infer_periods_per_year(index, expected):
    assert m.infer_periods_per_year(index) == expected


def test_irregular_index_raises_instead_of_annualizing_with_one():
    idx = pd.bdate_range("2020-01-01", periods=10).append(pd.bdate_range("2020-03-16", periods=10))
    r = pd.Series(np.tile([0.01, -0.01], 10), index=idx)
    with pytest.raises(FrequencyError, match="irregular daily index.*2020-01-14 and 2020-03-16"):
        m.sharpe_ratio(r)
    idx = pd.to_datetime(["2020-01-01", "2020-01-16", "2020-02-01", "2020-02-16"])
    with pytest.raises(FrequencyError, match="matches no"):
        m.annual_volatility(pd.Series([0.01, -0.01, 0.02, 0.0], index=idx))


def test_missing_index_needs_periods_per_year():
    with pytest.raises(FrequencyError, match="pass periods_per_year"):
        m.sharpe_ratio(np.array([0.01, 0.02, -0.01]))
    with pytest.raises(FrequencyError, match="fewer than 3|from 2 dates"):
        m.annual_volatility(monthly([0.01, 0.02]))
    assert m.annual_volatility(monthly([0.01, 0.02]), periods_per_year=12) > 0


# --------------------------------------------------------------------------- bad input
def test_nan_inside_returns_is_named():
    r = pd.DataFrame(
        {"a": [0.01, 0.02, 0.03], "b": [0.01, np.nan, 0.0]}, index=monthly([0] * 3).index
    )
    with pytest.raises(MetricError, match=r"NaN .*column 'b' on 2020-02-29"):
        m.sharpe_ratio(r)
    with pytest.raises(MetricError, match="infinite"):
        m.total_return(np.array([0.01, np.inf]))


def test_too_few_overlapping_periods_with_benchmark():
    r = monthly([0.01, 0.02, 0.03])
    b = monthly([0.01, 0.02, 0.03], start="2020-03-31")
    with pytest.raises(MetricError, match="at least two periods in common"):
        m.beta(r, b)


def test_zero_variance_is_nan_with_reason():
    with pytest.warns(MetricWarning, match="zero variance"):
        assert np.isnan(m.sharpe_ratio(monthly([0.01] * 12)))
    with pytest.warns(MetricWarning, match="benchmark returns have zero variance"):
        assert np.isnan(m.beta(monthly([0.01, 0.02, 0.0]), monthly([0.01] * 3)))
    with pytest.warns(MetricWarning, match="no period is below the target"):
        assert np.isnan(m.sortino_ratio(monthly([0.01, 0.02, 0.03])))


def test_treynor_with_beta_near_zero_is_nan_not_huge():
    b = monthly([0.05, -0.05, 0.05, -0.05])
    r = monthly([0.011, 0.01, 0.0099, 0.0102])  # beta about 0.001
    with pytest.warns(MetricWarning, match="treynor_ratio is NaN: beta is below 0.1"):
        assert np.isnan(m.treynor_ratio(r, b))


@pytest.mark.parametrize("rate", [4.5, 2.0, 0.5])
def test_percent_risk_free_is_a_clear_error(rate):
    with pytest.raises(MetricError, match="divide by 100"):
        m.sharpe_ratio(monthly([0.01, 0.02, -0.01]), risk_free=rate)


def test_percent_quotes_as_risk_free_series_point_to_cash_returns():
    r = monthly([0.01, 0.02, -0.01])
    with pytest.raises(MetricError, match="cash_returns"):
        m.sharpe_ratio(r, risk_free=pd.Series(4.5, index=r.index))
    with pytest.raises(MetricError, match="no value in 1 of the 3 return periods"):
        m.sharpe_ratio(r, risk_free=pd.Series(0.001, index=r.index[:2]))


def test_risk_free_series_equals_constant_rate():
    r = monthly([0.01, 0.02, -0.01, 0.03])
    rf = pd.Series(m.per_period_rate(0.03, 12), index=r.index)
    assert m.sharpe_ratio(r, risk_free=rf) == pytest.approx(m.sharpe_ratio(r, risk_free=0.03))


def test_prices_instead_of_returns_detected():
    prices = monthly([100.0, 101.5, 99.8, 103.2])
    with pytest.raises(MetricError, match="look like prices.*pct_change"):
        m.sharpe_ratio(prices)
    with pytest.raises(MetricError, match="simple decimal returns >= -1"):
        m.total_return(np.array([0.01, -1.5]))


def test_too_short_for_dispersion():
    with pytest.raises(MetricError, match="at least 2 periods"):
        m.sharpe_ratio(np.array([0.01]), periods_per_year=12)
    with pytest.raises(MetricError, match="at least 4 periods"):
        m.kurtosis(np.array([0.01, 0.02, 0.0]))


# --------------------------------------------------------------------------- properties
returns_arrays = arrays(
    np.float64, st.integers(2, 60), elements=st.floats(-0.5, 0.5, allow_nan=False, width=64)
)


@settings(max_examples=60, deadline=None)
@given(returns_arrays)
def test_drawdowns_are_between_minus_one_and_zero(r):
    dd = m.drawdown_series(r)
    assert np.all(dd <= 0) and np.all(dd >= -1)
    assert m.max_drawdown(r) == pytest.approx(min(0.0, dd.min()))


@settings(max_examples=60, deadline=None)
@given(returns_arrays, returns_arrays)
def test_total_return_chains(a, b):
    joined = m.total_return(np.concatenate([a, b]))
    ta, tb = m.total_return(a), m.total_return(b)
    expected = (1 + ta) * (1 + tb) - 1
    # The oracle rebuilds each growth factor as 1 + total_return, which loses
    # relative precision when a total return is near -1 (tb = -0.99999999975
    # holds 1 + tb only to ~1e-16 absolute) and that error is then scaled by
    # the other factor (up to 1.5**60). Bound it instead of loosening rel:
    eps = np.finfo(np.float64).eps
    oracle_error = 4 * eps * (max(1.0, abs(ta)) * abs(1 + tb) + max(1.0, abs(tb)) * abs(1 + ta))
    assert abs(joined - expected) <= 1e-9 * abs(expected) + oracle_error + 1e-12


def test_total_return_chains_near_total_loss_matches_exact_product():
    # the hypothesis case that exposed the oracle's cancellation: the library
    # value is the exactly rounded product, the chained oracle is 1.1e-9 off
    from fractions import Fraction

    r = np.r_[np.full(42, 0.5), np.full(47, -0.375)]
    exact = Fraction(1)
    for v in r.tolist():
        exact *= 1 + Fraction(v)
    assert m.total_return(r) == pytest.approx(float(exact - 1), rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(5, 40), elements=st.floats(-0.1, 0.1, width=64)),
    st.floats(0.2, 3.0),
    st.floats(-0.01, 0.01),
)
def test_beta_of_a_linear_combination(b, scale, shift):
    if np.std(b) < 1e-6:
        return
    r = scale * b + shift
    assert m.beta(r, b) == pytest.approx(scale, rel=1e-7)
    assert m.alpha(r, b, periods_per_year=12) == pytest.approx(shift * 12, abs=1e-9)
