"""Decision dates on trading days.

A *schedule* says when a strategy decides. Dates are always bars of the price
index (trading days), never calendar days that have no price.

Aliases (pandas style; old spellings accepted):

========  =====================================  ===================
alias     decides on                             also accepted
========  =====================================  ===================
``"D"``   every bar                              ``"B"``
``"W"``   last trading day of each week (Mon-Fri) ``"W-FRI"``
``"ME"``  last trading day of each month         ``"M"``, ``"BME"``
``"QE"``  last trading day of each quarter       ``"Q"``, ``"BQE"``
``"SE"``  last trading day of June and December  ``"6ME"``
``"YE"``  last trading day of each year          ``"Y"``, ``"A"``
========  =====================================  ===================

``offset`` moves each decision by a number of *trading days* from the period's
last trading day: ``offset=-2`` decides two trading days before month end,
``offset=3`` on the third trading day of the next month. Dates pushed outside
the price index are dropped. A list of explicit dates is also accepted: each
maps to the last trading day on or before it.

The last bar of the index counts as a period end only if the next business
day falls in another period (so data ending mid-month does not create a
spurious month-end decision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from tactical.errors import ConfigError

__all__ = ["ALIASES", "decision_positions", "decision_dates", "normalize_schedule"]

ALIASES: dict[str, str] = {
    "D": "D",
    "B": "D",
    "W": "W",
    "W-FRI": "W",
    "ME": "ME",
    "M": "ME",
    "BME": "ME",
    "QE": "QE",
    "Q": "QE",
    "BQE": "QE",
    "SE": "SE",
    "6ME": "SE",
    "YE": "YE",
    "Y": "YE",
    "A": "YE",
    "BYE": "YE",
}

ScheduleLike: TypeAlias = str | Sequence[str] | Sequence[pd.Timestamp] | pd.DatetimeIndex


def normalize_schedule(schedule: ScheduleLike) -> str | pd.DatetimeIndex:
    """Return the canonical alias (``"D"``, ``"W"``, ``"ME"``, ...) or a DatetimeIndex.

    Raises
    ------
    ConfigError
        For an unknown alias, naming the accepted ones.
    """
    if isinstance(schedule, str):
        key = schedule.upper()
        if key not in ALIASES:
            raise ConfigError(
                f"unknown schedule {schedule!r}; use one of {sorted(set(ALIASES.values()))} "
                "or a list of dates"
            )
        return ALIASES[key]
    if (
        isinstance(schedule, pd.DatetimeIndex)
        and schedule.tz is None
        and schedule.is_monotonic_increasing
        and schedule.is_unique
        and len(schedule)
    ):
        return schedule  # already canonical
    try:
        dates = pd.DatetimeIndex(schedule)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"schedule must be an alias or a list of dates: {exc}") from exc
    if len(dates) == 0:
        raise ConfigError("schedule is an empty list of dates")
    return dates.sort_values().unique()


def _period_keys_days(days: np.ndarray, alias: str) -> np.ndarray:
    """Period number of each date given as days since 1970-01-01."""
    if alias == "W":
        return (days + 3) // 7  # 1970-01-01 was a Thursday: weeks start on Monday
    stamps = days.astype("datetime64[D]")
    months = stamps.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    size = {"ME": 1, "QE": 3, "SE": 6, "YE": 12}.get(alias)
    if size is None:  # pragma: no cover
        raise ConfigError(f"no period keys for alias {alias!r}")
    return months // size


def decision_positions(
    index: pd.DatetimeIndex, schedule: ScheduleLike = "ME", offset: int = 0
) -> np.ndarray:
    """Positions in ``index`` of the decision dates, sorted, unique, int64.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Trading days (the price index), sorted and unique.
    schedule : str or sequence of dates
        An alias from the module table, or explicit dates.
    offset : int, default 0
        Trading days added to each period-end position (negative = earlier).

    Returns
    -------
    numpy.ndarray
        Integer positions into ``index``.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-25", "2024-02-05")
    >>> [str(d.date()) for d in idx[decision_positions(idx, "ME")]]
    ['2024-01-31']
    >>> [str(d.date()) for d in idx[decision_positions(idx, "ME", offset=1)]]
    ['2024-02-01']
    """
    if not isinstance(offset, int | np.integer):
        raise ConfigError(f"offset must be a whole number of trading days, got {offset!r}")
    n = len(index)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    spec = normalize_schedule(schedule)
    if isinstance(spec, pd.DatetimeIndex):
        naive = isinstance(spec.dtype, np.dtype) and isinstance(index.dtype, np.dtype)
        if naive:  # tz-naive both: on int64 stamps of one unit, fast
            same = spec.dtype == index.dtype
            stamps = (spec if same else spec.as_unit(index.unit)).asi8
            pos = np.searchsorted(index.asi8, stamps, side="right") - 1
        else:
            pos = index.searchsorted(spec, side="right") - 1
        pos = pos[pos >= 0]
    elif spec == "D":
        pos = np.arange(n, dtype=np.int64)
    else:
        days = index.to_numpy().astype("datetime64[D]").astype(np.int64)
        keys = _period_keys_days(days, spec)
        ends = np.flatnonzero(keys[1:] != keys[:-1])
        weekday = (days[-1] + 3) % 7  # Monday = 0
        next_business = days[-1:] + (3 if weekday == 4 else 2 if weekday == 5 else 1)
        last_is_end = _period_keys_days(next_business, spec)[0] != keys[-1]
        pos = np.append(ends, n - 1) if last_is_end else ends
    pos = np.asarray(pos, dtype=np.int64) + int(offset)
    pos = pos[(pos >= 0) & (pos < n)]
    if len(pos) > 1:  # sorted already: drop repeats (two dates on one bar)
        pos = pos[np.concatenate(([True], pos[1:] != pos[:-1]))]
    return pos


def decision_dates(
    index: pd.DatetimeIndex, schedule: ScheduleLike = "ME", offset: int = 0
) -> pd.DatetimeIndex:
    """The decision dates themselves; see :func:`decision_positions`.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", "2024-06-30")
    >>> [str(d.date()) for d in decision_dates(idx, "QE")]
    ['2024-03-29', '2024-06-28']
    """
    return index[decision_positions(index, schedule, offset)]
