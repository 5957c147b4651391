"""Summary tables: one row per strategy, one numeric column per metric.

:func:`summary` composes the metric functions of :mod:`tactical.metrics` over
one 2-D frame of returns (columns = strategies) under named
:class:`~tactical.metrics.conventions.Conventions`; every column is the
function of the same name applied to the same input, so the table equals the
functions by construction. :func:`format_summary` (and :func:`to_text`,
:func:`to_markdown`, :func:`summary_html`, from :mod:`tactical.tables`)
renders it: percentages with two decimals, the window stated above it and the
conventions under it.

The table is a :class:`SummaryTable`: a plain numeric ``DataFrame``
(decimals, not percent) that a notebook displays formatted and grouped. What
it was computed over travels in ``table.attrs``: ``"window"`` (start, end),
``"years"``, ``"benchmark"``, ``"conventions"`` (the preset name) and
``"notes"`` (the lines printed under a rendered table).

This module runs no backtest: :func:`tactical.with_standard_benchmarks` (in
:mod:`tactical.comparison`) does.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tactical.errors import FrequencyError, MetricError, RiskFreeWarning
from tactical.intervals import Intervals, as_intervals, interval_columns, interval_samples
from tactical.metrics.conventions import DEFAULT, Conventions
from tactical.metrics.distribution import (
    best_month,
    best_year,
    conditional_value_at_risk,
    kurtosis,
    positive_periods,
    skew,
    value_at_risk,
    worst_month,
    worst_year,
)
from tactical.metrics.formulas import (
    annual_volatility,
    cagr,
    calmar_ratio,
    max_drawdown_info,
    sharpe_ratio,
    sortino_ratio,
    total_return,
    ulcer_index,
)
from tactical.metrics.inputs import check_returns, infer_periods_per_year, period_returns
from tactical.metrics.relative import (
    alpha_beta,
    correlation,
    down_capture,
    information_ratio,
    tracking_error,
    treynor_ratio,
    up_capture,
)
from tactical.tables import (
    COLUMNS,
    HEADLINE_COLUMNS,
    format_summary,
    summary_html,
    to_markdown,
    to_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from tactical._typing import DateLike

__all__ = [
    "COLUMNS",
    "HEADLINE_COLUMNS",
    "Intervals",
    "SummaryTable",
    "account_columns",
    "format_summary",
    "policy_columns",
    "result_html",
    "summary",
    "summary_html",
    "to_markdown",
    "to_text",
]

_MOVED = {
    "to_html": (
        "tactical.report.to_html was renamed tactical.report.summary_html (it returns an HTML "
        "table fragment; ResultSet.to_html writes a whole report page)"
    ),
    "with_standard_benchmarks": (
        "with_standard_benchmarks runs backtests, so it moved above the report: use "
        "tactical.with_standard_benchmarks (module tactical.comparison)"
    ),
}


def __getattr__(name: str) -> Any:
    # Renamed names: a clear error, not a silent alias. SEED_COLUMNS stays an
    # undocumented alias of HEADLINE_COLUMNS until tactical.charts reads the new name.
    if name == "SEED_COLUMNS":
        return HEADLINE_COLUMNS
    if name in _MOVED:
        raise AttributeError(_MOVED[name])
    raise AttributeError(f"module 'tactical.report' has no attribute {name!r}")


# column order of the table (as before the columns were composed from the functions)
_ORDER = (
    "total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown",
    "max_drawdown_days", "calmar", "ulcer_index", "best_month", "worst_month", "best_year",
    "worst_year", "positive_periods", "var", "cvar", "skew", "kurtosis", "alpha", "beta",
    "treynor", "correlation", "up_capture", "down_capture", "tracking_error",
    "information_ratio", "final_balance", "contributed", "xirr", "blocked",
)  # fmt: skip


class SummaryTable(pd.DataFrame):
    """A summary table: a numeric ``DataFrame`` that notebooks display formatted.

    Values stay plain decimals (0.075 = 7.5 %), as every ``DataFrame``
    operation expects; only :meth:`_repr_html_` (what Jupyter shows) formats
    them: percentages, the columns grouped (returns, account, risk, relative,
    distribution) in stacked tables and the conventions under them. Slices
    stay ``SummaryTable``; ``pd.DataFrame(table)`` gives a plain frame.

    Examples
    --------
    >>> import pandas as pd
    >>> t = SummaryTable({"cagr": [0.05]}, index=["A"])
    >>> float(t.loc["A", "cagr"]), "5.00%" in t._repr_html_()
    (0.05, True)
    """

    _metadata: list[str] = []

    @property
    def _constructor(self) -> type[SummaryTable]:
        return SummaryTable

    def _repr_html_(self) -> str:  # type: ignore[override]
        try:
            return format_summary(self, "html", columns="all", grouped=True)
        except Exception:  # a derived frame the renderer cannot read: pandas' own view
            return str(pd.DataFrame(self)._repr_html_())


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
    accounts: Mapping[str, Any] | None = None,
    intervals: bool | Intervals = False,
) -> SummaryTable:
    """One row per strategy, one numeric column per metric.

    Parameters
    ----------
    returns : Series or DataFrame
        Simple decimal returns, one column per strategy, shape
        ``(n_dates, n_strategies)``; daily for the daily conventions and
        daily drawdowns, at least monthly otherwise. Time-weighted, as
        ``ResultSet.returns``.
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
        When neither gives one, 0 %/yr is used, the conventions line says so
        and a :class:`~tactical.errors.RiskFreeWarning` is emitted (pass
        ``risk_free=0.0`` to state a zero rate on purpose).
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
    accounts : mapping of name to result, optional
        The backtest results behind the columns (a ``ResultSet``). When any
        of them had cash flows the table gains the money columns of
        :func:`account_columns`: ``final_balance``, ``contributed`` and
        ``xirr``.
    intervals : bool or Intervals, default False
        ``True`` (or a :class:`~tactical.intervals.Intervals` giving
        ``level``, ``n``, ``seed``, ``method``, ``metrics``) adds confidence
        intervals: ``<column>_lo`` and ``<column>_hi`` after each of
        ``total_return``, ``cagr``, ``volatility``, ``sharpe``, ``sortino``,
        ``max_drawdown`` and ``calmar`` (95 % stationary-bootstrap percentile
        intervals from :func:`tactical.bootstrap`, 2,000 replicates by
        default; see Notes). The renderers show them as ``8.10% [5.20%,
        11.00%]``; the method, level, replicates and seed are in the notes
        and in ``attrs["intervals"]``.

    Returns
    -------
    SummaryTable
        A ``DataFrame``. Index: strategies. Columns: a subset of
        :data:`~tactical.tables.COLUMNS`, decimals (0.075 = 7.5 %), ratios as
        numbers, ``max_drawdown_days`` in calendar days from peak to recovery
        (or to the end); a drawdown from the starting value needs its date:
        ``window[0]``, or one period before the first return for a
        calendar-regular index (month ends, weeks, calendar days), else NaN
        with a note. ``attrs`` holds the window, years, benchmark and
        conventions.

    Raises
    ------
    MetricError
        No columns, NaN inside the returns, misaligned windows, a benchmark or
        risk-free series that does not cover the dates, a percent risk-free
        rate, prices instead of returns.
    FrequencyError
        Returns too coarse for the conventions, or an irregular index.

    Notes
    -----
    Each column is the function of :mod:`tactical.metrics` with the same
    name (``sharpe`` is :func:`~tactical.metrics.sharpe_ratio`, ``var``
    :func:`~tactical.metrics.value_at_risk`...), called on:

    * the input returns: ``total_return``; ``cagr`` over calendar years
      from ``window[0]`` (or ``n / periods_per_year`` when the conventions
      say ``years="periods"`` or the start is unknown, as stated in the
      notes); best and worst calendar month and year;
    * returns at ``conventions.frequency`` (daily returns compounded into
      calendar months or years by :func:`~tactical.metrics.period_returns`):
      volatility, Sharpe, Sortino, VaR, CVaR, skew, kurtosis, positive
      periods and all benchmark statistics;
    * closes at ``conventions.drawdown``: max drawdown, its length, Calmar
      (``cagr / |max drawdown|``) and Ulcer index.

    Intervals resample (stationary bootstrap, Politis & Romano 1994, via
    :func:`tactical.bootstrap`) the very returns each column is computed from:
    CAGR and total return the input returns (replicate CAGR over the table's
    years), volatility, Sharpe and Sortino the returns at
    ``conventions.frequency`` with the risk-free rate on the same blocks,
    drawdown and Calmar the closes at ``conventions.drawdown``; so each
    bootstrap estimate is the table's value. The strategies are resampled on
    the same blocks of dates. See :mod:`tactical.intervals`.

    Undefined values (zero variance, beta near zero for Treynor) are NaN with
    the functions' :class:`~tactical.errors.MetricWarning`; the benchmark's
    own row has no information ratio (NaN, no warning); skew needs 3 and
    kurtosis 4 periods (NaN, with a note, below that).

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
    conv = _conventions(conventions, risk_free, risk_free_label)
    spec = as_intervals(intervals)
    frame = _as_frame(returns)
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
    bench_name, bench = _benchmark(benchmark, frame)
    check_returns(frame)
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise MetricError("summary needs returns with a DatetimeIndex")
    n = len(frame)
    if n < 2:
        raise MetricError(f"summary needs at least 2 periods of returns, got {n}")
    ppy_in = float(periods_per_year or infer_periods_per_year(frame.index))
    _check_frequencies(conv, ppy_in)
    start, end, years_note = _cagr_years(frame.index, window, conv, ppy_in, n)
    notes: list[str] = []

    rf: float | pd.Series
    if conv.risk_free is None:
        rf = 0.0
        warnings.warn(
            "no risk-free rate given: Sharpe, Sortino, alpha and Treynor use 0%/yr; pass "
            "risk_free=tactical.cash_returns(quotes, prices.index) (or risk_free=0.0 to say so)",
            RiskFreeWarning,
            stacklevel=2,
        )
    elif isinstance(conv.risk_free, pd.Series):
        # every input date must have a rate; the metrics then compound it
        # onto the conventions' periods
        rf = _cover(conv.risk_free, frame.index, "risk_free")
    else:
        rf = float(conv.risk_free)

    calendar = conv.years == "calendar" and start is not None
    out: dict[str, Any] = {}
    # the input returns
    out["total_return"] = total_return(frame)
    out["cagr"] = cagr(frame, start=start) if calendar else cagr(frame, ppy_in)
    if ppy_in >= 12:
        out["best_month"], out["worst_month"] = best_month(frame), worst_month(frame)
    out["best_year"], out["worst_year"] = best_year(frame), worst_year(frame)

    # returns at the conventions' frequency
    r = _at_frequency(frame, conv.frequency, ppy_in)
    ppy = float(conv.periods_per_year) if conv.frequency != "daily" else ppy_in
    if len(r) < 2:
        raise MetricError(
            f"only {len(r)} {conv.frequency} period(s) in the window; "
            "use a finer conventions frequency or a longer window"
        )
    out["volatility"] = annual_volatility(r, ppy)
    out["sharpe"] = sharpe_ratio(r, rf, ppy)
    out["sortino"] = sortino_ratio(r, rf if conv.sortino_target == "risk_free" else 0.0, ppy)
    out["positive_periods"] = positive_periods(r)
    out["var"] = value_at_risk(r, conv.confidence)
    out["cvar"] = conditional_value_at_risk(r, conv.confidence)
    nan = pd.Series(np.nan, index=frame.columns)
    out["skew"] = skew(r) if len(r) >= 3 else nan
    out["kurtosis"] = kurtosis(r) if len(r) >= 4 else nan
    if len(r) < 4:
        notes.append(f"skew needs 3 and kurtosis 4 {conv.frequency} periods; have {len(r)}")

    # closes at the conventions' drawdown frequency
    dd_r = _at_frequency(frame, conv.drawdown, ppy_in)
    monthly_dd: Literal["monthly"] | None = None if dd_r is frame else "monthly"
    # one drawdown pass gives the depth (max_drawdown's formula) and the dates
    out["max_drawdown"], out["max_drawdown_days"], dd_note = _drawdown_depth_days(
        dd_r, start, frame.index
    )
    notes += dd_note
    out["calmar"] = (
        calmar_ratio(frame, start=start, drawdown_frequency=monthly_dd)
        if calendar
        else calmar_ratio(frame, ppy_in, drawdown_frequency=monthly_dd)
    )
    out["ulcer_index"] = ulcer_index(dd_r)

    if bench is not None:
        b = _at_frequency(bench.to_frame("benchmark"), conv.frequency, ppy_in)["benchmark"]
        out.update(_relative(r, b, rf, ppy, conv))

    if accounts is not None:
        money = account_columns(accounts)
        if money is not None:
            out.update({c: money[c].reindex(frame.columns) for c in money.columns})
            notes.append(
                "time-weighted: every return column above (CAGR, Sharpe...; cash flows "
                "removed); money-weighted: xirr (XIRR of the dated flows, act/365)"
            )
        blocked = policy_columns(accounts)
        if blocked is not None:
            out["blocked"] = blocked["blocked"].reindex(frame.columns)
            notes.append(
                "blocked: trades the plan's trading policy blocked or changed (result.blocked; "
                "n/a without a policy)"
            )

    years = _years(frame.index, start, conv, ppy_in, n)
    interval_attrs: dict[str, Any] = {}
    if spec is not None:
        rf_r = rf  # the risk-free rate on the periods of r, as the Sharpe ratio compounds it
        if isinstance(rf, pd.Series) and r is not frame:
            rf_r = _at_frequency(rf.to_frame("rf"), conv.frequency, ppy_in)["rf"]
        samples = interval_samples(
            frame, r, dd_r, rf_r, ppy_in, ppy, years, sortino_zero=conv.sortino_target == "zero"
        )
        bounds, note, interval_attrs = interval_columns(samples, spec)
        out.update(bounds)
        notes.append(note)

    order = [c for c in _ORDER if c in out]
    order = [x for c in order for x in (c, f"{c}_lo", f"{c}_hi") if x in out]
    table = SummaryTable(
        {c: np.asarray(out[c], dtype=np.float64) for c in order},
        index=pd.Index(frame.columns, name="strategy"),
    )
    table.attrs.update(
        window=(start if start is not None else frame.index[0], end),
        window_start_known=start is not None,
        years=years,
        years_note=years_note,
        benchmark=bench_name,
        conventions=conv.name,
        notes=[*conv.describe()[:-1], f"CAGR years: {years_note}", *notes],
    )
    if interval_attrs:
        table.attrs["intervals"] = interval_attrs
    return table


def account_columns(results: Mapping[str, Any]) -> pd.DataFrame | None:
    """Money columns of backtest results: final balance, contributed, XIRR.

    Parameters
    ----------
    results : mapping of name to result
        A ``ResultSet`` or a dict of ``BacktestResult``; read by attribute
        only (``equity``, ``cashflows``, ``config``, and ``final_balance``,
        ``contributed``, ``money_weighted_return`` where the result has them).

    Returns
    -------
    DataFrame or None
        None when no result had a cash flow (the time-weighted columns then
        say it all). Otherwise one row per result with ``final_balance``
        (account value at the end, currency), ``contributed`` (the initial
        amount plus every flow, net of withdrawals: ``result.contributed``
        summed where the result offers it, else ``config["initial"]`` plus
        the flows (``result.flows["total"]``, or ``cashflows``), or without a
        stated initial amount the first equity value plus the later flows)
        and ``xirr`` (``result.money_weighted_return()``: annual, act/365, the
        flows dated as invested).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> idx = pd.to_datetime(["2020-01-01", "2021-01-01"])
    >>> res = SimpleNamespace(equity=pd.Series([100.0, 220.0], index=idx),
    ...     cashflows=pd.Series([100.0], index=idx[1:]), config={"initial": 100.0},
    ...     money_weighted_return=lambda: 0.10)
    >>> account_columns({"A": res}).loc["A"].tolist()
    [220.0, 200.0, 0.1]
    """
    rows: dict[str, list[float]] = {}
    any_flows = False
    for name, res in results.items():
        equity = res.equity
        flows = _flow_totals(res)
        any_flows = any_flows or bool((flows != 0).any())
        balance = getattr(res, "final_balance", None)
        balance = float(equity.iloc[-1]) if balance is None else float(balance)
        contributed = getattr(res, "contributed", None)
        if contributed is None:
            initial = getattr(res, "config", {}).get("initial", None)
            if initial is None:  # the first value holds the initial amount and any flow then
                total_in = float(equity.iloc[0]) + float(flows[flows.index > equity.index[0]].sum())
            else:
                total_in = float(initial) + float(flows.sum())
        elif isinstance(contributed, pd.Series):  # by source; "total" includes the initial
            total_in = float(
                contributed["total"]
                if "total" in contributed
                else contributed.drop("total", errors="ignore").sum()
            )
        else:
            total_in = float(contributed)
        rows[str(name)] = [balance, total_in, float(res.money_weighted_return())]
    if not any_flows:
        return None
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["final_balance", "contributed", "xirr"]
    )


def policy_columns(results: Mapping[str, Any]) -> pd.DataFrame | None:
    """How many trades each result's trading policy blocked or changed.

    Parameters
    ----------
    results : mapping of name to result
        Read by attribute: ``config`` (a ``"policy"`` entry marks a run with
        a trading policy) and ``blocked`` (its events, one row each).

    Returns
    -------
    DataFrame or None
        None when no result ran with a policy. Otherwise one row per result,
        column ``blocked``: ``len(result.blocked)`` (every blocked purchase,
        cut exchange and redemption fee is one event), NaN for a result
        without a policy.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> ruled = SimpleNamespace(config={"policy": "TradingPolicy(reentry_days=30)"},
    ...                         blocked=pd.DataFrame({"fund": ["SPY", "AGG"]}))
    >>> free = SimpleNamespace(config={}, blocked=pd.DataFrame())
    >>> policy_columns({"ruled": ruled, "free": free})["blocked"].tolist()
    [2.0, nan]
    """
    counts: dict[str, float] = {}
    for name, res in results.items():
        config = getattr(res, "config", {}) or {}
        counts[str(name)] = float(len(res.blocked)) if "policy" in config else float("nan")
    if all(np.isnan(v) for v in counts.values()):
        return None
    return pd.DataFrame.from_dict(counts, orient="index", columns=["blocked"])


def result_html(results: Mapping[str, Any], *, title: str = "Backtest results") -> str:
    """HTML for a notebook: what was run, then the summary, grouped and formatted.

    What ``BacktestResult._repr_html_`` and ``ResultSet._repr_html_`` show.
    Never raises for a valid result: a summary that cannot be computed (too
    short a window...) is replaced by the reason, and the summary's warnings
    are listed under it instead of being emitted at every display.

    Parameters
    ----------
    results : mapping of name to result
        A ``ResultSet``, or ``{name: BacktestResult}``; read by attribute
        (``returns``, ``equity``, ``n_rebalances``, ``start``, ``end``).
    title : str
        Heading of the block.

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> idx = pd.bdate_range("2020-01-01", periods=3)
    >>> res = SimpleNamespace(equity=pd.Series([1.0, 1.1, 1.2], index=idx),
    ...     returns=pd.Series([0.1, 1.2 / 1.1 - 1], index=idx[1:]), n_rebalances=0,
    ...     start=idx[0], end=idx[-1], cashflows=pd.Series(dtype=float))
    >>> "Final value" in result_html({"A": res})
    True
    """
    import html

    e = html.escape
    rows = []
    for name, res in results.items():
        balance = getattr(res, "final_balance", None)
        balance = float(res.equity.iloc[-1]) if balance is None else float(balance)
        rows.append(
            f"<tr><th>{e(str(name))}</th><td>{res.start.date()}</td><td>{res.end.date()}</td>"
            f'<td style="text-align:right">{balance:,.2f}</td>'
            f'<td style="text-align:right">{int(getattr(res, "n_rebalances", 0))}</td></tr>'
        )
    facts = (
        '<table class="tactical-results"><thead><tr><th></th><th>Start</th><th>End</th>'
        "<th>Final value</th><th>Rebalances</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.DataFrame({str(k): r.returns for k, r in results.items()})
            first = next(iter(results.values()))
            table = summary(frame, window=(first.start, first.end), accounts=results)
            body = format_summary(table, "html", columns="all", grouped=True)
        except Exception as exc:  # display only: say why there is no table
            body = f"<p>No summary: {e(type(exc).__name__)}: {e(str(exc))}</p>"
    said = [str(w.message) for w in caught if not issubclass(w.category, RiskFreeWarning)]
    if said:
        body += '<p style="font-size:smaller">' + "<br>".join(e(m) for m in said) + "</p>"
    return f"<div><h4>{e(title)}</h4>{facts}{body}</div>"


def _flow_totals(result: Any) -> pd.Series:
    """The external flows of a result by date: ``flows["total"]``, else ``cashflows``."""
    flows = getattr(result, "flows", None)
    if isinstance(flows, pd.DataFrame) and "total" in flows.columns:
        return flows["total"].astype(np.float64)
    cash = getattr(result, "cashflows", None)
    if isinstance(cash, pd.Series):
        return cash.astype(np.float64)
    return pd.Series(dtype=np.float64)


def _conventions(
    conventions: Conventions | str, risk_free: float | pd.Series | None, label: str | None
) -> Conventions:
    conv = Conventions.preset(conventions) if isinstance(conventions, str) else conventions
    if not isinstance(conv, Conventions):
        raise MetricError(f"conventions must be a Conventions or a preset name, got {conv!r}")
    if risk_free is not None:
        conv = replace(conv, risk_free=risk_free)
    if label is not None:
        conv = replace(conv, risk_free_label=label)
    return conv


def _as_frame(returns: pd.Series | pd.DataFrame) -> pd.DataFrame:
    if isinstance(returns, pd.Series):
        return returns.to_frame(returns.name if returns.name is not None else "returns")
    if not isinstance(returns, pd.DataFrame):
        raise MetricError(f"returns must be a Series or DataFrame, got {type(returns).__name__}")
    if returns.shape[1] == 0:
        raise MetricError(
            "returns have no columns: pass one column of returns per strategy "
            "(e.g. ResultSet.returns)"
        )
    return returns


def _benchmark(
    benchmark: pd.Series | str | None, frame: pd.DataFrame
) -> tuple[str | None, pd.Series | None]:
    if benchmark is None:
        return None, None
    if isinstance(benchmark, str):
        if benchmark not in frame.columns:
            raise MetricError(
                f"benchmark {benchmark!r} is not a column of returns: {list(frame.columns)}"
            )
        return benchmark, frame[benchmark]
    name = str(benchmark.name) if getattr(benchmark, "name", None) is not None else "benchmark"
    bench = _cover(benchmark, frame.index, "benchmark")
    check_returns(bench, what="benchmark returns")  # prices, < -1, inf: as for returns
    return name, bench


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
    late_start, early_end = len(set(firsts.values())) > 1, len(set(lasts.values())) > 1
    if late_start or early_end:
        if align == "raise":
            spans = ", ".join(
                f"{c!r}: {pd.Timestamp(firsts[c]).date()}..{pd.Timestamp(lasts[c]).date()}"
                for c in frame.columns
            )
            fix = "pass align='common' to cut all of them to the common window"
            if late_start:
                fix += ", or extend a short history back with a proxy (tactical.data.splice)"
            if early_end:
                fix += "; a column that ends early needs its later returns (newer data)"
            raise MetricError(
                f"the columns cover different windows ({spans}); results over different windows "
                f"are never compared silently: {fix}"
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
        valid = series.dropna()
        starts_late = len(valid) > 0 and valid.index[0] > index[0]
        if starts_late and not missing[index > valid.index[0]].any():
            fix = (
                f"it starts on {valid.index[0].date()}: extend a short history back with a "
                "proxy (tactical.data.splice) or start the window later"
            )
        else:
            fix = (
                "put it on the same dates as the returns (the same trading calendar, "
                "through the window's end); splicing does not fill such gaps"
            )
        raise MetricError(
            f"{what} has no return on {int(missing.sum())} of the {len(index)} dates, first "
            f"{first}; it must cover the strategies' window: {fix}"
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


def _cagr_years(
    index: pd.DatetimeIndex,
    window: tuple[DateLike, DateLike] | None,
    conv: Conventions,
    ppy_in: float,
    n: int,
) -> tuple[pd.Timestamp | None, pd.Timestamp, str]:
    """The stated window ``(start or None, end)`` and how CAGR counts years."""
    end = index[-1]
    start = None
    if window is not None:
        if not isinstance(window, tuple | list) or len(window) != 2:
            raise MetricError(
                f"window must be a (start, end) pair of dates, got {window!r}; "
                "e.g. window=ResultSet.window"
            )
        start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
        if not start < index[0] or index[-1] > end:
            raise MetricError(
                f"window {start.date()}..{end.date()} does not contain the returns "
                f"{index[0].date()}..{index[-1].date()}; the start is the close before the "
                "first return"
            )
    if conv.years == "calendar" and start is not None:
        return start, end, f"calendar ({(index[-1] - start).days} days / 365.25)"
    reason = "" if conv.years == "periods" else "; window start not given"
    return start, end, f"{n} periods / {ppy_in:g} per year{reason}"


def _years(
    index: pd.DatetimeIndex, start: pd.Timestamp | None, conv: Conventions, ppy: float, n: int
) -> float:
    if conv.years == "calendar" and start is not None:
        return (index[-1] - start).days / 365.25
    return n / ppy


def _at_frequency(frame: pd.DataFrame, frequency: str, ppy_in: float) -> pd.DataFrame:
    """``frame`` itself when it is already at ``frequency``, else its period returns."""
    if frequency == "daily" or (frequency == "monthly" and ppy_in == 12) or ppy_in == 1:
        return frame
    out = period_returns(frame, frequency)  # type: ignore[arg-type]
    assert isinstance(out, pd.DataFrame)
    return out


def _drawdown_depth_days(
    dd_returns: pd.DataFrame, start: pd.Timestamp | None, index: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Max drawdown, calendar days from peak to recovery (or the end), notes for the table.

    From :func:`~tactical.metrics.max_drawdown_info` (whose ``depth`` is
    :func:`~tactical.metrics.max_drawdown`) with the starting value
    dated ``start``. Without a window that date is inferred from a
    calendar-regular ``index`` (month, quarter, year ends, weeks, calendar
    days: one period before the first return); otherwise a drawdown that
    peaks at the starting value has an unknown length: NaN, stated in a note.
    """
    anchor = start if start is not None else _previous_date(index)
    info = max_drawdown_info(dd_returns, start=anchor)
    assert isinstance(info, pd.DataFrame)
    fell = (info["depth"] < 0).to_numpy()
    recovered = info["recovered"].to_numpy() & fell
    last = np.datetime64(dd_returns.index[-1], "D")
    peak = info["peak"].to_numpy().astype("datetime64[D]")
    until = np.where(recovered, info["recovery"].to_numpy().astype("datetime64[D]"), last)
    days = (until - peak).astype("timedelta64[D]").astype(np.float64)
    days = np.where(np.isnat(peak) & fell, np.nan, days)
    days = np.where(fell, days, 0.0)
    notes: list[str] = []
    if np.isnan(days).any():
        notes.append(
            "Max DD days n/a where the drawdown starts at the starting value, whose date is "
            "not known (pass window=(start, end))"
        )
    return info["depth"].to_numpy(), days, notes


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


def _relative(
    r: pd.DataFrame, b: pd.Series, rf: float | pd.Series, ppy: float, conv: Conventions
) -> dict[str, Any]:
    """The benchmark columns, each from its metric function."""
    out: dict[str, Any] = {}
    out["alpha"], out["beta"] = alpha_beta(r, b, rf, ppy, annualization=conv.alpha)
    out["treynor"] = treynor_ratio(r, b, rf, ppy)
    out["correlation"] = correlation(r, b)
    out["up_capture"] = up_capture(r, b, ppy)
    out["down_capture"] = down_capture(r, b, ppy)
    out["tracking_error"] = tracking_error(r, b, ppy)
    # the benchmark's own row (active return identically 0): NaN, no warning
    itself = (r.to_numpy() == b.to_numpy()[:, None]).all(axis=0)
    ir = pd.Series(np.nan, index=r.columns)
    if (~itself).any():
        ir[~itself] = information_ratio(r.loc[:, ~itself], b, ppy)
    out["information_ratio"] = ir
    return out
