"""CachedSource: tail refresh, atomic writes, corrupt metadata, failed refreshes."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from tactical.data import CachedSource, cache_directory, load_prices
from tactical.errors import CacheError, NoDataError, SourceError, StaleCacheWarning

DAYS = pd.bdate_range("2024-01-01", "2024-03-29")
FULL = pd.Series(100.0 * np.cumprod(1 + 0.001 * np.sin(np.arange(len(DAYS)))), index=DAYS)


class FakeSource:
    """Serves ``FULL`` (times ``scale``) up to ``upto``; records calls; can fail."""

    name = "fake"
    adjustment = "total_return"

    def __init__(self) -> None:
        self.upto = pd.Timestamp("2024-02-15")
        self.scale = 1.0
        self.fail: Exception | None = None
        self.calls: list[tuple[pd.Timestamp | None, pd.Timestamp | None]] = []

    def fetch(self, tickers, start=None, end=None):
        self.calls.append((start, end))
        if self.fail is not None:
            raise self.fail
        s = FULL[FULL.index <= self.upto] * self.scale
        if start is not None:
            s = s[s.index >= start]
        if end is not None:
            s = s[s.index <= end]
        if s.empty:
            raise NoDataError(f"no data for {tickers}")
        return pd.DataFrame({tickers[0]: s}).rename_axis("date")


class Clock:
    def __init__(self, when: str) -> None:
        self.now = pd.Timestamp(when)

    def __call__(self) -> pd.Timestamp:
        return self.now


@pytest.fixture
def setup(tmp_path):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    return src, clock, CachedSource(src, tmp_path, now=clock)


def files(cached: CachedSource) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cached.folder.iterdir()}


def test_first_fetch_writes_data_and_metadata_then_serves_from_disk(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"])
    data, meta = cached.paths("SPY")
    assert data.is_file() and meta.is_file()
    info = json.loads(meta.read_text())
    assert info["source"] == "fake" and info["adjustment"] == "total_return"
    assert info["first"] == "2024-01-01" and info["last"] == "2024-02-15"
    assert info["fetched_at"] == "2024-02-15T18:00:00" and info["rows"] == len(first)
    again = cached.fetch(["SPY"], pd.Timestamp("2024-01-10"))
    assert len(src.calls) == 1  # same day: no new download
    pd.testing.assert_series_equal(again["SPY"], first["SPY"].loc["2024-01-10":])
    assert again["SPY"].to_numpy().tolist() == FULL.loc["2024-01-10":"2024-02-15"].tolist()


def test_refresh_fetches_only_the_tail_and_chains_returns(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    src.upto, src.scale = pd.Timestamp("2024-03-29"), 0.9  # new vintage: levels rescaled
    clock.now = pd.Timestamp("2024-03-30 09:00")
    out = cached.fetch(["SPY"])["SPY"]
    assert src.calls[-1] == (pd.Timestamp("2024-02-05"), None)  # 10 days before cached last
    assert out.index.equals(FULL.index)
    np.testing.assert_allclose(out.to_numpy(), FULL.to_numpy(), rtol=1e-12)  # same returns
    assert json.loads(cached.paths("SPY")[1].read_text())["last"] == "2024-03-29"


@pytest.mark.parametrize(
    "break_it",
    [
        lambda s: setattr(s, "fail", SourceError("Yahoo down")),
        lambda s: setattr(s, "fail", NoDataError("empty download")),
        lambda s: setattr(s, "upto", pd.Timestamp("2024-02-09")),  # shorter than the cache
    ],
    ids=["raises", "empty", "shorter"],
)
def test_failed_refresh_keeps_the_cache_and_warns_how_stale(setup, break_it):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    before = files(cached)
    break_it(src)
    clock.now = pd.Timestamp("2024-02-20 09:00")
    with pytest.warns(
        StaleCacheWarning, match=r"SPY: .*cached fake prices up to 2024-02-15.*4 day"
    ):
        out = cached.fetch(["SPY"])
    assert out.index[-1] == pd.Timestamp("2024-02-15")
    assert files(cached) == before


def test_nothing_cached_and_failure_is_the_source_error(setup):
    src, clock, cached = setup
    src.fail = SourceError("Yahoo down")
    with pytest.raises(SourceError, match="Yahoo down"):
        cached.fetch(["SPY"])
    assert not cached.folder.exists() or not any(cached.folder.iterdir())


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda data, meta: meta.write_text("{not json"),
        lambda data, meta: meta.unlink(),
        lambda data, meta: data.write_text("date,price\n2024-01-02,1.0\n"),  # mismatch
    ],
    ids=["garbage-json", "missing-json", "data-mismatch"],
)
def test_unusable_entry_is_downloaded_again_or_named_in_an_error(setup, corrupt):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    corrupt(*cached.paths("SPY"))
    out = cached.fetch(["SPY"])
    assert len(src.calls) == 2 and out.index[-1] == pd.Timestamp("2024-02-15")
    corrupt(*cached.paths("SPY"))
    src.fail = SourceError("offline")
    with pytest.raises(CacheError, match=r"cache entry for SPY is unusable.*delete .*SPY\.csv"):
        cached.fetch(["SPY"])


def test_interrupted_write_leaves_the_old_files_and_no_temporary(setup, monkeypatch):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    before = files(cached)
    src.upto = pd.Timestamp("2024-03-29")
    clock.now = pd.Timestamp("2024-03-30")

    def broken_replace(a, b):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(CacheError, match="disk full"):
        cached.fetch(["SPY"])
    assert files(cached) == before  # no .tmp left behind, old bytes intact


def test_earlier_start_than_first_download_refetches_everything(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-02-01"))
    out = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    assert src.calls[-1][0] == pd.Timestamp("2024-01-15")
    assert out.index[0] == pd.Timestamp("2024-01-15")


def test_cache_directory_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TACTICAL_CACHE_DIR", str(tmp_path / "env"))
    assert cache_directory() == tmp_path / "env"
    assert cache_directory(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("TACTICAL_CACHE_DIR")
    assert "tactical" in str(cache_directory())


def test_load_prices_wraps_a_source_in_the_cache_on_request(tmp_path):
    src = FakeSource()
    out = load_prices("SPY", "2024-01-02", "2024-02-15", source=src, cache=True, cache_dir=tmp_path)
    assert out.shape == (33, 1)
    assert (tmp_path / "fake" / "total_return" / "SPY.json").is_file()
