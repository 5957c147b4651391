"""Allocator rules on tiny hand-made histories, and no look-ahead for every built-in."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError, InsufficientHistoryError, WeightsError, ZeroHurdleWarning
from tactical.history import History
from tactical.strategies import (
    DualMomentum,
    FixedWeights,
    RelativeMomentum,
    Strategy,
    Threshold,
    TrendFilter,
    buy_and_hold,
    standard_benchmarks,
)
from tactical.testing import LookAheadError, check_causal, random_prices


def history(rows: dict[str, list[float]], end: int | None = None) -> History:
    frame = pd.DataFrame(
        rows, index=pd.bdate_range("2024-01-01", periods=len(next(iter(rows.values()))))
    )
    frame["CASH"] = 1.0
    n = len(frame) if end is None else end
    return History(frame.to_numpy(), frame.index, tuple(frame.columns), n)


# three funds over five bars: A +20%, B +10%, C -10% over the last 4 bars
ROWS = {"A": [10, 11, 12, 11, 12.0], "B": [10, 10, 10, 10.5, 11.0], "C": [10, 9, 9.5, 9.2, 9.0]}


def test_relative_momentum_holds_the_top_n_by_trailing_return():
    h = history(ROWS)
    assert RelativeMomentum(("A", "B", "C"), top_n=1, lookback=4)(h) == {"A": 1.0}
    assert RelativeMomentum(("A", "B", "C"), top_n=2, lookback=4)(h) == {"A": 0.5, "B": 0.5}
    # skipping the last bar: window bar0 -> bar3: A +10%, B +5%, C -8%
    assert RelativeMomentum(("C", "B", "A"), lookback=3, skip=1)(h) == {"A": 1.0}
    # over the last bar only: A 11 -> 12 (+9.1%), B 10.5 -> 11 (+4.8%)
    assert RelativeMomentum(("B", "A"), lookback=1)(h) == {"A": 1.0}


def test_relative_momentum_ties_go_to_the_first_listed():
    h = history({"X": [1.0, 2.0], "Y": [1.0, 2.0]})
    assert RelativeMomentum(("Y", "X"), lookback=1)(h) == {"Y": 1.0}


def test_dual_momentum_goes_safe_when_the_winner_fails_the_hurdle():
    up = history(ROWS)
    with pytest.warns(ZeroHurdleWarning, match="0%"):  # CASH is flat: a 0% hurdle
        assert DualMomentum(("A", "B"), safe="C", lookback=4)(up) == {"A": 1.0}
    down = history({"A": [10, 9, 8.0], "B": [10, 9.5, 9.0], "S": [10, 10, 10.0]})
    # both funds lost money; CASH (flat) is the hurdle -> all to the safe fund
    with pytest.warns(ZeroHurdleWarning):
        assert DualMomentum(("A", "B"), safe="S", lookback=2)(down) == {"S": 1.0}
    # a fund as the hurdle: B (-10%) beats A (-20%) but not S (0%)
    assert DualMomentum(("A", "B"), safe="S", lookback=2, hurdle="S")(down) == {"S": 1.0}
    # top 2: A +20% passes, B +10% passes the hurdle C (-10%)
    assert DualMomentum(("A", "B", "C"), safe="CASH", lookback=4, top_n=2, hurdle="C")(up) == {
        "A": 0.5,
        "B": 0.5,
    }
    # top 2 where the second fails: C -10% over 4 bars against B's +10%
    two = DualMomentum(("A", "C"), safe="B", lookback=4, top_n=2, hurdle="B")(up)
    assert two == {"A": 0.5, "B": 0.5}


def test_dual_momentum_with_cash_returns_does_not_warn_and_uses_the_t_bill_hurdle():
    frame = pd.DataFrame(
        {"A": [10.0, 10.0, 10.01], "S": [5.0, 5.0, 5.0]},
        index=pd.bdate_range("2024-01-01", periods=3),
    )
    frame["CASH"] = [1.0, 1.0005, 1.0011]  # T-bills +0.11% over 2 bars, A +0.10%
    h = History(frame.to_numpy(), frame.index, tuple(frame.columns), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert DualMomentum(("A",), safe="S", lookback=2)(h) == {"S": 1.0}


def test_dual_momentum_has_no_default_safe_fund():
    with pytest.raises(ConfigError, match="needs safe=.*bond fund"):
        DualMomentum(("SPY", "EFA"))


def test_trend_filter_moves_each_fund_below_its_average_to_safe():
    # A: last 12 > mean(11, 12, 11, 12)? mean of last 3 = (12 + 11 + 12) / 3 = 11.67 -> in
    # C: last 9.0 < mean(9.5, 9.2, 9.0) -> out
    h = history(ROWS)
    rule = TrendFilter(("A", "C"), safe="B", lookback=3)
    assert rule(h) == {"A": 0.5, "B": 0.5}
    weighted = TrendFilter({"A": 0.7, "C": 0.3}, safe="CASH", lookback=3)
    assert weighted(h) == pytest.approx({"A": 0.7, "CASH": 0.3})
    # exactly at the average is "out" (strictly above is required)
    flat = history({"A": [5.0, 5.0, 5.0]})
    assert TrendFilter(("A",), safe="CASH", lookback=3)(flat) == {"CASH": 1.0}


def test_allocators_raise_on_too_little_history():
    h = history(ROWS, end=3)
    with pytest.raises(InsufficientHistoryError, match="needs 5 rows"):
        RelativeMomentum(("A", "B"), lookback=4)(h)
    with pytest.raises(InsufficientHistoryError, match="needs 4 rows"):
        TrendFilter(("A",), lookback=4)(h)


def test_history_hides_the_future_and_is_read_only():
    h = history(ROWS, end=2)
    assert len(h) == 2 and h.values.shape == (2, 4)
    assert h.price("A").tolist() == [10.0, 11.0]
    assert h.prices.index[-1] == h.date
    with pytest.raises(ValueError):
        h.values[0, 0] = 99.0
    frame = h.prices
    try:
        frame.iloc[0, 0] = 99.0  # read-only memory, or a private copy
    except ValueError:
        pass
    assert h.values[0, 0] == 10.0


def test_history_signal_is_cut_at_the_decision_date():
    idx = pd.bdate_range("2024-01-01", periods=4)
    sig = pd.DataFrame({"pe": [10.0, 11.0, 12.0, 13.0]}, index=idx)
    h = History(np.ones((4, 1)), idx, ("A",), end=2, signals={"valuation": sig})
    assert h.signal("valuation")["pe"].tolist() == [10.0, 11.0]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"SPY": 0.6, "AGG": 0.37}, "sum to 0.97.*add CASH 0.03"),
        ({"SPY": 0.7, "AGG": 0.4}, "sum to 1.1"),
        ({"SPY": -0.2, "AGG": 1.2}, "negative"),
        ({"SPY": float("nan"), "AGG": 0.4}, "finite"),
        ({}, "empty"),
        ({"SPY": "lots"}, "not a number"),
    ],
)
def test_fixed_weights_reject_bad_weights(bad, message):
    with pytest.raises(WeightsError, match=message):
        FixedWeights(bad)


@pytest.mark.parametrize(
    "make",
    [
        lambda: RelativeMomentum(("A", "B"), lookback=0),
        lambda: RelativeMomentum(("A", "B"), top_n=3),
        lambda: RelativeMomentum(("A", "A")),
        lambda: RelativeMomentum(("A",), skip=-1),
        lambda: DualMomentum((), safe="AGG"),
        lambda: TrendFilter(("A",), safe="A"),
        lambda: Threshold(),
        lambda: Threshold(abs_band=-0.01),
        lambda: Threshold(abs_band=5.0),
        lambda: Threshold(rel_band=float("nan")),
        lambda: Threshold(abs_band=0.05, check="daily"),
        lambda: Strategy(FixedWeights({"A": 1.0}), schedule="fortnightly"),
        lambda: Strategy("not callable"),
        lambda: Strategy(FixedWeights({"A": 1.0}), execution_lag=-1),
        lambda: tc.ProportionalCost(bps=-1),
        lambda: tc.FixedCost(float("inf")),
    ],
)
def test_bad_parameters_are_config_errors(make):
    with pytest.raises(ConfigError):
        make()


def test_reprs_are_complete_labels():
    assert repr(FixedWeights({"SPY": 0.6, "AGG": 0.4})) == "FixedWeights({'SPY': 0.6, 'AGG': 0.4})"
    assert repr(RelativeMomentum(("A", "B"), top_n=1, lookback=63, skip=21)) == (
        "RelativeMomentum(menu=('A', 'B'), top_n=1, lookback=63, skip=21)"
    )
    assert "rel_band=0.25" in repr(Threshold(abs_band=0.05, rel_band=0.25))


def test_standard_benchmarks_are_spy_agg_and_monthly_sixty_forty():
    bench = standard_benchmarks()
    assert list(bench) == ["SPY", "AGG", "60/40"]
    assert bench["60/40"].schedule == "ME"
    assert dict(bench["60/40"].allocator.weights) == {"SPY": 0.6, "AGG": 0.4}
    assert isinstance(bench["SPY"].rebalance, tc.Never)


BUILT_INS = [
    Strategy(FixedWeights({"A": 0.6, "B": 0.4}), schedule="ME"),
    Strategy(FixedWeights({"A": 0.6, "B": 0.4}), rebalance=Threshold(abs_band=0.05, rel_band=0.25)),
    Strategy(
        FixedWeights({"A": 0.6, "B": 0.4}), rebalance=Threshold(abs_band=0.02, check="schedule")
    ),
    buy_and_hold({"A": 0.5, "C": 0.5}),
    Strategy(RelativeMomentum(("A", "B", "C"), top_n=2, lookback=60, skip=5)),
    Strategy(DualMomentum(("A", "B"), safe="C", lookback=60)),
    Strategy(DualMomentum(("A", "B"), safe="CASH", hurdle="C", lookback=40), schedule="W"),
    Strategy(TrendFilter(("A", "B"), safe="C", lookback=50), schedule="ME"),
    Strategy(TrendFilter(("A", "B"), safe="C", lookback="3M"), schedule="ME", offset=-2),
    Strategy(DualMomentum(("A", "B"), safe="C", lookback="4M", skip="1M"), schedule="ME"),
    Strategy(RelativeMomentum(("A", "B", "C"), lookback="8W", top_n=2), schedule="W"),
]


@pytest.mark.parametrize("strategy", BUILT_INS, ids=lambda s: repr(s.allocator)[:40])
@pytest.mark.parametrize("lag", [0, 1])
def test_every_built_in_is_causal(strategy, lag):
    px = random_prices(400, ("A", "B", "C"), volatility=0.02, seed=7)
    cash = pd.Series(1e-4, index=px.index)  # T-bills, so the CASH hurdle is not 0%
    assert check_causal(strategy, px, execution_lag=lag, cash_returns=cash) > 0


def test_check_causal_catches_an_allocator_that_peeks():
    px = random_prices(300, ("A", "B"), seed=3)

    def make(prices):
        # a signal precomputed from the whole frame: tomorrow's winner (shift(-1))
        tomorrow = prices.pct_change().shift(-1)

        def cheat(history):
            row = tomorrow.loc[history.date]
            return {"A": 1.0} if not row.notna().all() or row["A"] >= row["B"] else {"B": 1.0}

        return Strategy(cheat, schedule="D")

    with pytest.raises(LookAheadError, match="looks ahead"):
        check_causal(make, px)
    # the same factory without the peek passes
    honest = lambda prices: Strategy(lambda h: {"A": 0.5, "B": 0.5}, schedule="D")  # noqa: E731
    assert check_causal(honest, px) > 0
