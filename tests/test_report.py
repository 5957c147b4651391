"""Summary table: agrees with the metric functions, states its window and conventions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tactical
from tactical import metrics as m
from tactical.errors import FrequencyError, MetricError, MetricWarning
from tactical.report import (
    COLUMNS,
    format_summary,
    summary,
    summary_html,
    to_markdown,
    to_text,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def read_prices(*tickers: str) -> pd.DataFrame:
    folder = DATA / "prices"
    if not folder.is_dir():
        pytest.skip(f"real data folder {folder} is absent")
    return pd.DataFrame(
        {
            t: pd.read_csv(folder / f"{t}.csv", index_col="date", parse_dates=True)["adj_close"]
            for t in tickers
        }
    )


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return read_prices("SPY", "AGG", "EFA").loc["2004-01-01":"2024-12-31"].dropna()


@pytest.fixture(scope="module")
def daily(prices) -> pd.DataFrame:
    r = prices.pct_change().iloc[1:]
    r["60/40 daily"] = 0.6 * r["SPY"] + 0.4 * r["AGG"]
    return r[["SPY", "EFA", "60/40 daily"]]


@pytest.fixture(scope="module")
def window(prices):
    return prices.index[0], prices.index[-1]


def test_columns_agree_with_the_metric_functions(daily, window):
    table = summary(daily, benchmark="SPY", risk_free=0.02, window=window)
    mon = m.period_returns(daily, "monthly")
    b = mon["SPY"]
    start = window[0]
    expected = {
        "total_return": m.total_return(daily),
        "cagr": m.cagr(daily, start=start),
        "volatility": m.annual_volatility(mon),
        "sharpe": m.sharpe_ratio(mon, 0.02),
        "sortino": m.sortino_ratio(mon, 0.02),
        "max_drawdown": m.max_drawdown(daily),
        "calmar": m.cagr(daily, start=start) / m.max_drawdown(daily).abs(),
        "ulcer_index": m.ulcer_index(daily),
        "best_month": m.best_month(daily),
        "worst_month": m.worst_month(daily),
        "best_year": m.best_year(daily),
        "worst_year": m.worst_year(daily),
        "positive_periods": m.positive_periods(mon),
        "var": m.value_at_risk(mon),
        "cvar": m.conditional_value_at_risk(mon),
        "skew": m.skew(mon),
        "kurtosis": m.kurtosis(mon),
        "alpha": m.alpha(mon, b, 0.02),
        "beta": m.beta(mon, b, 0.02),
        "treynor": m.treynor_ratio(mon, b, 0.02),
        "correlation": m.correlation(mon, b),
        "up_capture": m.up_capture(mon, b),
        "down_capture": m.down_capture(mon, b),
        "tracking_error": m.tracking_error(mon, b),
    }
    for column, values in expected.items():
        np.testing.assert_allclose(table[column], values, rtol=1e-12, atol=1e-15, err_msg=column)
    ir = m.information_ratio(mon[["EFA", "60/40 daily"]], b)
    np.testing.assert_allclose(
        table.loc[["EFA", "60/40 daily"], "information_ratio"], ir, rtol=1e-12
    )
    assert np.isnan(table.loc["SPY", "information_ratio"])  # the benchmark's own row
    assert set(table.columns) <= set(COLUMNS)
    assert table.dtypes.map(pd.api.types.is_float_dtype).all()


def test_drawdown_length_in_days(daily, window):
    table = summary(daily[["SPY"]], window=window)
    info = m.max_drawdown_info(daily["SPY"], start=window[0])
    assert table.loc["SPY", "max_drawdown_days"] == (info.recovery - info.peak).days


@pytest.mark.parametrize(
    ("preset", "frequency", "ppy"), [("daily", "daily", 252), ("calendar_year", "yearly", 1)]
)
def test_presets_change_the_return_frequency(daily, window, preset, frequency, ppy):
    table = summary(daily, conventions=preset, window=window)
    agg = m.period_returns(daily, frequency)
    np.testing.assert_allclose(
        table["volatility"], m.annual_volatility(agg, periods_per_year=ppy), rtol=1e-12
    )


def test_month_end_drawdowns_are_shallower(daily, window):
    daily_dd = summary(daily, window=window)["max_drawdown"]
    month_end = summary(daily, conventions="month_end", window=window)["max_drawdown"]
    np.testing.assert_allclose(month_end, m.max_drawdown(m.period_returns(daily, "monthly")))
    assert (month_end >= daily_dd).all()


def test_empyrical_preset_reproduces_empyrical_conventions(daily):
    table = summary(daily, benchmark="SPY", conventions="empyrical")
    np.testing.assert_allclose(table["cagr"], m.cagr(daily), rtol=1e-12)
    np.testing.assert_allclose(
        table["alpha"], m.alpha(daily, daily["SPY"], annualization="geometric"), rtol=1e-12
    )
    assert "252 per year" in " ".join(table.attrs["notes"])


def test_risk_free_series_is_compounded_to_the_period(daily, window):
    rate = m.per_period_rate(0.03, 252)
    rf = pd.Series(rate, index=daily.index, name="cash")
    table = summary(daily, risk_free=rf, risk_free_label="flat 3% cash", window=window)
    mon = m.period_returns(daily, "monthly")
    rf_monthly = m.period_returns(rf, "monthly")
    np.testing.assert_allclose(table["sharpe"], m.sharpe_ratio(mon, rf_monthly), rtol=1e-12)
    assert any("flat 3% cash (per-period returns)" in line for line in table.attrs["notes"])


def test_real_tbill_cash_rate_series(daily, prices, window):
    from tactical import data

    if not (DATA / "rates" / "DTB3.csv").exists():
        pytest.skip("the real DTB3 rates beside the repository (shared data) are absent")
    quotes = pd.read_csv(DATA / "rates" / "DTB3.csv", index_col="date", parse_dates=True)["value"]
    cash = data.cash_returns(quotes, prices.index).loc[daily.index]  # first date: NaN
    table = summary(daily, risk_free=cash, risk_free_label="DTB3", window=window)
    zero = summary(daily, window=window)
    assert (table["sharpe"] < zero["sharpe"]).all()  # cash earned about 1.5 %/yr


def test_window_and_conventions_are_stated(daily, window):
    table = summary(daily, benchmark="SPY", window=window)
    assert table.attrs["window"] == window
    text = to_text(table)
    assert text.splitlines()[0] == "Window: 2004-01-02 to 2024-12-31 (21.00 years)"
    for needle in ("Benchmark: SPY", "conventions: monthly", "monthly (12/yr", "daily closes"):
        assert needle in text
    no_window = to_text(summary(daily))
    assert "start date not given" in no_window and "window start not given" in no_window


def test_formatters_render_percentages_with_two_decimals(daily, window):
    table = summary(daily, benchmark="SPY", window=window)
    cagr = f"{table.loc['SPY', 'cagr']:.2%}"
    md = to_markdown(table)
    assert f"| SPY | {cagr} |" in md and "|---|---:|" in md
    html = summary_html(table.rename(index={"EFA": "<EFA & co>"}))
    assert "&lt;EFA &amp; co&gt;" in html and "<caption>Window: 2004-01-02" in html
    assert f'<td style="text-align:right">{cagr}</td>' in html
    everything = format_summary(table, columns="all")
    assert "Information ratio" in everything and "n/a" in everything
    with pytest.raises(MetricError, match="no column"):
        format_summary(table, columns=["nope"])


def test_different_windows_are_never_compared_silently(daily):
    short = daily.copy()
    short.loc[:"2005-12-31", "EFA"] = np.nan
    with pytest.raises(MetricError, match=r"different windows .*'EFA': 2006-01-03"):
        summary(short)
    table = summary(short, align="common")
    assert table.attrs["window"][0] == pd.Timestamp("2006-01-03")


def test_benchmark_must_cover_the_window(daily):
    bench = daily["SPY"].loc["2005":]
    with pytest.raises(MetricError, match="benchmark has no return on .* first 2004-01-05"):
        summary(daily[["EFA"]], benchmark=bench)


def test_bad_inputs_have_specific_messages(daily, prices):
    with pytest.raises(MetricError, match="divide by 100"):
        summary(daily, risk_free=4.5)
    with pytest.raises(MetricError, match="look like prices"):
        summary(prices)
    mon = m.period_returns(daily, "monthly")
    with pytest.raises(FrequencyError, match="needs returns at least that frequent"):
        summary(mon, conventions="daily")
    with pytest.raises(FrequencyError, match="drawdown='daily'"):
        summary(mon)
    assert summary(mon, conventions="month_end").shape[0] == 3
    holed = daily.copy()
    holed.iloc[100, 1] = np.nan
    with pytest.raises(MetricError, match="NaN"):
        summary(holed)


def test_bond_fund_against_stocks_has_no_treynor(prices):
    r = prices[["SPY", "AGG"]].pct_change().iloc[1:]
    with pytest.warns(MetricWarning, match=r"treynor_ratio is NaN for .AGG.: beta is below 0.1"):
        table = summary(r, benchmark="SPY")
    assert np.isnan(table.loc["AGG", "treynor"]) and abs(table.loc["AGG", "beta"]) < 0.1


def test_input_is_not_mutated(daily):
    before = daily.copy()
    summary(daily, benchmark="SPY", risk_free=0.01)
    pd.testing.assert_frame_equal(daily, before)


def test_series_input_gives_one_row(daily):
    table = summary(daily["EFA"])
    assert list(table.index) == ["EFA"]


# --------------------------------------------------------------------------- engine
def test_result_set_summary_with_standard_benchmarks(prices):
    """Integration: the engine's ResultSet feeds the table with its window."""
    px = prices.loc["2015-01-01":"2019-12-31", ["SPY", "AGG"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricWarning)
        runs = tactical.backtest_many(px, tactical.standard_benchmarks(), execution_lag=0)
        table = runs.summary(benchmark="SPY")
    assert table.attrs["window"] == runs.window
    spy = runs["SPY"].returns
    assert table.loc["SPY", "cagr"] == pytest.approx(m.cagr(spy, start=runs.window[0]), rel=1e-12)
    assert table.loc["SPY", "cagr"] == pytest.approx(
        (px["SPY"].iloc[-1] / px["SPY"].iloc[0]) ** (365.25 / (px.index[-1] - px.index[0]).days)
        - 1,
        rel=1e-9,
    )
    strategies = runs.returns[["60/40"]].rename(columns={"60/40": "mine"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricWarning)
        combined = tactical.with_standard_benchmarks(
            strategies, px, window=runs.window, execution_lag=0
        )
    assert list(combined.columns) == ["mine", "SPY", "AGG", "60/40"]
    np.testing.assert_allclose(combined["mine"], combined["60/40"], rtol=1e-12)


def test_formatted_cells_never_show_a_negative_zero():
    table = pd.DataFrame({"cagr": [-1e-12, 0.0123], "sharpe": [-1e-9, 1.0]}, index=["A", "B"])
    text = format_summary(table, columns=["cagr", "sharpe"])
    assert "-0.00" not in text
    assert "0.00%" in text and "1.23%" in text and "1.00" in text


# --------------------------------------------------------------------------- issue fixes
def _synthetic(n: int = 300) -> pd.DataFrame:
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    rng = np.random.default_rng(7)
    market = rng.normal(3e-4, 0.01, n)
    return pd.DataFrame({"A": 0.5 * market + 1e-4, "B": market}, index=idx)


def test_summary_of_zero_columns_is_a_clear_error():
    with pytest.raises(MetricError, match="no columns: pass one column of returns"):
        summary(_synthetic().iloc[:, :0])


def test_window_that_is_not_a_pair_is_a_clear_error():
    with pytest.raises(MetricError, match=r"window must be a \(start, end\) pair"):
        summary(_synthetic(), window=("2015-01-01",))


def test_no_risk_free_rate_is_stated_and_warned():
    from tactical.errors import RiskFreeWarning

    r = _synthetic()
    with pytest.warns(RiskFreeWarning, match="no risk-free rate given"):
        table = summary(r)
    assert "risk-free: none given, 0.00%/yr used (pass risk_free=...)" in table.attrs["notes"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RiskFreeWarning)
        stated = summary(r, risk_free=0.0)  # a zero rate on purpose: no warning
    assert "risk-free: constant 0.00%/yr" in stated.attrs["notes"]
    pd.testing.assert_frame_equal(pd.DataFrame(table), pd.DataFrame(stated))


def test_benchmark_gap_advice_says_what_fixes_it():
    r = _synthetic()
    late = r["B"].iloc[50:]
    with pytest.raises(MetricError, match="starts on .*tactical.data.splice"):
        summary(r[["A"]], benchmark=late, risk_free=0.0)
    holed = r["B"].drop(r.index[100])
    with pytest.raises(MetricError, match="splicing does not fill such gaps"):
        summary(r[["A"]], benchmark=holed, risk_free=0.0)
    ends_early = r.copy()
    ends_early.iloc[-10:, 0] = np.nan
    with pytest.raises(MetricError, match="ends early needs its later returns") as err:
        summary(ends_early, risk_free=0.0)
    assert "splice" not in str(err.value)


def test_new_column_is_the_metric_function_even_for_a_risk_free_series():
    """The correlation column is correlation() of the returns (the old inline copy used
    excess returns, which moved it when the risk-free rate varied)."""
    r = _synthetic()
    rf = pd.Series(np.linspace(0, 2e-4, len(r)), index=r.index)
    table = summary(r, benchmark="B", risk_free=rf)
    mon = m.period_returns(r, "monthly")
    np.testing.assert_allclose(table["correlation"], m.correlation(mon, mon["B"]), rtol=1e-12)
    np.testing.assert_allclose(table["sharpe"], m.sharpe_ratio(mon, rf), rtol=1e-12)


def test_report_runs_no_engine_and_the_old_names_say_where_they_went():
    import ast

    import tactical.report as report

    tree = ast.parse(Path(report.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    higher = {"tactical", "tactical.backtest", "tactical.comparison", "tactical.results"}
    assert not imported & higher, imported & higher
    assert not any(
        str(name).startswith(("tactical.strategies", "tactical.charts")) for name in imported
    )
    with pytest.raises(AttributeError, match="renamed tactical.report.summary_html"):
        report.to_html  # noqa: B018
    with pytest.raises(AttributeError, match="use tactical.with_standard_benchmarks"):
        report.with_standard_benchmarks  # noqa: B018
    with pytest.raises(MetricError, match="renamed columns='headline'"):
        format_summary(summary(_synthetic(), risk_free=0.0), columns="seed")
    assert tactical.with_standard_benchmarks.__module__ == "tactical.comparison"


# --------------------------------------------------------------------------- accounts
def _growing_prices(n: int = 520) -> pd.DataFrame:
    """One fund growing exactly 5 %/yr per calendar day (act/365)."""
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    days = (idx - idx[0]).days.to_numpy()
    return pd.DataFrame({"FND": 100 * 1.05 ** (days / 365)}, index=idx)


def test_summary_with_flows_gains_money_columns():
    from tactical.strategies import buy_and_hold

    prices = _growing_prices()
    flows = tactical.periodic_cashflows(prices.index, 500.0)
    saver = tactical.backtest(prices, buy_and_hold("FND"), initial=1_000.0, cashflows=flows)
    lump = tactical.backtest(prices, buy_and_hold("FND"), initial=1_000.0)
    runs = tactical.ResultSet({"saver": saver, "lump": lump})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricWarning)  # a price that never falls
        table = runs.summary(risk_free=0.0)
    assert table.loc["saver", "final_balance"] == saver.equity.iloc[-1]
    later = flows[flows.index > prices.index[0]]
    assert table.loc["saver", "contributed"] == 1_000.0 + 500.0 * len(later)
    assert table.loc["lump", "contributed"] == 1_000.0
    assert table.loc["saver", "xirr"] == saver.money_weighted_return()
    # every dollar grows 5 %/yr once invested; a day or two in cash costs a little
    assert 0.045 < table.loc["saver", "xirr"] <= 0.05 + 1e-12
    assert any("money-weighted: xirr" in n for n in table.attrs["notes"])
    assert "XIRR (money-weighted)" in format_summary(table, columns="all")
    # no flows anywhere: no money columns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricWarning)
        plain = tactical.ResultSet({"lump": lump}).summary(risk_free=0.0)
    assert "xirr" not in plain.columns


def test_account_columns_prefer_the_results_own_money_attributes():
    from types import SimpleNamespace

    from tactical.report import account_columns

    idx = pd.to_datetime(["2020-01-01", "2020-06-01", "2021-01-01"])
    res = SimpleNamespace(
        equity=pd.Series([0.0, 100.0, 230.0], index=idx),
        cashflows=pd.Series([100.0, 100.0], index=idx[1:]),
        final_balance=230.0,
        contributed=pd.Series({"initial": 0.0, "employee": 150.0, "employer": 50.0}),
        money_weighted_return=lambda: 0.123,
    )
    out = account_columns({"me": res})
    assert out.loc["me"].tolist() == [230.0, 200.0, 0.123]


# ------------------------------------------------------- windows, drawdown days, benchmarks
PRICE_DATES = pd.bdate_range("2015-01-01", "2019-12-31")


@pytest.fixture
def synthetic_daily() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    market = rng.normal(3e-4, 0.01, len(PRICE_DATES) - 1)
    return pd.DataFrame(
        {"A": 0.6 * market + rng.normal(1e-4, 0.004, len(market)), "M": market},
        index=PRICE_DATES[1:],
    )


def test_summary_rejects_a_benchmark_of_prices(synthetic_daily):
    prices = 100 * (1 + synthetic_daily["M"]).cumprod()
    with pytest.raises(MetricError, match="benchmark returns look like prices"):
        summary(synthetic_daily[["A"]], benchmark=prices)


@pytest.mark.parametrize("bad", [-3.0, np.inf])
def test_summary_rejects_a_benchmark_of_impossible_returns(synthetic_daily, bad):
    bench = synthetic_daily["M"].copy()
    bench.iloc[5] = bad
    with pytest.raises(MetricError, match="benchmark returns"):
        summary(synthetic_daily[["A"]], benchmark=bench)


def test_common_alignment_with_a_window_states_and_uses_the_cut_window(synthetic_daily):
    frame = synthetic_daily.copy()
    frame.loc[:"2016-12-31", "M"] = np.nan  # M starts two years later
    table = summary(frame, window=(PRICE_DATES[0], PRICE_DATES[-1]), align="common")
    cut = frame.loc["2017-01-02":]
    start = pd.Timestamp("2016-12-30")  # the close before the new first return
    assert table.attrs["window"] == (start, PRICE_DATES[-1])
    assert table.attrs["years"] == pytest.approx((PRICE_DATES[-1] - start).days / 365.25)
    expected = m.cagr(cut, start=start)
    assert table["cagr"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)
    calmar = expected / m.max_drawdown(cut).abs()
    assert table["calmar"].to_numpy() == pytest.approx(calmar.to_numpy(), rel=1e-12)


def test_common_alignment_cut_at_the_end_states_the_new_end(synthetic_daily):
    frame = synthetic_daily.copy()
    frame.loc["2019-07-01":, "A"] = np.nan
    table = summary(frame, window=(PRICE_DATES[0], PRICE_DATES[-1]), align="common")
    assert table.attrs["window"] == (PRICE_DATES[0], pd.Timestamp("2019-06-28"))


def test_drawdown_days_from_the_first_return_without_a_window_monthly():
    idx = pd.date_range("2020-01-31", periods=5, freq="ME")
    r = pd.DataFrame({"a": [-0.1, 0.05, 0.06, 0.01, -0.02]}, index=idx)
    with_window = summary(r, window=("2019-12-31", idx[-1]), conventions="month_end")
    without = summary(r, conventions="month_end")
    expected = (idx[2] - pd.Timestamp("2019-12-31")).days
    assert with_window.loc["a", "max_drawdown_days"] == expected
    assert without.loc["a", "max_drawdown_days"] == expected


def test_drawdown_days_unknown_start_on_trading_days_is_nan_with_a_note():
    idx = pd.bdate_range("2020-01-02", periods=30)
    r = pd.DataFrame({"a": np.r_[-0.05, np.full(29, 0.004)]}, index=idx)
    table = summary(r, conventions="daily")
    assert np.isnan(table.loc["a", "max_drawdown_days"])
    assert any("Max DD days n/a" in note for note in table.attrs["notes"])
    known = summary(r, conventions="daily", window=("2019-12-31", idx[-1]))
    assert np.isfinite(known.loc["a", "max_drawdown_days"])


def test_account_columns_from_a_flows_frame_with_money_on_the_first_day():
    """An account opened at $0: the first paycheck on the start date counts as contributed."""
    from types import SimpleNamespace

    from tactical.report import account_columns

    idx = pd.to_datetime(["2020-01-02", "2020-01-16", "2020-01-30"])
    flows = pd.DataFrame(
        {"employee": [80.0, 80.0, 80.0], "employer": [20.0, 20.0, 20.0], "total": 100.0},
        index=idx,
    )
    res = SimpleNamespace(
        equity=pd.Series([100.0, 205.0, 310.0], index=idx),
        cashflows=flows["total"],
        flows=flows,
        config={"initial": 0.0},
        money_weighted_return=lambda: 0.5,
    )
    out = account_columns({"saver": res})
    assert out.loc["saver", "contributed"] == 300.0
    assert out.loc["saver", "final_balance"] == 310.0
    no_flows = SimpleNamespace(
        equity=pd.Series([100.0, 101.0], index=idx[:2]),
        cashflows=pd.Series(dtype=float),
        config={"initial": 100.0},
        money_weighted_return=lambda: 0.0,
    )
    assert account_columns({"lump": no_flows}) is None


@pytest.mark.parametrize("preset", ["monthly", "month_end", "calendar_year", "daily", "empyrical"])
def test_every_column_is_its_metric_function_on_synthetic_data(preset):
    """Runs without the shared data: each column equals the function of that name."""
    idx = pd.bdate_range("2015-01-01", "2019-12-31", name="date")
    rng = np.random.default_rng(21)
    market = rng.normal(3e-4, 0.01, len(idx))
    r = pd.DataFrame(
        {"A": 0.6 * market + rng.normal(1e-4, 0.004, len(idx)), "M": market, "C": 2e-4},
        index=idx,
    )
    r["C"] += rng.normal(0, 2e-3, len(idx))  # small, but with month-end drawdowns
    rf = pd.Series(np.linspace(1e-5, 1.5e-4, len(idx)), index=idx)
    start = pd.Timestamp("2014-12-31")
    conv = tactical.Conventions.preset(preset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricWarning)  # Treynor of the near-cash column
        table = summary(r, benchmark="M", conventions=conv, risk_free=rf, window=(start, idx[-1]))
        freq = {"monthly": "monthly", "yearly": "yearly", "daily": "daily"}[conv.frequency]
        x = m.period_returns(r, freq) if freq != "daily" else r
        ppy = conv.periods_per_year if freq != "daily" else 252
        dd = m.period_returns(r, "monthly") if conv.drawdown == "monthly" else r
        b = x["M"]
        calendar = conv.years == "calendar"
        growth = m.cagr(r, start=start) if calendar else m.cagr(r)
        expected = {
            "total_return": m.total_return(r),
            "cagr": growth,
            "volatility": m.annual_volatility(x, ppy),
            "sharpe": m.sharpe_ratio(x, rf, ppy),
            "sortino": m.sortino_ratio(x, rf, ppy),
            "max_drawdown": m.max_drawdown(dd),
            "calmar": growth / m.max_drawdown(dd).abs(),
            "ulcer_index": m.ulcer_index(dd),
            "best_month": m.best_month(r),
            "worst_year": m.worst_year(r),
            "positive_periods": m.positive_periods(x),
            "var": m.value_at_risk(x),
            "cvar": m.conditional_value_at_risk(x),
            "skew": m.skew(x),
            "kurtosis": m.kurtosis(x),
            "alpha": m.alpha(x, b, rf, ppy, annualization=conv.alpha),
            "beta": m.beta(x, b, rf, ppy),
            "treynor": m.treynor_ratio(x, b, rf, ppy),
            "correlation": m.correlation(x, b),
            "up_capture": m.up_capture(x, b, ppy),
            "down_capture": m.down_capture(x, b, ppy),
            "tracking_error": m.tracking_error(x, b, ppy),
        }
    for column, values in expected.items():
        np.testing.assert_allclose(table[column], values, rtol=1e-12, atol=1e-15, err_msg=column)
    info = m.max_drawdown_info(dd, start=start)
    days = (info["recovery"].where(info["recovered"], dd.index[-1]) - info["peak"]).dt.days
    np.testing.assert_array_equal(table["max_drawdown_days"], days.to_numpy(dtype=float))
