"""The metrics of many strategies at once: one row per column of a returns matrix.

:func:`metric_table` is what a sweep, a walk-forward selection and a
timing-luck study show for each variant. Its columns are the formulas of
:mod:`tactical.metrics.formulas` and :mod:`tactical.metrics.distribution`
themselves (the private cores that :func:`~tactical.metrics.sharpe_ratio`,
:func:`~tactical.metrics.cagr`... and so the summary table call), evaluated
over blocks of columns so that the temporaries stay a few MiB however many
strategies there are, with the input validated once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tactical.errors import MetricError
from tactical.metrics.distribution import _central_moments, _kurtosis_core, _skew_core
from tactical.metrics.formulas import (
    _cagr_core,
    _cagr_years,
    _calmar_core,
    _max_drawdown_core,
    _sortino_core,
    _volatility_core,
)
from tactical.metrics.inputs import (
    Rate,
    _check_values,
    _Input,
    _need,
    _periods_per_year,
    _rate_per_period,
    _sharpe_core,
    _warn_undefined,
    frequency_name,
)
from tactical.metrics.overfitting import _psr_array, expected_max_sharpe

__all__ = ["METRIC_COLUMNS", "metric_table"]

METRIC_COLUMNS = (
    "cagr",
    "annual_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown",
    "calmar_ratio",
    "deflated_sharpe",
)
"""The columns :func:`metric_table` can compute, in the order it gives them."""

# values per block of columns: 64k float64 = 512 KiB per temporary, so that a block's
# passes (cumprod, running peak, moments...) stay in a core's cache
_BLOCK_VALUES = 2**16

# what each column needs computed first (calmar from cagr and drawdown, deflated from sharpe)
_NEEDS = {"calmar_ratio": ("cagr", "max_drawdown"), "deflated_sharpe": ("sharpe_ratio",)}


def _matrix(returns: pd.DataFrame | np.ndarray) -> _Input:
    """The returns as an unchecked 2-D ``_Input`` (values are checked block by block)."""
    if isinstance(returns, pd.DataFrame):
        values = returns.to_numpy(dtype=np.float64)
        index = returns.index if isinstance(returns.index, pd.DatetimeIndex) else None
        if index is not None and (not index.is_monotonic_increasing or not index.is_unique):
            raise MetricError("returns index must be sorted and unique dates")
        return _Input(values, index, returns.columns, "frame")
    if isinstance(returns, np.ndarray) and returns.ndim == 2:
        return _Input(np.asarray(returns, dtype=np.float64), None, None, "array2")
    raise MetricError(
        "metric_table needs a DataFrame or a 2-D array of returns (one column per strategy), "
        f"got {type(returns).__name__}"
        + (f" of shape {returns.shape}" if isinstance(returns, np.ndarray) else "")
    )


def metric_table(
    returns: pd.DataFrame | np.ndarray,
    *,
    start: pd.Timestamp | str | None = None,
    risk_free: Rate = 0.0,
    periods_per_year: float | None = None,
    metrics: Sequence[str] = METRIC_COLUMNS,
) -> pd.DataFrame:
    """Summary metrics of every column of a returns matrix, one row per column.

    Parameters
    ----------
    returns : DataFrame or ndarray
        Simple periodic decimal returns, shape ``(n_periods, n_strategies)``
        (e.g. ``SweepResult.returns``), at least 2 periods (4 for
        ``deflated_sharpe``). Validated as the metric functions validate.
    start : Timestamp or str, optional
        Date of the starting value (the close before the first return):
        CAGR over calendar years from it, as :func:`~tactical.metrics.cagr`
        with ``start=``; default ``n / periods_per_year`` years.
    risk_free : float or Series, default 0
        Annual decimal rate or per-period returns (see
        :func:`~tactical.metrics.sharpe_ratio`), for the Sharpe ratio and as
        the Sortino target.
    periods_per_year : float, optional
        Inferred from the index when omitted.
    metrics : sequence of str
        A subset of :data:`METRIC_COLUMNS` (default: all).

    Returns
    -------
    DataFrame
        Index: the columns of ``returns``; columns: ``metrics`` in the order
        of :data:`METRIC_COLUMNS`. ``attrs["conventions"]`` states how they
        were computed (and ``sharpe_variance``, ``periods_per_year``).

    Raises
    ------
    MetricError
        Invalid returns (NaN, values below -1, prices), too few periods, an
        unknown metric name.

    Warns
    -----
    MetricWarning
        For the columns where a metric is undefined (NaN), as the metric
        functions warn.

    Notes
    -----
    Each column is the formula of the metric function with its name, on the
    same arithmetic: ``cagr`` as :func:`~tactical.metrics.cagr`,
    ``annual_volatility``, ``sharpe_ratio``, ``sortino_ratio`` (target =
    ``risk_free``), ``max_drawdown`` (on the closes of the periods given) and
    ``calmar_ratio`` (``cagr / |max_drawdown|`` of this table). So a column
    equals the function called on that column alone (to rounding: a sum's
    order follows the memory layout).

    ``deflated_sharpe`` is each column's Sharpe ratio deflated for the number
    of columns tried (Bailey and López de Prado 2014,
    :func:`~tactical.metrics.deflated_sharpe_ratio`): per-period Sharpe
    ``SR`` (``sharpe_ratio / sqrt(periods_per_year)``), ``T`` returns, the
    column's bias-corrected skew and non-excess kurtosis, against
    ``SR0 = expected_max_sharpe(N, V)`` with ``N`` the columns whose Sharpe
    ratio is defined and ``V`` the sample variance (``ddof=1``) of their
    per-period Sharpe ratios.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2020-01-01", periods=500)
    >>> r = pd.DataFrame(np.random.default_rng(0).normal(4e-4, 0.01, (500, 3)), index=idx)
    >>> table = metric_table(r, metrics=["sharpe_ratio", "max_drawdown"])
    >>> list(table.columns), len(table)
    (['sharpe_ratio', 'max_drawdown'], 3)
    >>> from tactical.metrics import sharpe_ratio
    >>> bool(np.allclose(table["sharpe_ratio"], sharpe_ratio(r), rtol=1e-13))
    True
    """
    unknown = [m for m in metrics if m not in METRIC_COLUMNS]
    if unknown or not len(metrics):
        raise MetricError(f"unknown metric(s) {unknown}; choose from {list(METRIC_COLUMNS)}")
    wanted = set(metrics)
    for name in list(wanted):
        wanted.update(_NEEDS.get(name, ()))
    inp = _matrix(returns)
    n_obs, n_cols = inp.values.shape
    _need(inp, 4 if "deflated_sharpe" in wanted else 2, "metric_table")
    ppy = _periods_per_year(inp, periods_per_year)
    years = _cagr_years(inp, ppy, start) if "cagr" in wanted else math.nan
    rf = _rate_per_period(risk_free, inp, ppy) if wanted & {"sharpe_ratio", "sortino_ratio"} else 0
    scalar_rf = isinstance(rf, float)
    cols: dict[str, np.ndarray] = {k: np.empty(n_cols) for k in wanted}
    undefined: dict[str, np.ndarray] = {k: np.zeros(n_cols, dtype=bool) for k in wanted}
    skew = np.empty(n_cols)
    kurt = np.empty(n_cols)
    block = max(1, _BLOCK_VALUES // n_obs)
    for a in range(0, n_cols, block):
        b = min(a + block, n_cols)
        x = inp.values[:, a:b]
        labels = None if inp.columns is None else inp.columns[a:b]
        _check_values(_Input(x, inp.index, labels, inp.kind), "returns")
        plain = scalar_rf and rf == 0.0
        excess = x if plain else x - rf
        # without a risk-free rate, the volatility's and the Sharpe ratio's std are one
        std = (
            x.std(axis=0, ddof=1)
            if plain and wanted >= {"sharpe_ratio", "annual_volatility"}
            else None
        )
        if "sharpe_ratio" in wanted:
            cols["sharpe_ratio"][a:b], undefined["sharpe_ratio"][a:b] = _sharpe_core(
                excess, ppy, std
            )
        if "annual_volatility" in wanted:
            cols["annual_volatility"][a:b] = _volatility_core(x, ppy, std)
        if "sortino_ratio" in wanted:
            cols["sortino_ratio"][a:b], undefined["sortino_ratio"][a:b] = _sortino_core(excess, ppy)
        if "cagr" in wanted:
            cols["cagr"][a:b] = _cagr_core(x, years)
        if "max_drawdown" in wanted:
            cols["max_drawdown"][a:b] = _max_drawdown_core(x)
        if "deflated_sharpe" in wanted:
            m2, m3, m4, flat = _central_moments(x)
            skew[a:b] = _skew_core(n_obs, m2, m3, flat)
            kurt[a:b] = _kurtosis_core(n_obs, m2, m4, flat) + 3.0
    if "calmar_ratio" in wanted:
        cols["calmar_ratio"], undefined["calmar_ratio"] = _calmar_core(
            cols["cagr"], cols["max_drawdown"]
        )
    conventions: dict[str, Any] = {
        "returns": f"{frequency_name(ppy)} time-weighted returns, {ppy:g} periods a year",
        "risk_free": (
            f"{float(risk_free):.4g} annual (Sharpe, Sortino)"
            if isinstance(risk_free, int | float)
            else f"per-period series {getattr(risk_free, 'name', None)!r} (Sharpe, Sortino)"
        ),
        "cagr": (
            "calendar years from the start date (the close before the first return)"
            if start is not None
            else f"n / {ppy:g} years"
        ),
        "max_drawdown": f"on {frequency_name(ppy)} closes",
        "calmar_ratio": "cagr / |max_drawdown| (both as in this table)",
        "periods_per_year": ppy,
    }
    if "deflated_sharpe" in wanted:
        sr_pp = cols["sharpe_ratio"] / math.sqrt(ppy)
        finite = np.isfinite(sr_pp)
        n_ok = int(finite.sum())
        variance = float(np.var(sr_pp[finite], ddof=1)) if n_ok > 1 else 0.0
        sr0 = expected_max_sharpe(max(n_ok, 1), variance)
        cols["deflated_sharpe"] = _psr_array(sr_pp, n_obs, skew, kurt, sr0)
        conventions["deflated_sharpe"] = (
            f"Bailey & Lopez de Prado (2014): N = {n_ok} variants, V = variance "
            f"of their per-period Sharpe ratios = {variance:.4g} (ddof=1), SR0 = "
            f"{sr0:.4g} per period"
        )
        conventions["sharpe_variance"] = variance
    reasons = {
        "sharpe_ratio": "excess returns have zero variance",
        "sortino_ratio": "no period is below the target",
        "calmar_ratio": "there was no drawdown",
    }
    for name, reason in reasons.items():
        if name in metrics:
            _warn_undefined(undefined[name], inp, name, reason)
    index = inp.columns if inp.columns is not None else pd.RangeIndex(n_cols)
    table = pd.DataFrame({k: cols[k] for k in METRIC_COLUMNS if k in metrics}, index=index)
    table.attrs["conventions"] = conventions
    return table
