"""``import tactical`` stays light: its names load on first use, yfinance and matplotlib when used.

Each check runs in a fresh interpreter, so modules imported by other tests do
not leak into ``sys.modules``. No wall-clock assertion here: the import time
is measured (and compared with its target) by ``benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import types
from pathlib import Path

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


# ------------------------------------------------------------------ the lazy packages

# every package whose public names load on first use (tactical._lazy)
LAZY = (
    "tactical",
    "tactical.account",
    "tactical.charts",
    "tactical.data",
    "tactical.robustness",
    "tactical.strategies",
)
# never imported by ``import tactical``, nor by loading the engine (``tc.backtest``)
NOT_AT_IMPORT = ("matplotlib", "yfinance", "scipy", "sqlite3", "arch", "dask", "tqdm")

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _type_checking_imports(package: str) -> dict[str, str]:
    """``name -> module.name`` of the ``if TYPE_CHECKING:`` imports of a package's ``__init__``."""
    path = SRC.joinpath(*package.split("."), "__init__.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.unparse(stmt)
                for alias in stmt.names:
                    found[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
    return found


_RESOLVE = """
import importlib, inspect, json, pkgutil, sys, types
first = {first!r}
out = {{}}
if first == "submodules":  # the worst case: every submodule imported before any name is asked
    import tactical
    for m in pkgutil.walk_packages(tactical.__path__, "tactical."):
        importlib.import_module(m.name)
for package in {packages!r}:
    pkg = importlib.import_module(package)
    listed = sorted(dir(pkg)) if first == "dir" else None
    table = getattr(pkg, "_lazy_table", {{}})
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        if isinstance(obj, types.ModuleType):
            home, same = obj.__name__, sys.modules[obj.__name__] is obj
            same = same and (not table or table[name] == "")  # the table calls it a submodule
        elif inspect.isclass(obj) or inspect.isfunction(obj):  # says where it was defined
            home = obj.__module__
            same = getattr(sys.modules[home], obj.__name__) is obj
            same = same and (not table or table[name] == home)
        else:  # a constant: the module the table names (an eager package: the package)
            home = table.get(name, package)
            same = getattr(sys.modules[home], name) is obj
        namespace = {{}}
        exec(f"from {{package}} import {{name}} as value", namespace)
        out[f"{{package}}.{{name}}"] = [home, same, namespace["value"] is obj]
    if listed is not None:
        out[package + ":dir"] = [n for n in pkg.__all__ if n not in listed]
print(json.dumps(out))
"""


@pytest.mark.parametrize("first", ["name", "submodules", "dir"])
def test_every_public_name_is_its_defining_modules_object(first):
    """Through the package or ``from package import``, before or after the submodules load."""
    report = _run(_RESOLVE.format(first=first, packages=(*LAZY, "tactical.metrics")))
    wrong = {k: v for k, v in report.items() if not k.endswith(":dir") and v[1:] != [True, True]}
    assert wrong == {}, f"name -> [defining module, package's is module's, from-import's]: {wrong}"
    assert report["tactical.backtest"][0] == "tactical.backtest"  # a function's home module
    assert report["tactical.robustness.sweep"][0] == "tactical.robustness.sweep"
    assert len(report) > 150
    if first == "dir":  # dir() before any name is resolved lists every name of __all__
        assert {k: v for k, v in report.items() if k.endswith(":dir") and v} == {}


def test_the_function_wins_over_its_same_named_module_whichever_loads_first():
    report = _run(
        "import json, types, tactical.backtest, tactical.robustness.sweep, tactical.data.splice\n"
        "import tactical, tactical.robustness, tactical.data\n"
        "from tactical.backtest import backtest\n"
        "print(json.dumps([isinstance(x, types.FunctionType) for x in "
        "(tactical.backtest, tactical.robustness.sweep, tactical.data.splice)]"
        " + [tactical.backtest is backtest]))"
    )
    assert report == [True, True, True, True]


@pytest.mark.parametrize("package", LAZY)
def test_the_lazy_table_the_type_checking_imports_and_all_agree(package):
    imports = _type_checking_imports(package)
    assert imports, f"{package}/__init__.py has no TYPE_CHECKING imports"
    mod = importlib.import_module(package)
    table = {
        name: f"{where}.{name}" if where else f"{package}.{name}"
        for name, where in mod._lazy_table.items()
    }
    assert len(mod.__all__) == len(set(mod.__all__)), "a name listed twice in __all__"
    assert set(table) == set(mod.__all__)
    assert table == imports


def test_import_tactical_loads_no_submodule_and_nothing_heavy():
    report = _run(
        "import json, sys; import tactical\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tactical')"
        f" or m.split('.')[0] in {NOT_AT_IMPORT!r} or m in ('numpy', 'pandas'))))"
    )
    assert report == ["tactical", "tactical._lazy"]


def test_loading_the_engine_and_the_strategies_imports_nothing_heavy():
    report = _run(
        "import json, sys; import tactical as tc\n"
        "from tactical.strategies import FixedWeights, Strategy, Threshold\n"
        "tc.backtest, tc.backtest_many, tc.ProportionalCost, tc.ResultSet\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {NOT_AT_IMPORT!r}"
        " or m.startswith(('tactical.data.cache', 'tactical.robustness', 'tactical.charts')))))"
    )
    assert report == []


def test_the_heavy_check_can_see_sqlite3_when_the_cache_loads():
    """Guard against a vacuous pass: asking for the cache does import sqlite3."""
    report = _run(
        "import json, sys, tactical\ntactical.CachedSource\n"
        "print(json.dumps('sqlite3' in sys.modules))"
    )
    assert report is True


def test_an_unknown_name_is_an_attribute_error_naming_it():
    import tactical
    import tactical.strategies

    with pytest.raises(AttributeError, match="module 'tactical' has no attribute 'bactest'"):
        tactical.bactest  # noqa: B018
    assert not hasattr(tactical.strategies, "Strategie")


def test_without_the_package_class_a_submodule_would_hide_its_function(tmp_path, monkeypatch):
    """The shadowing the lazy package class prevents is real: a plain PEP 562 hook shows it."""
    for name, lazy in (("plainpkg", False), ("lazypkg", True)):
        pkg = tmp_path / name
        pkg.mkdir()
        hook = (
            "from tactical._lazy import lazy_exports\n"
            f"__getattr__, __dir__ = lazy_exports(__name__, {{'{name}.run': ('run',)}})\n"
            if lazy
            else "import importlib\n"
            "def __getattr__(name):\n"
            f"    return getattr(importlib.import_module('{name}.run'), name)\n"
        )
        (pkg / "__init__.py").write_text(hook, encoding="utf-8")
        (pkg / "run.py").write_text("def run():\n    return 42\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    # the submodules first: the import system sets each on its package
    importlib.import_module("lazypkg.run")
    importlib.import_module("plainpkg.run")
    plain, lazy = importlib.import_module("plainpkg"), importlib.import_module("lazypkg")
    try:
        assert isinstance(plain.run, types.ModuleType)  # shadowed: a plain hook never runs
        assert lazy.run() == 42
        assert "run" in dir(lazy)
    finally:
        for name in ("plainpkg", "plainpkg.run", "lazypkg", "lazypkg.run"):
            sys.modules.pop(name, None)


def test_the_charts_package_lists_every_chart_of_the_plots_module():
    """Its literal ``__all__`` (needed to stay lazy) keeps up with ``plots.__all__``."""
    import tactical.charts as charts
    import tactical.charts.plots as plots

    assert charts.__all__ == [*plots.__all__, "tear_sheet", "html_report"]
