"""A plan's trading rules: re-entry blocks, round-trip limits, redemption fees, equity wash.

Plans restrict exchanges to stop market timing, which is exactly what a
tactical strategy does. :class:`TradingPolicy` states the rules;
``backtest(..., policy=TradingPolicy(...))`` enforces them: before every
trade the engine asks the policy's gate what it may do
(``gate.adjust(t, held, wanted, kind)``), trades to that, and stores every
blocked or changed trade in ``result.blocked``.

The rules and their sources (Vanguard's frequent-trading policy as quoted in
the Bogleheads wiki, with Vanguard's 2015 notice; T. Rowe Price's trading
policies page and its 2011 SEC 497 supplement; Fidelity's excessive-trading
policy; the Stable Value Investment Association, "What is an equity wash"):

* **Re-entry block** (``reentry_days``): after selling or exchanging out of a
  fund, no purchase of it for N calendar days. Vanguard: 30 days (60 until
  September 2015); T. Rowe Price's "30-Day Purchase Block": day 1 is the
  calendar day after the sale (sell Sep 1, buy again Oct 2), only for sales
  above $5,000 (``min_amount=5000``). A sale on day ``d`` blocks purchases on
  every day ``x`` with ``x - d <= N``.
* **Round trips** (``roundtrip_limit``): a purchase followed by a sale of the
  same fund within ``roundtrip_days`` (30) is a round trip; Fidelity blocks
  purchases of a fund for ``roundtrip_block`` (85) days after the *second*
  round trip in it within ``roundtrip_window`` (90) days
  (``roundtrip_limit=2``). Trades of $1,000 or less are exempt there
  (``min_amount=1000``).
* **Redemption fee** (``redemption_fee``, ``redemption_days``): a fee of
  ``x`` of the value of shares sold that were held less than N days, shares
  taken first in, first out. The fee leaves the account (it is a cost).
* **Equity wash** (``stable_value``, ``competing``, ``wash_days``): money
  leaving a stable-value fund may not go straight to a competing option
  (money market, short bond funds): here, in the same exchange the purchase
  of competing funds is cut to what did not come from stable value, and for
  ``wash_days`` (90) calendar days after any stable-value sale all purchases
  of competing funds are blocked (stricter than the rule, which follows the
  money). Exchanges from a competing fund straight into stable value are cut
  the same way.
* **Exempt funds** (``exempt``): money-market funds are exempt from all of
  the above at every plan family; ``"CASH"`` always is.
* **Payroll purchases are exempt** (``payroll_exempt=True``): every family
  above excepts automatic investment plans ("mail and automatic purchases",
  "systematic plans", "automatic investment"), and the DOL requires deferrals
  to be deposited promptly, so a plan cannot hold a paycheck back. Only
  exchanges (``kind="rebalance"``) start blocks or round trips; a blocked
  exchange purchase goes to ``fallback`` (e.g. the strategy's safe fund or
  the money-market fund) or, with ``fallback=None``, stays where it is (the
  sale that would have paid for it is cut pro rata).

Examples
--------
>>> import numpy as np, pandas as pd
>>> gate = TradingPolicy(reentry_days=30).start(("SPY", "AGG", "CASH"),
...                                             pd.bdate_range("2024-01-01", periods=40))
>>> gate.adjust(0, np.array([100.0, 0, 0]), np.array([0.0, 100, 0]), "rebalance").tolist()
[0.0, 100.0, 0.0]
>>> gate.adjust(10, np.array([0.0, 100, 0]), np.array([100.0, 0, 0]), "rebalance").tolist()
[0.0, 100.0, 0.0]
>>> gate.adjust(25, np.array([0.0, 100, 0]), np.array([100.0, 0, 0]), "rebalance").tolist()
[100.0, 0.0, 0.0]
>>> gate.events()[["fund", "rule", "amount"]].to_dict("records")
[{'fund': 'SPY', 'rule': 'reentry', 'amount': 100.0}]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tactical._typing import CASH
from tactical.errors import ConfigError, PolicyWarning

__all__ = ["TradingPolicy", "PolicyGate", "TRADE_KINDS", "EVENT_COLUMNS"]

TRADE_KINDS = ("initial", "rebalance", "contribution", "withdrawal")
"""The kinds of trade the engine asks a gate about."""

EVENT_COLUMNS = ["date", "fund", "rule", "amount", "detail"]
"""Columns of :meth:`PolicyGate.events` (and of ``BacktestResult.blocked``)."""

_EPS = 1e-9  # relative to the account value: smaller differences are not trades
_OLD = -1e18  # the day of a merged lot of shares held longer than the fee period


def _days(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ConfigError(f"{name} must be a whole number of calendar days >= 0, got {value!r}")
    return int(value)


def _names(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    try:
        out = tuple(value)
    except TypeError:
        raise ConfigError(f"{name} must be a ticker or a list of tickers, got {value!r}") from None
    if not all(isinstance(v, str) and v for v in out):
        raise ConfigError(f"{name} must be ticker names, got {value!r}")
    return out


@dataclass(frozen=True, slots=True)
class TradingPolicy:
    """A plan's exchange rules, enforced by the backtest on every trade.

    Parameters
    ----------
    reentry_days : int, default 0
        Calendar days after a sale during which the fund cannot be bought
        (0: no rule; Vanguard and T. Rowe Price: 30).
    roundtrip_limit : int, default 0
        Round trips in one fund within ``roundtrip_window`` days that trigger
        a purchase block of ``roundtrip_block`` days (0: no rule; Fidelity: 2).
    roundtrip_days : int, default 30
        A purchase followed by a sale within this many days is a round trip.
    roundtrip_window : int, default 90
    roundtrip_block : int, default 85
    redemption_fee : float, default 0.0
        Fee (decimal: 0.01 = 1%) on the value of shares sold that were held
        less than ``redemption_days`` calendar days (first in, first out).
    redemption_days : int, default 0
    exempt : sequence of str, default ()
        Funds no rule applies to (money-market funds); ``"CASH"`` always is.
    payroll_exempt : bool, default True
        Contributions (payroll purchases) are never blocked; see the module
        docstring for why. False blocks them like exchanges.
    fallback : str, optional
        Where a blocked purchase goes (the strategy's safe fund, a money-market
        fund, ``"CASH"``); None leaves the money where it is. A fallback that
        is blocked itself also leaves it; one the strategy does not hold
        leaves it too, with a :class:`~tactical.errors.PolicyWarning` when
        the run starts.
    min_amount : float, default 0.0
        Sales of at most this many dollars start no block and no round trip
        (T. Rowe Price: 5,000; Fidelity: 1,000).
    stable_value : str, optional
        The stable-value fund subject to an equity wash.
    competing : sequence of str, default ()
        Funds competing with it (money market, short-term bond funds).
    wash_days : int, default 90

    Examples
    --------
    >>> TradingPolicy(reentry_days=30)
    TradingPolicy(reentry_days=30)
    >>> TradingPolicy.fidelity().roundtrip_block
    85
    """

    reentry_days: int = 0
    roundtrip_limit: int = 0
    roundtrip_days: int = 30
    roundtrip_window: int = 90
    roundtrip_block: int = 85
    redemption_fee: float = 0.0
    redemption_days: int = 0
    exempt: tuple[str, ...] = ()
    payroll_exempt: bool = True
    fallback: str | None = None
    min_amount: float = 0.0
    stable_value: str | None = None
    competing: tuple[str, ...] = field(default_factory=tuple)
    wash_days: int = 90

    def __post_init__(self) -> None:
        for name in (
            "reentry_days",
            "roundtrip_limit",
            "roundtrip_days",
            "roundtrip_window",
            "roundtrip_block",
            "redemption_days",
            "wash_days",
        ):
            object.__setattr__(self, name, _days(getattr(self, name), name))
        fee = self.redemption_fee
        if isinstance(fee, bool) or not isinstance(fee, int | float) or not 0 <= fee < 1:
            raise ConfigError(
                f"redemption_fee must be a decimal in [0, 1) (0.02 = 2%), got {fee!r}"
            )
        object.__setattr__(self, "redemption_fee", float(fee))
        if fee and not self.redemption_days:
            raise ConfigError("redemption_fee needs redemption_days (how young a share pays it)")
        object.__setattr__(self, "exempt", _names(self.exempt, "exempt"))
        object.__setattr__(self, "competing", _names(self.competing, "competing"))
        if self.fallback is not None and not (isinstance(self.fallback, str) and self.fallback):
            raise ConfigError(f"fallback must be a ticker or None, got {self.fallback!r}")
        if self.stable_value is not None and not isinstance(self.stable_value, str):
            raise ConfigError(f"stable_value must be a ticker or None, got {self.stable_value!r}")
        if self.competing and self.stable_value is None:
            raise ConfigError("competing funds need stable_value (the fund they compete with)")
        if self.stable_value in self.competing:
            raise ConfigError(f"{self.stable_value!r} is both stable_value and competing")
        amount = self.min_amount
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            raise ConfigError(f"min_amount must be a dollar amount >= 0, got {amount!r}")
        object.__setattr__(self, "payroll_exempt", bool(self.payroll_exempt))

    @classmethod
    def vanguard(cls, **overrides: Any) -> TradingPolicy:
        """Vanguard's frequent-trading policy: 30-day re-entry block (since September 2015)."""
        return cls(**{"reentry_days": 30, **overrides})

    @classmethod
    def troweprice(cls, **overrides: Any) -> TradingPolicy:
        """T. Rowe Price's 30-day purchase block, started by sales over $5,000."""
        return cls(**{"reentry_days": 30, "min_amount": 5_000.0, **overrides})

    @classmethod
    def fidelity(cls, **overrides: Any) -> TradingPolicy:
        """Fidelity: a second round trip within 90 days blocks purchases for 85 days."""
        defaults = {
            "roundtrip_limit": 2,
            "roundtrip_days": 30,
            "roundtrip_window": 90,
            "roundtrip_block": 85,
            "min_amount": 1_000.0,
        }
        return cls(**{**defaults, **overrides})

    def start(self, holdings: Sequence[str], index: pd.DatetimeIndex) -> PolicyGate:
        """A fresh gate for one run over ``index`` with ``holdings`` (last: ``"CASH"``)."""
        return PolicyGate(self, tuple(holdings), pd.DatetimeIndex(index))

    def __repr__(self) -> str:
        parts = []
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value != self.__dataclass_fields__[name].default and not (
                name == "competing" and value == ()
            ):
                parts.append(f"{name}={value!r}")
        return f"TradingPolicy({', '.join(parts)})"


class PolicyGate:
    """The running state of a :class:`TradingPolicy` over one backtest.

    Made by :meth:`TradingPolicy.start`; the engine calls :meth:`adjust`
    before every trade and :meth:`events` at the end.

    Notes
    -----
    Share lots are tracked as fractions of each position (all shares of a
    fund have the same price, so a fraction of the value is a fraction of the
    shares): a purchase ``b`` into a position worth ``h`` scales the old lots
    by ``h / (h + b)`` and adds a lot ``b / (h + b)``; a sale of ``s`` removes
    the fraction ``s / h`` oldest first.
    """

    def __init__(self, policy: TradingPolicy, holdings: tuple[str, ...], index: pd.DatetimeIndex):
        if not holdings:
            raise ConfigError("a policy gate needs the holdings' names")
        self.policy = policy
        self.holdings = holdings
        self.index = index
        self.day = index.to_numpy().astype("datetime64[D]").astype(np.int64)
        self.k = len(holdings)
        self.pos = {h: i for i, h in enumerate(holdings)}
        exempt = set(policy.exempt) | {CASH}
        self.exempt = np.array([h in exempt for h in holdings])
        self.until: list[dict[str, int]] = [{} for _ in holdings]  # rule -> last blocked day
        self.buys: list[list[int]] = [[] for _ in holdings]  # exchange purchase days
        self.trips: list[list[int]] = [[] for _ in holdings]  # round-trip days
        self.lots: list[list[list[float]]] = [[] for _ in holdings]  # [day, fraction]
        self._events: list[tuple[int, str, str, float, str]] = []
        sv = policy.stable_value
        self.sv = self.pos.get(sv) if sv is not None else None
        self.competing = np.array([h in policy.competing for h in holdings])
        fb = policy.fallback
        self.fallback = self.pos.get(fb) if fb is not None else None
        if fb is not None and self.fallback is None:
            warnings.warn(
                f"{policy!r}: the fallback {fb!r} is not among the holdings "
                f"({', '.join(holdings)}), so a blocked purchase stays where it is; use one "
                "of them (the strategy's safe fund, or 'CASH'), or fallback=None to say so",
                PolicyWarning,
                stacklevel=3,
            )
        self.track_lots = policy.redemption_fee > 0
        self.wash = self.sv is not None and bool(self.competing.any())
        self.last_block = -(2**62)  # the latest day any block runs to (none yet)
        # trade kinds the gate has nothing to do for: it answers them with `wanted`
        lots = self.track_lots
        self._watch = {
            "initial": lots,
            "rebalance": True,
            "contribution": lots or not policy.payroll_exempt,
            "withdrawal": lots,
        }

    # ----------------------------------------------------------------- queries
    def watches(self, kind: str) -> bool:
        """Whether trades of ``kind`` can be changed or change the gate's state.

        False for payroll purchases when they are exempt and no redemption
        fee tracks share lots (and for the initial purchase and withdrawals
        without lots): :meth:`adjust` then returns ``wanted`` as it is, so an
        engine may skip the call.

        Examples
        --------
        >>> gate = TradingPolicy(reentry_days=30).start(("A", "CASH"),
        ...                                             pd.bdate_range("2024-01-01", periods=5))
        >>> gate.watches("contribution"), gate.watches("rebalance")
        (False, True)
        """
        if kind not in TRADE_KINDS:
            raise ConfigError(f"unknown trade kind {kind!r}; use one of {TRADE_KINDS}")
        return self._watch[kind]

    def block(self, fund: int, day: int) -> tuple[str, int] | None:
        """The rule blocking purchases of ``fund`` on ``day`` and its last day, or None."""
        if self.exempt[fund]:
            return None
        best: tuple[str, int] | None = None
        for rule, last in self.until[fund].items():
            if day <= last and (best is None or last > best[1]):
                best = (rule, last)
        return best

    def blocked_at(self, t: int) -> dict[str, tuple[str, pd.Timestamp]]:
        """Funds blocked from purchase at position ``t``: fund -> (rule, last blocked day).

        Examples
        --------
        >>> gate = TradingPolicy(reentry_days=30).start(("A", "CASH"),
        ...                                             pd.bdate_range("2024-01-01", periods=5))
        >>> _ = gate.adjust(0, np.array([10.0, 0]), np.array([0.0, 10]), "rebalance")
        >>> gate.blocked_at(4)
        {'A': ('reentry', Timestamp('2024-01-31 00:00:00'))}
        """
        day = int(self.day[t])
        out: dict[str, tuple[str, pd.Timestamp]] = {}
        for i, name in enumerate(self.holdings):
            hit = self.block(i, day)
            if hit is not None:
                out[name] = (hit[0], pd.Timestamp(np.datetime64(hit[1], "D")))
        return out

    def events(self) -> pd.DataFrame:
        """Every blocked or changed trade: date, fund, rule, amount (dollars), detail."""
        frame = pd.DataFrame(self._events, columns=EVENT_COLUMNS)
        frame["amount"] = frame["amount"].astype(float)
        positions = frame["date"].to_numpy(dtype=np.int64)
        frame["date"] = pd.DatetimeIndex(self.index[positions])
        return frame

    # ----------------------------------------------------------------- the call
    def adjust(self, t: int, held: np.ndarray, wanted: np.ndarray, kind: str) -> np.ndarray:
        """Post-trade values the plan allows, given pre-trade ``held`` and desired ``wanted``.

        Parameters
        ----------
        t : int
            Position of the trade date in the gate's index.
        held, wanted : numpy.ndarray
            Values by holding before and (desired) after the trade; same total.
        kind : {"initial", "rebalance", "contribution", "withdrawal"}

        Returns
        -------
        numpy.ndarray
            Allowed post-trade values: the same total as ``held``, or less by
            the redemption fees charged.
        """
        watched = self._watch.get(kind)
        if watched is None:
            raise ConfigError(f"unknown trade kind {kind!r}; use one of {TRADE_KINDS}")
        held = np.asarray(held, dtype=float)
        wanted = np.asarray(wanted, dtype=float)
        if held.shape != (self.k,) or wanted.shape != (self.k,):
            raise ConfigError(
                f"held and wanted must have one value per holding ({self.k}), "
                f"got {held.shape} and {wanted.shape}"
            )
        if not watched:
            return wanted.copy()
        day = int(self.day[t])
        date = t  # events store positions; events() turns them into dates
        eps = _EPS * max(float(held.sum()), 1.0)
        allowed = wanted.copy()
        subject = kind == "rebalance" or (kind == "contribution" and not self.policy.payroll_exempt)
        if subject:
            self._gate_purchases(allowed, held, day, date, eps)
        if self.policy.redemption_fee and kind in ("rebalance", "withdrawal"):
            self._charge_fees(allowed, held, day, date, eps)
        self._update(allowed, held, day, kind, eps)
        return allowed

    def _gate_purchases(
        self, allowed: np.ndarray, held: np.ndarray, day: int, date: int, eps: float
    ) -> None:
        if not self.wash and day > self.last_block:  # no block in force, none can start here
            return
        diff = allowed - held
        cuts: dict[int, tuple[float, str, str]] = {}
        for i, d in enumerate(diff.tolist()):
            hit = self.block(i, day) if d > eps else None
            if hit is not None:
                until = pd.Timestamp(np.datetime64(hit[1], "D")).date()
                detail = {
                    "reentry": f"sold within {self.policy.reentry_days} days; "
                    f"blocked until {until}",
                    "round_trip": f"{self.policy.roundtrip_limit} round trips within "
                    f"{self.policy.roundtrip_window} days; blocked until {until}",
                    "equity_wash": f"stable value sold within {self.policy.wash_days} days; "
                    f"blocked until {until}",
                }[hit[0]]
                cuts[i] = (d, hit[0], detail)
        if not cuts and not self.wash:  # nothing bought is blocked
            return
        stay = 0.0
        sold = np.maximum(-diff, 0.0)
        sold[sold <= eps] = 0.0
        # equity wash inside this exchange: stable value <-> competing funds (a block on
        # the same fund, found above, takes precedence: it cuts the whole purchase)
        if self.wash:
            assert self.sv is not None
            sv = self.sv
            buys_c = np.where(self.competing & (diff > eps), diff, 0.0)
            if sold[sv] > 0 and buys_c.sum() > 0:
                cut = min(sold[sv], buys_c.sum())
                for c in np.flatnonzero(buys_c):
                    cuts.setdefault(
                        int(c),
                        (
                            cut * buys_c[c] / buys_c.sum(),
                            "equity_wash",
                            f"money from {self.holdings[sv]} cannot go straight to a "
                            "competing fund",
                        ),
                    )
            from_c = float(sold[self.competing].sum())
            if diff[sv] > eps and from_c > 0:
                cuts.setdefault(
                    sv,
                    (
                        min(float(diff[sv]), from_c),
                        "equity_wash",
                        "money from a competing fund cannot go straight to stable value",
                    ),
                )
        for i, (amount, rule, detail) in sorted(cuts.items()):
            amount = min(amount, float(allowed[i] - held[i]))
            if amount <= eps:
                continue
            allowed[i] -= amount
            fb = self.fallback
            if fb is not None and fb != i and fb not in cuts and self.block(fb, day) is None:
                allowed[fb] += amount
                where = f"; moved to {self.holdings[fb]}"
            else:
                stay += amount
                where = "; left where it was"
            self._events.append((date, self.holdings[i], rule, amount, detail + where))
        if stay > 0:
            total = sold.sum()
            if total > 0:
                allowed += stay * sold / total
            else:  # nothing was sold: the money came in as cash and stays there
                allowed[-1] += stay

    def _charge_fees(
        self, allowed: np.ndarray, held: np.ndarray, day: int, date: int, eps: float
    ) -> None:
        policy = self.policy
        fees = np.zeros(self.k)
        for j in np.flatnonzero(held - allowed > eps):
            i = int(j)
            if self.exempt[i] or held[i] <= 0:
                continue
            frac = min((held[i] - allowed[i]) / held[i], 1.0)
            young = 0.0
            for lot_day, share in self.lots[i]:
                take = min(share, frac)
                if day - lot_day < policy.redemption_days:
                    young += take
                frac -= take
                if frac <= 1e-15:
                    break
            fee = policy.redemption_fee * young * held[i]
            if fee > eps * 1e-3:
                fees[i] = fee
                self._events.append(
                    (
                        date,
                        self.holdings[i],
                        "redemption_fee",
                        float(fee),
                        f"{policy.redemption_fee:.2%} on {young * held[i]:,.2f} of shares held "
                        f"under {policy.redemption_days} days",
                    )
                )
        total = float(fees.sum())
        if total <= 0:
            return
        # the fee comes out of what the trade buys (pro rata to those funds' post-trade
        # values), else out of every fund still held; never out of money leaving the account
        post = np.maximum(allowed, 0.0)
        base = np.where(allowed - held > 0, post, 0.0)
        if base.sum() < total:
            base = post
        allowed -= total * base / base.sum()
        np.maximum(allowed, 0.0, out=allowed)

    def _update(
        self, allowed: np.ndarray, held: np.ndarray, day: int, kind: str, eps: float
    ) -> None:
        policy = self.policy
        rebalance = kind == "rebalance"
        lots = self.track_lots
        if not (lots or rebalance):
            return
        exempt = self.exempt.tolist()
        before = held.tolist()
        for i, d in enumerate((allowed - held).tolist()):
            if d > eps:
                if lots and not exempt[i] and before[i] + d > 0:
                    self._buy_lots(i, max(before[i], 0.0), d, day)
                if rebalance and policy.roundtrip_limit:
                    recent = [b for b in self.buys[i] if day - b <= policy.roundtrip_days]
                    self.buys[i] = [*recent, day]
            elif d < -eps:
                if lots and not exempt[i]:
                    self._sell_lots(i, -d / before[i] if before[i] > 0 else 1.0)
                if not rebalance or exempt[i] or -d <= policy.min_amount:
                    continue
                marks = self.until[i]
                if policy.reentry_days:
                    end = day + policy.reentry_days
                    marks["reentry"] = max(marks.get("reentry", day), end)
                    self.last_block = max(self.last_block, end)
                if policy.roundtrip_limit:
                    recent = [b for b in self.buys[i] if day - b <= policy.roundtrip_days]
                    if recent:
                        self.buys[i] = []  # these purchases are paired with this sale
                        self.trips[i].append(day)
                        window = [x for x in self.trips[i] if day - x < policy.roundtrip_window]
                        self.trips[i] = window
                        if len(window) >= policy.roundtrip_limit:
                            end = day + policy.roundtrip_block
                            marks["round_trip"] = max(marks.get("round_trip", day), end)
                            self.last_block = max(self.last_block, end)
                if self.sv == i:
                    end = day + policy.wash_days
                    for c in np.flatnonzero(self.competing):
                        mc = self.until[int(c)]
                        mc["equity_wash"] = max(mc.get("equity_wash", day), end)
                    self.last_block = max(self.last_block, end)

    def _buy_lots(self, i: int, held: float, bought: float, day: int) -> None:
        """Add a lot; lots already past the fee period merge into one (speed only)."""
        total = held + bought
        keep = held / total if total > 0 else 0.0
        old = 0.0
        lots: list[list[float]] = []
        for lot_day, share in self.lots[i]:
            if day - lot_day >= self.policy.redemption_days:
                old += share * keep
            else:
                lots.append([lot_day, share * keep])
        head = [[_OLD, old]] if old > 0 else []
        self.lots[i] = [*head, *lots, [float(day), bought / total]]

    def _sell_lots(self, i: int, frac: float) -> None:
        frac = min(max(frac, 0.0), 1.0)
        if frac >= 1.0 - 1e-12:
            self.lots[i] = []
            return
        left = frac
        lots = []
        for lot_day, share in self.lots[i]:
            take = min(share, left)
            left -= take
            if share - take > 1e-15:
                lots.append([lot_day, share - take])
        scale = sum(s for _, s in lots)
        self.lots[i] = [[d, s / scale] for d, s in lots] if scale > 0 else []
