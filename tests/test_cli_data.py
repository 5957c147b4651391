"""The command line's data messages: which fund sets the start, a benchmark that moves it,
strategies that cannot start (said before any run), and the TOML ``splice`` table."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical._toml_config import parse_config
from tactical.cli import main
from tactical.errors import ConfigError
from tactical.testing import random_prices

PRICES = random_prices(700, ("STK", "BND", "OLD"), start="2015-01-01", seed=5)
YOUNG_FROM = PRICES.index[300]


def _folder(tmp_path: Path, young: str | None = "YNG") -> Path:
    """Per-ticker CSV files; ``young`` starts at bar 300 (like VNQ in 2004)."""
    folder = tmp_path / "prices"
    folder.mkdir()
    frame = PRICES.copy()
    if young is not None:
        frame[young] = random_prices(700, ("X",), start="2015-01-01", seed=6)["X"]
        frame.loc[frame.index < YOUNG_FROM, young] = np.nan
    for t in frame.columns:
        col = frame[t].dropna()
        pd.DataFrame({"adj_close": col}).to_csv(folder / f"{t}.csv", index_label="date")
    return folder


def _run(tmp_path: Path, body: str, capsys) -> tuple[int, str, str]:
    config = tmp_path / "run.toml"
    config.write_text(body, encoding="utf-8")
    status = main(["backtest", str(config), "--out", str(tmp_path / "o"), "--no-html"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


MIX = """
[[strategies]]
name = "Mix"
kind = "calendar"
weights = {{ STK = 0.5, {fund} = 0.5 }}
"""


def test_the_output_names_the_fund_that_sets_the_start(tmp_path, capsys):
    _folder(tmp_path)
    body = 'source = "prices"\nstocks = "STK"\nbonds = "BND"\n' + MIX.format(fund="YNG")
    status, out, _ = _run(tmp_path, body, capsys)
    assert status == 0
    line = next(x for x in out.splitlines() if x.startswith("start: "))
    assert line.startswith(f"start: the data start on {YOUNG_FROM.date()}, set by YNG")
    assert "STK 2015-01-01" in line and 'splice = { YNG = "<an older fund>" }' in line


def test_a_benchmark_that_sets_the_start_is_named_as_one(tmp_path, capsys):
    _folder(tmp_path)  # the strategies hold STK and OLD; the bonds benchmark YNG is young
    body = 'source = "prices"\nstocks = "STK"\nbonds = "YNG"\n' + MIX.format(fund="OLD")
    status, out, _ = _run(tmp_path, body, capsys)
    assert status == 0
    line = next(x for x in out.splitlines() if x.startswith("start: "))
    assert "set by YNG" in line
    assert (
        'YNG is only the bonds benchmark: set bonds = "<an older fund>" or benchmarks = false'
        in (line)
    )


def test_no_start_line_when_every_fund_starts_together(tmp_path, capsys):
    _folder(tmp_path, young=None)
    body = 'source = "prices"\nstocks = "STK"\nbonds = "BND"\n' + MIX.format(fund="OLD")
    status, out, _ = _run(tmp_path, body, capsys)
    assert status == 0 and not any(x.startswith("start: ") for x in out.splitlines())


def test_strategies_that_cannot_start_are_reported_before_any_run(tmp_path, capsys):
    _folder(tmp_path)
    body = f"""
source = "prices"
stocks = "STK"
bonds = "BND"
start = "{PRICES.index[310].date()}"
{MIX.format(fund="BND")}
[[strategies]]
name = "Momentum"
kind = "momentum"
menu = ["STK", "YNG"]
lookback = 126
"""
    status, out, err = _run(tmp_path, body, capsys)
    assert status == 2
    (error,) = [x for x in err.splitlines() if x.startswith("tactical: error:")]
    assert "1 of 5 strategies cannot start then" in error and "'Momentum' from" in error
    assert f"The data start on {YOUNG_FROM.date()}, set by YNG" in error
    assert "backtest 1/" not in err  # nothing ran first


# -- the splice table ------------------------------------------------------------------


def test_a_splice_table_extends_a_young_fund_with_its_proxy(tmp_path, capsys):
    _folder(tmp_path)
    body = (
        'source = "prices"\nstocks = "STK"\nbonds = "BND"\nsplice = { YNG = "OLD" }\n'
        + MIX.format(fund="YNG")
    )
    status, out, _ = _run(tmp_path, body, capsys)
    assert status == 0
    data = next(x for x in out.splitlines() if x.startswith("data: "))
    assert f"YNG before {YOUNG_FROM.date()}: OLD returns (from 2015-01-01)" in data
    assert "2015-01-01 to" in data and "OLD" not in data.split(";")[0]  # proxy not a fund
    assert not any(x.startswith("start: ") for x in out.splitlines())
    table = pd.read_csv(tmp_path / "o" / "summary.csv", index_col=0)
    assert "Mix" in table.index


def test_a_splice_table_on_the_sample(tmp_path, capsys):
    body = """
source = "sample"
benchmarks = false
splice = { TSY_10Y = "US_STOCKS" }
[[strategies]]
name = "Bonds"
kind = "fixed"
weights = { TSY_10Y = 1.0 }
"""
    status, out, err = _run(tmp_path, body, capsys)
    assert status == 0, err
    data = next(x for x in out.splitlines() if x.startswith("data: "))
    assert "TSY_10Y before 1990-01-31: US_STOCKS returns (from 1926-06-30)" in data


@pytest.mark.parametrize(
    ("table", "pattern"),
    [
        ("splice = 5", r"splice: must be a table of fund = \"proxy\""),
        ("splice = { AGG = 5 }", r"splice.AGG: the proxy must be a ticker name"),
        ('splice = { AGG = "AGG" }', r"splice.AGG: a fund cannot be its own proxy"),
    ],
)
def test_a_bad_splice_table_is_a_config_error(table, pattern):
    base = '[[strategies]]\nkind = "fixed"\nweights = { AGG = 1.0 }\n'
    with pytest.raises(ConfigError, match=pattern):
        parse_config(tomllib.loads(table + "\n" + base))


def test_a_splice_of_a_fund_no_strategy_holds_is_one_line(tmp_path, capsys):
    _folder(tmp_path)
    body = (
        'source = "prices"\nstocks = "STK"\nbonds = "BND"\nsplice = { XYZ = "OLD" }\n'
        + MIX.format(fund="OLD")
    )
    status, _, err = _run(tmp_path, body, capsys)
    assert status == 2 and "splice.XYZ: no strategy or benchmark holds XYZ" in err
