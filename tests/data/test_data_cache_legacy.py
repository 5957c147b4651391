"""Regressions from the data-layer review of the file cache: a download never loses cached
dates, a future end is served from a fresh cache, CSV cache entries are kept apart per column.

Moved here from ``test_data_review_fixes.py`` unchanged; kept apart from
``test_data_cache.py`` while the cache is being rewritten."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tactical.data import CachedSource, CsvSource
from tactical.errors import StaleCacheWarning

DAYS = pd.bdate_range("2024-01-01", "2024-03-29")
FULL = pd.Series(100.0 * np.cumprod(1 + 0.001 * np.sin(np.arange(len(DAYS)))), index=DAYS)


class GlitchySource:
    """Serves ``FULL`` (times ``scale``) from ``since`` up to ``upto``, minus ``drop``."""

    name = "fake"
    adjustment = "total_return"

    def __init__(self) -> None:
        self.upto = pd.Timestamp("2024-02-15")
        self.since = pd.Timestamp("2024-01-01")
        self.scale = 1.0
        self.drop: list[str] = []
        self.calls: list[tuple[pd.Timestamp | None, pd.Timestamp | None]] = []

    def fetch(self, tickers, start=None, end=None):
        self.calls.append((start, end))
        s = FULL[(FULL.index <= self.upto) & (FULL.index >= self.since)] * self.scale
        s = s.drop(index=pd.DatetimeIndex(self.drop))
        if start is not None:
            s = s[s.index >= start]
        if end is not None:
            s = s[s.index <= end]
        return pd.DataFrame({tickers[0]: s}).rename_axis("date")


class Clock:
    def __init__(self, when: str) -> None:
        self.now = pd.Timestamp(when)

    def __call__(self) -> pd.Timestamp:
        return self.now


@pytest.fixture
def setup(tmp_path):
    src, clock = GlitchySource(), Clock("2024-02-15 18:00")
    return src, clock, CachedSource(src, tmp_path, now=clock)


def files(cached: CachedSource) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cached.folder.iterdir()}


# -- cache: a download never silently loses cached dates ----------------------------


def test_tail_refresh_lacking_cached_dates_keeps_the_cache_and_warns(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"])["SPY"]
    before = files(cached)
    src.upto, src.drop = pd.Timestamp("2024-03-29"), ["2024-02-12", "2024-02-13"]
    clock.now = pd.Timestamp("2024-03-30 09:00")
    with pytest.warns(
        StaleCacheWarning, match=r"SPY: the refresh lacks cached date\(s\) 2024-02-12"
    ):
        out = cached.fetch(["SPY"])["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before
    src.drop = []  # the glitch is gone: the next call refreshes normally
    out = cached.fetch(["SPY"])["SPY"]
    assert out.index.equals(FULL.index)
    np.testing.assert_allclose(out.to_numpy(), FULL.to_numpy(), rtol=1e-12)


def test_tail_refresh_may_add_a_date_the_cache_lacked(setup):
    src, clock, cached = setup
    src.drop = ["2024-02-13"]
    cached.fetch(["SPY"])
    src.upto, src.drop = pd.Timestamp("2024-03-29"), []
    clock.now = pd.Timestamp("2024-03-30 09:00")
    out = cached.fetch(["SPY"])["SPY"]
    assert out.index.equals(FULL.index)


def test_earlier_start_download_starting_after_the_cache_keeps_older_history(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))["SPY"]
    before = files(cached)
    src.since = pd.Timestamp("2024-02-01")  # truncated history from the source
    with pytest.warns(StaleCacheWarning, match=r"starts after the cache \(2024-01-15\)"):
        out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before
    assert cached.store.current(cached.key("SPY")).first == pd.Timestamp("2024-01-15")


def test_earlier_start_download_lacking_a_cached_date_keeps_the_cache(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))["SPY"]
    before = files(cached)
    src.drop = ["2024-01-31"]
    with pytest.warns(StaleCacheWarning, match=r"lacks cached date\(s\) 2024-01-31"):
        out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before


def test_earlier_start_download_covering_the_cache_replaces_it(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    assert out.index[0] == pd.Timestamp("2024-01-02")
    assert cached.store.current(cached.key("SPY")).first == pd.Timestamp("2024-01-02")


def test_future_end_is_served_from_a_fresh_cache_without_downloading(setup):
    src, clock, cached = setup
    future = pd.Timestamp("2024-12-31")
    cached.fetch(["SPY"], end=future)
    out = cached.fetch(["SPY"], end=future)
    assert len(src.calls) == 1
    assert out.index[-1] == pd.Timestamp("2024-02-15")
    clock.now = pd.Timestamp("2024-02-20 09:00")  # a later day still refreshes the tail
    cached.fetch(["SPY"], end=future)
    assert len(src.calls) == 2


def test_csv_cache_entries_are_kept_apart_per_column(tmp_path):
    (tmp_path / "X.csv").write_text(
        "date,open,high,low,close,adj_close,volume\n"
        "2024-01-02,1,5,0.5,2,1.9,10\n2024-01-03,1.1,6,0.6,2.1,2.0,10\n"
    )

    def now() -> pd.Timestamp:
        return pd.Timestamp("2024-01-03 20:00")

    opens = CachedSource(CsvSource(tmp_path, column="open"), tmp_path / "c", now=now).fetch(["X"])
    highs = CachedSource(CsvSource(tmp_path, column="high"), tmp_path / "c", now=now).fetch(["X"])
    assert opens["X"].tolist() == [1.0, 1.1]
    assert highs["X"].tolist() == [5.0, 6.0]
    assert (
        CsvSource(tmp_path, column="Open").cache_namespace
        == CsvSource(tmp_path, column="open").cache_namespace
    )
