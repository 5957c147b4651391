"""Rebalance rules: when the portfolio actually trades back to its target.

Static 60/40, calendar rebalancing and threshold rebalancing are one allocator
under three rules:

``Never()``
    Invest once at the start, then let the weights drift (buy and hold). The
    allocator is asked only once.
``OnSchedule()``
    Trade to the allocator's target on every schedule date (calendar
    rebalancing; also every tactical rotation).
``Threshold(abs_band, rel_band, check, bands)``
    The allocator sets the target on schedule dates; the portfolio trades back
    to it only when some holding's weight has drifted past its band:

    ``|w_i - t_i| > min(abs_band, rel_band * t_i)``

    i.e. past the absolute band *or* the relative band, whichever is tighter
    (give both for the 5/25 rule: ``Threshold(abs_band=0.05, rel_band=0.25)``).
    ``bands={"SPY": 0.05, "AGG": 0.03}`` gives chosen holdings their own
    absolute band instead (holdings not listed use ``abs_band``/``rel_band``,
    or never trigger when neither is given).
    ``check="bar"`` tests drift at every close; ``check="schedule"`` only on
    schedule dates (the hybrid calendar-plus-band method). A zero band equals
    rebalancing every checked bar; an infinite band equals buy and hold.
    Weights are compared with a tolerance of 1e-12 so rounding never triggers
    a trade. While a trade is pending (``execution_lag`` > 0) drift is not
    checked again, so with lag ``k`` a zero band trades every ``k + 1`` bars.
    A static allocator (:class:`FixedWeights`) under ``check="bar"`` is asked
    once: its target never changes, so schedule dates add nothing and
    ``result.targets`` has a single row.

The protocol
------------
The engine knows no rule by name: it asks any object with the four methods of
:class:`RebalanceRule` (whether schedule dates are decisions, whether every
decision trades, whether drift is watched on every bar, and where in a block
of bars the first breach is). A new rule is a new class, not an edit of the
loop; ``Threshold``'s per-asset ``bands`` were added that way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from tactical.errors import ConfigError

__all__ = ["Never", "OnSchedule", "Threshold", "RebalanceRule", "BAND_TOLERANCE"]

BAND_TOLERANCE = 1e-12


@runtime_checkable
class RebalanceRule(Protocol):
    """What the backtest loop asks a rebalance rule (and nothing else).

    ``values`` given to :meth:`first_breach` are the currency values of the
    holdings on consecutive bars, shape ``(n_bars, n_holdings)`` with
    ``"CASH"`` last, while the share counts are unchanged; ``target`` is the
    current target weight vector over the same holdings.
    """

    def decides_on_schedule(self, static: bool) -> bool:
        """Whether schedule dates are decisions (False: decide once, at the start).

        ``static`` says the allocator's target never changes (``FixedWeights``).
        """
        ...

    def trades_on_decision(self) -> bool:
        """Whether every decision trades to its target (a calendar rule).

        False: a decision only sets the target, and :meth:`first_breach`
        says when to trade.
        """
        ...

    def checks_every_bar(self) -> bool:
        """Whether drift is tested on every bar between events (else on decision dates)."""
        ...

    def first_breach(
        self, values: np.ndarray, target: np.ndarray, holdings: tuple[str, ...]
    ) -> int | None:
        """Row of ``values`` where a trade back to ``target`` first becomes due, or None."""
        ...


@dataclass(frozen=True, slots=True)
class Never:
    """Buy and hold: invest at the start, never trade back to target.

    Examples
    --------
    >>> Never().decides_on_schedule(static=False)
    False
    """

    def decides_on_schedule(self, static: bool) -> bool:
        """Never: the allocator decides once, at the start."""
        return False

    def trades_on_decision(self) -> bool:
        """The single decision (the initial investment) trades."""
        return True

    def checks_every_bar(self) -> bool:
        """Drift is never watched."""
        return False

    def first_breach(
        self, values: np.ndarray, target: np.ndarray, holdings: tuple[str, ...]
    ) -> int | None:
        """Never due."""
        return None


@dataclass(frozen=True, slots=True)
class OnSchedule:
    """Trade to the target on every schedule date (calendar rebalancing).

    Examples
    --------
    >>> OnSchedule().trades_on_decision()
    True
    """

    def decides_on_schedule(self, static: bool) -> bool:
        """Every schedule date is a decision."""
        return True

    def trades_on_decision(self) -> bool:
        """Every decision trades."""
        return True

    def checks_every_bar(self) -> bool:
        """Drift is not watched between schedule dates."""
        return False

    def first_breach(
        self, values: np.ndarray, target: np.ndarray, holdings: tuple[str, ...]
    ) -> int | None:
        """Trades come from decisions only, never from drift."""
        return None


def _band_value(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    if math.isnan(value) or value < 0:
        raise ConfigError(f"{name} must be >= 0, got {value}")
    return float(value)


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
    bands : mapping of str to float, optional
        Absolute band per holding, e.g. ``{"SPY": 0.05, "AGG": 0.03}``; it
        replaces ``abs_band``/``rel_band`` for the holdings listed. Holdings
        not listed use those (or never trigger when neither is given).

    Raises
    ------
    ConfigError
        If no band is given, a band is negative or NaN, or an absolute band
        is over 1 (other than infinity).

    Notes
    -----
    Holding ``i`` breaches when ``|w_i - t_i| > b_i + 1e-12`` with
    ``b_i = bands[i]`` if listed, else ``min(abs_band, rel_band * t_i)``
    (a missing band counts as infinite). The same drift test as bt's
    examples of band rebalancing and as ``../shared/bench``'s reference.

    Examples
    --------
    >>> Threshold(abs_band=0.05, rel_band=0.25).drift_limits(np.array([0.6, 0.1])).tolist()
    [0.05, 0.025]
    >>> rule = Threshold(bands={"SPY": 0.05, "AGG": 0.03})
    >>> rule.drift_limits(np.array([0.6, 0.4, 0.0]), ("SPY", "AGG", "CASH")).tolist()
    [0.05, 0.03, inf]
    """

    abs_band: float | None = None
    rel_band: float | None = None
    check: Literal["bar", "schedule"] = "bar"
    bands: Mapping[str, float] | tuple[tuple[str, float], ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.abs_band is None and self.rel_band is None and not self.bands:
            raise ConfigError(
                "Threshold needs abs_band, rel_band or per-holding bands (e.g. abs_band=0.05)"
            )
        for name in ("abs_band", "rel_band"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _band_value(value, name))
        if self.abs_band is not None and 1 < self.abs_band < math.inf:
            raise ConfigError(
                f"abs_band={self.abs_band} is more than 100 percentage points; "
                "give it as a decimal (0.05 = 5 points)"
            )
        if self.bands is not None:
            given = self.bands
            if not isinstance(given, Mapping | tuple | list):
                raise ConfigError(
                    "bands must map holdings to absolute bands, e.g. {'SPY': 0.05}, "
                    f"got {given!r}"
                )
            pairs = given.items() if isinstance(given, Mapping) else given
            clean = []
            for ticker, band in pairs:
                value = _band_value(band, f"band for {ticker}")
                if 1 < value < math.inf:
                    raise ConfigError(
                        f"band for {ticker} is {value}, more than 100 percentage points; "
                        "give it as a decimal (0.03 = 3 points)"
                    )
                clean.append((str(ticker), value))
            object.__setattr__(self, "bands", tuple(clean))
        if self.check not in ("bar", "schedule"):
            raise ConfigError(f"check must be 'bar' or 'schedule', got {self.check!r}")

    def drift_limits(self, target: np.ndarray, holdings: tuple[str, ...] = ()) -> np.ndarray:
        """Allowed absolute drift per holding (see Notes); ``inf`` means never."""
        a = math.inf if self.abs_band is None else self.abs_band
        if self.rel_band is None:
            out = np.full(target.shape, a)
        elif self.rel_band < math.inf:
            out = np.minimum(a, self.rel_band * target)
        else:
            out = np.full(target.shape, a)
        if self.bands:
            special = dict(self.bands)  # a tuple of pairs after __post_init__
            for i, ticker in enumerate(holdings):
                if ticker in special:
                    out[i] = special[ticker]
        return out

    def decides_on_schedule(self, static: bool) -> bool:
        """Schedule dates set the target, except for a fixed target watched every bar."""
        return not (static and self.check == "bar")

    def trades_on_decision(self) -> bool:
        """A decision only sets the target; drift decides the trade."""
        return False

    def checks_every_bar(self) -> bool:
        """``check="bar"``: drift is watched at every close."""
        return self.check == "bar"

    def first_breach(
        self, values: np.ndarray, target: np.ndarray, holdings: tuple[str, ...]
    ) -> int | None:
        """First row whose weights leave the bands, or None."""
        if not len(values):
            return None
        limits = (self.drift_limits(target, holdings) + BAND_TOLERANCE).tolist()
        wanted, first_row = target.tolist(), values[0].tolist()
        # a holding neither held nor wanted (shares 0: value 0 on every row) never drifts
        watched = [
            j
            for j, limit in enumerate(limits)
            if limit != math.inf and (wanted[j] != 0 or first_row[j] != 0)
        ]
        if not watched:
            return None
        total = values @ np.ones(values.shape[1])  # row sums (a matrix product is fastest)
        hit = None
        for j in watched:  # column by column: faster than broadcasting a row of targets
            out = np.abs(values[:, j] / total - wanted[j]) > limits[j]
            hit = out if hit is None else hit | out
        assert hit is not None
        first = int(hit.argmax())
        return first if hit[first] else None
