"""Loading 22 cached tickers x 25 years of daily closes: SQLite store against the old file cache.

Run from the repository root::

    .venv/bin/python benchmarks/bench_cache.py [--data ../shared/data/prices] [--repeat 15]

Both caches are filled from the same frame, then each is read back offline
(the clock is frozen on the last download day, so neither downloads) through
its ``CachedSource.fetch`` for all 22 tickers; the time is the median of
``--repeat`` warm loads (the files are in the OS cache for both), plus the
first load of each. The old cache is tactical 0.1's CSV + JSON per ticker,
kept verbatim in ``benchmarks/_old_file_cache.py``. Both loads must return
the same prices, bit for bit, before a time means anything.

Data: the 22 real funds from ``--data`` (default ``../shared/data/prices``
beside the repository), each from 2000-01-03 (25 years; the younger funds
from their start), else 22 synthetic series of 6,300 business days.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _old_file_cache import CachedSource as OldCachedSource  # noqa: E402

from tactical.data import CachedSource  # noqa: E402

N_TICKERS, N_DAYS = 22, 6300


class SeriesSource:
    """Serves each ticker's own series (funds end on different days in the real data)."""

    name = "bench"
    adjustment = "total_return"

    def __init__(self, prices: pd.DataFrame) -> None:
        self.prices = prices

    def fetch(self, tickers, start=None, end=None):
        return pd.DataFrame({t: self.prices[t].dropna().loc[start:end] for t in tickers})


def make_data(folder: Path) -> tuple[pd.DataFrame, str]:
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if len(files) >= N_TICKERS:
        cols = {}
        for path in files[:N_TICKERS]:
            frame = pd.read_csv(path, index_col="date", parse_dates=True)
            cols[path.stem] = frame["adj_close"].astype(float).loc["2000-01-03":]
        prices = pd.DataFrame(cols)
        prices.index.name = "date"
        return prices, f"{N_TICKERS} real funds from {folder.name}/ since 2000-01-03"
    rng = np.random.default_rng(13)
    index = pd.bdate_range("2000-01-03", periods=N_DAYS, name="date")
    steps = 1 + rng.normal(0.0003, 0.01, size=(N_DAYS, N_TICKERS))
    prices = pd.DataFrame(
        100 * np.cumprod(steps, axis=0), index=index, columns=[f"T{i:02d}" for i in range(22)]
    )
    return prices, f"{N_TICKERS} synthetic series x {N_DAYS} business days"


def timed(load, repeat: int) -> tuple[float, float, pd.DataFrame]:
    t0 = time.perf_counter()
    out = load()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        load()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "prices")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    prices, what = make_data(args.data)
    tickers = list(prices.columns)
    last = prices.index[-1]

    def now() -> pd.Timestamp:
        return last + pd.Timedelta(hours=18)

    with tempfile.TemporaryDirectory() as tmp:
        source = SeriesSource(prices)
        old = OldCachedSource(source, Path(tmp) / "old", now=now)
        new = CachedSource(source, Path(tmp) / "new", now=now)
        old.fetch(tickers)  # fill both caches (one download each)
        new.fetch(tickers)
        old_first, old_warm, old_out = timed(lambda: old.fetch(tickers), args.repeat)
        new_first, new_warm, new_out = timed(lambda: new.fetch(tickers), args.repeat)
        same = old_out.equals(new_out) and bool(
            np.array_equal(old_out.to_numpy(), new_out.to_numpy(), equal_nan=True)
        )
        size_old = sum(p.stat().st_size for p in (Path(tmp) / "old").rglob("*") if p.is_file())
        size_new = (Path(tmp) / "new" / "prices.sqlite").stat().st_size
    rows = int(prices.notna().sum().sum())
    print(f"data: {what}; {rows:,} cached prices")
    print(f"same prices from both caches, bit for bit: {same}")
    print(f"{'':24}{'first load':>12}{'warm (median)':>16}{'on disk':>12}")
    print(
        f"{'old file cache':24}{old_first * 1e3:10.1f}ms{old_warm * 1e3:14.1f}ms"
        f"{size_old / 1e6:10.2f}MB"
    )
    print(
        f"{'SQLite store':24}{new_first * 1e3:10.1f}ms{new_warm * 1e3:14.1f}ms"
        f"{size_new / 1e6:10.2f}MB"
    )
    print(f"ratio store / old (warm): {new_warm / old_warm:.2f} (below 1: the store is faster)")
    if not same:
        raise SystemExit("the two caches returned different prices")


if __name__ == "__main__":
    main()
