"""The same sweep table bit for bit: serially, on threads, on processes and on a Dask cluster."""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.robustness.executors import executor_kind
from tactical.strategies import RelativeMomentum, Strategy

MENU = ("A", "B", "C")


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2015-01-01", periods=900, name="date")
    r = rng.normal(2e-4, 0.01, (900, 3))
    return pd.DataFrame(100 * np.exp(np.cumsum(r, axis=0)), index=idx, columns=list(MENU))


GRID = {"lookback": [30, 42, 63, 84, 105, 126], "top_n": [1, 2]}


def _make(lookback: int, top_n: int) -> Strategy:
    return Strategy(RelativeMomentum(MENU, lookback=lookback, top_n=top_n))


@pytest.fixture(scope="module")
def serial(prices):
    return tc.sweep(prices, _make, GRID)


def _identical(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    np.testing.assert_array_equal(a.returns.to_numpy(), b.returns.to_numpy())
    assert a.returns.index.equals(b.returns.index)


def test_threads_give_the_same_table_bit_for_bit(prices, serial):
    with ThreadPoolExecutor(2) as pool:
        assert executor_kind(pool) == "threads"
        _identical(serial, tc.sweep(prices, _make, GRID, executor=pool))


def test_processes_give_the_same_table_bit_for_bit_even_with_a_lambda(prices, serial):
    make = lambda lookback, top_n: _make(lookback, top_n)  # noqa: E731 - cloudpickled
    with ProcessPoolExecutor(2) as pool:
        assert executor_kind(pool) == "processes"
        _identical(serial, tc.sweep(prices, make, GRID, executor=pool, chunk_size=3))


def test_dask_local_cluster_with_two_worker_processes_gives_the_same_table(prices, serial):
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cluster start-up chatter (ports, resources)
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        assert executor_kind(client) == "dask"
        assert executor_kind(client.get_executor()) == "dask"
        _identical(serial, tc.sweep(prices, _make, GRID, executor=client))
        _identical(serial, tc.sweep(prices, _make, GRID, executor=client.get_executor()))
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()


def test_walk_forward_and_timing_luck_on_threads_equal_serial(prices):
    def one(lookback: int) -> Strategy:
        return _make(lookback, 1)

    grid = {"lookback": [30, 63, 126]}
    base = tc.walk_forward(prices, one, grid, train="18M", test="6M")
    luck = tc.timing_luck(prices, one(63), offsets=[0, 3, 7])
    with ThreadPoolExecutor(2) as pool:
        wf = tc.walk_forward(prices, one, grid, train="18M", test="6M", executor=pool)
        tl = tc.timing_luck(prices, one(63), offsets=[0, 3, 7], executor=pool)
    pd.testing.assert_frame_equal(wf.folds, base.folds, check_exact=True)
    pd.testing.assert_series_equal(wf.result.equity, base.result.equity, check_exact=True)
    pd.testing.assert_frame_equal(tl.table, luck.table, check_exact=True)
