"""Run chunks of backtests serially, on any ``concurrent.futures.Executor``, or on Dask.

One seam for every backend. A *task* is a top-level function
``fn(market, payload) -> small result`` (never a full result frame per
variant). The validated prices (the engine's ``_Market``) go to the workers
once:

* serially and on a ``ThreadPoolExecutor`` the object is shared in memory;
* on a ``ProcessPoolExecutor`` the price matrix is written once to a
  temporary ``.npy`` file that every worker memory-maps read-only (the file is
  removed when the run ends);
* on a ``dask.distributed.Client`` (or its ``get_executor()``) it is
  scattered once with ``broadcast=True`` and every task receives the handle;
* any other ``Executor`` receives it with each chunk (there is no broadcast
  in the ``concurrent.futures`` API).

Payloads for process and other executors are serialised with
``cloudpickle`` when it is installed (it comes with Dask), so strategies built
from lambdas and notebook functions travel too.

Results come back in submission order through each future's own
``result()``: ``concurrent.futures.as_completed`` rejects Dask futures
(dask/distributed #3695). On any exception, ``KeyboardInterrupt`` included,
the futures not yet finished are cancelled and the exception propagates.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from tactical._progress import progress_bar
from tactical.backtest import _Market
from tactical.errors import ConfigError

__all__ = ["executor_kind", "run_chunks"]


def _dask_client(executor: object) -> Any | None:
    """The Dask client behind ``executor`` (a Client or a ClientExecutor), else None."""
    if all(hasattr(executor, a) for a in ("scatter", "submit", "gather")):
        return executor
    inner = getattr(executor, "_client", None)
    if inner is not None and hasattr(inner, "scatter"):
        return inner
    return None


def executor_kind(executor: object) -> str:
    """``"serial"``, ``"threads"``, ``"processes"``, ``"dask"`` or ``"executor"``."""
    if executor is None:
        return "serial"
    if _dask_client(executor) is not None:
        return "dask"
    if isinstance(executor, ThreadPoolExecutor):
        return "threads"
    if isinstance(executor, ProcessPoolExecutor):
        return "processes"
    if isinstance(executor, Executor):
        return "executor"
    raise ConfigError(
        "executor must be a concurrent.futures.Executor (ThreadPoolExecutor, "
        f"ProcessPoolExecutor...) or a dask.distributed.Client, got {type(executor).__name__}"
    )


def workers(executor: object) -> int:
    """A guess of how many tasks run at once (for chunking)."""
    kind = executor_kind(executor)
    if kind == "serial":
        return 1
    if kind == "dask":
        client = _dask_client(executor)
        try:
            return max(1, sum(client.ncores().values()))  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - a guess only
            return 2
    return max(1, int(getattr(executor, "_max_workers", os.cpu_count() or 1)))


@dataclass(frozen=True, slots=True)
class _MarketFile:
    """A market whose price matrix lives in a ``.npy`` file, memory-mapped by workers.

    ``template`` is the market with an empty price matrix (dates, columns and
    the rest travel with each task; they are small).
    """

    path: str
    template: _Market

    @classmethod
    def write(cls, market: _Market, path: str) -> _MarketFile:
        np.save(path, np.asarray(market.values))
        empty = np.empty((0, market.values.shape[1]))
        extra: dict[str, Any] = (
            {"schedules": {}} if "schedules" in {f.name for f in fields(market)} else {}
        )
        return cls(path, replace(market, values=empty, **extra))

    def load(self) -> _Market:
        return replace(self.template, values=np.load(self.path, mmap_mode="r"))


def _resolve(market: _Market | _MarketFile) -> _Market:
    return market.load() if isinstance(market, _MarketFile) else market


def _dumps(obj: Any) -> bytes:
    try:
        import cloudpickle
    except ImportError:  # pragma: no cover - dask brings it
        return pickle.dumps(obj)
    return cloudpickle.dumps(obj)  # type: ignore[no-any-return]


def _call(fn: Callable[[_Market, Any], Any], market: Any, payload: Any) -> Any:
    """Worker side: resolve the market handle, unpickle the payload, run the task."""
    if isinstance(payload, bytes):
        payload = pickle.loads(payload)
    return fn(_resolve(market), payload)


def run_chunks(
    fn: Callable[[_Market, Any], Any],
    market: _Market,
    payloads: Sequence[Any],
    sizes: Sequence[int],
    executor: object,
    progress: bool | None,
    desc: str,
    consume: Callable[[int, Any], None],
) -> None:
    """``consume(k, fn(market, payloads[k]))`` for every payload, in order, on ``executor``.

    ``sizes`` are the variants in each payload (the progress bar counts
    variants). Each result is handed to ``consume`` as soon as it is its
    turn and then dropped, so at most the results still in flight are held.
    """
    kind = executor_kind(executor)
    total = int(sum(sizes))
    with progress_bar(total, desc, progress) as bar:
        if kind == "serial":
            for k, (payload, size) in enumerate(zip(payloads, sizes, strict=True)):
                consume(k, fn(market, payload))
                bar.update(size)
            return
        cleanup: str | None = None
        futures: list[Any] = []
        try:
            if kind == "dask":
                client = _dask_client(executor)
                assert client is not None
                handle = client.scatter(market, broadcast=True, hash=False)
                futures = [client.submit(_call, fn, handle, p, pure=False) for p in payloads]
            elif kind == "threads":
                assert isinstance(executor, Executor)
                futures = [executor.submit(_call, fn, market, p) for p in payloads]
            else:
                assert isinstance(executor, Executor)
                ref: Any = market
                if kind == "processes":
                    fd, cleanup = tempfile.mkstemp(prefix="tactical-sweep-", suffix=".npy")
                    os.close(fd)
                    ref = _MarketFile.write(market, cleanup)
                futures = [executor.submit(_call, fn, ref, _dumps(p)) for p in payloads]
            for k, size in enumerate(sizes):
                result = futures[k].result()
                futures[k] = None  # let the executor free it
                consume(k, result)
                bar.update(size)
        except BaseException:
            for future in futures:
                if future is not None:
                    future.cancel()
            raise
        finally:
            if cleanup is not None:
                try:
                    os.remove(cleanup)
                except OSError:  # pragma: no cover - a worker may still hold it on Windows
                    pass
