"""Conventions: presets, validation, description echoed under every table."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tactical.errors import ConfigError
from tactical.metrics.conventions import DEFAULT, EMPYRICAL, PRESETS, Conventions


def test_default_is_monthly_returns_daily_drawdowns():
    assert DEFAULT.frequency == "monthly" and DEFAULT.periods_per_year == 12
    assert DEFAULT.drawdown == "daily" and DEFAULT.alpha == "arithmetic"
    assert Conventions.preset("monthly") is DEFAULT


def test_presets_are_named_and_distinct():
    assert set(PRESETS) == {
        "monthly",
        "month_end",
        "calendar_year",
        "daily",
        "empyrical",
        "quantstats",
    }
    assert all(PRESETS[name].name == name for name in PRESETS)
    assert len({dataclasses.astuple(c)[:4] for c in PRESETS.values()}) == len(PRESETS)
    assert EMPYRICAL.alpha == "geometric" and EMPYRICAL.years == "periods"


def test_conventions_are_frozen_and_vary_by_replace():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.frequency = "daily"  # type: ignore[misc]
    c = DEFAULT.replace(drawdown="monthly")
    assert c.drawdown == "monthly" and c.name == "monthly+custom" and DEFAULT.drawdown == "daily"


@pytest.mark.parametrize(
    "changes",
    [{"frequency": "weekly"}, {"drawdown": "yearly"}, {"alpha": "log"}, {"confidence": 95}],
)
def test_invalid_values_raise(changes):
    with pytest.raises(ConfigError):
        Conventions(**changes)
    with pytest.raises(ConfigError, match="no conventions preset"):
        Conventions.preset("morningstar")


def test_describe_names_every_convention():
    text = "\n".join(DEFAULT.replace(risk_free=0.045, risk_free_label="DTB3 average").describe())
    for needle in (
        "monthly (12/yr",
        "ddof=1",
        "daily closes",
        "DTB3 average: constant 4.50%/yr",
        "arithmetically (mean x 12)",
        "historical 95%",
        "calendar days / 365.25",
    ):
        assert needle in text
    series = DEFAULT.replace(risk_free=pd.Series([0.0001], name="BIL"))
    assert series.risk_free_text == "BIL (per-period returns)"
    assert "(1 + mean)^252 - 1" in "\n".join(EMPYRICAL.describe())
