"""Time a 20-year biweekly payroll backtest against the same backtest without flows (issue 11).

Run from the repository root::

    python benchmarks/bench_account.py              # real data from ../shared/data
    python benchmarks/bench_account.py --synthetic  # random walks of the same shape

Cases (the fastest of 25 rounds of 5 calls each, the cases timed in turn in
every round of this one run, see ``best_times``):

(a) monthly 60/40 of VFIAX + VBMFX, 2005-01-03..2024-12-31 (20 years of
    daily bars), starting from $10,000, no flows (the engine's vectorised
    path);
(a2) the same with the $10,000 given as one cash flow on the first day and
    ``flow_rule="rebalance"``, so the same rebalances run through the event
    loop;
(b) the same strategy and window from $0 with ``Payroll(90_000, "biweekly",
    deferral=0.10, match=safe harbor)`` (about 520 paychecks), the
    contributions computed once outside the timing, each paycheck buying
    60/40 (``flow_rule="election"``, the default: the vectorised path);
(b2) the same with ``flow_rule="rebalance"`` (paychecks buy the underweight
    fund first: path dependent, the event loop);
(c) (b) plus ``TradingPolicy(reentry_days=30)`` (the event loop, as (b2), with
    the policy's gate asked about every trade);
(d) ``Payroll.contributions`` itself.

(a) and (b) are also timed with the result's ``final_balance`` read (the
share records turned into a balance), the number a saver looks at.

The target is (b) / (a) under 2; (a2) / (a) is the cost of the event loop
itself. Before timing, (b)
and (b2) are checked against a plain loop that buys each paycheck's shares
(share purchases at the paycheck date's close, monthly rebalancing to 60/40),
to 1e-9 relative.
"""

from __future__ import annotations

import argparse
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

import tactical as tc
from tactical.strategies import FixedWeights, Strategy
from tactical.testing import random_prices

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"
FUNDS = ("VFIAX", "VBMFX")
START, END = "2005-01-03", "2024-12-31"


def load(synthetic: bool, folder: Path) -> pd.DataFrame:
    if synthetic or not folder.is_dir():
        px = random_prices(5100, FUNDS, start=START, seed=11)
        return px
    frames = {
        t: pd.read_csv(folder / f"{t}.csv", parse_dates=["date"], index_col="date")["adj_close"]
        for t in FUNDS
    }
    px = pd.DataFrame(frames).dropna().loc[START:END]
    px.index.name = "date"
    return px


def best_times(cases: dict, repeat: int = 25, number: int = 5) -> dict:
    """Fastest time per call of each case, the cases timed in turn in every round.

    Interleaving puts every case under the same load; the minimum over rounds
    is the least disturbed by other work on a shared machine.
    """
    for fn in cases.values():
        fn()  # warm up
    best = {name: float("inf") for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t = timeit.timeit(fn, number=number) / number
            best[name] = min(best[name], t)
    return best


def share_loop(px: pd.DataFrame, flows: pd.Series, rule: str = "election") -> float:
    """Independent check: buy each paycheck's shares, rebalance at month ends (lag 0).

    ``rule="election"`` buys 60/40 of every paycheck; ``"rebalance"`` buys the
    fund(s) below 60/40 first.
    """
    w = np.array([0.6, 0.4])
    values = px.to_numpy()
    shares = np.zeros(2)
    month = px.index.to_period("M")
    last_of_month = np.r_[month[1:] != month[:-1], True]
    amounts = flows.reindex(px.index, fill_value=0.0).to_numpy()
    invested = False
    for t in range(len(px)):
        p = values[t]
        held = shares * p
        if amounts[t]:
            total = held.sum() + amounts[t]
            if not invested:
                shares = w * total / p
                invested = True
            elif rule == "election":
                shares = shares + w * amounts[t] / p
            else:
                gap = np.maximum(w * total - held, 0.0)
                shares = shares + gap / gap.sum() * amounts[t] / p
        if invested and last_of_month[t]:
            shares = w * (shares * p).sum() / p
    return float((shares * values[-1]).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--data", default=str(DATA), help="folder of <TICKER>.csv price files")
    args = parser.parse_args()
    folder = Path(args.data)
    real = not args.synthetic and folder.is_dir()
    px = load(args.synthetic, folder)
    match = tc.Match([(1.0, 0.03), (0.5, 0.02)])
    pay = tc.Payroll(90_000, "biweekly", deferral=0.10, match=match, first_payday=px.index[0])
    flows = pay.contributions(px.index)
    strat = Strategy(FixedWeights({"VFIAX": 0.6, "VBMFX": 0.4}), schedule="ME")
    policy = tc.TradingPolicy(reentry_days=30)

    def plain():
        return tc.backtest(px, strat, execution_lag=0)

    lump = pd.Series([10_000.0], index=px.index[:1])

    def looped():
        return tc.backtest(
            px, strat, initial=0, cashflows=lump, execution_lag=0, flow_rule="rebalance"
        )

    def payroll():
        return tc.backtest(px, strat, initial=0, cashflows=flows, execution_lag=0)

    def toward_target():
        return tc.backtest(
            px, strat, initial=0, cashflows=flows, execution_lag=0, flow_rule="rebalance"
        )

    def with_policy():
        return tc.backtest(px, strat, initial=0, cashflows=flows, execution_lag=0, policy=policy)

    res = payroll()
    final = float(res.equity.iloc[-1])
    check = share_loop(px, flows["total"])
    assert abs(final / check - 1) < 1e-9, (final, check)
    final_r = float(toward_target().equity.iloc[-1])
    check_r = share_loop(px, flows["total"], "rebalance")
    assert abs(final_r / check_r - 1) < 1e-9, (final_r, check_r)
    assert abs(float(looped().equity.iloc[-1]) / float(plain().equity.iloc[-1]) - 1) < 1e-12
    best = best_times(
        {
            "plain": plain,
            "plain+balance": lambda: plain().final_balance,
            "pay+balance": lambda: payroll().final_balance,
            "loop": looped,
            "pay": payroll,
            "rebalance": toward_target,
            "policy": with_policy,
            "flows": lambda: pay.contributions(px.index),
        }
    )
    t_plain, t_loop, t_pay = best["plain"], best["loop"], best["pay"]
    t_reb, t_pol, t_flows = best["rebalance"], best["policy"], best["flows"]
    print(
        f"data: {'real' if real else 'synthetic'} "
        f"{px.index[0].date()}..{px.index[-1].date()}, {len(px)} bars, {len(flows)} paychecks"
    )
    print(f"final balance ${final:,.2f} (share-purchase loop ${check:,.2f})")
    print(f"(a) no flows            {t_plain * 1e3:8.1f} ms")
    print(f"(a2) same, event loop   {t_loop * 1e3:8.1f} ms   ratio {t_loop / t_plain:.2f}")
    print(
        f"(b) biweekly payroll    {t_pay * 1e3:8.1f} ms   ratio to (a) {t_pay / t_plain:.2f} "
        f"(target < 2)"
    )
    t_pb, t_ab = best["pay+balance"], best["plain+balance"]
    print(
        f"(b) and (a), reading final_balance too: {t_pb * 1e3:.1f} ms / {t_ab * 1e3:.1f} ms, "
        f"ratio {t_pb / t_ab:.2f}"
    )
    print(f"(b2) flow_rule='rebalance' {t_reb * 1e3:5.1f} ms   ratio {t_reb / t_plain:.2f}")
    print(
        f"(c) payroll + policy    {t_pol * 1e3:8.1f} ms   ratio {t_pol / t_plain:.2f}, "
        f"to (b2) {t_pol / t_reb:.2f} (a policy runs the event loop)"
    )
    print(f"(d) contributions()     {t_flows * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
