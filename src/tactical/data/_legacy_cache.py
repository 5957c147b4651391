"""The one-time import of the old file cache (tactical 0.1) into the SQLite store.

Format 1 of the old cache: ``<root>/<namespace>/<adjustment>/<ticker>.csv``
(``date,price``, 17 significant digits) beside ``<ticker>.json`` metadata,
names percent-encoded. Every readable data file is imported as version 1
(``kind="import"``), bit for bit; a data file out of step with its metadata
(a crash between the two writes) is imported as it is, since the data file
was written first and completely. Unreadable files are left out (and in
place), with a :class:`CacheIntegrityWarning` naming them. Nothing is deleted.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd

from tactical.errors import CacheIntegrityWarning

__all__: list[str] = []


def import_legacy(
    conn: sqlite3.Connection,
    root: Path,
    encode_version: Callable[[pd.Series], tuple[bytes, bytes, str]],
) -> dict[str, Any]:
    """Import every old entry under ``root`` through ``conn`` (inside its transaction)."""
    imported: list[str] = []
    skipped: list[str] = []
    for data_path in sorted(root.glob("*/*/*.csv")):
        meta_path = data_path.with_suffix(".json")
        namespace, adjustment = (
            unquote(data_path.parent.parent.name),
            unquote(data_path.parent.name),
        )
        where = f"{data_path.parent.parent.name}/{data_path.parent.name}/{data_path.name}"
        try:
            frame = pd.read_csv(data_path, index_col=0, parse_dates=[0])
            series = frame.iloc[:, 0].astype(np.float64).dropna()
            series.index = pd.DatetimeIndex(series.index, name="date").normalize()
            if (
                series.empty
                or not series.index.is_monotonic_increasing
                or series.index.has_duplicates
                or not bool(np.all(series.to_numpy() > 0))
            ):
                raise ValueError("not a sorted, positive price series")
        except (OSError, ValueError, TypeError, IndexError, pd.errors.ParserError) as exc:
            skipped.append(f"{where}: {exc}")
            continue
        meta: dict[str, Any] = {}
        note = "imported from the file cache"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("not an object")
            if meta.get("rows") != len(series) or meta.get("last") != str(series.index[-1].date()):
                note += "; its metadata was out of step with the data file (data kept)"
        except (OSError, ValueError) as exc:
            meta = {}
            note += f"; metadata unreadable ({type(exc).__name__}), data kept"
        ticker = str(meta.get("ticker") or unquote(data_path.stem))
        fetched = meta.get("fetched_at") or pd.Timestamp(data_path.stat().st_mtime, unit="s")
        dates_blob, prices_blob, digest = encode_version(series)
        sid = conn.execute(
            "INSERT INTO series (namespace, adjustment, ticker, source, requested_start) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                namespace,
                adjustment,
                ticker,
                str(meta.get("source") or namespace),
                meta.get("requested_start"),
            ),
        ).lastrowid
        vid = conn.execute(
            "INSERT INTO versions (series, number, kind, created_at, fetched_at, first, last, "
            "rows, dates, prices, checksum, note) "
            "VALUES (?, 1, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sid,
                pd.Timestamp.now().floor("s").isoformat(),
                pd.Timestamp(fetched).floor("s").isoformat(),
                str(series.index[0].date()),
                str(series.index[-1].date()),
                len(series),
                dates_blob,
                prices_blob,
                digest,
                note,
            ),
        ).lastrowid
        conn.execute("UPDATE series SET current = ?, generation = 1 WHERE id = ?", (vid, sid))
        imported.append(f"{where}: {len(series)} rows")
    if skipped:
        warnings.warn(
            f"the old price cache in {root} was imported into the SQLite store except "
            f"{len(skipped)} unreadable file(s), left in place: " + "; ".join(skipped),
            CacheIntegrityWarning,
            stacklevel=5,
        )
    return {"imported": imported, "skipped": skipped}
