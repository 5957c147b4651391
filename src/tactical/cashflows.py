"""Contributions and withdrawals: a dated series of amounts.

A flow is applied at the close of its date (or of the next trading day when
the date is not one), before any trade that executes that day. Contributions
buy the holdings furthest *below* their target first, withdrawals sell those
furthest *above* it, so flows move the portfolio toward its target without
selling anything on a contribution (the usual 401(k) payroll practice).
Before the first investment, flows go to or come from cash.

Returns stay time-weighted: a flow ``F_t`` at the close of ``t`` is removed
from that day's return, ``r_t = (V_t - F_t) / V_{t-1} - 1``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tactical.errors import ConfigError
from tactical.schedules import ScheduleLike, decision_positions

__all__ = ["periodic_cashflows", "flow_positions"]


def periodic_cashflows(
    index: pd.DatetimeIndex, amount: float, schedule: ScheduleLike = "ME", offset: int = 0
) -> pd.Series:
    """A regular contribution (``amount > 0``) or withdrawal (``< 0``) on schedule dates.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", "2024-03-31")
    >>> periodic_cashflows(idx, 500.0).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {Timestamp('2024-01-31 00:00:00'): 500.0, Timestamp('2024-02-29 00:00:00'): 500.0,
     Timestamp('2024-03-29 00:00:00'): 500.0}
    """
    if not np.isfinite(amount) or amount == 0:
        raise ConfigError(f"amount must be a finite non-zero number, got {amount}")
    dates = index[decision_positions(index, schedule, offset)]
    return pd.Series(float(amount), index=dates, name="cashflow")


def flow_positions(cashflows: pd.Series, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Map dated amounts to positions in ``index`` (same-day flows summed).

    Raises
    ------
    ConfigError
        A non-Series, a non-date index, NaN amounts, or a date outside the
        backtest window, naming the dates.
    """
    if not isinstance(cashflows, pd.Series):
        raise ConfigError(
            f"cashflows must be a pandas Series of amounts, got {type(cashflows).__name__}"
        )
    if len(cashflows) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    try:
        dates = pd.DatetimeIndex(cashflows.index)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"cashflows must be indexed by date: {exc}") from exc
    amounts = pd.to_numeric(cashflows, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(amounts).all():
        bad = dates[~np.isfinite(amounts)]
        raise ConfigError(f"cashflow amounts are missing or not numbers on {list(bad.date[:3])}")
    outside = (dates < index[0]) | (dates > index[-1])
    if outside.any():
        raise ConfigError(
            f"cashflows dated {[str(d.date()) for d in dates[outside][:3]]} fall outside the "
            f"backtest window {index[0].date()}..{index[-1].date()}"
        )
    pos = index.searchsorted(dates, side="left")
    uniq, inverse = np.unique(pos, return_inverse=True)
    total = np.zeros(len(uniq))
    np.add.at(total, inverse, amounts)
    keep = total != 0
    return uniq[keep].astype(np.int64), total[keep]
