"""Lookback durations, and which past closes a rule samples for them.

A lookback, a skip or an averaging window is a *duration*:

==========  ===============================================================
form        counts
==========  ===============================================================
``"126D"``  trading days (rows of the price index); a bare ``int`` means the same
``"52W"``   week-end closes (weeks run Monday to Friday, as schedule ``"W"``)
``"10M"``   month-end closes (the last trading day of each calendar month)
==========  ===============================================================

Sampling, exactly
-----------------
Let ``t`` be a decision row. For a duration of ``n`` units, the row ``n``
units before ``t`` is

* ``"nD"``: row ``t - n``;
* ``"nM"``: the last row dated in the calendar month ``n`` months before
  ``t``'s month (its month-end close); for ``n = 0`` the row ``t`` itself;
* ``"nW"``: the same with Monday-to-Friday weeks.

A month or week with no row at all (a gap in the data) falls back to the last
row before it. So on a month-end decision date ``"12M"`` reaches the close 12
month ends earlier, as Antonacci's 12-month total return does, and on monthly
data ``"12M"`` is exactly 12 rows. On a decision date that is *not* a month
end (a schedule offset, a weekly or daily schedule), the decision's own close
stands in for the current month's close and the earlier samples stay on month
ends: ``"12M"`` then spans the current partial month plus 12 whole months.
Nothing dated after ``t`` is ever sampled.

An averaging window of ``n`` units samples the ``n`` rows ``0, 1, ..., n - 1``
units before ``t`` (``t`` included): ``"10M"`` is the decision's close and the
previous nine month-end closes, Faber's 10-month simple moving average;
``"210D"`` is the last 210 closes.

Examples
--------
>>> import pandas as pd
>>> idx = pd.bdate_range("2024-01-01", "2024-04-30")
>>> rows = np.array([len(idx) - 1])              # 2024-04-30, a month end
>>> [str(idx[r].date()) for r in anchor_rows(idx, rows, parse_duration("2M"))]
['2024-02-29']
>>> [str(idx[r].date()) for r in sample_rows(idx, rows, parse_duration("3M"))[0]]
['2024-02-29', '2024-03-29', '2024-04-30']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tactical._typing import DurationLike
from tactical.errors import ConfigError

__all__ = ["Duration", "anchor_rows", "parse_duration", "sample_rows"]

_FORM = re.compile(r"^\s*(\d+)\s*([DWM])\s*$", re.IGNORECASE)
_UNITS = {"D": "trading days", "W": "week-end closes", "M": "month-end closes"}


@dataclass(frozen=True, slots=True)
class Duration:
    """A parsed duration: ``count`` units of ``"D"`` (rows), ``"W"`` or ``"M"``.

    Examples
    --------
    >>> Duration(10, "M"), str(Duration(126, "D"))
    (Duration(count=10, unit='M'), '126D')
    """

    count: int
    unit: Literal["D", "W", "M"]

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    @property
    def words(self) -> str:
        """Human form, e.g. ``"10 month-end closes"``."""
        return f"{self.count} {_UNITS[self.unit]}"


def parse_duration(value: object, name: str = "lookback", minimum: int = 1) -> Duration:
    """Read ``value`` as a duration of at least ``minimum`` units.

    Parameters
    ----------
    value : int or str
        ``"10M"``, ``"52W"``, ``"126D"`` (case-insensitive), or an ``int`` of
        trading days (``126`` is ``"126D"``).
    name : str, default "lookback"
        Parameter name used in the error message.
    minimum : int, default 1
        Smallest count allowed (0 for a skip).

    Raises
    ------
    ConfigError
        Naming the parameter, the value and the accepted forms.

    Examples
    --------
    >>> parse_duration("12m"), parse_duration(126)
    (Duration(count=12, unit='M'), Duration(count=126, unit='D'))
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        count, unit = int(value), "D"
    elif isinstance(value, str) and (match := _FORM.match(value)):
        count, unit = int(match.group(1)), match.group(2).upper()
    else:
        raise ConfigError(
            f"{name} must be a duration such as '10M' (month-end closes), '52W' (week-end "
            f"closes) or '126D' (trading days), or a whole number of trading days; got {value!r}"
        )
    if count < minimum:
        raise ConfigError(f"{name} must be a duration of at least {minimum}, got {value!r}")
    return Duration(count, unit)  # type: ignore[arg-type]


def canonical(value: object, name: str = "lookback", minimum: int = 1) -> DurationLike:
    """``value`` validated, as stored in an allocator's field: an int, or ``"12M"`` style."""
    duration = parse_duration(value, name, minimum)
    if isinstance(value, str):
        return str(duration)
    return duration.count


def _boundaries(dates: np.ndarray, back: np.ndarray, unit: str) -> np.ndarray:
    """First calendar day of the period ``back - 1`` periods before each date's period."""
    if unit == "M":
        months = dates.astype("datetime64[M]")
        return (months - (back - 1)).astype("datetime64[D]")
    days = dates.astype("datetime64[D]").astype(np.int64)
    weeks = (days + 3) // 7  # 1970-01-01 was a Thursday: weeks start on Monday
    return ((weeks - (back - 1)) * 7 - 3).astype("datetime64[D]")


def anchor_rows(
    index: pd.DatetimeIndex, rows: np.ndarray, duration: Duration, back: int | None = None
) -> np.ndarray:
    """Row ``duration`` before each of ``rows`` (see the module notes); -1 before the data.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The trading calendar (sorted, unique).
    rows : numpy.ndarray
        Integer positions in ``index``, any shape.
    duration : Duration
        How far back.
    back : int, optional
        Count of units to go back instead of ``duration.count`` (same unit).

    Returns
    -------
    numpy.ndarray
        int64 positions of ``rows``' shape; every one is ``<=`` its row.
    """
    n = duration.count if back is None else back
    rows = np.asarray(rows, dtype=np.int64)
    if duration.unit == "D" or n == 0:
        return np.maximum(rows - n, -1)
    dates = index.values
    picked = dates[np.maximum(rows, 0)]
    bound = _boundaries(picked, np.array(n, dtype=np.int64), duration.unit).astype(dates.dtype)
    out = np.searchsorted(dates, bound, side="left").astype(np.int64) - 1
    return np.where(rows < 0, -1, out)


def sample_rows(index: pd.DatetimeIndex, rows: np.ndarray, duration: Duration) -> np.ndarray:
    """Rows an averaging window of ``duration`` samples, oldest first; -1 before the data.

    Returns an int64 array of shape ``(len(rows), duration.count)`` whose last
    column is ``rows`` itself (the decision's close is in the average).
    """
    rows = np.asarray(rows, dtype=np.int64)
    back = np.arange(duration.count - 1, -1, -1, dtype=np.int64)
    if duration.unit == "D":
        return np.maximum(rows[:, None] - back[None, :], -1)
    dates = index.values
    picked = dates[rows]
    bound = _boundaries(picked[:, None], back[None, :], duration.unit).astype(dates.dtype)
    out = np.searchsorted(dates, bound.ravel(), side="left").reshape(bound.shape) - 1
    out[:, -1] = rows
    return out.astype(np.int64)


def window_mean(samples: np.ndarray) -> np.ndarray:
    """Mean over the last axis of gathered closes, NaN where any is missing.

    The single formula behind every moving average in tactical (History and
    the vectorised allocators alike), so both give the same bits.
    """
    return np.asarray(samples.mean(axis=-1))


def earliest_feasible(earliest: np.ndarray, priced: int) -> int:
    """First row whose earliest sampled row is at or after ``priced`` (len if none).

    ``earliest`` must be non-decreasing (it is for every sampling above).
    """
    return int(np.searchsorted(earliest, priced, side="left"))
