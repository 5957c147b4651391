"""Engine behaviour: windows and warm-up, identities, bad input, no mutation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import (
    ConfigError,
    DataError,
    DataGapError,
    InsufficientHistoryError,
    NoDataError,
    WeightsError,
)
from tactical.strategies import (
    DualMomentum,
    FixedWeights,
    RelativeMomentum,
    Strategy,
    Threshold,
    TrendFilter,
    buy_and_hold,
)
from tactical.testing import random_prices

MIX = FixedWeights({"A": 0.6, "B": 0.4})


@pytest.fixture
def px() -> pd.DataFrame:
    return random_prices(600, ("A", "B", "C"), volatility=0.015, seed=11)


# ---------------------------------------------------------------- identities
def test_one_fund_at_100_percent_equals_its_total_return(px):
    r = tc.backtest(px, buy_and_hold("A"), execution_lag=0)
    expected = 10_000 * px["A"] / px["A"].iloc[0]
    assert np.allclose(r.equity.to_numpy(), expected.to_numpy(), rtol=1e-13)
    monthly = tc.backtest(px, Strategy(FixedWeights({"A": 1.0}), schedule="ME"), execution_lag=0)
    assert np.allclose(monthly.equity.to_numpy(), expected.to_numpy(), rtol=1e-13)


def test_buy_and_hold_equals_the_weighted_price_relatives(px):
    r = tc.backtest(px, buy_and_hold({"A": 0.2, "B": 0.3, "C": 0.5}), execution_lag=0)
    rel = px / px.iloc[0]
    expected = 10_000 * (0.2 * rel["A"] + 0.3 * rel["B"] + 0.5 * rel["C"])
    assert np.allclose(r.equity.to_numpy(), expected.to_numpy(), rtol=1e-13)


def test_zero_band_equals_rebalancing_every_bar(px):
    every = tc.backtest(px, Strategy(MIX, schedule="D"), execution_lag=0)
    zero = tc.backtest(px, Strategy(MIX, rebalance=Threshold(abs_band=0.0)), execution_lag=0)
    assert np.allclose(zero.equity.to_numpy(), every.equity.to_numpy(), rtol=1e-12)
    # with a lag, checks pause while a trade is pending: a breach at t trades at t+1,
    # drift is zero right after that trade, so the next breach is t+2 -> every other bar
    lagged = tc.backtest(px, Strategy(MIX, rebalance=Threshold(rel_band=0.0)), execution_lag=1)
    steps = np.diff(px.index.get_indexer(lagged.trades.index))
    assert set(steps.tolist()) == {2}


def test_infinite_band_equals_buy_and_hold(px):
    hold = tc.backtest(px, Strategy(MIX, rebalance=tc.Never()))
    wide = tc.backtest(px, Strategy(MIX, rebalance=Threshold(abs_band=float("inf"))))
    assert np.array_equal(hold.equity.to_numpy(), wide.equity.to_numpy())
    assert wide.n_rebalances == 0


def test_lag_shifts_every_later_trade_by_exactly_k_bars(px):
    start = px.index[60]  # not a schedule date, so every lag has the same later decisions
    assert start not in px.index[tc.schedules.decision_positions(px.index, "ME")]
    positions = {}
    for lag in (0, 1, 3):
        r = tc.backtest(
            px,
            Strategy(RelativeMomentum(("A", "B", "C"), lookback=40)),
            execution_lag=lag,
            start=start,
        )
        positions[lag] = px.index.get_indexer(r.trades.index)
        decided = px.index.get_indexer(r.targets.index)
        assert positions[lag][0] == 60  # invested at the start's close, whatever the lag
        assert decided[0] == 60 - lag  # decided lag bars before it
        live = decided[1:] + lag < px.index.get_loc(r.end) + 1
        assert np.array_equal(positions[lag][1:], decided[1:][live] + lag)
    n = len(positions[3]) - 1
    assert np.array_equal(positions[3][1:], positions[0][1 : n + 1] + 3)


def test_a_costless_rebalance_conserves_value(px):
    r = tc.backtest(px, Strategy(MIX, schedule="ME"), execution_lag=1)
    # the holdings of the day before, valued at the trade day's prices, equal the
    # value after the trade: a costless rebalance neither creates nor destroys value
    rel = (px / px.shift(1)).reindex(columns=r.weights.columns).fillna(1.0)  # CASH earns 0
    held = (r.weights.shift(1) * r.equity.shift(1).to_numpy()[:, None] * rel).sum(axis=1)
    days = r.trades.index[1:]
    assert len(days) > 20
    assert np.allclose(held.loc[days].to_numpy(), r.equity.loc[days].to_numpy(), rtol=1e-12)
    assert (r.trades.sum(axis=1).abs() < 1e-9).all()
    assert r.total_costs == 0


def test_contributions_leave_time_weighted_returns_unchanged(px):
    flows = tc.periodic_cashflows(px.index, 500.0, "ME")
    plain = tc.backtest(px, Strategy(MIX, schedule="D"), execution_lag=0)
    paid = tc.backtest(px, Strategy(MIX, schedule="D"), execution_lag=0, cashflows=flows)
    assert np.allclose(paid.returns.to_numpy(), plain.returns.to_numpy(), rtol=0, atol=1e-14)
    # each deposit grows by the time-weighted index from its date on
    growth = plain.equity / plain.equity.iloc[0]
    grown = 10_000 * growth.iloc[-1] + sum(
        500.0 * growth.iloc[-1] / growth.loc[d] for d in flows.index
    )
    assert paid.equity.iloc[-1] == pytest.approx(grown, rel=1e-12)
    # the growth index strips flows out
    assert np.allclose(paid.growth_of().to_numpy(), (plain.equity / 10_000).to_numpy(), rtol=1e-12)


@dataclass(frozen=True)
class WatchedSchedule:
    """Test-only rule: trades on schedule like OnSchedule, but asks to watch every bar,
    which sends the run through the event loop instead of the vectorised path."""

    def decides_on_schedule(self, static: bool) -> bool:
        return True

    def trades_on_decision(self) -> bool:
        return True

    def checks_every_bar(self) -> bool:
        return True

    def first_breach(self, values, target, holdings):
        return None


def test_loop_and_vectorised_paths_agree(px):
    for allocator, schedule in (
        (MIX, "ME"),
        (TrendFilter(("A", "B"), safe="C", lookback=30), "ME"),
        (FixedWeights({"A": 0.5, "C": 0.5}), "QE"),
    ):
        for lag in (0, 2):
            for costs in (None, tc.ProportionalCost(bps=25, per_ticker={"C": 80})):
                fast = tc.backtest(
                    px, Strategy(allocator, schedule=schedule), costs=costs, execution_lag=lag
                )
                slow = tc.backtest(
                    px,
                    Strategy(allocator, schedule=schedule, rebalance=WatchedSchedule()),
                    costs=costs,
                    execution_lag=lag,
                )
                assert np.allclose(fast.equity, slow.equity, rtol=1e-12)
                assert np.allclose(fast.trades, slow.trades, rtol=1e-9, atol=1e-9)
                assert fast.n_rebalances == slow.n_rebalances
                assert fast.turnover == pytest.approx(slow.turnover, rel=1e-12)
                assert fast.rebalances.equals(slow.rebalances)


# ---------------------------------------------------------------- windows
def test_default_start_waits_for_the_warm_up(px):
    # needs 121 rows (lookback + skip + 1) at the initial decision, on row 120; with the
    # default lag 1 that allocation is bought at the close of row 121, the start
    r = tc.backtest(px, Strategy(RelativeMomentum(("A", "B"), lookback=100, skip=20)))
    assert r.start == px.index[121]
    assert r.targets.index[0] == px.index[120]
    trend = Strategy(TrendFilter(("A",), lookback=50))
    assert tc.feasible_start(px, trend) == px.index[50]
    assert tc.feasible_start(px, trend, execution_lag=0) == px.index[49]


def test_explicit_start_inside_the_warm_up_is_a_clear_error(px):
    with pytest.raises(InsufficientHistoryError, match="needs 101 bars.*first feasible start"):
        tc.backtest(px, Strategy(RelativeMomentum(("A", "B"), lookback=100)), start=px.index[50])


def test_young_fund_sets_the_start_and_an_earlier_start_names_it():
    px = random_prices(300, ("OLD", "NEW"), seed=2)
    px.loc[px.index[:100], "NEW"] = np.nan
    r = tc.backtest(px, buy_and_hold({"OLD": 0.5, "NEW": 0.5}))
    assert r.start == px.index[101]  # decided on NEW's first close, bought on the next
    lag0 = tc.backtest(px, buy_and_hold({"OLD": 0.5, "NEW": 0.5}), execution_lag=0)
    assert lag0.start == px.index[100]
    with pytest.raises(NoDataError, match="NEW has no price before"):
        tc.backtest(px, buy_and_hold({"OLD": 0.5, "NEW": 0.5}), start=px.index[10])
    # a strategy that does not hold NEW is not held back by it
    assert tc.backtest(px, buy_and_hold("OLD"), execution_lag=0).start == px.index[0]


def test_backtest_many_uses_one_common_window(px):
    runs = tc.backtest_many(
        px,
        {
            "mix": Strategy(MIX),
            "mom": Strategy(RelativeMomentum(("A", "B", "C"), lookback=252)),
            **{k: v for k, v in tc.standard_benchmarks("A", "B").items()},
        },
    )
    # momentum decides on row 252 at the earliest; all are invested at row 253's close
    assert {r.start for r in runs.values()} == {px.index[253]}
    assert {r.trades.index[0] for r in runs.values()} == {px.index[253]}
    assert runs.names == ["mix", "mom", "A", "B", "60/40"]
    assert runs.returns.shape == (len(px) - 254, 5)
    assert runs.window == (px.index[253], px.index[-1])


def test_end_and_start_cut_the_window(px):
    r = tc.backtest(px, Strategy(MIX), start="2000-03-01", end="2000-06-30")
    assert r.start == pd.Timestamp("2000-03-01") and r.end == pd.Timestamp("2000-06-30")


# ---------------------------------------------------------------- bad input
def test_empty_or_reversed_windows_are_errors(px):
    with pytest.raises(ConfigError, match="after end"):
        tc.backtest(px, Strategy(MIX), start="2001-01-01", end="2000-01-01")
    with pytest.raises(NoDataError, match="empty backtest window"):
        tc.backtest(px, Strategy(MIX), start="2030-01-01")
    with pytest.raises(NoDataError, match="empty backtest window"):
        tc.backtest(px, Strategy(MIX), start=px.index[5], end=px.index[5])


def test_missing_ticker_is_named(px):
    with pytest.raises(NoDataError, match=r"no prices for \['SPY'\]"):
        tc.backtest(px, buy_and_hold({"A": 0.5, "SPY": 0.5}))


def test_user_allocator_errors_name_the_date(px):
    def drifting(history):
        return {"A": 0.5, "B": 0.45}

    with pytest.raises(WeightsError, match=r"sum to 0.95 on 2000-\d\d-\d\d.*add CASH 0.05"):
        tc.backtest(px, Strategy(drifting))

    def unknown(history):
        return {"ZZZ": 1.0}

    with pytest.raises(WeightsError, match="names 'ZZZ'"):
        tc.backtest(px, Strategy(unknown))

    def negative(history):
        return {"A": 1.5, "B": -0.5}

    with pytest.raises(WeightsError, match="negative"):
        tc.backtest(px, Strategy(negative))


@pytest.mark.parametrize(
    "mutate, error, message",
    [
        (lambda f: f.iloc[::-1], DataError, "not sorted"),
        (lambda f: pd.concat([f, f.iloc[[3]]]).sort_index(), DataError, "duplicate dates"),
        (
            lambda f: f.assign(A=f["A"].where(f.index != f.index[50])),
            DataGapError,
            "A has 1 missing",
        ),
        (lambda f: f.assign(B=-f["B"]), DataError, "non-positive"),
        (lambda f: f.assign(C="x"), DataError, "non-numeric"),
        (lambda f: f.reset_index(drop=True), DataError, "DatetimeIndex"),
        (lambda f: f.tz_localize("UTC"), DataError, "tz-aware"),
        (lambda f: f.iloc[:0], NoDataError, "empty"),
        (lambda f: f.rename(columns={"C": "CASH"}), DataError, "cash account"),
        (lambda f: f.set_axis(pd.date_range("2000-01-01", periods=len(f))), DataError, "weekend"),
    ],
)
def test_bad_prices_get_specific_errors(px, mutate, error, message):
    with pytest.raises(error, match=message):
        tc.backtest(mutate(px), Strategy(FixedWeights({"A": 0.5, "B": 0.5})))


def test_bad_cash_returns_are_errors(px):
    percent = pd.Series(4.5, index=px.index)
    with pytest.raises(DataError, match="look like percent"):
        tc.backtest(px, Strategy(MIX), cash_returns=percent)
    holey = pd.Series(0.0001, index=px.index).drop(px.index[100])
    with pytest.raises(DataGapError, match="missing on 1 price date"):
        tc.backtest(px, Strategy(MIX), cash_returns=holey)
    with pytest.raises(ConfigError, match="Series"):
        tc.backtest(px, Strategy(MIX), cash_returns=0.02)


def test_bad_options_are_errors(px):
    with pytest.raises(ConfigError, match="initial"):
        tc.backtest(px, Strategy(MIX), initial=0)
    with pytest.raises(ConfigError, match="execution_lag"):
        tc.backtest(px, Strategy(MIX), execution_lag=-1)
    with pytest.raises(ConfigError, match="expected a Strategy"):
        tc.backtest(px, MIX)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="outside the price data"):
        tc.backtest(
            px, Strategy(MIX), cashflows=pd.Series([1.0], index=[pd.Timestamp("1990-01-01")])
        )
    with pytest.raises(TypeError, match="commission"):  # options are explicit parameters
        tc.backtest_many(px, {"m": Strategy(MIX)}, commission=3)  # type: ignore[call-arg]


def test_inputs_are_never_mutated(px):
    before = px.copy()
    flows = tc.periodic_cashflows(px.index[px.index > "2000-03-01"], 100.0)
    flows_before = flows.copy()
    cash = pd.Series(0.0001, index=px.index)
    tc.backtest(
        px,
        Strategy(
            DualMomentum(("A", "B"), safe="C", lookback="20D", hurdle="C"),
            rebalance=Threshold(abs_band=0.1),
        ),
        cashflows=flows,
        cash_returns=cash,
        costs=tc.ProportionalCost(5),
    )
    pd.testing.assert_frame_equal(px, before)
    pd.testing.assert_series_equal(flows, flows_before)
    assert (cash == 0.0001).all()


# ---------------------------------------------------------------- real data
def test_real_sixty_forty_monthly_matches_the_published_figure(shared_prices):
    # shared/data/README: 60/40 SPY/AGG rebalanced monthly, 2003-09-29 -> 2024-12-31: 7.80%/yr
    px = shared_prices("SPY", "AGG").loc[:"2024-12-31"]
    r = tc.backtest(
        px, Strategy(FixedWeights({"SPY": 0.6, "AGG": 0.4}), schedule="ME"), execution_lag=0
    )
    cagr = (r.equity.iloc[-1] / r.equity.iloc[0]) ** (1 / r.years) - 1
    assert cagr == pytest.approx(0.0780, abs=0.0005)
    spy = tc.backtest(px, buy_and_hold("SPY"), execution_lag=0)
    spy_cagr = (spy.equity.iloc[-1] / spy.equity.iloc[0]) ** (1 / spy.years) - 1
    assert spy_cagr == pytest.approx(0.1069, abs=0.0005)


# ---------------------------------------------------------------- issue 9: no silent wrong answer
def test_labels_that_read_the_same_are_refused(px):
    with pytest.raises(ConfigError, match="labels 1 and '1' both read '1'"):
        tc.backtest_many(px, {1: buy_and_hold("A"), "1": buy_and_hold("B")})


def test_an_execution_lag_longer_than_the_window_is_an_error_not_an_empty_account(px):
    with pytest.raises(NoDataError, match="execution_lag=700 .*never be invested"):
        tc.backtest(px, Strategy(MIX), execution_lag=700)
    with pytest.raises(InsufficientHistoryError, match="execution_lag=50"):
        tc.backtest(px, Strategy(MIX), execution_lag=50, start=px.index[10])


def test_a_window_outside_the_data_is_clamped_with_a_warning(px):
    with pytest.warns(tc.errors.WindowWarning, match="start 1990-01-01 is before the first price"):
        early = tc.backtest(px, Strategy(MIX), start="1990-01-01")
    assert early.start == tc.feasible_start(px, Strategy(MIX))
    with pytest.warns(tc.errors.WindowWarning, match="end 2030-01-01 is after the last price"):
        late = tc.backtest(px, Strategy(MIX), end="2030-01-01")
    assert late.end == px.index[-1]


def test_an_offset_that_moves_every_decision_out_of_the_window_warns(px):
    with pytest.warns(tc.errors.WindowWarning, match="offset 400 gives no decision date"):
        r = tc.backtest(px, Strategy(MIX, schedule="YE", offset=400))
    assert r.n_rebalances == 0 and len(r.targets) == 1


@pytest.mark.parametrize("start", ["", pd.NaT, "not a date"])
def test_a_start_that_is_not_a_date_says_so(px, start):
    with pytest.raises(ConfigError, match="is not a date"):
        tc.backtest(px, Strategy(MIX), start=start)


def test_periodic_cashflows_over_a_warm_up_index_work_and_say_what_was_left_out(px):
    strategy = Strategy(RelativeMomentum(("A", "B", "C"), lookback=100))
    flows = tc.periodic_cashflows(px.index, 500.0, "ME")  # the whole index, warm-up included
    with pytest.warns(tc.errors.WindowWarning, match=r"\d+ cash flow\(s\) totalling"):
        r = tc.backtest(px, strategy, cashflows=flows)
    inside = flows.loc[r.start :]
    assert r.cashflows.index.equals(inside.index)
    assert r.contributed["total"] == pytest.approx(10_000 + inside.sum())


def test_real_buy_and_hold_compounds_at_its_adjusted_closes_rate(shared_prices):
    # issue 9: SPY from 2000-01-03 reported 7.84% (a day in cash); its closes compound at 7.66%
    spy = shared_prices("SPY").loc[:"2024-12-31"]
    r = tc.backtest(spy, buy_and_hold("SPY"), start="2000-01-03")  # default lag 1
    closes = spy["SPY"].loc["2000-01-03":]
    years = (closes.index[-1] - closes.index[0]).days / 365.25
    by_closes = (closes.iloc[-1] / closes.iloc[0]) ** (1 / years) - 1
    assert r.start == pd.Timestamp("2000-01-03") and r.years == years
    cagr = (r.equity.iloc[-1] / r.equity.iloc[0]) ** (1 / r.years) - 1
    assert cagr == pytest.approx(by_closes, rel=1e-13)
    assert round(cagr, 4) == 0.0766


def test_real_sixty_forty_equals_an_independent_month_end_loop(shared_prices):
    px = shared_prices("SPY", "AGG").loc[:"2024-12-31"]
    r = tc.backtest(
        px, Strategy(FixedWeights({"SPY": 0.6, "AGG": 0.4}), schedule="ME"), execution_lag=0
    )
    # plain loop: buy 60/40 at the first close, reset to 60/40 at each month's last close
    v, idx = px.to_numpy(), px.index
    last_of_month = np.r_[idx.month[1:] != idx.month[:-1], True]
    w = np.array([0.6, 0.4])
    shares = 10_000.0 * w / v[0]
    for t in range(1, len(v)):
        if last_of_month[t]:
            shares = (shares @ v[t]) * w / v[t]
    assert r.equity.iloc[-1] == pytest.approx(shares @ v[-1], rel=1e-12)


# ---------------------------------------------------------------- I2: the sweep's internals
def test_prices_are_validated_once_per_backtest_many(px, monkeypatch):
    import tactical._inputs as inputs

    calls = []
    real = inputs.validated_values  # validate_prices' checks, without building its frame
    monkeypatch.setattr(
        inputs, "validated_values", lambda p, **kw: calls.append(1) or real(p, **kw)
    )
    tc.backtest_many(px, {"a": Strategy(MIX), "b": buy_and_hold("A"), "c": buy_and_hold("B")})
    assert len(calls) == 1


def test_building_a_result_constructs_no_frame_nobody_asked_for(px, monkeypatch):
    from tactical.backtest import _market, _run  # the internals a sweep calls (I2)

    market = _market(px, None)
    made = []
    for cls in (pd.DataFrame, pd.Series):
        init = cls.__init__

        def counting(self, *args, _init=init, _name=cls.__name__, **kwargs):
            made.append(_name)
            _init(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    kwargs = dict(start=None, end=None, costs=None, cashflows=None, signals=None)
    for strategy in (Strategy(MIX), Strategy(MIX, rebalance=Threshold(abs_band=0.02))):
        result = _run(strategy, market, name="x", initial=1e4, execution_lag=1, **kwargs)
        final = result.final_balance
        assert made == []  # a sweep reading final values builds no pandas object
        assert result.equity.iloc[-1] == final
        assert made == ["Series"]
        made.clear()


def test_results_are_frozen_and_survive_pickling(px):
    import copy
    import pickle

    flows = pd.DataFrame(
        {"employee": 60.0, "employer": 40.0, "total": 100.0}, index=px.index[5::20]
    )
    r = tc.backtest(px, Strategy(MIX), cashflows=flows, costs=tc.ProportionalCost(bps=5))
    with pytest.raises(AttributeError, match="frozen"):
        r.name = "other"  # type: ignore[misc]
    for other in (pickle.loads(pickle.dumps(r)), copy.deepcopy(r)):  # a sweep's worker process
        pd.testing.assert_series_equal(other.equity, r.equity)
        pd.testing.assert_frame_equal(other.weights, r.weights)
        pd.testing.assert_frame_equal(other.flows, r.flows)
        assert other.rebalances.equals(r.rebalances)
        assert (other.name, other.n_rebalances, other.config) == (r.name, r.n_rebalances, r.config)
    runs = pickle.loads(pickle.dumps(tc.backtest_many(px, {"a": Strategy(MIX)})))
    assert runs.names == ["a"]
