"""Charts: what they draw, labels with units, stable colours, no global side effects."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tactical.charts import plots as plotting  # noqa: E402
from tactical.errors import ConfigError  # noqa: E402
from tactical.results import BacktestResult, ResultSet  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"


# ---------------------------------------------------------------- fixtures (hand-built results)


def simulate(
    name: str,
    prices: pd.DataFrame,
    decide: Callable[[pd.Timestamp], Mapping[str, float]],
    *,
    rebalance: bool = True,
    initial: float = 10_000.0,
) -> BacktestResult:
    """A result computed by hand: invest at the first close, rebalance at month ends.

    ``decide(date)`` gives target weights; with ``rebalance=False`` the first
    targets are bought and held. Test fixture only (no costs, no lag, no flows).
    """
    px = prices.to_numpy(dtype=float)
    tickers = list(prices.columns)
    dates = prices.index
    month_end = dates.to_series().groupby(dates.to_period("M")).transform("max") == dates
    shares = np.zeros(len(tickers))
    equity = np.empty(len(dates))
    holdings = np.empty((len(dates), len(tickers)))
    trade_rows, trade_dates, target_rows, target_dates = [], [], [], []
    one_way = 0.0
    for t, date in enumerate(dates):
        value = initial if t == 0 else float(shares @ px[t])
        if t == 0 or (rebalance and month_end.iloc[t] and t < len(dates) - 1):
            target = decide(date)
            w = np.array([target.get(k, 0.0) for k in tickers])
            new = value * w / px[t]
            delta = (new - shares) * px[t]
            if t == 0 or np.abs(delta).sum() > 1e-9 * value:
                trade_rows.append(np.where(np.abs(delta) > 1e-9, delta, 0.0))
                trade_dates.append(date)
                if t > 0:
                    one_way += np.abs(delta).sum() / (2 * value)
            target_rows.append(w)
            target_dates.append(date)
            shares = new
        holdings[t] = shares * px[t]
        equity[t] = holdings[t].sum()
    eq = pd.Series(equity, index=dates, name=name)
    weights = pd.DataFrame(holdings / equity[:, None], index=dates, columns=tickers)
    trades = pd.DataFrame(trade_rows, index=pd.DatetimeIndex(trade_dates), columns=tickers)
    return BacktestResult(
        name=name,
        equity=eq,
        returns=eq.pct_change().iloc[1:],
        weights=weights,
        targets=pd.DataFrame(target_rows, index=pd.DatetimeIndex(target_dates), columns=tickers),
        trades=trades,
        costs=pd.Series(0.0, index=trades.index),
        cashflows=pd.Series(dtype=float),
        turnover=float(one_way),
        n_rebalances=len(trades) - 1,
        config={"strategy": name, "schedule": "ME" if rebalance else "never"},
    )


def synthetic_prices(years: float = 4.0, seed: int = 3) -> pd.DataFrame:
    """Business-day prices of a volatile 'STK', a calm 'BND' and flat-ish 'CASH'."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-02", periods=int(252 * years), name="date")
    stk = rng.normal(0.0004, 0.012, len(dates))
    stk[300:340] -= 0.006  # a proper crash so drawdowns have depth
    bnd = rng.normal(0.00015, 0.003, len(dates))
    cash = np.full(len(dates), 0.00005)
    r = np.column_stack([stk, bnd, cash])
    return pd.DataFrame(100 * np.cumprod(1 + r, axis=0), index=dates, columns=["STK", "BND", CASH])


CASH = "CASH"


def trend(prices: pd.DataFrame, risky: str, safe: str, window: int = 200):
    sma = prices[risky].rolling(window, min_periods=1).mean()

    def decide(date: pd.Timestamp) -> dict[str, float]:
        return {risky: 1.0} if prices.at[date, risky] >= sma.at[date] else {safe: 1.0}

    return decide


def make_set(prices: pd.DataFrame, stock: str = "STK", bond: str = "BND") -> ResultSet:
    cash = CASH if CASH in prices.columns else bond
    return ResultSet(
        {
            "60/40 monthly": simulate("60/40 monthly", prices, lambda d: {stock: 0.6, bond: 0.4}),
            "Trend": simulate("Trend", prices, trend(prices, stock, cash)),
            stock: simulate(stock, prices, lambda d: {stock: 1.0}, rebalance=False),
            bond: simulate(bond, prices, lambda d: {bond: 1.0}, rebalance=False),
        }
    )


def real_prices(tickers: list[str], start: str = "2005-01-01") -> pd.DataFrame:
    frames = {}
    for t in tickers:
        f = DATA / f"{t}.csv"
        if not f.exists():
            pytest.skip(f"real price data not found at {f}")
        s = pd.read_csv(f, index_col="date", parse_dates=True)["adj_close"]
        frames[t] = s
    return pd.DataFrame(frames).loc[start:].dropna()


@pytest.fixture(scope="module")
def results() -> ResultSet:
    return make_set(synthetic_prices())


@pytest.fixture(autouse=True)
def _no_show_no_leaks(monkeypatch):
    """Charts never call show(), never change rcParams, and tests close what opens."""

    def boom(*args, **kwargs):
        raise AssertionError("plotting code called plt.show()")

    monkeypatch.setattr(plt, "show", boom)
    monkeypatch.setattr(Figure, "show", boom)
    before = dict(matplotlib.rcParams)
    yield
    after = dict(matplotlib.rcParams)
    changed = {k for k in before if before[k] != after[k]}
    plt.close("all")
    assert not changed, f"rcParams changed: {sorted(changed)}"


def _axes() -> plt.Axes:
    fig = Figure(figsize=(8, 4), layout="constrained")
    return fig.add_subplot()


def _line_colors(ax) -> dict[str, str]:
    return {
        line.get_label(): to_hex(line.get_color())
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    }


# ---------------------------------------------------------------- colours


def test_strategy_colors_are_positional_and_distinct(results):
    colors = plotting.strategy_colors(results)
    assert list(colors) == results.names
    assert len(set(colors.values())) == len(colors)
    assert colors == plotting.strategy_colors(list(results.names))
    # position, not name, decides: the first strategy always gets the first colour
    assert plotting.strategy_colors(["x"])["x"] == colors[results.names[0]]


def test_same_strategy_has_the_same_colour_on_every_chart(results):
    expected = plotting.strategy_colors(results)
    ax1 = plotting.plot_equity(results, ax=_axes())
    ax2 = plotting.plot_drawdowns(results, ax=_axes())
    ax3 = plotting.plot_rolling_returns(results, ax=_axes())
    ax4 = plotting.plot_annual_returns(results, ax=_axes())
    for ax in (ax1, ax2, ax3):
        assert _line_colors(ax) == expected
    bar_colors = {c.get_label(): to_hex(c.patches[0].get_facecolor()) for c in ax4.containers}
    assert bar_colors == expected


# ---------------------------------------------------------------- each chart


def test_plot_equity_draws_growth_of_initial_on_given_axes(results):
    ax = _axes()
    out = plotting.plot_equity(results, ax=ax, initial=10_000)
    assert out is ax
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert [ln.get_label() for ln in lines] == results.names
    first = lines[0]
    assert first.get_ydata()[0] == pytest.approx(10_000)
    expected_end = 10_000 * results[results.names[0]].growth_of().iloc[-1]
    assert first.get_ydata()[-1] == pytest.approx(expected_end)
    assert ax.get_yscale() == "linear"
    assert "$" in ax.get_ylabel()
    assert "2015-01-02" in ax.get_title(loc="left")
    assert ax.get_legend() is not None


def test_plot_equity_log_scale_says_so_and_ticks_are_dollars(results):
    ax = plotting.plot_equity(results, ax=_axes(), log=True)
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "Value ($, log scale)"
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all(lab.startswith("$") for lab in labels)


def test_plot_equity_benchmarks_by_name_are_dashed_and_external_are_grey(results):
    bench = results.returns["STK"].rename("External")
    ax = plotting.plot_equity(results, ax=_axes(), benchmarks=["STK"])
    styles = {ln.get_label(): ln.get_linestyle() for ln in ax.get_lines()}
    assert styles["STK"] == "--" and styles["Trend"] == "-"
    ax = plotting.plot_equity(results, ax=_axes(), benchmarks=bench)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert len(lines) == len(results) + 1
    ext = lines["External"]
    assert to_hex(ext.get_color()) not in plotting.strategy_colors(results).values()
    # compounded from the start date: ends where STK ends
    assert ext.get_ydata()[-1] == pytest.approx(lines["STK"].get_ydata()[-1])
    with pytest.raises(ConfigError, match="not strategies"):
        plotting.plot_equity(results, ax=_axes(), benchmarks="NOPE")


def test_plot_drawdowns_values_labels_and_marks(results):
    ax = plotting.plot_drawdowns(results, ax=_axes(), mark_worst=3)
    lines = {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}
    assert list(lines) == results.names
    g = results.growth(1.0)["STK"]
    assert np.nanmin(lines["STK"].get_ydata()) == pytest.approx((g / g.cummax() - 1).min())
    assert max(np.nanmax(ln.get_ydata()) for ln in lines.values()) <= 0.0
    assert len(ax.collections) == len(results)  # one set of marked troughs each
    marks = ax.collections[results.names.index("STK")].get_offsets()
    assert len(marks) == 3
    assert marks[:, 1].min() == pytest.approx((g / g.cummax() - 1).min())
    assert "%" in ax.get_ylabel()
    ax.figure.canvas.draw()
    assert all(t.get_text().endswith("%") for t in ax.get_yticklabels() if t.get_text())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    worst = _percent_text((g / g.cummax() - 1).min())
    assert f"STK (max {worst})" in legend
    ax0 = plotting.plot_drawdowns(results, ax=_axes(), mark_worst=0)
    assert len(ax0.collections) == 0
    one = plotting.plot_drawdowns(results["STK"], ax=_axes(), mark_worst=2)
    assert len(one.collections) == 2  # the underwater fill and the marks
    assert len(one.texts) == 2  # each marked trough states its depth


def _percent_text(x: float) -> str:
    return f"{x * 100:.1f}%".replace("-", "\N{MINUS SIGN}")


def test_worst_drawdown_episodes_are_separate():
    dd = pd.Series(
        [0, -0.1, -0.3, -0.2, 0, -0.05, 0, -0.4, -0.1],
        index=pd.bdate_range("2020-01-01", periods=9),
    )
    worst = plotting._worst_episodes(dd, 2)
    assert [v for _, v in worst] == [-0.4, -0.3]
    assert worst[1][0] == dd.index[2]


def test_plot_rolling_returns_12_and_36_months(results):
    ax12 = plotting.plot_rolling_returns(results, ax=_axes(), months=12)
    ax36 = plotting.plot_rolling_returns(results, ax=_axes(), months=36)
    assert ax12.get_ylabel() == "Return (%)"
    assert ax36.get_ylabel() == "Return (%, annualized)"
    assert "12-month" in ax12.get_title(loc="left") and "36-month" in ax36.get_title(loc="left")
    line12 = next(ln for ln in ax12.get_lines() if ln.get_label() == "STK")
    # the last point is the trailing 12-month return of the buy-and-hold
    eq = results["STK"].equity
    month_ends = eq.groupby(eq.index.to_period("M")).tail(1)
    assert line12.get_ydata()[-1] == pytest.approx(month_ends.iloc[-1] / month_ends.iloc[-13] - 1)
    assert len(line12.get_ydata()) == len(month_ends) + 1 - 12  # start value + month ends
    with pytest.raises(ConfigError, match="shorter than"):
        plotting.plot_rolling_returns(results, ax=_axes(), months=240)


def test_plot_annual_returns_grouped_bars(results):
    ax = plotting.plot_annual_returns(results, ax=_axes())
    years = sorted(set(results.returns.index.year))
    assert len(ax.patches) == len(years) * len(results)
    stk = next(c for c in ax.containers if c.get_label() == "STK")
    r = results["STK"].returns
    first_year = (1 + r[r.index.year == years[0]]).prod() - 1
    assert stk.patches[0].get_height() == pytest.approx(first_year)
    assert ax.get_ylabel() == "Return (%)"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1].endswith("*")  # the window ends in mid-December 2018: partial year


def test_plot_allocation_stacks_weights_and_marks_rebalances(results):
    trend = results["Trend"]
    ax = plotting.plot_allocation(results, ax=_axes(), name="Trend")
    areas = [c for c in ax.collections if c.get_label() in trend.weights.columns]
    held = [c for c in trend.weights.columns if (trend.weights[c] > 0).any()]
    assert [a.get_label() for a in areas] == held
    ticks = [c for c in ax.collections if c.get_label().startswith("Rebalance")]
    assert len(ticks) == 1
    assert len(ticks[0].get_segments()) == trend.n_rebalances
    assert ax.get_ylim() == (0.0, 1.0)
    assert "%" in ax.get_ylabel()
    assert "Trend" in ax.get_title(loc="left")
    plain = plotting.plot_allocation(trend, ax=_axes(), mark_rebalances=False)
    assert not [c for c in plain.collections if c.get_label().startswith("Rebalance")]


def test_holding_colours_are_shared_across_strategies(results):
    a = plotting.plot_allocation(results, ax=_axes(), name="60/40 monthly")
    b = plotting.plot_allocation(results, ax=_axes(), name="Trend")

    def colors(ax):
        areas = [c for c in ax.collections if not c.get_label().startswith("Rebalance")]
        return {c.get_label(): to_hex(c.get_facecolor()[0]) for c in areas}

    ca, cb = colors(a), colors(b)
    assert ca["STK"] == cb["STK"]
    assert cb[CASH] == "#c8c8c8"


def test_plot_monthly_heatmap_grid_and_values(results):
    ax = plotting.plot_monthly_heatmap(results, ax=_axes(), name="STK")
    assert len(ax.images) == 1
    n_years = len(set(results.returns.index.year))
    assert ax.images[0].get_array().shape == (n_years, 13)
    r = results["STK"].returns
    jan = (1 + r[(r.index.year == 2015) & (r.index.month == 1)]).prod() - 1
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].replace("\N{MINUS SIGN}", "-") == f"{jan * 100:.1f}"
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "Year"
    assert "(%)" in ax.get_title(loc="left")


def test_charts_accept_a_single_result_and_plain_returns(results):
    single = results["Trend"]
    returns = results.returns
    for obj in (single, returns, returns["Trend"]):
        assert plotting.plot_equity(obj, ax=_axes()).get_lines()
        assert plotting.plot_drawdowns(obj, ax=_axes()).get_lines()
        assert plotting.plot_annual_returns(obj, ax=_axes()).patches
        assert plotting.plot_monthly_heatmap(obj, ax=_axes()).images
    ax = plotting.plot_equity(returns, ax=_axes())
    # plain returns compound to the same growth as the results
    stk = next(ln for ln in ax.get_lines() if ln.get_label() == "STK")
    assert stk.get_ydata()[-1] == pytest.approx(10_000 * results["STK"].growth_of().iloc[-1])
    with pytest.raises(TypeError, match="expected"):
        plotting.plot_equity([1, 2, 3], ax=_axes())


def test_charts_open_a_pyplot_figure_only_when_no_ax_is_given(results):
    n = len(plt.get_fignums())
    ax = plotting.plot_equity(results)
    assert len(plt.get_fignums()) == n + 1
    plt.close(ax.figure)
    plotting.plot_equity(results, ax=_axes())
    assert len(plt.get_fignums()) == n


def test_inputs_are_not_mutated(results):
    before = {k: (r.equity.copy(), r.weights.copy(), r.trades.copy()) for k, r in results.items()}
    returns = results.returns
    returns_copy = returns.copy()
    for draw in (
        plotting.plot_equity,
        plotting.plot_drawdowns,
        plotting.plot_rolling_returns,
        plotting.plot_annual_returns,
    ):
        draw(results, ax=_axes())
        draw(returns, ax=_axes())
    plotting.plot_allocation(results, ax=_axes(), name="Trend")
    plotting.plot_monthly_heatmap(returns, ax=_axes())
    pd.testing.assert_frame_equal(returns, returns_copy)
    for k, (eq, w, tr) in before.items():
        pd.testing.assert_series_equal(results[k].equity, eq)
        pd.testing.assert_frame_equal(results[k].weights, w)
        pd.testing.assert_frame_equal(results[k].trades, tr)


def test_resultset_methods_delegate(results):
    assert results.plot_equity(ax=_axes(), log=True).get_yscale() == "log"
    assert results.plot_drawdowns(ax=_axes()).get_lines()
    assert results.plot_rolling_returns(ax=_axes(), months=36).get_lines()
    assert results.plot_annual_returns(ax=_axes()).patches
    assert "Trend" in results.plot_allocation("Trend", ax=_axes()).get_title(loc="left")
    assert results.plot_monthly_heatmap("STK", ax=_axes()).images


# ---------------------------------------------------------------- tear sheet


def table_for(results: ResultSet) -> pd.DataFrame:
    r = results.returns
    growth = results.growth(1.0)
    return pd.DataFrame(
        {
            "CAGR": growth.iloc[-1] ** (252 / len(r)) - 1,
            "Volatility": r.std() * np.sqrt(252),
            "Sharpe": r.mean() / r.std() * np.sqrt(252),
            "Max drawdown": (growth / growth.cummax() - 1).min(),
            "Rebalances": [results[k].n_rebalances for k in results],
        }
    )


def test_tear_sheet_is_one_figure_with_table_and_saves_png_and_pdf(results, tmp_path):
    n = len(plt.get_fignums())
    fig = plotting.tear_sheet(results, "Trend", table=table_for(results), path=tmp_path / "sheet")
    assert isinstance(fig, Figure)
    assert len(plt.get_fignums()) == n  # not a pyplot figure: nothing left open
    assert len(fig.axes) == 4
    growth, dd, alloc, table_ax = fig.axes
    assert growth.get_yscale() == "log" and "Trend" in alloc.get_title(loc="left")
    cells = [c.get_text().get_text() for c in table_ax.tables[0].get_celld().values()]
    assert "Sharpe" in cells and any(c.endswith("%") for c in cells)
    assert (tmp_path / "sheet.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "sheet.pdf").read_bytes()[:5] == b"%PDF-"
    plotting.tear_sheet(results, table=table_for(results), path=[tmp_path / "only.pdf"])
    assert (tmp_path / "only.pdf").exists() and not (tmp_path / "only.png").exists()
    with pytest.raises(ConfigError, match="suffix"):
        plotting.tear_sheet(results, table=table_for(results), path=tmp_path / "x.jpg")


def test_tear_sheet_without_table_says_why(results, monkeypatch):
    def fail(*args, **kwargs):
        raise ImportError("no summary here")

    monkeypatch.setattr(ResultSet, "summary", fail)
    fig = results.tear_sheet()
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "Metrics table unavailable" in texts and "no summary here" in texts


def test_tear_sheet_of_plain_returns_has_no_allocation_panel(results):
    fig = plotting.tear_sheet(results.returns, table=table_for(results))
    assert len(fig.axes) == 3


def test_table_formatting_percent_for_returns_plain_for_ratios(results):
    shown = plotting_format(table_for(results))
    assert shown.loc["STK", "CAGR"].endswith("%")
    assert shown.loc["STK", "Max drawdown"].startswith("-")
    assert not shown.loc["STK", "Sharpe"].endswith("%")
    assert shown.loc["Trend", "Rebalances"] == str(results["Trend"].n_rebalances)


def plotting_format(table: pd.DataFrame) -> pd.DataFrame:
    from tactical.charts.sheets import _format_table

    return _format_table(table)


# ---------------------------------------------------------------- real data


def test_real_data_charts_render(tmp_path):
    prices = real_prices(["SPY", "AGG"], start="2015-01-01")
    res = make_set(prices, "SPY", "AGG")
    fig = plotting.tear_sheet(res, "Trend", table=table_for(res), path=tmp_path / "real.png")
    assert fig.axes[0].get_lines()
    assert (tmp_path / "real.png").stat().st_size > 10_000


def test_importing_plotting_does_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, tactical.charts.plots, tactical.charts.sheets; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
