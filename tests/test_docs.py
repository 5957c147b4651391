"""Every ```python block in docs/*.md runs (blocks marked ```python skip do not).

The blocks of one page run in order in one namespace, in a temporary working
directory, headless (matplotlib's Agg backend). They use the bundled sample,
so nothing reaches the network.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
EXPECTED_PAGES = {
    "index.md",
    "quickstart.md",
    "concepts.md",
    "strategies.md",
    "metrics.md",
    "data.md",
    "custom-allocator.md",
    "cli.md",
    "401k.md",
}


def blocks(page: Path) -> list[tuple[int, str]]:
    """(line number, code) of each runnable python block of ``page``."""
    text = page.read_text(encoding="utf-8")
    out = []
    for match in FENCE.finditer(text):
        if "skip" in match.group(1).split():
            continue
        line = text.count("\n", 0, match.start()) + 2
        out.append((line, match.group(2)))
    return out


def test_every_guide_page_exists():
    assert EXPECTED_PAGES <= {p.name for p in PAGES}


def test_block_extraction_finds_code_and_honours_skip(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```python\nx = 1\n```\n\n```python skip\nboom()\n```\n```console\nls\n```\n")
    assert blocks(page) == [(2, "x = 1\n")]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_doc_examples_run(page, tmp_path, monkeypatch):
    found = blocks(page)
    if page.name in EXPECTED_PAGES:
        assert found, f"{page.name} has no runnable example"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TACTICAL_CACHE_DIR", str(tmp_path / "cache"))
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # dataclasses look it up
    namespace = module.__dict__
    try:
        for line, code in found:
            compiled = compile(code, f"{page.name}:{line}", "exec")
            exec(compiled, namespace)  # noqa: S102 - the docs are our own code
    finally:
        plt.close("all")
