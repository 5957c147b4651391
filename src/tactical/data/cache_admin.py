"""What ``tactical cache info | verify | export | prune`` does (the CLI only parses and prints).

Each action returns ``(text, status)``: the lines to print and the exit
status (0 fine, 1 when ``verify`` finds damage).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from tactical.data.cache import cache_directory
from tactical.data.store import PriceStore

__all__ = ["ACTIONS", "cache_command"]

ACTIONS = ("info", "verify", "export", "prune")


def cache_command(
    action: str,
    directory: str | os.PathLike[str] | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    keep: int = 1,
    tickers: Sequence[str] | None = None,
    all_versions: bool = False,
) -> tuple[str, int]:
    """Run one cache action on the store under ``directory`` (default: the cache root).

    ``info``: one line per cached series (current version, dates, rows,
    download time, version count) and the store's size; ``verify``: SQLite's
    integrity check and every version's checksum; ``export``: intact versions
    to ``date,price`` CSV files under ``out``; ``prune``: keep the ``keep``
    newest versions per series (``keep=0`` with ``tickers``: delete them).

    Examples
    --------
    >>> import tempfile
    >>> cache_command("verify", tempfile.mkdtemp())[1]
    0
    """
    store = PriceStore(cache_directory(directory))
    if action == "info":
        return _info(store), 0
    if action == "verify":
        problems = store.verify()
        if not problems:
            what = "no store yet" if not store.exists() else f"{len(store.versions())} version(s)"
            return f"{store.path}: ok ({what}, every checksum verified)", 0
        return "\n".join([f"{store.path}: {len(problems)} problem(s)", *problems]), 1
    if action == "export":
        target = os.fspath(out) if out is not None else "tactical-cache-export"
        paths = store.export(target, all_versions=all_versions)
        return f"wrote {len(paths)} file(s) under {target}", 0
    if action == "prune":
        deleted = store.prune(keep, tickers=tickers)
        return f"{store.path}: deleted {deleted} version(s)", 0
    raise ValueError(f"unknown cache action {action!r}; use one of {', '.join(ACTIONS)}")


def _info(store: PriceStore) -> str:
    if not store.exists():
        return f"{store.path}: no store yet (nothing cached)"
    table = store.info()
    size = store.path.stat().st_size
    head = f"{store.path}: {len(table)} series, {size / 1e6:.2f} MB"
    imported = store.legacy_import()
    if imported.get("imported") or imported.get("skipped"):
        head += (
            f"; imported {len(imported.get('imported', []))} file(s) from the old cache"
            f" ({len(imported.get('skipped', []))} skipped)"
        )
    if table.empty:
        return head
    shown = table.assign(
        first=table["first"].dt.date,
        last=table["last"].dt.date,
        fetched_at=table["fetched_at"].dt.strftime("%Y-%m-%d %H:%M"),
    )
    with pd.option_context("display.width", 200, "display.max_rows", None):
        return head + "\n" + shown.to_string(index=False)
