"""Metrics of holdings: how much of the time a strategy was invested.

Unlike the other metric modules these take **weights**, not returns: a
DataFrame of shape ``(n_dates, n_holdings)`` of fractions of the account,
such as ``BacktestResult.weights`` (drifted end-of-day weights, each row
summing to 1, cash explicit as ``"CASH"`` or a cash fund).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tactical.errors import MetricError

__all__ = ["exposure"]


def exposure(
    weights: pd.DataFrame, cash: str | Iterable[str] = ("CASH",), *, tolerance: float = 1e-9
) -> float:
    """Share of the dates on which the account was invested (held anything but cash).

    Parameters
    ----------
    weights : DataFrame
        Weights by date, shape ``(n_dates, n_holdings)``, fractions summing to
        1 per row (``BacktestResult.weights``). NaN counts as 0.
    cash : str or iterable of str
        The columns that count as cash, e.g. ``("CASH", "BIL")`` when a
        T-bill fund is the strategy's cash. Names absent from ``weights`` are
        ignored.
    tolerance : float
        A date is invested when its non-cash weight exceeds this (drift
        leaves tiny residues).

    Returns
    -------
    float
        In ``[0, 1]``: the number of invested dates over the number of dates.

    Raises
    ------
    MetricError
        ``weights`` not a DataFrame, empty, or with negative weights.

    Notes
    -----
    ``count(sum_{i not cash} w_{t,i} > tolerance) / n``. quantstats
    ``exposure`` computes the same share from **returns** (the periods with a
    non-zero return, rounded up to a whole percent), which takes a day in a
    fund with a zero return for cash and a day in cash earning interest for
    exposure; weights say what was held. The share of the **account**
    invested on average is ``1 - weights[cash].sum(axis=1).mean()``.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"SPY": [1.0, 0.0, 0.6, 0.0], "CASH": [0.0, 1.0, 0.4, 1.0]})
    >>> exposure(w)
    0.5
    """
    if not isinstance(weights, pd.DataFrame):
        raise MetricError(
            f"weights must be a DataFrame of fractions by date (e.g. result.weights), "
            f"got {type(weights).__name__}"
        )
    if weights.shape[0] == 0:
        raise MetricError("weights are empty: pass at least one date of weights")
    names = {cash} if isinstance(cash, str) else set(cash)
    values = weights.to_numpy(dtype=np.float64, na_value=0.0)
    if (values < -tolerance).any():
        row, col = np.argwhere(values < -tolerance)[0]
        raise MetricError(
            f"weights must be >= 0, got {values[row, col]:.4g} for {weights.columns[col]!r} on "
            f"{weights.index[row]}; exposure is defined for long-only holdings"
        )
    invested = [c not in names for c in weights.columns]
    held = values[:, invested].sum(axis=1) if any(invested) else np.zeros(len(values))
    return float(np.mean(held > tolerance))
