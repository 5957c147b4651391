"""Rebalance rules: when the portfolio actually trades back to its target.

Static 60/40, calendar rebalancing and threshold rebalancing are one allocator
under three rules:

``Never()``
    Invest once at the start, then let the weights drift (buy and hold). The
    allocator is asked only once.
``OnSchedule()``
    Trade to the allocator's target on every schedule date (calendar
    rebalancing; also every tactical rotation).
``Threshold(abs_band, rel_band, check)``
    The allocator sets the target on schedule dates; the portfolio trades back
    to it only when some holding's weight has drifted past its band:

    ``|w_i - t_i| > min(abs_band, rel_band * t_i)``

    i.e. past the absolute band *or* the relative band, whichever is tighter
    (give both for the 5/25 rule: ``Threshold(abs_band=0.05, rel_band=0.25)``).
    ``check="bar"`` tests drift at every close; ``check="schedule"`` only on
    schedule dates (the hybrid calendar-plus-band method). A zero band equals
    rebalancing every checked bar; an infinite band equals buy and hold.
    Weights are compared with a tolerance of 1e-12 so rounding never triggers
    a trade. While a trade is pending (``execution_lag`` > 0) drift is not
    checked again, so with lag ``k`` a zero band trades every ``k + 1`` bars.
    A static allocator (:class:`FixedWeights`) under ``check="bar"`` is asked
    once: its target never changes, so schedule dates add nothing and
    ``result.targets`` has a single row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tactical.errors import ConfigError

__all__ = ["Never", "OnSchedule", "Threshold", "RebalanceRule", "BAND_TOLERANCE"]

BAND_TOLERANCE = 1e-12


@dataclass(frozen=True, slots=True)
class Never:
    """Buy and hold: invest at the start, never trade back to target."""


@dataclass(frozen=True, slots=True)
class OnSchedule:
    """Trade to the target on every schedule date (calendar rebalancing)."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """Trade back to target only when a weight drifts past its band.

    Parameters
    ----------
    abs_band : float, optional
        Absolute band in weight units: 0.05 = 5 percentage points. ``inf``
        allowed (never trades).
    rel_band : float, optional
        Relative band as a fraction of each target: 0.25 = 25% of the target
        weight (a 40% target tolerates 30%..50%).
    check : {"bar", "schedule"}, default "bar"
        Test drift at every close, or only on schedule dates (hybrid).

    Raises
    ------
    ConfigError
        If no band is given, a band is negative or NaN, or ``abs_band > 1``
        (other than infinity).

    Examples
    --------
    >>> Threshold(abs_band=0.05, rel_band=0.25).bands(np.array([0.6, 0.1])).tolist()
    [0.05, 0.025]
    """

    abs_band: float | None = None
    rel_band: float | None = None
    check: Literal["bar", "schedule"] = "bar"

    def __post_init__(self) -> None:
        if self.abs_band is None and self.rel_band is None:
            raise ConfigError("Threshold needs abs_band, rel_band or both (e.g. abs_band=0.05)")
        for name in ("abs_band", "rel_band"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{name} must be a number, got {value!r}")
            if math.isnan(value) or value < 0:
                raise ConfigError(f"{name} must be >= 0, got {value}")
            object.__setattr__(self, name, float(value))
        if self.abs_band is not None and 1 < self.abs_band < math.inf:
            raise ConfigError(
                f"abs_band={self.abs_band} is more than 100 percentage points; "
                "give it as a decimal (0.05 = 5 points)"
            )
        if self.check not in ("bar", "schedule"):
            raise ConfigError(f"check must be 'bar' or 'schedule', got {self.check!r}")

    def bands(self, target: np.ndarray) -> np.ndarray:
        """Allowed absolute drift per holding: ``min(abs_band, rel_band * target)``."""
        a = math.inf if self.abs_band is None else self.abs_band
        if self.rel_band is None:
            return np.full(target.shape, a)
        rel = self.rel_band * target if self.rel_band < math.inf else np.full(target.shape, np.inf)
        return np.minimum(a, rel)


RebalanceRule = Never | OnSchedule | Threshold
