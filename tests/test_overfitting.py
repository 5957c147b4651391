"""Probabilistic and deflated Sharpe ratios against the paper's worked example and peers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from tactical import metrics
from tactical.errors import MetricError
from tactical.metrics.overfitting import (
    deflated_sharpe_ratio,
    deflated_sharpe_ratio_from_returns,
    expected_max_sharpe,
    per_period_sharpe,
    probabilistic_sharpe_ratio,
    probabilistic_sharpe_ratio_from_returns,
)

# Bailey & Lopez de Prado (2014), worked example, converted to per-period units (250 days/yr)
SR_ANNUAL, YEARS_DAYS, N_TRIALS, V_ANNUAL, SKEW, KURT = 2.5, 1250, 100, 0.5, -3.0, 10.0
SR = SR_ANNUAL / math.sqrt(250)
V = V_ANNUAL / 250


def test_expected_max_sharpe_matches_the_paper_worked_example():
    assert round(expected_max_sharpe(N_TRIALS, V), 4) == 0.1132
    assert expected_max_sharpe(N_TRIALS, V) == pytest.approx(0.11317, abs=5e-6)


def test_deflated_sharpe_matches_the_paper_worked_example():
    dsr = deflated_sharpe_ratio(SR, YEARS_DAYS, N_TRIALS, V, SKEW, KURT)
    assert round(dsr, 4) == 0.9004


def test_expected_max_multiplier_for_100_trials_by_hand():
    g = 0.5772156649015329
    mult = (1 - g) * norm.ppf(1 - 1 / 100) + g * norm.ppf(1 - 1 / (100 * math.e))
    assert round(mult, 4) == 2.5306
    assert expected_max_sharpe(100, 1.0) == pytest.approx(mult, rel=1e-14)
    assert expected_max_sharpe(100, 4.0, mean=0.1) == pytest.approx(0.1 + 2 * mult, rel=1e-14)


def test_psr_uses_observed_sharpe_in_denominator_not_the_benchmark():
    sr0 = expected_max_sharpe(N_TRIALS, V)
    ours = probabilistic_sharpe_ratio(SR, YEARS_DAYS, SKEW, KURT, benchmark=sr0)
    # the PerformanceAnalytics sandbox variant (SR* in the denominator) gives 0.9127 instead
    den = math.sqrt(1 - SKEW * sr0 + (KURT - 1) / 4 * sr0**2)
    variant = norm.cdf((SR - sr0) * math.sqrt(YEARS_DAYS - 1) / den)
    assert round(variant, 4) == 0.9127
    assert round(ours, 4) == 0.9004


def test_psr_reduces_to_lo_standard_error_for_normal_returns():
    sr, t = 0.08, 500
    expected = norm.cdf(sr / math.sqrt((1 + sr**2 / 2) / (t - 1)))
    assert probabilistic_sharpe_ratio(sr, t) == pytest.approx(expected, rel=1e-14)


def test_psr_of_the_benchmark_itself_is_one_half():
    assert probabilistic_sharpe_ratio(0.05, 300, -1.0, 6.0, benchmark=0.05) == 0.5


def test_single_trial_is_not_deflated():
    assert expected_max_sharpe(1, 0.3) == 0.0
    assert deflated_sharpe_ratio(0.1, 250, 1, 0.3) == probabilistic_sharpe_ratio(0.1, 250)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: expected_max_sharpe(0, 0.1), "n_trials"),
        (lambda: expected_max_sharpe(2.5, 0.1), "n_trials"),
        (lambda: expected_max_sharpe(10, -0.1), "sharpe_variance"),
        (lambda: probabilistic_sharpe_ratio(0.1, 1), "n_obs"),
        (lambda: probabilistic_sharpe_ratio(0.5, 100, skew=5.0, kurtosis=1.0), "non-excess"),
    ],
)
def test_bad_statistics_raise_named_errors(call, match):
    with pytest.raises(MetricError, match=match):
        call()


def _returns(seed: int = 3, n: int = 800) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=n)
    return pd.Series(rng.standard_t(5, n) * 0.01 + 0.0006, index=idx)


def test_returns_form_equals_statistic_form_by_hand():
    r = _returns()
    x = r.to_numpy()
    sr = x.mean() / x.std(ddof=1)
    expected = probabilistic_sharpe_ratio(sr, len(x), r.skew(), r.kurt() + 3.0)
    assert probabilistic_sharpe_ratio_from_returns(r) == pytest.approx(expected, rel=1e-13)
    assert per_period_sharpe(r) == pytest.approx(metrics.sharpe_ratio(r) / math.sqrt(252), 1e-13)


def test_returns_form_over_columns():
    frame = pd.DataFrame({"a": _returns(1), "b": _returns(2)})
    out = probabilistic_sharpe_ratio_from_returns(frame)
    assert list(out.index) == ["a", "b"]
    assert out["b"] == pytest.approx(probabilistic_sharpe_ratio_from_returns(frame["b"]), 1e-15)


def test_psr_risk_free_is_per_period_after_conversion():
    r = _returns()
    rf_daily = (1.02) ** (1 / 252) - 1
    shifted = probabilistic_sharpe_ratio_from_returns(r - rf_daily)
    assert probabilistic_sharpe_ratio_from_returns(r, risk_free=0.02) == pytest.approx(
        shifted, rel=1e-12
    )


def test_quantstats_fixed_psr_agrees_and_its_old_formula_is_pinned_wrong():
    qs = pytest.importorskip("quantstats")
    r = _returns()
    ours = probabilistic_sharpe_ratio_from_returns(r)
    # quantstats >= 0.0.86 fixed its formula: same number
    assert qs.stats.probabilistic_sharpe_ratio(r, rf=0.0) == pytest.approx(ours, rel=1e-12)
    # the 0.0.81 formula, read in its source: excess kurtosis minus 3 again, annual rf taken
    # from a per-period ratio, and the probability multiplied by sqrt(252) when annualised
    rf, n = 0.02, len(r)
    base = r.mean() / r.std()
    sigma = math.sqrt((1 - r.skew() * base + ((r.kurt() - 3) / 4) * base**2) / (n - 1))
    old = norm.cdf((base - rf) / sigma)
    old_annual = old * math.sqrt(252)
    ours_rf = probabilistic_sharpe_ratio_from_returns(r, risk_free=rf)
    assert old != pytest.approx(ours_rf, abs=1e-3)
    assert old_annual > 1.0  # a "probability" above 1
    assert round(ours_rf, 4) != round(old, 4)


def test_deflated_from_returns_uses_trials_count_and_sharpe_variance_ddof1():
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2015-01-01", periods=1000)
    trials = pd.DataFrame(rng.normal(0.0003, 0.01, (1000, 30)), index=idx)
    best = trials[trials.mean().idxmax()]
    srs = trials.mean() / trials.std()
    expected = deflated_sharpe_ratio(
        best.mean() / best.std(), 1000, 30, srs.var(ddof=1), best.skew(), best.kurt() + 3
    )
    assert deflated_sharpe_ratio_from_returns(best, trials) == pytest.approx(expected, rel=1e-12)


def test_deflated_from_returns_rejects_mismatched_trials():
    r = _returns()
    with pytest.raises(MetricError, match="at least 2 strategies"):
        deflated_sharpe_ratio_from_returns(r, r.to_frame())
    with pytest.raises(MetricError, match="same dates"):
        deflated_sharpe_ratio_from_returns(r, pd.DataFrame({"a": r[:-5], "b": r[:-5]}))


def test_reexported_from_tactical_metrics():
    assert metrics.deflated_sharpe_ratio is deflated_sharpe_ratio
    assert metrics.expected_max_sharpe is expected_max_sharpe
    assert metrics.probabilistic_sharpe_ratio is probabilistic_sharpe_ratio
