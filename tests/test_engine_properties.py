"""Identities of the backtest engine, checked on random price paths (hypothesis).

Each test names one property. Price paths are geometric random walks of
2-5 funds over 20-300 business days; hypothesis draws the seed, the size,
the volatility and the start date, so failures shrink to small cases.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tactical as tc
from tactical.errors import ConfigError
from tactical.schedules import decision_positions
from tactical.strategies import (
    FixedWeights,
    Never,
    OnSchedule,
    RelativeMomentum,
    Strategy,
    Threshold,
    TrendFilter,
    buy_and_hold,
)

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INITIAL = 10_000.0
TIGHT = 1e-10


# ------------------------------------------------------------------ generators
@st.composite
def price_paths(draw: st.DrawFn, min_bars: int = 20, max_bars: int = 300) -> pd.DataFrame:
    k = draw(st.integers(2, 5))
    n = draw(st.integers(min_bars, max_bars))
    seed = draw(st.integers(0, 2**32 - 1))
    vol = draw(st.sampled_from([0.002, 0.01, 0.03]))
    start = draw(st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)))
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0002, vol, size=(n, k))
    levels = rng.uniform(5.0, 500.0, size=k) * np.exp(np.cumsum(steps, axis=0))
    idx = pd.bdate_range(start, periods=n, name="date")
    return pd.DataFrame(levels, index=idx, columns=[f"F{i}" for i in range(k)])


@st.composite
def mixes(draw: st.DrawFn, tickers: list[str]) -> dict[str, float]:
    parts = draw(st.lists(st.integers(0, 10), min_size=len(tickers), max_size=len(tickers)))
    if sum(parts) == 0:
        parts[0] = 1
    total = sum(parts)
    return {t: p / total for t, p in zip(tickers, parts, strict=True) if p}


costs_st = st.one_of(st.none(), st.floats(0.5, 50.0).map(lambda bps: tc.ProportionalCost(bps=bps)))
schedules_st = st.sampled_from(["D", "W", "ME", "QE"])


def _window_start(prices: pd.DataFrame, strategy: Strategy, lag: int = 1) -> int:
    return int(prices.index.get_loc(tc.feasible_start(prices, strategy, execution_lag=lag)))


def _random_flows(
    draw: st.DrawFn, prices: pd.DataFrame, strategy: Strategy, lag: int
) -> pd.Series | None:
    """Up to four contributions (or small withdrawals) on bars inside the window."""
    first = _window_start(prices, strategy, lag)
    chosen = draw(st.lists(st.integers(first, len(prices) - 1), max_size=4))
    positions = np.unique(chosen)
    if not len(positions):
        return None
    amounts = draw(
        st.lists(
            st.floats(-500.0, 5_000.0).filter(lambda a: abs(a) > 1.0),
            min_size=len(positions),
            max_size=len(positions),
        )
    )
    return pd.Series(amounts, index=prices.index[positions], dtype=float)


# ------------------------------------------------------------------ helpers
def _prices_with_cash(result: tc.BacktestResult, prices: pd.DataFrame) -> pd.DataFrame:
    """Prices of every column of ``result.weights`` (CASH is 1.0 when it earns 0)."""
    out = prices.reindex(index=result.equity.index).copy()
    out["CASH"] = 1.0
    return out[list(result.weights.columns)]


def _shares(result: tc.BacktestResult, prices: pd.DataFrame) -> pd.DataFrame:
    """Share counts recovered from the reported weights: ``w * V / P``."""
    px = _prices_with_cash(result, prices)
    return result.weights.mul(result.equity, axis=0) / px


def _positions(index: pd.DatetimeIndex, dates: pd.Index) -> np.ndarray:
    return index.get_indexer(dates)


def _assert_close(a: pd.Series | pd.DataFrame, b: pd.Series | pd.DataFrame, rtol: float = TIGHT):
    assert a.shape == b.shape
    assert a.index.equals(b.index)
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=rtol * INITIAL
    )


# ------------------------------------------------------------------ rule identities
@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_zero_band_equals_rebalancing_every_bar(data, prices):
    """At lag 0. With a lag k >= 1 a band rule does not check drift while a trade is
    pending and checks the execution bar after trading, so a zero band trades every
    k + 1 bars, while ``schedule="D"`` trades every bar (to the previous bar's target).
    """
    mix = data.draw(mixes(list(prices.columns)))
    costs = data.draw(costs_st)
    band = tc.backtest(
        prices,
        Strategy(FixedWeights(mix), rebalance=Threshold(abs_band=0.0)),
        execution_lag=0,
        costs=costs,
    )
    daily = tc.backtest(
        prices, Strategy(FixedWeights(mix), schedule="D"), execution_lag=0, costs=costs
    )
    _assert_close(band.equity, daily.equity)
    _assert_close(band.weights, daily.weights)
    assert band.n_rebalances == daily.n_rebalances


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_infinite_band_equals_buy_and_hold(data, prices):
    mix = data.draw(mixes(list(prices.columns)))
    lag = data.draw(st.integers(0, 3))
    costs = data.draw(costs_st)
    rule = data.draw(
        st.sampled_from(
            [
                Threshold(abs_band=math.inf),
                Threshold(rel_band=math.inf),
                Threshold(abs_band=math.inf, check="schedule"),
            ]
        )
    )
    band = tc.backtest(
        prices, Strategy(FixedWeights(mix), rebalance=rule), execution_lag=lag, costs=costs
    )
    held = tc.backtest(prices, buy_and_hold(mix), execution_lag=lag, costs=costs)
    _assert_close(band.equity, held.equity)
    assert band.n_rebalances == held.n_rebalances == 0
    assert band.trades.index.equals(held.trades.index)
    assert list(_positions(prices.index, held.trades.index)) == [lag]  # the one investment


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_all_in_one_fund_equals_that_funds_total_return(data, prices):
    fund = data.draw(st.sampled_from(list(prices.columns)))
    lag = data.draw(st.integers(0, 5))
    rule = data.draw(st.sampled_from(["ME", "D", "never", "band"]))
    if rule == "never":
        strategy = buy_and_hold(fund)
    elif rule == "band":
        strategy = Strategy(FixedWeights({fund: 1.0}), rebalance=Threshold(abs_band=0.01))
    else:
        strategy = Strategy(FixedWeights({fund: 1.0}), schedule=rule)
    result = tc.backtest(prices, strategy, execution_lag=lag)
    # decided on row 0, bought at the close of row lag: the window starts there, invested
    p = prices[fund].to_numpy()[lag:]
    assert result.start == prices.index[lag]
    np.testing.assert_allclose(result.equity.to_numpy(), INITIAL * p / p[0], rtol=1e-14)
    fund_returns = prices[fund].pct_change().to_numpy()[lag + 1 :]
    np.testing.assert_allclose(result.returns.to_numpy(), fund_returns, rtol=1e-9, atol=1e-13)
    assert result.n_rebalances == 0


@PROPERTY
@given(data=st.data(), prices=price_paths(min_bars=25))
def test_buy_and_hold_equals_the_close_ratio_on_its_stated_window(data, prices):
    """Issue 9.1: for any start and lag, buy-and-hold is invested at the start's close."""
    mix = data.draw(mixes(list(prices.columns)))
    lag = data.draw(st.integers(0, 5))
    s = data.draw(st.integers(lag, len(prices) - 2))
    e = data.draw(st.integers(s + 1, len(prices) - 1))
    result = tc.backtest(
        prices,
        buy_and_hold(mix),
        start=prices.index[s],
        end=prices.index[e],
        execution_lag=lag,
    )
    window = prices.iloc[s : e + 1]
    assert result.equity.index.equals(window.index)
    w = pd.Series(mix)
    expected = INITIAL * (window[w.index] / window[w.index].iloc[0]).to_numpy() @ w.to_numpy()
    np.testing.assert_allclose(result.equity.to_numpy(), expected, rtol=1e-14, atol=0)
    assert result.targets.index[0] == prices.index[s - lag]  # decided lag bars before
    assert result.trades.index[0] == prices.index[s]
    if len(mix) == 1:  # one fund: exactly its close ratio, to the last bit or two
        (fund,) = mix
        ratio = window[fund].to_numpy() / window[fund].iloc[0]
        assert np.max(np.abs(result.equity.to_numpy() / INITIAL / ratio - 1)) <= 4e-16
    # and every strategy of one comparison is invested from that same close
    runs = tc.backtest_many(
        prices,
        {"hold": buy_and_hold(mix), "monthly": Strategy(FixedWeights(mix), schedule="ME")},
        start=prices.index[s],
        end=prices.index[e],
        execution_lag=lag,
    )
    assert {r.trades.index[0] for r in runs.values()} == {prices.index[s]}


@PROPERTY
@given(data=st.data(), prices=price_paths(min_bars=40))
def test_lag_shifts_the_trades_by_exactly_k_bars(data, prices):
    tickers = list(prices.columns)
    if data.draw(st.booleans()):
        allocator = FixedWeights(data.draw(mixes(tickers)))
    else:
        allocator = RelativeMomentum(
            tuple(tickers),
            top_n=data.draw(st.integers(1, 2)),
            lookback=f"{data.draw(st.integers(1, 15))}D",
        )
    strategy = Strategy(allocator, schedule=data.draw(schedules_st))
    lag = data.draw(st.integers(1, 6))
    costs = data.draw(costs_st)
    first = _window_start(prices, strategy, lag)
    assume(first < len(prices) - 2)
    start = prices.index[first]  # feasible for every lag up to this one
    base = tc.backtest(prices, strategy, execution_lag=0, costs=costs, start=start)
    late = tc.backtest(prices, strategy, execution_lag=lag, costs=costs, start=start)
    index = base.equity.index
    assert late.equity.index.equals(index)
    # the initial allocation is decided lag bars before the start ...
    assert _positions(prices.index, late.targets.index[:1])[0] == first - lag
    # ... and the later decisions do not depend on the lag
    pd.testing.assert_frame_equal(
        late.targets.loc[late.targets.index > start], base.targets.loc[base.targets.index > start]
    )
    later = _positions(index, late.targets.index[1:])  # schedule decisions in the window
    p0 = _positions(index, base.trades.index)
    pk = _positions(index, late.trades.index)
    assert p0[0] == pk[0] == 0  # both invested at the start's close
    shifted = later + lag
    assert list(pk[1:]) == shifted[shifted < len(index)].tolist()  # exactly lag bars later
    assert list(p0[1:]) == later[later > 0].tolist()
    # each execution lands exactly on the target decided lag bars earlier
    targets = late.targets.reindex(columns=late.weights.columns, fill_value=0.0)
    np.testing.assert_allclose(late.weights.iloc[0].to_numpy(), targets.iloc[0], atol=1e-12)
    for dpos in later:
        if dpos + lag < len(index):
            got = late.weights.iloc[dpos + lag].to_numpy()
            np.testing.assert_allclose(got, targets.loc[index[dpos]].to_numpy(), atol=1e-12)


# ------------------------------------------------------------------ accounting identities
def _any_strategy(draw: st.DrawFn, tickers: list[str]) -> Strategy:
    kind = draw(st.sampled_from(["fixed", "momentum", "trend", "band", "hybrid", "never"]))
    schedule = draw(schedules_st)
    if kind == "momentum":
        return Strategy(
            RelativeMomentum(tuple(tickers), lookback=f"{draw(st.integers(1, 10))}D"),
            schedule=schedule,
        )
    if kind == "trend":
        return Strategy(
            TrendFilter(
                tuple(tickers[:-1]), safe=tickers[-1], lookback=f"{draw(st.integers(1, 10))}D"
            ),
            schedule=schedule,
        )
    mix = draw(mixes(tickers))
    if kind == "band":
        return Strategy(FixedWeights(mix), rebalance=Threshold(abs_band=0.02, rel_band=0.1))
    if kind == "hybrid":
        return Strategy(
            FixedWeights(mix),
            schedule=schedule,
            rebalance=Threshold(abs_band=0.01, check="schedule"),
        )
    if kind == "never":
        return Strategy(FixedWeights(mix), rebalance=Never())
    return Strategy(FixedWeights(mix), schedule=schedule)


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_equity_is_shares_times_prices_with_value_conserved_at_each_event(data, prices):
    """``V_t = shares_{t-1} . P_t + F_t - cost_t``; shares change only on trade dates."""
    strategy = _any_strategy(data.draw, list(prices.columns))
    costs = data.draw(costs_st)
    lag = data.draw(st.integers(0, 3))
    flows = _random_flows(data.draw, prices, strategy, lag)
    try:
        result = tc.backtest(prices, strategy, execution_lag=lag, costs=costs, cashflows=flows)
    except ConfigError as exc:  # a withdrawal larger than the account
        assert "withdrawal" in str(exc)
        return
    index = result.equity.index
    shares = _shares(result, prices)
    px = _prices_with_cash(result, prices)
    events = np.zeros(len(index), dtype=bool)
    events[_positions(index, result.trades.index)] = True
    steady = np.flatnonzero(~events[1:]) + 1
    np.testing.assert_allclose(
        shares.to_numpy()[steady], shares.to_numpy()[steady - 1], rtol=1e-9, atol=1e-12
    )
    carried = (shares.shift(1) * px).sum(axis=1).to_numpy()[1:]
    flow = (flows if flows is not None else pd.Series(dtype=float)).reindex(index, fill_value=0.0)
    cost = result.costs.reindex(index, fill_value=0.0)
    expected = carried + flow.to_numpy()[1:] - cost.to_numpy()[1:]
    np.testing.assert_allclose(result.equity.to_numpy()[1:], expected, rtol=1e-9)
    if costs is None:  # a costless rebalance does not change that bar's value
        assert (cost == 0).all()


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_trades_sum_to_cashflow_minus_cost_on_each_date(data, prices):
    strategy = _any_strategy(data.draw, list(prices.columns))
    costs = data.draw(costs_st)
    lag = data.draw(st.integers(0, 3))
    flows = _random_flows(data.draw, prices, strategy, lag)
    try:
        result = tc.backtest(prices, strategy, execution_lag=lag, costs=costs, cashflows=flows)
    except ConfigError as exc:
        assert "withdrawal" in str(exc)
        return
    assert result.costs.index.equals(result.trades.index)
    assert set(result.cashflows.index) <= set(result.trades.index)
    flow = result.cashflows.reindex(result.trades.index, fill_value=0.0)
    np.testing.assert_allclose(
        result.trades.sum(axis=1).to_numpy(),
        (flow - result.costs).to_numpy(),
        rtol=0,
        atol=1e-9 * result.equity.max(),
    )
    assert (result.costs >= 0).all()
    if costs is not None and result.n_rebalances:
        assert result.costs.iloc[1:].sum() > 0


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_weights_and_targets_are_non_negative_and_sum_to_one(data, prices):
    strategy = _any_strategy(data.draw, list(prices.columns))
    result = tc.backtest(
        prices, strategy, execution_lag=data.draw(st.integers(0, 3)), costs=data.draw(costs_st)
    )
    assert result.weights.index.equals(result.equity.index)
    assert (result.weights.to_numpy() >= -1e-15).all()
    np.testing.assert_allclose(result.weights.sum(axis=1).to_numpy(), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.targets.sum(axis=1).to_numpy(), 1.0, atol=1e-12)


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_buy_and_hold_equals_the_weighted_price_relatives(data, prices):
    mix = data.draw(mixes(list(prices.columns)))
    bps = data.draw(st.sampled_from([0.0, 5.0, 30.0]))
    result = tc.backtest(
        prices,
        buy_and_hold(mix),
        execution_lag=0,
        costs=tc.ProportionalCost(bps=bps) if bps else None,
    )
    w = pd.Series(mix)
    relatives = (prices[w.index] / prices[w.index].iloc[0]).to_numpy() @ w.to_numpy()
    invested = INITIAL / (1.0 + bps / 10_000.0)  # buying from cash: V' = V - c V'
    np.testing.assert_allclose(result.equity.to_numpy(), invested * relatives, rtol=1e-12)


@PROPERTY
@given(data=st.data(), prices=price_paths(min_bars=30))
def test_contributions_leave_time_weighted_returns_unchanged(data, prices):
    """A flow on a bar where the portfolio then trades to target (costless) changes no return."""
    tickers = list(prices.columns)
    lag = data.draw(st.integers(0, 2))
    if data.draw(st.booleans()):  # one fund held: any flow date works
        fund = data.draw(st.sampled_from(tickers))
        strategy = data.draw(
            st.sampled_from([buy_and_hold(fund), Strategy(FixedWeights({fund: 1.0}), schedule="W")])
        )
        candidates = np.arange(lag, len(prices))
    else:  # a mix: flows on execution bars, where the portfolio returns to target
        schedule = data.draw(st.sampled_from(["D", "W", "ME"]))
        strategy = Strategy(FixedWeights(data.draw(mixes(tickers))), schedule=schedule)
        start = _window_start(prices, strategy, lag)
        # executions: the start's, then those of decisions inside the window (a decision
        # between the initial one and the start is not made: the window starts at the start)
        dec = decision_positions(prices.index, schedule)
        candidates = np.r_[start, dec[(dec >= start) & (dec + lag < len(prices))] + lag]
    chosen = data.draw(st.lists(st.sampled_from(candidates.tolist()), min_size=1, max_size=6))
    pos = np.unique(chosen)
    amounts = data.draw(st.lists(st.floats(1.0, 20_000.0), min_size=len(pos), max_size=len(pos)))
    flows = pd.Series(amounts, index=prices.index[pos])
    rule = data.draw(st.sampled_from(["election", "rebalance"]))
    plain = tc.backtest(prices, strategy, execution_lag=lag)
    funded = tc.backtest(prices, strategy, execution_lag=lag, cashflows=flows, flow_rule=rule)
    assert funded.equity.iloc[-1] > plain.equity.iloc[-1]  # the flows did land
    np.testing.assert_allclose(
        funded.returns.to_numpy(), plain.returns.to_numpy(), rtol=0, atol=1e-12
    )
    assert funded.cashflows.sum() == pytest.approx(sum(amounts))


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_contributions_never_sell_and_skip_funds_already_at_or_above_target(data, prices):
    """A contribution buys only funds below their post-flow target ``t_i (V + F)``."""
    mix = data.draw(mixes(list(prices.columns)))
    n = len(prices)
    pos = np.unique(data.draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=5)))
    amounts = data.draw(st.lists(st.floats(1.0, 50_000.0), min_size=len(pos), max_size=len(pos)))
    flows = pd.Series(amounts, index=prices.index[pos])
    result = tc.backtest(
        prices, buy_and_hold(mix), execution_lag=0, cashflows=flows, flow_rule="rebalance"
    )
    assert list(result.trades.index) == [prices.index[0], *flows.index]  # only flows trade
    shares = _shares(result, prices)
    px = _prices_with_cash(result, prices)
    target = pd.Series(mix).reindex(shares.columns, fill_value=0.0)
    for date, amount in flows.items():
        i = prices.index.get_loc(date)
        held = shares.iloc[i - 1] * px.iloc[i]
        trade = result.trades.loc[date].reindex(shares.columns, fill_value=0.0)
        assert (trade >= -1e-9).all()
        assert trade.sum() == pytest.approx(amount, rel=1e-12)
        full = held >= target * (held.sum() + amount)
        assert (trade[full].abs() <= 1e-9 * amount).all()
        before = (held / held.sum() - target).abs().sum()
        after = ((held + trade) / (held.sum() + amount) - target).abs().sum()
        assert after <= before + 1e-12


# ------------------------------------------------------------------ engine paths
def _calendar_strategy(draw: st.DrawFn, tickers: list[str]) -> Strategy:
    kind = draw(st.sampled_from(["fixed", "momentum", "trend", "never"]))
    schedule = draw(schedules_st)
    offset = draw(st.integers(-2, 2))
    if kind == "momentum":
        allocator = RelativeMomentum(
            tuple(tickers), top_n=draw(st.integers(1, 2)), lookback=f"{draw(st.integers(1, 10))}D"
        )
    elif kind == "trend":
        allocator = TrendFilter(
            tuple(tickers[:-1]), safe=tickers[-1], lookback=f"{draw(st.integers(1, 10))}D"
        )
    else:
        allocator = FixedWeights(draw(mixes(tickers)))
    rule = Never() if kind == "never" else OnSchedule()
    return Strategy(allocator, schedule=schedule, offset=offset, rebalance=rule)


@PROPERTY
@pytest.mark.filterwarnings("ignore::tactical.errors.WindowWarning")  # a window with no decision
@given(data=st.data(), prices=price_paths())
def test_vectorised_calendar_path_equals_the_event_loop(data, prices):
    strategy = _calendar_strategy(data.draw, list(prices.columns))
    bps = data.draw(st.sampled_from([None, 1.0, 10.0, 80.0]))
    costs = None if bps is None else tc.ProportionalCost(bps=bps, per_ticker={"F0": 2 * bps})
    lag = data.draw(st.integers(0, 3))
    watched = Strategy(
        strategy.allocator,
        schedule=strategy.schedule,
        offset=strategy.offset,
        rebalance=Watched(strategy.rebalance),
    )
    fast = tc.backtest(prices, strategy, costs=costs, execution_lag=lag, initial=INITIAL)
    loop = tc.backtest(prices, watched, costs=costs, execution_lag=lag, initial=INITIAL)
    _assert_same_run(fast, loop)
    assert fast.trades.columns.equals(loop.trades.columns)
    _assert_close(fast.costs, loop.costs, rtol=1e-9)


def _assert_same_run(fast: tc.BacktestResult, loop: tc.BacktestResult) -> None:
    """The vectorised path's result equals the event loop's (values, trades, rebalances)."""
    _assert_close(fast.equity, loop.equity, rtol=1e-11)
    _assert_close(fast.weights, loop.weights, rtol=1e-11)
    pd.testing.assert_frame_equal(fast.targets, loop.targets)
    _assert_close(fast.trades, loop.trades, rtol=1e-9)
    assert fast.n_rebalances == loop.n_rebalances
    assert fast.turnover == pytest.approx(loop.turnover, rel=1e-9, abs=1e-12)
    assert fast.rebalances.equals(loop.rebalances)


@PROPERTY
@pytest.mark.filterwarnings("ignore::tactical.errors.WindowWarning")  # a window with no decision
@given(data=st.data(), prices=price_paths())
def test_vectorised_contributions_equal_the_event_loop(data, prices):
    """Contributions by election on a calendar rule: the vectorised path equals the loop."""
    strategy = _calendar_strategy(data.draw, list(prices.columns))
    lag = data.draw(st.integers(0, 3))
    watched = Strategy(
        strategy.allocator,
        schedule=strategy.schedule,
        offset=strategy.offset,
        rebalance=Watched(strategy.rebalance),
    )
    n = len(prices)
    pos = np.unique(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=40)))
    amounts = data.draw(st.lists(st.floats(0.5, 50_000.0), min_size=len(pos), max_size=len(pos)))
    flows = pd.DataFrame(
        {"employee": amounts, "employer": np.round(np.asarray(amounts) / 3, 2)},
        index=prices.index[pos],
    )
    flows["total"] = flows["employee"] + flows["employer"]
    initial = data.draw(st.sampled_from([0.0, INITIAL]))
    start = prices.index[_window_start(prices, strategy, lag)]
    if initial == 0:  # money on the first bar (flows in a warm-up are left out)
        flows.loc[start] = [100.0, 0.0, 100.0]
        flows = flows.sort_index()
    run = {"execution_lag": lag, "initial": initial, "cashflows": flows}
    fast = tc.backtest(prices, strategy, **run)
    loop = tc.backtest(prices, watched, **run)
    _assert_same_run(fast, loop)
    assert fast.returns.index.equals(loop.returns.index)
    # r_t = (V_t - F_t) / V_{t-1} - 1 cancels when a flow dwarfs the account: scale by F / V
    flow = loop.cashflows.reindex(loop.returns.index, fill_value=0.0).abs()
    before = loop.equity.shift(1).reindex(loop.returns.index)
    bound = 1e-12 * (1.0 + float((flow / before).max()))
    assert float((fast.returns - loop.returns).abs().max()) <= bound
    pd.testing.assert_frame_equal(fast.flows, loop.flows)


@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_a_contribution_by_election_buys_the_latest_target(data, prices):
    """Each paycheck buys ``amount * target`` of the last decision before it, never selling."""
    strategy = _calendar_strategy(data.draw, list(prices.columns))
    lag = data.draw(st.integers(0, 2))
    start = _window_start(prices, strategy, lag)
    n = len(prices)
    if start >= n - 1:
        return
    pos = np.unique(data.draw(st.lists(st.integers(start + 1, n - 1), min_size=1, max_size=8)))
    amounts = data.draw(st.lists(st.floats(1.0, 50_000.0), min_size=len(pos), max_size=len(pos)))
    flows = pd.Series(amounts, index=prices.index[pos])
    cost = data.draw(st.sampled_from([None, tc.ProportionalCost(bps=10)]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tc.errors.WindowWarning)
        result = tc.backtest(prices, strategy, execution_lag=lag, cashflows=flows, costs=cost)
    targets = result.targets  # by decision date
    executed = set(result.rebalances) | {result.start}
    for date, amount in flows.items():
        if date in executed:  # a rebalance on the same bar: the flow is not separable
            continue
        decided = targets.loc[targets.index < date].iloc[-1]
        trade = result.trades.loc[date].reindex(decided.index, fill_value=0.0)
        bought = trade.sum() + (0.0 if cost is None else result.costs.get(date, 0.0))
        assert bought == pytest.approx(amount, rel=1e-9)
        np.testing.assert_allclose(trade.to_numpy(), decided.to_numpy() * trade.sum(), atol=1e-7)
        assert (trade >= -1e-9).all()


@dataclass(frozen=True)
class Watched:
    """Test-only wrapper of a calendar rule that asks to watch every bar (never breaching):
    the same trades, but the run goes through the event loop, not the vectorised path."""

    rule: object

    def decides_on_schedule(self, static: bool) -> bool:
        return self.rule.decides_on_schedule(static)  # type: ignore[attr-defined]

    def trades_on_decision(self) -> bool:
        return True

    def checks_every_bar(self) -> bool:
        return True

    def first_breach(self, values, target, holdings):
        return None


# ------------------------------------------------------------------ hygiene
@PROPERTY
@given(data=st.data(), prices=price_paths())
def test_inputs_are_never_mutated(data, prices):
    strategy = _any_strategy(data.draw, list(prices.columns))
    lag = data.draw(st.integers(0, 2))
    first = _window_start(prices, strategy, lag)
    flows = pd.Series([1_000.0, -200.0], index=prices.index[[first + 1, len(prices) - 2]])
    prices_before, flows_before = prices.copy(deep=True), flows.copy(deep=True)
    costs = tc.ProportionalCost(bps=5)
    repr_before = repr(strategy), repr(costs)
    tc.backtest(prices, strategy, execution_lag=lag, costs=costs, cashflows=flows)
    tc.backtest_many(
        prices,
        {"a": strategy, "b": buy_and_hold(list(prices.columns)[0])},
        costs=costs,
        cashflows=flows,
        execution_lag=lag,
    )
    pd.testing.assert_frame_equal(prices, prices_before)
    assert prices.index.freq == prices_before.index.freq
    pd.testing.assert_series_equal(flows, flows_before)
    assert (repr(strategy), repr(costs)) == repr_before


@PROPERTY
@pytest.mark.filterwarnings("ignore::tactical.errors.PriceSpikeWarning")  # x0.5..x2 scrambles
@given(data=st.data(), prices=price_paths(min_bars=30))
def test_perturbing_prices_after_a_date_leaves_the_past_unchanged(data, prices):
    """No look-ahead: scramble the future, and equity and decisions up to the cut stay put."""
    strategy = _any_strategy(data.draw, list(prices.columns))
    lag = data.draw(st.integers(0, 3))
    costs = data.draw(costs_st)
    original = tc.backtest(prices, strategy, execution_lag=lag, costs=costs)
    index = original.equity.index
    cut = data.draw(st.integers(1, len(index) - 2))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    future = prices.copy()
    later = future.index > index[cut]
    future.loc[later] = future.loc[later].to_numpy() * rng.uniform(
        0.5, 2.0, size=future.loc[later].shape
    )
    scrambled = tc.backtest(future, strategy, execution_lag=lag, costs=costs)
    assert scrambled.equity.index.equals(index)
    np.testing.assert_array_equal(
        scrambled.equity.iloc[: cut + 1].to_numpy(), original.equity.iloc[: cut + 1].to_numpy()
    )
    upto = index[cut]
    pd.testing.assert_frame_equal(scrambled.targets.loc[:upto], original.targets.loc[:upto])
    pd.testing.assert_frame_equal(scrambled.trades.loc[:upto], original.trades.loc[:upto])
    # and the scrambling did reach the future (otherwise the test proves nothing)
    assert scrambled.equity.iloc[-1] != original.equity.iloc[-1]
