"""Stationary-bootstrap intervals: agree with arch, cover a known mean, reproducible, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError, MetricError
from tactical.metrics import sharpe_ratio
from tactical.metrics.bootstrap import bootstrap


def _daily(n: int = 750, seed: int = 0, mean: float = 4e-4) -> pd.Series:
    idx = pd.bdate_range("2010-01-01", periods=n)
    return pd.Series(np.random.default_rng(seed).normal(mean, 0.01, n), index=idx, name="s")


def test_matches_arch_apply_replicates_and_percentiles_for_the_same_seed():
    from arch.bootstrap import StationaryBootstrap

    r = _daily()
    ours = bootstrap(r, metrics=("sharpe_ratio",), n=300, seed=11, block_size=5.0)
    bs = StationaryBootstrap(5.0, r.to_numpy(), seed=np.random.default_rng(11))
    reps = bs.apply(lambda x: np.array([sharpe_ratio(x, periods_per_year=252)]), 300)
    lo, hi = np.percentile(reps[:, 0], [2.5, 97.5])
    assert ours.loc["sharpe_ratio", "lower"] == pytest.approx(lo, rel=1e-12)
    assert ours.loc["sharpe_ratio", "upper"] == pytest.approx(hi, rel=1e-12)
    assert ours.loc["sharpe_ratio", "estimate"] == pytest.approx(sharpe_ratio(r), rel=1e-14)


def test_intervals_cover_a_known_mean_at_about_the_nominal_rate():
    rng = np.random.default_rng(2024)
    mu, hits, trials = 5e-4, 0, 300
    for k in range(trials):
        # AR(1) noise so the blocks matter; the true mean is mu
        e = rng.normal(0.0, 0.01, 300)
        x = np.empty(300)
        x[0] = e[0]
        for i in range(1, 300):
            x[i] = 0.3 * x[i - 1] + e[i]
        ci = bootstrap(x + mu, metrics=("mean",), n=200, seed=k, periods_per_year=252)
        hits += ci.loc["mean", "lower"] <= mu <= ci.loc["mean", "upper"]
    coverage = hits / trials
    assert 0.88 <= coverage <= 0.99, coverage


def test_seeded_runs_are_reproducible_and_seeds_differ():
    r = _daily()
    a = bootstrap(r, n=100, seed=5)
    pd.testing.assert_frame_equal(a, bootstrap(r, n=100, seed=5))
    assert not a.equals(bootstrap(r, n=100, seed=6))


def test_several_strategies_get_a_strategy_metric_multiindex_and_joint_draws():
    r = _daily()
    frame = pd.DataFrame({"a": r, "b": r})
    out = bootstrap(frame, metrics=("cagr", "max_drawdown"), n=100, seed=3)
    assert out.index.names == ["strategy", "metric"]
    assert list(out.index) == [
        ("a", "cagr"),
        ("a", "max_drawdown"),
        ("b", "cagr"),
        ("b", "max_drawdown"),
    ]
    # identical columns drawn with the same blocks give identical intervals
    np.testing.assert_array_equal(out.loc["a"].to_numpy(), out.loc["b"].to_numpy())


def test_takes_a_backtest_result_by_its_returns():
    idx = pd.bdate_range("2020-01-01", periods=300)
    px = pd.DataFrame({"A": 100 * np.cumprod(1 + _daily(300).to_numpy())}, index=idx)
    res = tc.backtest(px, tc.buy_and_hold("A"), execution_lag=0)
    out = bootstrap(res, n=50, seed=0)
    direct = bootstrap(res.returns, n=50, seed=0)
    pd.testing.assert_frame_equal(out, direct)


def test_basic_interval_reflects_percentile_around_the_estimate():
    r = _daily()
    p = bootstrap(r, metrics=("mean",), n=200, seed=9, block_size=3)
    b = bootstrap(r, metrics=("mean",), n=200, seed=9, block_size=3, method="basic")
    est = p.loc["mean", "estimate"]
    assert b.loc["mean", "lower"] == pytest.approx(2 * est - p.loc["mean", "upper"], rel=1e-12)
    assert b.loc["mean", "upper"] == pytest.approx(2 * est - p.loc["mean", "lower"], rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metrics": ("sharp",)}, ConfigError, "unknown bootstrap metric"),
        ({"n": 5}, ConfigError, "n must be"),
        ({"level": 95}, ConfigError, "level"),
        ({"method": "bca"}, ConfigError, "method"),
        ({"block_size": 0.5}, ConfigError, "block_size"),
    ],
)
def test_bad_options_raise_named_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        bootstrap(_daily(), **kwargs)


def test_risk_free_rate_or_series_matches_the_sharpe_ratio_and_is_resampled_with_returns():
    r = _daily()
    annual = bootstrap(r, metrics=("sharpe_ratio", "cagr"), n=50, seed=2, risk_free=0.03)
    assert annual.loc["sharpe_ratio", "estimate"] == pytest.approx(sharpe_ratio(r, 0.03), rel=1e-12)
    rf = pd.Series(np.linspace(0.0, 2e-4, len(r)), index=r.index)
    series = bootstrap(r, metrics=("sharpe_ratio",), n=50, seed=2, risk_free=rf)
    assert series.loc["sharpe_ratio", "estimate"] == pytest.approx(sharpe_ratio(r, rf), 1e-12)
    # a constant series is the same as its rate
    flat = pd.Series((1.03) ** (1 / 252) - 1, index=r.index)
    same = bootstrap(r, metrics=("sharpe_ratio", "cagr"), n=50, seed=2, risk_free=flat)
    pd.testing.assert_frame_equal(same, annual, rtol=1e-12)
    with pytest.raises(MetricError, match="no value on some return dates"):
        bootstrap(r, n=20, risk_free=rf.iloc[5:])


def test_nan_returns_are_an_error_not_dropped():
    r = _daily()
    r.iloc[10] = np.nan
    with pytest.raises(MetricError, match="NaN"):
        bootstrap(r, n=20)


def test_exposed_on_tactical():
    assert tc.bootstrap is bootstrap


def test_a_constant_column_is_left_out_of_the_block_length_without_warnings():
    r = _daily()
    frame = pd.DataFrame({"s": r, "cash": 0.0})
    both = bootstrap(frame, metrics=("cagr", "max_drawdown"), n=50, seed=4)
    alone = bootstrap(r, metrics=("cagr",), n=50, seed=4)
    assert both.attrs["block_size"] == alone.attrs["block_size"]
    assert both.loc[("cash", "cagr"), "lower"] == both.loc[("cash", "cagr"), "upper"] == 0.0


def test_replicates_with_an_undefined_metric_are_counted():
    # a series that never loses: every Sortino ratio is undefined, the Sharpe ratio never is
    r = pd.Series(np.linspace(1e-4, 3e-4, 300), index=pd.bdate_range("2020-01-01", periods=300))
    with pytest.warns(tc.errors.MetricWarning, match="sortino_ratio is NaN"):
        ci = bootstrap(r, metrics=("sharpe_ratio", "sortino_ratio"), n=30, seed=1)
    assert ci.attrs["undefined"] == {"sharpe_ratio": 0, "sortino_ratio": 30}
    assert np.isnan(ci.loc["sortino_ratio", "lower"])
