"""Tools to test strategies: :func:`check_causal` and random price paths.

``check_causal`` is the look-ahead test every built-in strategy passes and
every user allocator should: replace the prices after a cut date with noise
and check that nothing decided on or before the cut moves. An allocator with a
vectorised ``weights_at`` is checked on both of the engine's paths: its
``weights_at`` (which the engine uses) and its per-decision ``History`` call,
and the two must agree. Allocators that
only read the :class:`~tactical.history.History` they are given cannot fail
it. One that precomputes a signal from the full price frame (a centred moving
average, a ``shift(-1)``...) can: pass a *factory* ``prices -> Strategy`` so
the precomputation is redone on the scrambled prices, and the peek shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tactical.backtest import backtest
from tactical.errors import TacticalError
from tactical.history import History
from tactical.strategies.strategy import Strategy

__all__ = ["LookAheadError", "check_causal", "random_prices"]


class LookAheadError(TacticalError, AssertionError):
    """A strategy's past decisions changed when only the future was changed."""


def random_prices(
    n_bars: int = 500,
    tickers: Sequence[str] = ("A", "B"),
    *,
    start: str = "2000-01-03",
    volatility: float = 0.01,
    drift: float = 0.0002,
    seed: int | None = 0,
) -> pd.DataFrame:
    """A geometric random walk on business days, for tests and examples.

    ``P_t = 100 * exp(cumsum(drift + volatility * z))`` with ``z ~ N(0, 1)``.

    Examples
    --------
    >>> random_prices(3, ("A",), seed=1).shape
    (3, 1)
    """
    rng = np.random.default_rng(seed)
    steps = drift + volatility * rng.standard_normal((n_bars, len(tickers)))
    steps[0] = 0.0
    index = pd.bdate_range(start, periods=n_bars, name="date")
    return pd.DataFrame(
        100.0 * np.exp(np.cumsum(steps, axis=0)), index=index, columns=list(tickers)
    )


@dataclasses.dataclass(frozen=True)
class _OneByOne:
    """An allocator seen without its ``weights_at``: the engine asks it once per decision.

    Every other attribute (``tickers``, ``min_history``, ``static``, a
    calendar warm-up...) is the allocator's own.
    """

    allocator: Any

    def __call__(self, history: History) -> Mapping[str, float]:
        return self.allocator(history)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        if name == "weights_at" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "allocator"), name)

    def __repr__(self) -> str:
        return repr(self.allocator)


def _paths(strategy: Strategy) -> list[Strategy]:
    """The strategy, plus the same strategy on the per-decision path if it has weights_at."""
    if hasattr(strategy.allocator, "weights_at"):
        return [strategy, dataclasses.replace(strategy, allocator=_OneByOne(strategy.allocator))]
    return [strategy]


def _scramble(prices: pd.DataFrame, cut: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    out = prices.copy()
    after = out.index > cut
    if not after.any():
        return out
    base = out.loc[out.index <= cut].ffill().iloc[-1].to_numpy()
    shocks = rng.normal(0.0, 0.05, size=(int(after.sum()), out.shape[1]))
    path = base * np.exp(np.cumsum(shocks, axis=0))
    path[np.isnan(out.loc[after].to_numpy())] = np.nan  # keep young funds young
    out.loc[after] = np.where(np.isnan(path), out.loc[after].to_numpy(), path)
    return out


def check_causal(
    strategy: Strategy | Callable[[pd.DataFrame], Strategy],
    prices: pd.DataFrame,
    cuts: Sequence[str | pd.Timestamp] | None = None,
    *,
    seed: int = 0,
    **kwargs: Any,
) -> int:
    """Assert that ``strategy`` never uses prices after its decision dates.

    For each cut date, the prices strictly after the cut are replaced by a
    random walk (5% daily shocks) and the backtest is run again over the same
    window. Every target decided on or before the cut, and the equity up to
    the cut, must be unchanged (exactly: the same inputs must give the same
    floating-point numbers).

    Parameters
    ----------
    strategy : Strategy or callable
        The strategy under test, or a factory ``prices -> Strategy`` for
        strategies built from the price frame (called once per price set).
    prices : pandas.DataFrame
        Prices as given to :func:`~tactical.backtest`.
    cuts : sequence of dates, optional
        Cut dates; default: the decision dates at 25%, 50% and 75% of the run.
    seed : int, default 0
        Seed of the noise.
    **kwargs
        Passed to :func:`~tactical.backtest` (``execution_lag``, ``costs``,
        ``cash_returns``, ...).

    Returns
    -------
    int
        The number of (cut, decision) pairs compared, so a caller can assert
        the check was not vacuous (counted on each path checked).

    Raises
    ------
    LookAheadError
        Naming the cut, the first date whose target or value moved, and how;
        or the first date where ``weights_at`` and the per-decision call of
        the allocator disagree (beyond 1e-15).

    Examples
    --------
    >>> from tactical.strategies import RelativeMomentum, Strategy
    >>> px = random_prices(300, ("A", "B", "C"))
    >>> check_causal(Strategy(RelativeMomentum(("A", "B", "C"), lookback=40)), px) > 0
    True
    """

    def build(frame: pd.DataFrame, path: int) -> Strategy:
        made = strategy if isinstance(strategy, Strategy) else strategy(frame)
        return _paths(made)[path]

    n_paths = len(_paths(build(prices, 0)))
    base = backtest(prices, build(prices, 0), **kwargs)
    if n_paths == 2:  # weights_at must equal the per-decision History call
        slow = backtest(prices, build(prices, 1), start=base.start, end=base.end, **kwargs)
        a, b = base.targets.align(slow.targets, join="outer", axis=1, fill_value=0.0)
        if not a.index.equals(b.index) or (np.abs(a - b).to_numpy() > 1e-15).any():
            diff = np.abs(a - b).to_numpy()
            r = int(np.argwhere(diff > 1e-15)[0][0]) if diff.size else 0
            raise LookAheadError(
                f"weights_at of {build(prices, 0).allocator!r} disagrees with its per-decision "
                f"call on {a.index[r].date()}: the vectorised path decides differently"
            )
    start, end = base.start, base.end
    decisions = base.targets.index
    if cuts is None:
        picks = sorted({int(len(decisions) * q) for q in (0.25, 0.5, 0.75)})
        cut_dates = [decisions[min(i, len(decisions) - 1)] for i in picks]
    else:
        cut_dates = [pd.Timestamp(c) for c in cuts]
    rng = np.random.default_rng(seed)
    compared = 0
    for cut in cut_dates:
        scrambled = _scramble(prices, cut, rng)
        for path in range(n_paths):
            other = backtest(scrambled, build(scrambled, path), start=start, end=end, **kwargs)
            compared += _compare(base, other, cut, "weights_at" if path == 0 else "History")
    return compared


def _compare(base: Any, other: Any, cut: pd.Timestamp, path: str) -> int:
    """Decisions and values up to ``cut`` must be identical; returns the pairs compared."""
    before = base.targets.index <= cut
    a, b = base.targets.loc[before], other.targets.loc[other.targets.index <= cut]
    if not a.index.equals(b.index):
        raise LookAheadError(
            f"decision dates on or before {cut.date()} changed when only later prices changed"
        )
    a, b = a.align(b, join="outer", axis=1, fill_value=0.0)
    diff = (a - b).abs().to_numpy()
    if (diff > 0).any():
        r, c = np.argwhere(diff > 0)[0]
        raise LookAheadError(
            f"target for {a.columns[c]} on {a.index[r].date()} changed from "
            f"{a.iloc[r, c]:.6g} to {b.iloc[r, c]:.6g} when only prices after "
            f"{cut.date()} were changed: the allocator looks ahead ({path} path)"
        )
    eq_a = base.equity.loc[:cut]
    eq_b = other.equity.loc[:cut]
    moved = eq_a.to_numpy() != eq_b.to_numpy()
    if moved.any():
        first = eq_a.index[int(np.argmax(moved))]
        raise LookAheadError(
            f"account value on {first.date()} changed when only prices after {cut.date()} "
            "were changed"
        )
    return int(before.sum())
