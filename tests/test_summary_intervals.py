"""Summary confidence intervals: the bootstrap's own numbers, about the table's values, rendered."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError, MetricError, MetricWarning
from tactical.metrics import period_returns
from tactical.report import format_summary, summary, summary_html, to_markdown, to_text
from tactical.strategies import FixedWeights, Strategy, buy_and_hold
from tactical.tables import interval_html

BOUNDED = ("total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "calmar")


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    idx = pd.bdate_range("2012-01-03", periods=252 * 6, name="date")
    rng = np.random.default_rng(42)
    market = rng.normal(3e-4, 0.011, len(idx))
    return pd.DataFrame(
        {
            "stocks": market,
            "balanced": 0.6 * market + rng.normal(1.5e-4, 0.002, len(idx)),
        },
        index=idx,
    )


@pytest.fixture(scope="module")
def cash(daily) -> pd.Series:
    return pd.Series(np.linspace(4e-5, 1.2e-4, len(daily)), index=daily.index)


@pytest.fixture(scope="module")
def window(daily):
    return daily.index[0] - pd.Timedelta(days=3), daily.index[-1]


def test_intervals_equal_direct_bootstrap_calls_with_the_same_seed(daily, cash, window):
    spec = tc.Intervals(n=300, seed=7, level=0.9)
    table = summary(daily, risk_free=cash, window=window, intervals=spec)
    years = table.attrs["years"]
    common = {"n": 300, "seed": 7, "level": 0.9}
    # growth on the input returns, replicate CAGR over the table's calendar years
    growth = tc.bootstrap(
        daily,
        metrics=("total_return", "cagr", "max_drawdown", "calmar_ratio"),
        periods_per_year=len(daily) / years,
        **common,
    )
    # dispersion on calendar-month returns, with T-bills compounded onto the months
    months = period_returns(daily, "monthly")
    risky = tc.bootstrap(
        months,
        metrics=("annual_volatility", "sharpe_ratio", "sortino_ratio"),
        periods_per_year=12,
        risk_free=period_returns(cash, "monthly"),
        **common,
    )
    names = {"volatility": "annual_volatility", "sharpe": "sharpe_ratio"}
    names |= {"sortino": "sortino_ratio", "calmar": "calmar_ratio"}
    for column in BOUNDED:
        direct = growth if column in ("total_return", "cagr", "max_drawdown", "calmar") else risky
        for strategy in daily.columns:
            row = direct.loc[(strategy, names.get(column, column))]
            assert table.loc[strategy, f"{column}_lo"] == row["lower"], (column, strategy)
            assert table.loc[strategy, f"{column}_hi"] == row["upper"], (column, strategy)
            # and the bootstrap's point estimate is the table's own number
            assert row["estimate"] == pytest.approx(table.loc[strategy, column], rel=1e-12)


@pytest.mark.parametrize("conventions", ["monthly", "month_end", "daily", "empyrical"])
def test_each_interval_is_about_the_tables_value(daily, cash, window, conventions):
    # basic = 2 * estimate - percentile bounds (swapped): their midpoint is the bootstrap's
    # estimate, which must be the table's number under every convention
    kwargs = {"risk_free": cash, "window": window, "conventions": conventions}
    pct = summary(daily, intervals=tc.Intervals(n=200, seed=3), **kwargs)
    basic = summary(daily, intervals=tc.Intervals(n=200, seed=3, method="basic"), **kwargs)
    for column in BOUNDED:
        estimate = (pct[f"{column}_hi"] + basic[f"{column}_lo"]) / 2
        np.testing.assert_allclose(estimate, pct[column], rtol=1e-9, err_msg=column)
        assert (pct[f"{column}_lo"] <= pct[f"{column}_hi"]).all(), column


def test_seeded_intervals_are_reproducible_and_seeds_differ(daily):
    one = summary(daily, risk_free=0.0, intervals=tc.Intervals(n=100, seed=11))
    pd.testing.assert_frame_equal(
        one, summary(daily, risk_free=0.0, intervals=tc.Intervals(n=100, seed=11))
    )
    other = summary(daily, risk_free=0.0, intervals=tc.Intervals(n=100, seed=12))
    assert not np.allclose(one["cagr_lo"], other["cagr_lo"])
    # the value columns do not depend on the intervals at all
    plain = summary(daily, risk_free=0.0)
    pd.testing.assert_frame_equal(one[list(plain.columns)], plain)


def test_interval_columns_follow_their_metric_and_attrs_state_the_method(daily):
    table = summary(daily, risk_free=0.0, intervals=tc.Intervals(n=50, seed=1, level=0.8))
    cols = list(table.columns)
    for column in BOUNDED:
        i = cols.index(column)
        assert cols[i + 1 : i + 3] == [f"{column}_lo", f"{column}_hi"]
    assert table.attrs["intervals"]["level"] == 0.8
    assert table.attrs["intervals"]["n"] == 50 and table.attrs["intervals"]["seed"] == 1
    assert table.attrs["intervals"]["method"] == "stationary bootstrap, percentile"
    note = table.attrs["notes"][-1]
    assert note.startswith("Intervals [low, high]: 80% percentile intervals of the stationary")
    assert "50 replicates, seed 1" in note
    assert "daily" in note and "monthly" in note  # a block length for each sample
    assert "intervals" not in summary(daily, risk_free=0.0).attrs


def test_a_subset_of_metrics_and_true_for_the_defaults(daily):
    some = summary(daily, risk_free=0.0, intervals=tc.Intervals(n=20, metrics=("cagr",)))
    assert [c for c in some.columns if c.endswith(("_lo", "_hi"))] == ["cagr_lo", "cagr_hi"]
    default = tc.Intervals()
    assert (default.level, default.n, default.method) == (0.95, 2000, "percentile")
    assert default.metrics == BOUNDED


def test_result_set_summary_passes_intervals_through():
    idx = pd.bdate_range("2015-01-02", periods=800, name="date")
    rng = np.random.default_rng(1)
    prices = pd.DataFrame(
        100 * np.cumprod(1 + rng.normal([3e-4, 1e-4], [0.01, 0.003], (800, 2)), axis=0),
        index=idx,
        columns=["S", "B"],
    )
    mix = Strategy(FixedWeights({"S": 0.6, "B": 0.4}), schedule="ME")
    runs = tc.backtest_many(prices, {"60/40": mix, "S": buy_and_hold("S")})
    spec = tc.Intervals(n=60, seed=2)
    direct = summary(runs.returns, risk_free=0.01, window=runs.window, intervals=spec)
    pd.testing.assert_frame_equal(runs.summary(risk_free=0.01, intervals=spec), direct)


def test_text_markdown_and_html_show_value_and_interval_together(daily):
    table = summary(daily, risk_free=0.0, intervals=tc.Intervals(n=50, seed=5))
    row = table.loc["balanced"]
    expect = f"{row['cagr']:.2%} [{row['cagr_lo']:.2%}, {row['cagr_hi']:.2%}]"
    sharpe = f"{row['sharpe']:.2f} [{row['sharpe_lo']:.2f}, {row['sharpe_hi']:.2f}]"
    md = to_markdown(table)
    assert expect in md and sharpe in md
    assert "cagr_lo" not in md and "CAGR" in md
    html_text = summary_html(table, columns="all", grouped=True)
    assert interval_html(expect) in html_text and "cagr_lo" not in html_text
    # in HTML the interval is a smaller grey part of the same cell, on one line
    assert interval_html(expect).startswith(f"{row['cagr']:.2%} <span ")
    assert f'white-space:nowrap">{interval_html(expect)}</td>' in html_text
    assert "95% percentile intervals" in html_text
    text = to_text(table, columns=["cagr", "sharpe"])
    lines = [ln for ln in text.splitlines() if ln.startswith(("stocks", "balanced"))]
    assert len(lines) == 2
    # the text columns line the brackets up under each other
    assert lines[0].index("[") == lines[1].index("[")
    assert lines[0].index("]") == lines[1].index("]")
    # a bound asked for on its own renders like its metric
    assert f"{row['cagr_lo']:.2%}" in format_summary(table, columns=["cagr_lo"], notes=False)


def test_a_strategy_with_undefined_ratios_gets_no_interval_and_no_replicate_warnings(daily):
    frame = daily.assign(cash=0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = summary(frame, risk_free=0.0, intervals=tc.Intervals(n=40, seed=1))
    said = [str(w.message) for w in caught]
    # the table's own undefined Sharpe/Sortino of the cash column warns once each, as without
    # intervals; nothing about replicates or numpy's all-NaN slices
    assert all(issubclass(w.category, MetricWarning) for w in caught), said
    assert len(said) == len(set(said)), said
    assert not any(re.search(r"'\d+'", m) for m in said), said  # no replicate named
    assert np.isnan(table.loc["cash", "sharpe_lo"]) and np.isnan(table.loc["cash", "sharpe_hi"])
    assert table.loc["cash", "cagr_lo"] == table.loc["cash", "cagr_hi"] == 0.0
    assert "n/a [" not in to_text(table, columns="all")


def test_replicates_where_a_ratio_is_undefined_are_counted_in_the_note():
    # 12 calendar years, one of them negative: resamples that miss it have no year below the
    # target, so their Sortino ratio is undefined and left out (and counted)
    idx = pd.date_range("2010-01-31", periods=144, freq="ME", name="date")
    monthly = np.full(144, 0.006)
    monthly[36:48] = -0.004  # 2013 loses
    table = summary(
        pd.DataFrame({"A": monthly}, index=idx),
        risk_free=0.0,
        conventions="calendar_year",
        intervals=tc.Intervals(n=200, seed=0, metrics=("sortino",)),
    )
    left_out = table.attrs["intervals"]["undefined"]["sortino"]
    assert 0 < left_out < 200
    assert f"sortino {left_out:,} of 200" in table.attrs["notes"][-1]


@pytest.mark.parametrize(
    ("intervals", "match"),
    [
        ("yes", "intervals must be True, False or a tactical.Intervals"),
        (0.95, "intervals must be True, False or a tactical.Intervals"),
    ],
)
def test_a_bad_intervals_argument_is_a_config_error(daily, intervals, match):
    with pytest.raises(ConfigError, match=match):
        summary(daily, risk_free=0.0, intervals=intervals)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 5}, "n must be a whole number of replicates >= 10"),
        ({"n": 100.0}, "n must be a whole number"),
        ({"level": 95}, "level must be between 0 and 1"),
        ({"level": 1.0}, "level must be between 0 and 1"),
        ({"method": "bca"}, "method must be 'percentile' or 'basic'"),
        ({"seed": 1.5}, "seed must be an int"),
        ({"metrics": ("alpha",)}, r"no interval for summary column\(s\) \['alpha'\]"),
        ({"metrics": ()}, "no interval for summary column"),
    ],
)
def test_bad_interval_options_are_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        tc.Intervals(**kwargs)


def test_too_few_periods_for_an_interval_names_the_columns_and_the_fix(daily):
    short = daily.iloc[: 252 * 3]
    with pytest.raises(MetricError, match=r"no intervals for volatility, sharpe, sortino from 3 "):
        summary(short, risk_free=0.0, conventions="calendar_year", intervals=True)
    with pytest.raises(MetricError, match="finer frequency or a longer window"):
        summary(short, risk_free=0.0, conventions="calendar_year", intervals=True)


def test_inputs_are_not_mutated(daily, cash):
    before, cash_before = daily.copy(), cash.copy()
    summary(daily, risk_free=cash, intervals=tc.Intervals(n=20, seed=1))
    pd.testing.assert_frame_equal(daily, before)
    pd.testing.assert_series_equal(cash, cash_before)
