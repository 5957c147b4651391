"""Charts of the account: the balance with contributions by source, and rebalance marks.

Results come from the engine (``tc.backtest(..., cashflows=Series)``) and, for
what the engine branch adds (``flows`` by source, ``rebalances``), from a
stand-in result: charts read results by attribute only (interface I5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import tactical as tc  # noqa: E402
from tactical import charts  # noqa: E402
from tactical.charts.data import _contributions, _rebalance_dates  # noqa: E402
from tactical.strategies import FixedWeights, Strategy, buy_and_hold  # noqa: E402


def _axes(size: tuple[float, float] = (10.0, 5.0)):
    return Figure(figsize=size, layout="constrained").add_subplot()


@pytest.fixture
def prices() -> pd.DataFrame:
    idx = pd.bdate_range("2024-01-01", periods=8, name="date")
    return pd.DataFrame(
        {"STK": [100, 110, 99, 118.8, 120, 121, 119, 125.0], "BND": [50.0] * 8}, index=idx
    )


@pytest.fixture
def saver(prices):
    """$1,000 in stock, plus $100 on the 3rd and the 6th bar (executed at the same close)."""
    flows = pd.Series([100.0, 100.0], index=[prices.index[2], prices.index[5]])
    return tc.backtest(
        prices, buy_and_hold("STK"), initial=1000.0, cashflows=flows, execution_lag=0
    )


@dataclass(frozen=True)
class AccountResult:
    """A result as the engine branch delivers it (I3): flows by source, rebalances."""

    name: str
    equity: pd.Series
    returns: pd.Series
    weights: pd.DataFrame
    targets: pd.DataFrame
    trades: pd.DataFrame
    costs: pd.Series
    cashflows: pd.Series
    flows: pd.DataFrame
    rebalances: pd.DatetimeIndex
    config: dict[str, Any] = field(default_factory=dict)


def _with_sources(result, employer_share: float = 0.25) -> AccountResult:
    total = result.cashflows
    flows = pd.DataFrame(
        {"employee": total * (1 - employer_share), "employer": total * employer_share}
    )
    flows["total"] = total
    return AccountResult(
        name=result.name,
        equity=result.equity,
        returns=result.returns,
        weights=result.weights,
        targets=result.targets,
        trades=result.trades,
        costs=result.costs,
        cashflows=result.cashflows,
        flows=flows,
        rebalances=pd.DatetimeIndex([result.equity.index[4]]),
        config=dict(result.config),
    )


def _top(collection) -> float:
    """Highest point of a filled area."""
    return float(max(p.vertices[:, 1].max() for p in collection.get_paths()))


# ---------------------------------------------------------------- the balance


def test_balance_is_equity_in_dollars_with_contributions_beneath(saver):
    ax = charts.plot_balance(saver, ax=_axes())
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), saver.equity.to_numpy())
    assert line.get_label() == f"{saver.name}: $1.48k"
    # cumulative money in, by hand: 1000 at the start, +100 on bar 2 and on bar 5
    expected = pd.DataFrame(
        {
            "initial": [1000.0] * 8,
            "contributions": [0, 0, 100, 100, 100, 200, 200, 200.0],
        },
        index=saver.equity.index,
    )
    pd.testing.assert_frame_equal(_contributions(saver), expected)
    initial, money = ax.collections  # stacked: the initial deposit first, then the flows
    assert _top(initial) == pytest.approx(1000.0)
    assert _top(money) == pytest.approx(1200.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{saver.name}: $1.48k", "Contributions: $200", "Initial deposit: $1k"]
    assert ax.get_ylim()[0] == 0.0 and ax.get_ylabel() == "Balance ($)"
    # growth = balance - contributed, which the gap shows
    assert saver.equity.iloc[-1] - expected.iloc[-1].sum() == pytest.approx(279.568411, abs=1e-6)


def test_balance_by_source_from_flows(saver):
    account = _with_sources(saver)
    table = _contributions(account)
    assert list(table.columns) == ["initial", "employee", "employer"]
    assert table.iloc[-1].tolist() == [1000.0, 150.0, 50.0]
    ax = charts.plot_balance(account, ax=_axes())
    tops = [_top(c) for c in ax.collections]
    assert tops == pytest.approx([1000.0, 1150.0, 1200.0])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # the strategy, then the areas from the top down
    assert labels[1:] == [
        "Employer contributions: $50",
        "Employee contributions: $150",
        "Initial deposit: $1k",
    ]


def test_audit_columns_of_the_flows_are_not_sources(saver):
    account = _with_sources(saver)
    flows = account.flows.assign(pay=3461.54, limit_reached=False)
    table = _contributions(AccountResult(**{**account.__dict__, "flows": flows}))
    assert list(table.columns) == ["initial", "employee", "employer"]


def test_sources_that_do_not_cover_the_total_show_the_rest(saver):
    account = _with_sources(saver)
    flows = account.flows.assign(employer=0.0)  # total keeps the employer's 25%
    table = _contributions(AccountResult(**{**account.__dict__, "flows": flows}))
    assert table.iloc[-1].to_dict() == {
        "initial": 1000.0,
        "employee": 150.0,
        "employer": 0.0,
        "other": 50.0,
    }


def test_several_strategies_share_one_set_of_areas_or_get_dotted_totals(prices):
    flows = pd.Series([100.0], index=[prices.index[3]])
    runs = tc.backtest_many(
        prices,
        {"stock": buy_and_hold("STK"), "bonds": buy_and_hold("BND")},
        initial=1000.0,
        cashflows=flows,
        execution_lag=0,
    )
    ax = runs.plot_balance(ax=_axes())
    assert [ln.get_label().split(":")[0] for ln in ax.get_lines()] == ["stock", "bonds"]
    assert len(ax.collections) == 2  # initial and contributions, drawn once
    other = tc.backtest(
        prices, buy_and_hold("BND"), initial=500.0, cashflows=flows, execution_lag=0
    )
    mixed = tc.ResultSet({"stock": runs["stock"], "small": other})
    ax = charts.plot_balance(mixed, ax=_axes())
    assert not ax.collections
    dotted = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert [ln.get_ydata()[-1] for ln in dotted] == [1100.0, 600.0]


def test_balance_needs_results_not_plain_returns(saver):
    with pytest.raises(TypeError, match="plain returns carry no dollar balance"):
        charts.plot_balance(saver.returns, ax=_axes())


def test_balance_without_flows_is_the_initial_deposit(prices):
    result = tc.backtest(prices, buy_and_hold("STK"), initial=1000.0, execution_lag=0)
    ax = charts.plot_balance(result, ax=_axes())
    (area,) = ax.collections
    assert _top(area) == pytest.approx(1000.0)


# ---------------------------------------------------------------- rebalance marks


def _monthly_saver(years: int = 2, lag: int = 1):
    """60/40 rebalanced at month ends, $500 contributed mid-month: both trade every month."""
    dates = pd.bdate_range("2015-01-02", periods=252 * years, name="date")
    rng = np.random.default_rng(2)
    r = rng.normal([4e-4, 1e-4], [0.01, 0.003], (len(dates), 2))
    prices = pd.DataFrame(100 * np.cumprod(1 + r, axis=0), index=dates, columns=["STK", "BND"])
    mid = dates.to_series().groupby(dates.to_period("M")).nth(10).index
    flows = pd.Series(500.0, index=pd.DatetimeIndex(mid))
    mix = Strategy(FixedWeights({"STK": 0.6, "BND": 0.4}), schedule="ME")
    result = tc.backtest(prices, mix, initial=10_000.0, cashflows=flows, execution_lag=lag)
    return prices, flows, result


def test_allocation_marks_rebalances_not_paycheck_purchases():
    prices, flows, result = _monthly_saver()
    dates = prices.index
    # by hand: each month end's decision executes one bar later (lag 1), inside the window
    month_ends = dates.to_series().groupby(dates.to_period("M")).max()
    expected = pd.DatetimeIndex(
        [dates[dates.get_loc(d) + 1] for d in month_ends if dates.get_loc(d) + 1 < len(dates)]
    )
    found = _rebalance_dates(result)
    pd.testing.assert_index_equal(found, expected, check_names=False)
    assert found.intersection(flows.index).empty
    # every execution after the first (the old rule) includes the purchases with paychecks
    assert len(result.trades) - 1 == len(expected) + len(flows)
    ax = charts.plot_allocation(result, ax=_axes((30.0, 4.0)))  # wide: every tick fits
    (ticks,) = [c for c in ax.collections if c.get_label().startswith("Rebalances")]
    assert ticks.get_label() == f"Rebalances ({len(expected)})"
    assert len(ticks.get_segments()) == len(expected)


def test_a_rebalance_on_a_contribution_date_still_counts():
    _, flows, result = _monthly_saver(lag=0)
    # on a paycheck's date, trading more than the paycheck (a sale with it) is a rebalance
    same_day = flows.index[:1]
    trades = result.trades.copy()
    trades.loc[same_day[0]] = [300.0, -100.0, 0.0][: trades.shape[1]]
    moved = AccountResult(
        **{
            **_with_sources(result).__dict__,
            "trades": trades.sort_index(),
            "rebalances": None,
            "flows": flows.to_frame("total"),
        }
    )
    assert same_day[0] not in _rebalance_dates(moved)  # traded 400: within the 500 flow
    trades.loc[same_day[0]] = [600.0, -100.0, 0.0][: trades.shape[1]]  # 700 > 500: a rebalance
    sold = AccountResult(**{**moved.__dict__, "trades": trades.sort_index()})
    assert same_day[0] in _rebalance_dates(sold)
    # a purchase of exactly the flow is not
    trades.loc[same_day[0]] = [300.0, 200.0, 0.0][: trades.shape[1]]
    bought = AccountResult(**{**moved.__dict__, "trades": trades.sort_index()})
    assert same_day[0] not in _rebalance_dates(bought)


def test_the_engine_record_of_rebalances_wins_when_present(saver):
    account = _with_sources(saver)
    pd.testing.assert_index_equal(_rebalance_dates(account), account.rebalances)
    ax = charts.plot_allocation(account, ax=_axes())
    (ticks,) = [c for c in ax.collections if c.get_label().startswith("Rebalances")]
    assert ticks.get_label() == "Rebalances (1)"


def test_dense_rebalance_marks_are_thinned_to_one_per_period_and_stay_apart():
    _, _, result = _monthly_saver(years=20)
    fig = Figure(figsize=(8.0, 3.0), layout="constrained")
    ax = charts.plot_allocation(result, ax=fig.add_subplot())
    (ticks,) = [c for c in ax.collections if c.get_label().startswith("Rebalances")]
    n = len(_rebalance_dates(result))
    label = ticks.get_label()
    assert label.startswith(f"Rebalances ({n})\none tick per ")
    period = label.rsplit(" ", 1)[-1]
    freq = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}[period]
    assert len(ticks.get_segments()) == _rebalance_dates(result).to_period(freq).nunique()
    # drawn ticks are at least 3 points apart on the page
    FigureCanvasAgg(fig).draw()
    xs = np.sort([ax.transData.transform((s[0][0], 0))[0] for s in ticks.get_segments()])
    assert np.diff(xs).min() >= 3.0 * fig.dpi / 72.0 - 1e-6


# ---------------------------------------------------------------- pages


def test_tear_sheet_and_report_lead_with_the_balance_when_there_are_flows(tmp_path):
    _, _, result = _monthly_saver()
    runs = tc.ResultSet({"60/40 saver": result})
    fig = runs.tear_sheet(table=pd.DataFrame({"CAGR": [0.05]}, index=["60/40 saver"]))
    assert fig.axes[0].get_title(loc="left") == "Balance and contributions"
    assert "time-weighted" in fig.axes[1].get_title(loc="left")
    page = runs.to_html(tmp_path / "r.html", table=pd.DataFrame({"CAGR": [0.05]}, index=["x"]))
    text = page.read_text(encoding="utf-8")
    assert text.index("<h2>Balance</h2>") < text.index("<h2>Growth</h2>")
    contributed = 10_000.0 + float(result.cashflows.sum())
    assert f"${contributed - 10_000.0:,.2f}" in text  # contributions total
    assert "Money-weighted return (XIRR, annual)" in text
    assert f"{result.money_weighted_return():.2%}" in text
    growth = float(result.equity.iloc[-1]) - contributed
    assert f"${growth:,.2f}" in text


def test_default_tables_lead_with_the_money_of_an_account_and_omit_it_without_flows():
    from tactical.charts.tables import _format_table

    prices, _, result = _monthly_saver()
    table = tc.ResultSet({"saver": result}).summary(risk_free=0.0)
    balance = result.final_balance
    text = tc.format_summary(table).splitlines()
    header = text[1].split()
    assert header[:4] == ["Final", "balance", "Contributed", "XIRR"]
    row = text[3]
    assert f"{balance:,.0f}" in row and f"{result.money_weighted_return():.2%}" in row
    shown = _format_table(table, columns="seed")  # the tear sheet's table
    assert list(shown.columns[:3]) == ["Final balance", "Contributed", "XIRR (money-weighted)"]
    assert shown.iloc[0, 0] == f"{balance:,.0f}"
    plain = tc.ResultSet({"b&h": tc.backtest(prices, buy_and_hold("STK"))}).summary(risk_free=0.0)
    assert "balance" not in tc.format_summary(plain)
    assert "Final balance" not in _format_table(plain, columns="seed").columns


def test_pages_without_flows_have_no_balance(tmp_path):
    prices, _, _ = _monthly_saver()
    result = tc.backtest(prices, buy_and_hold("STK"))
    fig = charts.tear_sheet(result, table=pd.DataFrame({"CAGR": [0.05]}, index=[result.name]))
    assert fig.axes[0].get_title(loc="left").startswith("Growth of $10,000")
    text = charts.html_report(result, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Balance</h2>" not in text


def _from_zero(saver) -> AccountResult:
    """The saver's account opened at $0: the first paycheck (bar 2) is its first money.

    As the engine branch delivers it (I3): equity 0 until then, time-weighted returns
    from the bar after the account first holds money.
    """
    index = saver.equity.index
    equity = saver.equity.copy()
    equity.iloc[:2] = 0.0
    equity.iloc[2:] = [100.0, 120.0, 121.21, 222.22, 220.38, 231.55]
    returns = (equity.iloc[3:] - pd.Series([0, 0, 100.0, 0, 0], index=index[3:])) / (
        equity.shift(1).iloc[3:]
    ) - 1.0
    flows = pd.DataFrame(
        {"employee": [80.0, 80.0], "employer": [20.0, 20.0]}, index=[index[2], index[5]]
    )
    flows["total"] = flows.sum(axis=1)
    base = _with_sources(saver)
    return AccountResult(
        **{
            **base.__dict__,
            "equity": equity,
            "returns": returns,
            "flows": flows,
            "cashflows": flows["total"],
            "config": {**base.config, "initial": 0.0},
        }
    )


def test_an_account_opened_at_zero_grows_from_its_first_money(saver):
    account = _from_zero(saver)
    ax = charts.plot_equity(account, ax=_axes(), initial=1.0)
    (line,) = ax.get_lines()
    y = line.get_ydata()
    assert np.isnan(y[:2]).all() and y[2] == 1.0  # growth of 1 starts where the money does
    assert y[-1] == pytest.approx(float(np.prod(1.0 + account.returns.to_numpy())))
    lines = charts.plot_drawdowns(account, ax=_axes()).get_lines()
    (dd,) = [ln.get_ydata() for ln in lines if ln.get_label() == account.name]
    assert np.isnan(dd[:2]).all() and dd[2] == 0.0
    table = _contributions(account)
    assert list(table.columns) == ["employee", "employer"]  # no initial deposit
    assert table.iloc[-1].tolist() == [160.0, 40.0]
    ax = charts.plot_balance(account, ax=_axes())
    assert [_top(c) for c in ax.collections] == pytest.approx([160.0, 200.0])
