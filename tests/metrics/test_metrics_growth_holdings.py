"""Stability of growth (against empyrical) and exposure of holdings (weights)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical import metrics as m
from tactical.errors import MetricError, MetricWarning
from tactical.strategies import FixedWeights, Strategy, TrendFilter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    empyrical = pytest.importorskip("empyrical")


def peer(func, *args, **kwargs):
    """Call a peer library function, silencing its own deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_stability_of_constant_growth_is_one_and_matches_empyrical(pair):
    r, _ = pair
    assert m.stability(np.full(10, 0.01)) == pytest.approx(1.0, abs=1e-15)
    assert m.stability(r) == pytest.approx(peer(empyrical.stability_of_timeseries, r), rel=1e-9)
    # R^2 of the least-squares line through log growth, by numpy's polyfit
    y = np.log1p(r.to_numpy()).cumsum()
    t = np.arange(len(y))
    fit = np.polyval(np.polyfit(t, y, 1), t)
    r2 = 1 - ((y - fit) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert m.stability(r) == pytest.approx(r2, rel=1e-9)


def test_stability_undefined_cases_warn():
    with pytest.warns(MetricWarning, match="log growth is constant"):
        assert np.isnan(m.stability(np.zeros(5)))
    with pytest.warns(MetricWarning, match="-100 %"):
        assert np.isnan(m.stability(np.array([0.1, -1.0, 0.0])))


def test_exposure_hand_worked_and_cash_funds():
    w = pd.DataFrame(
        {"SPY": [1.0, 0.0, 0.6, 0.0], "BIL": [0.0, 1.0, 0.0, 0.0], "CASH": [0.0, 0.0, 0.4, 1.0]}
    )
    assert m.exposure(w) == 0.75  # BIL counts as invested unless named as cash
    assert m.exposure(w, cash=("CASH", "BIL")) == 0.5
    assert m.exposure(w, cash="BIL") == 0.75  # now CASH on the last day counts as invested
    assert m.exposure(w, cash=()) == 1.0
    with pytest.raises(MetricError, match="DataFrame"):
        m.exposure(w["SPY"])
    with pytest.raises(MetricError, match=">= 0"):
        m.exposure(-w)
    with pytest.raises(MetricError, match="empty"):
        m.exposure(w.iloc[:0])


def test_exposure_of_a_trend_filter_backtest_counts_days_in_stocks():
    idx = pd.bdate_range("2020-01-01", periods=400, name="date")
    rng = np.random.default_rng(3)
    spy = 100 * np.cumprod(1 + rng.normal(0, 0.02, 400))
    prices = pd.DataFrame({"SPY": spy, "BIL": 50 * 1.0001 ** np.arange(400)}, index=idx)
    trend = Strategy(TrendFilter(risky=("SPY",), safe="BIL", lookback=50), schedule="ME")
    res = tc.backtest(prices, trend)
    in_stocks = (res.weights["SPY"] > 1e-9).mean()
    assert m.exposure(res.weights, cash=("CASH", "BIL")) == pytest.approx(in_stocks)
    mix = tc.backtest(prices, Strategy(FixedWeights({"SPY": 1.0}), schedule="ME"))
    # invested from the first trade's execution date on (whatever the engine's start rule)
    first_trade = mix.trades.index[0]
    assert m.exposure(mix.weights) == pytest.approx((mix.weights.index >= first_trade).mean())
