"""The HTML report: self-contained (no network resources), embeds charts and tables."""

from __future__ import annotations

import base64
import re
import sys
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tactical import charts as plotting  # noqa: E402
from tactical.results import BacktestResult, ResultSet  # noqa: E402


def _result(name: str, prices: pd.DataFrame, weights: dict[str, float]) -> BacktestResult:
    """Monthly-rebalanced fixed weights, computed by hand (test fixture only)."""
    px = prices.to_numpy(dtype=float)
    w = np.array([weights.get(c, 0.0) for c in prices.columns])
    dates = prices.index
    month_end = dates.to_series().groupby(dates.to_period("M")).transform("max") == dates
    shares = 10_000.0 * w / px[0]
    equity, holdings, trades = [], [], {dates[0]: 10_000.0 * w}
    for t in range(len(dates)):
        value = float(shares @ px[t])
        if t > 0 and month_end.iloc[t]:
            new = value * w / px[t]
            trades[dates[t]] = (new - shares) * px[t]
            shares = new
        holdings.append(shares * px[t])
        equity.append(value)
    eq = pd.Series(equity, index=dates, name=name)
    trade_frame = pd.DataFrame(trades, index=prices.columns).T
    return BacktestResult(
        name=name,
        equity=eq,
        returns=eq.pct_change().iloc[1:],
        weights=pd.DataFrame(np.array(holdings) / eq.to_numpy()[:, None], dates, prices.columns),
        targets=pd.DataFrame([w], index=dates[:1], columns=prices.columns),
        trades=trade_frame,
        costs=pd.Series(0.0, index=trade_frame.index),
        cashflows=pd.Series(dtype=float),
        turnover=0.0,
        n_rebalances=len(trade_frame) - 1,
        config={"strategy": f"FixedWeights({weights})", "schedule": "ME"},
    )


@pytest.fixture(scope="module")
def results() -> ResultSet:
    rng = np.random.default_rng(11)
    dates = pd.bdate_range("2016-01-04", periods=252 * 4, name="date")
    r = np.column_stack([rng.normal(4e-4, 0.011, len(dates)), rng.normal(1e-4, 0.003, len(dates))])
    prices = pd.DataFrame(100 * np.cumprod(1 + r, axis=0), index=dates, columns=["STK", "BND"])
    return ResultSet(
        {
            "60/40 <mix>": _result("60/40 <mix>", prices, {"STK": 0.6, "BND": 0.4}),
            "STK": _result("STK", prices, {"STK": 1.0}),
            "BND": _result("BND", prices, {"BND": 1.0}),
        }
    )


def _table(results: ResultSet) -> pd.DataFrame:
    growth = results.growth(1.0)
    return pd.DataFrame(
        {
            "CAGR": growth.iloc[-1] ** (1 / 4) - 1,
            "Sharpe": results.returns.mean() / results.returns.std() * np.sqrt(252),
            "Max drawdown": (growth / growth.cummax() - 1).min(),
        }
    )


@pytest.fixture(scope="module")
def table(results: ResultSet) -> pd.DataFrame:
    return _table(results)


@pytest.fixture(scope="module")
def report(results, table, tmp_path_factory) -> tuple[Path, str, pd.DataFrame]:
    """One report, written once for the module (a report takes seconds to render)."""
    snapshot = (results.returns.copy(), results.equity.copy(), table.copy())
    path = tmp_path_factory.mktemp("report") / "report.html"
    n_figures = len(plt.get_fignums())
    before = dict(matplotlib.rcParams)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plt, "show", _boom)
        out = results.to_html(path, table=table, title="My <report>")
    assert dict(matplotlib.rcParams) == before
    assert len(plt.get_fignums()) == n_figures  # the report leaves no pyplot figure open
    return out, out.read_text(encoding="utf-8"), snapshot


def _boom(*args, **kwargs):
    raise AssertionError("plotting code called show()")


def test_report_is_written_and_self_contained(report, tmp_path):
    out, text, _ = report
    assert out.name == "report.html" and out.exists()
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    # no resource is fetched from anywhere: every src/href is a data: URI
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", text, flags=re.IGNORECASE)
    assert refs and all(ref.startswith("data:") for ref in refs)
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in text


def test_report_embeds_decodable_png_charts(report, results):
    _, text, _ = report
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    # growth, drawdowns, rolling 12 and 36, calendar years; an allocation per strategy
    assert len(images) == 5 + len(results)
    for data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_monthly_returns_are_coloured_html_tables_not_images(report, results):
    _, text, _ = report
    tables = re.findall(r'<table class="heat">.*?</table>', text, flags=re.DOTALL)
    assert len(tables) == len(results)  # one per strategy, in the page order
    assert text.count("<details open>") == 1  # the first strategy's is expanded
    r = results["STK"].returns
    jan = (1 + r[(r.index.year == 2017) & (r.index.month == 1)]).prod() - 1
    cell = f"{jan * 100:.1f}".replace("-", "\N{MINUS SIGN}")
    stk = tables[results.names.index("STK")]
    row_2017 = re.search(r"<tr><th>2017</th>(.*?)</tr>", stk).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row_2017)[0] == cell
    assert 'style="background:#' in stk  # coloured by the return
    assert len(re.findall(r"<tr><th>\d{4}\*?</th>", stk)) == len(set(r.index.year))


def test_report_tables_show_formatted_metrics_and_escape_names(report, results, table):
    _, text, _ = report
    assert "<title>My &lt;report&gt;</title>" in text
    assert f"<td>{table.loc['STK', 'CAGR']:.2%}</td>" in text
    assert f"<td>{table.loc['STK', 'Sharpe']:.2f}</td>" in text
    assert "60/40 &lt;mix&gt;" in text and "60/40 <mix>" not in text
    colour = plotting.strategy_colors(results)["STK"]
    assert f'style="background:{colour}"' in text  # the chart colour keys the tables too


def test_report_does_not_mutate_inputs(report, results, table):
    _, _, (returns, equity, tab) = report
    pd.testing.assert_frame_equal(results.returns, returns)
    pd.testing.assert_frame_equal(results.equity, equity)
    pd.testing.assert_frame_equal(table, tab)


def test_report_of_plain_returns_without_summary_says_why(results, tmp_path, monkeypatch):
    monkeypatch.setattr(plt, "show", _boom)
    broken = types.ModuleType("tactical.report")  # summary unavailable
    monkeypatch.setitem(sys.modules, "tactical.report", broken)
    returns = results.returns[["STK", "BND"]]
    text = plotting.html_report(returns, tmp_path / "r.html").read_text()
    assert "Metrics table unavailable" in text and "ImportError" in text
    assert len(re.findall(r"<img ", text)) == 5  # no allocation charts for plain returns
    assert text.count('<table class="heat">') == 2  # monthly returns of each column
    assert "Allocation of" not in text


def test_a_wide_summary_is_split_into_tables_by_kind(results):
    from tactical.charts.tables import _grouped_tables_html
    from tactical.report import COLUMNS

    names = list(results)
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.uniform(0.01, 0.2, (len(names), len(COLUMNS))), index=names,
                        columns=list(COLUMNS))  # fmt: skip
    page = _grouped_tables_html(wide, plotting.strategy_colors(names))
    tables = re.findall(r"<table>.*?</table>", page, flags=re.S)
    groups = re.findall(r'<h3 class="group">([^<]+)</h3>', page)
    assert len(tables) == len(groups) >= 5
    assert groups[:4] == ["Account (money)", "Returns", "Risk", "Risk-adjusted"]
    headers = [re.findall(r"<thead>.*?</thead>", t, flags=re.S)[0] for t in tables]
    labels = [re.findall(r"<th>([^<]*)</th>", h)[1:] for h in headers]  # after "Strategy"
    assert all(len(cols) <= 9 for cols in labels)
    assert sorted(c for cols in labels for c in cols) == sorted(v[0] for v in COLUMNS.values())
    assert all(t.count("<tr><th>") == len(names) + 1 for t in tables)  # header + each strategy
    narrow = _grouped_tables_html(wide.iloc[:, :5], plotting.strategy_colors(names))
    assert narrow.count("<table>") == 1 and "group" not in narrow
