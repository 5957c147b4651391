"""docs/api.md is generated from the docstrings and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _builder():
    spec = importlib.util.spec_from_file_location("build_api", DOCS / "build_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_is_up_to_date():
    builder = _builder()
    committed = (DOCS / "api.md").read_text(encoding="utf-8")
    assert builder.render() == committed, "run: python docs/build_api.py"


def test_api_reference_lists_the_public_names():
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    for name in ("backtest_many(", "Threshold(", "sharpe_ratio(", "load_prices(", "check_causal("):
        assert name in text
    assert " at 0x" not in text  # deterministic: no memory addresses
