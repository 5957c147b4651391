"""Conventions of a summary table, named and echoed so tables can be compared.

Published track records disagree mostly in conventions: the return frequency
behind volatility and Sharpe, where drawdowns are measured, the risk-free
rate, how alpha is annualised. A :class:`Conventions` value fixes all of them;
:func:`tactical.report.summary` uses it and every rendered table prints it.

Presets (``Conventions.preset(name)`` or the module constants):

``"monthly"`` (:data:`DEFAULT`)
    Monthly returns for the dispersion statistics (like most asset-allocation
    tools), maximum drawdown on daily closes, arithmetic alpha, calendar-year CAGR.
``"month_end"``
    As ``"monthly"`` but drawdowns on month-end closes, like published
    monthly model track records (shallower than daily drawdowns).
``"calendar_year"``
    Calendar-year returns for the dispersion statistics, month-end drawdowns.
``"daily"``
    Daily returns and daily drawdowns throughout.
``"empyrical"``
    empyrical's defaults: daily returns, geometric alpha, CAGR over
    ``n / 252`` years.
``"quantstats"``
    quantstats' defaults: daily returns, arithmetic alpha, CAGR over
    ``n / 252`` years.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias

import pandas as pd

from tactical.errors import ConfigError

__all__ = [
    "CALENDAR_YEAR",
    "DAILY",
    "DEFAULT",
    "EMPYRICAL",
    "MONTH_END",
    "PRESETS",
    "QUANTSTATS",
    "Conventions",
]

ReturnFrequency: TypeAlias = Literal["daily", "monthly", "yearly"]
DrawdownFrequency: TypeAlias = Literal["daily", "monthly"]

_PPY = {"daily": 252, "monthly": 12, "yearly": 1}
_FREQ_WORDS = {"daily": "daily", "monthly": "monthly", "yearly": "calendar-year"}


@dataclass(frozen=True, slots=True)
class Conventions:
    """How a summary table computes its statistics. Frozen; vary with :meth:`replace`.

    Attributes
    ----------
    frequency : {"daily", "monthly", "yearly"}
        Return frequency for volatility, Sharpe, Sortino, alpha, beta, Treynor,
        correlation, capture, tracking error, VaR, skew, kurtosis and the share
        of positive periods. Daily returns are compounded into calendar
        months or years (partial first and last periods kept as they are).
    drawdown : {"daily", "monthly"}
        Maximum drawdown, Calmar and Ulcer index on daily closes or on
        month-end closes.
    alpha : {"arithmetic", "geometric"}
        Annualisation of the per-period Jensen's alpha ``a``: ``a * ppy`` or
        ``(1 + a) ** ppy - 1``.
    years : {"calendar", "periods"}
        CAGR over calendar years from the window start
        (``days / 365.25``; needs the start date) or over
        ``n / periods_per_year`` (empyrical, quantstats).
    risk_free : float, Series or None
        Annual decimal rate (0.02 = 2 %), or per-period returns on the
        returns' dates (daily for daily returns). For T-bill quotes (DTB3,
        ^IRX: percent, discount basis) convert with
        ``tactical.data.cash_returns`` first. None (the presets' default):
        not given, so a summary uses 0 %/yr, says so in its conventions line
        and warns (:class:`~tactical.errors.RiskFreeWarning`).
    risk_free_label : str
        What the risk-free rate is, for display ("DTB3", "BIL"...); derived
        from the value when empty.
    sortino_target : {"risk_free", "zero"}
        Minimum acceptable return of the Sortino ratio.
    confidence : float
        Level of historical VaR and CVaR (0.95: the 5 % worst periods).
    name : str
        Preset name, or ``"custom"``.

    Examples
    --------
    >>> c = Conventions.preset("month_end").replace(risk_free=0.02)
    >>> c.frequency, c.drawdown, c.periods_per_year
    ('monthly', 'monthly', 12)
    >>> c.risk_free_text
    'constant 2.00%/yr'
    """

    frequency: ReturnFrequency = "monthly"
    drawdown: DrawdownFrequency = "daily"
    alpha: Literal["arithmetic", "geometric"] = "arithmetic"
    years: Literal["calendar", "periods"] = "calendar"
    risk_free: float | pd.Series | None = field(default=None, compare=False)
    risk_free_label: str = ""
    sortino_target: Literal["risk_free", "zero"] = "risk_free"
    confidence: float = 0.95
    name: str = "monthly"

    def __post_init__(self) -> None:
        _check("frequency", self.frequency, ("daily", "monthly", "yearly"))
        _check("drawdown", self.drawdown, ("daily", "monthly"))
        _check("alpha", self.alpha, ("arithmetic", "geometric"))
        _check("years", self.years, ("calendar", "periods"))
        _check("sortino_target", self.sortino_target, ("risk_free", "zero"))
        if not 0.5 <= self.confidence < 1:
            raise ConfigError(f"confidence must be in [0.5, 1), e.g. 0.95, got {self.confidence!r}")
        if self.risk_free is not None and not isinstance(self.risk_free, int | float | pd.Series):
            raise ConfigError(
                "risk_free must be an annual decimal rate or a Series of per-period returns, "
                f"got {type(self.risk_free).__name__}"
            )

    @classmethod
    def preset(cls, name: str) -> Conventions:
        """The named preset; see the module docstring for the list."""
        try:
            return PRESETS[name]
        except KeyError:
            raise ConfigError(
                f"no conventions preset {name!r}; choose from {sorted(PRESETS)}"
            ) from None

    def replace(self, **changes: Any) -> Conventions:
        """A copy with some fields changed; the name becomes ``"<name>+custom"``."""
        if "name" not in changes and self.name and not self.name.endswith("+custom"):
            changes["name"] = f"{self.name}+custom"
        return replace(self, **changes)

    @property
    def periods_per_year(self) -> int:
        """Periods per year of :attr:`frequency` (252, 12 or 1)."""
        return _PPY[self.frequency]

    @property
    def risk_free_text(self) -> str:
        """Human description of the risk-free rate."""
        rf = self.risk_free
        if rf is None:
            return "none given, 0.00%/yr used (pass risk_free=...)"
        if isinstance(rf, pd.Series):
            label = self.risk_free_label or (str(rf.name) if rf.name is not None else "series")
            return f"{label} (per-period returns)"
        text = f"constant {float(rf):.2%}/yr"
        return f"{self.risk_free_label}: {text}" if self.risk_free_label else text

    def describe(self) -> list[str]:
        """One line per convention, as printed under every summary table."""
        ppy = self.periods_per_year
        alpha = f"mean x {ppy}" if self.alpha == "arithmetic" else f"(1 + mean)^{ppy} - 1"
        years = "calendar days / 365.25" if self.years == "calendar" else "periods / per-year"
        closes = "daily" if self.drawdown == "daily" else "month-end"
        target = "the risk-free rate" if self.sortino_target == "risk_free" else "0"
        return [
            f"conventions: {self.name}",
            f"returns for volatility, Sharpe, Sortino, alpha, beta, VaR: "
            f"{_FREQ_WORDS[self.frequency]} ({ppy}/yr, sample std ddof=1)",
            f"max drawdown, Calmar, Ulcer: {closes} closes",
            f"risk-free: {self.risk_free_text}",
            f"alpha: Jensen, annualised arithmetically ({alpha})"
            if self.alpha == "arithmetic"
            else f"alpha: Jensen, annualised geometrically ({alpha})",
            f"Sortino target: {target}; VaR/CVaR: historical {self.confidence:.0%}",
            f"CAGR years: {years}",
        ]


def _check(field_name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{field_name} must be one of {allowed}, got {value!r}")


DEFAULT = Conventions()
MONTH_END = Conventions(drawdown="monthly", name="month_end")
CALENDAR_YEAR = Conventions(frequency="yearly", drawdown="monthly", name="calendar_year")
DAILY = Conventions(frequency="daily", name="daily")
EMPYRICAL = Conventions(frequency="daily", alpha="geometric", years="periods", name="empyrical")
QUANTSTATS = Conventions(frequency="daily", alpha="arithmetic", years="periods", name="quantstats")

PRESETS: dict[str, Conventions] = {
    c.name: c for c in (DEFAULT, MONTH_END, CALENDAR_YEAR, DAILY, EMPYRICAL, QUANTSTATS)
}
"""Named presets, by name."""
