"""Speed of the full summary table against empyrical-reloaded and quantstats.

Run from the repository root::

    .venv/bin/python benchmarks/bench_metrics.py

Data: 25 years of daily returns (6,300 business days). The first series is SPY
from ``../shared/data`` when present (else synthetic); the 1,000-series frame
is synthetic (seeded), correlated with the first series, which is also the
benchmark. Every tool computes the same set on daily returns: total return,
CAGR, volatility, Sharpe, Sortino, max drawdown, Calmar, alpha, beta,
up/down capture, information ratio, VaR, CVaR, skew, kurtosis (plus, for us,
every other summary column). Peers loop over series in Python; quantstats on
1,000 series is timed on 50 and scaled (stated in the output).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tactical.report import summary  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "prices" / "SPY.csv"
N_DAYS, N_SERIES = 6300, 1000


def make_data() -> tuple[pd.Series, pd.DataFrame]:
    index = pd.bdate_range("2000-01-03", periods=N_DAYS + 1)
    if DATA.exists():
        spy = pd.read_csv(DATA, index_col="date", parse_dates=True)["adj_close"]
        bench = spy.loc["2000-01-01":].pct_change().iloc[1 : N_DAYS + 1]
        index = bench.index
    else:
        rng0 = np.random.default_rng(0)
        bench = pd.Series(rng0.normal(3e-4, 0.012, N_DAYS), index=index[1:])
        index = bench.index
    rng = np.random.default_rng(42)
    betas = rng.uniform(0.2, 1.2, N_SERIES)
    noise = rng.normal(1e-4, 0.006, (len(bench), N_SERIES))
    frame = pd.DataFrame(bench.to_numpy()[:, None] * betas + noise, index=index)
    frame.columns = [f"s{i}" for i in range(N_SERIES)]
    return bench.rename("SPY"), frame


def timed(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def ours(frame: pd.DataFrame, bench: pd.Series, conventions: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary(frame, benchmark=bench, conventions=conventions, risk_free=0.02)


def empyrical_one(ep, r: pd.Series, b: pd.Series) -> None:
    rf = 1.02 ** (1 / 252) - 1
    ep.cum_returns_final(r)
    ep.cagr(r)
    ep.annual_volatility(r)
    ep.sharpe_ratio(r, rf)
    ep.sortino_ratio(r, rf)
    ep.max_drawdown(r)
    ep.calmar_ratio(r)
    ep.alpha_beta(r, b, rf)
    ep.up_capture(r, b)
    ep.down_capture(r, b)
    ep.excess_sharpe(r, b)
    ep.value_at_risk(r)
    ep.conditional_value_at_risk(r)
    from scipy import stats

    stats.skew(r)
    stats.kurtosis(r)


def quantstats_one(qs, r: pd.Series, b: pd.Series) -> None:
    qs.comp(r)
    qs.cagr(r, periods=252)
    qs.volatility(r)
    qs.sharpe(r, rf=0.02, periods=252)
    qs.sortino(r, rf=0.02, periods=252)
    qs.max_drawdown(r)
    qs.calmar(r)
    qs.greeks(r, b)
    qs.information_ratio(r, b)
    qs.value_at_risk(r)
    qs.conditional_value_at_risk(r, method="historical")
    qs.skew(r)
    qs.kurtosis(r)


def main() -> None:
    bench, frame = make_data()
    one = frame.iloc[:, :1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import empyrical as ep
        import quantstats.stats as qs

    def run_peer(one_fn, mod, columns, n):
        def go():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for c in columns[:n]:
                    one_fn(mod, frame[c], bench)

        return go

    rows = []
    t_ours_1 = timed(lambda: ours(one, bench, "daily"))
    t_ours_1000 = timed(lambda: ours(frame, bench, "daily"))
    t_ours_1000_m = timed(lambda: ours(frame, bench, "monthly"))
    t_ep_1 = timed(run_peer(empyrical_one, ep, frame.columns, 1))
    t_qs_1 = timed(run_peer(quantstats_one, qs, frame.columns, 1))
    t_ep_1000 = timed(run_peer(empyrical_one, ep, frame.columns, N_SERIES), repeat=1)
    t_qs_50 = timed(run_peer(quantstats_one, qs, frame.columns, 50), repeat=1)
    t_qs_1000 = t_qs_50 * N_SERIES / 50

    rows.append(("1 series, daily conventions", t_ours_1, t_ep_1, t_qs_1))
    rows.append(("1,000 series, daily conventions", t_ours_1000, t_ep_1000, t_qs_1000))
    print(
        f"{len(bench)} daily returns per series ({bench.index[0].date()}..{bench.index[-1].date()})"
    )
    print(
        f"{'case':34s} {'tactical':>10s} {'empyrical':>10s} {'quantstats':>11s} "
        f"{'x empyrical':>12s} {'x quantstats':>13s}"
    )
    for name, t, te, tq in rows:
        print(f"{name:34s} {t:10.4f} {te:10.4f} {tq:11.4f} {te / t:12.1f} {tq / t:13.1f}")
    print(f"{'1,000 series, monthly (default)':34s} {t_ours_1000_m:10.4f}")
    print("times in seconds (best of 3; peers on 1,000 series: one run, quantstats scaled from 50)")
    print(
        f"per series: tactical {t_ours_1000 / N_SERIES * 1e3:.2f} ms in a batch, "
        f"{t_ours_1 * 1e3:.2f} ms alone; quantstats {t_qs_1 * 1e3:.2f} ms"
    )
    ok_speed = t_qs_1 / t_ours_1 >= 5 and t_ours_1000 < 1.0
    print(
        "targets (>= 5x quantstats per series, 1,000 series < 1 s):",
        "met" if ok_speed else "NOT met",
    )


if __name__ == "__main__":
    main()
