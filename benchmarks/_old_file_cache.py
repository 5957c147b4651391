"""The file cache of tactical 0.1 (CSV + JSON per ticker), verbatim, as the benchmark baseline.

Copied from src/tactical/data/cache.py before the SQLite store replaced it; only this
docstring and the blank line after it differ. Not part of the package.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, combine, fmt_dates, normalize_tickers
from tactical.data.sources import PriceSource
from tactical.errors import CacheError, NoDataError, SourceError, StaleCacheWarning

__all__ = ["CachedSource", "cache_directory"]

_FORMAT = 1
_OVERLAP_DAYS = 10
"""A tail refresh re-downloads this many calendar days before the cached last date."""


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


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder, then replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class _Entry:
    prices: pd.Series
    meta: dict[str, Any]

    @property
    def last(self) -> pd.Timestamp:
        return self.prices.index[-1]

    @property
    def fetched_at(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["fetched_at"])


@dataclass(frozen=True, slots=True)
class CachedSource:
    """Cache another source's prices on disk, refreshing only the missing tail.

    Parameters
    ----------
    source : PriceSource
        The source to wrap (e.g. :class:`YahooSource`).
    directory : str or path, optional
        Cache root; default ``$TACTICAL_CACHE_DIR``, then the user cache
        directory (``platformdirs.user_cache_dir("tactical")``).
    now : callable, optional
        Clock returning a Timestamp (tests freeze it).

    Notes
    -----
    *Refresh.* A ticker is downloaded in full the first time (from the
    requested ``start``, or its whole history). Later, if the requested
    ``end`` (today when None) is after both the cached last date and the day
    of the last download, only the tail is fetched, starting 10 days before
    the cached last date. The new prices are chained on at the first
    overlapping date, so the cached returns before it are kept and the new
    returns after it are used (Yahoo's backward adjustment changes levels
    between downloads, not returns; the overlap also replaces a partial last bar).
    A ``start`` earlier than the one first downloaded triggers a full download.
    A future ``end`` counts as today.

    *Safety.* Data and metadata are written atomically (temporary file in
    the same folder, then :func:`os.replace`); the metadata, written last,
    records the rows and dates the data file must have, so a half-finished
    update is detected. A failed, empty, shorter or non-overlapping refresh
    never overwrites or deletes the cache: the cached prices are returned
    with a :class:`StaleCacheWarning` saying how old they are. Nor does a
    download that would lose cached dates: a tail refresh lacking a cached
    date after the chaining date (a Yahoo glitch, a NaN row dropped), or a
    full download that starts after the cached first date or lacks a cached
    date. Such a download is not merged into the cache (mixing two vintages
    around a hole is not trusted); the cache is kept as it is, with the
    warning, and the download is tried again on the next call. With nothing
    cached, the source's error propagates. A corrupt or missing metadata
    file makes the entry unusable: it is downloaded again, and if that fails
    a :class:`CacheError` names the file to delete.
    """

    source: PriceSource
    directory: str | os.PathLike[str] | None = None
    now: Callable[[], pd.Timestamp] = _now

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def adjustment(self) -> str:
        return self.source.adjustment

    @property
    def folder(self) -> Path:
        """Where this source's entries live."""
        namespace = getattr(self.source, "cache_namespace", self.source.name)
        return cache_directory(self.directory) / _safe(namespace) / _safe(self.adjustment)

    def paths(self, ticker: str) -> tuple[Path, Path]:
        """Data and metadata file of ``ticker``."""
        stem = _safe(ticker)
        return self.folder / f"{stem}.csv", self.folder / f"{stem}.json"

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Prices for ``tickers``, ``start..end`` inclusive, from the cache when possible."""
        names = normalize_tickers(tickers)
        start, end = check_range(start, end)
        out = {}
        for t in names:
            series = self._get(t, start, end)
            cut = clip(series.to_frame(), start, end).iloc[:, 0]
            if cut.empty:
                raise NoDataError(
                    f"{t}: no cached prices between "
                    f"{start.date() if start is not None else 'the first date'} and "
                    f"{end.date() if end is not None else 'today'} (cached {series.index[0].date()}"
                    f" to {series.index[-1].date()})"
                )
            out[t] = cut.rename(t)
        return combine(out)[names]

    # -- entries -----------------------------------------------------------------

    def _get(self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
        entry, problem = self._read(ticker)
        now = self.now()
        if entry is None:
            try:
                fresh = self._download(ticker, start, None)
            except (SourceError, NoDataError) as exc:
                if problem is not None:
                    raise CacheError(
                        f"cache entry for {ticker} is unusable ({problem}) and downloading it "
                        f"again failed; delete {self.paths(ticker)[0]} and its .json, or try later"
                    ) from exc
                raise
            self._write(ticker, fresh, start, now)
            return fresh
        requested = entry.meta.get("requested_start")
        if requested is not None and (start is None or start < pd.Timestamp(requested)):
            return self._refetch_all(ticker, entry, start, now)
        # A future end cannot be served by anyone: cap it at today, so a fresh cache is used.
        want_end = now.normalize() if end is None else min(end, now.normalize())
        if want_end <= entry.last or want_end <= entry.fetched_at.normalize():
            return entry.prices
        return self._refresh_tail(ticker, entry, now)

    def _download(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.Series:
        frame = self.source.fetch([ticker], start, end)
        series = frame[ticker].dropna() if ticker in frame.columns else pd.Series(dtype=float)
        if series.empty:
            raise NoDataError(f"{self.source.name} returned no data for {ticker}")
        return series.astype(np.float64)

    def _refetch_all(
        self, ticker: str, entry: _Entry, start: pd.Timestamp | None, now: pd.Timestamp
    ) -> pd.Series:
        try:
            fresh = self._download(ticker, start, None)
        except (SourceError, NoDataError) as exc:
            return self._stale(ticker, entry, now, f"the download failed: {exc}")
        cached = entry.prices
        if fresh.index[-1] < entry.last:
            return self._stale(
                ticker,
                entry,
                now,
                f"the download ends on {fresh.index[-1].date()}, before the cache",
            )
        if fresh.index[0] > cached.index[0]:
            return self._stale(
                ticker,
                entry,
                now,
                f"the download from {fresh.index[0].date()} starts after the cache "
                f"({cached.index[0].date()}) and would lose older history",
            )
        lost = cached.index.difference(fresh.index)
        if len(lost):
            return self._stale(
                ticker,
                entry,
                now,
                f"the download lacks cached date(s) {fmt_dates(lost)} (delete "
                f"{self.paths(ticker)[0]} and its .json to accept it)",
            )
        self._write(ticker, fresh, start, now)
        return fresh

    def _refresh_tail(self, ticker: str, entry: _Entry, now: pd.Timestamp) -> pd.Series:
        cached = entry.prices
        tail_start = entry.last - pd.Timedelta(days=_OVERLAP_DAYS)
        try:
            new = self._download(ticker, tail_start, None)
        except (SourceError, NoDataError) as exc:
            return self._stale(ticker, entry, now, f"the refresh failed: {exc}")
        if new.index[-1] < entry.last:
            return self._stale(
                ticker,
                entry,
                now,
                f"the refresh ends on {new.index[-1].date()}, "
                f"before the cached {entry.last.date()}",
            )
        overlap = new.index.intersection(cached.index)
        if overlap.empty:
            return self._stale(
                ticker, entry, now, "the refresh shares no date with the cache to chain returns"
            )
        anchor = overlap[0]
        lost = cached.index[cached.index > anchor].difference(new.index)
        if len(lost):
            return self._stale(
                ticker,
                entry,
                now,
                f"the refresh lacks cached date(s) {fmt_dates(lost)} (delete "
                f"{self.paths(ticker)[0]} and its .json to accept it)",
            )
        scaled = new[new.index > anchor] * (cached[anchor] / new[anchor])
        merged = pd.concat([cached[cached.index <= anchor], scaled])
        requested = entry.meta.get("requested_start")
        self._write(ticker, merged, pd.Timestamp(requested) if requested else None, now)
        return merged

    def _stale(self, ticker: str, entry: _Entry, now: pd.Timestamp, why: str) -> pd.Series:
        age = (now - entry.fetched_at).days
        warnings.warn(
            f"{ticker}: {why}; using the cached {self.source.name} prices up to "
            f"{entry.last.date()}, downloaded {entry.fetched_at:%Y-%m-%d %H:%M} ({age} day(s) "
            f"ago, last price {(now.normalize() - entry.last).days} day(s) old)",
            StaleCacheWarning,
            stacklevel=5,
        )
        return entry.prices

    def _read(self, ticker: str) -> tuple[_Entry | None, str | None]:
        """The cached entry, or ``(None, reason)`` when missing or unusable."""
        data_path, meta_path = self.paths(ticker)
        if not data_path.exists() and not meta_path.exists():
            return None, None
        if not meta_path.exists():
            return None, f"metadata file {meta_path.name} is missing"
        if not data_path.exists():
            return None, f"data file {data_path.name} is missing"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                return None, f"metadata {meta_path} has an unknown format"
            if meta.get("source") != self.source.name or meta.get("adjustment") != self.adjustment:
                return None, (
                    f"metadata says source {meta.get('source')!r}/{meta.get('adjustment')!r}, "
                    f"expected {self.source.name!r}/{self.adjustment!r}"
                )
            pd.Timestamp(meta["fetched_at"])
            frame = pd.read_csv(data_path, index_col=0, parse_dates=[0])
            series = frame.iloc[:, 0].astype(np.float64)
            series.index = pd.DatetimeIndex(series.index, name="date")
            ok = (
                len(series) == meta["rows"]
                and len(series) > 0
                and str(series.index[0].date()) == meta["first"]
                and str(series.index[-1].date()) == meta["last"]
                and series.index.is_monotonic_increasing
                and not series.index.has_duplicates
                and bool(np.all(series.to_numpy() > 0))
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError, pd.errors.ParserError) as e:
            return None, f"cannot read it: {type(e).__name__}: {e}"
        if not ok:
            return None, f"data file {data_path.name} does not match its metadata"
        return _Entry(series.rename(ticker), meta), None

    def _write(
        self,
        ticker: str,
        prices: pd.Series,
        requested_start: pd.Timestamp | None,
        now: pd.Timestamp,
    ) -> None:
        data_path, meta_path = self.paths(ticker)
        frame = pd.DataFrame({"price": prices.to_numpy()}, index=prices.index.rename("date"))
        meta = {
            "format": _FORMAT,
            "ticker": ticker,
            "source": self.source.name,
            "adjustment": self.adjustment,
            "first": str(prices.index[0].date()),
            "last": str(prices.index[-1].date()),
            "rows": len(prices),
            "requested_start": None if requested_start is None else str(requested_start.date()),
            "fetched_at": now.isoformat(),
        }
        try:
            _atomic_write(data_path, frame.to_csv(date_format="%Y-%m-%d", float_format="%.17g"))
            _atomic_write(meta_path, json.dumps(meta, indent=1) + "\n")
        except OSError as exc:
            raise CacheError(
                f"cannot write the price cache in {self.folder}: {exc}; set TACTICAL_CACHE_DIR "
                "or pass cache_dir= to a writable folder, or cache=False"
            ) from exc


def _safe(name: str) -> str:
    return quote(str(name), safe="-_.") or "_"
