"""tc.sweep: finals equal single backtests, metrics equal the metric functions, bad input named."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical import metrics
from tactical._progress import progress_bar
from tactical.errors import ConfigError, SweepError, VariantFailedWarning
from tactical.strategies import RelativeMomentum, Strategy

MENU = ("A", "B", "C", "D")


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    idx = pd.bdate_range("2012-01-02", periods=1500, name="date")
    drift = np.array([3e-4, 1e-4, 4e-4, 2e-4])
    r = rng.normal(drift, [0.012, 0.004, 0.015, 0.009], (1500, 4))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


def make(lookback: int, top_n: int = 1) -> Strategy:
    return Strategy(RelativeMomentum(MENU, lookback=lookback, top_n=top_n))


GRID = {"lookback": [30, 63, 126], "top_n": [1, 2]}


@pytest.fixture(scope="module")
def swept(prices):
    return tc.sweep(prices, make, GRID, costs=tc.ProportionalCost(bps=10))


def test_every_final_value_equals_a_single_backtest(prices, swept):
    for variant, row in swept.table.iterrows():
        res = tc.backtest(
            prices,
            make(int(row["lookback"]), int(row["top_n"])),
            start=swept.start,
            costs=tc.ProportionalCost(bps=10),
        )
        assert row["final_value"] == pytest.approx(res.equity.iloc[-1], rel=1e-12, abs=1e-9)
        np.testing.assert_array_equal(swept.returns[variant].to_numpy(), res.returns.to_numpy())
        assert row["n_rebalances"] == res.n_rebalances
        assert row["total_costs"] == pytest.approx(res.total_costs, rel=1e-12)


def test_common_window_is_the_latest_warm_up(prices, swept):
    assert swept.start == tc.feasible_start(prices, make(126))
    assert swept.end == prices.index[-1]
    assert list(swept.returns.index) == list(prices.index[prices.index > swept.start])


def test_table_has_params_in_grid_order_then_metrics(swept):
    assert swept.table[["lookback", "top_n"]].values.tolist() == [
        [30, 1],
        [30, 2],
        [63, 1],
        [63, 2],
        [126, 1],
        [126, 2],
    ]
    assert list(swept.table.columns[:3]) == ["lookback", "top_n", "final_value"]
    assert swept.params == ("lookback", "top_n")
    assert swept.table.attrs["conventions"]["cagr"].startswith("calendar years")


def test_metrics_equal_the_metric_functions(swept):
    r = swept.returns
    t = swept.table
    np.testing.assert_allclose(t["sharpe_ratio"], metrics.sharpe_ratio(r), rtol=1e-13)
    np.testing.assert_allclose(t["cagr"], metrics.cagr(r, start=swept.start), rtol=1e-13)
    np.testing.assert_allclose(t["max_drawdown"], metrics.max_drawdown(r), rtol=1e-13)
    np.testing.assert_allclose(t["sortino_ratio"], metrics.sortino_ratio(r), rtol=1e-13)
    np.testing.assert_allclose(t["annual_volatility"], metrics.annual_volatility(r), rtol=1e-13)
    calmar = metrics.calmar_ratio(r, start=swept.start)
    np.testing.assert_allclose(t["calmar_ratio"], calmar, rtol=1e-13)


def test_metrics_with_a_risk_free_rate_or_series_equal_the_metric_functions(prices):
    rate = tc.sweep(prices, make, GRID, risk_free=0.03)
    r = rate.returns
    np.testing.assert_allclose(rate.table["sharpe_ratio"], metrics.sharpe_ratio(r, 0.03), 1e-13)
    np.testing.assert_allclose(rate.table["sortino_ratio"], metrics.sortino_ratio(r, 0.03), 1e-13)
    rf = pd.Series(np.linspace(0, 1e-4, len(prices)), index=prices.index)
    series = tc.sweep(prices, make, GRID, risk_free=rf)
    np.testing.assert_allclose(series.table["sharpe_ratio"], metrics.sharpe_ratio(r, rf), 1e-13)
    np.testing.assert_allclose(series.table["calmar_ratio"], rate.table["calmar_ratio"], 1e-13)


def test_deflated_sharpe_uses_n_variants_and_their_sharpe_variance(swept):
    r = swept.returns
    sr = r.mean() / r.std()
    v = sr.var(ddof=1)
    for variant in r.columns:
        x = r[variant]
        expected = metrics.deflated_sharpe_ratio(
            sr[variant], len(x), len(r.columns), v, x.skew(), x.kurt() + 3
        )
        assert swept.table.loc[variant, "deflated_sharpe"] == pytest.approx(expected, rel=1e-10)
    best = swept.ranked("sharpe").index[0]
    assert swept.deflated_sharpe_ratio == swept.table.loc[best, "deflated_sharpe"]


def test_best_ranked_and_result(prices, swept):
    best = swept.best("sharpe")
    assert set(best) == {"lookback", "top_n"} and isinstance(best["lookback"], int)
    top = swept.ranked("sharpe_ratio").iloc[0]
    assert (top["lookback"], top["top_n"]) == (best["lookback"], best["top_n"])
    assert swept.best("volatility") == {
        k: swept.table.sort_values("annual_volatility").iloc[0][k] for k in ("lookback", "top_n")
    }
    res = swept.result(**best)
    direct = tc.backtest(prices, make(**best), start=swept.start, costs=tc.ProportionalCost(bps=10))
    pd.testing.assert_series_equal(res.equity, direct.equity, check_names=False)
    with pytest.raises(ConfigError, match="unknown sweep metric"):
        swept.best("sharp")


def test_list_of_dicts_runs_exactly_those_variants(prices):
    sw = tc.sweep(prices, make, [{"lookback": 42}, {"lookback": 84, "top_n": 2}])
    assert sw.table["lookback"].tolist() == [42, 84]
    assert pd.isna(sw.table.loc[0, "top_n"]) and sw.table.loc[1, "top_n"] == 2  # not given


def test_inputs_are_not_mutated(prices):
    before = prices.copy()
    grid = {"lookback": [30, 63]}
    tc.sweep(prices, make, grid)
    pd.testing.assert_frame_equal(prices, before)
    assert grid == {"lookback": [30, 63]}


@pytest.mark.parametrize(
    ("grid", "match"),
    [
        ({}, "grid is empty"),
        ([], "empty list"),
        ({"lookback": []}, "empty list"),
        ({"lookback": 30}, "must be a list"),
        ({"lookback": [30], "window": [5], "speed": [1]}, r"\['window', 'speed'\]"),
        ("lookback", "dict of lists"),
    ],
)
def test_bad_grids_are_named(prices, grid, match):
    with pytest.raises(ConfigError, match=match):
        tc.sweep(prices, make, grid)


def test_missing_required_parameter_and_unknown_option(prices):
    with pytest.raises(ConfigError, match="lacks parameter"):
        tc.sweep(prices, make, {"top_n": [1]})
    with pytest.raises(ConfigError, match="unknown backtest option"):
        tc.sweep(prices, make, {"lookback": [30]}, lag=0)


def test_a_failing_variant_is_named_and_the_others_kept(prices):
    def fragile(lookback: int) -> Strategy:
        if lookback == 63:
            raise ValueError("no such lookback today")
        return make(lookback)

    with pytest.warns(VariantFailedWarning, match=r"lookback=63: ValueError: no such lookback"):
        sw = tc.sweep(prices, fragile, {"lookback": [30, 63, 126]})
    assert sw.table["lookback"].tolist() == [30, 126]
    assert sw.errors.loc[1, "lookback"] == 63
    assert "no such lookback" in sw.errors.loc[1, "error"]


def test_a_variant_failing_inside_the_backtest_is_named(prices):
    with pytest.warns(VariantFailedWarning, match="lookback=5000"):
        sw = tc.sweep(prices, make, [{"lookback": 30}, {"lookback": 5000}], start="2013-01-02")
    assert list(sw.errors.index) == [1]


def test_every_variant_failing_raises(prices):
    with pytest.raises(SweepError, match="every variant failed"):
        tc.sweep(prices, lambda lookback: "not a strategy", {"lookback": [30, 63]})


class _Interrupt:
    tickers = MENU
    min_history = 1

    def __call__(self, history):
        raise KeyboardInterrupt


@pytest.mark.parametrize("threads", [False, True])
def test_ctrl_c_in_a_variant_stops_the_sweep(prices, threads):
    def maybe(lookback: int) -> Strategy:
        return Strategy(_Interrupt()) if lookback == 63 else make(lookback)

    grid = {"lookback": [30, 42, 63, 84, 105]}
    if threads:
        with ThreadPoolExecutor(2) as pool, pytest.raises(KeyboardInterrupt):
            tc.sweep(prices, maybe, grid, executor=pool, chunk_size=1)
    else:
        with pytest.raises(KeyboardInterrupt):
            tc.sweep(prices, maybe, grid, chunk_size=1)


def test_progress_rule():
    assert not progress_bar(10, "x", False).shown
    assert not progress_bar(10, "x", None).shown  # pytest's stderr is not a terminal
    with progress_bar(10, "x", True) as bar:
        assert bar.shown
        bar.update(10)
    with pytest.raises(ConfigError, match="progress"):
        progress_bar(10, "x", "yes")  # type: ignore[arg-type]


def test_sweep_pbo_runs_on_its_returns(swept):
    res = swept.pbo(n_splits=8)
    assert res.n_trials == 6 and len(res.logits) == math.comb(8, 4)


def test_bad_executor_is_named(prices):
    with pytest.raises(ConfigError, match="executor must be"):
        tc.sweep(prices, make, {"lookback": [30]}, executor="dask")


@pytest.mark.filterwarnings("ignore::tactical.errors.ZeroHurdleWarning")
def test_real_funds_sweep_finals_equal_single_backtests(shared_prices):
    from tactical.strategies import DualMomentum

    px = shared_prices("SPY", "EFA", "AGG")

    def dual(lookback: int, top_n: int) -> Strategy:
        return Strategy(DualMomentum(("SPY", "EFA"), safe="AGG", lookback=lookback, top_n=top_n))

    sw = tc.sweep(
        px, dual, {"lookback": [126, 252], "top_n": [1, 2]}, costs=tc.ProportionalCost(bps=5)
    )
    for _, row in sw.table.iterrows():
        res = tc.backtest(
            px,
            dual(int(row["lookback"]), int(row["top_n"])),
            start=sw.start,
            costs=tc.ProportionalCost(bps=5),
        )
        assert row["final_value"] == pytest.approx(res.equity.iloc[-1], rel=1e-12, abs=1e-9)
    assert 0.0 <= sw.deflated_sharpe_ratio <= 1.0


def test_momentum_scores_are_computed_once_per_lookback_and_shared_across_top_n(
    prices, monkeypatch
):
    signals = pytest.importorskip("tactical.strategies.signals")
    calls = []
    real = signals.trailing_return

    def counting(values, index, rows, lookback, skip=0):
        calls.append(lookback)
        return real(values, index, rows, lookback, skip)

    monkeypatch.setattr(signals, "trailing_return", counting)
    grid = {"lookback": [42, 63], "top_n": [1, 2, 3]}
    sw = tc.sweep(prices, make, grid, chunk_size=6)
    assert sorted(calls) == [42, 63]  # one score matrix per lookback, not per variant
    for _, row in sw.table.iterrows():  # and the same numbers as unshared backtests
        res = tc.backtest(prices, make(int(row["lookback"]), int(row["top_n"])), start=sw.start)
        assert row["final_value"] == res.final_balance


def test_an_account_from_zero_sweeps_from_its_first_paycheck(prices):
    # initial 0 and the first paycheck after the window's start: the account holds money (and
    # has returns) from that paycheck on, the same for every variant
    grid = {"lookback": [30, 126], "top_n": [1]}
    start = tc.feasible_start(prices, make(126))
    paid = prices.index[prices.index > start + pd.Timedelta(days=20)][::10]
    flows = pd.Series(750.0, index=paid)
    swept = tc.sweep(prices, make, grid, initial=0, cashflows=flows)
    assert swept.start == start
    for variant, row in swept.table.iterrows():
        res = tc.backtest(
            prices, make(int(row["lookback"])), start=start, initial=0, cashflows=flows
        )
        assert row["final_value"] == pytest.approx(res.final_balance, rel=1e-12)
        pd.testing.assert_series_equal(
            swept.returns[variant], res.returns, check_names=False, check_freq=False
        )
        # CAGR from the close before the first return (the first paycheck's), as a result's own
        first = prices.index[prices.index.get_loc(res.returns.index[0]) - 1]
        assert first == paid[0]
        assert row["cagr"] == pytest.approx(metrics.cagr(res.returns, start=first), rel=1e-12)
        assert row["turnover"] == pytest.approx(res.annual_turnover, rel=1e-12)
