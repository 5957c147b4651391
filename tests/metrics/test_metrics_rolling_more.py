"""Rolling max drawdown and rolling alpha/beta: the metric on each window, and empyrical."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tactical import metrics as m
from tactical.errors import MetricError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    empyrical = pytest.importorskip("empyrical")


def peer(func, *args, **kwargs):
    """Call a peer library function, silencing its own deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_rolling_max_drawdown_is_max_drawdown_of_each_window(pair):
    r, _ = pair
    out = m.rolling_max_drawdown(r, 60)
    assert out.index.equals(r.index) and out.iloc[:59].isna().all()
    for t in (59, 200, 799):
        assert out.iloc[t] == pytest.approx(m.max_drawdown(r.iloc[t - 59 : t + 1]), abs=1e-15)


def test_rolling_max_drawdown_matches_empyrical(pair):
    r, _ = pair
    theirs = np.asarray(peer(empyrical.roll_max_drawdown, r, 60))
    np.testing.assert_allclose(m.rolling_max_drawdown(r, 60).iloc[59:], theirs, atol=1e-14)
    frame = pd.concat([r, -r / 2], axis=1, keys=["a", "b"])
    np.testing.assert_allclose(
        m.rolling_max_drawdown(frame, 30)["b"], m.rolling_max_drawdown(-r / 2, 30), atol=0
    )


def test_rolling_max_drawdown_after_a_total_loss():
    out = m.rolling_max_drawdown(np.array([0.1, -1.0, 0.0, 0.5]), 2)
    assert out[1:].tolist() == [-1.0, -1.0, -1.0]  # nothing recovers from zero


def test_rolling_alpha_beta_is_alpha_beta_of_each_window(pair):
    r, b = pair
    alpha, beta = m.rolling_alpha_beta(r, b, 120, 0.02)
    for t in (119, 500, 799):
        window = slice(t - 119, t + 1)
        a, bb = m.alpha_beta(r.iloc[window], b.iloc[window], 0.02, 252)
        assert alpha.iloc[t] == pytest.approx(a, rel=1e-9)
        assert beta.iloc[t] == pytest.approx(bb, rel=1e-9)
    np.testing.assert_allclose(m.rolling_alpha(r, b, 120, 0.02), alpha, rtol=0)


def test_rolling_alpha_beta_match_empyrical(pair):
    r, b = pair
    alpha, beta = m.rolling_alpha_beta(r, b, 60, annualization="geometric")
    theirs = peer(empyrical.roll_alpha_beta, r, b, 60)
    np.testing.assert_allclose(alpha.iloc[59:], theirs.iloc[:, 0], rtol=1e-9)
    np.testing.assert_allclose(beta.iloc[59:], theirs.iloc[:, 1], rtol=1e-9)
    with pytest.raises(MetricError, match="annualization"):
        m.rolling_alpha(r, b, 60, annualization="log")
