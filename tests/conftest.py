"""Shared fixtures: the real data folder beside the repository, and small frames."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def load_shared_prices(*tickers: str, column: str = "adj_close") -> pd.DataFrame:
    """Real daily prices from ``../shared/data/prices``, common window; skip when absent."""
    folder = SHARED_DATA / "prices"
    if not folder.is_dir():
        pytest.skip(f"real data folder {folder.name!r} beside the repository is absent")
    cols = {}
    for t in tickers:
        frame = pd.read_csv(folder / f"{t}.csv", parse_dates=["date"], index_col="date")
        cols[t] = frame[column].astype(float)
    out = pd.DataFrame(cols).dropna()
    out.index.name = "date"
    return out


@pytest.fixture
def two_funds() -> pd.DataFrame:
    """A stock fund that goes +10%, -10%, +20% and a flat bond fund, on business days."""
    idx = pd.bdate_range("2024-01-01", periods=4, name="date")
    return pd.DataFrame(
        {"STK": [100.0, 110.0, 99.0, 118.8], "BND": [50.0, 50.0, 50.0, 50.0]}, index=idx
    )


@pytest.fixture
def shared_prices():
    """The loader of real prices from ``../shared/data`` (skips the test when absent)."""
    return load_shared_prices


def _reset_matplotlib_style() -> None:
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        mpl.rcdefaults()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Undo global styles that test-only peers set on import.

    quantstats (imported by the oracle tests at collection) switches matplotlib to a
    seaborn style for the whole process; chart tests must not depend on test order.
    """
    _reset_matplotlib_style()


@pytest.fixture(autouse=True)
def _matplotlib_defaults_after_each_test():
    yield
    _reset_matplotlib_style()
