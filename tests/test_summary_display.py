"""Notebook display: SummaryTable stays numeric, renders percent-formatted and grouped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.report import SummaryTable, result_html, summary
from tactical.strategies import FixedWeights, Strategy, buy_and_hold
from tactical.tables import COLUMN_GROUPS, COLUMNS, format_summary


@pytest.fixture(scope="module")
def runs() -> tc.ResultSet:
    idx = pd.bdate_range("2020-01-01", periods=400, name="date")
    rng = np.random.default_rng(11)
    prices = pd.DataFrame(
        {
            "SPY": 100 * np.cumprod(1 + rng.normal(4e-4, 0.012, 400)),
            "AGG": 50 * np.cumprod(1 + rng.normal(1e-4, 0.003, 400)),
        },
        index=idx,
    )
    return tc.backtest_many(
        prices,
        {
            "60/40": Strategy(FixedWeights({"SPY": 0.6, "AGG": 0.4}), schedule="ME"),
            "SPY": buy_and_hold("SPY"),
        },
    )


def test_summary_is_a_numeric_dataframe(runs):
    table = runs.summary(benchmark="SPY", risk_free=0.01)
    assert isinstance(table, SummaryTable) and isinstance(table, pd.DataFrame)
    assert table.dtypes.map(pd.api.types.is_float_dtype).all()
    assert isinstance(table[["cagr"]], SummaryTable)  # slices keep the display
    assert table.attrs["benchmark"] == "SPY"
    assert type(pd.DataFrame(table)) is pd.DataFrame


def test_notebook_html_is_percent_formatted_grouped_with_conventions(runs):
    table = runs.summary(benchmark="SPY", risk_free=0.01)
    page = table._repr_html_()
    assert f"{table.loc['60/40', 'cagr']:.2%}" in page
    # one stacked table per group, in the order of COLUMN_GROUPS, none empty
    shown = [g for g, cols in COLUMN_GROUPS.items() if set(cols) & set(table.columns)]
    assert page.count('<table class="tactical-summary">') == len(shown)
    positions = [page.index(f"<b>{g}</b>") for g in shown]
    assert positions == sorted(positions)
    assert "conventions: monthly" in page and "Window:" in page
    # every column is shown exactly once
    for column in table.columns:
        assert page.count(f"<th>{COLUMNS[column][0]}</th>") == 1, column


def test_columns_outside_the_groups_are_shown_under_other():
    t = SummaryTable({"cagr": [0.1], "my_score": [0.5]}, index=["A"])
    page = format_summary(t, "html", columns="all", grouped=True, notes=False)
    assert "<b>Other</b>" in page and "my_score" in page


def test_results_display_their_facts_and_summary(runs):
    one = runs["60/40"]._repr_html_()
    assert "BacktestResult &#x27;60/40&#x27;" in one and "Final value" in one
    assert f"{runs['60/40'].equity.iloc[-1]:,.2f}" in one
    many = runs._repr_html_()
    assert "ResultSet of 2 strategies" in many and "<b>Risk</b>" in many
    # the missing risk-free rate is stated in the table's notes, not warned at each display
    assert "none given" in many


def test_result_display_never_raises_on_a_short_result():
    idx = pd.bdate_range("2020-01-01", periods=3)  # decided on the first, invested from the second
    prices = pd.DataFrame({"SPY": [100.0, 101.0, 102.0]}, index=idx)
    res = tc.backtest(prices, buy_and_hold("SPY"))
    page = result_html({"x": res})
    assert "No summary:" in page


def test_summary_equals_the_same_numbers_as_a_plain_frame(runs):
    table = runs.summary(risk_free=0.0)
    again = summary(runs.returns, risk_free=0.0, window=runs.window)
    pd.testing.assert_frame_equal(table, again)


def test_derived_tables_still_display(runs):
    table = runs.summary(risk_free=0.0)
    flipped = table.T  # strategies as columns: rendered under "Other", numbers formatted
    assert "<b>Other</b>" in flipped._repr_html_()
    mixed = table[["cagr"]].assign(note="x")
    assert ">x<" in mixed._repr_html_()
