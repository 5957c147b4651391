"""Input handling shared by the metric modules: validation, frequency, rates.

Public helpers (:func:`check_returns`, :func:`period_returns`,
:func:`infer_periods_per_year`, :func:`per_period_rate`,
:func:`frequency_name`) are also re-exported by :mod:`tactical.metrics`; the
underscored names are the metric modules' shared internals. Validation
happens once here; the formulas then work on 2-D float64 arrays.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from tactical.errors import FrequencyError, MetricError, MetricWarning

Returns: TypeAlias = pd.Series | pd.DataFrame | np.ndarray
"""Simple periodic decimal returns: Series, DataFrame (one column per strategy) or ndarray."""

Rate: TypeAlias = float | pd.Series | np.ndarray
"""An annual decimal rate (float) or per-period returns (finer dates are compounded)."""

Frequency: TypeAlias = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]

MAX_ANNUAL_RATE = 0.25
"""Largest plausible annual risk-free rate or target; above it we assume a percentage."""

# name, periods per year, allowed spacing between consecutive dates (days, inclusive)
_FREQUENCIES: tuple[tuple[str, int, float, float], ...] = (
    ("daily", 252, 1, 10),
    ("weekly", 52, 4, 10),
    ("monthly", 12, 19, 40),
    ("quarterly", 4, 80, 100),
    ("yearly", 1, 350, 380),
)
_MEDIAN_BANDS = {"daily": (0.5, 2.5), "weekly": (5, 9), "monthly": (26, 35)}
_MEDIAN_BANDS |= {"quarterly": (85, 95), "yearly": (360, 370)}
_PPY_BY_NAME = {name: ppy for name, ppy, _, _ in _FREQUENCIES}


# ---------------------------------------------------------------------------
# input handling: validate once at the edge, then work on 2-D float arrays
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Input:
    values: np.ndarray  # (n, k) float64, never written to
    index: pd.DatetimeIndex | None
    columns: pd.Index | None
    kind: Literal["series", "frame", "array1", "array2"]
    name: Hashable = None

    @property
    def labels(self) -> list[str]:
        if self.columns is not None:
            return [str(c) for c in self.columns]
        return [str(i) for i in range(self.values.shape[1])]

    def take(self, rows: np.ndarray) -> _Input:
        index = None if self.index is None else self.index[rows]
        return _Input(self.values[rows], index, self.columns, self.kind, self.name)


def _describe_position(inp: _Input, row: int, col: int) -> str:
    where = f"row {row}" if inp.index is None else f"{inp.index[row].date()}"
    if inp.kind in ("frame", "array2"):
        return f"column {inp.labels[col]!r} on {where}"
    return f"on {where}"


def _check_values(inp: _Input, what: str) -> None:
    a = inp.values
    if a.size == 0:
        return
    # two reductions decide the common case: min and max are NaN where a column
    # holds a NaN, infinite where it holds an infinity, the min says < -1 and > 0
    low, high = a.min(axis=0), a.max(axis=0)
    if np.isfinite(low).all() and np.isfinite(high).all() and low.min() >= -1.0:
        if not (low > 0).any() or a.shape[0] < 2:
            return
    bad = ~np.isfinite(a)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        kind = "NaN" if np.isnan(a[row, col]) else "an infinite value"
        raise MetricError(
            f"{what} contain {kind} ({int(bad.sum())} in all), "
            f"first {_describe_position(inp, row, col)}; "
            "metrics need complete data: cut every column to a common window "
            "(e.g. returns.dropna()) or fill genuine gaps before calling"
        )
    if a.size and (a < -1.0).any():
        row, col = np.argwhere(a < -1.0)[0]
        raise MetricError(
            f"{what} must be simple decimal returns >= -1, got {a[row, col]:.4g} "
            f"{_describe_position(inp, row, col)}; log returns or percentages? "
            "Use prices.pct_change() for simple returns"
        )
    n = a.shape[0]
    if n >= 2:
        # prices: every value positive and a typical one above +50 % per period
        positive = np.asarray((a > 0).all(axis=0))
        looks = positive.copy()
        if positive.any():
            looks[positive] = np.median(a[:, positive], axis=0) > 0.5
        if looks.any():
            col = int(np.argmax(looks))
            label = f" (column {inp.labels[col]!r})" if inp.kind in ("frame", "array2") else ""
            raise MetricError(
                f"{what}{label} look like prices, not returns: every value is positive and "
                f"the median is {np.median(a[:, col]):.4g}; pass returns, "
                "e.g. prices.pct_change().dropna()"
            )


def _as_input(returns: Returns, what: str = "returns") -> _Input:
    """Validate ``returns`` and hold it as a 2-D float64 array (never mutated)."""
    kind: Literal["series", "frame", "array1", "array2"]
    if isinstance(returns, pd.Series):
        values = returns.to_numpy(dtype=np.float64).reshape(-1, 1)
        kind, columns, name = "series", None, returns.name
        index = returns.index
    elif isinstance(returns, pd.DataFrame):
        values = returns.to_numpy(dtype=np.float64)
        kind, columns, name = "frame", returns.columns, None
        index = returns.index
    elif isinstance(returns, np.ndarray | list | tuple):
        arr = np.asarray(returns, dtype=np.float64)
        if arr.ndim == 1:
            values, kind = arr.reshape(-1, 1), "array1"
        elif arr.ndim == 2:
            values, kind = arr, "array2"
        else:
            raise MetricError(f"{what} must be 1-D or 2-D, got an array of shape {arr.shape}")
        index, columns, name = None, None, None
    else:
        raise MetricError(
            f"{what} must be a pandas Series, DataFrame or numpy array, "
            f"got {type(returns).__name__}"
        )
    if index is not None:
        if isinstance(index, pd.DatetimeIndex):
            if not index.is_monotonic_increasing or not index.is_unique:
                raise MetricError(f"{what} index must be sorted and unique dates")
        else:
            index = None
    inp = _Input(values, index, columns, kind, name)
    _check_values(inp, what)
    return inp


def check_returns(returns: Returns, what: str = "returns") -> None:
    """Raise unless ``returns`` are valid input for the metric functions.

    Parameters
    ----------
    returns : Series, DataFrame or ndarray
        Simple periodic decimal returns.
    what : str
        How the error messages name the input ("benchmark returns").

    Raises
    ------
    MetricError
        NaN or infinite values (naming column and date), values below -1 (log
        returns or percentages?), data that look like prices, an unsorted or
        duplicated date index, or a type that is not a Series, DataFrame or array.

    Examples
    --------
    >>> import pandas as pd
    >>> check_returns(pd.Series([0.01, -0.02]))
    >>> check_returns(pd.Series([101.0, 102.0, 103.0]))
    Traceback (most recent call last):
    ...
    tactical.errors.MetricError: returns look like prices, not returns: every value is \
positive and the median is 102; pass returns, e.g. prices.pct_change().dropna()
    """
    _as_input(returns, what)


def _wrap(out: np.ndarray, inp: _Input) -> float | pd.Series | np.ndarray:
    """Shape a per-column result like the input: float, Series or array."""
    if inp.kind in ("series", "array1"):
        return float(out[0])
    if inp.kind == "frame":
        return pd.Series(out, index=inp.columns, dtype=np.float64)
    return out


def _wrap_rows(
    values: np.ndarray, inp: _Input, index: pd.Index | None = None
) -> pd.Series | pd.DataFrame | np.ndarray:
    """Shape an (n, k) per-row result like the input: Series, DataFrame or 1-D/2-D array.

    ``index`` labels the rows of a Series or DataFrame (default: the input's).
    """
    index = inp.index if index is None else index
    if inp.kind == "series":
        return pd.Series(values[:, 0], index=index, name=inp.name)
    if inp.kind == "frame":
        return pd.DataFrame(values, index=index, columns=inp.columns)
    return values[:, 0] if inp.kind == "array1" else values


def _need(inp: _Input, n: int, metric: str) -> None:
    got = inp.values.shape[0]
    if got < n:
        what = "one period" if n == 1 else f"{n} periods"
        raise MetricError(
            f"{metric} needs at least {what} of returns, got {got}; pass a longer window "
            "(an empty selection such as returns.loc[start:end] with no dates in it, or "
            "dropna() on a column that is all NaN, gives none)"
        )


def _warn_undefined(
    mask: np.ndarray, inp: _Input, metric: str, reason: str, stacklevel: int = 3
) -> None:
    if mask.any():
        if inp.kind in ("frame", "array2"):
            cols = [lab for lab, m in zip(inp.labels, mask, strict=True) if m]
            where = f" for {', '.join(repr(c) for c in cols[:5])}" + (
                "..." if len(cols) > 5 else ""
            )
        else:
            where = ""
        warnings.warn(f"{metric} is NaN{where}: {reason}", MetricWarning, stacklevel=stacklevel)


def infer_periods_per_year(index: pd.Index) -> int:
    """Number of return periods per year implied by a date index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Sorted dates of the returns, at least 3.

    Returns
    -------
    int
        252 (daily, trading days), 52 (weekly), 12 (monthly), 4 (quarterly)
        or 1 (yearly).

    Raises
    ------
    FrequencyError
        If the index is not a DatetimeIndex, has fewer than 3 dates, or is
        irregular: its median spacing matches no frequency, or one gap falls
        outside that frequency's range (daily 1-10 days, weekly 4-10,
        monthly 19-40, quarterly 80-100, yearly 350-380); or daily with
        weekend dates (calendar-day data is ambiguous). Pass
        ``periods_per_year`` explicitly or resample the returns.
        The first and the last gap may be shorter than the range (a
        partial first or last period, as :func:`period_returns` labels it by
        its last date present), so ``period_returns`` of daily returns ending
        mid-month is monthly.

    Notes
    -----
    Daily means trading days (252 a year), as empyrical and quantstats
    assume. A daily index holding weekend dates (data priced every calendar
    day, such as crypto) raises rather than guessing 252 or 365: pass
    ``periods_per_year=365`` (or 252) explicitly.

    Examples
    --------
    >>> import pandas as pd
    >>> infer_periods_per_year(pd.date_range("2020-01-31", periods=6, freq="ME"))
    12
    >>> infer_periods_per_year(pd.bdate_range("2020-01-01", periods=10))
    252
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise FrequencyError(
            "cannot infer periods_per_year without a DatetimeIndex; pass periods_per_year "
            "(e.g. 252 for daily, 12 for monthly returns)"
        )
    if len(index) < 3:
        raise FrequencyError(
            f"cannot infer periods_per_year from {len(index)} dates; pass periods_per_year"
        )
    days = np.diff(index.values) / np.timedelta64(1, "D")
    median = float(np.median(days))
    for name, ppy, lo, hi in _FREQUENCIES:
        mlo, mhi = _MEDIAN_BANDS[name]
        if mlo <= median <= mhi:
            outside = (days < lo) | (days > hi)
            # a partial first or last period (period_returns labels a period by its
            # last date present) is shorter than a full one: only too long is wrong
            if len(days) >= 3:
                outside[[0, -1]] = days[[0, -1]] > hi
            if outside.any():
                i = int(np.argmax(outside))
                raise FrequencyError(
                    f"irregular {name} index: {days[i]:g} days between {index[i].date()} and "
                    f"{index[i + 1].date()} (expected {lo:g}-{hi:g}); resample the returns "
                    "to a regular frequency or pass periods_per_year explicitly"
                )
            if name == "daily":
                weekend = index.day_of_week >= 5
                if weekend.any():
                    raise FrequencyError(
                        f"daily index with {int(weekend.sum())} weekend date(s), first "
                        f"{index[int(np.argmax(weekend))].date()}: trading-day (252) or "
                        "calendar-day (365) data? pass periods_per_year=365 for data priced "
                        "every calendar day (crypto), 252 for trading days"
                    )
            return ppy
    raise FrequencyError(
        f"irregular index: median spacing {median:g} days matches no daily, weekly, monthly, "
        "quarterly or yearly frequency; pass periods_per_year explicitly"
    )


def _periods_per_year(inp: _Input, periods_per_year: float | None) -> float:
    if periods_per_year is None:
        if inp.index is None:
            raise FrequencyError(
                "returns have no DatetimeIndex, so periods_per_year cannot be inferred; "
                "pass periods_per_year (e.g. 252 daily, 12 monthly)"
            )
        return float(infer_periods_per_year(inp.index))
    ppy = float(periods_per_year)
    if not np.isfinite(ppy) or ppy <= 0:
        raise MetricError(f"periods_per_year must be a positive number, got {periods_per_year!r}")
    return ppy


def per_period_rate(rate: float, periods_per_year: float) -> float:
    """Per-period rate equivalent to an annual decimal ``rate``, geometrically.

    Notes
    -----
    ``(1 + rate) ** (1 / periods_per_year) - 1``, as quantstats deannualises
    its ``rf``. empyrical takes a per-period rate directly.

    Raises
    ------
    MetricError
        If ``rate`` is above 25 %/yr or below -5 %/yr: most likely a percentage
        (4.5 meaning 4.5 %); divide by 100.

    Examples
    --------
    >>> round(per_period_rate(0.1268250301319698, 12), 12)
    0.01
    """
    r = float(rate)
    if not np.isfinite(r):
        raise MetricError(f"risk-free rate must be finite, got {rate!r}")
    if r > MAX_ANNUAL_RATE or r < -0.05:
        raise MetricError(
            f"risk-free rate {rate!r} is not a plausible annual decimal rate; rates are decimals, "
            f"not percent: for {r:g}% pass {r / 100:g} (divide by 100)"
        )
    return (1.0 + r) ** (1.0 / periods_per_year) - 1.0


def _rate_per_period(
    rate: Rate, inp: _Input, ppy: float, what: str = "risk_free"
) -> float | np.ndarray:
    """A scalar per-period rate, or an (n, 1) column aligned to ``inp``.

    A Series on a DatetimeIndex is compounded onto the return periods by
    :func:`_compound_onto` (daily cash returns with monthly strategy returns);
    on exactly the returns' dates that is the Series itself.
    """
    if isinstance(rate, int | float | np.floating | np.integer) and not isinstance(rate, bool):
        return per_period_rate(float(rate), ppy)
    n = inp.values.shape[0]
    if isinstance(rate, pd.Series):
        if inp.index is None:
            values = rate.to_numpy(dtype=np.float64)
        else:
            if not isinstance(rate.index, pd.DatetimeIndex):
                raise MetricError(f"a {what} Series needs a DatetimeIndex")
            values = _compound_onto(rate, inp.index, ppy, what).to_numpy(dtype=np.float64)
    elif isinstance(rate, np.ndarray | list | tuple):
        values = np.asarray(rate, dtype=np.float64)
    else:
        raise MetricError(
            f"{what} must be an annual decimal rate (float) or a Series of per-period returns, "
            f"got {type(rate).__name__}"
        )
    if values.ndim != 1 or len(values) != n:
        raise MetricError(
            f"{what} must hold one per-period return per period ({n}), got {len(values)}"
        )
    if not np.isfinite(values).all():
        raise MetricError(f"{what} contains NaN or infinite values")
    limit = (1.0 + MAX_ANNUAL_RATE) ** (1.0 / ppy) - 1.0
    if values.size and (np.abs(values) > limit).any():
        raise MetricError(
            f"{what} per-period returns reach {np.abs(values).max():.4g}, more than "
            f"{MAX_ANNUAL_RATE:.0%}/yr; looks like percent quotes, not per-period decimal returns: "
            "convert T-bill quotes with tactical.data.cash_returns, or divide by 100"
        )
    return values.reshape(-1, 1)


_PERIOD_CODES = {"daily": "D", "weekly": "W", "monthly": "M", "quarterly": "Q", "yearly": "Y"}


def _compound_onto(
    rate: pd.Series, index: pd.DatetimeIndex, ppy: float, what: str = "risk_free"
) -> pd.Series:
    """Compound per-period returns ``rate`` onto the periods ending at ``index``.

    The period ending on ``index[i]`` collects the dates of ``rate`` in
    ``(index[i - 1], index[i]]`` and gets ``prod(1 + rate) - 1``. The first
    period collects the dates up to ``index[0]`` in the same calendar day,
    week, month, quarter or year (the frequency named by ``ppy``; as
    :func:`period_returns` groups daily returns), or within one spacing of
    the index before ``index[0]`` for other frequencies. On exactly the
    dates of ``index`` this is ``rate.reindex(index)``. A NaN on the first
    date of ``rate`` is skipped: ``tactical.data.cash_returns`` has no return
    on its first date by design (it is the date of the starting value).

    Raises
    ------
    MetricError
        If ``rate`` has no value in a return period, or a NaN inside one.
    """
    if not rate.index.is_monotonic_increasing or not rate.index.is_unique:
        raise MetricError(f"{what} index must be sorted and unique dates")
    if len(rate) and np.isnan(float(rate.iloc[0])):
        rate = rate.iloc[1:]
    dates = rate.index.values
    values = rate.to_numpy(dtype=np.float64)
    targets = index.values
    if len(targets) == 0:
        return pd.Series([], index=index, dtype=np.float64)
    hi = np.searchsorted(dates, targets, side="right")
    code = _PERIOD_CODES.get(frequency_name(ppy))
    if code is not None:
        first_start = index[0].to_period(code).start_time
        lo0 = np.searchsorted(dates, first_start.to_datetime64(), side="left")
    elif len(targets) >= 2:
        lo0 = np.searchsorted(dates, targets[0] - (targets[1] - targets[0]), side="right")
    else:
        lo0 = np.searchsorted(dates, targets[0], side="left")
    lo = np.r_[lo0, hi[:-1]]
    empty = hi <= lo
    advice = (
        "give per-period returns covering every return period, e.g. daily "
        "tactical.data.cash_returns(quotes, prices.index), which is compounded onto the "
        "return periods (or cash_returns(quotes, prices.index).loc[returns.index] on the "
        "same dates)"
    )
    if empty.any():
        first = pd.Timestamp(targets[int(np.argmax(empty))]).date()
        raise MetricError(
            f"{what} has no value in {int(empty.sum())} of the {len(targets)} return periods, "
            f"first the period ending {first}; {advice}"
        )
    used = values[lo[0] : hi[-1]]
    bad = np.isnan(used)
    if bad.any():
        first = pd.Timestamp(dates[lo[0] + int(np.argmax(bad))]).date()
        raise MetricError(
            f"{what} is NaN on {int(bad.sum())} date(s) inside the return periods, first "
            f"{first}; {advice}"
        )
    out = np.multiply.reduceat(1.0 + used, lo - lo[0]) - 1.0
    return pd.Series(out, index=index, dtype=np.float64)


def _benchmark_pair(returns: Returns, benchmark: Returns, metric: str) -> tuple[_Input, np.ndarray]:
    """Validate both and keep the dates they share; benchmark as an (n, 1) column.

    Dates before the later start or after the earlier end of the two are cut
    (a benchmark with a longer history is fine). A date inside that common
    span present in only one of them is an error: metrics on a silently
    thinned sample (month-end vs business month-end labels) would mislead.
    """
    inp = _as_input(returns)
    bench = _as_input(benchmark, what="benchmark returns")
    if bench.values.shape[1] != 1:
        raise MetricError("benchmark must be a single series of returns (one column)")
    if inp.index is not None and bench.index is not None:
        common = inp.index.intersection(bench.index)
        if len(common) < len(inp.index) or len(common) < len(bench.index):
            both = len(inp.index) > 0 and len(bench.index) > 0
            lo = max(inp.index[0], bench.index[0]) if both else pd.Timestamp.max
            hi = min(inp.index[-1], bench.index[-1]) if both else pd.Timestamp.min
            if lo <= hi:
                inside = inp.index.symmetric_difference(bench.index)
                inside = inside[(inside >= lo) & (inside <= hi)]
                if len(inside):
                    only_r = inside.difference(bench.index)
                    only_b = inside.difference(inp.index)
                    examples = ", ".join(str(d.date()) for d in inside[:3])
                    raise MetricError(
                        f"{metric}: returns and benchmark dates differ inside their common "
                        f"window {lo.date()}..{hi.date()}: {len(only_r)} return date(s) without "
                        f"a benchmark return and {len(only_b)} benchmark date(s) without a "
                        f"return (e.g. {examples}); put both on the same dates (calendar vs "
                        "business month-end labels? relabel one onto the other's dates, or "
                        "compound both from daily returns with tactical.metrics.period_returns)"
                    )
            inp = inp.take(inp.index.get_indexer(common))
            bench = bench.take(bench.index.get_indexer(common))
    elif bench.values.shape[0] != inp.values.shape[0]:
        raise MetricError(
            f"returns ({inp.values.shape[0]}) and benchmark ({bench.values.shape[0]}) have "
            "different lengths and no dates to align them"
        )
    if inp.values.shape[0] < 2:
        raise MetricError(
            f"{metric} needs at least two periods in common with the benchmark, "
            f"got {inp.values.shape[0]}; check that both cover the same window"
        )
    return inp, bench.values


def _over_rate(
    inp: _Input, rate: Rate, periods_per_year: float | None, what: str = "risk_free"
) -> np.ndarray:
    """``returns - rate`` per period, shape (n, k), with ``rate`` as :func:`_rate_per_period`.

    A scalar zero ``rate`` gives the returns themselves, so ``periods_per_year``
    is neither needed nor inferred.
    """
    if isinstance(rate, int | float) and float(rate) == 0.0:
        return inp.values
    return inp.values - _rate_per_period(rate, inp, _periods_per_year(inp, periods_per_year), what)


def _excess_returns(
    inp: _Input, bench: np.ndarray, risk_free: Rate, periods_per_year: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """``returns - rf`` and ``benchmark - rf`` per period, from :func:`_benchmark_pair`.

    A scalar zero ``risk_free`` leaves both as they are, so ``periods_per_year``
    is neither needed nor inferred (beta does not depend on it then).
    """
    if isinstance(risk_free, int | float) and float(risk_free) == 0.0:
        return inp.values, bench
    rf = _rate_per_period(risk_free, inp, _periods_per_year(inp, periods_per_year))
    return inp.values - rf, bench - rf


def period_returns(
    returns: pd.Series | pd.DataFrame, frequency: Frequency = "monthly"
) -> pd.Series | pd.DataFrame:
    """Compound returns into calendar periods (weeks, months, quarters, years).

    Parameters
    ----------
    returns : Series or DataFrame
        Simple decimal returns on a DatetimeIndex (usually daily).
    frequency : {"weekly", "monthly", "quarterly", "yearly", "daily"}
        Target period; ``"daily"`` returns the input unchanged.

    Returns
    -------
    Series or DataFrame
        One row per period, indexed by the **last date present** in that
        period (a real trading day). A partial first or last period is kept as
        it is.

    Notes
    -----
    ``prod(1 + r_t) - 1`` within each period, computed with one
    ``numpy.multiply.reduceat`` over all columns. Matches empyrical
    ``aggregate_returns`` and quantstats monthly/yearly returns (which label
    periods differently).

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.to_datetime(["2020-01-30", "2020-01-31", "2020-02-03"])
    >>> r = pd.Series([0.1, 0.1, 0.5], index=dates)
    >>> period_returns(r, "monthly").round(12).tolist()
    [0.21, 0.5]
    """
    inp = _as_input(returns)
    if inp.index is None:
        raise MetricError("period_returns needs returns with a DatetimeIndex")
    if frequency == "daily":
        return returns.copy()
    starts = _period_starts(inp.index, frequency)
    values = np.multiply.reduceat(1.0 + inp.values, starts, axis=0) - 1.0
    ends = np.r_[starts[1:], len(inp.index)] - 1
    index = inp.index[ends]
    if isinstance(returns, pd.Series):
        return pd.Series(values[:, 0], index=index, name=returns.name)
    return pd.DataFrame(values, index=index, columns=returns.columns)


def _period_starts(index: pd.DatetimeIndex, frequency: str) -> np.ndarray:
    if len(index) == 0:
        raise MetricError("no returns to aggregate")
    if frequency == "monthly":
        codes = index.year * 12 + index.month
    elif frequency == "yearly":
        codes = index.year
    elif frequency == "quarterly":
        codes = index.year * 4 + index.quarter
    elif frequency == "weekly":
        codes = index.to_period("W").asi8
    else:
        raise MetricError(
            f"frequency must be 'daily', 'weekly', 'monthly', 'quarterly' or 'yearly', "
            f"got {frequency!r}"
        )
    codes = np.asarray(codes)
    return np.r_[0, np.flatnonzero(np.diff(codes)) + 1]


def frequency_name(periods_per_year: float) -> str:
    """Human label for a number of periods per year (``12 -> "monthly"``)."""
    for name, ppy in _PPY_BY_NAME.items():
        if ppy == periods_per_year:
            return name
    return f"{periods_per_year:g} per year"


def _sharpe_core(
    excess: np.ndarray, ppy: float, std: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``mean / std(ddof=1) * sqrt(ppy)`` per column, and where the variance is zero (NaN).

    ``std`` may be given when already computed: ``excess.std(axis=0, ddof=1)``.
    """
    mean = excess.mean(axis=0)
    std = excess.std(axis=0, ddof=1) if std is None else std
    flat = std <= 1e-12 * np.abs(excess).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(flat, np.nan, mean / std * np.sqrt(ppy))
    return out, flat
