"""The TOML file read by ``tactical backtest``: schema, validation, and turning it into runs.

Every problem is a :class:`~tactical.errors.ConfigError` whose message names
the key (``strategies[2].lookback``) and what is wrong with it, so the command
can print it on one line.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tactical.errors import ConfigError, TacticalError

__all__ = [
    "ACCOUNT_EXAMPLE",
    "EXAMPLE",
    "AccountSpec",
    "Config",
    "StrategySpec",
    "load_config",
    "parse_config",
]

EXAMPLE = """\
# tactical backtest example.toml  --  every key but [[strategies]] is optional
title = "60/40 and two tactical models"
source = "sample"       # "sample" (bundled, monthly), "yahoo", or a folder of <TICKER>.csv
                        # (a relative folder is relative to this file)
# tickers = ["US_STOCKS", "TSY_10Y"]   # default: every fund the strategies use
start = "1991-01-01"    # inclusive; earlier data is used as warm-up (lookbacks)
end = "2016-12-31"      # inclusive; default: last date
initial = 10000
costs_bps = 5           # proportional cost, basis points of traded value
execution_lag = 0       # bars from decision to trade; default 1 on daily data,
                        # 0 on monthly data (optimistic: same close)
cash = "sample"         # what CASH earns: "none" (0%), "sample", "DTB3" or "IRX"
# rates = "../shared/data/rates"      # folder with DTB3.csv / IRX.csv
benchmarks = true       # add stocks and bonds buy-and-hold and a monthly 60/40
stocks = "US_STOCKS"    # benchmark funds (default SPY/AGG, US_STOCKS/TSY_10Y on the sample)
bonds = "TSY_10Y"
# conventions = "month_end"           # summary conventions preset
# splice = { AGG = "VBMFX" }          # extend a young fund back with a proxy's returns

[[strategies]]
name = "60/40 quarterly"
kind = "calendar"       # fixed | calendar | threshold | momentum | dual_momentum | trend
                        # | target_date
weights = { US_STOCKS = 0.6, TSY_10Y = 0.4 }
schedule = "QE"         # D, W, ME, QE, SE, YE

[[strategies]]
name = "60/40 5/25 band"
kind = "threshold"
weights = { US_STOCKS = 0.6, TSY_10Y = 0.4 }
abs_band = 0.05
rel_band = 0.25

[[strategies]]
name = "Trend 10m"
kind = "trend"
risky = ["US_STOCKS"]
safe = "TSY_10Y"
lookback = "10M"        # 10 month-end closes (Faber); "126D" = trading days

[[strategies]]
name = "Dual momentum 12m"
kind = "dual_momentum"
menu = ["US_STOCKS"]
safe = "TSY_10Y"
lookback = "12M"        # 12-month total return (Antonacci)
"""

_TOP_KEYS = {
    "title",
    "source",
    "tickers",
    "start",
    "end",
    "initial",
    "costs_bps",
    "execution_lag",
    "cash",
    "rates",
    "benchmarks",
    "stocks",
    "bonds",
    "conventions",
    "strategies",
    "splice",
    # the saver's account (see _account below)
    "payroll",
    "match",
    "limits",
    "menu",
    "policy",
}

_COMMON = {"name", "kind", "schedule", "offset", "execution_lag"}
_KIND_KEYS: dict[str, set[str]] = {
    "fixed": {"weights"},
    "calendar": {"weights"},
    "threshold": {"weights", "abs_band", "rel_band", "check"},
    "momentum": {"menu", "top_n", "lookback", "skip"},
    "dual_momentum": {"menu", "safe", "lookback", "skip", "top_n", "hurdle"},
    "trend": {"risky", "safe", "lookback"},
    "target_date": {"retirement_year", "stocks", "bonds", "path"},
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "fixed": ("weights",),
    "calendar": ("weights",),
    "threshold": ("weights",),
    "momentum": ("menu",),
    "dual_momentum": ("menu", "safe"),
    "trend": ("risky",),
    "target_date": ("retirement_year",),
}
_CASH_CHOICES = ("none", "sample", "DTB3", "IRX")


@dataclass(frozen=True, slots=True)
class StrategySpec:
    """One ``[[strategies]]`` entry, checked: its name and the built Strategy."""

    name: str
    kind: str
    strategy: Any  # tactical.strategies.Strategy


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """The account sections of a config: ``[payroll]`` (+ ``[match]``, ``[limits]``),
    ``[menu]`` and ``[policy]``; each None when absent."""

    payroll: Any = None  # tactical.account.Payroll
    menu: Any = None  # tactical.account.PlanMenu
    policy: Any = None  # tactical.account.TradingPolicy
    flow_rule: str = "election"  # how paychecks are invested (backtest's flow_rule)


@dataclass(frozen=True, slots=True)
class Config:
    """A checked ``tactical backtest`` file."""

    title: str
    source: str  # "sample", "yahoo" or a folder path (resolved)
    tickers: tuple[str, ...] | None
    start: str | None
    end: str | None
    initial: float
    costs_bps: float
    execution_lag: int | None
    cash: str
    rates: str | None
    benchmarks: bool
    stocks: str
    bonds: str
    conventions: str | None
    strategies: tuple[StrategySpec, ...] = field(default_factory=tuple)
    splice: tuple[tuple[str, str], ...] = ()
    """``(fund, proxy)`` pairs of the ``splice`` table, in file order."""
    account: AccountSpec = field(default_factory=AccountSpec)

    def funds(self) -> list[str]:
        """Tickers to load: ``tickers`` if given, else every fund the strategies use
        (and the plan funds of ``[menu]``)."""
        if self.tickers is not None:
            return list(self.tickers)
        names: list[str] = []
        for spec in self.strategies:
            names.extend(spec.strategy.tickers or ())
        if self.benchmarks:
            names += [self.stocks, self.bonds]
        if self.account.menu is not None:
            names += [f for f in self.account.menu.plan_funds if f != "CASH"]
        return list(dict.fromkeys(names))


def load_config(path: str | Path) -> Config:
    """Read and check a TOML file; relative folders are relative to the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {p} does not exist") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p} is not valid TOML: {exc}") from exc
    return parse_config(data, base=p.parent)


def parse_config(data: Mapping[str, Any], base: Path | None = None) -> Config:
    """Check a parsed TOML mapping and build the strategies."""
    base = base or Path.cwd()
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r}; the keys are {', '.join(sorted(_TOP_KEYS))} "
            "(see tactical backtest --help)"
        )
    source = _string(data, "source", "sample")
    if source.lower() in ("sample", "yahoo"):
        source = source.lower()
    else:
        folder = Path(source).expanduser()
        if not folder.is_absolute():
            folder = base / folder
        if not folder.exists():
            raise ConfigError(
                f"source: {source!r} is not 'sample', 'yahoo' or an existing folder "
                f"(looked for {folder})"
            )
        source = str(folder)
    sample = source == "sample"

    tickers = data.get("tickers")
    if tickers is not None:
        tickers = tuple(_ticker_list(tickers, "tickers"))

    start = _date(data, "start")
    end = _date(data, "end")
    initial = _number(data, "initial", 10_000.0, low=0.0, strict_low=True)
    costs = _number(data, "costs_bps", 0.0, low=0.0)
    if costs >= 10_000:
        raise ConfigError(f"costs_bps: {costs:g} basis points is 100% or more; 5 means 0.05%")
    lag = _lag(data.get("execution_lag"), "execution_lag")

    cash = _string(data, "cash", "sample" if sample else "none")
    match = {c.lower(): c for c in _CASH_CHOICES}.get(cash.lower().lstrip("^"))
    if match is None:
        raise ConfigError(f"cash: {cash!r} is not one of {', '.join(_CASH_CHOICES)}")
    cash = match
    if cash == "sample" and not sample:
        raise ConfigError(
            "cash: 'sample' T-bills are on the sample's month ends only; with this source "
            "use 'DTB3' or 'IRX' with rates = a folder, or 'none'"
        )
    rates = data.get("rates")
    if rates is not None:
        if not isinstance(rates, str):
            raise ConfigError(f"rates: must be a folder path (a string), got {rates!r}")
        folder = Path(rates).expanduser()
        rates = str(folder if folder.is_absolute() else base / folder)
        if not Path(rates).exists():
            raise ConfigError(f"rates: folder {rates} does not exist")
    if cash == "DTB3" and rates is None:
        raise ConfigError(
            "cash: 'DTB3' needs rates = a folder holding DTB3.csv (FRED is not downloaded)"
        )

    benchmarks = data.get("benchmarks", True)
    if not isinstance(benchmarks, bool):
        raise ConfigError(f"benchmarks: must be true or false, got {benchmarks!r}")
    stocks = _string(data, "stocks", "US_STOCKS" if sample else "SPY")
    bonds = _string(data, "bonds", "TSY_10Y" if sample else "AGG")
    conventions = data.get("conventions")
    if conventions is not None:
        from tactical.metrics.conventions import PRESETS

        if conventions not in PRESETS:
            raise ConfigError(
                f"conventions: {conventions!r} is not a preset; use one of {sorted(PRESETS)}"
            )

    raw = data.get("strategies")
    if raw is None:
        raise ConfigError("strategies: missing; add at least one [[strategies]] table")
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise ConfigError("strategies: must be a list of [[strategies]] tables")
    specs = tuple(_strategy(entry, i) for i, entry in enumerate(raw))
    names = [s.name for s in specs]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ConfigError(f"strategies: the name {dup!r} is used twice; names must be unique")
    if benchmarks:
        clash = [n for n in names if n in (stocks, bonds, "60/40")]
        if clash:
            raise ConfigError(
                f"strategies: the name {clash[0]!r} is taken by a benchmark; rename it "
                "or set benchmarks = false"
            )

    return Config(
        title=_string(data, "title", "tactical backtest"),
        source=source,
        tickers=tickers,
        start=start,
        end=end,
        initial=initial,
        costs_bps=costs,
        execution_lag=lag,
        cash=cash,
        rates=rates,
        benchmarks=benchmarks,
        stocks=stocks,
        bonds=bonds,
        conventions=conventions,
        strategies=specs,
        splice=_splice_table(data),
        account=_account(data),
    )


# ------------------------------------------------------------------ splice
def _splice_table(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The optional ``splice = { FUND = "PROXY", ... }`` table, checked.

    Each fund's history before its first price is extended with its proxy's
    returns (:func:`tactical.data.splice`); the proxies are loaded too and
    dropped afterwards unless a strategy holds them.
    """
    table = data.get("splice")
    if table is None:
        return ()
    if not isinstance(table, dict) or not table:
        raise ConfigError(
            f'splice: must be a table of fund = "proxy", e.g. splice = {{ AGG = "VBMFX" }}, '
            f"got {table!r}"
        )
    pairs: list[tuple[str, str]] = []
    for fund, proxy in table.items():
        if not isinstance(proxy, str) or not proxy.strip():
            raise ConfigError(
                f'splice.{fund}: the proxy must be a ticker name, e.g. {fund} = "VBMFX", '
                f"got {proxy!r}"
            )
        if proxy == fund:
            raise ConfigError(f"splice.{fund}: a fund cannot be its own proxy")
        pairs.append((fund, proxy))
    return tuple(pairs)


# ------------------------------------------------------------------ strategies
def _strategy(entry: Mapping[str, Any], i: int) -> StrategySpec:
    from tactical.lookback import parse_duration
    from tactical.strategies import (
        DualMomentum,
        FixedWeights,
        Never,
        OnSchedule,
        RelativeMomentum,
        Strategy,
        Threshold,
        TrendFilter,
    )

    where = f"strategies[{i}]"
    kind = entry.get("kind")
    if kind is None:
        raise ConfigError(f"{where}.kind: missing; use one of {', '.join(_KIND_KEYS)}")
    if kind not in _KIND_KEYS:
        raise ConfigError(f"{where}.kind: {kind!r} is not one of {', '.join(_KIND_KEYS)}")
    name = entry.get("name", f"{kind} {i + 1}")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}.name: must be a non-empty string, got {name!r}")
    where = f"strategies[{i}] ({name})"
    allowed = _COMMON | _KIND_KEYS[kind]
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: not a key of kind {kind!r}; "
            f"it takes {', '.join(sorted(allowed))}"
        )
    for key in _REQUIRED[kind]:
        if key not in entry:
            raise ConfigError(f"{where}.{key}: missing (kind {kind!r} needs it)")

    def ints(key: str, default: int, minimum: int = 1) -> int:
        value = entry.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ConfigError(f"{where}.{key}: must be a whole number >= {minimum}, got {value!r}")
        return value

    def duration(key: str, default: int | str, minimum: int = 1) -> int | str:
        value = entry.get(key, default)
        try:
            parse_duration(value, key, minimum)
        except ConfigError as exc:
            raise ConfigError(f"{where}.{exc}") from None
        return value  # type: ignore[no-any-return]

    def text(key: str, default: str) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}.{key}: must be a ticker name (a string), got {value!r}")
        return value

    try:
        default_rule: Any = OnSchedule()
        if kind in ("fixed", "calendar", "threshold"):
            allocator: Any = FixedWeights(_weights(entry["weights"], f"{where}.weights"))
            if kind == "fixed":
                default_rule = Never()
            elif kind == "threshold":
                default_rule = Threshold(
                    abs_band=_band(entry, "abs_band", where),
                    rel_band=_band(entry, "rel_band", where),
                    check=entry.get("check", "bar"),
                )
        elif kind == "momentum":
            allocator = RelativeMomentum(
                tuple(_ticker_list(entry["menu"], f"{where}.menu")),
                top_n=ints("top_n", 1),
                lookback=duration("lookback", "12M"),
                skip=duration("skip", 0, minimum=0),
            )
        elif kind == "dual_momentum":
            allocator = DualMomentum(
                tuple(_ticker_list(entry["menu"], f"{where}.menu")),
                safe=text("safe", ""),
                lookback=duration("lookback", "12M"),
                skip=duration("skip", 0, minimum=0),
                top_n=ints("top_n", 1),
                hurdle=text("hurdle", "CASH"),
            )
        elif kind == "target_date":
            from tactical.strategies import TargetDate

            stocks = entry.get("stocks", "SPY")
            bonds = entry.get("bonds", "AGG")
            if isinstance(stocks, dict):
                stocks = _weights(stocks, f"{where}.stocks")
            if isinstance(bonds, dict):
                bonds = _weights(bonds, f"{where}.bonds")
            allocator = TargetDate(
                entry["retirement_year"], stocks=stocks, bonds=bonds, path=entry.get("path")
            )
        else:  # trend
            risky = entry["risky"]
            if isinstance(risky, dict):
                risky = _weights(risky, f"{where}.risky")
            else:
                risky = tuple(_ticker_list(risky, f"{where}.risky"))
            allocator = TrendFilter(
                risky, safe=text("safe", "CASH"), lookback=duration("lookback", "10M")
            )
        schedule = entry.get("schedule", "ME")
        if not isinstance(schedule, str):
            raise ConfigError(f"{where}.schedule: must be an alias such as 'ME', got {schedule!r}")
        offset = entry.get("offset", 0)
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ConfigError(f"{where}.offset: must be a whole number of bars, got {offset!r}")
        strategy = Strategy(
            allocator,
            schedule=schedule,
            rebalance=default_rule,
            offset=offset,
            execution_lag=_lag(entry.get("execution_lag"), f"{where}.execution_lag"),
        )
    except ConfigError as exc:
        message = str(exc)
        if message.startswith("strategies["):
            raise
        raise ConfigError(f"{where}: {message}") from exc
    except TacticalError as exc:  # e.g. WeightsError from check_weights
        raise ConfigError(f"{where}: {exc}") from exc
    return StrategySpec(name=name, kind=kind, strategy=strategy)


# ------------------------------------------------------------------ the account
ACCOUNT_EXAMPLE = """\
# the saver's account (all optional; used by tactical now, and by backtest for payroll)
[payroll]
salary = 90000
frequency = "biweekly"     # weekly | biweekly | semimonthly | monthly
deferral = 0.10            # or a schedule by year: { 2005 = 0.06, 2010 = 0.10 }
raise_rate = 0.03          # on the 1st of raise_month each year
first_payday = "2005-01-07"
birth_date = "1970-06-15"  # enables the age-50 catch-up
true_up = false
flow_rule = "election"     # paychecks buy the target weights; "rebalance": the funds below it

[match]                    # 100% of the first 3% of pay, 50% of the next 2%
tiers = [[1.0, 0.03], [0.5, 0.02]]
nonelective = 0.0

[limits]                   # IRS limits 2000-2026 built in; add later years here
use = "irs"                # or "none"
# [limits.2027]
# deferral = 25000
# catch_up = 8000
# annual_additions = 74000
# compensation = 370000    # 401(a)(17): pay the plan counts (omit: all pay)

[menu]                     # the strategy decides on SPY/AGG/BIL, the account holds plan funds
funds = { SPY = "VFIAX", AGG = "VBMFX", BIL = "VFISX" }
# expense_ratios = { VFIAX = 0.0004 }

[policy]                   # the plan's exchange rules
reentry_days = 30
exempt = ["VFISX"]
fallback = "VFISX"
"""

_PAYROLL_KEYS = {
    "flow_rule",
    "salary",
    "frequency",
    "deferral",
    "raise_rate",
    "raise_month",
    "true_up",
    "first_payday",
    "birth_date",
    "escalation",
    "escalation_cap",
    "extra_paycheck",
    "invest_lag",
    "last_payday",
    "defer_above_pay_limit",
}
_POLICY_PRESETS = ("vanguard", "troweprice", "fidelity")


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: must be a [{key}] table")
    return value


def _checked_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: not a key of [{where}]; it takes {', '.join(sorted(allowed))}"
        )


def _account(data: Mapping[str, Any]) -> AccountSpec:
    """Build the Payroll, PlanMenu and TradingPolicy of the account sections."""
    from tactical.account import Match, Payroll, PlanMenu, TradingPolicy

    def build(where: str, make: Any) -> Any:
        try:
            return make()
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        except TypeError as exc:
            raise ConfigError(f"{where}: {exc}") from exc

    match_table = _table(data, "match")
    match = None
    if match_table is not None:
        _checked_keys(match_table, {"tiers", "nonelective"}, "match")
        match = build(
            "match",
            lambda: Match(match_table.get("tiers", ()), match_table.get("nonelective", 0.0)),
        )
    limits: Any = "irs"
    limits_table = _table(data, "limits")
    if limits_table is not None:
        use = limits_table.get("use", "irs")
        if use not in ("irs", "none"):
            raise ConfigError(f"limits.use: must be 'irs' or 'none', got {use!r}")
        years = {k: v for k, v in limits_table.items() if k != "use"}
        bad = [k for k in years if not str(k).isdigit()]
        if bad:
            raise ConfigError(f"limits.{bad[0]}: not a year; add years as [limits.2027] tables")
        limits = None if use == "none" else (years or "irs")
    payroll = None
    pay = _table(data, "payroll")
    if pay is not None:
        _checked_keys(pay, _PAYROLL_KEYS, "payroll")
        if "salary" not in pay:
            raise ConfigError("payroll.salary: missing (annual salary in dollars)")
        kwargs = dict(pay)
        flow_rule = kwargs.pop("flow_rule", "election")
        if flow_rule not in ("election", "rebalance"):
            raise ConfigError(
                f"payroll.flow_rule: {flow_rule!r} is not 'election' (paychecks buy the target "
                "weights) or 'rebalance' (paychecks buy the funds below target first)"
            )
        deferral = kwargs.get("deferral")
        if isinstance(deferral, Mapping):
            kwargs["deferral"] = {int(k): v for k, v in deferral.items()}
        payroll = build("payroll", lambda: Payroll(match=match, limits=limits, **kwargs))
    elif match_table is not None or limits_table is not None:
        raise ConfigError("[match] and [limits] need a [payroll] table (the salary they apply to)")
    menu = None
    menu_table = _table(data, "menu")
    if menu_table is not None:
        _checked_keys(menu_table, {"funds", "expense_ratios"}, "menu")
        funds = menu_table.get("funds")
        if not isinstance(funds, Mapping):
            raise ConfigError('menu.funds: missing; give funds = { SPY = "VFIAX", ... }')
        menu = build("menu", lambda: PlanMenu(funds, menu_table.get("expense_ratios")))
    policy = None
    policy_table = _table(data, "policy")
    if policy_table is not None:
        fields = set(TradingPolicy.__dataclass_fields__)
        _checked_keys(policy_table, fields | {"preset"}, "policy")
        options = {k: v for k, v in policy_table.items() if k != "preset"}
        for key in ("exempt", "competing"):
            if key in options and isinstance(options[key], list):
                options[key] = tuple(options[key])
        preset = policy_table.get("preset")
        if preset is None:
            policy = build("policy", lambda: TradingPolicy(**options))
        elif preset in _POLICY_PRESETS:
            policy = build("policy", lambda: getattr(TradingPolicy, preset)(**options))
        else:
            raise ConfigError(
                f"policy.preset: {preset!r} is not one of {', '.join(_POLICY_PRESETS)}"
            )
    if payroll is None:
        return AccountSpec(payroll=payroll, menu=menu, policy=policy)
    return AccountSpec(payroll=payroll, menu=menu, policy=policy, flow_rule=flow_rule)


# ------------------------------------------------------------------ scalars
def _string(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: must be a non-empty string, got {value!r}")
    return value


def _number(
    data: Mapping[str, Any], key: str, default: float, *, low: float, strict_low: bool = False
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{key}: must be a number, got {value!r}")
    if value < low or (strict_low and value == low):
        sign = ">" if strict_low else ">="
        raise ConfigError(f"{key}: must be {sign} {low:g}, got {value!r}")
    return float(value)


def _lag(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key}: must be a whole number of bars >= 0, got {value!r}")
    return value


def _date(data: Mapping[str, Any], key: str) -> str | None:
    import datetime as dt

    import pandas as pd

    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):  # TOML dates: start = 2004-01-01
        return value.isoformat()
    if not isinstance(value, str):
        raise ConfigError(f'{key}: must be a date such as "2004-01-01", got {value!r}')
    try:
        pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ConfigError(f'{key}: {value!r} is not a date (write "2004-01-01")') from None
    return value


def _ticker_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f'{key}: must be a list of tickers such as ["SPY", "EFA"]')
    if not all(isinstance(t, str) and t for t in value):
        raise ConfigError(f"{key}: every ticker must be a non-empty string, got {value!r}")
    if len(set(value)) != len(value):
        raise ConfigError(f"{key}: lists a ticker twice: {value}")
    return value


def _weights(value: Any, key: str) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            f"{key}: must be a table of ticker = weight, e.g. {{ SPY = 0.6, AGG = 0.4 }}"
        )
    out: dict[str, float] = {}
    for ticker, w in value.items():
        if isinstance(w, bool) or not isinstance(w, int | float):
            raise ConfigError(f"{key}.{ticker}: weight must be a number, got {w!r}")
        out[ticker] = float(w)
    total = sum(out.values())
    if abs(total - 1.0) > 1e-9:
        raise ConfigError(f"{key}: weights sum to {total:g}, not 1 (give decimals: 0.6 = 60%)")
    return out


def _band(entry: Mapping[str, Any], key: str, where: str) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}.{key}: must be a decimal >= 0 (0.05 = 5 points), got {value!r}")
    return float(value)
