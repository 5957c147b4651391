"""A disk cache that wraps any :class:`PriceSource`, kept in one SQLite store.

Every cached series lives in ``<cache root>/prices.sqlite``
(:mod:`tactical.data.store`): prices, metadata and provenance, one
transaction per update. This module decides *what* to download and *whether*
a download may be written; the store makes each write atomic and lossless.
"""

from __future__ import annotations

import os
import sqlite3
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, combine, fmt_dates, fmt_span, normalize_tickers
from tactical.data.sources import PriceSource
from tactical.data.store import Key, PriceStore, StoredVersion, _WriteConflict
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

__all__ = ["CachedSource", "cache_directory"]

Refresh = Literal["auto", "replace", "never"]
_REFRESH = ("auto", "replace", "never")
_OVERLAP_DAYS = 10
"""A tail refresh re-downloads this many calendar days before the cached last date."""
_SAME = 1e-10
"""Relative tolerance under which a re-downloaded price equals the cached one (the cached
bits are kept); a larger difference is a revision, stored as a new version."""
_ATTEMPTS = 5


def cache_directory(directory: str | os.PathLike[str] | None = None) -> Path:
    """The cache root: ``directory``, else ``$TACTICAL_CACHE_DIR``, else the user cache dir.

    Examples
    --------
    >>> cache_directory("/tmp/prices").as_posix()
    '/tmp/prices'
    """
    if directory is not None:
        return Path(directory).expanduser()
    env = os.environ.get("TACTICAL_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tactical", appauthor=False))


def _now() -> pd.Timestamp:
    return pd.Timestamp.now().floor("s")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to write after a download: ``prices`` (None: keep the cache, saying ``why``)."""

    prices: pd.Series | None
    kind: str = ""
    extend: bool = False
    note: str = ""
    why: str = ""


@dataclass(frozen=True, slots=True)
class CachedSource:
    """Cache another source's prices on disk, refreshing only the missing tail.

    Parameters
    ----------
    source : PriceSource
        The source to wrap (e.g. :class:`YahooSource`).
    directory : str or path, optional
        Cache root; default ``$TACTICAL_CACHE_DIR``, then the user cache
        directory (``platformdirs.user_cache_dir("tactical")``). The store is
        the file ``prices.sqlite`` in it.
    now : callable, optional
        Clock returning a Timestamp (tests freeze it).
    refresh : {"auto", "replace", "never"}
        ``"auto"``: download what is missing, never losing cached history;
        ``"replace"``: download the whole history and make it current even if
        it is shorter (the previous version is kept until pruned);
        ``"never"``: serve the cache only (offline), never download.
    timeout : float
        Seconds a writer waits for another process writing the store.

    Notes
    -----
    *Refresh.* A ticker is downloaded in full the first time (from the
    requested ``start``, or its whole history). Later, if the requested
    ``end`` (today when None) is after both the cached last date and the day
    of the last download, only the tail is fetched, starting 10 days before
    the cached last date. The new prices are chained on at the first
    overlapping date, so the cached returns before it are kept and the new
    returns after it are used (Yahoo's backward adjustment changes levels
    between downloads, not returns; the overlap also replaces a partial last
    bar). A ``start`` earlier than the one first downloaded triggers a full
    download. A future ``end`` counts as today.

    *Versions.* A download that only adds dates extends the current version
    in place (cached prices keep their exact bits). One that changes a
    cached price by more than 1e-10 (relative) is a revision: it becomes a
    new current version and the previous one is kept until
    :meth:`PriceStore.prune` (``tactical cache prune``). The frame returned by
    :meth:`fetch` says in ``attrs["cache"]`` which version each ticker came
    from (number, kind, download time, checksum).

    *Safety.* Each update is one SQLite transaction (WAL mode: readers never
    wait for a writer; writers take turns). A failed, empty, invalid
    (repeated dates, prices not finite and positive), shorter or
    non-overlapping download never overwrites or deletes the cache: the
    cached prices are returned with a :class:`StaleCacheWarning` saying how
    old they are. Nor does a download that would lose cached dates: a tail
    refresh lacking a cached date after the chaining date, or a full download
    that starts after the cached first date or lacks a cached date (use
    ``refresh="replace"`` to accept it). With nothing cached, the source's
    error propagates. A version whose checksum fails is repaired from the
    newest intact version (:class:`CacheIntegrityWarning`), else downloaded
    again when the download covers it, else a :class:`CacheError` names the
    file, the ticker and what to do. A write that fails (disk full, read-only
    folder) returns the downloaded prices with a :class:`CacheWriteWarning`.

    Examples
    --------
    >>> import tempfile
    >>> from tactical.data import FrameSource
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> cached = CachedSource(FrameSource(pd.DataFrame({"X": [1.0, 1.1, 1.2]}, index=idx)),
    ...                       tempfile.mkdtemp(), now=lambda: pd.Timestamp("2024-01-03 18:00"))
    >>> out = cached.fetch(["X"])
    >>> out["X"].tolist(), out.attrs["cache"]["X"]["version"]
    ([1.0, 1.1, 1.2], 1)
    """

    source: PriceSource
    directory: str | os.PathLike[str] | None = None
    now: Callable[[], pd.Timestamp] = _now
    refresh: Refresh = "auto"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.refresh not in _REFRESH:
            raise ConfigError(
                f"refresh={self.refresh!r} is not one of {', '.join(map(repr, _REFRESH))}"
            )

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def adjustment(self) -> str:
        return self.source.adjustment

    @property
    def folder(self) -> Path:
        """The cache root, holding the store file ``prices.sqlite``."""
        return cache_directory(self.directory)

    @property
    def store(self) -> PriceStore:
        """The :class:`PriceStore` this cache reads and writes."""
        return PriceStore(self.folder, timeout=self.timeout)

    def key(self, ticker: str) -> Key:
        """``(namespace, adjustment, ticker)``: the store's key of ``ticker``."""
        namespace = getattr(self.source, "cache_namespace", self.source.name)
        return (str(namespace), self.adjustment, ticker)

    def versions(self, ticker: str, *, load: bool = False) -> list[StoredVersion]:
        """Every stored version of ``ticker`` for this source, oldest first."""
        return self.store.versions(self.key(ticker), load=load)

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Prices for ``tickers``, ``start..end`` inclusive, from the cache when possible."""
        names = normalize_tickers(tickers)
        start, end = check_range(start, end)
        store = self.store
        found = store.current_many([self.key(t) for t in names])
        out, provenance = {}, {}
        for t in names:
            series, version = self._get(store, t, found[self.key(t)], start, end)
            cut = clip(series, start, end)
            if cut.empty:
                raise NoDataError(
                    f"{t}: no cached prices between {fmt_span(start, end, last='today')} "
                    f"(cached {series.index[0].date()} to {series.index[-1].date()})"
                )
            out[t] = cut.rename(t)
            provenance[t] = _provenance(version)
        frame = combine(out)[names]
        frame.attrs["cache"] = provenance
        return frame

    # -- one ticker ----------------------------------------------------------------

    def _get(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion | None,
        start: pd.Timestamp | None,
        end: pd.Timestamp | None,
    ) -> tuple[pd.Series, StoredVersion | None]:
        for _ in range(_ATTEMPTS):
            try:
                return self._attempt(store, ticker, cur, start, end)
            except _WriteConflict:  # another process wrote this ticker meanwhile: re-plan
                cur = store.current(self.key(ticker))
        raise CacheError(
            f"{ticker}: the price cache {store.path} kept changing under {_ATTEMPTS} attempts "
            "to update it; another process is refreshing it: try again"
        )

    def _attempt(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion | None,
        start: pd.Timestamp | None,
        end: pd.Timestamp | None,
    ) -> tuple[pd.Series, StoredVersion | None]:
        now = self.now()
        if self.refresh == "never":
            if cur is None:
                raise NoDataError(
                    f"{ticker}: not in the price cache {store.path} and refresh='never'; "
                    "load it once with refresh='auto' (needs the network)"
                )
            if cur.prices is None:
                raise self._damaged(store, ticker, cur, "refresh='never' forbids downloading it")
            return cur.prices, cur
        if cur is None or self.refresh == "replace":
            return self._replace(store, ticker, cur, start, now)
        if cur.prices is None:
            return self._redownload_damaged(store, ticker, cur, start, now)
        requested = cur.requested_start
        if requested is not None and (start is None or start < requested):
            return self._update(store, ticker, cur, now, tail=False, start=start)
        # A future end cannot be served by anyone: cap it at today, so a fresh cache is used.
        want_end = now.normalize() if end is None else min(end, now.normalize())
        if want_end <= cur.last or want_end <= cur.fetched_at.normalize():
            if not cur.current:  # served from an intact older version: make it current again
                plan = _Plan(cur.prices, "repair", note=f"copy of intact version {cur.number}")
                return self._save(store, ticker, cur, plan, cur.requested_start, cur.fetched_at)
            return cur.prices, cur
        return self._update(store, ticker, cur, now, tail=True)

    def _download(self, ticker: str, start: pd.Timestamp | None) -> pd.Series:
        frame = self.source.fetch([ticker], start, None)
        series = frame[ticker].dropna() if ticker in frame.columns else pd.Series(dtype=float)
        if series.empty:
            raise NoDataError(f"{self.source.name} returned no data for {ticker}")
        series = series.astype(np.float64)
        series.index = pd.DatetimeIndex(series.index, name="date")
        series = series.sort_index()
        values = series.to_numpy()
        if series.index.has_duplicates or not bool(np.all(np.isfinite(values) & (values > 0))):
            raise DataError(
                f"{self.source.name} returned prices for {ticker} with repeated dates or "
                f"values that are not finite and positive ({fmt_dates(series.index[:3])}...); "
                "nothing was cached: check the source"
            )
        return series.rename(ticker)

    def _replace(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion | None,
        start: pd.Timestamp | None,
        now: pd.Timestamp,
    ) -> tuple[pd.Series, StoredVersion | None]:
        try:
            fresh = self._download(ticker, start)
        except (SourceError, DataError) as exc:
            if cur is None:
                raise
            if cur.prices is None:
                raise self._damaged(store, ticker, cur, f"downloading it failed: {exc}") from exc
            return self._stale(ticker, cur, now, f"the download failed: {exc}"), cur
        kind = "download" if cur is None else "replace"
        return self._save(store, ticker, cur, _Plan(fresh, kind), start, now, replace=True)

    def _redownload_damaged(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion,
        start: pd.Timestamp | None,
        now: pd.Timestamp,
    ) -> tuple[pd.Series, StoredVersion | None]:
        # The damaged version was downloaded from its requested start (None: in full).
        requested = cur.requested_start
        begin = None if requested is None else requested if start is None else min(start, requested)
        try:
            fresh = self._download(ticker, begin)
        except (SourceError, DataError) as exc:
            raise self._damaged(store, ticker, cur, f"downloading it again failed: {exc}") from exc
        if fresh.index[0] > cur.first or fresh.index[-1] < cur.last or len(fresh) < cur.rows:
            raise self._damaged(
                store,
                ticker,
                cur,
                f"the new download ({fresh.index[0].date()}..{fresh.index[-1].date()}, "
                f"{len(fresh)} rows) is shorter, so it was not stored; pass refresh='replace' "
                "to accept it",
            )
        warnings.warn(
            f"{ticker}: cached version {cur.number} in {store.path} fails its checksum and no "
            "intact version is left; downloaded it again (the damaged version is kept until "
            "pruned)",
            CacheIntegrityWarning,
            stacklevel=5,
        )
        plan = _Plan(fresh, "full", note=f"downloaded again: version {cur.number} was damaged")
        return self._save(store, ticker, cur, plan, begin, now)

    def _update(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion,
        now: pd.Timestamp,
        *,
        tail: bool,
        start: pd.Timestamp | None = None,
    ) -> tuple[pd.Series, StoredVersion | None]:
        """Download onto intact cached prices: the tail (``tail=True``) or all from ``start``.

        The tail starts :data:`_OVERLAP_DAYS` before the cached last date and is
        chained on (:func:`_plan_tail`); a full download is checked against the
        cache (:func:`_plan_full`). A failed or refused download keeps the cache.
        """
        begin = cur.last - pd.Timedelta(days=_OVERLAP_DAYS) if tail else start
        try:
            fresh = self._download(ticker, begin)
        except (SourceError, DataError) as exc:
            what = "refresh" if tail else "download"
            return self._stale(ticker, cur, now, f"the {what} failed: {exc}"), cur
        assert cur.prices is not None
        plan = (_plan_tail if tail else _plan_full)(cur.prices, fresh)
        if plan.prices is None:
            return self._stale(ticker, cur, now, plan.why), cur
        return self._save(store, ticker, cur, plan, cur.requested_start if tail else start, now)

    def _save(
        self,
        store: PriceStore,
        ticker: str,
        cur: StoredVersion | None,
        plan: _Plan,
        requested_start: pd.Timestamp | None,
        now: pd.Timestamp,
        *,
        replace: bool = False,
    ) -> tuple[pd.Series, StoredVersion | None]:
        assert plan.prices is not None
        try:
            version = store.write(
                self.key(ticker),
                plan.prices,
                source=self.source.name,
                kind=plan.kind,
                fetched_at=now,
                requested_start=requested_start,
                base_generation=None if cur is None else cur.generation,
                extend=plan.extend,
                replace=replace,
                note=plan.note,
            )
        except (OSError, sqlite3.Error) as exc:
            warnings.warn(
                f"{ticker}: could not save the download to the price cache {store.path} "
                f"({type(exc).__name__}: {exc}); the downloaded prices are used but not cached "
                "(the cache keeps what it had). Free disk space, or set TACTICAL_CACHE_DIR / "
                "cache_dir= to a writable folder, or pass cache=False",
                CacheWriteWarning,
                stacklevel=5,
            )
            return plan.prices, None
        assert version.prices is not None
        return version.prices, version

    def _stale(self, ticker: str, cur: StoredVersion, now: pd.Timestamp, why: str) -> pd.Series:
        age = (now - cur.fetched_at).days
        warnings.warn(
            f"{ticker}: {why}; using the cached {self.source.name} prices up to "
            f"{cur.last.date()} (version {cur.number}), downloaded "
            f"{cur.fetched_at:%Y-%m-%d %H:%M} ({age} day(s) ago, last price "
            f"{(now.normalize() - cur.last).days} day(s) old)",
            StaleCacheWarning,
            stacklevel=5,
        )
        assert cur.prices is not None
        return cur.prices

    @staticmethod
    def _damaged(store: PriceStore, ticker: str, cur: StoredVersion, why: str) -> CacheError:
        return CacheError(
            f"{ticker}: cached version {cur.number} in {store.path} fails its checksum "
            f"(damaged) and no intact version is left; {why}. The damaged version is kept: "
            f"run 'tactical cache verify --dir {store.root}' to see what is intact, then load "
            "again when online (it is downloaded again) or delete it with 'tactical cache "
            f"prune --dir {store.root} --ticker {ticker} --all'"
        )


def _provenance(version: StoredVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "version": version.number,
        "current": version.current,
        "kind": version.kind,
        "fetched_at": version.fetched_at.isoformat(),
        "checksum": version.checksum,
    }


def _same(new: pd.Series, old: pd.Series) -> bool:
    """Whether ``new`` equals ``old`` on ``old``'s dates to :data:`_SAME` (relative)."""
    a, b = new.reindex(old.index).to_numpy(), old.to_numpy()
    return bool(np.all(np.abs(a - b) <= _SAME * np.abs(b)))


def _plan_full(cached: pd.Series, fresh: pd.Series) -> _Plan:
    """A full download against the cache: refused when it would lose cached history."""
    if fresh.index[-1] < cached.index[-1]:
        return _Plan(None, why=f"the download ends on {fresh.index[-1].date()}, before the cache")
    if fresh.index[0] > cached.index[0]:
        return _Plan(
            None,
            why=f"the download from {fresh.index[0].date()} starts after the cache "
            f"({cached.index[0].date()}) and would lose older history",
        )
    lost = cached.index.difference(fresh.index)
    if len(lost):
        return _Plan(
            None,
            why=f"the download lacks cached date(s) {fmt_dates(lost)} (pass refresh='replace' "
            "to accept it)",
        )
    if _same(fresh, cached):
        merged = fresh.copy()
        merged.loc[cached.index] = cached.to_numpy()
        return _Plan(merged, "full", extend=True, note="extended back by a full download")
    return _Plan(fresh, "full", note=_revision_note(fresh, cached))


def _plan_tail(cached: pd.Series, new: pd.Series) -> _Plan:
    """A tail download chained onto the cache at the first overlapping date."""
    last = cached.index[-1]
    if new.index[-1] < last:
        return _Plan(
            None,
            why=f"the refresh ends on {new.index[-1].date()}, before the cached {last.date()}",
        )
    overlap = new.index.intersection(cached.index)
    if overlap.empty:
        return _Plan(None, why="the refresh shares no date with the cache to chain returns")
    anchor = overlap[0]
    lost = cached.index[cached.index > anchor].difference(new.index)
    if len(lost):
        return _Plan(
            None,
            why=f"the refresh lacks cached date(s) {fmt_dates(lost)} (pass refresh='replace' "
            "to accept it)",
        )
    scaled = new[new.index > anchor] * (cached[anchor] / new[anchor])
    after = cached[cached.index > anchor]
    if _same(scaled, after):
        added = scaled[~scaled.index.isin(cached.index)]
        merged = pd.concat([cached, added]).sort_index()
        return _Plan(merged.rename(cached.name), "tail", extend=True)
    merged = pd.concat([cached[cached.index <= anchor], scaled]).rename(cached.name)
    return _Plan(merged, "tail", note=_revision_note(merged, cached))


def _revision_note(new: pd.Series, old: pd.Series) -> str:
    common = old.index.intersection(new.index)
    change = np.abs(new.reindex(common).to_numpy() / old.reindex(common).to_numpy() - 1)
    moved = int(np.sum(change > _SAME))
    return (
        f"revised {moved} cached price(s) (largest change {float(change.max()):.3g}, "
        f"relative) from {common[int(np.argmax(change > _SAME))].date()}"
    )
