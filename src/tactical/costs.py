"""Transaction cost models, charged at execution.

A cost model gives, for the holdings of a backtest, a proportional rate per
holding (decimal of traded value) and a fixed amount per holding traded. The
engine charges, at each execution,

``cost = sum_i rate_i * |trade_i| + sum_{i: trade_i != 0} fixed_i``

and pays it from the portfolio so that the post-trade weights equal the
target exactly: it solves ``V' = V - cost(t * V' - h)`` for the post-trade
value ``V'`` (a contraction, solved by fixed-point iteration to 1e-13
relative). Trades in ``"CASH"`` are never charged. Several models may be
given as a list; their rates and amounts add up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from tactical._typing import CASH
from tactical.errors import ConfigError

__all__ = ["CostModel", "ProportionalCost", "FixedCost", "cost_vectors"]


@runtime_checkable
class CostModel(Protocol):
    """Anything with per-holding proportional rates and fixed amounts."""

    def rates(self, tickers: Sequence[str]) -> np.ndarray:
        """Decimal cost per unit of traded value, one per ticker."""
        ...

    def fixed(self, tickers: Sequence[str]) -> np.ndarray:
        """Currency charged whenever a ticker is traded, one per ticker."""
        ...


def _bps(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number of basis points, got {value!r}")
    if value < 0 or value >= 10_000:
        raise ConfigError(f"{name} must be between 0 and 10,000 basis points, got {value}")
    return float(value)


@dataclass(frozen=True, slots=True, init=False)
class ProportionalCost:
    """A cost in basis points of traded value, global or per ticker.

    Parameters
    ----------
    bps : float, default 0
        Basis points (1 bp = 0.01%) of the absolute traded amount, for every
        ticker not listed in ``per_ticker``.
    per_ticker : mapping of str to float, optional
        Basis points for specific tickers (e.g. a fund with a redemption fee).

    Examples
    --------
    >>> ProportionalCost(bps=5, per_ticker={"EEM": 20}).rates(["SPY", "EEM", "CASH"]).tolist()
    [0.0005, 0.002, 0.0]
    """

    bps: float
    per_ticker: tuple[tuple[str, float], ...]

    def __init__(self, bps: float = 0.0, per_ticker: Mapping[str, float] | None = None) -> None:
        object.__setattr__(self, "bps", _bps(bps, "bps"))
        pairs = tuple((str(k), _bps(v, f"bps for {k}")) for k, v in (per_ticker or {}).items())
        object.__setattr__(self, "per_ticker", pairs)

    def rates(self, tickers: Sequence[str]) -> np.ndarray:
        """Decimal rate per ticker; 0 for ``"CASH"``."""
        special = dict(self.per_ticker)
        return np.array(
            [0.0 if t == CASH else special.get(t, self.bps) / 10_000.0 for t in tickers]
        )

    def fixed(self, tickers: Sequence[str]) -> np.ndarray:
        """No fixed part: zeros."""
        return np.zeros(len(tickers))


@dataclass(frozen=True, slots=True)
class FixedCost:
    """A fixed amount of currency per ticker traded (a per-trade commission).

    Examples
    --------
    >>> FixedCost(4.95).fixed(["SPY", "CASH"]).tolist()
    [4.95, 0.0]
    """

    amount: float

    def __post_init__(self) -> None:
        a = self.amount
        if isinstance(a, bool) or not isinstance(a, int | float) or not math.isfinite(a) or a < 0:
            raise ConfigError(f"FixedCost amount must be a finite number >= 0, got {a!r}")

    def rates(self, tickers: Sequence[str]) -> np.ndarray:
        """No proportional part: zeros."""
        return np.zeros(len(tickers))

    def fixed(self, tickers: Sequence[str]) -> np.ndarray:
        """``amount`` per ticker; 0 for ``"CASH"``."""
        return np.array([0.0 if t == CASH else float(self.amount) for t in tickers])


def cost_vectors(
    costs: CostModel | Sequence[CostModel] | None, tickers: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Sum the rates and fixed amounts of one or several models over ``tickers``."""
    k = len(tickers)
    rate, fixed = np.zeros(k), np.zeros(k)
    if costs is None:
        return rate, fixed
    models = costs if isinstance(costs, Sequence) else [costs]
    for m in models:
        if not isinstance(m, CostModel):
            raise ConfigError(
                f"costs must be ProportionalCost, FixedCost or a list of them, got {m!r}"
            )
        rate = rate + np.asarray(m.rates(tickers), dtype=float)
        fixed = fixed + np.asarray(m.fixed(tickers), dtype=float)
    if (rate < 0).any() or (rate >= 1).any() or (fixed < 0).any():
        raise ConfigError("cost rates must be in [0, 1) and fixed amounts >= 0")
    return rate, fixed
