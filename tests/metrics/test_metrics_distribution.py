"""Omega ratio, tail ratio and streaks: hand-worked cases and the peers' own functions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tactical import metrics as m
from tactical.errors import MetricError, MetricWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    empyrical = pytest.importorskip("empyrical")
    qs = pytest.importorskip("quantstats.stats")


def peer(func, *args, **kwargs):
    """Call a peer library function, silencing its own deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_omega_hand_worked():
    r = np.array([0.02, -0.01, 0.01, -0.02])
    assert m.omega_ratio(r) == pytest.approx(1.0, rel=1e-15)
    # threshold 1 % per period (annual 1.01**4 - 1 on quarterly returns): excess
    # 0.01, -0.02, 0, -0.03: gains 0.01 over losses 0.05
    assert m.omega_ratio(r, 1.01**4 - 1, periods_per_year=4) == pytest.approx(0.2, rel=1e-12)


def test_omega_matches_empyrical_and_quantstats(pair):
    r, _ = pair
    ours = m.omega_ratio(r, 0.05)
    assert ours == pytest.approx(peer(empyrical.omega_ratio, r, required_return=0.05), rel=1e-12)
    assert ours == pytest.approx(peer(qs.omega, r, required_return=0.05), rel=1e-12)
    frame = pd.concat([r, r * 0.5], axis=1, keys=["a", "b"])
    np.testing.assert_allclose(
        m.omega_ratio(frame), [m.omega_ratio(r), m.omega_ratio(r * 0.5)], rtol=1e-15
    )


def test_omega_without_losses_is_nan_with_reason():
    with pytest.warns(MetricWarning, match="omega_ratio is NaN: no period is below"):
        assert np.isnan(m.omega_ratio(np.array([0.01, 0.02])))


def test_tail_ratio_hand_worked_and_peers(pair):
    r, _ = pair
    values = np.array([-0.02, -0.01, 0.0, 0.02, 0.04])
    assert m.tail_ratio(values, confidence=0.75) == pytest.approx(2.0, rel=1e-15)
    assert m.tail_ratio(r) == pytest.approx(peer(empyrical.tail_ratio, r), rel=1e-12)
    assert m.tail_ratio(r, 0.9) == pytest.approx(peer(qs.tail_ratio, r, cutoff=0.9), rel=1e-12)
    with pytest.raises(MetricError, match="confidence"):
        m.tail_ratio(r, 95)


def test_streaks_hand_worked():
    r = pd.Series([0.01, 0.02, 0.0, 0.01, 0.01, 0.03, -0.01, -0.02, 0.0, -0.01])
    assert m.longest_winning_streak(r) == 3  # the zero ends the first run of 2
    assert m.longest_losing_streak(r) == 2
    assert m.longest_losing_streak(np.array([0.01, 0.02])) == 0
    frame = pd.DataFrame({"a": r, "b": -r})
    assert m.longest_winning_streak(frame).tolist() == [3, 2]
    assert m.longest_winning_streak(frame).dtype == np.int64


def test_streaks_match_quantstats(pair):
    r, _ = pair
    assert m.longest_winning_streak(r) == peer(qs.consecutive_wins, r)
    assert m.longest_losing_streak(r) == peer(qs.consecutive_losses, r)
    monthly = m.period_returns(r, "monthly")
    assert m.longest_winning_streak(monthly) == peer(qs.consecutive_wins, monthly)


@pytest.mark.parametrize(
    "func", [m.total_return, m.max_drawdown, m.max_drawdown_info, m.drawdown_series]
)
def test_empty_returns_raise_like_every_other_metric(func):
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
    with pytest.raises(MetricError, match="needs at least one period of returns, got 0"):
        func(empty)
    for other in (m.cagr, m.sharpe_ratio, m.ulcer_index):
        with pytest.raises(MetricError, match="needs at least"):
            other(empty)
