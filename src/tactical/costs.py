"""Transaction cost models, charged at execution.

A cost model is bound once to a backtest's holdings and then prices trades:
``bound(trades, values)`` returns the cost in currency of each row of
``trades`` (signed traded amounts per holding, ``"CASH"`` last) given the
portfolio value before each trade. The built-ins charge

``cost = sum_i rate_i * |trade_i| + sum_{i: trade_i != 0} fixed_i``

(:class:`ProportionalCost` the first part, :class:`FixedCost` the second; a
list of models adds up). The engine pays the cost from the portfolio so that
the post-trade weights equal the target exactly: it solves
``V' = V - cost(t * V' - h)`` for the post-trade value ``V'`` (a contraction,
solved by fixed-point iteration to 1e-13 relative). Trades in ``"CASH"`` are
never charged. A trade smaller than 1e-9 of the portfolio value counts as no
trade for the fixed part.

The protocol the engine calls is :class:`CostModel` (``bind``) and the bound
:class:`TradeCost` (a call and a ``proportional`` flag: a cost that scales
with the trade lets the engine solve every execution at once). Any object
with those methods plugs in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from tactical._typing import CASH
from tactical.errors import ConfigError

__all__ = ["CostModel", "TradeCost", "ProportionalCost", "FixedCost", "bind_costs"]

TRADE_EPS = 1e-9  # a trade smaller than this fraction of the value is no trade


@runtime_checkable
class TradeCost(Protocol):
    """A cost model bound to one backtest's holdings."""

    @property
    def proportional(self) -> bool:
        """True when ``cost(a * trades, a * values) == a * cost(trades, values)``."""
        ...

    def __call__(self, trades: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Cost of each row of ``trades`` (shape ``(m, k)``), given values ``(m,)``."""
        ...


@runtime_checkable
class CostModel(Protocol):
    """Anything that can price the trades of a backtest once told its holdings."""

    def bind(self, tickers: tuple[str, ...]) -> TradeCost:
        """The model for these holdings (``"CASH"`` last)."""
        ...


@dataclass(frozen=True, slots=True)
class _Linear:
    rate: np.ndarray
    fixed: np.ndarray

    @property
    def proportional(self) -> bool:
        return not self.fixed.any()

    def __call__(self, trades: np.ndarray, values: np.ndarray) -> np.ndarray:
        moved = np.abs(trades)
        out = moved @ self.rate
        if self.fixed.any():
            traded = moved > TRADE_EPS * np.asarray(values)[..., None]
            out = out + traded @ self.fixed
        return out


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
    >>> cost = ProportionalCost(bps=10).bind(("SPY", "CASH"))
    >>> cost(np.array([[1_000.0, -1_000.0]]), np.array([10_000.0])).tolist()
    [1.0]
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

    def bind(self, tickers: tuple[str, ...]) -> TradeCost:
        """``sum_i rate_i |trade_i|`` over these holdings."""
        return _Linear(self.rates(tickers), np.zeros(len(tickers)))


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

    def fixed(self, tickers: Sequence[str]) -> np.ndarray:
        """``amount`` per ticker; 0 for ``"CASH"``."""
        return np.array([0.0 if t == CASH else float(self.amount) for t in tickers])

    def bind(self, tickers: tuple[str, ...]) -> TradeCost:
        """``amount`` for each holding traded (not proportional)."""
        return _Linear(np.zeros(len(tickers)), self.fixed(tickers))


@dataclass(frozen=True, slots=True)
class _Total:
    parts: tuple[TradeCost, ...]

    @property
    def proportional(self) -> bool:
        return all(p.proportional for p in self.parts)

    def __call__(self, trades: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = self.parts[0](trades, values)
        for part in self.parts[1:]:
            out = out + part(trades, values)
        return out


def bind_costs(
    costs: CostModel | Sequence[CostModel] | None, tickers: tuple[str, ...]
) -> TradeCost | None:
    """Bind one model or a list of them to ``tickers``; None when there is no cost.

    Raises
    ------
    ConfigError
        For anything that is not a cost model, naming it.

    Examples
    --------
    >>> both = bind_costs([ProportionalCost(bps=10), FixedCost(5.0)], ("SPY", "CASH"))
    >>> both(np.array([[1_000.0, -1_000.0]]), np.array([10_000.0])).tolist()
    [6.0]
    """
    if costs is None:
        return None
    models = list(costs) if isinstance(costs, Sequence) else [costs]
    bound: list[TradeCost] = []
    for m in models:
        if not isinstance(m, CostModel):
            raise ConfigError(
                f"costs must be ProportionalCost, FixedCost or a list of them, got {m!r}"
            )
        b = m.bind(tickers)
        if not isinstance(b, TradeCost):
            raise ConfigError(f"{m!r}.bind() must return a callable cost with .proportional")
        if isinstance(b, _Linear) and not (b.rate.any() or b.fixed.any()):
            continue  # a zero cost changes nothing
        bound.append(b)
    if not bound:
        return None
    if len(bound) == 1:
        return bound[0]
    linear = [b for b in bound if isinstance(b, _Linear)]
    if len(linear) == len(bound):  # fold the built-ins into one rate and one fixed vector
        return _Linear(sum(b.rate for b in linear), sum(b.fixed for b in linear))  # type: ignore[arg-type]
    return _Total(tuple(bound))
