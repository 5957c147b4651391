"""Charts stay readable with many strategies: text contrast, table layout, busy charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tactical import charts as plotting  # noqa: E402
from tactical.errors import ConfigError  # noqa: E402

NAMES = [
    "60/40 buy & hold",
    "60/40 quarterly",
    "60/40 annual",
    "60/40 5/25 band",
    "Trend (10m SMA)",
    "Dual momentum (12m)",
    "Stocks (US_STOCKS)",
    "Bonds (TSY_10Y)",
    "60/40 monthly",
]


def _returns(n_strategies: int, years: int, seed: int = 3) -> pd.DataFrame:
    """Daily returns, one column per strategy, starting mid-year (a partial first year)."""
    dates = pd.bdate_range("1990-07-02", periods=252 * years, name="date")
    rng = np.random.default_rng(seed)
    values = rng.normal(3e-4, 0.01, (len(dates), n_strategies))
    names = (NAMES + [f"Strategy {i}" for i in range(len(NAMES), n_strategies)])[:n_strategies]
    return pd.DataFrame(values, index=dates, columns=names)


def _axes(size: tuple[float, float] = (12.0, 5.0)):
    return Figure(figsize=size, layout="constrained").add_subplot()


def _contrast_with_white(color: str) -> float:
    """WCAG 2 contrast ratio of ``color`` against white."""
    channels = np.array(to_rgb(color))
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    return 1.05 / (luminance + 0.05)


# ---------------------------------------------------------------- colours


def test_first_twelve_strategy_colours_read_as_text_on_white():
    colors = list(plotting.strategy_colors([f"s{i}" for i in range(12)]).values())
    assert len(set(colors)) == 12
    ratios = {c: round(_contrast_with_white(c), 2) for c in colors}
    assert all(r >= 3.0 for r in ratios.values()), ratios


def test_contrast_check_rejects_the_light_tab20_shades():
    # the check above can fail: the old 10th colour (light blue) does not pass it
    assert _contrast_with_white("#aec7e8") < 3.0
    assert _contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert _contrast_with_white("#000000") == pytest.approx(21.0)


def test_colours_are_the_same_by_position_on_the_heat_table_and_the_lines():
    returns = _returns(9, 4)
    expected = plotting.strategy_colors(list(returns.columns))
    ax = plotting.plot_annual_returns(returns, ax=_axes(), kind="heatmap")
    ticks = {t.get_text(): to_hex(t.get_color()) for t in ax.get_yticklabels()}
    assert ticks == expected
    lines = plotting.plot_equity(returns, ax=_axes())
    assert {ln.get_label(): to_hex(ln.get_color()) for ln in lines.get_lines()} == expected


# ---------------------------------------------------------------- calendar years


def test_many_strategies_get_a_heat_table_with_one_label_per_cell():
    returns = _returns(9, 27)
    ax = plotting.plot_annual_returns(returns, ax=_axes())
    n_years = len(set(returns.index.year))
    assert not ax.patches  # no bars
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (9, n_years)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(returns.columns)
    assert len(ax.texts) == 9 * n_years
    first = (1 + returns.iloc[:, 0][returns.index.year == 1990]).prod() - 1
    assert ax.texts[0].get_text().replace("\N{MINUS SIGN}", "-") == f"{first * 100:.0f}"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "1990*" and "(%)" in ax.get_title(loc="left")


def test_few_strategies_keep_grouped_bars_and_kind_overrides():
    few = _returns(3, 6)
    ax = plotting.plot_annual_returns(few, ax=_axes())
    n_years = len(set(few.index.year))
    assert len(ax.patches) == 3 * n_years and not ax.images
    many = _returns(9, 5)
    assert len(plotting.plot_annual_returns(many, ax=_axes(), kind="bars").patches) == 9 * 5 + 9
    assert plotting.plot_annual_returns(few, ax=_axes(), kind="heatmap").images
    # six strategies are too many series for bars even over few years
    assert plotting.plot_annual_returns(_returns(6, 3), ax=_axes()).images
    with pytest.raises(ConfigError, match="kind"):
        plotting.plot_annual_returns(few, ax=_axes(), kind="pie")  # type: ignore[arg-type]


def test_heat_table_of_very_many_years_has_a_colour_bar_instead_of_labels():
    returns = _returns(6, 45)
    ax = plotting.plot_annual_returns(returns, ax=_axes())
    assert not ax.texts
    assert len(ax.get_figure().axes) == 2  # the chart and its colour bar


def test_monthly_heatmap_labels_can_be_turned_off():
    returns = _returns(1, 3)
    assert len(plotting.plot_monthly_heatmap(returns, ax=_axes()).texts) > 30
    assert not plotting.plot_monthly_heatmap(returns, ax=_axes(), annotate=False).texts


# ---------------------------------------------------------------- tear-sheet table


def _summary(names: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = len(names)
    return pd.DataFrame(
        {
            "CAGR": rng.uniform(0.05, 0.13, n),
            "Alpha": rng.uniform(-0.01, 0.07, n),
            "Beta": rng.uniform(-0.1, 1.0, n),
            "Stdev": rng.uniform(0.07, 0.15, n),
            "Max drawdown": rng.uniform(-0.51, -0.10, n),
            "Sharpe": rng.uniform(0.4, 0.9, n),
            "Sortino": rng.uniform(0.7, 1.5, n),
            "Treynor": rng.uniform(0.08, 0.23, n),
        },
        index=names,
    )


@pytest.mark.parametrize("n_strategies", [4, 9, 12])
def test_every_tear_sheet_table_cell_fits_its_text(n_strategies):
    returns = _returns(n_strategies, 3)
    fig = plotting.tear_sheet(returns, table=_summary(list(returns.columns)))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    table = fig.axes[-1].tables[0]
    texts = [cell.get_text().get_text() for cell in table.get_celld().values()]
    assert any("drawdown" in t for t in texts)
    for (row, col), cell in table.get_celld().items():
        box = cell.get_window_extent(renderer)
        text = cell.get_text().get_window_extent(renderer)
        where = f"cell {(row, col)} {cell.get_text().get_text()!r}"
        assert box.x0 - 0.5 <= text.x0 and text.x1 <= box.x1 + 0.5, where
        assert box.y0 - 0.5 <= text.y0 and text.y1 <= box.y1 + 0.5, where
    # and the table stays inside the page
    page = fig.bbox
    whole = table.get_window_extent(renderer)
    assert page.x0 <= whole.x0 and whole.x1 <= page.x1


def test_tear_sheet_layout_ignores_a_global_style_and_restores_it():
    # quantstats (and seaborn) enlarge fonts globally on import; the page must still fit
    import matplotlib

    style = {"font.size": 13.2, "legend.fontsize": 12.1, "axes.titlesize": 13.2}
    returns = _returns(9, 3)
    with matplotlib.rc_context(style):
        before = dict(matplotlib.rcParams)
        fig = plotting.tear_sheet(returns, table=_summary(list(returns.columns)))
        assert dict(matplotlib.rcParams) == before
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for (row, col), cell in fig.axes[-1].tables[0].get_celld().items():
        box = cell.get_window_extent(renderer)
        text = cell.get_text().get_window_extent(renderer)
        assert box.x0 - 0.5 <= text.x0 and text.x1 <= box.x1 + 0.5, (row, col)
