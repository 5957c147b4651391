"""walk_forward: choices from the training window only, one continuous account, causal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError, InsufficientHistoryError
from tactical.robustness.walk_forward import WalkForwardAllocator, _folds, _parse_duration
from tactical.strategies import FixedWeights, RelativeMomentum, Strategy

MENU = ("A", "B", "C")


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    idx = pd.bdate_range("2010-01-01", "2016-12-30", name="date")
    r = rng.normal([3e-4, 1e-4, 2e-4], [0.012, 0.005, 0.01], (len(idx), 3))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


def make(lookback: int) -> Strategy:
    return Strategy(RelativeMomentum(MENU, lookback=lookback))


GRID = {"lookback": [30, 63, 126]}


@pytest.fixture(scope="module")
def wf(prices):
    return tc.walk_forward(
        prices, make, GRID, train="2Y", test="1Y", costs=tc.ProportionalCost(bps=10)
    )


def test_folds_tile_the_test_period_and_train_windows_precede_them(wf):
    f = wf.folds
    assert list(f.columns) == [
        "train_start",
        "train_end",
        "test_start",
        "test_end",
        "lookback",
        "in_sample",
        "out_of_sample",
    ]
    for k in range(len(f)):
        assert f.loc[k, "train_end"] < f.loc[k, "test_start"]
        if k:
            assert f.loc[k, "test_start"] > f.loc[k - 1, "test_end"]
    assert wf.result.start == f.loc[0, "test_start"]
    assert wf.result.end == f["test_end"].iloc[-1]
    # warm-up of 126 bars, decided on 2010-06-28 and invested on 2010-06-29 (execution_lag
    # 1), 2 training years: tests from 2012-06-29, 4.5 years
    assert f.loc[0, "train_start"] == pd.Timestamp("2010-06-29")
    assert f.loc[0, "test_start"] == pd.Timestamp("2012-06-29")
    assert len(f) == 5
    assert f.loc[4, "test_start"] == pd.Timestamp("2016-06-29")  # the last one is shorter


def test_each_choice_is_the_best_of_a_sweep_on_its_training_window_alone(prices, wf):
    for _, row in wf.folds.iterrows():
        known = prices.loc[: row["train_end"]]
        sw = tc.sweep(
            known, make, GRID, start=row["train_start"], costs=tc.ProportionalCost(bps=10)
        )
        assert sw.best("sharpe") == {"lookback": row["lookback"]}
        assert row["in_sample"] == pytest.approx(sw.table["sharpe_ratio"].max(), rel=1e-12)


def test_the_account_is_one_backtest_of_the_chosen_allocators(prices, wf):
    f = wf.folds
    switch = WalkForwardAllocator(
        tuple(f["test_start"]), tuple(make(int(lb)).allocator for lb in f["lookback"])
    )
    direct = tc.backtest(
        prices,
        Strategy(switch),
        start=f.loc[0, "test_start"],
        end=f["test_end"].iloc[-1],
        costs=tc.ProportionalCost(bps=10),
    )
    np.testing.assert_allclose(wf.result.equity.to_numpy(), direct.equity.to_numpy(), rtol=1e-13)
    # the switches are ordinary costed trades inside one account, never a reset to cash
    assert wf.result.total_costs > 0
    assert (wf.result.equity > 0).all()


def test_out_of_sample_metric_is_that_of_the_account_over_the_test_window(wf):
    row = wf.folds.iloc[1]
    window = wf.result.returns.loc[row["test_start"] : row["test_end"]]
    assert row["out_of_sample"] == pytest.approx(tc.metrics.sharpe_ratio(window), rel=1e-12)
    assert wf.out_of_sample == pytest.approx(tc.metrics.sharpe_ratio(wf.result.returns), 1e-12)
    assert wf.in_sample == pytest.approx(wf.folds["in_sample"].mean(), rel=1e-12)


def test_scrambling_prices_after_a_fold_changes_neither_its_choice_nor_the_equity_up_to_it(
    prices, wf
):
    k = 1
    cut = wf.folds.loc[k, "test_end"]
    later = prices.index > cut
    rng = np.random.default_rng(0)
    scrambled = prices.copy()
    scrambled.loc[later] = prices.loc[later].to_numpy()[rng.permutation(int(later.sum()))] * 1.7
    other = tc.walk_forward(
        scrambled, make, GRID, train="2Y", test="1Y", costs=tc.ProportionalCost(bps=10)
    )
    pd.testing.assert_frame_equal(
        other.folds.iloc[: k + 1][["lookback", "in_sample"]],
        wf.folds.iloc[: k + 1][["lookback", "in_sample"]],
    )
    pd.testing.assert_series_equal(other.result.equity.loc[:cut], wf.result.equity.loc[:cut])
    assert not other.result.equity.loc[cut:].iloc[1:].equals(wf.result.equity.loc[cut:].iloc[1:])


def test_anchored_windows_all_start_at_the_first_feasible_date(prices):
    wf = tc.walk_forward(prices, make, GRID, train="2Y", test="1Y", anchored=True)
    assert wf.folds["train_start"].nunique() == 1
    assert wf.folds["train_start"].iloc[0] == tc.feasible_start(prices, make(126))


def test_trading_day_durations_and_parsing():
    assert _parse_duration("10Y", "train") == ("Y", 10)
    assert _parse_duration("18m", "train") == ("M", 18)
    assert _parse_duration(126, "train") == ("D", 126)
    idx = pd.bdate_range("2020-01-01", periods=100)
    folds = _folds(idx, 0, 99, ("D", 40), ("D", 30), False, "40")
    assert folds == [(0, 39, 40, 69), (30, 69, 70, 99)]
    # one bar left over after the last full test window joins it (a window needs 2 dates)
    assert _folds(idx, 0, 100 - 30 - 1, ("D", 40), ("D", 29), False, "40") == [(0, 39, 40, 69)]
    assert _folds(idx, 0, 70, ("D", 40), ("D", 30), False, "40") == [(0, 39, 40, 70)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"train": "30Y"}, InsufficientHistoryError, "training window 30Y is longer than the data"),
        ({"train": "ten years"}, ConfigError, "duration"),
        ({"test": 0}, ConfigError, "at least 1"),
        ({"select": "luck"}, ConfigError, "select must be"),
    ],
)
def test_bad_input_is_named(prices, kwargs, error, match):
    with pytest.raises(error, match=match):
        tc.walk_forward(prices, make, GRID, **kwargs)


def test_variants_with_different_schedules_cannot_share_one_account(prices):
    def by_schedule(schedule: str) -> Strategy:
        return Strategy(FixedWeights({"A": 1.0}), schedule=schedule)

    with pytest.raises(ConfigError, match="share schedule"):
        tc.walk_forward(prices, by_schedule, {"schedule": ["ME", "QE"]}, train="2Y")


def test_plot_draws_in_and_out_of_sample(wf):
    import matplotlib

    matplotlib.use("Agg")
    ax = wf.plot()
    assert len(ax.patches) == 2 * len(wf.folds)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_payroll_account_walks_forward_on_the_paychecks_of_each_window(prices):
    # paychecks over the whole index, from $0: each training sweep sees those of its own
    # window (from its initial decision on), the out-of-sample account those from its start
    paid = prices.index[::10]
    flows = pd.DataFrame({"employee": 300.0, "employer": 150.0, "total": 450.0}, index=paid)
    with pytest.warns(tc.errors.WindowWarning, match="left out"):  # before the first test
        wf = tc.walk_forward(prices, make, GRID, train="2Y", test="1Y", initial=0, cashflows=flows)
    for _, row in wf.folds.iterrows():
        known = prices.loc[: row["train_end"]]
        decided = prices.index[prices.index.get_loc(row["train_start"]) - 1]  # lag 1
        own = flows.loc[decided : row["train_end"]]
        sw = tc.sweep(known, make, GRID, start=row["train_start"], initial=0, cashflows=own)
        assert sw.best("sharpe") == {"lookback": row["lookback"]}
        assert row["in_sample"] == pytest.approx(sw.table["sharpe_ratio"].max(), rel=1e-12)
    tested = flows.loc[flows.index >= wf.result.start - pd.Timedelta(days=1)]
    assert wf.result.contributed["total"] == pytest.approx(tested["total"].sum())
