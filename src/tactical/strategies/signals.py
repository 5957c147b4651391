"""Scores of many decision dates at once: trailing returns and moving averages.

Pure numpy functions over the engine's price matrix. They are what the
built-in allocators' vectorised ``weights_at`` compute, and a parameter sweep
calls :func:`trailing_return` once per distinct lookback to share the scores
across variants that differ only in how many funds they hold.

Durations (``"12M"`` month-end closes, ``"52W"``, ``"126D"`` or an ``int`` of
trading days) sample past closes exactly as described in
:mod:`tactical.lookback`. Row ``j`` of every result uses only
``values[: rows[j] + 1]``: nothing after a decision date is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tactical._typing import DurationLike
from tactical.lookback import (
    Duration,
    anchor_rows,
    parse_duration,
    sample_rows,
    window_mean,
)

__all__ = ["moving_average", "trailing_return"]


def _window_rows(
    index: pd.DatetimeIndex, rows: np.ndarray, lookback: Duration, skip: Duration
) -> tuple[np.ndarray, np.ndarray]:
    """(end, start) rows of the return window of each decision row; -1 before the data."""
    end = anchor_rows(index, rows, skip)
    return end, anchor_rows(index, end, lookback)


def _trailing(
    values: np.ndarray,
    index: pd.DatetimeIndex,
    rows: np.ndarray,
    lookback: Duration,
    skip: Duration,
    cols: np.ndarray | None = None,
) -> np.ndarray:
    """``P[end] / P[start] - 1`` for each row (and the given columns); NaN when too short."""
    end, start = _window_rows(index, rows, lookback, skip)
    ok = start >= 0
    e = np.where(ok, end, 0)
    s = np.where(ok, start, 0)
    if cols is None:
        top, bottom = values[e], values[s]
    elif 2 * len(cols) >= values.shape[1]:  # most columns: whole rows, then the columns (faster)
        top, bottom = values[e][:, cols], values[s][:, cols]
    else:
        top, bottom = values[e[:, None], cols], values[s[:, None], cols]
    out = top / bottom - 1.0
    out[~ok] = np.nan
    return out


def _average(
    values: np.ndarray, index: pd.DatetimeIndex, rows: np.ndarray, window: Duration, col: int
) -> np.ndarray:
    """Moving average of column ``col`` at each row; NaN when the window reaches before the data."""
    samples = sample_rows(index, rows, window)
    ok = samples[:, 0] >= 0
    gathered = values[np.where(ok[:, None], samples, 0), col]
    out = window_mean(gathered)
    out[~ok] = np.nan
    return out


def trailing_return(
    values: np.ndarray,
    index: pd.DatetimeIndex,
    rows: np.ndarray,
    lookback: DurationLike,
    skip: DurationLike = 0,
) -> np.ndarray:
    """Total return over ``lookback``, ending ``skip`` before each decision row.

    Parameters
    ----------
    values : numpy.ndarray
        Prices, shape ``(n_dates, n_columns)`` (NaN before a fund's first
        price). Not modified.
    index : pandas.DatetimeIndex
        Dates of ``values``' rows (the trading calendar).
    rows : numpy.ndarray
        Integer positions of the decision dates.
    lookback : int or str
        ``"12M"`` (month-end closes), ``"52W"``, ``"126D"``, or an int of
        trading days.
    skip : int or str, default 0
        Most recent stretch left out of the window, same forms (``"1M"``).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(rows), n_columns)``; NaN where the window reaches before
        the first date or before a fund's first price.

    Notes
    -----
    ``m = P[e] / P[s] - 1`` with ``e`` the row ``skip`` before the decision
    row ``t`` and ``s`` the row ``lookback`` before ``e``, both sampled as in
    :mod:`tactical.lookback`: with ``"12M"`` at a month end, ``s`` is the
    close 12 month ends earlier, Antonacci's (2014) 12-month total return; in
    trading days ``e = t - skip`` and ``s = e - lookback`` (bt's and
    empyrical's ``P[t] / P[t - n] - 1``). Exactly what
    :meth:`tactical.History.trailing_returns` returns at each decision date.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=5)
    >>> px = np.array([[10.0], [11.0], [12.0], [11.0], [12.0]])
    >>> trailing_return(px, idx, np.array([1, 3, 4]), lookback=2).ravel().tolist()
    [nan, 0.0, 0.0]
    """
    look = parse_duration(lookback, "lookback")
    back = parse_duration(skip, "skip", minimum=0)
    return _trailing(values, index, np.asarray(rows, dtype=np.int64), look, back)


def moving_average(
    values: np.ndarray, index: pd.DatetimeIndex, rows: np.ndarray, window: DurationLike
) -> np.ndarray:
    """Simple moving average of each column over ``window``, the decision's close included.

    Parameters
    ----------
    values, index, rows
        As in :func:`trailing_return`.
    window : int or str
        ``"10M"`` (the decision's close and the previous nine month-end
        closes), ``"40W"``, ``"210D"`` or an int of trading days.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(rows), n_columns)``; NaN where the window reaches before
        the data or a fund's first price.

    Notes
    -----
    ``mean(P[s_{n-1}], ..., P[s_1], P[t])`` with ``s_k`` the row ``k`` units
    before ``t`` (:func:`tactical.lookback.sample_rows`). With ``"10M"`` on a
    month-end date this is Faber's (2007) 10-month simple moving average of
    month-end closes. Exactly what :meth:`tactical.History.moving_average`
    returns at each decision date.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> px = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> moving_average(px, idx, np.array([3]), "3D")
    array([[3.]])
    """
    length = parse_duration(window, "window")
    rows = np.asarray(rows, dtype=np.int64)
    out = np.empty((len(rows), values.shape[1]))
    for col in range(values.shape[1]):
        out[:, col] = _average(values, index, rows, length, col)
    return out
