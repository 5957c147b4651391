"""Our metrics against empyrical-reloaded, quantstats and scipy on real daily data.

Where the conventions match we agree to 1e-10 (relative); where we differ on
purpose the test pins the exact relation, so a change on either side shows.
quantstats and empyrical are test-only dependencies, imported under
``warnings.catch_warnings()`` in case they warn on import under pandas 3.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tactical import metrics as m
from tactical.metrics.rolling import rolling_beta, rolling_sharpe

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    empyrical = pytest.importorskip("empyrical")
    qs_stats = pytest.importorskip("quantstats.stats")

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TIGHT = {"rel": 1e-10, "abs": 1e-13}
RF = 0.02  # annual
RF_DAILY = (1 + RF) ** (1 / 252) - 1


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    folder = DATA / "prices"
    if not folder.is_dir():
        pytest.skip(f"real data folder {folder} is absent")
    prices = pd.DataFrame(
        {
            t: pd.read_csv(folder / f"{t}.csv", index_col="date", parse_dates=True)["adj_close"]
            for t in ("SPY", "AGG", "EFA")
        }
    )
    prices = prices.loc["2004-01-01":"2024-12-31"].dropna()
    return prices.pct_change().iloc[1:]


def call(func, *args, **kwargs):
    """Call a peer function, ignoring its own deprecation noise under pandas 3."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


# --------------------------------------------------------------------------- empyrical
def test_matches_empyrical_single_series(daily):
    r = daily["EFA"]
    e = empyrical
    assert m.total_return(r) == pytest.approx(call(e.cum_returns_final, r), **TIGHT)
    assert m.cagr(r) == pytest.approx(call(e.cagr, r), **TIGHT)
    assert m.annual_volatility(r) == pytest.approx(call(e.annual_volatility, r), **TIGHT)
    assert m.sharpe_ratio(r, RF) == pytest.approx(call(e.sharpe_ratio, r, RF_DAILY), **TIGHT)
    assert m.sortino_ratio(r, RF) == pytest.approx(
        call(e.sortino_ratio, r, required_return=RF_DAILY), **TIGHT
    )
    assert m.downside_deviation(r, RF) == pytest.approx(
        call(e.downside_risk, r, required_return=RF_DAILY), **TIGHT
    )
    assert m.max_drawdown(r) == pytest.approx(call(e.max_drawdown, r), **TIGHT)
    assert m.calmar_ratio(r) == pytest.approx(call(e.calmar_ratio, r), **TIGHT)
    assert m.value_at_risk(r) == pytest.approx(call(e.value_at_risk, r, cutoff=0.05), **TIGHT)
    assert m.conditional_value_at_risk(r) == pytest.approx(
        call(e.conditional_value_at_risk, r, cutoff=0.05), **TIGHT
    )
    np.testing.assert_allclose(m.drawdown_series(r), call(e.stats.drawdown_series, r), rtol=1e-10)


def test_matches_empyrical_frame_column_wise(daily):
    ours = m.sharpe_ratio(daily, RF)
    theirs = call(empyrical.sharpe_ratio, daily, RF_DAILY)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(theirs), rtol=1e-10)
    np.testing.assert_allclose(
        m.max_drawdown(daily).to_numpy(),
        np.asarray(call(empyrical.max_drawdown, daily)),
        rtol=1e-10,
    )


def test_matches_empyrical_alpha_beta_capture(daily):
    r, b = daily["EFA"], daily["SPY"]
    e = empyrical
    assert m.beta(r, b, RF) == pytest.approx(call(e.beta, r, b, RF_DAILY), **TIGHT)
    assert m.alpha(r, b, RF, annualization="geometric") == pytest.approx(
        call(e.alpha, r, b, RF_DAILY), **TIGHT
    )
    assert m.up_capture(r, b) == pytest.approx(call(e.up_capture, r, b), **TIGHT)
    assert m.down_capture(r, b) == pytest.approx(call(e.down_capture, r, b), **TIGHT)


def test_information_ratio_is_empyrical_excess_sharpe_annualised(daily):
    """Differs on purpose: empyrical's excess_sharpe is per period, ours is annual."""
    r, b = daily["EFA"], daily["SPY"]
    theirs = call(empyrical.excess_sharpe, r, b)
    assert m.information_ratio(r, b) == pytest.approx(theirs * np.sqrt(252), **TIGHT)
    assert m.information_ratio(r, b) != pytest.approx(theirs, rel=0.5)


def test_rolling_match_empyrical(daily):
    r, b = daily["EFA"].iloc[:800], daily["SPY"].iloc[:800]
    ours = rolling_beta(r, b, 126).dropna().to_numpy()
    theirs = np.asarray(call(empyrical.roll_beta, r, b, window=126))
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)
    ours = rolling_sharpe(r, 126).dropna().to_numpy()
    theirs = np.asarray(call(empyrical.roll_sharpe_ratio, r, window=126))
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


# --------------------------------------------------------------------------- quantstats
def test_matches_quantstats(daily):
    r, b = daily["EFA"], daily["SPY"]
    q = qs_stats
    assert m.annual_volatility(r) == pytest.approx(call(q.volatility, r), **TIGHT)
    assert m.sharpe_ratio(r, RF) == pytest.approx(call(q.sharpe, r, rf=RF, periods=252), **TIGHT)
    assert m.sortino_ratio(r, RF) == pytest.approx(call(q.sortino, r, rf=RF, periods=252), **TIGHT)
    assert m.cagr(r) == pytest.approx(call(q.cagr, r, periods=252), **TIGHT)
    assert m.max_drawdown(r) == pytest.approx(call(q.max_drawdown, r), **TIGHT)
    assert m.skew(r) == pytest.approx(call(q.skew, r), **TIGHT)
    assert m.kurtosis(r) == pytest.approx(call(q.kurtosis, r), **TIGHT)
    assert m.conditional_value_at_risk(r) == pytest.approx(
        call(q.conditional_value_at_risk, r, confidence=0.95, method="historical"), **TIGHT
    )
    greeks = call(q.greeks, r, b, periods=252)
    assert m.beta(r, b) == pytest.approx(greeks["beta"], **TIGHT)
    assert m.alpha(r, b) == pytest.approx(greeks["alpha"], **TIGHT)


def test_treynor_differs_from_quantstats_on_purpose(daily):
    """quantstats divides the whole-period return by beta; we divide the annual mean excess."""
    r, b = daily["EFA"], daily["SPY"]
    beta = m.beta(r, b)
    theirs = call(qs_stats.treynor_ratio, r, b, periods=252, rf=RF)
    assert theirs == pytest.approx((m.total_return(r) - RF) / beta, **TIGHT)
    excess = r - RF_DAILY
    assert m.treynor_ratio(r, b, RF) == pytest.approx(excess.mean() * 252 / beta, **TIGHT)
    assert abs(theirs / m.treynor_ratio(r, b, RF)) > 3  # grows with the 21-year sample


def test_information_ratio_and_ulcer_differ_from_quantstats_on_purpose(daily):
    r, b = daily["EFA"], daily["SPY"]
    n = len(r)
    ir = call(qs_stats.information_ratio, r, b)
    assert m.information_ratio(r, b) == pytest.approx(ir * np.sqrt(252), **TIGHT)
    ulcer = call(qs_stats.ulcer_index, r)
    assert m.ulcer_index(r) == pytest.approx(ulcer * np.sqrt((n - 1) / n), **TIGHT)


# --------------------------------------------------------------------------- OLS
def test_alpha_beta_match_ordinary_least_squares(daily):
    monthly = m.period_returns(daily, "monthly")
    rf = m.per_period_rate(RF, 12)
    fit = stats.linregress(monthly["SPY"] - rf, monthly["EFA"] - rf)
    alpha, beta = m.alpha_beta(monthly["EFA"], monthly["SPY"], RF)
    assert beta == pytest.approx(fit.slope, **TIGHT)
    assert alpha == pytest.approx(fit.intercept * 12, rel=1e-9)
    assert m.correlation(monthly["EFA"], monthly["SPY"]) == pytest.approx(fit.rvalue, **TIGHT)
    assert m.correlation(monthly["EFA"], monthly["SPY"]) == pytest.approx(
        monthly["EFA"].corr(monthly["SPY"]), **TIGHT
    )


def test_headline_figures_of_the_data_readme(daily):
    """SPY 2004-2024 monthly vol and AGG daily max drawdown are in the documented range."""
    assert m.max_drawdown(daily["SPY"]) == pytest.approx(-0.5519, abs=5e-4)
    assert m.max_drawdown(daily["AGG"]) == pytest.approx(-0.184, abs=1e-3)
