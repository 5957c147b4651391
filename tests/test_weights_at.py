"""Vectorised allocators: ``weights_at`` equals the History path, row by row, bit for bit.

Interface I1: for every built-in allocator, row ``j`` of
``weights_at(values, index, columns, rows)`` is exactly the target the
allocator returns for a ``History`` cut at ``rows[j]``; it reads nothing after
``rows[j]``; and ``first_decision_row`` is the first row the History path can
decide on.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactical.errors import ConfigError, InsufficientHistoryError, ZeroHurdleWarning
from tactical.history import History
from tactical.strategies import DualMomentum, FixedWeights, RelativeMomentum, TrendFilter
from tactical.strategies.signals import moving_average, trailing_return

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUNDS = ("A", "B", "C", "D")


@st.composite
def markets(draw: st.DrawFn) -> tuple[np.ndarray, pd.DatetimeIndex, tuple[str, ...]]:
    """Random positive closes (daily or month-end), young funds NaN at the head, CASH last."""
    monthly = draw(st.booleans()) and draw(st.booleans())
    n = draw(st.integers(20, 60)) if monthly else draw(st.integers(30, 420))
    start = pd.Timestamp("2000-01-03") + pd.Timedelta(days=draw(st.integers(0, 1500)))
    if monthly:
        index = pd.date_range(start, periods=n, freq="BME")
    else:
        index = pd.bdate_range(start, periods=n)
    k = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.02, size=(n, k))
    if draw(st.booleans()):  # exact ties and flat stretches
        steps = np.round(steps, 2) * (rng.random((n, k)) < 0.5)
    values = 100.0 * np.exp(np.cumsum(steps, axis=0))
    for col in range(k):
        if draw(st.booleans()) and draw(st.booleans()):
            values[: draw(st.integers(1, n // 3)), col] = np.nan  # a young fund
    if draw(st.booleans()):
        cash = np.ones(n)  # no cash returns: a constant level
    else:
        cash = np.cumprod(1.0 + rng.uniform(0.0, 2e-4, n))
    columns = (*FUNDS[:k], "CASH")
    return np.column_stack([values, cash]), index, columns


def durations(draw: st.DrawFn, minimum: int = 1) -> int | str:
    unit = draw(st.sampled_from(["int", "D", "W", "M"]))
    top = {"int": 25, "D": 25, "W": 6, "M": 5}[unit]
    count = draw(st.integers(minimum, top))
    return count if unit == "int" else f"{count}{unit}"


@st.composite
def allocators(draw: st.DrawFn, names: tuple[str, ...]) -> object:
    funds = [n for n in names if n != "CASH"]
    kind = draw(st.sampled_from(["fixed", "relative", "dual", "trend"]))
    if kind == "fixed":
        picked = draw(st.lists(st.sampled_from(list(names)), min_size=1, unique=True))
        raw = np.array([draw(st.integers(1, 9)) for _ in picked], dtype=float)
        return FixedWeights(dict(zip(picked, raw / raw.sum(), strict=True)))
    menu = tuple(draw(st.lists(st.sampled_from(funds), min_size=1, unique=True)))
    others = [f for f in names if f not in menu]
    if kind == "relative":
        return RelativeMomentum(
            menu,
            top_n=draw(st.integers(1, len(menu))),
            lookback=durations(draw),
            skip=durations(draw, minimum=0),
        )
    if kind == "dual":
        safe = draw(st.sampled_from(others or ["CASH"])) if others else "CASH"
        return DualMomentum(
            menu,
            safe=safe,
            lookback=durations(draw),
            skip=durations(draw, minimum=0),
            top_n=draw(st.integers(1, len(menu))),
            hurdle=draw(st.sampled_from(["CASH", *others])),
        )
    if not others:
        menu, others = menu[:-1] or menu, ["CASH"]
    if set(menu) & set(others):
        others = ["CASH"]
    weighted = draw(st.booleans())
    raw = np.array([draw(st.integers(1, 9)) for _ in menu], dtype=float)
    risky = dict(zip(menu, raw / raw.sum(), strict=True)) if weighted else menu
    return TrendFilter(risky, safe=draw(st.sampled_from(others)), lookback=durations(draw))


def history_path(alloc, values, index, columns, rows) -> np.ndarray:
    """What the engine's per-decision path computes: one History per row, as vectors."""
    out = np.zeros((len(rows), len(columns)))
    for j, r in enumerate(rows):
        weights = alloc(History(values, index, columns, int(r) + 1))
        for ticker, w in weights.items():
            out[j, columns.index(ticker)] = w
    return out


def priced_row(alloc, values, columns) -> int:
    used = [columns.index(t) for t in (*alloc.tickers, "CASH")]
    return int(np.argmax(~np.isnan(values[:, used]), axis=0).max())


@PROPERTY
@given(data=st.data(), market=markets())
def test_weights_at_equals_the_history_path_row_by_row(data, market):
    values, index, columns = market
    values.flags.writeable = False
    alloc = data.draw(allocators(columns))
    first = alloc.first_decision_row(index, priced_row(alloc, values, columns))
    if first >= len(index):
        return
    rows = np.array(
        sorted(data.draw(st.sets(st.integers(first, len(index) - 1), min_size=1, max_size=40))),
        dtype=np.int64,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroHurdleWarning)
        expected = history_path(alloc, values, index, columns, rows)
        got = alloc.weights_at(values, index, columns, rows)
        # the future is invisible: scrambling every row after the last decision moves nothing
        future = values.copy()
        future[rows[-1] + 1 :] *= 3.0
        later = alloc.weights_at(future, index, columns, rows)
    assert got.shape == (len(rows), len(columns))
    np.testing.assert_array_equal(got, expected)  # bit for bit
    np.testing.assert_array_equal(later, got)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@PROPERTY
@given(data=st.data(), market=markets())
def test_first_decision_row_is_the_first_row_the_history_path_accepts(data, market):
    values, index, columns = market
    values = np.where(np.isnan(values), 1.0, values)  # every fund priced from row 0
    alloc = data.draw(allocators(columns))
    if isinstance(alloc, FixedWeights):
        assert alloc.first_decision_row(index, 0) == 0
        return
    first = alloc.first_decision_row(index, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroHurdleWarning)
        if first < len(index):
            alloc(History(values, index, columns, first + 1))  # decides
        if first > 0:
            with pytest.raises(InsufficientHistoryError):
                alloc(History(values, index, columns, first))
            with pytest.raises(InsufficientHistoryError):
                alloc.weights_at(values, index, columns, np.array([first - 1]))


def test_trailing_return_and_moving_average_match_history_helpers_on_every_row():
    rng = np.random.default_rng(5)
    index = pd.bdate_range("2003-06-11", periods=500)
    values = 50.0 * np.exp(np.cumsum(rng.normal(0, 0.01, (500, 3)), axis=0))
    rows = np.arange(500)
    for lookback, skip in [(5, 0), ("3M", 0), ("2M", "1M"), ("4W", 2), ("30D", "1W")]:
        scores = trailing_return(values, index, rows, lookback, skip)
        for r in rows[::7]:
            h = History(values, index, ("A", "B", "C"), int(r) + 1)
            if np.isnan(scores[r]).any():
                with pytest.raises(InsufficientHistoryError):
                    h.trailing_returns(("A", "B", "C"), lookback, skip)
            else:
                np.testing.assert_array_equal(
                    scores[r], h.trailing_returns(("A", "B", "C"), lookback, skip)
                )
    for window in (3, "10D", "4M", "3W"):
        means = moving_average(values, index, rows, window)
        for r in rows[::7]:
            h = History(values, index, ("A", "B", "C"), int(r) + 1)
            if np.isnan(means[r, 1]):
                with pytest.raises(InsufficientHistoryError):
                    h.moving_average("B", window)
            else:
                assert means[r, 1] == h.moving_average("B", window)


def test_weights_at_names_a_missing_fund_and_a_fund_too_young():
    index = pd.bdate_range("2024-01-01", periods=30)
    values = np.column_stack([np.linspace(1, 2, 30), np.linspace(2, 1, 30), np.ones(30)])
    values[:10, 1] = np.nan
    rule = RelativeMomentum(("A", "B"), lookback="5D")
    with pytest.raises(ConfigError, match=r"no prices for \['Z'\]"):
        RelativeMomentum(("A", "Z"), lookback="5D").weights_at(
            values, index, ("A", "B", "CASH"), np.array([20])
        )
    with pytest.raises(InsufficientHistoryError, match=r"2024-01-12.*\['B'\]"):
        rule.weights_at(values, index, ("A", "B", "CASH"), np.array([9, 20]))
    assert rule.weights_at(values, index, ("A", "B", "CASH"), np.array([15, 29])).tolist() == [
        [1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
    ]


def test_top_1_of_10_momentum_scores_every_month_end_far_under_a_millisecond():
    """Scenario C of the speed reference: 6,300 daily rows, 10 funds, 126-day lookback."""
    rng = np.random.default_rng(0)
    index = pd.bdate_range("2000-01-03", periods=6300)
    columns = (*(f"F{i}" for i in range(10)), "CASH")
    values = np.column_stack(
        [100.0 * np.exp(np.cumsum(rng.normal(0, 0.01, (6300, 10)), axis=0)), np.ones(6300)]
    )
    rule = RelativeMomentum(columns[:-1], top_n=1, lookback="126D")
    keys = index.year * 12 + index.month
    rows = np.flatnonzero(np.r_[keys[1:] != keys[:-1], True])
    rows = rows[rows >= 126]
    best = float("inf")
    for _ in range(30):
        t0 = time.perf_counter()
        got = rule.weights_at(values, index, columns, rows)
        best = min(best, time.perf_counter() - t0)
    assert len(rows) > 280 and got.shape == (len(rows), 11)
    assert best < 1e-3, f"{best * 1e3:.3f} ms for {len(rows)} decisions"


def _shared_bench(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / f"{name}.py"
    if not path.is_file():
        pytest.skip("speed reference ../shared/bench is absent")
    spec = importlib.util.spec_from_file_location(f"shared_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lookback, top_n", [(126, 1), (21, 3), (252, 5), (100, 2)])
def test_momentum_weights_equal_the_plain_numpy_reference(lookback, top_n):
    """The speed reference's own top-N rule (scenarios C and D) is an independent oracle."""
    scenarios, reference = _shared_bench("scenarios"), _shared_bench("reference")
    frame = scenarios.make_prices(n_assets=10)
    month_rows = scenarios.month_end_rows(frame.index)
    ref_rows, ref_w = reference.momentum_weights(frame.to_numpy(), month_rows, lookback, top_n)
    columns = (*map(str, frame.columns), "CASH")
    values = np.column_stack([frame.to_numpy(), np.ones(len(frame))])
    for spelled in (lookback, f"{lookback}D"):
        rule = RelativeMomentum(columns[:-1], top_n=top_n, lookback=spelled)
        got = rule.weights_at(values, frame.index, columns, ref_rows)
        np.testing.assert_array_equal(got[:, :-1], ref_w)
        assert not got[:, -1].any()
    scores = trailing_return(values, frame.index, ref_rows, lookback)
    raw = frame.to_numpy()
    np.testing.assert_array_equal(scores[:, :-1], raw[ref_rows] / raw[ref_rows - lookback] - 1.0)
