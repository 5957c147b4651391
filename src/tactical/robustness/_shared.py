"""Share momentum scores across the variants of a chunk that differ only in top-N.

A sweep over ``lookback x top_n`` of :class:`~tactical.strategies.RelativeMomentum`
computes the same trailing returns once per lookback, not once per variant:
each such allocator is wrapped in :class:`_SharedMomentum`, whose vectorised
``weights_at`` (interface I1) takes the scores from a cache filled by
:func:`tactical.strategies.signals.trailing_return` (interface I7) and their
ranking from the same cache, ranked exactly as ``RelativeMomentum.weights_at``
ranks them, so the targets are the same bit for bit; the first feasible
decision row (the warm-up) is cached alike. Everything else (``tickers``,
``min_history``, ``repr``, the ``History`` call) is the wrapped allocator's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tactical.strategies.allocators import RelativeMomentum
from tactical.strategies.strategy import Strategy

__all__ = ["share_scores"]


def _trailing_return() -> Any:
    try:
        from tactical.strategies.signals import trailing_return
    except ImportError:  # an engine without interface I7: nothing to share
        return None
    return trailing_return


@dataclass(frozen=True, slots=True, eq=False)
class _SharedMomentum:
    """A :class:`RelativeMomentum` whose scores come from a cache shared with its siblings.

    Shared, since none of them depends on ``top_n``: the score matrix of a
    lookback, its ranking (``argsort``, of which each variant keeps its first
    ``top_n`` columns) and the first feasible decision row.
    """

    inner: RelativeMomentum
    cache: dict[tuple[Any, ...], Any]
    trailing_return: Any

    def __call__(self, history: Any) -> Any:
        return self.inner(history)

    def __getattr__(self, name: str) -> Any:  # tickers, min_history...
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return repr(self.inner)

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        inner = self.inner
        key = ("first", id(index), len(index), priced, inner.menu, inner.lookback, inner.skip)
        row = self.cache.get(key)
        if row is None:
            row = self.cache[key] = int(inner.first_decision_row(index, priced))
        return int(row)

    def _ranking(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(menu columns, argsort of the scores) from the cache; None to let the allocator speak."""
        inner = self.inner
        key = (id(values), values.shape, inner.lookback, inner.skip, rows.tobytes())
        ranked = self.cache.get((key, inner.menu, columns))
        if ranked is None:
            scores = self.cache.get(key)
            if scores is None:
                scores = self.trailing_return(values, index, rows, inner.lookback, inner.skip)
                self.cache[key] = scores
            where = {c: i for i, c in enumerate(columns)}
            if any(t not in where for t in inner.menu):
                return None  # the allocator raises, naming the fund
            cols = np.array([where[t] for t in inner.menu], dtype=np.intp)
            menu_scores = scores[:, cols]
            if np.isnan(menu_scores).any():
                return None  # the allocator raises, naming the date and the fund
            ranked = (cols, np.argsort(-menu_scores, axis=1, kind="stable"))
            self.cache[(key, inner.menu, columns)] = ranked
        return ranked

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        inner = self.inner
        rows = np.asarray(rows, dtype=np.int64)
        ranked = self._ranking(values, index, columns, rows)
        if ranked is None:
            return inner.weights_at(values, index, columns, rows)
        cols, order = ranked
        out = np.zeros((len(rows), len(columns)))
        out[np.arange(len(rows))[:, None], cols[order[:, : inner.top_n]]] = 1.0 / inner.top_n
        return out

    def targets(
        self, market: Any, holdings: tuple[str, ...], rows: np.ndarray
    ) -> np.ndarray | None:
        """The engine's targets over ``holdings``: ``decide_all`` of :meth:`weights_at`.

        The same numbers without the round trip through every price column:
        ``1 / top_n`` on the ``top_n`` best-ranked funds, at their positions
        in ``holdings``. None when the ranking is not clean: then
        ``decide_all`` validates and raises, naming the problem.
        """
        inner = self.inner
        ranked = self._ranking(market.values, market.index, market.columns, rows)
        spot = {t: i for i, t in enumerate(holdings)}
        if ranked is None or any(t not in spot for t in inner.menu):
            return None
        order = ranked[1][:, : inner.top_n]
        at = np.array([spot[t] for t in inner.menu], dtype=np.intp)
        out = np.zeros((len(rows), len(holdings)))
        out[np.arange(len(rows))[:, None], at[order]] = 1.0 / inner.top_n
        return out


def share_scores(strategies: tuple[Strategy, ...]) -> tuple[Strategy, ...]:
    """The strategies, with plain RelativeMomentum allocators sharing one score cache."""
    trailing = _trailing_return()
    if trailing is None:
        return strategies
    momentum = [
        s
        for s in strategies
        if type(s.allocator) is RelativeMomentum and hasattr(s.allocator, "weights_at")
    ]
    if len(momentum) < 2:
        return strategies
    cache: dict[tuple[Any, ...], Any] = {}
    return tuple(
        _with_allocator(s, _SharedMomentum(s.allocator, cache, trailing))
        if type(s.allocator) is RelativeMomentum and hasattr(s.allocator, "weights_at")
        else s
        for s in strategies
    )


def _with_allocator(strategy: Strategy, allocator: Any) -> Strategy:
    """``replace(strategy, allocator=allocator)`` without re-validating the other fields.

    They were validated when ``strategy`` was made and the wrapper stands for
    the same allocator; skipping ``__post_init__`` (a runtime protocol check
    costs more than a variant's simulation) keeps sharing cheap.
    """
    out = copy.copy(strategy)
    object.__setattr__(out, "allocator", allocator)
    return out
