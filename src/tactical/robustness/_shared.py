"""Share momentum scores across the variants of a chunk that differ only in top-N.

A sweep over ``lookback x top_n`` of :class:`~tactical.strategies.RelativeMomentum`
computes the same trailing returns once per lookback, not once per variant:
each such allocator is wrapped in :class:`_SharedMomentum`, whose vectorised
``weights_at`` (interface I1) takes the scores from a cache filled by
:func:`tactical.strategies.signals.trailing_return` (interface I7) and ranks
them exactly as ``RelativeMomentum.weights_at`` does, so the targets are the
same bit for bit. Everything else (``tickers``, warm-up, ``repr``, the
``History`` call) is the wrapped allocator's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    """A :class:`RelativeMomentum` whose scores come from a cache shared with its siblings."""

    inner: RelativeMomentum
    cache: dict[tuple[Any, ...], np.ndarray]
    trailing_return: Any

    def __call__(self, history: Any) -> Any:
        return self.inner(history)

    def __getattr__(self, name: str) -> Any:  # tickers, min_history, first_decision_row...
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return repr(self.inner)

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        inner = self.inner
        rows = np.asarray(rows, dtype=np.int64)
        key = (id(values), values.shape, inner.lookback, inner.skip, rows.tobytes())
        scores = self.cache.get(key)
        if scores is None:
            scores = self.trailing_return(values, index, rows, inner.lookback, inner.skip)
            self.cache[key] = scores
        where = {c: i for i, c in enumerate(columns)}
        if any(t not in where for t in inner.menu):
            return inner.weights_at(values, index, columns, rows)  # raises, naming the fund
        cols = np.array([where[t] for t in inner.menu], dtype=np.intp)
        menu_scores = scores[:, cols]
        if np.isnan(menu_scores).any():
            return inner.weights_at(values, index, columns, rows)  # raises, naming date and fund
        order = np.argsort(-menu_scores, axis=1, kind="stable")[:, : inner.top_n]
        out = np.zeros((len(rows), len(columns)))
        out[np.arange(len(rows))[:, None], cols[order]] = 1.0 / inner.top_n
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
    cache: dict[tuple[Any, ...], np.ndarray] = {}
    return tuple(
        replace(s, allocator=_SharedMomentum(s.allocator, cache, trailing))
        if type(s.allocator) is RelativeMomentum and hasattr(s.allocator, "weights_at")
        else s
        for s in strategies
    )
