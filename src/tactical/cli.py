"""The ``tactical`` command: ``tactical demo`` and ``tactical backtest FILE.toml``.

``tactical demo`` runs the standard comparison on the bundled offline sample;
``tactical backtest`` runs the strategies described in a small TOML file
(``tactical backtest --help`` prints an example). Both print the summary table
and write the charts (PNG), the summary (text and CSV) and a self-contained
HTML report into an output folder, printed at the end.

Errors print one line, ``tactical: error: <message>``, and exit with status 2
(1 for an unexpected error); ``--debug`` shows the traceback instead.
Progress goes to stderr, one line per strategy and per output.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tactical._toml_config import EXAMPLE, Config, load_config
from tactical.errors import ConfigError, TacticalError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from tactical.results import ResultSet
    from tactical.strategies import Strategy

__all__ = ["main", "demo_strategies", "run_strategies", "write_outputs"]

DEMO_FOLDER = "tactical-demo"
DEMO_BENCHMARKS = ("Stocks (US_STOCKS)", "Bonds (TSY_10Y)")
"""Strategies of :func:`demo_strategies` that are benchmarks (dashed in the growth charts)."""

OUTPUT_FILES = (
    "summary.txt",
    "summary.csv",
    "growth.png",
    "drawdowns.png",
    "rolling_12m.png",
    "annual_returns.png",
    "allocation.png",
    "tear_sheet.png",
    "report.html",
)
"""Files written by ``tactical demo`` and ``tactical backtest`` (report.html unless --no-html)."""


class _Progress:
    """One line per step on a stream (stderr), with elapsed seconds; silent when quiet."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.stream is not None:
            elapsed = time.perf_counter() - self.t0
            print(f"[{elapsed:5.1f}s] {message}", file=self.stream, flush=True)


# ---------------------------------------------------------------------------- running
def demo_strategies(
    stocks: str = "US_STOCKS",
    bonds: str = "TSY_10Y",
    long_bonds: str = "TSY_LONG",
    monthly: bool = True,
) -> dict[str, Strategy]:
    """The standard comparison run by ``tactical demo``, benchmarks included.

    Six 60/40 variants and two tactical models: buy and hold, calendar
    rebalancing (monthly, quarterly, annual), a 5/25 band, a 10-month trend
    filter (stocks to bonds below the average) and 12-month dual momentum
    (stocks vs long bonds, with a T-bill hurdle, risk-off to bonds); plus
    stocks and bonds bought and held. Lookbacks are durations (``"10M"``,
    ``"12M"``: month-end closes), so the same rules run on the bundled
    monthly sample and on daily data; ``monthly`` is kept for compatibility
    and no longer changes them.

    Examples
    --------
    >>> list(demo_strategies())[:3]
    ['60/40 buy & hold', '60/40 quarterly', '60/40 annual']
    """
    from tactical.strategies import (
        DualMomentum,
        FixedWeights,
        Never,
        Strategy,
        Threshold,
        TrendFilter,
        buy_and_hold,
    )

    mix = FixedWeights({stocks: 0.6, bonds: 0.4})
    trend, year = "10M", "12M"  # Faber's and Antonacci's windows on any data frequency
    return {
        "60/40 buy & hold": Strategy(mix, rebalance=Never()),
        "60/40 quarterly": Strategy(mix, schedule="QE"),
        "60/40 annual": Strategy(mix, schedule="YE"),
        "60/40 5/25 band": Strategy(mix, rebalance=Threshold(abs_band=0.05, rel_band=0.25)),
        "Trend (10m SMA)": Strategy(TrendFilter((stocks,), safe=bonds, lookback=trend)),
        "Dual momentum (12m)": Strategy(
            DualMomentum((stocks, long_bonds), safe=bonds, lookback=year, hurdle="CASH")
        ),
        f"Stocks ({stocks})": buy_and_hold(stocks),
        f"Bonds ({bonds})": buy_and_hold(bonds),
        "60/40 monthly": Strategy(mix, schedule="ME"),
    }


def run_strategies(
    prices: pd.DataFrame,
    strategies: Mapping[str, Strategy],
    *,
    start: str | None = None,
    end: str | None = None,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> ResultSet:
    """Like :func:`tactical.backtest_many` (one common window) with a progress line per strategy."""
    from tactical.backtest import backtest, feasible_start
    from tactical.results import ResultSet

    say = progress or (lambda message: None)
    if start is None:
        lag = options.get("execution_lag", 1)
        start = str(
            max(feasible_start(prices, s, execution_lag=lag) for s in strategies.values()).date()
        )
    results = {}
    n = len(strategies)
    for i, (name, strategy) in enumerate(strategies.items(), 1):
        t0 = time.perf_counter()
        results[name] = backtest(prices, strategy, start=start, end=end, name=name, **options)
        say(f"backtest {i}/{n}: {name} ({time.perf_counter() - t0:.2f}s)")
    return ResultSet(results)


def _is_monthly(index: pd.DatetimeIndex) -> bool:
    import numpy as np

    if len(index) < 3:
        return False
    gaps = np.diff(index.values).astype("timedelta64[D]").astype(int)
    return float(np.median(gaps)) > 20


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "strategy"


def write_outputs(
    runs: ResultSet,
    table: pd.DataFrame,
    folder: Path,
    *,
    title: str,
    focus: str,
    benchmarks: Sequence[str] = (),
    html: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the summary (text, CSV), the charts (PNG) and the HTML report into ``folder``.

    ``benchmarks`` names strategies of ``runs`` drawn dashed in the growth
    charts (names not in ``runs`` are ignored).
    """
    from matplotlib.figure import Figure

    from tactical.charts import plots as plotting
    from tactical.report import format_summary

    say = progress or (lambda message: None)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(name: str, text: str) -> None:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    save("summary.txt", format_summary(table, "text", columns="all") + "\n")
    save("summary.csv", table.to_csv(float_format="%.10g"))

    dashed = [b for b in benchmarks if b in runs.names] or None
    charts: list[tuple[str, Callable[..., Any], dict[str, Any], tuple[float, float]]] = [
        ("growth.png", plotting.plot_equity, {"log": True, "benchmarks": dashed}, (11.0, 5.5)),
        ("drawdowns.png", plotting.plot_drawdowns, {}, (11.0, 5.0)),
        ("rolling_12m.png", plotting.plot_rolling_returns, {"months": 12}, (11.0, 5.0)),
        ("annual_returns.png", plotting.plot_annual_returns, {}, (12.0, 5.0)),
        ("allocation.png", plotting.plot_allocation, {"name": focus}, (11.0, 4.0)),
    ]
    for filename, draw, kwargs, size in charts:
        fig = Figure(figsize=size, layout="constrained")
        draw(runs, ax=fig.add_subplot(), **kwargs)
        fig.savefig(folder / filename, dpi=110)
        written.append(folder / filename)
        say(f"wrote {filename}")
    plotting.tear_sheet(
        runs, focus, table=table, path=folder / "tear_sheet.png", title=title, benchmarks=dashed
    )
    written.append(folder / "tear_sheet.png")
    say("wrote tear_sheet.png")
    if html:
        say(f"writing report.html ({len(runs)} strategies, a chart or two each)...")
        plotting.html_report(
            runs, folder / "report.html", table=table, title=title, benchmarks=dashed
        )
        written.append(folder / "report.html")
        say("wrote report.html")
    return written


def _summarize(
    runs: ResultSet,
    *,
    benchmark: str | None,
    cash: pd.Series | None,
    cash_label: str,
    conventions: str,
) -> pd.DataFrame:
    kwargs: dict[str, Any] = {"conventions": conventions, "window": runs.window}
    if cash is not None:
        kwargs["risk_free"] = cash.reindex(runs.returns.index)
        kwargs["risk_free_label"] = cash_label
    return runs.summary(benchmark=benchmark, **kwargs)


# ---------------------------------------------------------------------------- commands
def _demo(args: argparse.Namespace, out: TextIO, say: Callable[[str], None]) -> int:
    import tactical as tc

    prices = tc.load_sample(["US_STOCKS", "TSY_10Y", "TSY_LONG"])
    cash = tc.load_sample_rates(prices)
    say(f"data: bundled sample, monthly, {prices.index[0].date()} to {prices.index[-1].date()}")
    runs = run_strategies(
        prices, demo_strategies(), cash_returns=cash, execution_lag=0, progress=say
    )
    table = _summarize(
        runs, benchmark=DEMO_BENCHMARKS[0], cash=cash, cash_label="TBILL", conventions="month_end"
    )
    print(
        "tactical demo: the standard comparison on the bundled offline sample "
        "(monthly total-return indexes; US_STOCKS = stocks, TSY_10Y = bonds, "
        "TSY_LONG = long bonds, TBILL = cash).",
        file=out,
    )
    print(
        "Decisions at each month end trade at the same close (execution_lag=0): on monthly "
        "bars this approximates next-day execution, optimistically. No transaction costs.\n",
        file=out,
    )
    print(tc.format_summary(table), file=out)
    folder = Path(args.out)
    write_outputs(
        runs,
        table,
        folder,
        title="tactical demo: 60/40 rebalancing and tactical models (bundled sample)",
        focus="Dual momentum (12m)",
        benchmarks=DEMO_BENCHMARKS,
        html=not args.no_html,
        progress=say,
    )
    _print_written(folder, args.no_html, out)
    return 0


def _load(config: Config, say: Callable[[str], None]) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """Prices and per-period cash returns for a config, and a line saying what was used."""
    import tactical as tc

    funds = [t for t in config.funds() if t != "CASH"]
    if not funds:
        raise ConfigError("tickers: no fund to load; list them in tickers = [...]")
    if config.source == "sample":
        prices = tc.load_sample(funds, end=config.end)  # history before start = warm-up
        what = "the bundled sample (monthly)"
    else:
        source = None if config.source == "yahoo" else config.source
        what = "Yahoo (yfinance, cached)" if source is None else f"CSV folder {config.source}"
        say(f"loading {len(funds)} fund(s) from {what}...")
        prices = tc.load_prices(funds, end=config.end, source=source)
    cash: pd.Series | None = None
    if config.cash == "sample":
        cash = tc.load_sample_rates(prices)
    elif config.cash in ("DTB3", "IRX"):
        quotes = tc.load_rates(config.cash, path=config.rates)
        cash = tc.cash_returns(quotes, prices.index, basis=quotes.attrs.get("basis", "discount"))
    line = (
        f"data: {what}, {', '.join(funds)}, {prices.index[0].date()} to "
        f"{prices.index[-1].date()}; cash: {config.cash}"
    )
    return prices, cash, line


def _backtest(args: argparse.Namespace, out: TextIO, say: Callable[[str], None]) -> int:
    import tactical as tc
    from tactical.strategies import FixedWeights, Strategy, buy_and_hold

    config = load_config(args.config)
    prices, cash, line = _load(config, say)
    say(line)
    monthly = _is_monthly(prices.index)
    lag = config.execution_lag if config.execution_lag is not None else (0 if monthly else 1)
    strategies: dict[str, Strategy] = {s.name: s.strategy for s in config.strategies}
    if config.benchmarks:
        strategies[config.stocks] = buy_and_hold(config.stocks)
        strategies[config.bonds] = buy_and_hold(config.bonds)
        mix = FixedWeights({config.stocks: 0.6, config.bonds: 0.4})
        strategies["60/40"] = Strategy(mix, schedule="ME")
    options: dict[str, Any] = {"execution_lag": lag, "initial": config.initial}
    if config.costs_bps:
        options["costs"] = tc.ProportionalCost(bps=config.costs_bps)
    if cash is not None:
        options["cash_returns"] = cash
    runs = run_strategies(
        prices, strategies, start=config.start, end=config.end, progress=say, **options
    )
    conventions = config.conventions or ("month_end" if monthly else "monthly")
    table = _summarize(
        runs,
        benchmark=config.stocks if config.benchmarks else None,
        cash=cash,
        cash_label={"sample": "TBILL"}.get(config.cash, config.cash),
        conventions=conventions,
    )
    print(f"{config.title}", file=out)
    print(line, file=out)
    timing = (
        "same close (execution_lag=0"
        + (
            "; on monthly bars this approximates next-day execution, optimistically)"
            if monthly
            else ", optimistic)"
        )
        if lag == 0
        else f"{lag} bar(s) after each decision (execution_lag={lag})"
    )
    costs = f"{config.costs_bps:g} bps of traded value" if config.costs_bps else "none"
    print(f"execution: {timing}; costs: {costs}\n", file=out)
    print(tc.format_summary(table), file=out)
    focus = next(
        (s.name for s in config.strategies if s.kind in ("momentum", "dual_momentum", "trend")),
        config.strategies[0].name,
    )
    folder = Path(args.out) if args.out else Path(f"tactical-{_slug(Path(args.config).stem)}")
    benchmarks = [config.stocks, config.bonds, "60/40"] if config.benchmarks else []
    write_outputs(
        runs,
        table,
        folder,
        title=config.title,
        focus=focus,
        benchmarks=benchmarks,
        html=not args.no_html,
        progress=say,
    )
    _print_written(folder, args.no_html, out)
    return 0


def _print_written(folder: Path, no_html: bool, out: TextIO) -> None:
    files = [f for f in OUTPUT_FILES if not (no_html and f == "report.html")]
    print(f"\nWrote {len(files)} files to {folder}/: {', '.join(files)}", file=out)
    if not no_html:
        print(f"Open {folder / 'report.html'} in a browser.", file=out)


# ---------------------------------------------------------------------------- parser
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tactical",
        description="Backtest rebalancing and tactical asset-allocation strategies.",
        epilog="Run 'tactical demo' first; 'tactical backtest --help' shows the TOML format.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    common.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    common.add_argument("--no-html", action="store_true", help="skip the HTML report (faster)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="run the standard comparison on the bundled offline data",
        description=(
            "Run a static 60/40, 60/40 rebalanced quarterly and annually and with a 5/25 band, "
            "a 10-month trend filter and 12-month dual momentum against stocks, bonds and a "
            "monthly 60/40 on the bundled monthly sample (1990-2017, no network). Prints the "
            "summary table and writes charts and an HTML report."
        ),
    )
    demo.add_argument(
        "--out", "-o", default=DEMO_FOLDER, help=f"output folder (default ./{DEMO_FOLDER})"
    )

    bt = sub.add_parser(
        "backtest",
        parents=[common],
        help="run the strategies described in a TOML file",
        description="Run the strategies described in a TOML file. Example file:\n\n" + EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bt.add_argument("config", help="TOML file describing the data and the strategies")
    bt.add_argument(
        "--out", "-o", default=None, help="output folder (default ./tactical-<config name>)"
    )
    return parser


def _version() -> str:
    from tactical import __version__

    return __version__


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tactical`` command; returns the exit status.

    Examples
    --------
    >>> main([])  # no command: the help goes to stderr, the status is 2
    2
    """
    parser = _parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    say = _Progress(None if args.quiet else sys.stderr)
    commands = {"demo": _demo, "backtest": _backtest}
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status = commands[args.command](args, sys.stdout, say)
    except (TacticalError, OSError) as exc:
        _print_warnings(caught)
        if args.debug:
            raise
        print(f"tactical: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tactical: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        _print_warnings(caught)
        if args.debug:
            raise
        print(
            f"tactical: error: {type(exc).__name__}: {_one_line(exc)} "
            "(unexpected; rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
    _print_warnings(caught)
    return status


def _print_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for w in caught:
        text = f"tactical: warning: {_one_line(w.message)}"  # type: ignore[arg-type]
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
