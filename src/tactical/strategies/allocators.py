"""Allocators: what to hold, decided from the past only.

An allocator is any callable ``History -> Mapping[str, float]`` returning
target weights (non-negative, summing to 1; ``"CASH"`` is explicit cash).
A plain function works::

    def sixty_forty(history):
        return {"SPY": 0.6, "AGG": 0.4}

The built-ins are frozen dataclasses whose fields are their parameters, so
``repr`` is a complete label. Each declares ``tickers`` (the funds it may
hold or read) and ``min_history`` (rows of history it needs), which the
engine uses to pick the first date it can start.

Rules, exactly
--------------
``FixedWeights(w)``
    Always ``w``.
``RelativeMomentum(menu, top_n, lookback, skip)``
    Score each fund by ``P[t - skip] / P[t - skip - lookback] - 1``; hold the
    ``top_n`` best, equal-weighted (ties go to the fund listed first).
``DualMomentum(menu, safe, lookback, skip, top_n, hurdle)``
    As RelativeMomentum, then each winner must also beat the hurdle
    (``"CASH"``, or a fund such as ``"BIL"``) over the same window; a winner
    whose score is not strictly greater gives its share to ``safe``.
``TrendFilter(risky, safe, lookback)``
    Each risky fund keeps its weight while its close is strictly above its
    simple moving average over the last ``lookback`` closes (today included);
    otherwise that weight moves to ``safe``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from tactical._typing import CASH
from tactical.errors import ConfigError, WeightsError
from tactical.history import History

__all__ = [
    "Allocator",
    "FixedWeights",
    "RelativeMomentum",
    "DualMomentum",
    "TrendFilter",
    "check_weights",
]


@runtime_checkable
class Allocator(Protocol):
    """What to hold: a callable from the visible past to target weights."""

    def __call__(self, history: History) -> Mapping[str, float]: ...


AllocatorLike = Allocator | Callable[[History], Mapping[str, float]]


def check_weights(weights: Mapping[str, float], where: str = "") -> dict[str, float]:
    """Validate target weights and return them as a plain ``dict`` of floats.

    Weights must be finite, >= 0 and sum to 1 within 1e-9.

    Raises
    ------
    WeightsError
        Naming the offending tickers, the sum and how to fix it.

    Examples
    --------
    >>> check_weights({"SPY": 0.6, "AGG": 0.4})
    {'SPY': 0.6, 'AGG': 0.4}
    """
    at = f" on {where}" if where else ""
    if not isinstance(weights, Mapping):
        raise WeightsError(
            f"target weights{at} must be a mapping ticker -> weight, got {type(weights).__name__}"
        )
    if not weights:
        raise WeightsError(f"target weights{at} are empty; hold {{'CASH': 1.0}} to stay in cash")
    out: dict[str, float] = {}
    for ticker, w in weights.items():
        if not isinstance(ticker, str):
            raise WeightsError(f"ticker names must be strings, got {ticker!r}{at}")
        try:
            value = float(w)
        except (TypeError, ValueError):
            raise WeightsError(f"weight of {ticker} is not a number ({w!r}){at}") from None
        if not np.isfinite(value):
            raise WeightsError(f"weight of {ticker} is {value}{at}; weights must be finite")
        if value < 0:
            raise WeightsError(
                f"weight of {ticker} is negative ({value:g}){at}; tactical is long-only"
            )
        out[ticker] = value
    total = sum(out.values())
    if abs(total - 1.0) > 1e-9:
        parts = ", ".join(f"{t} {v:.2f}" for t, v in out.items())
        fix = f"add CASH {1 - total:.2f}" if total < 1 else "scale them down so they sum to 1"
        raise WeightsError(f"weights sum to {total:.6g}{at} ({parts}); {fix}")
    return out


def _tickers(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    try:
        items: tuple[object, ...] = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise ConfigError(f"{what} must be a ticker or a sequence of tickers") from None
    if not items or not all(isinstance(t, str) and t for t in items):
        raise ConfigError(f"{what} must be non-empty ticker names, got {value!r}")
    if len(set(items)) != len(items):
        raise ConfigError(f"{what} lists a ticker twice: {items}")
    return tuple(str(t) for t in items)


def _positive_int(value: object, name: str, minimum: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ConfigError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True, init=False, repr=False)
class FixedWeights:
    """Constant target weights, e.g. a 60/40 mix.

    Parameters
    ----------
    weights : mapping of str to float
        Ticker -> weight; non-negative, summing to 1. ``"CASH"`` allowed.

    Examples
    --------
    >>> FixedWeights({"SPY": 0.6, "AGG": 0.4})
    FixedWeights({'SPY': 0.6, 'AGG': 0.4})
    """

    weights: tuple[tuple[str, float], ...]

    def __init__(self, weights: Mapping[str, float]) -> None:
        checked = check_weights(weights)
        object.__setattr__(self, "weights", tuple(checked.items()))

    def __call__(self, history: History) -> dict[str, float]:
        return dict(self.weights)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds held (``"CASH"`` excluded)."""
        return tuple(t for t, _ in self.weights if t != CASH)

    @property
    def min_history(self) -> int:
        """Rows of history needed: 1."""
        return 1

    @property
    def static(self) -> bool:
        """True: the target never changes, so the engine asks once."""
        return True

    def __repr__(self) -> str:
        return f"FixedWeights({dict(self.weights)!r})"


def _check_momentum(rule: RelativeMomentum | DualMomentum) -> None:
    """Validate the fields momentum rules share; normalise ``menu`` to a tuple."""
    object.__setattr__(rule, "menu", _tickers(rule.menu, "menu"))
    _positive_int(rule.lookback, "lookback")
    _positive_int(rule.skip, "skip", minimum=0)
    _positive_int(rule.top_n, "top_n")
    if rule.top_n > len(rule.menu):
        raise ConfigError(f"top_n={rule.top_n} is more than the {len(rule.menu)} funds in menu")


def _ranked(
    rule: RelativeMomentum | DualMomentum, history: History
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``menu`` of the ``top_n`` best scores (ties: menu order), and all scores."""
    scores = history.trailing_returns(rule.menu, rule.lookback, rule.skip)
    return np.argsort(-scores, kind="stable")[: rule.top_n], scores


@dataclass(frozen=True, slots=True)
class RelativeMomentum:
    """Hold the ``top_n`` funds of ``menu`` with the best trailing total return.

    Parameters
    ----------
    menu : tuple of str
        Candidate funds.
    top_n : int, default 1
        How many to hold, equal-weighted.
    lookback : int, default 252
        Bars in the return window (252 daily bars ~ 12 months).
    skip : int, default 0
        Most recent bars left out of the window (21 ~ skip the last month).

    Notes
    -----
    Score ``m_i = P_i[t - skip] / P_i[t - skip - lookback] - 1``. Ties are
    broken by menu order. Needs ``lookback + skip + 1`` rows of history.
    """

    menu: tuple[str, ...]
    top_n: int = 1
    lookback: int = 252
    skip: int = 0

    def __post_init__(self) -> None:
        _check_momentum(self)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held."""
        return self.menu

    @property
    def min_history(self) -> int:
        """Rows of history needed: ``lookback + skip + 1``."""
        return self.lookback + self.skip + 1

    def __call__(self, history: History) -> dict[str, float]:
        order, _ = _ranked(self, history)
        share = 1.0 / self.top_n
        return {self.menu[i]: share for i in order}


@dataclass(frozen=True, slots=True)
class DualMomentum:
    """Relative momentum plus an absolute test; losers of the test go to ``safe``.

    Parameters
    ----------
    menu : tuple of str
        Risky candidates (e.g. ``("SPY", "EFA")``).
    safe : str, default "AGG"
        Where a winner's share goes when it fails the absolute test (a bond
        fund, a cash fund, or ``"CASH"``).
    lookback, skip, top_n : int
        As in :class:`RelativeMomentum`.
    hurdle : str, default "CASH"
        What a winner must beat over the same window: ``"CASH"`` (the cash
        account, i.e. T-bills when cash returns are given, else 0%) or a fund
        such as ``"BIL"``.

    Notes
    -----
    A winner is kept when ``m_winner > m_hurdle`` (strictly), else its
    ``1 / top_n`` share goes to ``safe``. This generalises Antonacci's Global
    Equity Momentum, whose absolute test uses T-bills as the hurdle.
    """

    menu: tuple[str, ...]
    safe: str = "AGG"
    lookback: int = 252
    skip: int = 0
    top_n: int = 1
    hurdle: str = CASH

    def __post_init__(self) -> None:
        _check_momentum(self)
        _tickers(self.safe, "safe")
        _tickers(self.hurdle, "hurdle")

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held (``"CASH"`` excluded)."""
        extra = [t for t in (self.safe, self.hurdle) if t != CASH and t not in self.menu]
        return self.menu + tuple(dict.fromkeys(extra))

    @property
    def min_history(self) -> int:
        """Rows of history needed: ``lookback + skip + 1``."""
        return self.lookback + self.skip + 1

    def __call__(self, history: History) -> dict[str, float]:
        order, scores = _ranked(self, history)
        bar = history.trailing_return(self.hurdle, self.lookback, self.skip)
        share = 1.0 / self.top_n
        out: dict[str, float] = {}
        for i in order:
            name = self.menu[i] if scores[i] > bar else self.safe
            out[name] = out.get(name, 0.0) + share
        return out


@dataclass(frozen=True, slots=True, init=False)
class TrendFilter:
    """Hold each risky fund only while it trades above its moving average.

    Parameters
    ----------
    risky : tuple of str or mapping of str to float
        Risky funds, equal-weighted when given as a sequence, or with their
        weights (summing to 1) when given as a mapping.
    safe : str, default "CASH"
        Where the weight of a fund below its average goes (a bond fund, a
        cash fund such as ``"BIL"``, or ``"CASH"``).
    lookback : int, default 210
        Bars in the simple moving average (210 daily bars ~ 10 months, the
        classic Faber rule).

    Notes
    -----
    Fund ``i`` is *in* when ``P_i[t] > mean(P_i[t - lookback + 1 .. t])``.
    Needs ``lookback`` rows of history.
    """

    risky: tuple[tuple[str, float], ...]
    safe: str
    lookback: int

    def __init__(
        self,
        risky: tuple[str, ...] | list[str] | Mapping[str, float] | str,
        safe: str = CASH,
        lookback: int = 210,
    ) -> None:
        if isinstance(risky, Mapping):
            pairs = tuple(check_weights(risky).items())
        else:
            names = _tickers(risky, "risky")
            pairs = tuple((t, 1.0 / len(names)) for t in names)
        _tickers(safe, "safe")
        if safe in dict(pairs):
            raise ConfigError(f"safe asset {safe!r} is also in risky")
        object.__setattr__(self, "risky", pairs)
        object.__setattr__(self, "safe", safe)
        object.__setattr__(self, "lookback", _positive_int(lookback, "lookback"))

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held (``"CASH"`` excluded)."""
        names = tuple(t for t, _ in self.risky)
        return names + (() if self.safe == CASH else (self.safe,))

    @property
    def min_history(self) -> int:
        """Rows of history needed: ``lookback``."""
        return self.lookback

    def __call__(self, history: History) -> dict[str, float]:
        out: dict[str, float] = {}
        for ticker, weight in self.risky:
            last = history.price(ticker)[-1]
            name = ticker if last > history.moving_average(ticker, self.lookback) else self.safe
            out[name] = out.get(name, 0.0) + weight
        return out
