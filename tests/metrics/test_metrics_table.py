"""metric_table: every column is the metric function of the same name, for any block size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tactical import metrics as m
from tactical.errors import MetricError, MetricWarning
from tactical.metrics import table as table_module
from tactical.metrics.table import METRIC_COLUMNS, metric_table


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """40 strategies x 700 business days, column-major like a sweep's returns matrix."""
    idx = pd.bdate_range("2016-01-01", periods=700, name="date")
    rng = np.random.default_rng(7)
    common = rng.normal(2e-4, 0.009, (700, 1))
    values = np.asfortranarray(0.6 * common + rng.normal(1e-4, 0.006, (700, 40)))
    values[:, 3] = np.abs(values[:, 3])  # never below 0: no drawdown, no downside
    return pd.DataFrame(values, index=idx, columns=[f"v{i}" for i in range(40)], copy=False)


def _functions(r, start, rf):
    return {
        "cagr": m.cagr(r, start=start) if start is not None else m.cagr(r),
        "annual_volatility": m.annual_volatility(r),
        "sharpe_ratio": m.sharpe_ratio(r, rf),
        "sortino_ratio": m.sortino_ratio(r, rf),
        "max_drawdown": m.max_drawdown(r),
        "calmar_ratio": (
            m.calmar_ratio(r, start=start) if start is not None else m.calmar_ratio(r)
        ),
    }


@pytest.mark.filterwarnings("ignore::tactical.errors.MetricWarning")
@pytest.mark.parametrize("rf", [0.0, 0.03, "series"])
@pytest.mark.parametrize("start", [None, "2015-12-31"])
def test_each_column_equals_the_metric_function_of_its_name(frame, rf, start):
    if rf == "series":
        rf = pd.Series(np.linspace(0.0, 1e-4, len(frame)), index=frame.index, name="bills")
    got = metric_table(frame, start=start, risk_free=rf)
    for name, expected in _functions(frame, start, rf).items():
        np.testing.assert_allclose(got[name], expected, rtol=1e-13, atol=0, err_msg=name)
    assert list(got.columns) == list(METRIC_COLUMNS)
    assert list(got.index) == list(frame.columns)


@pytest.mark.filterwarnings("ignore::tactical.errors.MetricWarning")
def test_a_column_does_not_depend_on_its_neighbours_or_the_block_size(frame, monkeypatch):
    whole = metric_table(frame)
    monkeypatch.setattr(table_module, "_BLOCK_VALUES", 3 * len(frame))  # blocks of 3 columns
    pd.testing.assert_frame_equal(metric_table(frame), whole, check_exact=True)
    alone = metric_table(frame[["v5"]], metrics=["sharpe_ratio", "max_drawdown", "cagr"])
    for name in alone.columns:
        assert alone.loc["v5", name] == pytest.approx(whole.loc["v5", name], rel=1e-14)
    c_order = metric_table(pd.DataFrame(np.ascontiguousarray(frame.to_numpy()), frame.index))
    np.testing.assert_allclose(c_order.to_numpy(), whole.to_numpy(), rtol=1e-13)


def test_deflated_sharpe_is_deflated_by_the_columns_tried(frame):
    with pytest.warns(MetricWarning):
        got = metric_table(frame)
    sr = m.sharpe_ratio(frame) / np.sqrt(252)
    ok = sr.dropna()
    v = ok.var(ddof=1)
    for col in ("v0", "v17"):
        x = frame[col]
        expected = m.deflated_sharpe_ratio(sr[col], len(x), len(ok), v, x.skew(), x.kurt() + 3)
        assert got.loc[col, "deflated_sharpe"] == pytest.approx(expected, rel=1e-10)
    conv = got.attrs["conventions"]
    assert conv["sharpe_variance"] == pytest.approx(v, rel=1e-12)
    assert f"N = {len(ok)} variants" in conv["deflated_sharpe"]
    assert conv["periods_per_year"] == 252


def test_undefined_values_are_nan_with_the_functions_warning(frame):
    with pytest.warns(MetricWarning) as caught:
        got = metric_table(frame, metrics=["sortino_ratio", "calmar_ratio"])
    assert sorted(str(w.message) for w in caught) == [
        "calmar_ratio is NaN for 'v3': there was no drawdown",
        "sortino_ratio is NaN for 'v3': no period is below the target",
    ]
    assert np.isnan(got.loc["v3", "sortino_ratio"]) and np.isnan(got.loc["v3", "calmar_ratio"])
    assert np.isfinite(got.drop(index="v3").to_numpy()).all()


def test_a_subset_keeps_the_table_order_and_computes_what_it_needs(frame):
    got = metric_table(frame, metrics=["max_drawdown", "sharpe_ratio"])
    assert list(got.columns) == ["sharpe_ratio", "max_drawdown"]
    calmar = metric_table(frame.drop(columns="v3"), metrics=["calmar_ratio"])
    assert list(calmar.columns) == ["calmar_ratio"]


def test_an_array_needs_periods_per_year_and_gives_a_numbered_index(frame):
    values = frame.to_numpy()
    got = metric_table(values, periods_per_year=252, metrics=["annual_volatility"])
    assert list(got.index) == list(range(values.shape[1]))
    np.testing.assert_allclose(got["annual_volatility"], m.annual_volatility(frame), rtol=1e-13)
    with pytest.raises(Exception, match="periods_per_year"):
        metric_table(values, metrics=["annual_volatility"])


def test_bad_input_is_named(frame):
    holed = frame.copy()
    holed.iloc[100, 22] = np.nan
    with pytest.raises(MetricError, match=r"column 'v22' on 2016-05-20"):
        metric_table(holed)
    with pytest.raises(MetricError, match=r"unknown metric\(s\) \['sharp'\]"):
        metric_table(frame, metrics=["sharp"])
    with pytest.raises(MetricError, match="2-D array"):
        metric_table(frame["v0"])  # type: ignore[arg-type]
    with pytest.raises(MetricError, match="at least 4 periods"):
        metric_table(frame.iloc[:3])
    with pytest.raises(MetricError, match="look like prices"):
        metric_table(100 + frame.cumsum())


def test_input_is_not_mutated(frame):
    before = frame.copy()
    with pytest.warns(MetricWarning):
        metric_table(frame, risk_free=0.02)
    pd.testing.assert_frame_equal(frame, before)
