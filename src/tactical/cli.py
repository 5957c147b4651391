"""The ``tactical`` command: ``tactical demo``, ``tactical backtest FILE.toml``, ``tactical now``,
``tactical cache``.

``tactical demo`` runs the standard comparison on the bundled offline sample, as a
saver's 401(k) from $0 (biweekly paychecks with an employer match);
``tactical backtest`` runs the strategies described in a small TOML file
(``tactical backtest --help`` prints an example). Both print the summary table
and write the charts (PNG), the summary (text and CSV) and a self-contained
HTML report into an output folder, printed at the end. ``tactical now FILE.toml
--holdings holdings.csv`` prints this month's orders for the account in plain
words (the file's first strategy, its ``[menu]`` and ``[policy]``).

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

from tactical._toml_config import ACCOUNT_EXAMPLE, EXAMPLE, Config, load_config
from tactical.errors import ConfigError, TacticalError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from tactical.results import ResultSet
    from tactical.strategies import Strategy

__all__ = [
    "main",
    "balance_table",
    "demo_strategies",
    "format_balances",
    "read_holdings",
    "run_strategies",
    "write_outputs",
]

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

ACCOUNT_FILES = ("balances.csv", "balance.png")
"""The saver's-account files ``tactical demo`` adds to :data:`OUTPUT_FILES`."""


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
    import pandas as pd

    from tactical.backtest import backtest, feasible_start
    from tactical.results import ResultSet

    say = progress or (lambda message: None)
    lag = options.get("execution_lag", 1)
    feasible = {
        name: feasible_start(prices, s, execution_lag=lag) for name, s in strategies.items()
    }
    if start is None:
        start = str(max(feasible.values()).date())
    else:
        late = {n: d for n, d in feasible.items() if d > pd.Timestamp(start)}
        if late:  # say it before running anything, not after the runs that could start
            raise ConfigError(
                f"start {start}: {len(late)} of {len(strategies)} strategies cannot start "
                "then (their funds' prices and warm-up begin later): "
                + ", ".join(f"{n!r} from {d.date()}" for n, d in late.items())
                + f"; the data start on {prices.index[0].date()}. Use start = "
                f'"{max(late.values()).date()}" or later, or remove start'
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
    from tactical.charts import sheets
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
    sheets.tear_sheet(
        runs, focus, table=table, path=folder / "tear_sheet.png", title=title, benchmarks=dashed
    )
    written.append(folder / "tear_sheet.png")
    say("wrote tear_sheet.png")
    if html:
        say(f"writing report.html ({len(runs)} strategies, a chart or two each)...")
        sheets.html_report(
            runs, folder / "report.html", table=table, title=title, benchmarks=dashed
        )
        written.append(folder / "report.html")
        say("wrote report.html")
    return written


def write_account_outputs(
    accounts: ResultSet,
    folder: Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write a saver's account view: balances by source (CSV) and the balance chart (PNG).

    The tear sheet and the HTML report of :func:`write_outputs` open with the
    same balance chart when the results have cash flows.
    """
    from matplotlib.figure import Figure

    from tactical.charts import account as account_charts

    say = progress or (lambda message: None)
    folder.mkdir(parents=True, exist_ok=True)
    balances = folder / "balances.csv"
    balances.write_text(balance_table(accounts).to_csv(float_format="%.10g"), encoding="utf-8")
    written = [balances]
    fig = Figure(figsize=(11.0, 5.5), layout="constrained")
    account_charts.plot_balance(accounts, ax=fig.add_subplot())
    fig.savefig(folder / "balance.png", dpi=110)
    written.append(folder / "balance.png")
    say("wrote balance.png")
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
    from tactical.tables import HEADLINE_COLUMNS

    prices = tc.load_sample(["US_STOCKS", "TSY_10Y", "TSY_LONG"])
    cash = tc.load_sample_rates(prices)
    say(f"data: bundled sample, monthly, {prices.index[0].date()} to {prices.index[-1].date()}")
    saver = tc.Payroll(
        50_000,
        "biweekly",
        deferral=0.10,
        raise_rate=0.03,
        match=tc.Match([(1.0, 0.03), (0.5, 0.02)]),
        first_payday="2000-01-07",
    )
    # the account opens at $0 on 1999-12-31 and is paid from January 2000 (the IRS table
    # starts in 2000); the 1990s are the strategies' warm-up (lookbacks, moving averages)
    window = prices.loc["1999-12-01":].index
    runs = run_strategies(
        prices,
        demo_strategies(),
        start=str(window[0].date()),
        initial=0,
        cashflows=saver.contributions(window),
        cash_returns=cash,
        execution_lag=0,
        progress=say,
    )
    table = _summarize(
        runs, benchmark=DEMO_BENCHMARKS[0], cash=cash, cash_label="TBILL", conventions="month_end"
    )
    print(
        "tactical demo: the standard comparison on the bundled offline sample "
        "(monthly total-return indexes; US_STOCKS = stocks, TSY_10Y = bonds, "
        "TSY_LONG = long bonds, TBILL = cash), run as a saver's 401(k) from $0: "
        "$50,000 salary paid biweekly from January 2000 (+3% a year), 10% deferred, employer "
        "match 100% of the first 3% of pay and 50% of the next 2%, IRS limits applied; the "
        "paychecks of a month are invested at its month end on this monthly sample.",
        file=out,
    )
    print(
        "Decisions at each month end trade at the same close (execution_lag=0): on monthly "
        "bars this approximates next-day execution, optimistically. No transaction costs.\n",
        file=out,
    )
    print(
        f"The account in dollars on {window[-1].date()} (growth = final balance - "
        "contributed; XIRR = the money-weighted return of the paychecks):\n",
        file=out,
    )
    print(format_balances(balance_table(runs)), file=out)
    print("\nTime-weighted returns of the same accounts (paychecks removed):\n", file=out)
    money = {"final_balance", "contributed", "xirr"}
    print(
        tc.format_summary(
            table, columns=[c for c in HEADLINE_COLUMNS if c in table and c not in money]
        ),
        file=out,
    )
    folder = Path(args.out)
    write_outputs(
        runs,
        table,
        folder,
        title="tactical demo: a saver's 401(k) from $0, 60/40 rebalancing and tactical models",
        focus="Dual momentum (12m)",
        benchmarks=DEMO_BENCHMARKS,
        html=not args.no_html,
        progress=say,
    )
    write_account_outputs(runs, folder, progress=say)
    _print_written(folder, args.no_html, out, extra=ACCOUNT_FILES)
    return 0


def _load(config: Config, say: Callable[[str], None]) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """Prices and per-period cash returns for a config, and lines saying what was used.

    The funds are loaded each from its own first price, spliced if the file
    asks, then cut to their common window; the second line names the fund
    that sets the start (and says when it is a benchmark no strategy holds).
    """
    import tactical as tc
    from tactical.data import align_prices, splices, validate_prices

    funds = [t for t in config.funds() if t != "CASH"]
    if not funds:
        raise ConfigError("tickers: no fund to load; list them in tickers = [...]")
    proxies = list(dict.fromkeys(p for _, p in config.splice if p not in funds))
    unknown = [f for f, _ in config.splice if f not in funds]
    if unknown:
        raise ConfigError(
            f"splice.{unknown[0]}: no strategy or benchmark holds {unknown[0]}; splice only "
            f"the funds in use ({', '.join(funds)})"
        )
    if config.source == "sample":
        source: str | None = "sample"
        what = "the bundled sample (monthly)"
    else:
        source = None if config.source == "yahoo" else config.source
        what = "Yahoo (yfinance, cached)" if source is None else f"CSV folder {config.source}"
        say(f"loading {len(funds) + len(proxies)} fund(s) from {what}...")
    # history before start is warm-up, so only the end is passed
    raw = tc.load_prices(funds + proxies, end=config.end, source=source, align="own")
    if config.splice:
        raw = tc.splice(raw, dict(config.splice)).drop(columns=proxies)
    firsts = {t: raw[t].first_valid_index() for t in funds}
    if config.source == "sample":  # the sample's common window, by design without a warning
        prices = validate_prices(raw.dropna(how="any"))
    else:
        prices = align_prices(raw, align="common")
    cash: pd.Series | None = None
    if config.cash == "sample":
        cash = tc.load_sample_rates(prices)
    elif config.cash in ("DTB3", "IRX"):
        quotes = tc.load_rates(config.cash, path=config.rates)
        cash = tc.cash_returns(quotes, prices.index, basis=quotes.attrs.get("basis", "discount"))
    spliced = "".join(f"; {s.describe()}" for s in splices(prices))
    line = (
        f"data: {what}, {', '.join(funds)}, {prices.index[0].date()} to "
        f"{prices.index[-1].date()}; cash: {config.cash}{spliced}"
    )
    note = _start_note(config, firsts, prices.index[0])
    return prices, cash, line + (f"\n{note}" if note else "")


def _start_note(config: Config, firsts: Mapping[str, Any], start: Any) -> str:
    """``start: ... set by VNQ ...`` when one fund starts the data later than the others."""
    if len(set(firsts.values())) < 2:
        return ""
    setter = max(firsts, key=lambda t: firsts[t])
    others = ", ".join(
        f"{t} {firsts[t].date()}"
        for t in sorted(firsts, key=lambda t: firsts[t])
        if firsts[t] < firsts[setter]
    )
    text = (
        f"start: the data start on {start.date()}, set by {setter} (its first price; "
        f"the others start earlier: {others})"
    )
    held = {t for spec in config.strategies for t in (spec.strategy.tickers or ())}
    role = next(
        (r for r, t in (("bonds", config.bonds), ("stocks", config.stocks)) if t == setter), None
    )
    if config.benchmarks and role is not None and setter not in held:
        text += (
            f'; {setter} is only the {role} benchmark: set {role} = "<an older fund>" or '
            "benchmarks = false to start earlier"
        )
    else:
        text += f'; splice = {{ {setter} = "<an older fund>" }} extends it back'
    return text


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
    start = config.start
    account = config.account
    if account.menu is not None:  # the file's strategies hold the plan funds
        for spec in config.strategies:
            strategies[spec.name] = account.menu.strategy(spec.strategy)
        prices = account.menu.prices(prices)
    if account.policy is not None:
        options["policy"] = account.policy
    if account.payroll is not None:  # a saver's account: from $0, funded by paychecks
        if start is None:
            from tactical.backtest import feasible_start

            start = str(
                max(
                    feasible_start(prices, s, execution_lag=lag) for s in strategies.values()
                ).date()
            )
        window = prices.loc[start : config.end].index
        options["cashflows"] = account.payroll.contributions(window)
        options["initial"] = 0.0
        options["flow_rule"] = account.flow_rule
    try:
        runs = run_strategies(
            prices, strategies, start=start, end=config.end, progress=say, **options
        )
    except ConfigError as exc:
        note = line.partition("\nstart: ")[2]
        if not note or "cannot start then" not in str(exc):
            raise
        raise ConfigError(f"{exc}. {note[0].upper()}{note[1:]}") from exc
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
    if account.payroll is not None:
        print(f"\nThe account, from $0: {account.payroll!r}", file=out)
        print(format_balances(balance_table(runs)), file=out)
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


def balance_table(runs: Mapping[str, Any]) -> pd.DataFrame:
    """One row per account: final balance, contributed (employee, employer), growth, XIRR.

    ``growth = final balance - contributed`` (the initial amount counts as
    contributed); XIRR is :meth:`~tactical.BacktestResult.money_weighted_return`.
    """
    import pandas as pd

    rows = {}
    for name, r in runs.items():
        paid = r.contributed
        rows[name] = {
            "final_balance": r.final_balance,
            "contributed": float(paid["total"]),
            "employee": float(paid.get("employee", float("nan"))),
            "employer": float(paid.get("employer", float("nan"))),
            "growth": r.growth,
            "xirr": r.money_weighted_return(),
        }
    return pd.DataFrame(rows).T


def format_balances(table: pd.DataFrame) -> str:
    """:func:`balance_table` for printing: whole dollars and percent."""
    shown = table.copy().astype(object)
    for col in ("final_balance", "contributed", "employee", "employer", "growth"):
        shown[col] = [f"${v:,.0f}" if v == v else "" for v in table[col]]
    shown["xirr"] = [f"{v:.2%}" for v in table["xirr"]]
    return shown.to_string()


def read_holdings(path: str | Path) -> dict[str, float]:
    """Holdings from a CSV file of ``fund,dollars`` rows (a header row is skipped).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "h.csv"
    ...     _ = p.write_text("fund,dollars\\nVFIAX,61250\\nVBMFX,$38750.00\\n")
    ...     read_holdings(p)
    {'VFIAX': 61250.0, 'VBMFX': 38750.0}
    """
    import csv

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"holdings file {p} does not exist") from None
    out: dict[str, float] = {}
    for n, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if len(cells) < 2:
            raise ConfigError(f"{p.name} line {n}: expected 'fund,dollars', got {row!r}")
        amount = cells[1].replace("$", "").replace(",", "")
        try:
            value = float(amount)
        except ValueError:
            if n == 1:
                continue  # header
            raise ConfigError(f"{p.name} line {n}: {cells[1]!r} is not a dollar amount") from None
        out[cells[0]] = out.get(cells[0], 0.0) + value
    if not out:
        raise ConfigError(f"{p.name} lists no holdings; write one 'fund,dollars' row per fund")
    return out


def _now(args: argparse.Namespace, out: TextIO, say: Callable[[str], None]) -> int:
    import tactical as tc

    config = load_config(args.config)
    specs = {s.name: s for s in config.strategies}
    name = args.strategy or config.strategies[0].name
    if name not in specs:
        raise ConfigError(f"--strategy {name!r} is not in {args.config}; it has {list(specs)}")
    prices, cash, line = _load(config, say)
    say(line)
    strategy = specs[name].strategy
    menu = config.account.menu
    if menu is not None:
        strategy = menu.strategy(strategy)
        prices = menu.prices(prices)
    if config.execution_lag is not None and strategy.execution_lag is None:
        from dataclasses import replace

        strategy = replace(strategy, execution_lag=config.execution_lag)
    recent = None
    if args.trades:
        import pandas as pd

        try:
            recent = pd.read_csv(args.trades, index_col=0, parse_dates=True)
        except FileNotFoundError:
            raise ConfigError(f"trades file {args.trades} does not exist") from None
    rec = tc.recommend(
        strategy,
        prices,
        read_holdings(args.holdings),
        as_of=args.as_of,
        policy=config.account.policy,
        cash_returns=cash,
        recent_trades=recent,
    )
    print(f"{name}\n{rec.describe()}\n", file=out)
    print(rec.orders.to_string(float_format=lambda v: f"{v:,.2f}"), file=out)
    return 0


def _print_written(folder: Path, no_html: bool, out: TextIO, extra: Sequence[str] = ()) -> None:
    files = [f for f in (*OUTPUT_FILES, *extra) if not (no_html and f.endswith(".html"))]
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
    cache = sub.add_parser(
        "cache",
        help="inspect, check, export or prune the price cache",
        description=(
            "info: what is cached; verify: SQLite's integrity check and every version's "
            "checksum (exit 1 on damage); export: intact versions to date,price CSV files; "
            "prune: keep the newest --keep versions of each series."
        ),
    )
    cache.add_argument("action", choices=("info", "verify", "export", "prune"))
    cache.add_argument("--debug", action="store_true", help="show the full traceback on failure")
    cache.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    cache.add_argument("--dir", default=None, help="cache root (default: TACTICAL_CACHE_DIR)")
    cache.add_argument("--out", "-o", default=None, help="export folder")
    cache.add_argument("--keep", type=int, default=1, help="prune: versions kept (default 1)")
    cache.add_argument("--ticker", action="append", default=None, help="prune: only these")
    cache.add_argument("--all", action="store_true", help="prune: delete the tickers entirely")
    cache.add_argument("--all-versions", action="store_true", help="export: old versions too")
    now = sub.add_parser(
        "now",
        parents=[common],
        help="print this month's orders for an account (first strategy of a TOML file)",
        description=(
            "Print what the strategy holds today and the exchange that gets the account "
            "there, in dollars, with the contribution election and anything the plan's "
            "[policy] blocks. The TOML file is the backtest format plus these optional "
            "account sections:\n\n" + ACCOUNT_EXAMPLE
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    now.add_argument("config", help="TOML file (tactical backtest format, [menu], [policy])")
    now.add_argument(
        "--holdings", required=True, help="CSV of fund,dollars rows: what the account holds now"
    )
    now.add_argument("--strategy", default=None, help="strategy name (default: the first)")
    now.add_argument("--as-of", default=None, help="last close to use (default: the last date)")
    now.add_argument(
        "--trades", default=None, help="CSV of recent exchanges: date, then one column per fund"
    )
    return parser


def _cache(args: argparse.Namespace, out: TextIO, say: Callable[[str], None]) -> int:
    from tactical.data.cache_admin import cache_command

    text, status = cache_command(
        args.action,
        args.dir,
        out=args.out,
        keep=0 if args.all else args.keep,
        tickers=args.ticker,
        all_versions=args.all_versions,
    )
    print(text, file=out)
    return status


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
    commands = {"demo": _demo, "backtest": _backtest, "now": _now, "cache": _cache}
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
