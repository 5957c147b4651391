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


# ---------------------------------------------------------------- 30 colours and beyond


def _lab(color: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour."""
    c = np.array(to_rgb(color))
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1 = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2 = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = h2 - h1
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = (
        -2
        * np.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
        * np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2))))
    )
    return float(
        np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * dc / s_c * d_h / s_h)
    )


def test_the_colour_difference_matches_the_published_test_data():
    # Sharma, Wu and Dalal (2005), Table 1, pairs 1, 7 and 17
    assert _ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == (
        pytest.approx(2.0425, abs=1e-4)
    )
    assert _ciede2000(np.array([50, 0, 0]), np.array([50, -1, 2])) == pytest.approx(
        2.3669, abs=1e-4
    )
    assert _ciede2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == pytest.approx(
        27.1492, abs=1e-4
    )


def test_thirty_strategy_colours_are_distinct_and_read_as_text():
    colors = list(plotting.strategy_colors([f"s{i}" for i in range(30)]).values())
    assert len(set(colors)) == 30
    assert min(_contrast_with_white(c) for c in colors) >= 3.4
    labs = [_lab(c) for c in colors]
    closest = min(_ciede2000(labs[i], labs[j]) for i in range(30) for j in range(i + 1, 30))
    assert closest >= 12.0
    # none is a grey (greys are the external benchmarks')
    assert min(float(np.hypot(lab[1], lab[2])) for lab in labs) >= 25.0


def test_beyond_thirty_the_line_style_tells_repeated_colours_apart():
    names = [f"s{i}" for i in range(120)]
    colors = plotting.strategy_colors(names)
    styles = plotting.strategy_linestyles(names)
    assert colors["s30"] == colors["s0"] and styles["s30"] != styles["s0"]
    assert len({(colors[n], str(styles[n])) for n in names}) == 120
    ax = plotting.plot_equity(_returns(33, 2), ax=_axes())
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    first, again = lines[NAMES[0]], lines["Strategy 30"]
    assert to_hex(first.get_color()) == to_hex(again.get_color())
    assert first.get_linestyle() == "-" and again.get_linestyle() != "-"


# ---------------------------------------------------------------- no overprinting


def _text_boxes(fig: Figure) -> tuple[list[str], np.ndarray, object]:
    """Every visible non-empty text of a drawn figure and its box (x0, y0, x1, y1) in pixels."""
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    # tick labels exist for ticks outside the view too; only the drawn ticks' labels count
    every_tick_label, drawn = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                every_tick_label.update({id(tick.label1), id(tick.label2)})
            if not ax.axison:  # set_axis_off(): no axis is drawn
                continue
            for tick in axis._update_ticks():  # what Axis.draw draws
                drawn.update({id(tick.label1), id(tick.label2)})
    texts, boxes = [], []
    for t in fig.findobj(Text):
        if id(t) in every_tick_label and id(t) not in drawn:
            continue
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        texts.append(t.get_text())
        boxes.append((box.x0, box.y0, box.x1, box.y1))
    return texts, np.array(boxes), fig.bbox


def overprinted(fig: Figure, slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap (by more than ``slack`` pixels each way), and
    texts reaching outside the figure (paired with ``"<page edge>"``)."""
    texts, b, page = _text_boxes(fig)
    x0, y0, x1, y1 = (b[:, k][:, None] for k in range(4))
    wide = np.minimum(x1, x1.T) - np.maximum(x0, x0.T)
    tall = np.minimum(y1, y1.T) - np.maximum(y0, y0.T)
    hit = (wide > slack) & (tall > slack)
    np.fill_diagonal(hit, False)
    pairs = [(texts[i], texts[j]) for i, j in zip(*np.nonzero(np.triu(hit)), strict=True)]
    outside = (b[:, 0] < page.x0 - slack) | (b[:, 2] > page.x1 + slack)
    outside |= (b[:, 1] < page.y0 - slack) | (b[:, 3] > page.y1 + slack)
    return pairs + [(texts[i], "<page edge>") for i in np.nonzero(outside)[0]]


def test_the_overprint_check_finds_overlapping_and_clipped_text():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    ax.text(1.3, 0.2, "off the page", transform=ax.transAxes)
    found = overprinted(fig)
    assert ("first label", "second label") in found
    assert ("off the page", "<page edge>") in found
    clean = Figure(figsize=(4, 3))
    clean.add_subplot().set_title("alone")
    assert overprinted(clean) == []


def _result_set(n_strategies: int, years: int = 6, flows: bool = False):
    """``n_strategies`` fixed mixes of three synthetic funds, backtested by the engine."""
    import tactical as tc
    from tactical.strategies import FixedWeights, Strategy

    dates = pd.bdate_range("2010-01-04", periods=252 * years, name="date")
    rng = np.random.default_rng(7)
    r = rng.normal([4e-4, 1.5e-4, 3e-4], [0.012, 0.003, 0.009], (len(dates), 3))
    prices = pd.DataFrame(
        100 * np.cumprod(1 + r, axis=0), index=dates, columns=["STK", "BND", "INTL"]
    )
    names = NAMES + [f"Strategy number {i} with a long name" for i in range(len(NAMES), 200)]
    strategies = {}
    for i in range(n_strategies):
        w = rng.dirichlet(np.ones(3)).round(4)
        w[-1] = 1.0 - w[:-1].sum()
        mix = FixedWeights(dict(zip(prices.columns, w.tolist(), strict=True)))
        strategies[names[i]] = Strategy(mix, schedule="ME" if i % 2 else "QE")
    kwargs = {}
    if flows:
        kwargs["cashflows"] = tc.periodic_cashflows(dates, 500.0, "ME")
    return tc.backtest_many(prices, strategies, execution_lag=1, **kwargs)


@pytest.fixture(scope="module")
def sets():
    return {n: _result_set(n) for n in (2, 25)} | {"25 flows": _result_set(25, flows=True)}


CHARTS = {
    "equity": lambda r, ax: plotting.plot_equity(r, ax=ax, log=True),
    "drawdowns": lambda r, ax: plotting.plot_drawdowns(r, ax=ax),
    "rolling": lambda r, ax: plotting.plot_rolling_returns(r, ax=ax),
    "annual": lambda r, ax: plotting.plot_annual_returns(r, ax=ax),
    "allocation": lambda r, ax: plotting.plot_allocation(r, ax=ax),
    "heatmap": lambda r, ax: plotting.plot_monthly_heatmap(r, ax=ax),
    "balance": lambda r, ax: plotting.plot_balance(r, ax=ax),
}


@pytest.mark.parametrize("which", [2, 25, "25 flows"])
@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_no_chart_overprints_its_text_at_2_and_25_strategies(sets, which, chart):
    # drawn as a user draws it: a new figure of the chart's own size
    import matplotlib.pyplot as plt

    ax = CHARTS[chart](sets[which], None)
    try:
        assert overprinted(ax.get_figure()) == []
    finally:
        plt.close(ax.get_figure())


def test_a_legend_too_tall_for_its_chart_shrinks_then_lists_the_first_entries():
    ax = plotting.plot_equity(_returns(80, 2), ax=_axes((10.0, 4.0)))
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) < 80 and texts[-1].endswith("more not shown")
    shown = len(texts) - 1
    assert texts[-1].startswith(f"\N{HORIZONTAL ELLIPSIS} and {80 - shown} more")
    assert overprinted(ax.get_figure()) == []
    few = plotting.plot_equity(_returns(3, 2), ax=_axes())
    assert [t.get_text() for t in few.get_legend().get_texts()] == NAMES[:3]


@pytest.mark.parametrize("which", [2, 25, "25 flows"])
def test_the_tear_sheet_does_not_overprint_at_2_and_25_strategies(sets, which):
    results = sets[which]
    fig = plotting.tear_sheet(results, table=_summary(results.names))
    assert overprinted(fig) == []
    table = fig.axes[-1].tables[0]
    shown = {" ".join(c.get_text().get_text().split()) for c in table.get_celld().values()}
    assert all(_shown_as(name, 28) in shown for name in results.names)  # all in the table
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    labels = [t.get_text() for leg in legends for t in leg.get_texts()]
    assert all(any(lab.startswith(name) for lab in labels) for name in results.names)
    if which != 2:  # many strategies: one shared legend, not one per chart
        assert sum(name in labels for name in results.names) == len(results.names)
    assert fig.get_figwidth() == 8.5 and fig.get_figheight() >= 11.0


def _shown_as(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def test_a_tear_sheet_of_45_strategies_lists_40_and_says_so():
    results = _result_set(45, years=3)
    fig = plotting.tear_sheet(results, table=_summary(results.names))
    assert overprinted(fig) == []
    cells = {cell.get_text().get_text() for cell in fig.axes[-1].tables[0].get_celld().values()}
    assert _shown_as(results.names[39], 28) in cells
    assert _shown_as(results.names[40], 28) not in cells
    notes = " ".join(t.get_text() for t in fig.axes[-1].texts)
    assert "first 40 of 45 strategies" in notes


def test_a_wide_figure_takes_a_second_legend_column_before_cutting_entries():
    ax = plotting.plot_equity(_returns(40, 2), ax=_axes((16.0, 4.0)))
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == 40 and not texts[-1].endswith("not shown")
    assert legend._ncols == 2
    assert overprinted(ax.get_figure()) == []


def test_the_shared_legend_of_a_tear_sheet_names_external_benchmarks_too(sets):
    results = sets[25]
    external = results["60/40 buy & hold"].returns.rename("Outside index")
    fig = plotting.tear_sheet(results, table=_summary(results.names), benchmarks=external)
    assert overprinted(fig) == []
    labels = [
        t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]
    assert "Outside index" in labels
