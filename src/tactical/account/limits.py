"""IRS dollar limits on 401(k) contributions, 2000-2026, with their sources.

Four limits apply to a saver's plan year (the calendar year a paycheck is
paid in):

* **402(g)**, the elective-deferral limit: the most an employee may defer in
  a calendar year across all 401(k)/403(b) plans.
* **414(v)**, the catch-up: extra deferral room from the year the saver turns
  50 (eligible when the 50th birthday falls on or before 31 December of the
  plan year). SECURE 2.0 raised it, from 2025, for the years in which the
  saver attains age 60, 61, 62 or 63 ("the greater of $10,000 indexed or 150%
  of the regular catch-up": $11,250 for 2025 and 2026).
* **415(c)**, the annual-additions limit: employee deferrals plus employer
  money (match, non-elective, true-up) per year, catch-up contributions
  *excluded*. It is the lesser of the dollar amount and a share of pay: 25%
  of pay up to 2001, 100% from 2002 (EGTRRA).
* **401(a)(17)**, the compensation limit: the most pay a plan may count in a
  year. Pay above it earns no match or non-elective contribution, and (in
  plans whose deferral election applies to plan compensation) no deferral.
  :class:`~tactical.account.Payroll` counts pay year to date, so the paycheck
  that crosses the limit counts only the part below it.

Sources (checked against each number of :data:`IRS_LIMITS`):

* 402(g) 1987-2017: pensionsoft.com, "402(g) limits, rounded and unrounded";
  1999-2005 also the IRS COLA table (webharvest.gov copy of irs.gov article
  id=96461).
* 414(v) 2002-2022: pensionsoft.com/resources/Limit414v.
* 415(c) 2002-2015: retirementdictionary.com, "annual addition limit";
  2016-2017 and the 2007-2017 cross-check: employeebenefitplanaudit.belfint.com
  (?p=3819); 2001 ($35,000 or 25% of pay) and 2002 ($40,000 or 100%):
  retsource.com/limits/2002.html and plansponsor.com "IRS publishes 2002 plan
  limits"; 2000 ($30,000 or 25%): the pre-EGTRRA text of IRC 415(c).
* 401(a)(17) (the "annual compensation limit" of the IRS COLA table):
  2000-2008 PlanAdviser, "Maximum benefit and contributions limits for
  2000-2008" (as published by the IRS); 2006-2013 the IRS COLA table as
  reprinted by Mondaq ("COLA increases for dollar limitations", 2013) and
  2012-2014 the IRS table of November 2013 (natlawreview.com, "2014 cost of
  living adjustments"); 2015-2019 smipensions.com "Annual limits" and
  kdprps.com "Plan limits"; 2019-2023 irs.gov, "COLA increases for dollar
  limitations on benefits and contributions"; 2024 IRS Notice 2023-75 ($345,000),
  2025 Notice 2024-80 ($350,000), 2026 Notice 2025-67 ($360,000), as
  tabulated by uniglobal.com, ubt.com and asc-net.com.
* Cross-checks: PlanAdviser, "Maximum benefit and contributions limits for
  2000-2008" (402(g), 415(c) and catch-up as published by the IRS);
  letsdotaxes.com, "2015 limits" (402(g), 414(v), 415(c) 2008-2015); IRS,
  "Retirement topics - catch-up contributions" (age 50 by year end; deferrals
  count as catch-up only above 402(g) or a plan limit).
* 2018-2026, 402(g), 414(v), 415(c) and the age 60-63 catch-up: the PolicyEngine-US
  parameter files ``gov/irs/gross_income/retirement_contributions``
  (``limit/401k.yaml``, ``limit/annual_additions.yaml``,
  ``catch_up/limit/k401.yaml``), which cite the IRS COLA table and the IRS
  announcements "401(k) limit increases to $23,500 for 2025" and "401(k) limit
  increases to $24,500 for 2026" (catch-up $8,000, ages 60-63 $11,250, 415(c)
  $72,000 for 2026).

Not modelled: the Roth-only catch-up rule for high earners from 2026 (it
changes the tax type, not the amount), and plan years that are not calendar
years (every limit here is applied per calendar year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tactical.errors import LimitsError

__all__ = ["IRS_LIMITS", "Limits", "catch_up_limit", "limits_for"]


@dataclass(frozen=True, slots=True)
class Limits:
    """One plan year's dollar limits.

    Parameters
    ----------
    deferral : float
        402(g) elective-deferral limit, dollars per calendar year.
    catch_up : float
        414(v) catch-up for savers 50 or older by 31 December (0 before 2002).
    annual_additions : float
        415(c) dollar limit on deferrals + employer money (catch-up excluded).
    catch_up_60_63 : float, optional
        SECURE 2.0 catch-up for the years the saver attains ages 60-63 (from
        2025); None means the regular catch-up applies at those ages too.
    pay_share : float, default 1.0
        415(c) is also capped at this share of the year's pay: 0.25 up to
        2001, 1.0 from 2002.
    compensation : float, optional
        401(a)(17) limit on the pay the plan counts in the year, dollars;
        None counts all pay.

    Examples
    --------
    >>> Limits(deferral=23_000, catch_up=7_500, annual_additions=69_000).deferral
    23000
    >>> IRS_LIMITS[2024].compensation
    345000
    """

    deferral: float
    catch_up: float
    annual_additions: float
    catch_up_60_63: float | None = None
    pay_share: float = 1.0
    compensation: float | None = None

    def __post_init__(self) -> None:
        for name in ("deferral", "catch_up", "annual_additions"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise LimitsError(f"Limits.{name} must be a dollar amount >= 0, got {value!r}")
        extra = self.catch_up_60_63
        if extra is not None and (not isinstance(extra, int | float) or extra < 0):
            raise LimitsError(f"Limits.catch_up_60_63 must be >= 0 or None, got {extra!r}")
        comp = self.compensation
        if comp is not None and (
            isinstance(comp, bool) or not isinstance(comp, int | float) or not comp > 0
        ):
            raise LimitsError(
                f"Limits.compensation must be a dollar amount > 0 or None, got {comp!r}"
            )
        if not 0 < self.pay_share <= 1:
            raise LimitsError(f"Limits.pay_share must be in (0, 1], got {self.pay_share!r}")


def _row(
    deferral: int,
    catch_up: int,
    additions: int,
    *,
    comp: int,
    at_60: int | None = None,
    share: float = 1.0,
) -> Limits:
    return Limits(deferral, catch_up, additions, at_60, share, comp)


IRS_LIMITS: Mapping[int, Limits] = {
    2000: _row(10_500, 0, 30_000, comp=170_000, share=0.25),
    2001: _row(10_500, 0, 35_000, comp=170_000, share=0.25),
    2002: _row(11_000, 1_000, 40_000, comp=200_000),
    2003: _row(12_000, 2_000, 40_000, comp=200_000),
    2004: _row(13_000, 3_000, 41_000, comp=205_000),
    2005: _row(14_000, 4_000, 42_000, comp=210_000),
    2006: _row(15_000, 5_000, 44_000, comp=220_000),
    2007: _row(15_500, 5_000, 45_000, comp=225_000),
    2008: _row(15_500, 5_000, 46_000, comp=230_000),
    2009: _row(16_500, 5_500, 49_000, comp=245_000),
    2010: _row(16_500, 5_500, 49_000, comp=245_000),
    2011: _row(16_500, 5_500, 49_000, comp=245_000),
    2012: _row(17_000, 5_500, 50_000, comp=250_000),
    2013: _row(17_500, 5_500, 51_000, comp=255_000),
    2014: _row(17_500, 5_500, 52_000, comp=260_000),
    2015: _row(18_000, 6_000, 53_000, comp=265_000),
    2016: _row(18_000, 6_000, 53_000, comp=265_000),
    2017: _row(18_000, 6_000, 54_000, comp=270_000),
    2018: _row(18_500, 6_000, 55_000, comp=275_000),
    2019: _row(19_000, 6_000, 56_000, comp=280_000),
    2020: _row(19_500, 6_500, 57_000, comp=285_000),
    2021: _row(19_500, 6_500, 58_000, comp=290_000),
    2022: _row(20_500, 6_500, 61_000, comp=305_000),
    2023: _row(22_500, 7_500, 66_000, comp=330_000),
    2024: _row(23_000, 7_500, 69_000, comp=345_000),
    2025: _row(23_500, 7_500, 70_000, comp=350_000, at_60=11_250),
    2026: _row(24_500, 8_000, 72_000, comp=360_000, at_60=11_250),
}
"""IRS limits by calendar year, 2000-2026 (sources in the module docstring)."""


def limits_for(year: int, table: Mapping[int, Limits] | None = None) -> Limits:
    """The limits of ``year`` from ``table`` (user rows) or else :data:`IRS_LIMITS`.

    Raises
    ------
    LimitsError
        If neither has the year: the message says how to supply it.

    Examples
    --------
    >>> limits_for(2005).deferral, limits_for(2024).annual_additions
    (14000, 69000)
    """
    if table is not None and year in table:
        return table[year]
    if year in IRS_LIMITS:
        return IRS_LIMITS[year]
    first, last = min(IRS_LIMITS), max(IRS_LIMITS)
    when = "start the payroll later (first_payday=...) or " if year < first else ""
    raise LimitsError(
        f"no IRS contribution limits for {year}: the built-in table covers {first}-{last}; "
        f"{when}pass limits={{{year}: Limits(deferral=..., catch_up=..., annual_additions=..., "
        "compensation=...)} "
        "to Payroll, or limits=None to apply none"
    )


def catch_up_limit(limits: Limits, age: int) -> float:
    """Catch-up room for a saver who attains ``age`` by 31 December of the plan year.

    0 under 50; the 60-63 amount (when the year has one) at ages 60 to 63;
    else the regular 414(v) amount.

    Examples
    --------
    >>> row = limits_for(2025)
    >>> catch_up_limit(row, 49), catch_up_limit(row, 50), catch_up_limit(row, 61)
    (0.0, 7500.0, 11250.0)
    >>> catch_up_limit(row, 64)
    7500.0
    """
    if age < 50:
        return 0.0
    if 60 <= age <= 63 and limits.catch_up_60_63 is not None:
        return float(limits.catch_up_60_63)
    return float(limits.catch_up)
