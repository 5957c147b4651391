"""Time the backtest engine against bt and a plain numpy formulation (issue 2, "Speed").

Run from the repository root::

    python benchmarks/bench_engine.py            # real data from ../shared/data
    python benchmarks/bench_engine.py --synthetic  # random walks of the same shape

Cases, all on ~25 years of daily bars, timed in this one run (median of
``timeit`` repeats, one call per repeat):

(a) monthly 60/40, SPY + VBMFX (Vanguard Total Bond Market, the AGG proxy),
    2000-06-26..2025-06-25, 6,287 common bars. Ours vs bt vs a numpy
    reference written below (holdings grow by a cumulative product between
    rebalance dates, Python loops only over the ~300 rebalances). The three
    final values are checked equal to 1e-9 first, so the timings compare the
    same work.
(b) 10-fund monthly relative momentum (top 3 by 252-bar return), funds SPY
    QQQ IWM VBMFX NAESX VFISX VTSMX VEIEX VGSIX VFIAX, 2000-11-13..2024-05-02,
    5,903 common bars. Ours vs bt (a small bt Algo computing the same
    bar-count score; final values checked equal).
(c) 5/25 threshold rebalancing of 60/40 checked every bar (data of (a)).
    Ours (and bt with a drift Algo, for scale). "No Python loop over bars"
    is shown by counting Python-level function calls (``sys.setprofile``)
    for the real series, for the same series followed by 3x as many flat bars
    (4x the bars, no new breach), and for a tighter band (more breaches).
(d) ``import tactical`` in fresh interpreters: wall time minus a bare
    interpreter start, and whether yfinance or matplotlib got imported.

bt is timed as a user runs it: ``bt.Backtest(...)`` then ``bt.run(...)``,
which also computes bt's performance statistics (ffn); the time of that part
is printed separately so both ratios are visible. The targets are checked
against bt's full run.

bt conventions used (see tests/test_engine_vs_bt.py): ours with
``execution_lag=0`` (bt trades at the same close), bt with
``integer_positions=False``, no commissions, same initial capital, bt's
``RunMonthly(run_on_end_of_period=True)`` for our ``schedule="ME"``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import tactical as tc
from tactical.backtest import _market, _run
from tactical.schedules import decision_positions
from tactical.strategies import FixedWeights, RelativeMomentum, Strategy, Threshold

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"
INITIAL = 1_000_000.0
PAIR = ("SPY", "VBMFX")
PAIR_WINDOW = ("2000-06-26", "2025-06-25")
MENU = ("SPY", "QQQ", "IWM", "VBMFX", "NAESX", "VFISX", "VTSMX", "VEIEX", "VGSIX", "VFIAX")
MIX = {"SPY": 0.6, "VBMFX": 0.4}
LOOKBACK = 252
TOP_N = 3


# ------------------------------------------------------------------ data
def _read(tickers: tuple[str, ...]) -> pd.DataFrame:
    cols = {}
    for t in tickers:
        frame = pd.read_csv(DATA / f"{t}.csv", usecols=["date", "adj_close"], parse_dates=["date"])
        cols[t] = frame.set_index("date")["adj_close"].astype(float)
    out = pd.concat(cols, axis=1, join="inner").dropna()
    out.index.name = "date"
    return out


def _synthetic(tickers: tuple[str, ...], n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vol = rng.uniform(0.003, 0.015, size=len(tickers))
    steps = rng.normal(0.0003, vol, size=(n, len(tickers)))
    idx = pd.bdate_range("2000-06-26", periods=n, name="date")
    return pd.DataFrame(100 * np.exp(np.cumsum(steps, axis=0)), index=idx, columns=list(tickers))


def load(synthetic: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if not synthetic and not DATA.is_dir():
        print(
            f"real price data not found (expected ../shared/data/prices beside the repository, "
            f"looked in {DATA}); falling back to synthetic random walks of the same shape.\n"
            "Pass --synthetic to choose this explicitly."
        )
        synthetic = True
    if synthetic:
        pair = _synthetic(PAIR, 6287, 1)
        menu = _synthetic(MENU, 5903, 2)
        return pair, menu, "synthetic geometric random walks (same shapes as the real data)"
    pair = _read(PAIR).loc[PAIR_WINDOW[0] : PAIR_WINDOW[1]]
    menu = _read(MENU)
    return pair, menu, "real adj_close from ../shared/data/prices"


# ------------------------------------------------------------------ timing
def median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and lazy imports outside the timed runs
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def rounds(fns: dict[str, tuple[Callable[[], object], int]], n: int) -> dict[str, list[float]]:
    """Interleaved timings: in each of ``n`` rounds, each function's median of ``k`` calls.

    Interleaving keeps ratios honest on a shared machine whose load drifts:
    a ratio is taken within each round, then the median over rounds.
    """
    for fn, _ in fns.values():
        fn()
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(n):
        for name, (fn, k) in fns.items():
            out[name].append(statistics.median(timeit.repeat(fn, number=1, repeat=k)))
    return out


def med(times: list[float]) -> float:
    return statistics.median(times)


def ratio(num: list[float], den: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(num, den, strict=True))


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# ------------------------------------------------------------------ the numpy reference
def numpy_cumprod(
    prices: np.ndarray, weights: np.ndarray, rebalances: np.ndarray, initial: float
) -> np.ndarray:
    """Equity of a portfolio reset to ``weights`` at the close of each rebalance bar.

    Between rebalances each holding grows by the cumulative product of its
    daily price relatives; Python loops only over rebalances. ``rebalances``
    are sorted bar positions starting with 0 (the initial investment).
    """
    gross = prices[1:] / prices[:-1]
    n = len(prices)
    equity = np.empty(n)
    equity[0] = initial
    bounds = np.append(rebalances, n - 1)
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b == a:
            continue
        held = equity[a] * weights * np.cumprod(gross[a:b], axis=0)  # bars a+1..b
        equity[a + 1 : b + 1] = held.sum(axis=1)
    return equity


def numpy_shares(
    prices: np.ndarray, weights: np.ndarray, rebalances: np.ndarray, initial: float
) -> np.ndarray:
    """The same portfolio with the cumulative product folded into share counts.

    ``equity[a] * w * prod(P[a+1..t] / P[a..t-1]) == (equity[a] * w / P[a]) * P[t]``:
    the shares bought at ``a`` times later prices, one matrix-vector product
    per segment. This is the faster of the two and the reference for the target.
    """
    n = len(prices)
    equity = np.empty(n)
    equity[0] = initial
    bounds = np.append(rebalances, n - 1).tolist()
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b == a:
            continue
        equity[a + 1 : b + 1] = prices[a + 1 : b + 1] @ (equity[a] * weights / prices[a])
    return equity


# ------------------------------------------------------------------ bt pieces
def bt_backtest(strategy, prices: pd.DataFrame):  # noqa: ANN001, ANN201
    import bt

    test = bt.Backtest(
        strategy, prices, initial_capital=INITIAL, integer_positions=False, progress_bar=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ffn's stats warn under pandas 3 (infer_freq)
        bt.run(test)
    return test


def bt_stats_time(test, repeat: int) -> float:  # noqa: ANN001
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return median_time(test._stat_prices.calc_perf_stats, repeat)


def bt_monthly(weights: dict[str, float], prices: pd.DataFrame):  # noqa: ANN201
    import bt

    ends = decision_positions(prices.index, "ME")
    last = bool(len(ends)) and ends[-1] == len(prices) - 1
    return bt.Strategy(
        "monthly",
        [
            bt.algos.RunMonthly(run_on_end_of_period=True, run_on_last_date=last),
            bt.algos.WeighSpecified(**weights),
            bt.algos.Rebalance(),
        ],
    )


def bt_momentum(menu: tuple[str, ...], prices: pd.DataFrame, start: pd.Timestamp):  # noqa: ANN201
    """Top-N by P[t] / P[t - lookback] - 1 at each month end from ``start`` (our rule)."""
    import bt

    values = prices[list(menu)].to_numpy()
    where = {d: i for i, d in enumerate(prices.index)}

    class TopByBars(bt.Algo):
        def __call__(self, target) -> bool:  # noqa: ANN001
            i = where[target.now]
            if target.now < start or i < LOOKBACK:
                return False
            scores = values[i] / values[i - LOOKBACK] - 1.0
            order = np.argsort(-scores, kind="stable")[:TOP_N]
            target.temp["weights"] = {menu[j]: 1.0 / TOP_N for j in order}
            return True

    ends = decision_positions(prices.index, "ME")
    last = bool(len(ends)) and ends[-1] == len(prices) - 1
    return bt.Strategy(
        "momentum",
        [
            bt.algos.Or(
                [
                    bt.algos.RunOnDate(start),
                    bt.algos.RunMonthly(
                        run_on_first_date=False, run_on_end_of_period=True, run_on_last_date=last
                    ),
                ]
            ),
            TopByBars(),
            bt.algos.Rebalance(),
        ],
    )


def bt_band(weights: dict[str, float], abs_band: float, rel_band: float):  # noqa: ANN201
    import bt

    class Drift(bt.Algo):
        def __call__(self, target) -> bool:  # noqa: ANN001
            if not target.children:
                return True
            value = target.value
            for name, t in weights.items():
                child = target.children.get(name)
                w = 0.0 if child is None else child.value / value
                if abs(w - t) > min(abs_band, rel_band * t) + 1e-12:
                    return True
            return False

    return bt.Strategy("band", [Drift(), bt.algos.WeighSpecified(**weights), bt.algos.Rebalance()])


# ------------------------------------------------------------------ line counting
def tactical_lines(fn: Callable[[], object]) -> int:
    """Lines of tactical's own source executed while ``fn`` runs (``sys.settrace``).

    A Python loop over bars anywhere in the package would execute at least one
    line per bar; numpy work inside a line counts once.
    """
    package = str(Path(tc.__file__).resolve().parent)
    count = 0

    def local(frame, event, arg):  # noqa: ANN001, ANN202, ARG001
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame, event, arg):  # noqa: ANN001, ANN202, ARG001
        if frame.f_code.co_filename.startswith(package):
            return local
        return None

    sys.settrace(global_)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


# ------------------------------------------------------------------ cases
Rows = list[tuple[str, bool]]
Timed = dict[str, tuple[Callable[[], object], int]]


def case_monthly(pair: pd.DataFrame, has_bt: bool, rows: Rows) -> None:
    print(
        f"\n(a) monthly 60/40 ({PAIR[0]} 60% / {PAIR[1]} 40%),",
        f"{len(pair):,} bars {pair.index[0].date()}..{pair.index[-1].date()}",
    )
    strategy = Strategy(FixedWeights(MIX), schedule="ME")
    market = _market(pair, None)

    def ours() -> tc.BacktestResult:
        return tc.backtest(pair, strategy, execution_lag=0, initial=INITIAL)

    def ours_core() -> tc.BacktestResult:
        return _run(
            strategy,
            market,
            name="x",
            start=None,
            end=None,
            initial=INITIAL,
            costs=None,
            cashflows=None,
            execution_lag=0,
            signals=None,
        )

    px = pair[list(MIX)].to_numpy()
    w = np.array(list(MIX.values()))
    reb = np.unique(np.r_[0, decision_positions(pair.index, "ME")])
    result = ours()
    for label, fn in (("cumprod", numpy_cumprod), ("share counts", numpy_shares)):
        ref = fn(px, w, reb, INITIAL)
        diff = float(np.max(np.abs(result.equity.to_numpy() / ref - 1)))
        print(
            f"    final value: ours {result.equity.iloc[-1]:,.6f}, numpy ({label})",
            f"{ref[-1]:,.6f}; max rel diff over all bars {diff:.1e}",
        )
        assert diff < 1e-9, "ours and the numpy reference disagree: timings would not compare"
    fns: Timed = {
        "ours": (ours, 15),
        "core": (ours_core, 15),
        "cumprod": (lambda: numpy_cumprod(px, w, reb, INITIAL), 15),
        "shares": (lambda: numpy_shares(px, w, reb, INITIAL), 15),
    }
    if has_bt:
        test = bt_backtest(bt_monthly(MIX, pair), pair)
        theirs = test.strategy.values.iloc[1:]
        diff = float(np.max(np.abs(result.equity.to_numpy() / theirs.to_numpy() - 1)))
        print(f"    final value: bt {theirs.iloc[-1]:,.6f}; max rel diff to ours {diff:.1e}")
        assert diff < 1e-9, "ours and bt disagree: the timings would not compare"
        fns["bt"] = (lambda: bt_backtest(bt_monthly(MIX, pair), pair), 1)
    t = rounds(fns, 7)
    ref = "shares" if med(t["shares"]) <= med(t["cumprod"]) else "cumprod"
    print(f"    ours  tc.backtest      {fmt(med(t['ours'])):>10}   ({len(reb) - 1} rebalances)")
    print(f"    ours  core only        {fmt(med(t['core'])):>10}   (_run, prices validated before)")
    print(f"    numpy cumprod          {fmt(med(t['cumprod'])):>10}")
    print(f"    numpy share counts     {fmt(med(t['shares'])):>10}")
    r_ref = ratio(t["ours"], t[ref])
    print(
        f"    ours / numpy ({ref}) = {r_ref:.2f}x (core only {ratio(t['core'], t[ref]):.2f}x)",
        f"  target <= 2x: {verdict(r_ref <= 2)}",
    )
    rows.append(("60/40 monthly: at most 2x the numpy formulation", r_ref <= 2))
    if not has_bt:
        return
    t_stats = bt_stats_time(test, 3)
    r_bt = ratio(t["bt"], t["ours"])
    print(
        f"    bt    Backtest + run   {fmt(med(t['bt'])):>10}   (of which ffn stats {fmt(t_stats)})"
    )
    print(f"    bt / ours = {r_bt:,.0f}x  target >= 200x: {verdict(r_bt >= 200)}")
    print(
        f"      bt without its stats / ours ~ {(med(t['bt']) - t_stats) / med(t['ours']):,.0f}x;",
        f"bt / numpy ({ref}) = {ratio(t['bt'], t[ref]):,.0f}x",
    )
    rows.append(("60/40 monthly: at least 200x faster than bt", r_bt >= 200))


def case_momentum(menu: pd.DataFrame, has_bt: bool, rows: Rows) -> None:
    strategy = Strategy(RelativeMomentum(MENU, top_n=TOP_N, lookback=LOOKBACK), schedule="ME")
    feasible = tc.feasible_start(menu, strategy)
    ends = menu.index[decision_positions(menu.index, "ME")]
    start = ends[ends >= feasible][0]  # a month end, so bt and ours start on the same decision
    print(
        f"\n(b) 10-fund momentum (top {TOP_N} by {LOOKBACK}-bar return, monthly),",
        f"{len(menu):,} bars {menu.index[0].date()}..{menu.index[-1].date()},",
        f"trading from {start.date()}",
    )
    print("    funds:", " ".join(MENU))

    def ours() -> tc.BacktestResult:
        return tc.backtest(menu, strategy, start=start, execution_lag=0, initial=INITIAL)

    result = ours()
    fns: Timed = {"ours": (ours, 7)}
    if has_bt:
        test = bt_backtest(bt_momentum(MENU, menu, start), menu)
        final_bt = float(test.strategy.values.iloc[-1])
        diff = abs(final_bt / result.equity.iloc[-1] - 1)
        print(
            f"    final value: ours {result.equity.iloc[-1]:,.6f}, bt {final_bt:,.6f};",
            f"rel diff {diff:.1e}",
        )
        assert diff < 1e-9, "ours and bt disagree: the timings would not compare"
        fns["bt"] = (lambda: bt_backtest(bt_momentum(MENU, menu, start), menu), 1)
    t = rounds(fns, 5)
    print(
        f"    ours  tc.backtest      {fmt(med(t['ours'])):>10}",
        f"  ({result.n_rebalances} rebalances,",
        f"{len(result.targets)} decisions)",
    )
    if not has_bt:
        return
    t_stats = bt_stats_time(test, 3)
    r_bt = ratio(t["bt"], t["ours"])
    print(
        f"    bt    Backtest + run   {fmt(med(t['bt'])):>10}   (of which ffn stats {fmt(t_stats)})"
    )
    print(f"    bt / ours = {r_bt:,.0f}x  target >= 100x: {verdict(r_bt >= 100)}")
    print(f"      bt without its stats / ours ~ {(med(t['bt']) - t_stats) / med(t['ours']):,.0f}x")
    rows.append(("10-fund momentum: at least 100x faster than bt", r_bt >= 100))


def case_threshold(pair: pd.DataFrame, has_bt: bool, rows: Rows) -> None:
    print(f"\n(c) 5/25 threshold rebalancing of 60/40, checked every bar, {len(pair):,} bars")
    rule = Threshold(abs_band=0.05, rel_band=0.25, check="bar")
    strategy = Strategy(FixedWeights(MIX), rebalance=rule)  # schedule "ME" by default

    def run(prices: pd.DataFrame, strat: Strategy = strategy) -> tc.BacktestResult:
        return tc.backtest(prices, strat, execution_lag=0, initial=INITIAL)

    base = run(pair)
    fns: Timed = {"ours": (lambda: run(pair), 7)}
    if has_bt:
        test = bt_backtest(bt_band(MIX, 0.05, 0.25), pair)
        diff = abs(float(test.strategy.values.iloc[-1]) / base.equity.iloc[-1] - 1)
        assert diff < 1e-9, "ours and bt disagree on the 5/25 band"
        fns["bt"] = (lambda: bt_backtest(bt_band(MIX, 0.05, 0.25), pair), 1)
    t = rounds(fns, 5)
    print(
        f"    ours  tc.backtest      {fmt(med(t['ours'])):>10}   ({base.n_rebalances} rebalances)"
    )
    if has_bt:
        print(
            f"    bt    Backtest + run   {fmt(med(t['bt'])):>10}   (no target; bt / ours =",
            f"{ratio(t['bt'], t['ours']):,.0f}x; same final value, rel diff {diff:.1e})",
        )

    # 4x the bars, no new breach: the series followed by 3x as many flat bars
    extra = pd.bdate_range(pair.index[-1], periods=3 * len(pair) + 1, name="date")[1:]
    flat = pd.DataFrame(
        np.repeat(pair.to_numpy()[-1:], len(extra), axis=0), index=extra, columns=pair.columns
    )
    longer = pd.concat([pair, flat])
    # a single decision at the start: the events are then the breaches alone
    once = Strategy(FixedWeights(MIX), schedule=[pair.index[0]], rebalance=rule)
    tight = Strategy(
        FixedWeights(MIX),
        schedule=[pair.index[0]],
        rebalance=Threshold(abs_band=0.02, rel_band=0.10, check="bar"),
    )
    cases = {
        "ME decisions, real series": (pair, strategy),
        "ME decisions, 4x bars (3x flat tail)": (longer, strategy),
        "start-only decision, real series": (pair, once),
        "start-only decision, 4x bars": (longer, once),
        "start-only decision, tighter 2/10 band": (pair, tight),
    }
    print("    lines of tactical code executed per run (sys.settrace), by bars and events:")
    counts = []
    for label, (prices, strat) in cases.items():
        res = run(prices, strat)
        lines = tactical_lines(lambda p=prices, s=strat: run(p, s))
        secs = median_time(lambda p=prices, s=strat: run(p, s), 11)
        counts.append((len(prices), len(res.targets), res.n_rebalances, lines))
        print(
            f"      {label:40s} {len(prices):6,} bars {len(res.targets):5,} decisions",
            f"{res.n_rebalances:4d} rebalances {lines:7,} lines {fmt(secs):>10}",
        )
    (n0, d0, _, l0), (n1, d1, _, l1), (_, _, r0, m0), (_, _, r1, m1), (_, _, r2, m2) = counts
    per_decision = (l1 - l0) / max(d1 - d0, 1)
    per_rebalance = (m2 - m0) / max(r2 - r0, 1)
    ok = r1 == r0 and m1 <= 1.1 * m0
    print(
        f"    4x the bars, same events: {m1 / m0:.2f}x the lines (a loop over bars would add",
        f">= {n1 - n0:,}); the work follows events: ~{per_decision:,.0f} lines per",
        f"month-end decision, ~{per_rebalance:,.0f} per rebalance",
    )
    print(f"    no Python loop over bars: {verdict(ok)}")
    rows.append(("threshold: no Python loop over bars (lines flat in bars)", ok))


def case_import(rows: Rows) -> None:
    print("\n(d) import time (fresh interpreters, interleaved, median of 9 rounds)")
    exe = sys.executable

    def spawn(code: str) -> Callable[[], object]:
        return lambda: subprocess.run([exe, "-c", code], check=True)

    codes = ("pass", "import numpy, pandas", "import tactical")
    t = rounds({c: (spawn(c), 1) for c in codes}, 9)
    bare, deps, full = (med(t[c]) for c in codes)
    probe = (
        "import sys, json, tactical; "
        "print(json.dumps([m for m in ('yfinance', 'matplotlib') if m in sys.modules]))"
    )
    done = subprocess.run([exe, "-c", probe], capture_output=True, text=True, check=True)
    heavy = json.loads(done.stdout)
    detail = subprocess.run(
        [exe, "-X", "importtime", "-c", "import tactical"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()
    own = [line for line in detail if line.rstrip().endswith("| tactical")]
    cumulative = int(own[-1].split("|")[1]) / 1e6 if own else float("nan")
    elapsed = full - bare
    print(
        f"    'import tactical' minus a bare interpreter: {fmt(elapsed)}",
        f"(-X importtime cumulative {fmt(cumulative)})",
    )
    print(
        f"      numpy + pandas alone {fmt(deps - bare)}; tactical's own modules",
        f"~{fmt(full - deps)}; bare interpreter {fmt(bare)}",
    )
    print(f"    heavy modules imported by 'import tactical': {heavy or 'none'}")
    ok = elapsed < 0.5
    print(f"    target < 0.5 s: {verdict(ok)}; yfinance/matplotlib lazy: {verdict(not heavy)}")
    rows.append(("import tactical under half a second", ok))
    rows.append(("import tactical loads neither yfinance nor matplotlib", not heavy))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="use random walks, not real data")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target fails")
    args = parser.parse_args()
    pair, menu, source = load(args.synthetic)
    try:
        import bt  # noqa: F401
    except ImportError:
        has_bt = False
        print("bt is not installed (pip install bt): bt timings are skipped")
    else:
        has_bt = True
    print(
        f"tactical {tc.__version__}, numpy {np.__version__}, pandas {pd.__version__},",
        f"python {sys.version.split()[0]}; data: {source}",
    )
    rows: Rows = []
    case_monthly(pair, has_bt, rows)
    case_momentum(menu, has_bt, rows)
    case_threshold(pair, has_bt, rows)
    case_import(rows)
    print("\nTargets")
    for label, ok in rows:
        print(f"    {verdict(ok)}  {label}")
    return 1 if args.strict and not all(ok for _, ok in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
