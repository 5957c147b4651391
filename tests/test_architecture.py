"""The package's import graph: no circle anywhere, and lower layers never import higher ones.

The graph is read from the source with :mod:`ast`, as a strict checker would:
every ``import`` counts, at module level, inside functions and inside
``if TYPE_CHECKING:`` blocks alike (a circle through a lazy import still
means the two modules cannot be understood, tested or moved apart).

An edge goes to the module an import names: ``from tactical.a import b``
points to ``tactical.a.b`` when that is a module, else to ``tactical.a``;
``import tactical`` and ``from tactical import backtest`` point to the package
root. Parent packages a dotted import runs implicitly are not edges (every
module would then reach ``tactical/__init__`` and everything it imports).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


# ---------------------------------------------------------------- the graph


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules(root: Path, package: str = "tactical") -> dict[str, Path]:
    """Every module of ``package`` under ``root``: dotted name -> file."""
    return {_module_name(p, root): p for p in sorted((root / package).rglob("*.py")) if p.is_file()}


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The longest prefix of the dotted ``name`` that is a known module."""
    known = set(known)
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in known:
            return candidate
    return None


def import_graph(root: Path, package: str = "tactical") -> dict[str, set[str]]:
    """``module -> modules of the package it imports``, every import statement counted."""
    modules = _modules(root, package)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from . import x / from ..a import b
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{alias.name}" for alias in node.names] or [prefix]
            for target in targets:
                if target == package or target.startswith(package + "."):
                    found = _resolve(target, modules)
                    if found is not None and found != name:
                        graph[name].add(found)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One concrete circle inside ``component``, as ``a -> b -> a``."""
    inside = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        nxt = sorted(w for w in graph[path[-1]] if w in inside)
        back = [w for w in nxt if w == start]
        if back and len(path) > 1:
            return " -> ".join([*path, start])
        fresh = [w for w in nxt if w not in seen]
        if not fresh:  # follow any edge back into the path
            loop = next(w for w in nxt if w in path)
            return " -> ".join([*path[path.index(loop) :], loop])
        path.append(fresh[0])
        seen.add(fresh[0])


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(SRC)


# ---------------------------------------------------------------- the checker can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_sees_a_circle_through_a_lazy_and_a_type_checking_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "tactical/__init__.py": "",
            "tactical/results.py": "def plot():\n    from tactical.charts import plots\n",
            "tactical/charts/__init__.py": "",
            "tactical/charts/plots.py": "from tactical.charts.data import x\n",
            "tactical/charts/data.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from tactical.results import BacktestResult\n"
            ),
            "tactical/report.py": "from . import results\nfrom .charts import data\n",
        },
    )
    g = import_graph(root)
    assert g["tactical.report"] == {"tactical.results", "tactical.charts.data"}
    assert circles(g) == [["tactical.charts.data", "tactical.charts.plots", "tactical.results"]]
    text = _cycle_path(g, circles(g)[0])
    assert text.split(" -> ")[0] == text.split(" -> ")[-1]


def test_the_checker_sees_the_package_root_and_passes_a_tree_without_circles(tmp_path):
    root = _tree(
        tmp_path,
        {
            "tactical/__init__.py": "from tactical.report import summary\n",
            "tactical/report.py": "def demo():\n    import tactical\n",
            "tactical/metrics.py": "import numpy\n",
        },
    )
    g = import_graph(root)
    assert g["tactical.report"] == {"tactical"}
    assert circles(g) == [["tactical", "tactical.report"]]
    del g["tactical.report"]
    assert circles({k: v - {"tactical.report"} for k, v in g.items()}) == []


def test_the_graph_covers_the_package(graph):
    assert len(graph) > 30
    assert "tactical.charts.plots" in graph["tactical.charts.sheets"]
    assert "tactical.charts.plots" in graph["tactical.results"]  # the lazy delegation counts


# ---------------------------------------------------------------- the package


def test_no_import_circle_anywhere(graph):
    found = circles(graph)
    described = [_cycle_path(graph, c) for c in found]
    assert found == [], "import circles:\n" + "\n".join(described)


# What each layer may import from the package (besides itself). Everything else is a higher
# layer: a result, a chart or a table must not run backtests, fetch data or import the root.
# the bottom: type aliases, error classes and the lazy-export helper (standard library only)
_BASE = {"tactical._typing", "tactical.errors", "tactical._lazy"}
_METRICS = {
    m for m in _modules(SRC) if m == "tactical.metrics" or m.startswith("tactical.metrics.")
}
_CHARTS = {m for m in _modules(SRC) if m.startswith("tactical.charts")}
_TABLES = {"tactical.tables"}  # text/Markdown/HTML renderers of a summary; import only errors
_INTERVALS = {"tactical.intervals"}  # a summary's bootstrap interval columns
ALLOWED = {
    # results hold data; their summary/plot methods delegate lazily to report and charts
    "tactical.results": _BASE | _METRICS | _TABLES | {"tactical.report"} | _CHARTS,
    # the summary table is composed from the metric formulas (and their bootstrap)
    "tactical.report": _BASE | _METRICS | _TABLES | _INTERVALS,
    "tactical.intervals": _BASE | _METRICS,
    # charts draw results read by attribute; the tear sheet formats report's table
    "tactical.charts": _BASE | _METRICS | _TABLES | {"tactical.report"} | _CHARTS,
}


def _layer(module: str) -> str | None:
    for layer in ALLOWED:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_lower_layers_do_not_import_higher_ones(graph, layer):
    members = [m for m in graph if _layer(m) == layer]
    assert members, f"no module in layer {layer}"
    bad = {m: sorted(graph[m] - ALLOWED[layer] - {m}) for m in members if graph[m] - ALLOWED[layer]}
    assert bad == {}, f"{layer} imports higher layers: {bad}"


def test_the_base_modules_import_nothing_from_the_package(graph):
    assert {m: sorted(graph[m]) for m in _BASE if graph[m] - {"tactical.errors"}} == {}


def test_charts_never_import_results(graph):
    offenders = sorted(m for m in _CHARTS if "tactical.results" in graph[m])
    assert offenders == []


def test_the_layer_check_can_fail():
    g = {"tactical.charts.plots": {"tactical.results", "tactical.errors"}}
    assert g["tactical.charts.plots"] - ALLOWED["tactical.charts"] == {"tactical.results"}
