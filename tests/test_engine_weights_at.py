"""The engine's call site of a vectorised allocator (interface I1) and check_causal on both paths.

A tiny test-only allocator holds the best fund by its trailing return, both per
decision (``__call__`` on a History) and for every decision at once
(``weights_at``). The engine must call ``weights_at`` once per backtest (no
History) when there are no signals, give the same result as the per-decision
path, and ``check_causal`` must catch a ``weights_at`` that peeks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import WeightsError
from tactical.strategies import Strategy, Threshold
from tactical.testing import LookAheadError, check_causal, random_prices

MENU = ("A", "B", "C")
LOOKBACK = 15


class Best:
    """Test-only: 100% in the fund with the best ``LOOKBACK``-bar return; ``peek`` looks ahead."""

    min_history = LOOKBACK + 1
    tickers = MENU

    def __init__(self, peek: int = 0, bad_row: int | None = None) -> None:
        self.peek, self.bad_row = peek, bad_row
        self.calls = {"call": 0, "weights_at": 0}

    def __repr__(self) -> str:
        return f"Best(peek={self.peek})"

    def __call__(self, history):
        self.calls["call"] += 1
        scores = history.trailing_returns(MENU, LOOKBACK)
        return {MENU[int(np.argmax(scores))]: 1.0}

    def weights_at(self, values, index, columns, rows):
        self.calls["weights_at"] += 1
        assert not values.flags.writeable
        assert columns[-1] == "CASH" and values.shape[1] == len(columns)
        cols = np.array([columns.index(t) for t in MENU])
        look = np.minimum(rows + self.peek, len(values) - 1)
        scores = values[look][:, cols] / values[rows - LOOKBACK][:, cols] - 1.0
        out = np.zeros((len(rows), len(columns)))
        out[np.arange(len(rows)), cols[np.argmax(scores, axis=1)]] = 1.0
        if self.bad_row is not None:
            out[self.bad_row, 0] += 0.5
        return out


@pytest.fixture
def px() -> pd.DataFrame:
    return random_prices(500, MENU, volatility=0.02, seed=3)


def test_the_engine_calls_weights_at_once_and_no_history(px):
    best = Best()
    fast = tc.backtest(px, Strategy(best, schedule="W"))
    assert best.calls == {"call": 0, "weights_at": 1}
    slow_alloc = Best()
    signals = {"unused": pd.DataFrame({"x": 1.0}, index=px.index)}  # signals force History
    slow = tc.backtest(px, Strategy(slow_alloc, schedule="W"), signals=signals)
    assert slow_alloc.calls["weights_at"] == 0
    assert slow_alloc.calls["call"] == len(slow.targets)
    pd.testing.assert_frame_equal(fast.targets, slow.targets)
    np.testing.assert_array_equal(fast.equity.to_numpy(), slow.equity.to_numpy())
    # the event loop (a band rule) uses the same vectorised decisions
    banded = Best()
    tc.backtest(px, Strategy(banded, schedule="W", rebalance=Threshold(abs_band=0.1)))
    assert banded.calls == {"call": 0, "weights_at": 1}


def test_invalid_rows_from_weights_at_name_the_date(px):
    with pytest.raises(WeightsError, match=r"sum to 1.5 on 2000-"):
        tc.backtest(px, Strategy(Best(bad_row=3), schedule="ME"))


class PerDecision:
    """The same rule without weights_at: only the History path exists."""

    min_history = LOOKBACK + 1
    tickers = MENU

    def __call__(self, history):
        return Best()(history)


def test_check_causal_covers_both_paths(px):
    plain = check_causal(Strategy(PerDecision(), schedule="W"), px)
    both = check_causal(Strategy(Best(), schedule="W"), px)
    assert both == 2 * plain > 0  # every (cut, decision) pair compared on each path


def test_check_causal_catches_a_weights_at_that_peeks(px):
    # its per-decision call is honest, so the two paths disagree ...
    with pytest.raises(LookAheadError, match="weights_at of Best\\(peek=5\\) disagrees"):
        check_causal(Strategy(Best(peek=5), schedule="W"), px)


def test_scrambling_the_future_exposes_a_peek_on_the_vectorised_path(px):
    from tactical.testing import _compare, _scramble  # the internal check is the thing tested

    strategy = Strategy(Best(peek=5), schedule="W")
    result = tc.backtest(px, strategy)
    rng = np.random.default_rng(0)
    caught = 0
    for cut in result.targets.index[10:60]:
        other = tc.backtest(_scramble(px, cut, rng), strategy)
        try:
            _compare(result, other, cut, "weights_at")
        except LookAheadError as exc:
            assert "(weights_at path)" in str(exc) or "account value" in str(exc)
            caught += 1
    assert caught > 10
    honest = Strategy(Best(), schedule="W")
    base = tc.backtest(px, honest)
    for cut in base.targets.index[10:20]:
        other = tc.backtest(_scramble(px, cut, rng), honest)
        assert _compare(base, other, cut, "weights_at") > 0
