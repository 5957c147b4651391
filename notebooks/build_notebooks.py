"""Generate the example notebooks from the cell sources below (run from anywhere).

    python notebooks/build_notebooks.py

The ``.ipynb`` files are written without outputs so that they review as code;
the test suite (``tests/test_notebooks.py``) executes them on the bundled
sample (``TACTICAL_DATA=sample``) and, when ``../shared/data`` exists, on the
real daily data.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# Shared first code cell: pick the data and say which.
DATA_CELL = """\
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import tactical as tc
from tactical.errors import MetricWarning

warnings.simplefilter("ignore", MetricWarning)  # e.g. Treynor undefined for a bond fund
pd.set_option("display.width", 140)

# TACTICAL_DATA: "sample" forces the bundled data, "real" requires ../shared/data,
# a folder path points at another copy of it; unset = real data when present.
choice = os.environ.get("TACTICAL_DATA", "auto")
candidates = [Path(choice)] if choice not in ("auto", "sample", "real") else [
    Path("../shared/data"),
    Path("../../shared/data"),
]
SHARED = next((p for p in candidates if (p / "prices").is_dir()), None)
if choice == "real" and SHARED is None:
    raise FileNotFoundError("TACTICAL_DATA=real but no shared/data folder was found")
REAL = choice != "sample" and SHARED is not None
print("data:", f"real daily CSV files in {SHARED}" if REAL else "bundled monthly sample")
"""


def _md(text: str):
    return new_markdown_cell(text.strip("\n"))


def _code(text: str):
    return new_code_cell(text.strip("\n"))


# ------------------------------------------------------------------ 1. quickstart
QUICKSTART = [
    _md("""
# Quickstart: 60/40, rebalancing and a momentum rotation

Load prices, describe a few strategies, run them on one common window, and
compare them with stocks, bonds and a 60/40 mix: a table and four charts.

The notebook uses the real daily data in `../shared/data` when it is there
(Yahoo total-return closes read with `tc.CsvSource`, FRED DTB3 T-bill rates),
otherwise the bundled monthly sample (`tc.load_sample()`, 1990-2017, no network).
It prints which one it used.
"""),
    _code(DATA_CELL),
    _md("""
## Data

Lookbacks are durations: `"12M"` is a 12-month total return from month-end
closes and `"10M"` an average of ten month-end closes, the published rules'
own windows, so they mean the same on daily data and on the monthly sample
(`"126D"` or a bare integer would count trading days). On daily data trades
execute on the next close (`execution_lag=1`, how a 401(k) plan executes an
exchange). On the monthly sample `execution_lag=0` trades at the deciding
month-end close: that approximates next-day execution, optimistically (a lag
of 1 would mean one month later).
"""),
    _code("""
if REAL:
    source = tc.CsvSource(SHARED / "prices")
    prices = tc.load_prices(["SPY", "AGG", "EFA"], source=source)
    quotes = tc.load_rates("DTB3", path=SHARED / "rates")
    cash = tc.cash_returns(quotes, prices.index)  # per-day decimal returns of T-bills
    STOCKS, BONDS, OTHER = "SPY", "AGG", "EFA"
    YEAR, TREND, LAG, CONVENTIONS = "12M", "10M", 1, "monthly"
else:
    prices = tc.load_sample(["US_STOCKS", "TSY_10Y", "TSY_LONG"])
    cash = tc.load_sample_rates(prices)  # monthly T-bill returns (Fama-French RF)
    STOCKS, BONDS, OTHER = "US_STOCKS", "TSY_10Y", "TSY_LONG"
    YEAR, TREND, LAG, CONVENTIONS = "12M", "10M", 0, "month_end"
print(prices.index[0].date(), "to", prices.index[-1].date(), prices.shape)
prices.tail(3)
"""),
    _md("""
## Strategies

One allocator, three rebalance rules: static 60/40 (`Never`), calendar
(`OnSchedule` on quarter ends) and a 5/25 band (`Threshold`). The rotation
is dual momentum: each month hold the fund with the best 12-month return if
it beat T-bills, else bonds. `standard_benchmarks` adds stocks and bonds bought
and held and a monthly-rebalanced 60/40.
"""),
    _code("""
from tactical.strategies import DualMomentum, FixedWeights, Never, Strategy, Threshold

mix = FixedWeights({STOCKS: 0.6, BONDS: 0.4})
strategies = {
    "60/40 static": Strategy(mix, rebalance=Never()),
    "60/40 quarterly": Strategy(mix, schedule="QE"),
    "60/40 5/25 band": Strategy(mix, rebalance=Threshold(abs_band=0.05, rel_band=0.25)),
    "Dual momentum": Strategy(DualMomentum((STOCKS, OTHER), safe=BONDS, lookback=YEAR)),
    **tc.standard_benchmarks(STOCKS, BONDS),
}
runs = tc.backtest_many(prices, strategies, cash_returns=cash, execution_lag=LAG)
runs
"""),
    _md("## The table (window and conventions printed with it)"),
    _code("""
table = runs.summary(
    benchmark=STOCKS,
    conventions=CONVENTIONS,
    risk_free=cash.reindex(runs.returns.index),
    risk_free_label="T-bills",
    window=runs.window,
)
print(tc.format_summary(table))
"""),
    _code("""
turnover = pd.DataFrame(
    {
        "rebalances": {n: r.n_rebalances for n, r in runs.items()},
        "turnover/yr": {n: round(r.annual_turnover, 3) for n, r in runs.items()},
    }
)
turnover
"""),
    _md("## Charts"),
    _code("""
ax = runs.plot_equity(log=True)
"""),
    _code("""
ax = runs.plot_drawdowns()
"""),
    _code("""
ax = runs.plot_annual_returns()
"""),
    _code("""
ax = runs.plot_allocation("Dual momentum")
"""),
]

# ------------------------------------------------------------------ 2. rebalancing study
REBALANCING = [
    _md("""
# Rebalancing study: how often, and how wide?

A 60/40 stock/bond mix rebalanced on calendar schedules (monthly to yearly)
and with tolerance bands (absolute bands from 1 to 20 points, and the 5/25
rule), compared on return, risk, number of trades and turnover. Buy and hold
(never rebalance) and rebalancing at every bar bound the range.
"""),
    _code(DATA_CELL),
    _code("""
if REAL:
    prices = tc.load_prices(["SPY", "AGG"], source=tc.CsvSource(SHARED / "prices"))
    STOCKS, BONDS, LAG, CONVENTIONS = "SPY", "AGG", 1, "monthly"
    calendars = {"daily": "D", "weekly": "W", "monthly": "ME", "quarterly": "QE",
                 "semi-annual": "SE", "annual": "YE"}
else:
    prices = tc.load_sample(["US_STOCKS", "TSY_10Y"])
    STOCKS, BONDS, LAG, CONVENTIONS = "US_STOCKS", "TSY_10Y", 0, "month_end"
    calendars = {"monthly": "ME", "quarterly": "QE", "semi-annual": "SE", "annual": "YE"}
print(prices.index[0].date(), "to", prices.index[-1].date(), f"execution_lag={LAG}")
"""),
    _code("""
from tactical.strategies import FixedWeights, Never, Strategy, Threshold

mix = FixedWeights({STOCKS: 0.6, BONDS: 0.4})
strategies = {"never (buy & hold)": Strategy(mix, rebalance=Never())}
for label, alias in calendars.items():
    strategies[f"calendar {label}"] = Strategy(mix, schedule=alias)
for band in (0.01, 0.025, 0.05, 0.10, 0.20):
    strategies[f"band {band:.1%}"] = Strategy(mix, rebalance=Threshold(abs_band=band))
strategies["band 5/25"] = Strategy(mix, rebalance=Threshold(abs_band=0.05, rel_band=0.25))
strategies["band 5% on quarter ends"] = Strategy(
    mix, schedule="QE", rebalance=Threshold(abs_band=0.05, check="schedule")
)
runs = tc.backtest_many(prices, strategies, execution_lag=LAG, costs=tc.ProportionalCost(bps=5))
print(len(runs), "variants,", runs.window[0].date(), "to", runs.window[1].date())
"""),
    _md("""
## Return, risk, trades and turnover

Costs are 5 bps of traded value; Sharpe uses a 0% risk-free rate here (the
ranking, not the level, is the point). Turnover is one-way per year
(`sum |trade| / (2 * value)` per rebalance, divided by years).
"""),
    _code("""
table = runs.summary(conventions=CONVENTIONS, window=runs.window)
study = table[["cagr", "volatility", "max_drawdown", "sharpe"]].copy()
study["rebalances"] = [runs[n].n_rebalances for n in study.index]
study["turnover/yr"] = [runs[n].annual_turnover for n in study.index]
study["costs $"] = [runs[n].total_costs for n in study.index]
formats = {"cagr": "{:.2%}", "volatility": "{:.2%}", "max_drawdown": "{:.2%}",
           "sharpe": "{:.2f}", "rebalances": "{:d}", "turnover/yr": "{:.1%}", "costs $": "{:,.0f}"}
study.apply(lambda column: column.map(formats[column.name].format))
"""),
    _code("""
print(tc.format_summary(table, columns=["cagr", "volatility", "max_drawdown", "sharpe"]))
"""),
    _md("""
## Trades against risk

Each point is one variant: how many times it traded against the volatility
and return it delivered. Past a few trades a year the extra trading buys
almost nothing.
"""),
    _code("""
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
for ax, column, label in ((axes[0], "volatility", "Volatility"), (axes[1], "cagr", "CAGR")):
    ax.scatter(study["rebalances"], study[column] * 100)
    for name, row in study.iterrows():
        ax.annotate(name, (row["rebalances"], row[column] * 100), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("symlog")
    ax.set_xlabel("number of rebalances")
    ax.set_ylabel(f"{label} (%)")
    ax.grid(alpha=0.3)
fig.suptitle("60/40: rebalances against risk and return")
plt.show()
"""),
    _code("""
picked = ["never (buy & hold)", "calendar monthly", "calendar annual", "band 5/25"]
sub = tc.ResultSet({name: runs[name] for name in picked})
ax = sub.plot_drawdowns()
"""),
    _code("""
ax = sub.plot_allocation("never (buy & hold)")
"""),
]

# ------------------------------------------------------------------ 3. 401(k) tactical model
TACTICAL = [
    _md("""
# A 401(k)-style tactical model

A typical plan menu: US stocks, international stocks, small caps, a bond fund
and cash (a stable-value or money-market fund). Each month the model ranks the
three stock funds by 12-month total return and holds the best two, equal
weights. A winner keeps its half only if it passes **both** tests:

* momentum: its 12-month return beats cash (T-bills) over the same window;
* trend: its price is above its 10-month simple moving average.

A winner that fails moves to bonds, or to cash if bonds themselves are below
their own moving average. The model is written as a custom allocator (a
frozen dataclass that reads only the `History` it is given), then compared with
the benchmarks, with execution one day later, and with costs.
"""),
    _code(DATA_CELL),
    _code("""
if REAL:
    menu = {"US": "SPY", "international": "EFA", "small caps": "IWM", "bonds": "AGG"}
    prices = tc.load_prices(list(menu.values()), source=tc.CsvSource(SHARED / "prices"))
    quotes = tc.load_rates("DTB3", path=SHARED / "rates")
    cash = tc.cash_returns(quotes, prices.index)
    YEAR, TREND, BAR = "12M", "10M", "daily"
else:
    # The sample has one stock fund: long Treasuries stand in as the second risky
    # sleeve and there is no third, so the model holds the better of the two.
    menu = {"US": "US_STOCKS", "long bonds": "TSY_LONG", "bonds": "TSY_10Y"}
    prices = tc.load_sample(list(menu.values()))
    cash = tc.load_sample_rates(prices)
    YEAR, TREND, BAR = "12M", "10M", "monthly"
RISKY = tuple(t for k, t in menu.items() if k != "bonds")
BONDS = menu["bonds"]
print("menu:", menu, "| cash = T-bills |", prices.index[0].date(), "to", prices.index[-1].date())
"""),
    _md("## The allocator"),
    _code("""
from dataclasses import dataclass

from tactical import History
from tactical.strategies import RelativeMomentum, TrendFilter


@dataclass(frozen=True, slots=True)
class TrendMomentumRotation:
    risky: tuple[str, ...]
    bonds: str
    top_n: int = 2
    lookback: str = "12M"    # momentum window: 12 month-end closes
    trend: str = "10M"       # moving-average window: 10 month-end closes

    @property
    def tickers(self):       # funds read or held: lets the engine find the start
        return (*self.risky, self.bonds)

    def first_decision_row(self, index, priced):  # warm-up: the first row it can decide on
        momentum = RelativeMomentum(self.risky, lookback=self.lookback)
        trend = TrendFilter(self.risky, lookback=self.trend)
        return max(momentum.first_decision_row(index, priced),
                   trend.first_decision_row(index, priced))

    def _in_trend(self, history: History, ticker: str) -> bool:
        return history.price(ticker)[-1] > history.moving_average(ticker, self.trend)

    def __call__(self, history: History) -> dict[str, float]:
        scores = history.trailing_returns(self.risky, self.lookback)
        hurdle = history.trailing_return("CASH", self.lookback)
        n = min(self.top_n, len(self.risky))
        winners = [self.risky[i] for i in scores.argsort()[::-1][:n]]
        safe = self.bonds if self._in_trend(history, self.bonds) else "CASH"
        weights: dict[str, float] = {}
        for ticker in winners:
            ok = history.trailing_return(ticker, self.lookback) > hurdle
            name = ticker if ok and self._in_trend(history, ticker) else safe
            weights[name] = weights.get(name, 0.0) + 1.0 / n
        return weights


model = TrendMomentumRotation(RISKY, BONDS, lookback=YEAR, trend=TREND)
model
"""),
    _md("""
`tactical.testing.check_causal` scrambles the future after a cut date and
checks that the decisions up to it do not move: the allocator cannot look
ahead.
"""),
    _code("""
from tactical.testing import check_causal
from tactical.strategies import Strategy

pairs = check_causal(Strategy(model), prices, cash_returns=cash)
print(f"no look-ahead ({pairs} decisions compared): decisions before each cut")
print("are unchanged when the future is scrambled")
"""),
    _md("""
## Model against the benchmarks, with execution lag and costs

On daily data the base case trades on the next close (`execution_lag=1`, a
401(k) exchange) without costs; the variants trade on the same close
(optimistic) and pay 10 bps. On the monthly sample the base case trades at
the deciding month-end close (`execution_lag=0`, which approximates next-day
execution optimistically) and the lag variant trades one *month* later,
a pessimistic bound.
"""),
    _code("""
from tactical.strategies import FixedWeights

base_lag = 1 if REAL else 0
other_lag = 0 if REAL else 1
label = "same close" if REAL else "one month later"
stocks = RISKY[0]
strategies = {
    "Tactical": Strategy(model),
    f"Tactical, {label}": Strategy(model, execution_lag=other_lag),
    **tc.standard_benchmarks(stocks, BONDS),
    "Equal-weight menu": Strategy(FixedWeights({t: 1 / len(menu) for t in menu.values()})),
}
runs = tc.backtest_many(prices, strategies, cash_returns=cash, execution_lag=base_lag)
with_costs = tc.backtest(
    prices, Strategy(model), start=runs.window[0], cash_returns=cash,
    execution_lag=base_lag, costs=tc.ProportionalCost(bps=10), name="Tactical, 10 bps",
)
runs = tc.ResultSet({**runs, "Tactical, 10 bps": with_costs})
table = runs.summary(
    benchmark=stocks,
    conventions="monthly" if REAL else "month_end",
    risk_free=cash.reindex(runs.returns.index),
    risk_free_label="T-bills",
    window=runs.window,
)
print(tc.format_summary(table))
"""),
    _code("""
facts = pd.DataFrame({
    "switches": {n: r.n_rebalances for n, r in runs.items()},
    "turnover/yr": {n: f"{r.annual_turnover:.0%}" for n, r in runs.items()},
    "costs $": {n: round(r.total_costs) for n, r in runs.items()},
})
facts
"""),
    _code("""
ax = runs.plot_equity(log=True)
"""),
    _code("""
ax = runs.plot_drawdowns()
"""),
    _code("""
ax = runs.plot_allocation("Tactical")
"""),
    _code("""
last = runs["Tactical"].targets.tail(6)
print(f"last six decisions (target weights, one per month end, {BAR} bars):")
last
"""),
]


# ------------------------------------------------------------------ 4. my 401(k)
def my_401k_cells() -> list:
    """Cells of ``04_my_401k.ipynb``: the saver of issue 11, from $0, end to end."""
    return [
        _md("""
# My 401(k): paychecks from $0, the match, the plan's menu and its trading rule

A 35-year-old saver earns $90,000, paid biweekly, defers 10%, and the employer
matches 100% of the first 3% of pay plus 50% of the next 2%. The account opens
at $0 in January 2005 with a menu of Vanguard funds, and the plan rule is
"after selling a fund you cannot buy it back for 30 days". Four strategies and
a target-date fund are compared with a monthly 60/40 *in dollars*: the
balance, what was contributed, the growth, and the money-weighted return.
Then the rule's effect, and this month's orders.
"""),
        _code(DATA_CELL),
        _code("""
from tactical.strategies import (
    DualMomentum, FixedWeights, RelativeMomentum, Strategy, TargetDate, TrendFilter,
)

if REAL:
    plan = ["VFIAX", "VBMFX", "VFISX", "VGSIX", "NAESX"]
    prices = tc.load_prices(plan + ["SPY", "AGG"], source=tc.CsvSource(SHARED / "prices"))
    quotes = tc.load_rates("DTB3", path=SHARED / "rates")
    cash = tc.cash_returns(quotes, prices.index)
    STOCKS, BONDS, SAFE, YEAR, TREND, LAG = "VFIAX", "VBMFX", "VFISX", 252, 210, 1
    SIGNAL_STOCKS, SIGNAL_BONDS = "SPY", "AGG"
    menu = tc.PlanMenu({"SPY": "VFIAX", "AGG": "VBMFX"})   # decide on SPY/AGG, hold the plan funds
    risky = ("VFIAX", "NAESX", "VGSIX")
else:
    plan = ["US_STOCKS", "TSY_10Y", "TSY_LONG"]
    prices = tc.load_sample(plan)
    cash = tc.load_sample_rates(prices)
    STOCKS, BONDS, SAFE, YEAR, TREND, LAG = "US_STOCKS", "TSY_10Y", "TSY_10Y", 12, 10, 0
    SIGNAL_STOCKS, SIGNAL_BONDS = "US_STOCKS", "TSY_10Y"
    menu = tc.PlanMenu({"US_STOCKS": "US_STOCKS", "TSY_10Y": "TSY_10Y"})
    risky = ("US_STOCKS", "TSY_LONG")
START = "2005-01-03"
CONVENTIONS = "monthly" if REAL else "month_end"  # drawdowns from daily or month-end closes
window = prices.loc[START:].index
print("plan funds:", plan, "|", window[0].date(), "to", window[-1].date())
"""),
        _md("""
## The paychecks

Biweekly paydays from the first Friday of 2005 (some years have 27), each
invested on its trading day; the match is paid per paycheck. The IRS limits
are applied (402(g) was $14,000 in 2005); a 10% deferral of $90,000 stays
under them, so `limit_reached` stays False here. On the monthly sample the
paydays of a month are invested at its month end.
"""),
        _code("""
match = tc.Match([(1.0, 0.03), (0.5, 0.02)])
payroll = tc.Payroll(90_000, "biweekly", deferral=0.10, match=match, birth_date="1970-03-01")
flows = payroll.contributions(window)
checks = payroll.paychecks(window)
by_year = checks.groupby("year")[["pay", "employee", "employer", "limit_reached"]].agg(
    {"pay": "sum", "employee": "sum", "employer": "sum", "limit_reached": "any"}
)
by_year["paychecks"] = checks.groupby("year").size()
by_year.head(6)
"""),
        _md("""
## Four strategies, a target-date fund and 60/40, from $0

Dual momentum decides on SPY and AGG (long histories) and holds VFIAX and
VBMFX through the plan menu; the others decide on the plan funds directly.
"""),
        _code("""
strategies = {
    "Dual momentum": menu.strategy(
        Strategy(DualMomentum((SIGNAL_STOCKS,), safe=SIGNAL_BONDS, lookback=YEAR))
    ),
    "Trend (10m)": Strategy(TrendFilter(risky, safe=SAFE, lookback=TREND)),
    "Momentum top 2": Strategy(RelativeMomentum((*risky, BONDS), top_n=2, lookback=YEAR)),
    "Equal-weight menu": Strategy(FixedWeights({t: 1 / len(plan) for t in plan}), schedule="QE"),
    "Target 2035": Strategy(TargetDate(2035, stocks=STOCKS, bonds=BONDS), schedule="ME"),
    "60/40": Strategy(FixedWeights({STOCKS: 0.6, BONDS: 0.4}), schedule="ME"),
}
runs = tc.backtest_many(menu.prices(prices), strategies, start=START, initial=0,
                        cashflows=flows, cash_returns=cash, execution_lag=LAG)
table = runs.summary(risk_free=cash, conventions=CONVENTIONS)
print(tc.format_summary(table))  # the balance, what went in and XIRR first; then time-weighted
"""),
        _md("""
The money by source (`result.contributed`) and the growth; every paycheck of
the payroll went in, so the balance is what the payroll paid plus the growth.
Then the balance chart: each account in dollars over the money contributed.
"""),
        _code("""
money = pd.DataFrame({k: r.contributed for k, r in runs.items()}).T
money["growth"] = pd.Series({k: r.growth for k, r in runs.items()})
paid = float(flows["total"].sum())
gap = max(abs(paid + r.growth - r.final_balance) for r in runs.values())
print(f"final balance = contributed + growth for every strategy: {gap < 0.01}")
runs.plot_balance()
money.round(0)
"""),
        _md("""
## The plan's 30-day rule

`TradingPolicy(reentry_days=30)` blocks buying a fund back within 30 days of
selling it; a blocked purchase is not made, its money stays where it was
(`fallback=` would send it to a fund the strategy holds instead). Payroll
purchases are exempt (every plan exempts automatic investment). The table
shows the balance with and without the rule, and how many trades it blocked
(the summary's `blocked` column).
"""),
        _code("""
policy = tc.TradingPolicy(reentry_days=30, exempt=(SAFE,) if REAL else ())
tactical = {k: strategies[k] for k in ("Dual momentum", "Trend (10m)", "Momentum top 2")}
ruled = tc.backtest_many(menu.prices(prices), tactical, start=START, initial=0, cashflows=flows,
                         cash_returns=cash, execution_lag=LAG, policy=policy)
effect = pd.DataFrame({
    "balance, no rule": {k: runs[k].final_balance for k in tactical},
    "balance, 30-day rule": {k: r.final_balance for k, r in ruled.items()},
    "blocked trades": ruled.summary(risk_free=cash, conventions=CONVENTIONS)["blocked"],
})
effect["difference"] = effect["balance, 30-day rule"] - effect["balance, no rule"]
print("trading rule (reentry):", repr(policy))
effect.round(0)
"""),
        _code("""
blocked = pd.concat({k: r.blocked for k, r in ruled.items()}, names=["strategy"])
blocked.head(8)
"""),
        _md("""
## This month's orders

The saver holds what the dual-momentum account holds today; `recommend` says
what the strategy wants now, the exchange in dollars and the election for
future paychecks.
"""),
        _code("""
last = runs["Dual momentum"]
held = (last.weights.iloc[-1] * last.final_balance).round(2)
holdings = {f: v for f, v in held.items() if v > 0 and f != "CASH"}
rec = tc.recommend(strategies["Dual momentum"], menu.prices(prices), holdings, policy=policy,
                   cash_returns=cash, today=prices.index[-1])
print(rec.describe())
rec.orders
"""),
    ]


def build() -> list[Path]:
    """Write the notebooks next to this script; return their paths."""
    books = {
        "01_quickstart.ipynb": QUICKSTART,
        "02_rebalancing_study.ipynb": REBALANCING,
        "03_401k_tactical_model.ipynb": TACTICAL,
        "04_my_401k.ipynb": my_401k_cells(),
        "05_is_it_luck.ipynb": _is_it_luck_cells(),
    }
    written = []
    for name, cells in books.items():
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        nbformat.validate(nb)
        path = HERE / name
        nbformat.write(nb, path)
        written.append(path)
    return written


# ------------------------------------------------------------------ 5. is it luck?
def _is_it_luck_cells() -> list:
    """05_is_it_luck: a tactical 401(k) model swept, walked forward, deflated, PBO-tested."""
    return [
        _md("""
# Is it luck? A tactical 401(k) model under honest testing

Tactical models sold to savers look like this: each month, hold the strongest
stock funds of the plan menu, and retreat to the bond fund or the money market
when they are weak. Published tables show the best version of such a rule. Here
we try **every** version of it and ask what survives:

1. a **sweep** over its free parameters (lookback, how many funds, where to
   retreat), with the **deflated Sharpe ratio** (Bailey & López de Prado 2014):
   is the best Sharpe ratio more than the best of that many coin tosses?
2. the **probability of backtest overfitting** (CSCV, Bailey, Borwein, López
   de Prado & Zhu 2015): how often does the in-sample winner disappoint?
3. a **walk-forward**: parameters chosen on the past only, traded in the next
   year, one continuous account, against a monthly 60/40 mix and a
   **target-date fund** (Vanguard's glide path), what a saver would hold instead;
4. **timing luck**: the same rule decided on another day of the month, and
   tranches as the remedy (Hoffstein, Sibears & Faber 2019);
5. **bootstrap** intervals for CAGR, Sharpe ratio and drawdown, in the summary
   table itself, and for the gap to the alternatives.
"""),
        _code(DATA_CELL),
        _code("""
from dataclasses import replace

from tactical.charts.robustness import luck_table
from tactical.strategies import DualMomentum, Strategy

if REAL:
    STOCKS = ("SPY", "NAESX", "EFA")          # US large, US small (Vanguard), international
    BONDS = "VBMFX"                           # Vanguard Total Bond Market
    prices = tc.load_prices([*STOCKS, BONDS], source=tc.CsvSource(SHARED / "prices"))
    cash = tc.cash_returns(tc.load_rates("DTB3", path=SHARED / "rates"), prices.index)
    LOOKBACKS = [63, 126, 189, 252]           # trading days: 3, 6, 9, 12 months
    TRAIN, TEST, LUCK_SCHEDULE = "8Y", "1Y", "ME"
else:
    STOCKS = ("US_STOCKS", "TSY_LONG")        # the sample has one stock series
    BONDS = "TSY_10Y"
    prices = tc.load_sample([*STOCKS, BONDS])
    cash = tc.load_sample_rates(prices)
    LOOKBACKS = [3, 6, 9, 12]                 # months
    TRAIN, TEST, LUCK_SCHEDULE = "10Y", "2Y", "QE"   # monthly bars: move a quarterly decision
print("menu:", STOCKS, "| bonds:", BONDS, "| money market: T-bills |",
      prices.index[0].date(), "to", prices.index[-1].date())


def model(lookback, top_n, retreat):
    # hold the top_n stock funds by trailing return; a fund that does not beat
    # T-bills over the same window gives its share to the retreat (bonds or cash)
    safe = BONDS if retreat == "bonds" else "CASH"
    return Strategy(DualMomentum(STOCKS, safe=safe, lookback=lookback, top_n=top_n), schedule="ME")


GRID = {"lookback": LOOKBACKS, "top_n": [1, 2], "retreat": ["bonds", "cash"]}
OPTIONS = {"cash_returns": cash, "costs": tc.ProportionalCost(bps=5), "progress": False}
"""),
        _md("""
## 1. The sweep: every variant, one window

`tc.sweep` runs all 16 variants over one common window (from the latest
warm-up), validating the prices once. The table has each variant's final value
and metrics; `deflated_sharpe` deflates each Sharpe ratio for the 16 tries.
"""),
        _code("""
sw = tc.sweep(prices, model, GRID, risk_free=cash, **OPTIONS)
cols = ["lookback", "top_n", "retreat", "final_value", "cagr", "sharpe_ratio",
        "max_drawdown", "deflated_sharpe"]
print(sw)
sw.ranked("sharpe")[cols].round(3)
"""),
        _code("""
best = sw.best("sharpe")
top = sw.ranked("sharpe").iloc[0]
print("best by Sharpe:", best)
print(f"its Sharpe ratio {top['sharpe_ratio']:.2f}, deflated Sharpe ratio {top['deflated_sharpe']:.3f}")
print("conventions:", sw.conventions["deflated_sharpe"])
ax = sw.plot_distribution("sharpe")
"""),
        _code("""
ax = sw.plot_heatmap("lookback", "top_n", "sharpe")
"""),
        _md("""
## 2. Probability of backtest overfitting

CSCV cuts the window into 16 blocks and, for each of the 12,870 ways to use
half of them in-sample, checks where the in-sample best lands out of sample.
"""),
        _code("""
overfit = tc.pbo(sw, n_splits=16)
print(overfit)
print(f"PBO {overfit.pbo:.0%}: share of splits where the in-sample winner ranks in the "
      "bottom half out of sample")
ax = overfit.plot()
"""),
        _md("""
## 3. Walk-forward: choose on the past, trade the next year

Each year the variant with the best Sharpe ratio over the previous training
window is chosen and trades the next test window; all years are one account
(holdings carry over, switches pay costs). We compare it over the same dates
with what a saver holds instead: a monthly 60/40 mix and a target-date fund
for a saver retiring in 2035 (`TargetDate`, Vanguard's glide path: 90% stocks
until 25 years out, 50% at the target year), both from
`tc.standard_benchmarks`. (The last test window ends with the data and is
shorter; its out-of-sample figure rests on few returns.)
"""),
        _code("""
wf = tc.walk_forward(prices, model, GRID, train=TRAIN, test=TEST, select="sharpe",
                     risk_free=cash, **OPTIONS)
print(wf)
shown = wf.folds[["test_start", "test_end", "lookback", "top_n", "retreat", "in_sample",
                  "out_of_sample"]]
shown.round({"in_sample": 2, "out_of_sample": 2})
"""),
        _code("""
stock, RETIRE = STOCKS[0], 2035
TARGET = f"Target {RETIRE}"
alternatives = tc.standard_benchmarks(stock, BONDS, retirement_year=RETIRE)
same_dates = {"start": wf.result.start, "cash_returns": cash}
chosen = tc.backtest(prices, model(**best), costs=tc.ProportionalCost(bps=5),
                     name="best of the sweep (hindsight)", **same_dates)
held = tc.backtest_many(prices, {k: alternatives[k] for k in ("60/40", TARGET)}, **same_dates)
oos = tc.ResultSet({"walk-forward (honest)": wf.result, chosen.name: chosen, **held})
print("target-date fund:", alternatives[TARGET].allocator)
table = oos.summary(
    conventions="monthly" if REAL else "month_end",
    risk_free=cash.reindex(oos.returns.index),
    risk_free_label="T-bills",
    intervals=tc.Intervals(n=1000, seed=7),   # 95% stationary-bootstrap intervals
)
print(tc.format_summary(table))
ax = oos.plot_equity(log=True)
"""),
        _code("""
ax = wf.plot()
"""),
        _md("""
## 4. Timing luck

The best variant decided on every trading day of its period instead of the
last one (on the monthly sample, a quarterly decision moved by 0, 1 or 2
months), then split into four staggered tranches.
"""),
        _code("""
rule = replace(model(**best), schedule=LUCK_SCHEDULE)
luck = tc.timing_luck(prices, rule, cash_returns=cash, progress=False)
four = tc.timing_luck(prices, tc.Tranches(rule, 4), cash_returns=cash, progress=False)
print(luck)
print(four)
print(luck.summary.round(4))
ax = luck.plot()
"""),
        _md("""
## 5. Bootstrap intervals: is the gap more than noise?

The table above already carries 95% intervals: `summary(intervals=...)` runs
`tc.bootstrap` (stationary bootstrap, Politis & Romano 1994, block length by
Politis & White 2004) on the very returns behind each column. Overlapping
intervals of two strategies do not settle whether one beat the other, so we
bootstrap the **gap** itself: the walk-forward account's return minus each
alternative's, period by period (the same blocks of dates for both), as a
mean active return a year.
"""),
        _code("""
honest = oos["walk-forward (honest)"].returns
gaps = pd.DataFrame({f"minus {k}": honest - oos[k].returns for k in ("60/40", TARGET)})
ppy = 252 if REAL else 12
ci = tc.bootstrap(gaps, metrics=("mean",), n=1000, seed=7, progress=False)
gap = (ci * ppy).droplevel("metric")
gap.columns = ["mean gap a year", "lower", "upper"]
gap.round(4)
"""),
        _code("""
# the one-page tear sheet with its "Is it luck?" panel (a Figure: shown as the cell's result)
sheet = oos.tear_sheet(table=table, luck={"sweep": sw, "walk_forward": wf, "timing": luck,
                                          "pbo": overfit})
sheet
"""),
        _md("""
## What survives

The tear sheet above and the table below are what the HTML report's and the
tear sheet's "Is it luck?" panels show (`tear_sheet(luck=...)`,
`to_html(path, luck=...)`).
"""),
        _code("""
checks = luck_table(sweep=sw, walk_forward=wf, timing=luck, pbo=overfit)
print("Is it luck?")
checks
"""),
        _code("""
row = table.loc["walk-forward (honest)"]
dsr = top["deflated_sharpe"]
print(f"- the best of {len(sw.table)} variants has a deflated Sharpe ratio of {dsr:.2f}: "
      + ("its Sharpe ratio is more than the best of that many coin tosses."
         if dsr >= 0.95 else "below 0.95, luck cannot be ruled out."))
print(f"- PBO {overfit.pbo:.0%}: the in-sample winner lands in the bottom half out of sample in "
      f"{overfit.pbo:.0%} of the splits.")
print(f"- hindsight's best made {table.loc[chosen.name, 'cagr']:.2%} a year; chosen honestly "
      f"(walk-forward) the model made {row['cagr']:.2%} "
      f"[{row['cagr_lo']:.2%}, {row['cagr_hi']:.2%}], Sharpe {row['sharpe']:.2f}.")
for name in ("60/40", TARGET):
    other, g = table.loc[name], gap.loc[f"minus {name}"]
    verdict = ("not distinguishable from zero" if g["lower"] <= 0 <= g["upper"]
               else "ahead" if g["lower"] > 0 else "behind")
    print(f"- {name}: {other['cagr']:.2%} a year, Sharpe {other['sharpe']:.2f}; the honest "
          f"model's gap to it, {g['mean gap a year']:+.2%} a year [{g['lower']:+.2%}, "
          f"{g['upper']:+.2%}], is {verdict}.")
print(f"- the decision day alone moved its CAGR by {luck.spread['cagr']:.2%} a year; four "
      f"tranches cut that to {four.spread['cagr']:.2%}.")
"""),
        _md("""
What survives honest testing is less than the sweep's table suggests. The
deflated Sharpe ratio asks whether the best variant's Sharpe ratio is more
than luck, that is, above **zero** once the number of variants tried is allowed
for; it is not the saver's question, which is
whether the model beats what they would hold anyway. That question is
answered by the walk-forward account, the only number here chosen without
knowing the future: it is the one to set against the 60/40 mix and the
target-date fund, and its gap to them comes with an interval that is usually
wide enough to hold zero. Hindsight's best, the number a published table
shows, was picked with the whole future in view. And the day of the month a
model decides on moves
its result by as much as the edge it claims, unless the account is
split into tranches.
"""),
    ]


if __name__ == "__main__":
    for p in build():
        print("wrote", p.name)
