"""Charts of sweeps, PBO, walk-forward and timing luck; the "Is it luck?" section."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.charts import robustness as charts
from tactical.metrics import expected_max_sharpe
from tactical.strategies import RelativeMomentum, Strategy

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MENU = ("A", "B", "C")


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    idx = pd.bdate_range("2011-01-03", periods=1400, name="date")
    r = rng.normal([3e-4, 1e-4, 2e-4], [0.012, 0.005, 0.01], (1400, 3))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


def make(lookback: int, top_n: int = 1) -> Strategy:
    return Strategy(RelativeMomentum(MENU, lookback=lookback, top_n=top_n))


@pytest.fixture(scope="module")
def sw(prices):
    return tc.sweep(prices, make, {"lookback": [21, 42, 63, 126], "top_n": [1, 2]})


@pytest.fixture(scope="module")
def wf(prices):
    return tc.walk_forward(prices, make, {"lookback": [21, 63]}, train="2Y", test="1Y")


@pytest.fixture(scope="module")
def luck(prices):
    return tc.timing_luck(prices, make(63), offsets=range(0, 20, 4))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_heatmap_cells_are_the_table_values(sw):
    ax = sw.plot_heatmap("lookback", "top_n", "sharpe")
    data = ax.images[0].get_array()
    expected = sw.table.pivot_table(index="top_n", columns="lookback", values="sharpe_ratio")
    np.testing.assert_allclose(np.asarray(data), expected.to_numpy())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["21", "42", "63", "126"]


def test_heatmap_takes_the_best_over_other_parameters(sw):
    ax = sw.plot_heatmap("lookback", "top_n", "cagr")
    assert "cagr" in ax.get_title()
    with pytest.raises(tc.errors.ConfigError, match="not a parameter"):
        sw.plot_heatmap("lookback", "window")


def test_distribution_marks_best_median_and_luck_line(sw):
    ax = sw.plot_distribution("sharpe")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    best = sw.table["sharpe_ratio"].max()
    assert labels[0] == f"best {best:.2f}"
    conv = sw.conventions
    sr0 = expected_max_sharpe(len(sw.table), conv["sharpe_variance"]) * math.sqrt(252)
    assert labels[2] == f"expected best of {len(sw.table)} by luck {sr0:.2f}"


def test_pbo_histogram(sw):
    res = sw.pbo(n_splits=8)
    ax = res.plot()
    assert ax.get_title().startswith(f"PBO = {res.pbo:.0%}")


def test_luck_table_numbers_come_from_the_objects(sw, wf, luck):
    table = charts.luck_table(sweep=sw, walk_forward=wf, timing=luck)
    best = sw.ranked("sharpe").iloc[0]
    assert table.loc["best Sharpe ratio of the sweep", "value"] == f"{best['sharpe_ratio']:.2f}"
    assert table.loc["deflated Sharpe ratio of the best", "value"] == (
        f"{best['deflated_sharpe']:.3f}"
    )
    assert table.loc["probability of backtest overfitting", "value"] == f"{sw.pbo().pbo:.0%}"
    assert "timing luck: CAGR across decision days" in table.index
    with pytest.raises(tc.errors.ConfigError, match="at least one"):
        charts.luck_table()


def test_luck_section_html_is_self_contained(sw, wf, luck):
    fragment = charts.luck_section_html(sweep=sw, walk_forward=wf, timing=luck)
    assert fragment.startswith('<section class="luck"><h2>Is it luck?</h2>')
    assert "data:image/png;base64," in fragment and "http" not in fragment
    assert "deflated Sharpe ratio of the best" in fragment


def test_luck_figure_has_a_panel_per_input_and_leaves_no_pyplot_figure(sw, wf, luck):
    plt.close("all")
    fig = charts.luck_figure(sweep=sw, walk_forward=wf, timing=luck)
    assert len(fig.axes) >= 4  # distribution, PBO, walk-forward, timing fan (+ colorbars none)
    assert plt.get_fignums() == []
    fig_one = charts.luck_figure(timing=luck)
    assert len(fig_one.axes) == 1


def test_charts_read_results_by_attribute_only():
    source = Path(charts.__file__).read_text(encoding="utf-8")
    assert "tactical.results" not in source.replace("``tactical.results``", "")
