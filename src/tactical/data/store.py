"""One transactional SQLite store for cached prices, their metadata and provenance.

The file ``<cache root>/prices.sqlite`` holds every cached series of every
source. It is an ordinary SQLite database (any SQLite tool opens it), in WAL
mode: readers never wait for a writer, writers take the write lock with
``BEGIN IMMEDIATE`` and wait up to a busy timeout for each other, and every
update is one transaction. Tables:

``series``
    one row per (namespace, adjustment, ticker): the source name, the first
    requested start, the current version and a generation counter bumped by
    every write (a writer that finds it moved since it read re-plans).
``versions``
    the stored histories: dates (int64 days since 1970-01-01) and prices
    (float64) as little-endian blobs with a SHA-256 checksum of both, the
    first/last date and row count, when it was downloaded and written, and
    how (``download``, ``tail``, ``full``, ``replace`` or ``import``).
``meta``
    the store format and the record of the one-time import of the old
    file cache.

Nothing here downloads; :class:`tactical.data.CachedSource` decides what to
write and this module makes each write atomic, checked and lossless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from tactical.data._legacy_cache import import_legacy
from tactical.errors import CacheError, CacheIntegrityWarning, CacheWriteWarning

__all__ = ["PriceStore", "StoredVersion", "STORE_NAME"]

STORE_NAME = "prices.sqlite"
"""File name of the store inside the cache root."""

_FORMAT = 1
_APPLICATION_ID = 0x54414354  # "TACT": marks the file as a tactical store
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    namespace TEXT NOT NULL,
    adjustment TEXT NOT NULL,
    ticker TEXT NOT NULL,
    source TEXT NOT NULL,
    requested_start TEXT,
    current INTEGER,
    generation INTEGER NOT NULL DEFAULT 0,
    UNIQUE (namespace, adjustment, ticker)
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    series INTEGER NOT NULL REFERENCES series (id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL,
    rows INTEGER NOT NULL,
    dates BLOB NOT NULL,
    prices BLOB NOT NULL,
    checksum TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (series, number)
);
"""
_VERSION_COLUMNS = (
    "v.id, v.number, v.kind, v.created_at, v.fetched_at, v.first, v.last, v.rows, "
    "v.checksum, v.note, v.dates, v.prices"
)

Key = tuple[str, str, str]
"""(namespace, adjustment, ticker)."""


def checksum(dates: bytes, prices: bytes) -> str:
    """SHA-256 (hex) of a version's date and price blobs.

    Examples
    --------
    The date blob's length is hashed too, so moving bytes between the blobs
    changes the checksum:

    >>> len(checksum(b"", b"")), checksum(b"ab", b"cd") == checksum(b"a", b"bcd")
    (64, False)
    """
    digest = hashlib.sha256(b"tactical-prices-1\0")
    digest.update(len(dates).to_bytes(8, "little"))
    digest.update(dates)
    digest.update(prices)
    return digest.hexdigest()


def _encode(prices: pd.Series) -> tuple[bytes, bytes]:
    days = prices.index.to_numpy().astype("datetime64[D]").astype("<i8")
    return days.tobytes(), np.ascontiguousarray(prices.to_numpy(), dtype="<f8").tobytes()


def _decode(dates: bytes, prices: bytes, ticker: str) -> pd.Series:
    days = np.frombuffer(dates, dtype="<i8").astype("datetime64[D]").astype("datetime64[ns]")
    values = np.frombuffer(prices, dtype="<f8").astype(np.float64)
    return pd.Series(values, index=pd.DatetimeIndex(days, name="date"), name=ticker)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One stored history of one ticker (a version), with its provenance.

    ``number`` counts the ticker's versions from 1; ``current`` says whether
    loads return it; ``kind`` says how it was written (``download``: first
    download, ``tail``/``full``: a refresh that revised cached prices,
    ``replace``: ``refresh="replace"``, ``import``: from the old file cache);
    ``intact`` is False when its checksum fails. ``prices`` is the series
    (empty when not loaded or damaged).

    Examples
    --------
    >>> v = StoredVersion("SPY", "yahoo", "total_return", "yahoo", 1, True, "download",
    ...                   pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02"),
    ...                   pd.Timestamp("2023-01-03"), pd.Timestamp("2023-12-29"), 250, "ab", "",
    ...                   True, None, 1)
    >>> v.label
    'SPY v1 (download 2024-01-02 00:00, 2023-01-03..2023-12-29, 250 rows)'
    """

    ticker: str
    namespace: str
    adjustment: str
    source: str
    number: int
    current: bool
    kind: str
    created_at: pd.Timestamp
    fetched_at: pd.Timestamp
    first: pd.Timestamp
    last: pd.Timestamp
    rows: int
    checksum: str
    note: str
    intact: bool
    requested_start: pd.Timestamp | None
    generation: int
    prices: pd.Series | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """``"SPY v3 (tail 2024-02-15 18:00, 1993-01-29..2024-02-15, 7822 rows)"``."""
        return (
            f"{self.ticker} v{self.number} ({self.kind} {self.fetched_at:%Y-%m-%d %H:%M}, "
            f"{self.first.date()}..{self.last.date()}, {self.rows} rows)"
        )


class _WriteConflict(Exception):
    """The series moved on since it was read; the caller re-plans against the new state."""


@dataclass(frozen=True, slots=True)
class PriceStore:
    """The SQLite price store of one cache root (``<root>/prices.sqlite``).

    Parameters
    ----------
    root : path
        The cache root folder (see :func:`tactical.data.cache_directory`); a
        ``str`` is converted to a ``Path``.
    timeout : float
        Seconds a writer waits for another writer (SQLite busy timeout).

    Notes
    -----
    The store holds no open connection between calls (each call opens one,
    checks the file, works in one transaction and closes), so it is safe to
    share between threads and processes, and a fork carries nothing. The
    file is created complete (schema and the one-time import of an old file
    cache in a temporary file, then hard-linked into place), so a file that
    is empty or lacks the schema was damaged from outside, and says so.

    Examples
    --------
    >>> import tempfile
    >>> store = PriceStore(tempfile.mkdtemp())
    >>> s = pd.Series([1.0, 1.1], index=pd.to_datetime(["2024-01-02", "2024-01-03"]))
    >>> store.write(("demo", "total_return", "X"), s, source="demo", kind="download",
    ...             fetched_at=pd.Timestamp("2024-01-03 18:00")).label
    'X v1 (download 2024-01-03 18:00, 2024-01-02..2024-01-03, 2 rows)'
    >>> store.current(("demo", "total_return", "X")).prices.tolist()
    [1.0, 1.1]
    """

    root: Path
    timeout: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))
        object.__setattr__(self, "timeout", float(self.timeout))

    @property
    def path(self) -> Path:
        """The store file."""
        return self.root / STORE_NAME

    def exists(self) -> bool:
        """Whether the store file exists (nothing is cached when it does not)."""
        return self.path.exists()

    # -- connections ---------------------------------------------------------------

    def _damaged(self, what: str, exc: BaseException | None = None) -> CacheError:
        cause = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
        return CacheError(
            f"the price cache {self.path} is damaged: {what}{cause}; nothing was changed. "
            f"Run 'tactical cache verify --dir {self.root}' to see what is intact and "
            f"'tactical cache export' to save it, then move the file aside (the prices will "
            "be downloaded again)"
        )

    @contextlib.contextmanager
    def _connect(self, *, check: bool = True) -> Iterator[sqlite3.Connection]:
        """An open, checked connection to the existing store (closed afterwards)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            raise CacheError(f"no price cache at {self.path}") from None
        if size == 0 and not Path(f"{self.path}-wal").exists():
            raise self._damaged("the file is empty (truncated?)")
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._damaged("it cannot be opened", exc) from exc
        try:
            try:
                conn.execute("PRAGMA synchronous=FULL")
                app = conn.execute("PRAGMA application_id").fetchone()[0]
                if app != _APPLICATION_ID:
                    raise self._damaged("it is not a tactical price store (no tactical header)")
                if check:
                    problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
                    if problems != ["ok"]:
                        raise self._damaged("SQLite integrity check: " + "; ".join(problems))
                fmt = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            except sqlite3.DatabaseError as exc:
                raise self._damaged("SQLite cannot read it", exc) from exc
            if fmt is None or int(fmt[0]) != _FORMAT:
                raise CacheError(
                    f"the price cache {self.path} has format {None if fmt is None else fmt[0]}, "
                    f"this tactical reads format {_FORMAT}; upgrade tactical or move the file aside"
                )
            yield conn
        finally:
            conn.close()

    def _has_legacy(self) -> bool:
        return any(self.root.glob("*/*/*.csv")) if self.root.is_dir() else False

    def _clean_leftovers(self) -> None:
        """Remove temporary stores left by a process killed while creating the store.

        Creation takes well under a minute, so one older than that is an orphan."""
        for stale in self.root.glob(f".{STORE_NAME}.*.new*"):
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > 60:
                    stale.unlink()

    def _create(self) -> None:
        """Create the store (with the one-time import of an old file cache), atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{STORE_NAME}.{os.getpid()}.{time.monotonic_ns()}.new"
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA application_id={_APPLICATION_ID}")
                conn.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('format', ?)", (str(_FORMAT),))
                conn.execute(
                    "INSERT INTO meta VALUES ('created_at', ?)",
                    (pd.Timestamp.now().floor("s").isoformat(),),
                )
                report = import_legacy(conn, self.root, _encode_version)
                conn.execute("INSERT INTO meta VALUES ('legacy_import', ?)", (json.dumps(report),))
                conn.execute("COMMIT")
            finally:
                conn.close()
            try:
                os.link(tmp, self.path)  # fails if another process created it first
            except FileExistsError:
                pass
            except OSError:  # no hard links here (some network or FAT filesystems)
                if not self.path.exists():
                    os.replace(tmp, self.path)
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()

    # -- reading -------------------------------------------------------------------

    def current(self, key: Key) -> StoredVersion | None:
        """The version loads return for ``key``, verified; None when nothing is cached.

        A current version whose checksum fails is replaced, in what is returned,
        by the newest intact older version (with a :class:`CacheIntegrityWarning`);
        with none intact the damaged version is returned with ``intact=False``
        (and ``prices=None``) so the caller can decide.
        """
        return self.current_many([key])[key]

    def current_many(self, keys: Sequence[Key]) -> dict[Key, StoredVersion | None]:
        """:meth:`current` of several keys through one connection (one integrity check)."""
        if not self.exists():
            if not self._has_legacy():
                return dict.fromkeys(keys)
            try:
                self._create()  # the one-time import of the old file cache
            except (OSError, sqlite3.Error) as exc:
                warnings.warn(
                    f"cannot create the price store {self.path} to import the old file cache "
                    f"({type(exc).__name__}: {exc}); its prices are not used until it can",
                    CacheWriteWarning,
                    stacklevel=4,
                )
                return dict.fromkeys(keys)
        with self._connect() as conn:
            try:
                return {key: self._current(conn, key) for key in keys}
            except sqlite3.DatabaseError as exc:
                raise self._damaged("SQLite cannot read it", exc) from exc

    def _current(self, conn: sqlite3.Connection, key: Key) -> StoredVersion | None:
        head = conn.execute(
            "SELECT id, source, requested_start, current, generation FROM series "
            "WHERE namespace = ? AND adjustment = ? AND ticker = ?",
            key,
        ).fetchone()
        if head is None or head[3] is None:
            return None
        sid, source, requested, current, generation = head
        row = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions v WHERE v.id = ?", (current,)
        ).fetchone()
        if row is None:
            raise self._damaged(f"{key[2]}: its current version is missing")
        version = self._version(key, source, requested, generation, current, row, load=True)
        if version.intact:
            return version
        for older in conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions v WHERE v.series = ? AND v.id != ? "
            "ORDER BY v.number DESC",
            (sid, current),
        ):
            candidate = self._version(key, source, requested, generation, current, older, True)
            if candidate.intact:
                warnings.warn(
                    f"{key[2]}: cached version {version.number} in {self.path} fails its "
                    f"checksum (damaged); using intact version {candidate.number} "
                    f"({candidate.last.date()}, fetched {candidate.fetched_at:%Y-%m-%d}) and "
                    "refreshing from it",
                    CacheIntegrityWarning,
                    stacklevel=4,
                )
                return candidate
        return version

    def _version(
        self,
        key: Key,
        source: str,
        requested: str | None,
        generation: int,
        current: int,
        row: Sequence[Any],
        load: bool,
    ) -> StoredVersion:
        vid, number, kind, created, fetched, first, last, rows, digest, note, dates, prices = row
        intact = (
            isinstance(dates, bytes)
            and isinstance(prices, bytes)
            and checksum(dates, prices) == digest
            and len(dates) == len(prices) == 8 * rows
        )
        series = _decode(dates, prices, key[2]) if (load and intact) else None
        return StoredVersion(
            ticker=key[2],
            namespace=key[0],
            adjustment=key[1],
            source=source,
            number=int(number),
            current=vid == current,
            kind=kind,
            created_at=pd.Timestamp(created),
            fetched_at=pd.Timestamp(fetched),
            first=pd.Timestamp(first),
            last=pd.Timestamp(last),
            rows=int(rows),
            checksum=digest,
            note=note,
            intact=bool(intact),
            requested_start=None if requested is None else pd.Timestamp(requested),
            generation=int(generation),
            prices=series,
        )

    def versions(self, key: Key | None = None, *, load: bool = False) -> list[StoredVersion]:
        """Every stored version (of ``key``, or of all series), checksums verified."""
        if not self.exists():
            return []
        query = (
            "SELECT s.namespace, s.adjustment, s.ticker, s.source, s.requested_start, "
            f"s.generation, s.current, {_VERSION_COLUMNS} FROM versions v "
            "JOIN series s ON s.id = v.series"
        )
        args: tuple[str, ...] = ()
        if key is not None:
            query += " WHERE s.namespace = ? AND s.adjustment = ? AND s.ticker = ?"
            args = key
        query += " ORDER BY s.namespace, s.adjustment, s.ticker, v.number"
        with self._connect() as conn:
            return [
                self._version(tuple(r[:3]), r[3], r[4], r[5], r[6], r[7:], load)  # type: ignore[arg-type]
                for r in conn.execute(query, args)
            ]

    # -- writing -------------------------------------------------------------------

    def write(
        self,
        key: Key,
        prices: pd.Series,
        *,
        source: str,
        kind: str,
        fetched_at: pd.Timestamp,
        requested_start: pd.Timestamp | None = None,
        base_generation: int | None = None,
        extend: bool = False,
        replace: bool = False,
        note: str = "",
    ) -> StoredVersion:
        """Store ``prices`` for ``key`` in one transaction; returns what is now current.

        ``extend=True`` updates the current version in place (only when
        ``prices`` keeps every one of its dates and values, i.e. only appends);
        otherwise a new version becomes current and the previous one is kept.
        Unless ``replace=True``, a write that would drop a date of the current
        version is refused (:class:`CacheError`). ``base_generation`` is the
        generation the caller planned against: if another writer moved the
        series since, :class:`_WriteConflict` is raised and nothing is written.
        SQLite and OS errors (disk full, read-only folder) propagate.
        """
        if prices.empty:
            raise CacheError(f"{key[2]}: refusing to cache an empty series")
        if not self.exists():
            self._create()
        self._clean_leftovers()
        dates_blob, prices_blob = _encode(prices)
        digest = checksum(dates_blob, prices_blob)
        now = pd.Timestamp.now().floor("s").isoformat()
        with self._connect(check=False) as conn:
            with _transaction(conn):
                head = conn.execute(
                    "SELECT id, current, generation FROM series "
                    "WHERE namespace = ? AND adjustment = ? AND ticker = ?",
                    key,
                ).fetchone()
                if base_generation != (None if head is None else head[2]):
                    raise _WriteConflict(key)
                current: int | None
                if head is None:
                    cursor = conn.execute(
                        "INSERT INTO series (namespace, adjustment, ticker, source) "
                        "VALUES (?, ?, ?, ?)",
                        (*key, source),
                    )
                    assert cursor.lastrowid is not None
                    sid, current, generation = cursor.lastrowid, None, 0
                else:
                    sid, current, generation = int(head[0]), head[1], int(head[2])
                old = (
                    None
                    if current is None
                    else self._version(
                        key, source, None, 0, current, self._row(conn, current), True
                    )
                )
                if old is not None and old.prices is not None and not replace:
                    lost = old.prices.index.difference(prices.index)
                    if len(lost):
                        raise CacheError(
                            f"{key[2]}: refusing a write that drops {len(lost)} cached date(s) "
                            f"from {old.label}; pass refresh='replace' to accept it"
                        )
                values = (
                    now,
                    str(fetched_at.isoformat()),
                    str(prices.index[0].date()),
                    str(prices.index[-1].date()),
                    len(prices),
                    dates_blob,
                    prices_blob,
                    digest,
                )
                keeps_old = (
                    old is not None and old.prices is not None and _keeps(prices, old.prices)
                )
                if extend and keeps_old and old is not None and current is not None:
                    self._update_version(conn, current, values, note or old.note)
                    vid = current
                else:
                    number = conn.execute(
                        "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE series = ?",
                        (sid,),
                    ).fetchone()[0]
                    vid = self._insert_version(conn, sid, number, kind, values, note)
                conn.execute(
                    "UPDATE series SET current = ?, generation = ?, source = ?, "
                    "requested_start = ? WHERE id = ?",
                    (
                        vid,
                        generation + 1,
                        source,
                        None if requested_start is None else str(requested_start.date()),
                        sid,
                    ),
                )
            result = self._current(conn, key)
        assert result is not None
        return result

    @staticmethod
    def _row(conn: sqlite3.Connection, vid: int) -> Sequence[Any]:
        row = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions v WHERE v.id = ?", (vid,)
        ).fetchone()
        assert row is not None
        return tuple(row)

    @staticmethod
    def _insert_version(
        conn: sqlite3.Connection, sid: int, number: int, kind: str, values: tuple, note: str
    ) -> int:
        cur = conn.execute(
            "INSERT INTO versions (series, number, kind, created_at, fetched_at, first, last, "
            "rows, dates, prices, checksum, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sid, number, kind, *values, note),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    @staticmethod
    def _update_version(conn: sqlite3.Connection, vid: int, values: tuple, note: str) -> None:
        conn.execute(
            "UPDATE versions SET created_at = ?, fetched_at = ?, first = ?, last = ?, rows = ?, "
            "dates = ?, prices = ?, checksum = ?, note = ? WHERE id = ?",
            (*values, note, vid),
        )

    # -- maintenance ---------------------------------------------------------------

    def verify(self) -> list[str]:
        """Problems found (empty when the store is sound): SQLite's full integrity
        check, then every version's checksum, and stray temporary files."""
        problems = [
            f"leftover temporary file {p.name}" for p in self.root.glob(f".{STORE_NAME}.*.new")
        ]
        if not self.exists():
            return problems
        try:
            with self._connect(check=False) as conn:
                check = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        except (sqlite3.DatabaseError, CacheError) as exc:
            return [*problems, str(exc)]
        if check != ["ok"]:
            return [*problems, *(f"SQLite integrity check: {c}" for c in check)]
        try:
            for v in self.versions():
                if not v.intact:
                    problems.append(
                        f"{v.namespace}/{v.adjustment}/{v.ticker} version {v.number}"
                        f"{' (current)' if v.current else ''} fails its checksum"
                    )
        except (sqlite3.DatabaseError, CacheError) as exc:
            problems.append(f"cannot read every version: {exc}")
        return problems

    def export(self, folder: str | os.PathLike[str], *, all_versions: bool = False) -> list[Path]:
        """Write intact versions as ``date,price`` CSV files (full float precision).

        Files: ``<folder>/<namespace>/<adjustment>/<ticker>.csv`` for current
        versions, ``<ticker>.v<N>.csv`` for the others when ``all_versions``.
        Damaged versions are skipped (``verify`` lists them). Returns the paths.
        """
        out = []
        for v in self.versions(load=True):
            if v.prices is None or not (v.current or all_versions):
                continue
            target = Path(folder) / _safe(v.namespace) / _safe(v.adjustment)
            target.mkdir(parents=True, exist_ok=True)
            path = target / f"{_safe(v.ticker)}{'' if v.current else f'.v{v.number}'}.csv"
            frame = v.prices.rename("price").to_frame()
            path.write_text(frame.to_csv(date_format="%Y-%m-%d", float_format="%.17g"))
            out.append(path)
        return out

    def prune(self, keep: int = 1, *, tickers: Sequence[str] | None = None) -> int:
        """Delete all but the ``keep`` newest versions of each series (the current one
        always stays); returns how many were deleted. The file is compacted after.

        ``keep=0`` deletes the named ``tickers`` entirely (all their versions); it
        needs ``tickers``.
        """
        if keep < 0 or (keep == 0 and not tickers):
            raise CacheError(
                f"keep={keep}: prune keeps at least the current version (keep>=1); keep=0 "
                "deletes whole tickers and needs tickers=[...] (--ticker on the command line)"
            )
        if not self.exists():
            return 0
        deleted = 0
        with self._connect() as conn:
            with _transaction(conn):
                heads = conn.execute("SELECT id, ticker, current FROM series").fetchall()
                for sid, ticker, current in heads:
                    if tickers is not None and ticker not in tickers:
                        continue
                    ids = [
                        r[0]
                        for r in conn.execute(
                            "SELECT id FROM versions WHERE series = ? ORDER BY number DESC",
                            (sid,),
                        )
                    ]
                    if keep == 0:
                        conn.execute("UPDATE series SET current = NULL WHERE id = ?", (sid,))
                        drop = ids
                    else:
                        drop = [i for i in ids if i != current][keep - 1 :]
                    for vid in drop:
                        conn.execute("DELETE FROM versions WHERE id = ?", (vid,))
                    if keep == 0:
                        conn.execute("DELETE FROM series WHERE id = ?", (sid,))
                    deleted += len(drop)
            if deleted:
                conn.execute("VACUUM")
        return deleted

    def info(self) -> pd.DataFrame:
        """One row per cached series: ticker, namespace, adjustment, source, first, last,
        rows and fetched_at of the current version, its number, and the version count."""
        columns = [
            "ticker",
            "namespace",
            "adjustment",
            "source",
            "first",
            "last",
            "rows",
            "fetched_at",
            "version",
            "versions",
            "intact",
        ]
        rows = []
        by_series: dict[Key, list[StoredVersion]] = {}
        for v in self.versions():
            by_series.setdefault((v.namespace, v.adjustment, v.ticker), []).append(v)
        for group in by_series.values():
            cur = next((v for v in group if v.current), group[-1])
            rows.append(
                [
                    cur.ticker,
                    cur.namespace,
                    cur.adjustment,
                    cur.source,
                    cur.first,
                    cur.last,
                    cur.rows,
                    cur.fetched_at,
                    cur.number,
                    len(group),
                    all(v.intact for v in group),
                ]
            )
        return pd.DataFrame(rows, columns=columns)

    def legacy_import(self) -> dict[str, Any]:
        """What the one-time import of the old file cache did (``imported``, ``skipped``)."""
        if not self.exists():
            return {}
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'legacy_import'").fetchone()
        return {} if row is None else dict(json.loads(row[0]))


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` .. ``COMMIT``; on any exception rolled back and re-raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _keeps(new: pd.Series, old: pd.Series) -> bool:
    """Whether ``new`` has every date of ``old`` with bit-identical prices."""
    if not old.index.isin(new.index).all():
        return False
    return bool(np.array_equal(new.reindex(old.index).to_numpy(), old.to_numpy()))


def _safe(name: str) -> str:
    return quote(str(name), safe="-_.") or "_"


def _encode_version(prices: pd.Series) -> tuple[bytes, bytes, str]:
    """Blobs and checksum of ``prices`` (as stored in ``versions``)."""
    dates, values = _encode(prices)
    return dates, values, checksum(dates, values)
