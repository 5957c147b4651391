"""The employer's contribution formula: a tiered match plus an optional non-elective share.

A match tier ``(rate, width)`` pays ``rate`` dollars per dollar the employee
defers within the next ``width`` of pay. The safe-harbor basic match, "100%
of the first 3% of pay deferred plus 50% of the next 2%", is
``Match([(1.0, 0.03), (0.5, 0.02)])``: it pays at most 4% of pay, reached by
anyone deferring at least 5% (source: fbsi.com, "Safe harbor contributions").
A non-elective contribution (a safe-harbor 3% of pay, paid whether or not
the employee defers) is ``Match(nonelective=0.03)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tactical.errors import ConfigError

__all__ = ["Match"]


@dataclass(frozen=True, slots=True, init=False)
class Match:
    """Employer money per paycheck: tiers of matched deferral plus a share of pay.

    Parameters
    ----------
    tiers : sequence of (rate, width), default ()
        Consecutive bands of pay: the first ``width`` of pay deferred is
        matched at ``rate``, the next band at the next rate, and so on.
        ``[(1.0, 0.03), (0.5, 0.02)]`` is the safe-harbor basic match;
        ``[(0.5, 0.06)]`` is "50% of deferrals up to 6% of pay".
    nonelective : float, default 0.0
        Share of pay the employer contributes regardless of deferrals
        (decimal: 0.03 = 3%).

    Notes
    -----
    With deferral ``d`` and pay ``p`` of one paycheck (``x = d / p``, the
    deferral rate actually applied, so a paycheck cut short by the 402(g)
    limit is matched on what was deferred), and band edges
    ``lo_k = w_1 + ... + w_{k-1}``:

    ``match = p * sum_k r_k * clip(x - lo_k, 0, w_k)``,
    ``nonelective = p * n``.

    Catch-up deferrals are matched like any other deferral (plans may
    exclude them; model that with a lower deferral rate). The same formula on
    a year's totals gives the match a true-up recomputes
    (:class:`~tactical.account.Payroll` with ``true_up=True``).

    Examples
    --------
    >>> m = Match([(1.0, 0.03), (0.5, 0.02)])
    >>> round(m.matched(pay=1000.0, deferral=100.0), 2)  # 10% deferred: 3% + 1% of pay
    40.0
    >>> round(m.matched(pay=1000.0, deferral=40.0), 2)  # 4%: 3% + 0.5% of pay
    35.0
    >>> m.max_rate
    0.04
    """

    tiers: tuple[tuple[float, float], ...]
    nonelective: float

    def __init__(self, tiers: Sequence[Sequence[float]] = (), nonelective: float = 0.0) -> None:
        checked: list[tuple[float, float]] = []
        for i, tier in enumerate(tiers):
            try:
                rate, width = (float(v) for v in tier)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"match tier {i} must be a pair (rate, width), e.g. (1.0, 0.03), got {tier!r}"
                ) from None
            if not 0 <= rate <= 10:
                raise ConfigError(f"match tier {i}: rate {rate} must be between 0 and 10")
            if not 0 < width <= 1:
                raise ConfigError(
                    f"match tier {i}: width {width} must be a share of pay in (0, 1] "
                    "(0.03 = the first 3% of pay)"
                )
            checked.append((rate, width))
        if sum(w for _, w in checked) > 1 + 1e-12:
            raise ConfigError("match tiers cover more than 100% of pay")
        ne = float(nonelective)
        if not 0 <= ne <= 1:
            raise ConfigError(f"nonelective must be a share of pay in [0, 1], got {nonelective!r}")
        object.__setattr__(self, "tiers", tuple(checked))
        object.__setattr__(self, "nonelective", ne)

    @property
    def max_rate(self) -> float:
        """Most the match pays, as a share of pay (non-elective excluded)."""
        return round(sum(r * w for r, w in self.tiers), 12)

    def matched(self, pay: float, deferral: float) -> float:
        """Match on ``deferral`` dollars out of ``pay`` dollars (not rounded)."""
        if pay <= 0 or deferral <= 0:
            return 0.0
        x = deferral / pay
        total = 0.0
        lo = 0.0
        for rate, width in self.tiers:
            total += rate * min(max(x - lo, 0.0), width)
            lo += width
        return pay * total

    def __repr__(self) -> str:
        parts = [f"{list(self.tiers)!r}"] if self.tiers else []
        if self.nonelective:
            parts.append(f"nonelective={self.nonelective!r}")
        return f"Match({', '.join(parts)})"
