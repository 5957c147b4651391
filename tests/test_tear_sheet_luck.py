"""The tear sheet's "Is it luck?" panel and interval tables on the sheet and the HTML report."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import tactical as tc  # noqa: E402
from tactical.charts import html_report, tear_sheet  # noqa: E402
from tactical.charts.robustness import (  # noqa: E402
    luck_panel_inches,
    luck_table,
    plot_luck_table,
)
from tactical.errors import ConfigError  # noqa: E402
from tactical.tables import interval_html  # noqa: E402
from test_plotting_readability import _result_set, overprinted  # noqa: E402
from test_robustness_charts import make, prices  # noqa: E402, F401  (the same prices fixture)


@pytest.fixture(scope="module")
def luck(prices) -> dict:  # noqa: F811 (the imported fixture)
    return {
        "sweep": tc.sweep(prices, make, {"lookback": [30, 42, 63, 126], "top_n": [1, 2]}),
        "walk_forward": tc.walk_forward(
            prices, make, {"lookback": [30, 63]}, train="2Y", test="1Y"
        ),
        "timing": tc.timing_luck(prices, make(63), offsets=range(0, 20, 4)),
    }


@pytest.fixture(scope="module")
def sets():
    return {n: _result_set(n) for n in (2, 25)}


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("which", [2, 25])
def test_the_luck_panel_sits_above_the_metrics_table_and_nothing_overprints(sets, luck, which):
    results = sets[which]
    fig = tear_sheet(results, luck=luck)
    assert overprinted(fig) == []
    panel, metrics = fig.axes[-2], fig.axes[-1]
    assert panel.get_title(loc="left") == "Is it luck?"
    assert metrics.get_title(loc="left") == "Metrics" and metrics.tables
    shown = " ".join(_texts(panel)).replace("\n", " ")
    checks = luck_table(**luck)
    for value in checks["value"]:
        assert value in shown
    assert "deflated Sharpe ratio of the best" in shown
    assert "probability of backtest overfitting" in shown
    assert "in-sample vs out-of-sample" in shown
    assert "timing luck: CAGR across decision days" in shown
    assert "Bailey & López de Prado (2014)" in shown  # the sources under the rows
    # every text of the panel lies inside its own axes (the height was enough)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = panel.get_window_extent(canvas.get_renderer())
    for text in panel.texts:
        extent = text.get_window_extent(canvas.get_renderer())
        assert box.y0 - 1 <= extent.y0 and extent.y1 <= box.y1 + 1, text.get_text()
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, text.get_text()
    assert fig.get_figwidth() == 8.5 and fig.get_figheight() >= 11.0


def test_without_luck_the_sheet_has_no_panel(sets, luck):
    plain = tear_sheet(sets[2])
    with_luck = tear_sheet(sets[2], luck=luck)
    assert len(with_luck.axes) == len(plain.axes) + 1
    assert all(ax.get_title(loc="left") != "Is it luck?" for ax in plain.axes)


def test_a_walk_forward_alone_gives_its_row_only(sets, luck):
    fig = tear_sheet(sets[2], luck={"walk_forward": luck["walk_forward"]})
    shown = " ".join(_texts(fig.axes[-2]))
    wf = luck["walk_forward"]
    assert f"{wf.in_sample:.2f} vs {wf.out_of_sample:.2f}" in shown
    assert "deflated" not in shown and "timing" not in shown
    assert overprinted(fig) == []


def test_values_are_coloured_by_status_and_the_reading_says_it_in_words():
    table = pd.DataFrame(
        {
            "value": ["0.412", "71%", "12%", "1.00 vs 0.20"],
            "reading": ["fails: not distinguishable from luck", "high", "low", "note"],
            "status": ["fail", "fail", "pass", ""],
        },
        index=["deflated", "pbo high", "pbo low", "walk-forward"],
    )
    ax = plot_luck_table(table)
    colors = {t.get_text(): to_hex(t.get_color()) for t in ax.texts}
    assert colors["0.412"] == colors["71%"] == "#c62828"
    assert colors["12%"] == "#1a7f37"
    assert colors["1.00 vs 0.20"] == "#222222"
    assert overprinted(ax.get_figure()) == []
    import matplotlib.pyplot as plt

    plt.close(ax.get_figure())


def test_luck_table_status_follows_the_thresholds(luck):
    checks = luck_table(**luck)
    dsr = float(checks.loc["deflated Sharpe ratio of the best", "value"])
    assert checks.loc["deflated Sharpe ratio of the best", "status"] == (
        "pass" if dsr >= 0.95 else "fail"
    )
    pbo = luck["sweep"].pbo().pbo
    expected = "pass" if pbo < 0.2 else "fail" if pbo > 0.5 else "caution"
    assert checks.loc["probability of backtest overfitting", "status"] == expected
    assert checks.loc["timing luck: final value", "status"] == ""


def test_the_panel_height_grows_with_wrapped_text():
    one = pd.DataFrame({"value": ["1"], "reading": ["short"], "status": [""]}, index=["a"])
    long = one.assign(reading=["a reading long enough to wrap onto several lines " * 3])
    assert luck_panel_inches(long, 6.0) > luck_panel_inches(one, 6.0)
    assert luck_panel_inches(one, 6.0) > luck_panel_inches(one.iloc[:0], 6.0)


@pytest.mark.parametrize(
    ("luck_arg", "match"),
    [
        ({"sweeps": 1}, r"unknown key\(s\) \['sweeps'\]"),
        ({}, "at least one of"),
        ({"sweep": None}, "at least one of"),
        ([1], "luck must be a dict"),
    ],
)
def test_a_bad_luck_argument_is_a_config_error(sets, tmp_path, luck_arg, match):
    with pytest.raises(ConfigError, match=match):
        tear_sheet(sets[2], luck=luck_arg)
    with pytest.raises(ConfigError, match=match):
        html_report(sets[2], tmp_path / "r.html", luck=luck_arg)


def test_result_set_tear_sheet_takes_luck_and_saves_png_and_pdf(sets, luck, tmp_path):
    fig = sets[2].tear_sheet(luck=luck, path=tmp_path / "sheet")
    assert fig.axes[-2].get_title(loc="left") == "Is it luck?"
    assert (tmp_path / "sheet.png").stat().st_size > 10_000
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")


def test_interval_tables_show_value_and_interval_on_the_sheet_and_the_report(sets, tmp_path):
    results = sets[2]
    table = results.summary(risk_free=0.0, intervals=tc.Intervals(n=30, seed=1))
    row = table.iloc[0]
    cagr = f"{row['cagr']:.2%} [{row['cagr_lo']:.2%}, {row['cagr_hi']:.2%}]"
    fig = tear_sheet(results, table=table)
    cells = {c.get_text().get_text() for c in fig.axes[-1].tables[0].get_celld().values()}
    assert cagr in cells
    assert overprinted(fig) == []
    page = html_report(results, tmp_path / "r.html", table=table).read_text(encoding="utf-8")
    assert interval_html(cagr) in page and "cagr_lo" not in page and "cagr_hi" not in page
    assert "95% percentile intervals of the stationary bootstrap" in page


def _cells_fit(fig) -> list[str]:
    """Table cells whose text reaches outside the cell (empty when every cell fits)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    bad = []
    for (row, col), cell in fig.axes[-1].tables[0].get_celld().items():
        box, text = cell.get_window_extent(renderer), cell.get_text().get_window_extent(renderer)
        if not (box.x0 - 0.5 <= text.x0 and text.x1 <= box.x1 + 0.5):
            bad.append(f"{(row, col)} {cell.get_text().get_text()!r} too wide")
        if not (box.y0 - 0.5 <= text.y0 and text.y1 <= box.y1 + 0.5):
            bad.append(f"{(row, col)} {cell.get_text().get_text()!r} too tall")
    return bad


@pytest.mark.parametrize("n_strategies", [2, 5, 7, 9, 25])
def test_a_wide_interval_table_fits_its_cells_stacked_or_left_out(n_strategies, luck):
    results = _result_set(n_strategies)
    first = results.names[0]
    table = results.summary(  # with a benchmark: all 8 headline columns, 5 with intervals
        benchmark=first, risk_free=0.0, intervals=tc.Intervals(n=20, seed=1)
    )
    fig = tear_sheet(results, table=table, luck=luck)
    assert _cells_fit(fig) == []
    assert overprinted(fig) == []
    texts = [c.get_text().get_text() for c in fig.axes[-1].tables[0].get_celld().values()]
    value = f"{table.loc[first, 'cagr']:.2%}"
    bounds = f"[{table.loc[first, 'cagr_lo']:.2%}, {table.loc[first, 'cagr_hi']:.2%}]"
    notes = " ".join(t.get_text() for t in fig.axes[-1].texts)
    if f"{value} {bounds}" in texts:  # inline
        pass
    elif f"{value}\n{bounds}" in texts:  # stacked: the interval under its value
        pass
    else:  # too wide even stacked: values only, and the page says where the intervals are
        assert value in texts
        assert "the intervals are too wide for this page" in notes
