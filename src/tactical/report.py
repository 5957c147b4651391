"""Summary tables: one row per strategy, one numeric column per metric.

:func:`summary` computes the table from daily returns under named
:class:`~tactical.metrics.conventions.Conventions`; :func:`format_summary` (and
:func:`to_text`, :func:`to_markdown`, :func:`to_html`) renders it as the
seed-style table: percentages with two decimals, the window stated above it
and the conventions under it. :func:`with_standard_benchmarks` adds SPY, AGG
and a monthly 60/40 mix, run by the same engine over the same window.

The table is plain numbers (decimals, not percent); what it was computed
over travels in ``table.attrs``: ``"window"`` (start, end), ``"years"``,
``"benchmark"``, ``"conventions"`` (the preset name) and ``"notes"`` (the
lines printed under a rendered table).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tactical.errors import FrequencyError, MetricError, MetricWarning
from tactical.metrics.conventions import DEFAULT, Conventions
from tactical.metrics.formulas import _drawdowns
from tactical.metrics.inputs import (
    _as_input,
    _Input,
    _period_starts,
    _rate_per_period,
    _sharpe_core,
    infer_periods_per_year,
)
from tactical.metrics.relative import _regression

if TYPE_CHECKING:  # pragma: no cover
    from tactical._typing import DateLike

__all__ = [
    "COLUMNS",
    "SEED_COLUMNS",
    "format_summary",
    "summary",
    "to_html",
    "to_markdown",
    "to_text",
    "with_standard_benchmarks",
]

# column -> (display label, shown as percent)
COLUMNS: dict[str, tuple[str, bool]] = {
    "total_return": ("Total return", True),
    "cagr": ("CAGR", True),
    "volatility": ("Stdev", True),
    "max_drawdown": ("Max drawdown", True),
    "max_drawdown_days": ("Max DD days", False),
    "sharpe": ("Sharpe", False),
    "sortino": ("Sortino", False),
    "calmar": ("Calmar", False),
    "ulcer_index": ("Ulcer index", True),
    "best_month": ("Best month", True),
    "worst_month": ("Worst month", True),
    "best_year": ("Best year", True),
    "worst_year": ("Worst year", True),
    "positive_periods": ("Positive periods", True),
    "var": ("VaR", True),
    "cvar": ("CVaR", True),
    "skew": ("Skew", False),
    "kurtosis": ("Excess kurtosis", False),
    "alpha": ("Alpha", True),
    "beta": ("Beta", False),
    "treynor": ("Treynor", True),
    "correlation": ("Correlation", False),
    "up_capture": ("Up capture", True),
    "down_capture": ("Down capture", True),
    "tracking_error": ("Tracking error", True),
    "information_ratio": ("Information ratio", False),
}
"""Every summary column, with its display label and whether it renders as a percentage."""

SEED_COLUMNS: tuple[str, ...] = (
    "cagr",
    "alpha",
    "beta",
    "volatility",
    "max_drawdown",
    "sharpe",
    "sortino",
    "treynor",
)
"""Columns of the published-track-record table, rendered by default."""


# --------------------------------------------------------------------------- summary
def summary(
    returns: pd.Series | pd.DataFrame,
    benchmark: pd.Series | str | None = None,
    *,
    conventions: Conventions | str = DEFAULT,
    risk_free: float | pd.Series | None = None,
    risk_free_label: str | None = None,
    window: tuple[DateLike, DateLike] | None = None,
    periods_per_year: float | None = None,
    align: Literal["raise", "common"] = "raise",
) -> pd.DataFrame:
    """One row per strategy, one numeric column per metric.

    Parameters
    ----------
    returns : Series or DataFrame
        Simple decimal returns, one column per strategy, shape
        ``(n_dates, n_strategies)``; daily for the daily conventions and
        daily drawdowns, at least monthly otherwise.
    benchmark : Series or str, optional
        Benchmark returns on the same dates, or the name of a column of
        ``returns`` (which stays a row of the table, with beta 1). Adds alpha,
        beta, Treynor, correlation, capture, tracking error and information
        ratio. It must cover every date of ``returns`` and is validated like
        them (prices, values below -1 or infinities raise).
    conventions : Conventions or str
        A :class:`~tactical.metrics.conventions.Conventions` or a preset name
        (``"monthly"``, the default, ``"month_end"``, ``"calendar_year"``,
        ``"daily"``, ``"empyrical"``, ``"quantstats"``).
    risk_free : float or Series, optional
        Overrides ``conventions.risk_free``: an annual decimal rate (0.02 =
        2 %) or per-period returns on the dates of ``returns`` (for T-bill
        quotes use ``tactical.data.cash_returns`` first). Never percent.
    risk_free_label : str, optional
        Name of the risk-free source for display ("DTB3").
    window : (start, end), optional
        The backtest window: ``start`` is the date of the starting value (the
        close before the first return), as in :attr:`ResultSet.window`. It
        makes CAGR use calendar years and is printed with the table. When
        ``align="common"`` cuts the columns, the window is cut with them: the
        start becomes the date before the new first return (from the index
        of ``returns``), the end the new last return.
    periods_per_year : float, optional
        Of the input returns; inferred from the index when omitted.
    align : {"raise", "common"}
        Columns whose returns start on different dates (leading NaN) raise by
        default, since results over different windows are never compared
        silently; ``"common"`` cuts every column to the common window.

    Returns
    -------
    pandas.DataFrame
        Index: strategies. Columns: a subset of :data:`COLUMNS`, decimals
        (0.075 = 7.5 %), ratios as numbers, ``max_drawdown_days`` in
        calendar days from peak to recovery (or to the end); a drawdown
        from the starting value needs its date: ``window[0]``, or one period
        before the first return for a calendar-regular index (month ends,
        weeks, calendar days), else NaN with a note. ``attrs``
        holds the window, years, benchmark and conventions.

    Raises
    ------
    MetricError
        NaN inside the returns, misaligned windows, a benchmark or risk-free
        series that does not cover the dates, a percent risk-free rate,
        prices instead of returns.
    FrequencyError
        Returns too coarse for the conventions, or an irregular index.

    Notes
    -----
    Each column uses the formula of the function with the same name in
    :mod:`tactical.metrics` (they are tested to agree):

    * on the whole sample: ``total_return``; ``cagr`` over calendar years
      from ``window[0]`` (or ``n / periods_per_year`` when the conventions
      say ``years="periods"`` or the start is unknown, as stated in the notes);
    * on returns at ``conventions.frequency`` (daily returns compounded into
      calendar months or years): volatility, Sharpe, Sortino, VaR, CVaR,
      skew, kurtosis, positive periods and all benchmark statistics;
    * on closes at ``conventions.drawdown``: max drawdown, its length,
      Calmar (``cagr / |max drawdown|``) and Ulcer index;
    * best and worst calendar month and year.

    Undefined values (zero variance, beta near zero for Treynor) are NaN with
    a :class:`~tactical.errors.MetricWarning`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2020-01-01", "2021-12-31")
    >>> rng = np.random.default_rng(0)
    >>> market = rng.normal(3e-4, 0.01, len(idx))
    >>> r = pd.DataFrame({"A": 0.5 * market + 1e-4, "B": market}, index=idx)
    >>> table = summary(r, benchmark="B", risk_free=0.01)
    >>> round(float(table.loc["A", "beta"]), 2), float(table.loc["B", "beta"])
    (0.5, 1.0)
    >>> print(to_text(table).splitlines()[0])
    Window: 2020-01-01 to 2021-12-31 (first return to last; start date not given)
    """
    conv = Conventions.preset(conventions) if isinstance(conventions, str) else conventions
    if not isinstance(conv, Conventions):
        raise MetricError(f"conventions must be a Conventions or a preset name, got {conv!r}")
    if risk_free is not None:
        conv = replace(conv, risk_free=risk_free)
    if risk_free_label is not None:
        conv = replace(conv, risk_free_label=risk_free_label)

    frame = (
        returns.to_frame(returns.name or "returns") if isinstance(returns, pd.Series) else returns
    )
    if not isinstance(frame, pd.DataFrame):
        raise MetricError(f"returns must be a Series or DataFrame, got {type(returns).__name__}")
    full_index = frame.index
    frame = _align_windows(frame, align)
    if window is not None and len(frame) < len(full_index):
        # cut to the common window: the start is the close before the new
        # first return, the end the new last return (both stated in the table)
        first = full_index.get_loc(frame.index[0])
        window = (
            full_index[first - 1] if first > 0 else window[0],
            frame.index[-1] if frame.index[-1] < full_index[-1] else window[1],
        )
    bench_name: str | None = None
    if isinstance(benchmark, str):
        if benchmark not in frame.columns:
            raise MetricError(
                f"benchmark {benchmark!r} is not a column of returns: {list(frame.columns)}"
            )
        bench_name, bench = benchmark, frame[benchmark]
    elif benchmark is not None:
        bench_name = str(benchmark.name) if benchmark.name is not None else "benchmark"
        bench = _cover(benchmark, frame.index, "benchmark")
        _as_input(bench, what="benchmark returns")  # prices, < -1, inf: as for returns
    inp = _as_input(frame)
    if inp.index is None:
        raise MetricError("summary needs returns with a DatetimeIndex")
    n = len(frame)
    if n < 2:
        raise MetricError(f"summary needs at least 2 periods of returns, got {n}")
    ppy_in = float(periods_per_year or infer_periods_per_year(inp.index))
    _check_frequencies(conv, ppy_in)

    start, end, years, years_note = _window(inp.index, window, conv, ppy_in, n)
    a = inp.values
    out: dict[str, np.ndarray] = {}

    # whole sample
    growth = np.prod(1.0 + a, axis=0)
    out["total_return"] = growth - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cagr"] = np.where(growth <= 0, -1.0, np.abs(growth) ** (1.0 / years) - 1.0)

    # dispersion at the conventions' frequency
    freq_starts = _starts(inp.index, conv.frequency, ppy_in)
    r = _compound(a, freq_starts)
    ppy = float(conv.periods_per_year) if conv.frequency != "daily" else ppy_in
    if r.shape[0] < 2:
        raise MetricError(
            f"only {r.shape[0]} {conv.frequency} period(s) in the window; "
            "use a finer conventions frequency or a longer window"
        )
    r_inp = _Input(r, inp.index[_ends(freq_starts, n)], inp.columns, "frame")
    rf = _risk_free(conv, frame.index, r_inp, ppy)
    excess = r - rf
    out["volatility"] = r.std(axis=0, ddof=1) * np.sqrt(ppy)
    out["sharpe"], flat = _sharpe_core(excess, ppy)
    _warn(flat, inp, "sharpe", "excess returns have zero variance")
    target = excess if conv.sortino_target == "risk_free" else r
    down = np.sqrt(np.mean(np.minimum(target, 0.0) ** 2, axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sortino"] = np.where(down == 0, np.nan, target.mean(axis=0) / down * np.sqrt(ppy))
    _warn(down == 0, inp, "sortino", "no period is below the target")

    # drawdowns
    dd_starts = _starts(inp.index, conv.drawdown, ppy_in)
    w, peak, dd = _drawdowns(_compound(a, dd_starts))
    dd_dates = inp.index[_ends(dd_starts, n)]
    mdd = dd.min(axis=0)
    out["max_drawdown"] = mdd
    out["max_drawdown_days"], dd_note = _drawdown_days(w, peak, dd, dd_dates, start, inp.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["calmar"] = np.where(mdd == 0, np.nan, out["cagr"] / np.abs(mdd))
    _warn(mdd == 0, inp, "calmar", "there was no drawdown")
    out["ulcer_index"] = np.sqrt(np.mean(dd[1:] ** 2, axis=0))

    # calendar periods and distribution
    if ppy_in >= 12:
        monthly = _compound(a, _period_starts(inp.index, "monthly"))
        out["best_month"], out["worst_month"] = monthly.max(axis=0), monthly.min(axis=0)
    yearly = _compound(a, _period_starts(inp.index, "yearly"))
    out["best_year"], out["worst_year"] = yearly.max(axis=0), yearly.min(axis=0)
    out["positive_periods"] = np.mean(r > 0, axis=0)
    var = _quantile(r, 1 - conv.confidence)
    tail = r <= var
    out["var"] = var
    out["cvar"] = np.einsum("ij,ij->j", tail, r) / tail.sum(axis=0)
    out["skew"], out["kurtosis"] = _skew_kurtosis(r, inp)

    if bench_name is not None:
        b = _compound(bench.to_numpy(dtype=np.float64).reshape(-1, 1), freq_starts)
        out.update(_relative(r, b, rf, ppy, conv, inp))

    table = pd.DataFrame(out, index=pd.Index(frame.columns, name="strategy"))
    table.attrs.update(
        window=(start if start is not None else inp.index[0], end),
        window_start_known=start is not None,
        years=float(years),
        years_note=years_note,
        benchmark=bench_name,
        conventions=conv.name,
        notes=[*conv.describe()[:-1], f"CAGR years: {years_note}", *dd_note],
    )
    return table


def _align_windows(frame: pd.DataFrame, align: str) -> pd.DataFrame:
    if align not in ("raise", "common"):
        raise MetricError(f"align must be 'raise' or 'common', got {align!r}")
    valid = frame.notna().to_numpy()
    if not valid.any(axis=0).all():
        empty = [c for c, v in zip(frame.columns, valid.any(axis=0), strict=True) if not v]
        raise MetricError(f"no returns at all for {empty}")
    n = len(frame)
    first_pos = np.argmax(valid, axis=0)
    last_pos = n - 1 - np.argmax(valid[::-1], axis=0)
    firsts = dict(zip(frame.columns, frame.index[first_pos], strict=True))
    lasts = dict(zip(frame.columns, frame.index[last_pos], strict=True))
    if len(set(firsts.values())) > 1 or len(set(lasts.values())) > 1:
        if align == "raise":
            spans = ", ".join(
                f"{c!r}: {pd.Timestamp(firsts[c]).date()}..{pd.Timestamp(lasts[c]).date()}"
                for c in frame.columns
            )
            raise MetricError(
                f"the columns cover different windows ({spans}); results over different windows "
                "are never compared silently: pass align='common' to cut all of them to the "
                "common window, or extend a short history with a proxy (tactical.data.splice)"
            )
        frame = frame.loc[max(firsts.values()) : min(lasts.values())]
    return frame


def _cover(series: pd.Series, index: pd.DatetimeIndex, what: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise MetricError(f"{what} must be a Series of returns or a column name")
    aligned = series.reindex(index)
    missing = aligned.isna().to_numpy()
    if missing.any():
        first = index[int(np.argmax(missing))].date()
        raise MetricError(
            f"{what} has no return on {int(missing.sum())} of the {len(index)} dates, first "
            f"{first}; it must cover the strategies' window (extend a short history with a "
            "proxy, e.g. tactical.data.splice)"
        )
    return aligned


def _check_frequencies(conv: Conventions, ppy_in: float) -> None:
    need = {"daily": 252, "monthly": 12, "yearly": 1}
    for what, freq in (("frequency", conv.frequency), ("drawdown", conv.drawdown)):
        if ppy_in < need[freq]:
            raise FrequencyError(
                f"conventions {what}={freq!r} needs returns at least that frequent, got "
                f"{ppy_in:g} periods per year; pass daily returns or choose coarser conventions"
            )


def _window(
    index: pd.DatetimeIndex,
    window: tuple[DateLike, DateLike] | None,
    conv: Conventions,
    ppy_in: float,
    n: int,
) -> tuple[pd.Timestamp | None, pd.Timestamp, float, str]:
    end = index[-1]
    start = None
    if window is not None:
        start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
        if not start < index[0] or index[-1] > end:
            raise MetricError(
                f"window {start.date()}..{end.date()} does not contain the returns "
                f"{index[0].date()}..{index[-1].date()}; the start is the close before the "
                "first return"
            )
    if conv.years == "calendar" and start is not None:
        years = (index[-1] - start).days / 365.25
        return start, end, years, f"calendar ({(index[-1] - start).days} days / 365.25)"
    reason = "" if conv.years == "periods" else "; window start not given"
    return start, end, n / ppy_in, f"{n} periods / {ppy_in:g} per year{reason}"


def _starts(index: pd.DatetimeIndex, frequency: str, ppy_in: float) -> np.ndarray:
    if frequency == "daily" or (frequency == "monthly" and ppy_in == 12) or ppy_in == 1:
        return np.arange(len(index))
    return _period_starts(index, frequency)


def _ends(starts: np.ndarray, n: int) -> np.ndarray:
    return np.r_[starts[1:], n] - 1


def _compound(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if len(starts) == a.shape[0]:
        return a
    return np.multiply.reduceat(1.0 + a, starts, axis=0) - 1.0


def _risk_free(
    conv: Conventions, index: pd.DatetimeIndex, r_inp: _Input, ppy: float
) -> float | np.ndarray:
    rf = conv.risk_free
    if isinstance(rf, pd.Series):
        # every input date must have a rate; _rate_per_period then compounds
        # it onto the conventions' periods (the same code the metrics use)
        rf = _cover(rf, index, "risk_free")
    return _rate_per_period(rf, r_inp, ppy)


def _drawdown_days(
    w: np.ndarray,
    peak: np.ndarray,
    dd: np.ndarray,
    dates: pd.DatetimeIndex,
    start: pd.Timestamp | None,
    index: pd.DatetimeIndex,
) -> tuple[np.ndarray, list[str]]:
    """Calendar days from peak to recovery (or the end), and notes for the table.

    Row 0 of ``w`` is the starting value, dated ``start``. Without a window
    that date is inferred from a calendar-regular ``index`` (month, quarter,
    year ends, weeks, calendar days: one period before the first return);
    otherwise a drawdown that peaks at the starting value has an unknown
    length: NaN, stated in a note.
    """
    n1 = w.shape[0]
    cols = np.arange(w.shape[1])
    pos = np.arange(n1)[:, None]
    trough = np.argmin(dd, axis=0)
    peak_value = peak[trough, cols]
    peak_pos = np.where((w == peak_value) & (pos <= trough), pos, -1).max(axis=0)
    back = (w >= peak_value) & (pos > trough)
    end_pos = np.where(back.any(axis=0), np.argmax(back, axis=0), n1 - 1)
    anchor = start if start is not None else _previous_date(index)
    known = anchor is not None
    first = np.datetime64(anchor if known else dates[0], "D")
    stamps = np.r_[first, dates.values.astype("datetime64[D]")]
    days = (stamps[end_pos] - stamps[peak_pos]).astype(np.int64).astype(np.float64)
    days = np.where(dd[trough, cols] < 0, days, 0.0)
    notes: list[str] = []
    unknown = (peak_pos == 0) & (dd[trough, cols] < 0) & (not known)
    if unknown.any():
        days = np.where(unknown, np.nan, days)
        notes.append(
            "Max DD days n/a where the drawdown starts at the starting value, whose date is "
            "not known (pass window=(start, end))"
        )
    return days, notes


def _previous_date(index: pd.DatetimeIndex) -> pd.Timestamp | None:
    """The period end before ``index[0]`` when the index is calendar-regular, else None.

    Calendar steps only (every day, every week, every 1, 3 or 12 month ends):
    a trading-day step ignores holidays and could land on a date with no close.
    """
    if len(index) < 3 or not (index == index.normalize()).all():
        return None
    days = np.diff(index.values) / np.timedelta64(1, "D")
    for step in (1, 7):
        if (days == step).all():
            return pd.Timestamp(index[0] - pd.Timedelta(days=step))
    if index.is_month_end.all():
        months = np.diff(np.asarray(index.year * 12 + index.month))
        for step in (1, 3, 12):
            if (months == step).all():
                return pd.Timestamp(index[0] - pd.offsets.MonthEnd(step))
    return None


def _skew_kurtosis(r: np.ndarray, inp: _Input) -> tuple[np.ndarray, np.ndarray]:
    n = r.shape[0]
    mean = r.mean(axis=0)
    d = r - mean
    d2 = d * d
    m2 = d2.mean(axis=0)
    m3 = np.einsum("ij,ij->j", d2, d) / n
    m4 = np.einsum("ij,ij->j", d2, d2) / n
    flat = m2 <= 1e-24 * np.maximum(m2 + mean * mean, 1e-300)
    nan = np.full(r.shape[1], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = m3 / m2**1.5 * np.sqrt(n * (n - 1.0)) / (n - 2.0) if n >= 3 else nan
        g2 = m4 / (m2 * m2) - 3.0
        kurt = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)) if n >= 4 else nan
    _warn(flat, inp, "skew and kurtosis", "returns are constant")
    return np.where(flat, np.nan, skew), np.where(flat, np.nan, kurt)


def _quantile(r: np.ndarray, q: float) -> np.ndarray:
    """``numpy.percentile(r, 100 q, axis=0)`` (linear) with one partial sort."""
    n = r.shape[0]
    pos = (n - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    part = np.partition(r, [lo, hi], axis=0)
    return part[lo] + (pos - lo) * (part[hi] - part[lo])


def _relative(
    r: np.ndarray,
    b: np.ndarray,
    rf: float | np.ndarray,
    ppy: float,
    conv: Conventions,
    inp: _Input,
    min_beta: float = 0.1,
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    y, x = r - rf, b - rf
    beta, alpha, corr, flat = _regression(y, x)
    _warn(flat, inp, "alpha and beta", "the benchmark returns have zero variance")
    out["alpha"] = alpha * ppy if conv.alpha == "arithmetic" else (1.0 + alpha) ** ppy - 1.0
    out["beta"] = beta
    small = flat | ~(np.abs(beta) >= min_beta)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["treynor"] = np.where(small, np.nan, y.mean(axis=0) * ppy / beta)
    _warn(small & ~flat, inp, "treynor", f"|beta| is below {min_beta:g}")
    out["correlation"] = np.where(np.isfinite(corr), corr, np.nan)
    for key, mask in (("up_capture", b[:, 0] > 0), ("down_capture", b[:, 0] < 0)):
        k = int(mask.sum())
        if k == 0:
            out[key] = np.full(r.shape[1], np.nan)
            _warn(np.ones(r.shape[1], bool), inp, key, "the benchmark has no such period")
            continue
        s = np.prod(1.0 + r[mask], axis=0) ** (ppy / k) - 1.0
        base = np.prod(1.0 + b[mask], axis=0) ** (ppy / k) - 1.0
        out[key] = s / base
    active = r - b
    sd = active.std(axis=0, ddof=1)
    out["tracking_error"] = sd * np.sqrt(ppy)
    identical = np.all(active == 0, axis=0)  # the benchmark's own row: NaN, no warning
    flat_ir = sd <= 1e-12 * np.abs(active).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["information_ratio"] = np.where(
            flat_ir, np.nan, active.mean(axis=0) / sd * np.sqrt(ppy)
        )
    _warn(flat_ir & ~identical, inp, "information_ratio", "the active return is constant")
    return out


def _warn(mask: np.ndarray, inp: _Input, metric: str, reason: str) -> None:
    if np.any(mask):
        cols = [c for c, m in zip(inp.labels, mask, strict=True) if m]
        warnings.warn(f"{metric} is NaN for {cols}: {reason}", MetricWarning, stacklevel=3)


# --------------------------------------------------------------------------- benchmarks
def with_standard_benchmarks(
    returns: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    window: tuple[DateLike, DateLike] | None = None,
    stocks: str = "SPY",
    bonds: str = "AGG",
    **backtest_options: Any,
) -> pd.DataFrame:
    """Add SPY and AGG buy-and-hold and a monthly 60/40 mix to a returns frame.

    The three are built by :func:`tactical.backtest_many` with
    :func:`tactical.strategies.standard_benchmarks` over the strategies'
    window, so they run on the same engine and the same dates.

    Parameters
    ----------
    returns : DataFrame
        Daily strategy returns (e.g. ``ResultSet.returns``).
    prices : DataFrame
        Daily adjusted closes holding ``stocks`` and ``bonds``; a fund with a
        short history can be extended with a proxy first
        (``tactical.data.splice``, e.g. AGG with VBMFX).
    window : (start, end), optional
        The strategies' window (``ResultSet.window``). Default: from the
        trading day of ``prices`` before the first return to the last return.
    stocks, bonds : str
        Tickers of the stock and bond funds.
    **backtest_options
        Passed to :func:`tactical.backtest_many` (``costs``, ``execution_lag``...).

    Returns
    -------
    DataFrame
        ``returns`` with three more columns (e.g. ``"SPY"``, ``"AGG"``,
        ``"60/40"``) on the same dates.

    Raises
    ------
    MetricError
        If the prices do not cover the window, or a name is already a column.
    """
    from tactical import backtest_many
    from tactical.strategies import standard_benchmarks

    strategies = standard_benchmarks(stocks, bonds)
    clash = [k for k in strategies if k in returns.columns]
    if clash:
        raise MetricError(f"returns already have columns named {clash}; rename them first")
    if window is None:
        before = prices.index[prices.index < returns.index[0]]
        if len(before) == 0:
            raise MetricError(
                f"prices start on {prices.index[0].date()}, not before the first return "
                f"{returns.index[0].date()}; extend them (e.g. splice a proxy)"
            )
        window = (before[-1], returns.index[-1])
    start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    for ticker in (stocks, bonds):
        if ticker not in prices.columns:
            raise MetricError(f"prices have no column {ticker!r}")
        first = prices[ticker].first_valid_index()
        if first is None or first > start:
            raise MetricError(
                f"{ticker} prices start on {first.date() if first is not None else 'never'}, after "
                f"the window start {start.date()}; extend {ticker} with a proxy "
                "(tactical.data.splice) or shorten the window"
            )
    runs = backtest_many(
        prices[[stocks, bonds]], strategies, start=start, end=end, **backtest_options
    )
    bench = runs.returns
    aligned = bench.reindex(returns.index)
    if aligned.isna().to_numpy().any():
        raise MetricError("the benchmark backtests do not cover every date of the returns")
    return pd.concat([returns, aligned], axis=1)


# --------------------------------------------------------------------------- formatting
Format = Literal["text", "markdown", "html"]


def format_summary(
    table: pd.DataFrame,
    fmt: Format = "text",
    *,
    columns: Sequence[str] | Literal["seed", "all"] = "seed",
    digits: int = 2,
    notes: bool = True,
) -> str:
    """Render a :func:`summary` table as text, Markdown or HTML.

    Parameters
    ----------
    table : DataFrame
        From :func:`summary` (its ``attrs`` give the window and the notes).
    fmt : {"text", "markdown", "html"}
    columns : "seed", "all" or list of str
        ``"seed"``: the published-track-record columns (:data:`SEED_COLUMNS`,
        those present); ``"all"``: every column.
    digits : int
        Decimals: percentages as ``7.66%``, ratios as ``0.52``.
    notes : bool
        Print the window above and the conventions below the table.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cagr": [0.0766], "sharpe": [0.4567]}, index=["SPY"])
    >>> print(format_summary(t, "markdown", notes=False))
    |  | CAGR | Sharpe |
    |---|---:|---:|
    | SPY | 7.66% | 0.46 |
    """
    if columns == "seed":
        cols = [c for c in SEED_COLUMNS if c in table.columns]
    elif columns == "all":
        cols = list(table.columns)
    else:
        cols = list(columns)
        unknown = [c for c in cols if c not in table.columns]
        if unknown:
            raise MetricError(f"no column(s) {unknown} in the table; have {list(table.columns)}")
    header = [COLUMNS.get(c, (c, False))[0] for c in cols]
    cells = [[_cell(table.at[row, c], c, digits) for c in cols] for row in table.index]
    rows = [str(r) for r in table.index]
    above, below = _notes(table) if notes else ([], [])
    if fmt == "text":
        return _text(header, rows, cells, above, below)
    if fmt == "markdown":
        return _markdown(header, rows, cells, above, below)
    if fmt == "html":
        return _html(header, rows, cells, above, below)
    raise MetricError(f"fmt must be 'text', 'markdown' or 'html', got {fmt!r}")


def to_text(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as aligned plain text."""
    return format_summary(table, "text", **options)


def to_markdown(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as a Markdown table."""
    return format_summary(table, "markdown", **options)


def to_html(table: pd.DataFrame, **options: Any) -> str:
    """:func:`format_summary` as an HTML ``<table>`` (values escaped)."""
    return format_summary(table, "html", **options)


def _cell(value: Any, column: str, digits: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    pct = COLUMNS.get(column, (column, False))[1]
    if column == "max_drawdown_days":
        return f"{value:,.0f}"
    # "z" folds a negative zero such as -0.00% (tiny float noise) into 0.00%
    return f"{value:z.{digits}%}" if pct else f"{value:z.{digits}f}"


def _notes(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    attrs = table.attrs
    above: list[str] = []
    if "window" in attrs:
        start, end = attrs["window"]
        if attrs.get("window_start_known", False):
            span = f"({attrs.get('years', float('nan')):.2f} years)"
        else:
            span = "(first return to last; start date not given)"
        above.append(f"Window: {pd.Timestamp(start).date()} to {pd.Timestamp(end).date()} {span}")
    if attrs.get("benchmark"):
        above.append(f"Benchmark: {attrs['benchmark']}")
    if not above:
        above.append("Window: not stated (table not made by tactical.report.summary)")
    return above, list(attrs.get("notes", []))


def _text(
    header: list[str], rows: list[str], cells: list[list[str]], above: list[str], below: list[str]
) -> str:
    widths = [max([len(rows_i) for rows_i in rows] + [0])]
    widths += [max(len(h), *(len(r[j]) for r in cells)) for j, h in enumerate(header)]

    def line(first: str, rest: list[str]) -> str:
        padded = [v.rjust(w) for v, w in zip(rest, widths[1:], strict=True)]
        return "  ".join([first.ljust(widths[0]), *padded])

    body = [line("", header), "  ".join("-" * w for w in widths)]
    body += [line(name, r) for name, r in zip(rows, cells, strict=True)]
    return "\n".join([*above, *body, *below])


def _markdown(
    header: list[str], rows: list[str], cells: list[list[str]], above: list[str], below: list[str]
) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    body = ["|  | " + " | ".join(esc(h) for h in header) + " |"]
    body.append("|---|" + "---:|" * len(header))
    body += [f"| {esc(n)} | " + " | ".join(r) + " |" for n, r in zip(rows, cells, strict=True)]
    parts = [*(f"{a}  " for a in above)]
    if parts:
        parts.append("")
    parts += body
    if below:
        parts += ["", *(f"- {b}" for b in below)]
    return "\n".join(parts)


def _html(
    header: list[str], rows: list[str], cells: list[list[str]], above: list[str], below: list[str]
) -> str:
    e = html.escape
    out = ['<table class="tactical-summary">']
    if above:
        out.append(f"<caption>{'<br>'.join(e(a) for a in above)}</caption>")
    out.append(
        "<thead><tr><th></th>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr></thead>"
    )
    out.append("<tbody>")
    for name, r in zip(rows, cells, strict=True):
        tds = "".join(f'<td style="text-align:right">{e(v)}</td>' for v in r)
        out.append(f"<tr><th>{e(name)}</th>{tds}</tr>")
    out.append("</tbody>")
    if below:
        out.append(
            f'<tfoot><tr><td colspan="{len(header) + 1}">'
            + "<br>".join(e(b) for b in below)
            + "</td></tr></tfoot>"
        )
    out.append("</table>")
    return "\n".join(out)
