"""The ``tactical`` command: demo, backtest from TOML, one-line errors, --debug, --help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical._toml_config import EXAMPLE, parse_config
from tactical.cli import ACCOUNT_FILES, OUTPUT_FILES, main
from tactical.errors import ConfigError
from tactical.testing import random_prices

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _written(out: str) -> tuple[Path, list[str]]:
    """The folder and the file names that the command says it wrote."""
    line = next(x for x in out.splitlines() if x.startswith("Wrote "))
    folder, files = line.split(" files to ", 1)[1].split("/: ", 1)
    return Path(folder), [f.strip() for f in files.split(",")]


def _check_outputs(folder: Path, names: list[str]) -> None:
    for name in names:
        path = folder / name
        assert path.is_file() and path.stat().st_size > 0, name
        if name.endswith(".png"):
            assert path.read_bytes()[:8] == PNG_MAGIC, name
    table = pd.read_csv(folder / "summary.csv", index_col=0)
    assert {"cagr", "volatility", "max_drawdown", "sharpe"} <= set(table.columns)
    text = (folder / "summary.txt").read_text()
    assert text.startswith("Window:") and "conventions:" in text


def _toml(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


SAMPLE_TOML = """
title = "two strategies"
source = "sample"
start = "1995-01-31"
costs_bps = 5
benchmarks = false
[[strategies]]
name = "60/40 annual"
kind = "calendar"
weights = { US_STOCKS = 0.6, TSY_10Y = 0.4 }
schedule = "YE"
[[strategies]]
name = "Trend"
kind = "trend"
risky = ["US_STOCKS"]
safe = "TSY_10Y"
lookback = 10
"""


# ------------------------------------------------------------------ demo
def test_demo_prints_the_table_and_writes_the_files_it_names(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--out", str(out_dir), "--no-html"]) == 0
    captured = capsys.readouterr()
    # one window for everything: the saver's account from $0 on 1999-12-31
    assert "Window: 1999-12-31 to 2017-02-28" in captured.out
    for name in ("60/40 buy & hold", "60/40 5/25 band", "Trend (10m SMA)", "Dual momentum (12m)"):
        assert name in captured.out
    assert "Stocks (US_STOCKS)" in captured.out and "execution_lag=0" in captured.out
    # the balance view comes first, then the time-weighted table
    out = captured.out
    assert out.index("final_balance") < out.index("Time-weighted") < out.index("CAGR")
    folder, names = _written(captured.out)
    assert folder == out_dir
    assert set(names) == (set(OUTPUT_FILES) | set(ACCOUNT_FILES)) - {"report.html"}
    _check_outputs(folder, [n for n in names if n not in ACCOUNT_FILES])
    balances = pd.read_csv(folder / "balances.csv", index_col=0)
    assert {"final_balance", "contributed", "employee", "employer", "xirr"} <= set(balances)
    assert (folder / "balance.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the summary the tear sheet and the report show is the account's: money columns first
    summary = pd.read_csv(folder / "summary.csv", index_col=0)
    assert list(summary.columns[-3:]) == ["final_balance", "contributed", "xirr"]
    np.testing.assert_allclose(summary["final_balance"], balances["final_balance"], atol=0.01)
    assert (balances["contributed"] == balances["employee"] + balances["employer"]).all()
    # progress on stderr, one line per strategy
    assert captured.err.count("backtest ") == 9


def test_demo_report_opens_with_the_balance_of_the_saver(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--out", str(out_dir), "--quiet"]) == 0
    capsys.readouterr()
    text = (out_dir / "report.html").read_text(encoding="utf-8")
    assert text.index("<h2>Balance</h2>") < text.index("<h2>Summary</h2>")
    assert text.index("Account (money)") < text.index("<h2>Growth</h2>")
    assert not (out_dir / "account_report.html").exists()


def test_demo_draws_its_benchmarks_dashed_in_the_growth_chart(tmp_path, capsys, monkeypatch):
    from tactical.charts import plots as plotting
    from tactical.cli import DEMO_BENCHMARKS

    seen: list[dict[str, str]] = []
    draw = plotting.plot_equity

    def spy(*args, **kwargs):
        ax = draw(*args, **kwargs)
        seen.append({str(ln.get_label()): str(ln.get_linestyle()) for ln in ax.get_lines()})
        return ax

    monkeypatch.setattr(plotting, "plot_equity", spy)
    assert main(["demo", "--out", str(tmp_path / "d"), "--no-html", "--quiet"]) == 0
    capsys.readouterr()
    assert seen  # growth.png (and the tear sheet's growth panel)
    for lines in seen:
        dashed = {name for name, style in lines.items() if style == "--"}
        assert dashed == set(DEMO_BENCHMARKS) and len(lines) == 9


def test_demo_quiet_prints_no_progress(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "d"), "--no-html", "--quiet"]) == 0
    assert "backtest 1/9" not in capsys.readouterr().err


# ------------------------------------------------------------------ backtest
def test_backtest_on_the_sample_writes_outputs_and_the_html_report(tmp_path, capsys):
    config = _toml(tmp_path / "two.toml", SAMPLE_TOML)
    out_dir = tmp_path / "out"
    assert main(["backtest", str(config), "--out", str(out_dir)]) == 0
    captured = capsys.readouterr()
    assert "two strategies" in captured.out
    assert "Window: 1995-01-31" in captured.out
    assert "costs: 5 bps" in captured.out
    folder, names = _written(captured.out)
    assert folder == out_dir and "report.html" in names
    _check_outputs(folder, names)
    html = (folder / "report.html").read_text()
    assert "60/40 annual" in html and "Trend" in html and "data:image/png;base64" in html


def test_backtest_default_folder_is_named_after_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _toml(tmp_path / "my-plan.toml", SAMPLE_TOML)
    assert main(["backtest", "my-plan.toml", "--no-html", "-q"]) == 0
    folder, _ = _written(capsys.readouterr().out)
    assert folder == Path("tactical-my_plan") and (tmp_path / folder / "growth.png").is_file()


def test_backtest_on_a_csv_folder_of_daily_prices(tmp_path, capsys):
    prices = random_prices(900, ("STK", "BND", "INTL"), start="2015-01-01", seed=3)
    folder = tmp_path / "prices"
    folder.mkdir()
    for ticker in prices.columns:
        frame = pd.DataFrame({"close": prices[ticker], "adj_close": prices[ticker]})
        frame.to_csv(folder / f"{ticker}.csv", index_label="date")
    config = _toml(
        tmp_path / "daily.toml",
        """
source = "prices"           # relative to this file
stocks = "STK"
bonds = "BND"
costs_bps = 2
[[strategies]]
name = "GEM"
kind = "dual_momentum"
menu = ["STK", "INTL"]
safe = "BND"
lookback = 126
[[strategies]]
name = "Band"
kind = "threshold"
weights = { STK = 0.5, BND = 0.5 }
abs_band = 0.03
""",
    )
    assert main(["backtest", str(config), "--out", str(tmp_path / "o"), "--no-html"]) == 0
    captured = capsys.readouterr()
    assert "CSV folder" in captured.out and "execution_lag=1" in captured.out
    assert "conventions: monthly" in captured.out  # daily data: the default preset
    table = pd.read_csv(tmp_path / "o" / "summary.csv", index_col=0)
    assert list(table.index) == ["GEM", "Band", "STK", "BND", "60/40"]
    # GEM decides on row 126 (its 126-bar warm-up) and, with execution_lag=1, is invested
    # at row 127's close: the window shared by all rows starts there
    window = next(x for x in captured.out.splitlines() if x.startswith("Window: "))
    assert pd.Timestamp(window.split()[1]) == prices.index[127]


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (SAMPLE_TOML.replace("lookback = 10", "lookbak = 10"), "strategies[1] (Trend).lookbak"),
        (SAMPLE_TOML.replace('source = "sample"', 'sauce = "sample"'), "unknown key 'sauce'"),
        (SAMPLE_TOML.replace('kind = "trend"', 'kind = "trendy"'), "strategies[1].kind"),
        (SAMPLE_TOML.replace("0.6, TSY_10Y = 0.4", "0.6, TSY_10Y = 0.3"), "weights sum to 0.9"),
        (SAMPLE_TOML.replace("costs_bps = 5", 'costs_bps = "5"'), "costs_bps: must be a number"),
        (SAMPLE_TOML.replace("lookback = 10", "lookback = 0"), "(Trend).lookback"),
        (SAMPLE_TOML.replace('start = "1995-01-31"', 'start = "soon"'), "start: 'soon'"),
        (
            SAMPLE_TOML + "\n[[strategies]]\nkind = 'fixed'\n",
            "strategies[2] (fixed 3).weights: missing",
        ),
        ('source = "sample"\n', "strategies: missing"),
        ("title = [unclosed", "is not valid TOML"),
        (SAMPLE_TOML.replace('"US_STOCKS"]', '"NOPE"]'), "NOPE"),
    ],
)
def test_a_bad_file_prints_one_line_naming_the_problem(tmp_path, capsys, body, expected):
    config = _toml(tmp_path / "bad.toml", body)
    status = main(["backtest", str(config), "--out", str(tmp_path / "o"), "-q"])
    captured = capsys.readouterr()
    assert status == 2
    lines = [x for x in captured.err.splitlines() if not x.startswith("tactical: warning:")]
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("tactical: error: ")
    assert expected in lines[0]
    assert "Traceback" not in captured.err


def test_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["backtest", str(tmp_path / "none.toml")]) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("tactical: error: config file") and err.count("\n") == 1


def test_debug_lets_the_traceback_through(tmp_path):
    config = _toml(tmp_path / "bad.toml", SAMPLE_TOML.replace("lookback = 10", "lookbak = 10"))
    with pytest.raises(ConfigError, match="lookbak"):
        main(["backtest", str(config), "--debug", "-q"])


def test_backtest_help_shows_the_example_file(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["backtest", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "[[strategies]]" in out and 'kind = "dual_momentum"' in out and "costs_bps" in out


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


def test_the_example_in_help_is_a_valid_config():
    import tomllib

    config = parse_config(tomllib.loads(EXAMPLE))
    assert [s.kind for s in config.strategies] == [
        "calendar",
        "threshold",
        "trend",
        "dual_momentum",
    ]
    assert config.funds() == ["US_STOCKS", "TSY_10Y"]


# ------------------------------------------------------------------ console script
def test_console_script_runs_and_fails_cleanly(tmp_path):
    exe = shutil.which("tactical", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the tactical console script is not installed next to this python")
    ok = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "tactical" in ok.stdout
    config = _toml(tmp_path / "bad.toml", SAMPLE_TOML.replace('kind = "trend"', "kind = 3"))
    bad = subprocess.run(
        [exe, "backtest", str(config), "-q"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("tactical: error: strategies[1].kind")
    assert "Traceback" not in bad.stderr and bad.stderr.strip().count("\n") == 0
