"""``import tactical`` stays light: yfinance and matplotlib load only when used.

Each check runs in a fresh interpreter, so modules imported by other tests do
not leak into ``sys.modules``. No wall-clock assertion here: the import time
is measured (and compared with its target) by ``benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("yfinance", "matplotlib")

_REPORT = """
import importlib, json, pkgutil, sys
heavy = {heavy!r}
names = {names!r}
if names is None:
    import tactical
    names = ["tactical"] + sorted(
        m.name for m in pkgutil.walk_packages(tactical.__path__, "tactical.")
    )
out = {{}}
for name in names:
    importlib.import_module(name)
    out[name] = [h for h in heavy if h in sys.modules]
print(json.dumps(out))
"""


def _imported_after(names: list[str] | None) -> dict[str, list[str]]:
    code = _REPORT.format(heavy=HEAVY, names=names)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_tactical_imports_neither_yfinance_nor_matplotlib():
    assert _imported_after(["tactical"]) == {"tactical": []}


def test_no_tactical_module_imports_yfinance_or_matplotlib_at_import_time():
    report = _imported_after(None)
    assert len(report) > 10  # the walk did find the package's modules
    culprits = {name: heavy for name, heavy in report.items() if heavy}
    assert culprits == {}, f"imported at module level (first offender listed first): {culprits}"


def test_the_check_can_see_a_heavy_import():
    """Guard against a vacuous pass: importing matplotlib does show up in the report."""
    pytest.importorskip("matplotlib")
    assert _imported_after(["matplotlib"]) == {"matplotlib": ["matplotlib"]}
