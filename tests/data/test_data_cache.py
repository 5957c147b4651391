"""CachedSource on the SQLite store: refresh, versions, and the fault battery of issue 13.

Every fault test asserts that no cached row is lost and that the outcome is a clear
error or a transparent recovery. Faults are real where they can be (SIGKILL of a
writing process, concurrent processes, bytes changed in the file, SQLite's own
"database or disk is full"); a full disk is also faked with ``OSError(ENOSPC)``.
No network: the sources are fakes.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.cli import main
from tactical.data import CachedSource, cache_directory, load_prices
from tactical.data import store as store_module
from tactical.data.store import STORE_NAME, PriceStore, checksum
from tactical.errors import (
    CacheError,
    CacheIntegrityWarning,
    CacheWriteWarning,
    ConfigError,
    DataError,
    NoDataError,
    SourceError,
    StaleCacheWarning,
)

DAYS = pd.bdate_range("2024-01-01", "2024-03-29")
FULL = pd.Series(100.0 * np.cumprod(1 + 0.001 * np.sin(np.arange(len(DAYS)))), index=DAYS)


class FakeSource:
    """Serves ``FULL`` (times ``scale``) from ``since`` up to ``upto``; records calls; can fail."""

    name = "fake"
    adjustment = "total_return"

    def __init__(self) -> None:
        self.upto = pd.Timestamp("2024-02-15")
        self.since = DAYS[0]
        self.scale = 1.0
        self.fail: Exception | None = None
        self.calls: list[tuple[pd.Timestamp | None, pd.Timestamp | None]] = []

    def fetch(self, tickers, start=None, end=None):
        self.calls.append((start, end))
        if self.fail is not None:
            raise self.fail
        s = FULL[(FULL.index <= self.upto) & (FULL.index >= self.since)] * self.scale
        if start is not None:
            s = s[s.index >= start]
        if end is not None:
            s = s[s.index <= end]
        if s.empty:
            raise NoDataError(f"no data for {tickers}")
        return pd.DataFrame({t: s for t in tickers}).rename_axis("date")


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


def stored(cached: CachedSource, ticker: str = "SPY") -> pd.Series:
    """The current stored series, read straight from the store file with sqlite3."""
    version = cached.store.current(cached.key(ticker))
    assert version is not None and version.prices is not None
    return version.prices


def all_rows(root: Path) -> set[tuple[str, int]]:
    """Every (ticker, day) held by any intact version, read with plain sqlite3 + numpy."""
    conn = sqlite3.connect(root / STORE_NAME)
    try:
        out = set()
        query = "SELECT s.ticker, v.dates, v.prices, v.checksum FROM versions v JOIN series s"
        for ticker, dates, prices, digest in conn.execute(query + " ON s.id = v.series"):
            assert checksum(dates, prices) == digest, f"{ticker}: a version fails its checksum"
            out |= {(ticker, int(d)) for d in np.frombuffer(dates, dtype="<i8")}
        return out
    finally:
        conn.close()


# -- refresh, as before ---------------------------------------------------------------


def test_first_fetch_writes_one_store_file_then_serves_from_it(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"])
    assert [p.name for p in cached.folder.iterdir()] == [STORE_NAME]
    v = cached.store.current(cached.key("SPY"))
    assert (v.source, v.adjustment, v.number, v.kind) == ("fake", "total_return", 1, "download")
    assert v.first == pd.Timestamp("2024-01-01") and v.last == pd.Timestamp("2024-02-15")
    assert v.fetched_at == pd.Timestamp("2024-02-15 18:00") and v.rows == len(first)
    assert first.attrs["cache"]["SPY"]["version"] == 1
    again = cached.fetch(["SPY"], pd.Timestamp("2024-01-10"))
    assert len(src.calls) == 1  # same day: no new download
    pd.testing.assert_series_equal(again["SPY"], first["SPY"].loc["2024-01-10":])
    assert again["SPY"].to_numpy().tolist() == FULL.loc["2024-01-10":"2024-02-15"].tolist()


def test_store_is_plain_sqlite_with_the_exact_float_bits(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    conn = sqlite3.connect(cached.store.path)
    dates, prices = conn.execute("SELECT dates, prices FROM versions").fetchone()
    conn.close()
    np.testing.assert_array_equal(np.frombuffer(prices, "<f8"), FULL.loc[:"2024-02-15"])
    assert pd.Timestamp(int(np.frombuffer(dates, "<i8")[0]), unit="D") == DAYS[0]


def test_refresh_fetches_only_the_tail_chains_returns_and_extends_the_version(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    src.upto, src.scale = pd.Timestamp("2024-03-29"), 0.9  # new vintage: levels rescaled
    clock.now = pd.Timestamp("2024-03-30 09:00")
    out = cached.fetch(["SPY"])
    assert src.calls[-1] == (pd.Timestamp("2024-02-05"), None)  # 10 days before cached last
    assert out["SPY"].index.equals(FULL.index)
    np.testing.assert_allclose(out["SPY"].to_numpy(), FULL.to_numpy(), rtol=1e-12)
    # Cached prices keep their exact bits; the returns agree, so no revision: still version 1.
    assert out["SPY"].loc[:"2024-02-15"].tolist() == FULL.loc[:"2024-02-15"].tolist()
    assert [v.number for v in cached.versions("SPY")] == [1]
    assert stored(cached).index[-1] == pd.Timestamp("2024-03-29")


@pytest.mark.parametrize(
    "break_it",
    [
        lambda s: setattr(s, "fail", SourceError("Yahoo down")),
        lambda s: setattr(s, "fail", NoDataError("empty download")),
        lambda s: setattr(s, "upto", pd.Timestamp("2024-02-09")),  # shorter than the cache
    ],
    ids=["failing", "empty", "short"],
)
def test_failed_refresh_keeps_the_cache_unchanged_and_warns_how_stale(setup, break_it):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    before = files(cached)
    break_it(src)
    clock.now = pd.Timestamp("2024-02-20 09:00")
    with pytest.warns(
        StaleCacheWarning, match=r"SPY: .*cached fake prices up to 2024-02-15 \(version 1\).*4 day"
    ):
        out = cached.fetch(["SPY"])
    assert out.index[-1] == pd.Timestamp("2024-02-15")
    assert files(cached) == before  # not one byte written


def test_nothing_cached_and_failure_is_the_source_error_and_no_file(setup):
    src, clock, cached = setup
    src.fail = SourceError("Yahoo down")
    with pytest.raises(SourceError, match="Yahoo down"):
        cached.fetch(["SPY"])
    assert not cached.folder.exists() or not any(cached.folder.iterdir())


def test_earlier_start_than_first_download_refetches_everything(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-02-01"))
    out = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    assert src.calls[-1][0] == pd.Timestamp("2024-01-15")
    assert out.index[0] == pd.Timestamp("2024-01-15")
    assert [v.number for v in cached.versions("SPY")] == [1]  # same prices: extended


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
    assert PriceStore(tmp_path).info()["ticker"].tolist() == ["SPY"]


def test_unknown_refresh_mode_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"refresh='sometimes' is not one of 'auto'"):
        CachedSource(FakeSource(), tmp_path, refresh="sometimes")  # type: ignore[arg-type]


def test_download_with_bad_prices_is_a_failed_download_and_not_cached(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    before = files(cached)
    _refresh_to_march(src, clock)
    real = src.fetch

    def bad(tickers, start=None, end=None):
        frame = real(tickers, start, end)
        frame.iloc[-1, 0] = -1.0
        return frame

    src.fetch = bad  # type: ignore[method-assign]
    with pytest.warns(StaleCacheWarning, match=r"fake returned prices for SPY .*not finite"):
        out = cached.fetch(["SPY"])  # a bad download is a failed one: the cache is served
    assert out.index[-1] == pd.Timestamp("2024-02-15")
    assert files(cached) == before
    with pytest.raises(DataError, match=r"fake returned prices for AGG .*not finite and positive"):
        cached.fetch(["AGG"])  # nothing cached: the error itself


# -- versions: revised histories ---------------------------------------------------------


def test_revised_history_is_a_new_version_and_the_previous_is_kept(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    src.scale = 0.97  # Yahoo re-adjusted every past close (a dividend)
    out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))
    assert out.attrs["cache"]["SPY"]["version"] == 2
    versions = cached.versions("SPY", load=True)
    assert [(v.number, v.kind, v.current) for v in versions] == [
        (1, "download", False),
        (2, "full", True),
    ]
    np.testing.assert_array_equal(versions[0].prices, FULL.loc["2024-01-15":"2024-02-15"])
    np.testing.assert_array_equal(versions[1].prices, FULL.loc["2024-01-02":"2024-02-15"] * 0.97)
    assert "revised 24 cached price(s)" in versions[1].note
    assert cached.store.prune() == 1  # the user prunes: only the current version stays
    assert [v.number for v in cached.versions("SPY")] == [2]


def test_tail_refresh_revising_a_cached_return_is_a_new_version(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    src.upto = pd.Timestamp("2024-03-29")
    clock.now = pd.Timestamp("2024-03-30 09:00")
    revised = FULL.copy()
    revised.loc["2024-02-15"] *= 1.01  # the cached last bar was a partial day
    original = FULL.copy()
    FULL.loc[:] = revised
    try:
        out = cached.fetch(["SPY"])["SPY"]
    finally:
        FULL.loc[:] = original
    assert out.loc["2024-02-15"] == pytest.approx(original.loc["2024-02-15"] * 1.01, rel=1e-12)
    old, new = cached.versions("SPY", load=True)
    assert (old.last, new.last, new.kind) == (pd.Timestamp("2024-02-15"), DAYS[-1], "tail")
    assert old.prices.tolist() == original.loc[:"2024-02-15"].tolist()


def test_refresh_replace_accepts_a_shorter_history_keeping_the_old_version(tmp_path):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    CachedSource(src, tmp_path, now=clock).fetch(["SPY"])
    src.since = pd.Timestamp("2024-02-01")
    out = CachedSource(src, tmp_path, now=clock, refresh="replace").fetch(["SPY"])
    assert out.index[0] == pd.Timestamp("2024-02-01")
    old, new = CachedSource(src, tmp_path).versions("SPY")
    assert (old.rows, new.rows, new.kind, new.current) == (34, 11, "replace", True)


def test_refresh_never_serves_the_cache_offline_or_names_what_is_missing(tmp_path):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    CachedSource(src, tmp_path, now=clock).fetch(["SPY"])
    clock.now = pd.Timestamp("2024-06-01")
    offline = CachedSource(src, tmp_path, now=clock, refresh="never")
    assert offline.fetch(["SPY"]).index[-1] == pd.Timestamp("2024-02-15")
    assert len(src.calls) == 1
    with pytest.raises(NoDataError, match=r"AGG: not in the price cache .*refresh='never'"):
        offline.fetch(["AGG"])


# -- fault battery: disk full, read-only folder ---------------------------------------------


def _refresh_to_march(src: FakeSource, clock: Clock) -> None:
    src.upto = pd.Timestamp("2024-03-29")
    clock.now = pd.Timestamp("2024-03-30 09:00")


@pytest.mark.parametrize("method", ["_update_version", "_insert_version"])
def test_full_disk_still_returns_the_download_with_a_warning_and_keeps_the_cache(
    setup, monkeypatch, method
):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    before = files(cached)
    _refresh_to_march(src, clock)
    if method == "_insert_version":
        src.scale = 1.05 ** np.sign(np.arange(len(DAYS)) - 30)  # a revision: a new version

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PriceStore, method, staticmethod(disk_full))
    with pytest.warns(CacheWriteWarning, match=r"SPY: could not save .*No space left.*not cached"):
        out = cached.fetch(["SPY"])["SPY"]
    assert out.index.equals(FULL.index)  # the downloaded prices, in full
    assert files(cached) == before  # the transaction rolled back: not one byte changed
    monkeypatch.undo()
    assert len(stored(cached)) == 34


def test_sqlite_full_database_still_returns_the_download(tmp_path, monkeypatch):
    long = pd.DataFrame(
        {"BIG": np.linspace(10.0, 20.0, 6000)},
        index=pd.bdate_range("2000-01-03", periods=6000, name="date"),
    )
    from tactical.data import FrameSource

    cached = CachedSource(FrameSource(long), tmp_path, now=lambda: pd.Timestamp("2024-01-01"))
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    CachedSource(src, tmp_path, now=clock).fetch(["SPY"])
    real = sqlite3.connect

    def capped(*args, **kwargs):  # SQLite's own SQLITE_FULL: the file may not grow by a page
        conn = real(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module.sqlite3, "connect", capped)
    with pytest.warns(CacheWriteWarning, match=r"BIG: .*database or disk is full"):
        out = cached.fetch(["BIG"])
    assert out["BIG"].tolist() == long["BIG"].tolist()
    monkeypatch.undo()
    assert cached.store.info()["ticker"].tolist() == ["SPY"]
    assert len(stored(CachedSource(src, tmp_path), "SPY")) == 34


def test_read_only_folder_still_returns_the_download(tmp_path, monkeypatch):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")

    def read_only(self):
        raise OSError(errno.EROFS, "Read-only file system", str(self.path))

    monkeypatch.setattr(PriceStore, "_create", read_only)
    with pytest.warns(CacheWriteWarning, match=r"Read-only file system.*TACTICAL_CACHE_DIR"):
        out = CachedSource(src, tmp_path / "ro", now=clock).fetch(["SPY"])
    assert len(out) == 34


# -- fault battery: damaged store ---------------------------------------------------------


def _scale_bytes(path: Path, value: float, factor: float) -> None:
    """Multiply one stored float64 in the file itself by ``factor`` (bit rot, a bad editor)."""
    raw = bytearray(path.read_bytes())
    at = raw.find(np.float64(value).tobytes())
    assert at >= 0, "value not found in the file"
    raw[at : at + 8] = np.float64(value * factor).tobytes()
    path.write_bytes(bytes(raw))


def test_price_changed_in_the_file_is_detected_and_downloaded_again(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    _scale_bytes(cached.store.path, FULL.iloc[20], 1.37)
    with pytest.warns(CacheIntegrityWarning, match=r"SPY: cached version 1 .* fails its checksum"):
        out = cached.fetch(["SPY"])["SPY"]
    assert out.tolist() == FULL.loc[:"2024-02-15"].tolist()  # never the 1.37x price
    damaged, fresh = cached.versions("SPY")
    assert (damaged.intact, fresh.intact, fresh.current) == (False, True, True)
    assert cached.store.verify() == ["fake/total_return/SPY version 1 fails its checksum"]


def test_damaged_version_offline_is_a_clear_error_and_nothing_is_written(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"])
    _scale_bytes(cached.store.path, FULL.iloc[20], 1.37)
    before = files(cached)
    src.fail = SourceError("offline")
    with pytest.raises(
        CacheError,
        match=r"SPY: cached version 1 in .*prices\.sqlite fails its checksum .*offline.*"
        r"tactical cache verify",
    ):
        cached.fetch(["SPY"])
    assert files(cached) == before


def test_damaged_version_and_a_short_download_keeps_the_cache(setup):
    # The repair path of the old cache wrote a short reply over the cache (783 rows lost).
    src, clock, cached = setup
    cached.fetch(["SPY"])
    _scale_bytes(cached.store.path, FULL.iloc[20], 1.37)
    before = files(cached)
    src.since = pd.Timestamp("2024-02-01")
    with pytest.raises(CacheError, match=r"SPY: .*is shorter, so it was not stored.*replace"):
        cached.fetch(["SPY"])
    assert files(cached) == before


def test_damaged_current_version_is_repaired_from_an_intact_older_one(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    src.scale = 0.97
    cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))  # version 2, a revision
    _scale_bytes(cached.store.path, FULL.iloc[20] * 0.97, 1.37)
    src.fail = SourceError("offline")  # the repair needs no network
    with pytest.warns(CacheIntegrityWarning, match=r"version 2 .* using intact version 1"):
        out = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))["SPY"]
    assert out.tolist() == FULL.loc["2024-01-15":"2024-02-15"].tolist()
    assert [(v.number, v.intact, v.current) for v in cached.versions("SPY")] == [
        (1, True, False),
        (2, False, False),
        (3, True, True),  # the repair: a copy of version 1, current
    ]
    assert cached.fetch(["SPY"], pd.Timestamp("2024-01-15")).attrs["cache"]["SPY"]["version"] == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"",
        lambda raw: b"\x00garbage" * 8 + raw[64:],
    ],
    ids=["truncated-half", "truncated-empty", "garbage-header"],
)
def test_damaged_store_file_is_a_clear_error_and_left_as_it_is(tmp_path, damage):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    cached = CachedSource(src, tmp_path, now=clock)
    for t in ("SPY", "AGG", "EFA", "BIL", "GLD", "TLT"):
        cached.fetch([t])
    path = cached.store.path
    path.write_bytes(damage(path.read_bytes()))
    before = files(cached)
    with pytest.raises(CacheError, match=r"price cache .*prices\.sqlite is damaged.*verify"):
        cached.fetch(["SPY"])
    assert files(cached) == before
    assert cached.store.verify()  # reports it
    assert main(["cache", "verify", "--dir", str(tmp_path), "-q"]) != 0


def test_writer_that_finds_the_series_changed_since_it_read_plans_again(tmp_path):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    CachedSource(src, tmp_path, now=clock).fetch(["SPY"])
    _refresh_to_march(src, clock)
    other = CachedSource(FakeSource(), tmp_path, now=clock)
    other.source.upto = pd.Timestamp("2024-03-29")  # type: ignore[attr-defined]

    class Racing(FakeSource):
        def fetch(self, tickers, start=None, end=None):
            if not self.calls:  # another process refreshes while this download is running
                other.fetch(["SPY"])
            return super().fetch(tickers, start, end)

    racing = Racing()
    racing.upto = pd.Timestamp("2024-03-20")  # an older reply than the other writer's
    out = CachedSource(racing, tmp_path, now=clock).fetch(["SPY"])  # no warning: re-planned
    assert out.index[-1] == pd.Timestamp("2024-03-29")  # the other writer's rows, kept
    assert len(racing.calls) == 1 and [v.number for v in other.versions("SPY")] == [1]
    assert stored(other).index.equals(FULL.index)


# -- fault battery: SIGKILL of a writing process, concurrent processes -------------------------

LONG_DAYS = pd.bdate_range("2000-01-03", periods=3000, name="date")
LONG = pd.Series(50.0 * np.cumprod(1 + 0.005 * np.cos(np.arange(3000))), index=LONG_DAYS)
TICKERS = ("SPY", "AGG", "EFA")
FORK = multiprocessing.get_context("fork")


class GrowingSource:
    """Serves ``LONG`` up to position ``upto``; with ``partial`` the last bar is 0.1% off
    (an intraday price), so the next refresh revises it (a new version)."""

    name = "grow"
    adjustment = "total_return"

    def __init__(self, upto: int) -> None:
        self.upto, self.partial = upto, False

    def fetch(self, tickers, start=None, end=None):
        s = LONG.iloc[: self.upto + 1].copy()
        if self.partial:
            s.iloc[-1] *= 1.001
        if start is not None:
            s = s[s.index >= start]
        return pd.DataFrame({t: s for t in tickers})


def _at(day: int) -> pd.Timestamp:
    return LONG_DAYS[day] + pd.Timedelta(hours=18)


def _writer(root: Path, first: int, days: int, report: int, partial: bool) -> None:
    """Refresh TICKERS one day at a time; report ``ticker rows`` after each committed fetch."""
    import warnings

    warnings.simplefilter("ignore")  # stale and conflict warnings are expected here
    src, clock = GrowingSource(first), Clock("2000-01-01")
    cached = CachedSource(src, root, now=clock)
    for k in range(days):
        src.upto, src.partial = first + k, partial and k % 3 == 0
        clock.now = _at(first + k)
        for t in TICKERS:
            out = cached.fetch([t])
            os.write(report, f"{t} {len(out)}\n".encode())
    os._exit(0)


def _seed(root: Path, day: int = 2000) -> set[tuple[str, int]]:
    cached = CachedSource(GrowingSource(day), root, now=lambda: _at(day))
    cached.fetch(list(TICKERS))
    return all_rows(root)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _check_no_row_lost(root: Path, seeded: set, confirmed: dict[str, int]) -> None:
    assert seeded <= all_rows(root)  # every seeded row still there, every checksum intact
    assert PriceStore(root).verify() == []
    for t in TICKERS:
        prices = stored(CachedSource(GrowingSource(0), root), t)
        assert len(prices) >= confirmed[t], f"{t}: a committed row was lost"
        assert prices.index.equals(LONG_DAYS[: len(prices)])  # no hole
        expect = LONG.iloc[: len(prices)].to_numpy()
        np.testing.assert_allclose(prices.to_numpy()[:-1], expect[:-1], rtol=1e-12)
        assert prices.iloc[-1] / expect[-1] in (pytest.approx(1.0), pytest.approx(1.001))


def test_sigkill_of_a_writer_at_random_points_loses_no_committed_row(tmp_path):
    seeded = _seed(tmp_path)
    confirmed = dict.fromkeys(TICKERS, 2001)
    rng = random.Random(13)
    for _ in range(5):
        day = max(len(stored(CachedSource(GrowingSource(0), tmp_path), t)) for t in TICKERS)
        read, write = os.pipe()
        child = FORK.Process(target=_writer, args=(tmp_path, day, 400, write, True))
        child.start()
        os.close(write)
        first = os.read(read, 64)  # the child is writing: now kill it at a random moment
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        for line in (first.decode() + _read_all(read)).splitlines()[:-1]:  # last may be cut
            t, n = line.split()
            confirmed[t] = max(confirmed[t], int(n))
        _check_no_row_lost(tmp_path, seeded, confirmed)
    assert min(confirmed.values()) > 2001  # the children did commit refreshes


@pytest.mark.parametrize("method", ["_insert_version", "_update_version"])
def test_sigkill_inside_the_write_transaction_leaves_the_previous_state(tmp_path, method):
    seeded = _seed(tmp_path)
    before = {t: stored(CachedSource(GrowingSource(0), tmp_path), t) for t in TICKERS}

    def killed_mid_write(root: Path) -> None:
        real = getattr(PriceStore, method)

        def write_then_die(*args, **kwargs):
            real(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)  # after the row is written, before COMMIT

        setattr(PriceStore, method, staticmethod(write_then_die))
        _writer(root, 2001, 1, os.open(os.devnull, os.O_WRONLY), method == "_insert_version")

    # day 2001 after a partial bar on day 2000 revises (insert); a plain day extends (update)
    if method == "_insert_version":
        src = GrowingSource(2000)
        src.partial = True
        CachedSource(src, tmp_path, now=lambda: _at(2000), refresh="replace").fetch(["SPY"])
        before["SPY"] = stored(CachedSource(GrowingSource(0), tmp_path), "SPY")
    child = FORK.Process(target=killed_mid_write, args=(tmp_path,))
    child.start()
    child.join(10)
    assert child.exitcode == -signal.SIGKILL
    assert seeded <= all_rows(tmp_path)
    assert PriceStore(tmp_path).verify() == []
    for t in TICKERS:
        pd.testing.assert_series_equal(
            stored(CachedSource(GrowingSource(0), tmp_path), t), before[t]
        )


def test_sigkill_while_creating_the_store_leaves_no_temporary_for_good(tmp_path, monkeypatch):
    def killed_creating(root: Path) -> None:
        os.link = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
        CachedSource(FakeSource(), root, now=Clock("2024-02-15 18:00")).fetch(["SPY"])

    child = FORK.Process(target=killed_creating, args=(tmp_path,))
    child.start()
    child.join(10)
    assert child.exitcode == -signal.SIGKILL
    (leftover,) = tmp_path.glob(f".{STORE_NAME}.*.new")
    assert PriceStore(tmp_path).verify() == [f"leftover temporary file {leftover.name}"]
    os.utime(leftover, (time.time() - 120, time.time() - 120))  # the crash was a while ago
    CachedSource(FakeSource(), tmp_path, now=Clock("2024-02-15 18:00")).fetch(["SPY"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_NAME]


def _reader(root: Path, seeded: dict[str, list[float]], reads: int, report: int) -> None:
    import warnings

    warnings.simplefilter("error")  # any warning counts as a failed read
    cached = CachedSource(GrowingSource(0), root, refresh="never")
    ok, failed, errors = 0, 0, []
    for _ in range(reads):
        try:
            out = cached.fetch(list(TICKERS))
            for t in TICKERS:
                assert out[t].iloc[: len(seeded[t])].tolist() == seeded[t]
            ok += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            failed += 1
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    os.write(report, json.dumps({"ok": ok, "failed": failed, "errors": errors[:3]}).encode())
    os._exit(0)


def test_four_writers_and_four_readers_never_fail_a_read_or_lose_a_row(tmp_path):
    seeded_rows = _seed(tmp_path)
    seeded = {t: stored(CachedSource(GrowingSource(0), tmp_path), t).tolist() for t in TICKERS}
    pipes, ends, procs = [], [], []
    for i in range(4):  # writers two days apart contend for the same three series
        ends.append(os.open(os.devnull, os.O_WRONLY))
        procs.append(
            FORK.Process(target=_writer, args=(tmp_path, 2001 + i % 2, 12, ends[-1], False))
        )
    for _ in range(4):
        read, write = os.pipe()
        pipes.append(read)
        ends.append(write)
        procs.append(FORK.Process(target=_reader, args=(tmp_path, seeded, 100, write)))
    t0 = time.monotonic()
    for p in procs:
        p.start()
    for fd in ends:  # the children hold their own copies
        os.close(fd)
    for p in procs:
        p.join(max(1.0, 60 - (time.monotonic() - t0)))
    alive = [p for p in procs if p.is_alive()]
    for p in alive:
        p.kill()
    assert not alive, "a process did not finish in 60 s (deadlock?)"
    assert [p.exitcode for p in procs] == [0] * 8
    reports = [json.loads(_read_all(fd)) for fd in pipes]
    assert sum(r["ok"] for r in reports) == 400, reports
    assert sum(r["failed"] for r in reports) == 0, reports
    _check_no_row_lost(tmp_path, seeded_rows, dict.fromkeys(TICKERS, 2001 + 12))


# -- the old file cache is imported once, without loss ----------------------------------------


def _legacy_entry(root: Path, ticker: str, prices: pd.Series, **meta_changes) -> Path:
    """An entry exactly as the file cache of tactical 0.1 wrote it."""
    from urllib.parse import quote

    folder = root / "fake" / "total_return"
    folder.mkdir(parents=True, exist_ok=True)
    stem = quote(ticker, safe="-_.")
    frame = pd.DataFrame({"price": prices.to_numpy()}, index=prices.index.rename("date"))
    (folder / f"{stem}.csv").write_text(frame.to_csv(date_format="%Y-%m-%d", float_format="%.17g"))
    meta = {
        "format": 1,
        "ticker": ticker,
        "source": "fake",
        "adjustment": "total_return",
        "first": str(prices.index[0].date()),
        "last": str(prices.index[-1].date()),
        "rows": len(prices),
        "requested_start": None,
        "fetched_at": "2024-02-15T18:00:00",
    } | meta_changes
    (folder / f"{stem}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return folder / f"{stem}.csv"


def test_old_file_cache_is_imported_once_without_losing_a_row(tmp_path):
    part = FULL.loc[:"2024-02-15"]
    _legacy_entry(tmp_path, "SPY", part)
    _legacy_entry(tmp_path, "^IRX", part * 0.05)
    _legacy_entry(tmp_path, "AGG", part, rows=20, last="2024-01-26")  # killed between writes
    bad = _legacy_entry(tmp_path, "EFA", part)
    bad.write_text("date,price\n2024-01-02,not a number\n")
    legacy = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    src, clock = FakeSource(), Clock("2024-02-15 20:00")
    src.fail = SourceError("offline")  # served from the import alone
    with pytest.warns(CacheIntegrityWarning, match=r"except 1 unreadable file.*EFA\.csv"):
        out = CachedSource(src, tmp_path, now=clock).fetch(["SPY", "^IRX", "AGG"])
    assert out["SPY"].tolist() == part.tolist()  # bit for bit (17 significant digits)
    assert out["^IRX"].tolist() == (part * 0.05).tolist()
    assert out["AGG"].tolist() == part.tolist()  # the complete data file, not the stale meta
    assert src.calls == []
    assert {p: p.read_bytes() for p in legacy} == legacy  # the old files are left in place
    again = CachedSource(src, tmp_path, now=clock)
    again.fetch(["SPY"])  # no warning, no second import
    info = again.store.info().set_index("ticker")
    assert sorted(info.index) == ["AGG", "SPY", "^IRX"]
    assert info["versions"].tolist() == [1, 1, 1]
    imported = again.store.legacy_import()
    assert len(imported["imported"]) == 3 and "EFA.csv" in imported["skipped"][0]
    (v,) = again.versions("AGG")
    assert v.kind == "import" and "out of step" in v.note


# -- tactical cache info | verify | export | prune -------------------------------------------


def test_cli_cache_info_verify_export_prune(tmp_path, capsys):
    src, clock = FakeSource(), Clock("2024-02-15 18:00")
    root = tmp_path / "c"
    cached = CachedSource(src, root, now=clock)
    cached.fetch(["SPY", "AGG"], pd.Timestamp("2024-01-15"))
    src.scale = 0.97
    cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))  # SPY version 2
    capsys.readouterr()

    assert main(["cache", "info", "--dir", str(root), "-q"]) == 0
    text = capsys.readouterr().out
    assert "2 series" in text and "SPY" in text and "AGG" in text

    assert main(["cache", "verify", "--dir", str(root), "-q"]) == 0
    assert "ok (3 version(s), every checksum verified)" in capsys.readouterr().out

    out = tmp_path / "export"
    args = ["cache", "export", "--dir", str(root), "--out", str(out), "--all-versions", "-q"]
    assert main(args) == 0
    assert "wrote 3 file(s)" in capsys.readouterr().out
    back = pd.read_csv(out / "fake" / "total_return" / "SPY.csv", index_col=0, parse_dates=True)
    assert back["price"].tolist() == (FULL.loc["2024-01-02":"2024-02-15"] * 0.97).tolist()
    assert (out / "fake" / "total_return" / "SPY.v1.csv").is_file()

    assert main(["cache", "prune", "--dir", str(root), "-q"]) == 0
    assert "deleted 1 version(s)" in capsys.readouterr().out
    assert main(["cache", "prune", "--dir", str(root), "--ticker", "AGG", "--all", "-q"]) == 0
    assert cached.store.info()["ticker"].tolist() == ["SPY"]
    assert main(["cache", "prune", "--dir", str(root), "--keep", "0", "-q"]) == 2
    assert "keep=0" in capsys.readouterr().err


def test_cli_cache_verify_names_a_damaged_version(tmp_path, capsys):
    cached = CachedSource(FakeSource(), tmp_path, now=Clock("2024-02-15 18:00"))
    cached.fetch(["SPY"])
    _scale_bytes(cached.store.path, FULL.iloc[20], 1.37)
    assert main(["cache", "verify", "--dir", str(tmp_path), "-q"]) == 1
    assert "fake/total_return/SPY version 1 (current) fails its checksum" in capsys.readouterr().out
