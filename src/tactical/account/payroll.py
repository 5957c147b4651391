"""Paychecks into a 401(k): pay, deferral, employer match, IRS limits, dated to trading days.

:class:`Payroll` turns a salary and a plan's rules into dated contributions
that :func:`tactical.backtest` invests (``initial=0, cashflows=...``).

How each paycheck is computed, in order (all amounts rounded half-up to the
cent, as payroll does):

1. **Paydays.** ``weekly`` and ``biweekly`` paydays repeat every 7 or 14
   calendar days from ``first_payday`` (default: the first Friday on or after
   the first date of the data), so a calendar year holds 52 or 53 weekly and
   26 or 27 biweekly paydays. ``semimonthly`` pays on the 15th and the last
   day of each month, ``monthly`` on the last day. A payday that is not a
   trading day is invested on the next trading day (plus ``invest_lag``
   trading days); the *calendar* payday decides the plan year for the limits.
2. **Pay.** ``salary / periods`` with periods 52, 26, 24 or 12. In a
   27-paycheck biweekly year (or a 53-paycheck weekly year) each paycheck is
   still ``salary / 26`` by default (``extra_paycheck="extra"``: the year pays
   27/26 of the salary, how most salaried payrolls work); ``"spread"`` divides
   the salary by that year's number of paydays instead. The salary grows by
   ``raise_rate`` on the 1st of ``raise_month`` each year after the first
   payday.
3. **Deferral.** ``pay * rate`` where the rate is ``deferral`` (a number, or
   a mapping year -> rate; a year takes the latest rate given for it or an
   earlier year), plus ``escalation`` per year since the first payday, capped
   at ``escalation_cap``.
4. **Limits** (:mod:`tactical.account.limits`): the plan counts pay up to
   the 401(a)(17) compensation limit, year to date (``plan_pay``: the
   paycheck that crosses it counts the part below it, later ones count 0);
   the deferral rate applies to that counted pay (to all pay with
   ``defer_above_pay_limit=True``). Deferrals stop at 402(g) in the calendar
   year, plus the 414(v) catch-up from the year the saver turns 50
   (``birth_date`` needed; the larger 60-63 amount from 2025). Deferrals up
   to 402(g) and employer money count toward 415(c); catch-up does not.
5. **Employer.** The :class:`~tactical.account.Match` on *this paycheck's*
   counted pay and deferral (so the match stops when deferrals stop at the
   limit, and on pay above 401(a)(17)), plus the non-elective share of the
   counted pay, cut at the 415(c) room left.
6. **True-up** (``true_up=True``): after each calendar year, the match is
   recomputed on the year's total counted pay and deferrals; the shortfall
   (within 415(c)) is paid on the first trading day of the next year.

Examples
--------
>>> import pandas as pd
>>> from tactical.account import Match, Payroll
>>> days = pd.bdate_range("2024-01-01", "2024-12-31")
>>> pay = Payroll(78_000, "biweekly", deferral=0.10, match=Match([(1.0, 0.03), (0.5, 0.02)]))
>>> flows = pay.contributions(days)
>>> len(flows), float(flows["employee"].iloc[0]), float(flows["employer"].iloc[0])
(26, 300.0, 120.0)
>>> float(flows["total"].sum())
10920.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical._typing import DateLike
from tactical.account.limits import Limits, catch_up_limit, limits_for
from tactical.account.match import Match
from tactical.errors import ConfigError

__all__ = ["Payroll", "FREQUENCIES"]

FREQUENCIES: Mapping[str, int] = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}
"""Pay frequencies and their nominal paychecks per year."""

_PAYCHECK_COLUMNS = [
    "payday",
    "year",
    "pay",
    "plan_pay",
    "deferral_rate",
    "employee",
    "catch_up",
    "match",
    "nonelective",
    "true_up",
    "employer",
    "total",
    "limit_reached",
]


def _cents(x: float) -> float:
    """Round half-up to the cent on the decimal value Python prints (2.675 -> 2.68).

    The binary value of ``x * 100`` decides unless it is within 1e-6 of a
    half cent; those near-ties are settled on the printed decimal.
    """
    q = float(x) * 100.0 + 0.5
    r = math.floor(q)
    if q - r > 1e-6 and r + 1 - q > 1e-6:
        return r / 100.0
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _date(value: DateLike | None, what: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).normalize()
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{what} {value!r} is not a date") from exc


def _rate(value: Any, what: str) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{what} must be a decimal share of pay, got {value!r}") from None
    if not 0 <= rate <= 1:
        raise ConfigError(
            f"{what} must be between 0 and 1 (a decimal share of pay: 0.10 = 10%), got {value!r}"
        )
    return rate


def _limits_table(value: Any) -> tuple[str, Mapping[int, Limits] | None]:
    if value is None:
        return "none", None
    if isinstance(value, str):
        if value.lower() == "irs":
            return "irs", None
        if value.lower() == "none":
            return "none", None
        raise ConfigError(f"limits must be 'irs', None or a mapping year -> Limits, got {value!r}")
    if not isinstance(value, Mapping):
        raise ConfigError(f"limits must be 'irs', None or a mapping year -> Limits, got {value!r}")
    table: dict[int, Limits] = {}
    for year, row in value.items():
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise ConfigError(f"limits: {year!r} is not a year") from None
        if isinstance(row, Limits):
            table[y] = row
        elif isinstance(row, Mapping):
            try:
                table[y] = Limits(**row)
            except TypeError as exc:
                raise ConfigError(
                    f"limits[{y}]: {exc}; keys are deferral, catch_up, annual_additions, "
                    "catch_up_60_63, pay_share, compensation"
                ) from None
        else:
            raise ConfigError(f"limits[{y}] must be a Limits or a mapping, got {row!r}")
    return "irs", table


@dataclass(frozen=True, slots=True, init=False)
class Payroll:
    """A saver's paychecks and the employer's contributions to a 401(k).

    Parameters
    ----------
    salary : float
        Annual salary in dollars at the first payday (> 0).
    frequency : {"weekly", "biweekly", "semimonthly", "monthly"}, default "biweekly"
    deferral : float or mapping of int to float, default 0.10
        Employee deferral as a decimal share of pay, or a schedule by year
        (``{2005: 0.06, 2010: 0.10}``; each year takes the latest rate at or
        before it; years before the first key defer nothing).
    raise_rate : float, default 0.0
        Yearly salary raise (decimal), applied on the 1st of ``raise_month``.
    match : Match, optional
        Employer match and non-elective formula; None pays no employer money.
    true_up : bool, default False
        Recompute each year's match on the year's totals and pay the shortfall
        on the first trading day of the next year.
    first_payday : date-like, optional
        First paycheck (weekly/biweekly anchor); default the first Friday (or
        15th / month end for semimonthly / monthly) on or after the data's
        first date. A date before the data is an error.
    birth_date : date-like, optional
        Enables the 414(v) catch-up from the year the saver turns 50.
    limits : "irs", None or mapping of int to Limits, default "irs"
        ``"irs"``: :data:`~tactical.account.limits.IRS_LIMITS` (2000-2026); a
        mapping adds or overrides years (``Limits`` or dicts of its fields);
        None applies no limit.
    raise_month : int, default 1
        Month (1-12) of the yearly raise.
    escalation : float, default 0.0
        Added to the deferral rate each calendar year after the first payday
        (automatic escalation, e.g. 0.01 = 1 point a year).
    escalation_cap : float, default 1.0
        Highest rate escalation reaches (plans commonly stop at 0.10-0.15).
    extra_paycheck : {"extra", "spread"}, default "extra"
        Pay per paycheck in a 27-paycheck (53 weekly) year: ``salary / 26``
        each (``"extra"``) or ``salary / 27`` (``"spread"``).
    invest_lag : int, default 0
        Trading days from payday to investment (a plan deposits deferrals
        within days; the DOL's small-plan safe harbor is 7 business days).
    last_payday : date-like, optional
        No paychecks after this date (leaving the job).
    defer_above_pay_limit : bool, default False
        False: the deferral rate applies to the pay the plan counts, so
        deferrals stop with it at the 401(a)(17) compensation limit. True: it
        applies to all pay (plans differ here); the match and non-elective
        money stop at the limit either way.

    Notes
    -----
    The formulas, step by step, are in :mod:`tactical.account.payroll`.
    Output amounts are cents; the match per paycheck follows
    :meth:`Match.matched`. Matches the per-period examples of
    thefinancebuff.com ("401k match every payroll, true-up").

    Examples
    --------
    >>> Payroll(90_000, "semimonthly", deferral=0.06).frequency
    'semimonthly'
    """

    salary: float
    frequency: str
    deferral: float | tuple[tuple[int, float], ...]
    raise_rate: float
    match: Match | None
    true_up: bool
    first_payday: pd.Timestamp | None
    birth_date: pd.Timestamp | None
    limits: str
    limit_table: tuple[tuple[int, Limits], ...]
    raise_month: int
    escalation: float
    escalation_cap: float
    extra_paycheck: str
    invest_lag: int
    last_payday: pd.Timestamp | None
    defer_above_pay_limit: bool

    def __init__(
        self,
        salary: float,
        frequency: str = "biweekly",
        deferral: float | Mapping[int, float] = 0.10,
        raise_rate: float = 0.0,
        match: Match | None = None,
        true_up: bool = False,
        first_payday: DateLike | None = None,
        birth_date: DateLike | None = None,
        limits: str | Mapping[int, Limits | Mapping[str, float]] | None = "irs",
        *,
        raise_month: int = 1,
        escalation: float = 0.0,
        escalation_cap: float = 1.0,
        extra_paycheck: Literal["extra", "spread"] = "extra",
        invest_lag: int = 0,
        last_payday: DateLike | None = None,
        defer_above_pay_limit: bool = False,
    ) -> None:
        try:
            pay = float(salary)
        except (TypeError, ValueError):
            raise ConfigError(f"salary must be a number of dollars, got {salary!r}") from None
        if not math.isfinite(pay) or pay <= 0:
            raise ConfigError(f"salary must be a positive number of dollars a year, got {salary!r}")
        if frequency not in FREQUENCIES:
            raise ConfigError(
                f"unknown pay frequency {frequency!r}; use one of {list(FREQUENCIES)}"
            )
        rate: float | tuple[tuple[int, float], ...]
        if isinstance(deferral, Mapping):
            if not deferral:
                raise ConfigError("deferral schedule is empty; give {year: rate, ...}")
            items = []
            for year, r in deferral.items():
                try:
                    y = int(year)
                except (TypeError, ValueError):
                    raise ConfigError(f"deferral schedule key {year!r} is not a year") from None
                items.append((y, _rate(r, f"deferral for {y}")))
            rate = tuple(sorted(items))
        else:
            rate = _rate(deferral, "deferral")
        try:
            growth = float(raise_rate)
        except (TypeError, ValueError):
            raise ConfigError(f"raise_rate must be a decimal, got {raise_rate!r}") from None
        if not math.isfinite(growth) or growth <= -1 or growth > 1:
            raise ConfigError(f"raise_rate must be a decimal in (-1, 1], got {raise_rate!r}")
        if match is not None and not isinstance(match, Match):
            raise ConfigError(f"match must be a Match(...) or None, got {match!r}")
        if isinstance(raise_month, bool) or raise_month not in range(1, 13):
            raise ConfigError(f"raise_month must be a month number 1-12, got {raise_month!r}")
        esc = float(escalation)
        if not 0 <= esc <= 1:
            raise ConfigError(f"escalation must be a decimal in [0, 1], got {escalation!r}")
        cap = _rate(escalation_cap, "escalation_cap")
        if extra_paycheck not in ("extra", "spread"):
            raise ConfigError(f"extra_paycheck must be 'extra' or 'spread', got {extra_paycheck!r}")
        if isinstance(invest_lag, bool) or not isinstance(invest_lag, int) or invest_lag < 0:
            raise ConfigError(
                f"invest_lag must be a whole number of trading days >= 0, got {invest_lag!r}"
            )
        kind, table = _limits_table(limits)
        fields: dict[str, Any] = {
            "salary": pay,
            "frequency": frequency,
            "deferral": rate,
            "raise_rate": growth,
            "match": match,
            "true_up": bool(true_up),
            "first_payday": _date(first_payday, "first_payday"),
            "birth_date": _date(birth_date, "birth_date"),
            "limits": kind,
            "limit_table": tuple(sorted((table or {}).items())),
            "raise_month": int(raise_month),
            "escalation": esc,
            "escalation_cap": cap,
            "extra_paycheck": extra_paycheck,
            "invest_lag": invest_lag,
            "last_payday": _date(last_payday, "last_payday"),
            "defer_above_pay_limit": bool(defer_above_pay_limit),
        }
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    # ----------------------------------------------------------------- schedule
    def _anchor(self, first: pd.Timestamp) -> pd.Timestamp:
        if self.first_payday is not None:
            return self.first_payday
        if self.frequency in ("weekly", "biweekly"):
            return first + pd.Timedelta(days=(4 - first.day_of_week) % 7)  # Friday
        month_end = first + pd.offsets.MonthEnd(0)
        if self.frequency == "semimonthly" and first.day <= 15:
            return first.replace(day=15)
        return month_end

    def paydays(self, start: DateLike, end: DateLike) -> pd.DatetimeIndex:
        """Calendar paydays from the first payday (or ``start``) through ``end``.

        Examples
        --------
        >>> Payroll(52_000, "semimonthly").paydays("2024-02-01", "2024-03-31").day.tolist()
        [15, 29, 15, 31]
        """
        first = pd.Timestamp(start).normalize()
        stop = pd.Timestamp(end).normalize()
        anchor = self._anchor(first)
        if self.frequency in ("weekly", "biweekly"):
            step = 7 if self.frequency == "weekly" else 14
            days = pd.date_range(anchor, stop, freq=f"{step}D")
        else:
            ends = pd.date_range(anchor.replace(day=1), stop + pd.offsets.MonthEnd(0), freq="ME")
            if self.frequency == "monthly":
                days = ends
            else:
                mids = ends - pd.offsets.MonthBegin(1) + pd.Timedelta(days=14)
                days = mids.append(ends).sort_values()
            days = days[(days >= anchor) & (days <= stop)]
        if self.last_payday is not None:
            days = days[days <= self.last_payday]
        return pd.DatetimeIndex(days, name="payday")

    def _paydays_per_year(self, days: pd.DatetimeIndex) -> dict[int, int]:
        """Paydays in each whole calendar year on the payroll's calendar (for ``"spread"``).

        Counted on the full grid, so a payroll starting or ending mid-year still
        divides the salary by that year's 26 or 27 (52 or 53) paydays.
        """
        if self.frequency not in ("weekly", "biweekly"):
            return {int(y): FREQUENCIES[self.frequency] for y in np.unique(days.year)}
        step = 7 if self.frequency == "weekly" else 14
        first, last = int(days[0].year), int(days[-1].year)
        back = (days[0] - pd.Timestamp(year=first, month=1, day=1)).days // step + 1
        grid = pd.date_range(
            days[0] - pd.Timedelta(days=step * back),
            pd.Timestamp(year=last, month=12, day=31),
            freq=f"{step}D",
        )
        years, n = np.unique(grid.year, return_counts=True)
        return {int(y): int(c) for y, c in zip(years, n, strict=True) if first <= y <= last}

    def _rate_for(self, year: int, first_year: int) -> float:
        if isinstance(self.deferral, tuple):
            rate = 0.0
            for y, r in self.deferral:
                if y <= year:
                    rate = r
            return rate
        rate = self.deferral
        if self.escalation:
            rate = min(rate + self.escalation * (year - first_year), max(self.escalation_cap, rate))
        return rate

    def _table(self) -> Mapping[int, Limits]:
        return dict(self.limit_table)

    # ----------------------------------------------------------------- money
    def paychecks(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Every paycheck (and true-up) invested inside ``index``, one row each.

        Parameters
        ----------
        index : pandas.DatetimeIndex
            Trading days (the prices' index).

        Returns
        -------
        pandas.DataFrame
            Indexed by the trading day invested (``date``; not unique when a
            true-up falls on a payday), columns ``payday`` (calendar date),
            ``year`` (the plan year whose limits apply: a true-up belongs to
            the year it corrects), ``pay``, ``plan_pay`` (the part of
            ``pay`` the plan counts under 401(a)(17)), ``deferral_rate``, ``employee``,
            ``catch_up`` (the part of ``employee`` above 402(g) or 415(c) that
            counts as a 414(v) catch-up), ``match``,
            ``nonelective``, ``true_up``, ``employer``, ``total`` (dollars)
            and ``limit_reached`` (True when a limit cut the deferral or the
            employer money of that paycheck, or 401(a)(17) its counted pay).

        Raises
        ------
        ConfigError
            An empty or unsorted index, a first payday before the data, no
            payday inside the data.
        LimitsError
            A pay year past the IRS table without user limits.
        """
        idx = _trading_days(index)
        first_day, last_day = idx[0], idx[-1]
        if self.first_payday is not None and self.first_payday < first_day:
            raise ConfigError(
                f"first_payday {self.first_payday.date()} is before the data, which starts "
                f"{first_day.date()}; start the payroll on or after that date or load earlier "
                "prices"
            )
        year_end = pd.Timestamp(year=last_day.year, month=12, day=31)
        days = self.paydays(first_day, year_end)
        if len(days) == 0 or days[0] > last_day:
            raise ConfigError(
                f"no payday between {first_day.date()} and {last_day.date()}"
                + (f" (last_payday {self.last_payday.date()})" if self.last_payday else "")
            )
        pos = idx.searchsorted(days, side="left") + self.invest_lag
        rows = self._compute(days, pos, idx)
        frame = pd.DataFrame(rows, columns=["date", *_PAYCHECK_COLUMNS])
        frame = frame[frame["date"].notna()]
        frame = frame.set_index("date")
        frame.index = pd.DatetimeIndex(frame.index, name="date")
        frame["limit_reached"] = frame["limit_reached"].astype(bool)
        return frame

    def contributions(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Contributions by the trading day invested: the ``cashflows`` for a backtest.

        Returns
        -------
        pandas.DataFrame
            Unique dates (``date``) with columns ``employee``, ``employer``,
            ``total`` (dollars; same-day paychecks and true-ups summed),
            ``pay`` and ``limit_reached`` (audit). :meth:`paychecks` has
            every detail.

        Examples
        --------
        >>> days = pd.bdate_range("2005-01-03", "2005-12-30")
        >>> flows = Payroll(90_000, deferral=0.20, first_payday="2005-01-07").contributions(days)
        >>> float(flows["employee"].sum()), int(flows["limit_reached"].idxmax().month)
        (14000.0, 10)
        """
        checks = self.paychecks(index)
        grouped = checks.groupby(level=0, sort=True)
        out = grouped[["employee", "employer", "total", "pay"]].sum()
        out["limit_reached"] = grouped["limit_reached"].any()
        out.index.name = "date"
        return out

    def _compute(
        self, days: pd.DatetimeIndex, pos: np.ndarray, idx: pd.DatetimeIndex
    ) -> list[tuple[Any, ...]]:
        n_nominal = FREQUENCIES[self.frequency]
        years = days.year.to_numpy()
        counts = self._paydays_per_year(days)
        first = days[0]
        first_year = int(first.year)
        table = self._table()
        raise_dates = (
            [
                pd.Timestamp(year=y, month=self.raise_month, day=1)
                for y in range(first_year, int(years[-1]) + 1)
            ]
            if self.raise_rate
            else []
        )
        salaries = np.array(
            [
                self.salary * (1 + self.raise_rate) ** sum(first < r <= d for r in raise_dates)
                for d in days
            ]
        )
        divisors = np.array(
            [counts[y] if self.extra_paycheck == "spread" else n_nominal for y in years]
        )
        pays = [_cents(s / n) for s, n in zip(salaries, divisors, strict=True)]
        year_pay: dict[int, float] = {}
        for y, p in zip(years, pays, strict=True):
            year_pay[int(y)] = year_pay.get(int(y), 0.0) + p

        match = self.match
        rows: list[tuple[Any, ...]] = []
        ytd: dict[str, float] = {}
        year = None
        n_idx = len(idx)

        def when(p: int) -> pd.Timestamp | None:
            return idx[p] if p < n_idx else None

        def close_year(y: int) -> None:
            if not (self.true_up and match is not None and match.tiers):
                return
            owed = _cents(match.matched(ytd["plan_pay"], ytd["employee"]))
            short = _cents(owed - ytd["match"])
            if short <= 0:
                return
            room = self._room(y, table, year_pay[y], ytd)
            paid = _cents(min(short, room)) if room is not None else short
            jan = pd.Timestamp(year=y + 1, month=1, day=1)
            p = int(idx.searchsorted(jan, side="left"))
            rows.append(
                (when(p), jan, y, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, paid, paid, paid, paid < short)
            )
            ytd["additions"] += paid

        for d, p, pay, y in zip(days, pos, pays, years, strict=True):
            y = int(y)
            if y != year:
                if year is not None:
                    close_year(year)
                year = y
                ytd = {
                    "plan_pay": 0.0,
                    "employee": 0.0,
                    "regular": 0.0,
                    "catch": 0.0,
                    "match": 0.0,
                    "additions": 0.0,
                }
            rate = self._rate_for(y, first_year)
            row = limits_for(y, table) if self.limits != "none" else None
            counted = pay
            if row is not None and row.compensation is not None:  # 401(a)(17), year to date
                counted = _cents(min(pay, max(row.compensation - ytd["plan_pay"], 0.0)))
            want = _cents((pay if self.defer_above_pay_limit else counted) * rate)
            limited = counted < pay
            if row is None:
                regular, catch = want, 0.0
            else:
                age = y - self.birth_date.year if self.birth_date is not None else 0
                room_415 = self._room(y, table, year_pay[y], ytd)
                assert room_415 is not None
                reg_room = max(min(row.deferral - ytd["regular"], room_415), 0.0)
                regular = _cents(min(want, reg_room))
                cu_room = max(catch_up_limit(row, age) - ytd["catch"], 0.0)
                catch = _cents(min(want - regular, cu_room))
                limited = limited or regular + catch < want
            employee = _cents(regular + catch)
            m = _cents(match.matched(counted, employee)) if match is not None else 0.0
            ne = _cents(counted * match.nonelective) if match is not None else 0.0
            if self.limits != "none":
                room = self._room(y, table, year_pay[y], ytd)
                assert room is not None
                room = max(room - regular, 0.0)
                if m + ne > room:
                    limited = True
                    m = _cents(min(m, room))
                    ne = _cents(min(ne, room - m))
            employer = _cents(m + ne)
            ytd["plan_pay"] += counted
            ytd["employee"] += employee
            ytd["regular"] += regular
            ytd["catch"] += catch
            ytd["match"] += m
            ytd["additions"] += regular + employer
            rows.append(
                (
                    when(int(p)),
                    d,
                    y,
                    pay,
                    counted,
                    rate,
                    employee,
                    catch,
                    m,
                    ne,
                    0.0,
                    employer,
                    _cents(employee + employer),
                    limited,
                )
            )
        if year is not None and year < idx[-1].year:
            close_year(year)
        return rows

    def _room(
        self, year: int, table: Mapping[int, Limits], pay: float, ytd: Mapping[str, float]
    ) -> float | None:
        """415(c) room left in ``year``: min(dollar limit, pay share x year pay) - additions."""
        if self.limits == "none":
            return None
        row = limits_for(year, table)
        cap = min(row.annual_additions, row.pay_share * pay)
        return max(cap - ytd["additions"], 0.0)

    def __repr__(self) -> str:
        parts = [f"{self.salary:g}", repr(self.frequency), f"deferral={self.deferral!r}"]
        if self.raise_rate:
            parts.append(f"raise_rate={self.raise_rate!r}")
        if self.match is not None:
            parts.append(f"match={self.match!r}")
        if self.true_up:
            parts.append("true_up=True")
        if self.birth_date is not None:
            parts.append(f"birth_date='{self.birth_date.date()}'")
        if self.limits == "none":
            parts.append("limits=None")
        if self.defer_above_pay_limit:
            parts.append("defer_above_pay_limit=True")
        return f"Payroll({', '.join(parts)})"


def _trading_days(index: Any) -> pd.DatetimeIndex:
    try:
        idx = pd.DatetimeIndex(index)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"contributions need a DatetimeIndex of trading days: {exc}") from exc
    if len(idx) == 0:
        raise ConfigError("contributions need a non-empty index of trading days")
    if not idx.is_monotonic_increasing or idx.has_duplicates:
        raise ConfigError("the trading-day index must be sorted and unique")
    return idx
