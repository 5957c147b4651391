"""Up/down capture ratio and batting average against empyrical's own functions."""

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


def peer(func, *args, **kwargs):
    """Call a peer library function, silencing its own deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_up_down_capture_is_up_over_down(pair):
    r, b = pair
    ours = m.up_down_capture(r, b)
    assert ours == pytest.approx(m.up_capture(r, b) / m.down_capture(r, b), rel=1e-15)
    assert ours == pytest.approx(peer(empyrical.up_down_capture, r, b), rel=1e-12)


def test_batting_average_hand_worked():
    r = np.array([0.02, -0.01, 0.0, 0.01])
    b = np.array([0.01, -0.02, 0.01, 0.01])  # wins, wins, loses, ties (not a win)
    assert m.batting_average(r, b) == 0.5
    assert m.batting_average(r, b, market="up") == pytest.approx(1 / 3)
    assert m.batting_average(r, b, market="down") == 1.0
    with pytest.raises(MetricError, match="market must be"):
        m.batting_average(r, b, market="sideways")


def test_batting_average_matches_empyrical(pair):
    r, b = pair
    theirs = peer(empyrical.batting_average, r, b)
    assert m.batting_average(r, b) == pytest.approx(theirs["batting average"], rel=1e-15)
    assert m.batting_average(r, b, market="up") == pytest.approx(theirs["up market"], rel=1e-15)
    assert m.batting_average(r, b, market="down") == pytest.approx(theirs["down market"], rel=1e-15)
    frame = pd.concat([r, b], axis=1)
    np.testing.assert_allclose(m.batting_average(frame, b), [theirs["batting average"], 0.0])


def test_batting_average_without_down_market_is_nan_with_reason():
    with pytest.warns(MetricWarning, match="no down-market period"):
        out = m.batting_average(np.array([0.01, 0.02]), np.array([0.0, 0.01]), market="down")
    assert np.isnan(out)
