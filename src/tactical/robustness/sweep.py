"""Parameter sweeps: every combination of a grid, one common window, one returns matrix.

``sweep(prices, make, grid)`` builds ``make(**params)`` for every variant,
validates the prices once, runs the variants in chunks through the engine
(on any executor, see :mod:`tactical.robustness.executors`) and keeps only
what a comparison needs: one float64 matrix of daily returns (dates x
variants) and one table row per variant. ``SweepResult.result(**params)``
re-runs one variant in full when you want its trades and weights.
"""

from __future__ import annotations

import inspect
import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tactical._inputs import resolve_lag, universe, window_rows
from tactical._typing import DateLike
from tactical.backtest import _Market, _market, _run
from tactical.errors import ConfigError, SweepError, VariantFailedWarning
from tactical.metrics.formulas import (
    annual_volatility,
    cagr,
    sharpe_ratio,
    sortino_ratio,
)
from tactical.metrics.inputs import frequency_name, infer_periods_per_year, per_period_rate
from tactical.metrics.overfitting import _psr_array, expected_max_sharpe
from tactical.robustness._shared import share_scores
from tactical.robustness.executors import executor_kind, run_chunks, workers
from tactical.strategies.strategy import Strategy

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from tactical.results import BacktestResult
    from tactical.robustness.pbo import PBOResult

__all__ = ["SweepResult", "sweep", "METRIC_ALIASES"]

_RUN_OPTIONS = (
    "initial",
    "costs",
    "cashflows",
    "execution_lag",
    "signals",
    "policy",
    "flow_rule",
)
_RUN_DEFAULTS: dict[str, Any] = {
    "initial": 10_000.0,
    "costs": None,
    "cashflows": None,
    "execution_lag": 1,
    "signals": None,
}

METRIC_ALIASES: dict[str, str] = {
    "sharpe": "sharpe_ratio",
    "sortino": "sortino_ratio",
    "calmar": "calmar_ratio",
    "volatility": "annual_volatility",
    "drawdown": "max_drawdown",
    "final": "final_value",
    "dsr": "deflated_sharpe",
}
"""Short names accepted wherever a sweep metric is named (``select="sharpe"``)."""

_LOWER_IS_BETTER = {"annual_volatility", "turnover", "total_costs", "n_rebalances"}
_METRIC_BLOCK = 64  # columns per block of metric temporaries


# --------------------------------------------------------------------------- grid
def _variants(grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]) -> list[dict]:
    """All combinations of a dict of lists (in key order), or a list of dicts as given."""
    if isinstance(grid, Mapping):
        if not grid:
            raise ConfigError("grid is empty; give a dict of lists, e.g. {'lookback': [63, 126]}")
        keys = [str(k) for k in grid]
        lists = []
        for key, values in grid.items():
            if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
                raise ConfigError(
                    f"grid[{key!r}] must be a list of values, got {values!r}; "
                    f"write {{{key!r}: [{values!r}]}} for a single value"
                )
            if len(values) == 0:
                raise ConfigError(f"grid[{key!r}] is an empty list: the grid has no variants")
            lists.append(list(values))
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*lists)]
    if isinstance(grid, Sequence) and not isinstance(grid, str | bytes):
        if len(grid) == 0:
            raise ConfigError("grid is an empty list: the sweep has no variants")
        out = []
        for i, item in enumerate(grid):
            if not isinstance(item, Mapping):
                raise ConfigError(f"grid[{i}] must be a dict of parameters, got {item!r}")
            out.append({str(k): v for k, v in item.items()})
        return out
    raise ConfigError(f"grid must be a dict of lists or a list of dicts, got {type(grid).__name__}")


def _check_make(make: Callable[..., Strategy], variants: list[dict]) -> None:
    """Name grid keys ``make`` does not accept, and parameters it needs but the grid lacks."""
    if not callable(make):
        raise ConfigError(f"make must be a callable params -> Strategy, got {type(make).__name__}")
    try:
        sig = inspect.signature(make)
    except (TypeError, ValueError):  # builtins without a signature: let calls speak
        return
    params = sig.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    accepted = [
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    keys = list(dict.fromkeys(k for v in variants for k in v))
    unknown = [k for k in keys if k not in accepted]
    if unknown:
        raise ConfigError(
            f"make does not accept grid key(s) {unknown}; it takes {accepted}. Rename the grid "
            "keys or add the parameters to make"
        )
    required = [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    for v in variants:
        missing = [r for r in required if r not in v]
        if missing:
            raise ConfigError(f"variant {v} lacks parameter(s) {missing} that make requires")


def label(params: Mapping[str, Any]) -> str:
    """``"lookback=126, top_n=2"``: a variant's parameters as text."""
    return ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in params.items())


def _run_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(_RUN_OPTIONS))
    if unknown:
        raise ConfigError(
            f"unknown backtest option(s) {unknown}; sweep passes {list(_RUN_OPTIONS)} to each "
            "backtest (plus start, end, cash_returns)"
        )
    return {**_RUN_DEFAULTS, **options}


# --------------------------------------------------------------------------- work
@dataclass(frozen=True, slots=True)
class _Chunk:
    ids: tuple[int, ...]
    strategies: tuple[Strategy, ...]
    start: pd.Timestamp
    end: pd.Timestamp
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _ChunkResult:
    ids: tuple[int, ...]  # the variants that ran (failed ones excluded)
    finals: np.ndarray
    returns: np.ndarray  # (n_returns, len(ids))
    turnover: np.ndarray
    n_rebalances: np.ndarray
    costs: np.ndarray
    errors: tuple[tuple[int, str], ...]


def _run_chunk(market: _Market, chunk: _Chunk) -> _ChunkResult:
    """Worker task: run each variant of the chunk, keep only arrays (never result frames)."""
    ids, finals, rets, turn, nreb, costs = [], [], [], [], [], []
    errors: list[tuple[int, str]] = []
    for i, strategy in zip(chunk.ids, share_scores(chunk.strategies), strict=True):
        try:
            res = _run(
                strategy,
                market,
                name=f"variant {i}",
                start=chunk.start,
                end=chunk.end,
                **chunk.options,
            )
        except Exception as exc:  # noqa: BLE001 - reported with the variant's parameters
            errors.append((i, f"{type(exc).__name__}: {exc}"))
            continue
        ids.append(i)
        final = getattr(res, "final_balance", None)  # no equity Series needed (I3)
        finals.append(float(res.equity.iloc[-1] if final is None else final))
        rets.append(res.returns.to_numpy(dtype=np.float64))
        turn.append(float(res.turnover))
        nreb.append(int(res.n_rebalances))
        costs.append(float(res.total_costs))
    matrix = np.empty((len(rets[0]) if rets else 0, len(rets)), order="F")
    for j, r in enumerate(rets):
        matrix[:, j] = r
    return _ChunkResult(
        tuple(ids),
        np.asarray(finals),
        matrix,
        np.asarray(turn),
        np.asarray(nreb),
        np.asarray(costs),
        tuple(errors),
    )


def _common_window(
    strategies: Sequence[Strategy],
    market: _Market,
    start: DateLike | None,
    end: DateLike | None,
    execution_lag: int = 1,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The latest feasible start of all variants (or ``start``) and the end, as dates.

    Uses the engine's own window rule (``tactical._inputs.window_rows``: the
    initial allocation is decided ``execution_lag`` bars before the start).
    """

    def rows(s: Strategy, begin: DateLike | None) -> tuple[int, int]:
        lag = resolve_lag(s, execution_lag)
        return window_rows(s, market, universe(s, market), begin, end, lag)

    if start is None:
        s0 = max(rows(s, None)[0] for s in strategies)
        e0 = rows(strategies[0], None)[1]
        if s0 >= e0:
            raise ConfigError(
                "the variants have no common window: the latest warm-up ends on "
                f"{market.index[min(s0, len(market.index) - 1)].date()}, after the end"
            )
    else:
        s0, e0 = rows(strategies[0], start)
    return market.index[s0], market.index[e0]


@dataclass(frozen=True, slots=True)
class _Evaluated:
    ids: np.ndarray
    finals: np.ndarray
    returns: np.ndarray
    turnover: np.ndarray
    n_rebalances: np.ndarray
    costs: np.ndarray
    index: pd.DatetimeIndex  # of the returns
    start: pd.Timestamp  # of the window
    errors: dict[int, str]
    first: pd.Timestamp  # the close before the first return (later than start from $0)


def evaluate(
    market: _Market,
    strategies: Mapping[int, Strategy],
    start: pd.Timestamp,
    end: pd.Timestamp,
    options: dict[str, Any],
    executor: object,
    progress: bool | None,
    chunk_size: int | None,
    desc: str = "sweep",
) -> _Evaluated:
    """Run ``strategies`` (id -> Strategy) over one window; gather arrays in id order.

    Returns cover the window after its start, or, for an account from $0 whose
    first contribution comes later, the bars after that contribution (the same
    for every variant: they share the window, ``initial`` and the flows).
    """
    order = list(strategies)
    n = len(order)
    kind = executor_kind(executor)
    if chunk_size is None:
        per = 4 * workers(executor)
        chunk_size = 25 if kind == "serial" else max(1, min(200, math.ceil(n / per)))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ConfigError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    chunks = [
        _Chunk(
            tuple(order[a : a + chunk_size]),
            tuple(strategies[i] for i in order[a : a + chunk_size]),
            start,
            end,
            options,
        )
        for a in range(0, n, chunk_size)
    ]
    stop = int(market.index.get_loc(end))
    rows = stop - int(market.index.get_loc(start))
    matrix: np.ndarray | None = None  # (returns, n), each variant's returns contiguous
    finals = np.full(n, np.nan)
    turnover = np.full(n, np.nan)
    n_reb = np.zeros(n, dtype=np.int64)
    costs = np.full(n, np.nan)
    ran = np.zeros(n, dtype=bool)
    place = {v: j for j, v in enumerate(order)}
    errors: dict[int, str] = {}

    def consume(_: int, r: _ChunkResult) -> None:
        nonlocal matrix
        errors.update(dict(r.errors))
        if not r.ids:
            return
        if matrix is None:  # the first variants to finish fix the returns' length
            matrix = np.empty((r.returns.shape[0], n), order="F")
        if r.returns.shape[0] != matrix.shape[0]:  # pragma: no cover - one window for all
            raise ConfigError(
                f"variants produced {r.returns.shape[0]} and {matrix.shape[0]} returns on one "
                f"window of {rows} bars"
            )
        cols = np.array([place[i] for i in r.ids])
        if (np.diff(cols) == 1).all():  # the usual case: a run of columns, copied as a block
            matrix[:, cols[0] : cols[-1] + 1] = r.returns
        else:
            matrix[:, cols] = r.returns
        finals[cols] = r.finals
        turnover[cols] = r.turnover
        n_reb[cols] = r.n_rebalances
        costs[cols] = r.costs
        ran[cols] = True

    sizes = [len(c.ids) for c in chunks]
    run_chunks(_run_chunk, market, chunks, sizes, executor, progress, desc, consume)
    if matrix is None:  # nothing ran
        matrix = np.empty((rows, n), order="F")
    got = matrix.shape[0]
    index = market.index[stop + 1 - got : stop + 1]
    ids = np.asarray(order, dtype=np.int64)
    if not ran.all():
        matrix = matrix[:, ran]
    return _Evaluated(
        ids[ran],
        finals[ran],
        matrix,
        turnover[ran],
        n_reb[ran],
        costs[ran],
        index,
        start,
        errors,
        market.index[stop - got],
    )


def _max_drawdown_rows(x: np.ndarray) -> np.ndarray:
    """Deepest fall from a running peak of each row's growth path (start value 1 included).

    The same arithmetic as :func:`tactical.metrics.max_drawdown` (``w / peak -
    1`` on ``cumprod(1 + r)`` with the starting 1 as a peak), along rows.
    """
    if x.shape[1] == 0:
        return np.zeros(x.shape[0])
    wealth = np.cumprod(1.0 + x, axis=1)
    peak = np.maximum(np.maximum.accumulate(wealth, axis=1), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dd = wealth / peak - 1.0
    return np.minimum(dd.min(axis=1), 0.0)


def _row_metrics(x: np.ndarray, rf: float, ppy: float, years: float) -> dict[str, np.ndarray]:
    """CAGR (calendar years), volatility, Sharpe, Sortino and drawdown of each row.

    The formulas of :mod:`tactical.metrics` (``cagr(start=)``,
    ``annual_volatility``, ``sharpe_ratio``, ``sortino_ratio``,
    ``max_drawdown``) for a constant per-period risk-free rate ``rf``,
    evaluated along rows in a few passes; equal to them to rounding
    (tested to 1e-13). NaN where a ratio is undefined.
    """
    n = x.shape[1]
    wealth = np.cumprod(1.0 + x, axis=1)
    growth = wealth[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        cagr_ = np.where(growth <= 0, -1.0, np.abs(growth) ** (1.0 / years) - 1.0)
    peak = np.maximum.accumulate(wealth, axis=1)
    np.maximum(peak, 1.0, out=peak)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(wealth, peak, out=peak)  # min(w / p) - 1 == min(w / p - 1): x - 1 is monotone
        mdd = np.minimum(peak.min(axis=1) - 1.0, 0.0)
    excess = x - rf if rf else x
    std = excess.std(axis=1, ddof=1)
    mean = excess.mean(axis=1)
    flat = std <= 1e-12 * np.maximum(np.abs(excess.max(axis=1)), np.abs(excess.min(axis=1)))
    below = np.minimum(excess, 0.0, out=wealth)
    np.multiply(below, below, out=below)
    down = np.sqrt(np.mean(below, axis=1))
    vol = x.std(axis=1, ddof=1) if rf else std
    with np.errstate(invalid="ignore", divide="ignore"):
        sharpe = np.where(flat, np.nan, mean / std * math.sqrt(ppy))
        sortino = np.where(down == 0.0, np.nan, mean / down * math.sqrt(ppy))
    del wealth, peak, below
    return (
        {
            "cagr": cagr_,
            "annual_volatility": vol * math.sqrt(ppy),
            "sharpe_ratio": sharpe,
            "sortino_ratio": sortino,
            "max_drawdown": mdd,
        }
        if n >= 2
        else {}
    )


def _moments_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected skew and non-excess kurtosis of each row, as in tactical.metrics.

    ``G1 = g1 sqrt(n (n-1)) / (n-2)`` and ``G2 + 3`` with ``G2 = ((n+1) g2 + 6)
    (n-1) / ((n-2)(n-3))`` (pandas' ``skew``/``kurt``); NaN for constant rows
    or fewer than 4 observations.
    """
    n = x.shape[1]
    if n < 4:
        return np.full(x.shape[0], np.nan), np.full(x.shape[0], np.nan)
    d = x - x.mean(axis=1, keepdims=True)
    d2 = d * d
    m2 = d2.mean(axis=1)
    m3 = np.multiply(d2, d, out=d).mean(axis=1)
    m4 = np.multiply(d2, d2, out=d2).mean(axis=1)
    np.multiply(x, x, out=d)
    flat = m2 <= 1e-24 * np.maximum(d.mean(axis=1), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = m3 / m2**1.5
        g2 = m4 / (m2 * m2) - 3.0
    skew = np.where(flat, np.nan, g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0))
    kurt = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)) + 3.0
    return skew, np.where(flat, np.nan, kurt)


def metrics_table(
    returns: pd.DataFrame,
    start: pd.Timestamp,
    risk_free: float | pd.Series,
    periods_per_year: float | None = None,
    only: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Summary metrics of every column, + conventions.

    Computed on blocks of columns (each metric function is vectorised over a
    block), so the temporaries stay a few MiB however many variants there are.
    ``only`` computes a single metric column (no deflated Sharpe unless asked).
    """
    ppy = periods_per_year or infer_periods_per_year(returns.index)
    n_obs, n_trials = returns.shape
    values = returns.to_numpy(dtype=np.float64)
    library: dict[str, Callable[[pd.DataFrame], Any]] = {
        "cagr": lambda b: cagr(b, start=start),
        "annual_volatility": lambda b: annual_volatility(b, ppy),
        "sharpe_ratio": lambda b: sharpe_ratio(b, risk_free, ppy),
        "sortino_ratio": lambda b: sortino_ratio(b, risk_free, ppy),
    }
    # a constant annual rate: every column in a few passes over rows (same formulas)
    rf_rate = (
        per_period_rate(float(risk_free), ppy)
        if isinstance(risk_free, int | float) and only is None
        else None
    )
    years = (returns.index[-1] - pd.Timestamp(start)).days / 365.25 if n_obs else math.nan
    wanted = (
        [*library, "max_drawdown", "calmar_ratio", "_skew", "_kurt"]
        if only is None
        else ["sharpe_ratio", "_skew", "_kurt"]
        if only == "deflated_sharpe"
        else ["cagr", "max_drawdown", "calmar_ratio"]
        if only == "calmar_ratio"
        else [only]
    )
    parts = []
    for a in range(0, n_trials, _METRIC_BLOCK):
        block = pd.DataFrame(
            values[:, a : a + _METRIC_BLOCK],
            index=returns.index,
            columns=returns.columns[a : a + _METRIC_BLOCK],
            copy=False,
        )
        series = np.ascontiguousarray(block.to_numpy().T)  # one row per variant
        if rf_rate is not None and n_obs >= 2:
            cols: dict[str, Any] = _row_metrics(series, rf_rate, ppy, years)
        else:
            cols = {k: library[k](block) for k in wanted if k in library}
            if "max_drawdown" in wanted:
                cols["max_drawdown"] = _max_drawdown_rows(series)
        if "calmar_ratio" in wanted:
            mdd = np.asarray(cols["max_drawdown"], dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                calmar = np.asarray(cols["cagr"], dtype=float) / np.abs(mdd)
            cols["calmar_ratio"] = np.where(mdd == 0, np.nan, calmar)
        if "_skew" in wanted:
            cols["_skew"], cols["_kurt"] = _moments_rows(series)
        part = pd.DataFrame(cols, index=block.columns)
        parts.append(part[[k for k in wanted if k in part]])
    table = pd.concat(parts) if len(parts) > 1 else parts[0]
    if "_skew" not in table:
        return table, {}
    g3 = table.pop("_skew").to_numpy(dtype=float)
    g4 = table.pop("_kurt").to_numpy(dtype=float)
    sr_pp = table["sharpe_ratio"].to_numpy(dtype=float) / math.sqrt(ppy)
    finite = np.isfinite(sr_pp)
    variance = float(np.var(sr_pp[finite], ddof=1)) if finite.sum() > 1 else 0.0
    n_ok = int(finite.sum())
    sr0 = expected_max_sharpe(max(n_ok, 1), variance)
    dsr = _psr_array(sr_pp, n_obs, g3, g4, sr0) if n_obs >= 2 else np.full(n_trials, np.nan)
    table["deflated_sharpe"] = dsr
    conventions = {
        "returns": f"{frequency_name(ppy)} time-weighted returns, {ppy} periods a year",
        "risk_free": (
            f"{risk_free:.4g} annual (Sharpe, Sortino)"
            if isinstance(risk_free, int | float)
            else f"per-period series {getattr(risk_free, 'name', None)!r} (Sharpe, Sortino)"
        ),
        "cagr": "calendar years from the start date (the close before the first return)",
        "max_drawdown": f"on {frequency_name(ppy)} closes",
        "calmar_ratio": "cagr / |max_drawdown| (both as in this table)",
        "deflated_sharpe": (
            f"Bailey & Lopez de Prado (2014): N = {n_ok} variants, V = variance "
            f"of their per-period Sharpe ratios = {variance:.4g} (ddof=1), SR0 = "
            f"{sr0:.4g} per period"
        ),
        "sharpe_variance": variance,
        "periods_per_year": ppy,
    }
    return table, conventions


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, eq=False)
class SweepResult:
    """Every variant of a sweep over one common window.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant that ran (index ``variant``, its position in the
        grid): the parameters, ``final_value`` (account value at the end, in
        currency), ``cagr``, ``annual_volatility``, ``sharpe_ratio``,
        ``sortino_ratio``, ``max_drawdown``, ``calmar_ratio``, ``turnover``
        (one-way, per year), ``n_rebalances``, ``total_costs`` and
        ``deflated_sharpe`` (each variant's Sharpe ratio deflated for the
        number of variants tried). ``table.attrs["conventions"]`` states the
        conventions.
    returns : pandas.DataFrame
        Daily time-weighted returns, shape ``(n_dates, n_variants)``; columns
        are the variant numbers of ``table``.
    errors : pandas.DataFrame
        Variants that raised: their parameters and the error message.
    params : tuple of str
        The grid's parameter names.
    conventions : dict
        How the metrics were computed.
    """

    table: pd.DataFrame
    returns: pd.DataFrame
    errors: pd.DataFrame
    params: tuple[str, ...]
    conventions: dict[str, Any]
    start: pd.Timestamp
    end: pd.Timestamp
    _market: _Market = field(repr=False)
    _make: Callable[..., Strategy] = field(repr=False)
    _options: dict[str, Any] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"SweepResult({len(self.table)} variants of {list(self.params)}, "
            f"{self.start.date()}..{self.end.date()}, {len(self.errors)} failed)"
        )

    def _metric(self, metric: str) -> str:
        name = METRIC_ALIASES.get(metric, metric)
        if name not in self.table.columns or name in self.params:
            metrics = [c for c in self.table.columns if c not in self.params]
            raise ConfigError(f"unknown sweep metric {metric!r}; use one of {metrics}")
        return name

    def ranked(self, metric: str = "sharpe_ratio") -> pd.DataFrame:
        """The table sorted best first by ``metric`` (volatility, costs: lowest first)."""
        name = self._metric(metric)
        return self.table.sort_values(
            name, ascending=name in _LOWER_IS_BETTER, kind="stable", na_position="last"
        )

    def best(self, metric: str = "sharpe_ratio") -> dict[str, Any]:
        """Parameters of the best variant by ``metric`` (first in grid order on ties).

        Use ``sw.result(**sw.best("sharpe"))`` for its full backtest.
        """
        best = self.ranked(metric).index[0]
        return {k: _plain(self.table.at[best, k]) for k in self.params}

    def result(self, **params: Any) -> BacktestResult:
        """The full :class:`~tactical.BacktestResult` of one variant (re-run on the same window)."""
        strategy = self._make(**params)
        return _run(
            strategy,
            self._market,
            name=label(params),
            start=self.start,
            end=self.end,
            **self._options,
        )

    @property
    def deflated_sharpe_ratio(self) -> float:
        """Deflated Sharpe ratio of the best variant by Sharpe ratio (N = variants run)."""
        return float(self.ranked("sharpe_ratio")["deflated_sharpe"].iloc[0])

    def pbo(self, n_splits: int = 16) -> PBOResult:
        """Probability of backtest overfitting of this sweep (:func:`tactical.pbo`)."""
        from tactical.robustness.pbo import pbo

        return pbo(self.returns, n_splits=n_splits)

    def plot_heatmap(
        self, x: str, y: str, metric: str = "sharpe_ratio", ax: Axes | None = None
    ) -> Axes:
        """Heatmap of ``metric`` over two parameters (other parameters: their best value)."""
        from tactical.charts.robustness import plot_sweep_heatmap

        return plot_sweep_heatmap(self, x, y, self._metric(metric), ax=ax)

    def plot_distribution(self, metric: str = "sharpe_ratio", ax: Axes | None = None) -> Axes:
        """Histogram of ``metric`` over the variants, the best and the median marked."""
        from tactical.charts.robustness import plot_sweep_distribution

        return plot_sweep_distribution(self, self._metric(metric), ax=ax)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# --------------------------------------------------------------------------- public
def sweep(
    prices: pd.DataFrame,
    make: Callable[..., Strategy],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    executor: object = None,
    progress: bool | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    cash_returns: pd.Series | None = None,
    risk_free: float | pd.Series = 0.0,
    chunk_size: int | None = None,
    **options: Any,
) -> SweepResult:
    """Backtest every variant of a parameter grid over one common window.

    Parameters
    ----------
    prices : pandas.DataFrame
        Daily closes (validated once for all variants). Never mutated.
    make : callable
        ``make(**params) -> Strategy`` for one variant.
    grid : dict of lists, or list of dicts
        ``{"lookback": [63, 126], "top_n": [1, 2]}`` runs all 4 combinations
        (in key order, the last key varying fastest); a list of dicts runs
        exactly those variants.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where the chunks run (default: here, serially). Threads, processes and
        Dask give the same table bit for bit; prices are sent once (see
        :mod:`tactical.robustness.executors`). With Dask, point a ``Client``
        at a cluster's scheduler address to go past one machine.
    progress : bool, optional
        Progress bar: ``None`` shows one when interactive and the sweep takes
        more than a second; ``False`` never.
    start, end : date-like, optional
        The window. Default: from the latest feasible start of all variants
        (every variant's warm-up met, as :func:`~tactical.backtest_many`
        does) to the last date.
    cash_returns : pandas.Series, optional
        Per-period return of ``"CASH"``, as in :func:`~tactical.backtest`.
    risk_free : float or Series, default 0
        Annual decimal rate, or per-period returns (e.g. T-bills from
        :func:`tactical.data.cash_returns`), for the Sharpe and Sortino
        columns.
    chunk_size : int, optional
        Variants per task (default 25 serially, about a quarter of the
        variants per worker otherwise, at most 200).
    **options
        Passed to every backtest: ``initial``, ``costs``, ``cashflows``,
        ``execution_lag``, ``signals``, ``policy``, ``flow_rule``.

    Returns
    -------
    SweepResult

    Raises
    ------
    ConfigError
        An empty grid; grid keys ``make`` does not accept (named); an unknown
        option; every variant failing (:class:`~tactical.errors.SweepError`).

    Warns
    -----
    VariantFailedWarning
        When some variants raise: each is named by its parameters and kept in
        ``SweepResult.errors``; the other variants are in the table.

    Notes
    -----
    ``final_value`` of a variant equals ``tc.backtest(prices, make(**params),
    start=sw.start, end=sw.end, **options).equity.iloc[-1]`` (the same
    engine, the same window). Metrics: ``cagr`` over calendar years from the
    start date, ``sharpe_ratio``/``sortino_ratio`` annualised from daily
    returns with ``risk_free``, ``max_drawdown`` on daily closes, and
    ``deflated_sharpe`` from :func:`tactical.metrics.deflated_sharpe_ratio`
    with ``N`` = the variants that ran and ``V`` = the sample variance of
    their per-period Sharpe ratios (Bailey and López de Prado 2014).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tactical.strategies import RelativeMomentum, Strategy
    >>> idx = pd.bdate_range("2015-01-01", periods=800)
    >>> rng = np.random.default_rng(0)
    >>> px = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(3e-4, 0.01, (800, 3)), axis=0)),
    ...                   index=idx, columns=["A", "B", "C"])
    >>> sw = sweep(px, lambda lookback, top_n: Strategy(RelativeMomentum(("A", "B", "C"),
    ...            lookback=lookback, top_n=top_n)), {"lookback": [30, 63], "top_n": [1, 2]})
    >>> sw.table[["lookback", "top_n"]].values.tolist()
    [[30, 1], [30, 2], [63, 1], [63, 2]]
    >>> sorted(sw.best("sharpe"))
    ['lookback', 'top_n']
    """
    variants = _variants(grid)
    _check_make(make, variants)
    run_options = _run_options(options)
    keys = tuple(dict.fromkeys(k for v in variants for k in v))
    market = _market(prices, cash_returns)
    strategies: dict[int, Strategy] = {}
    errors: dict[int, str] = {}
    for i, params in enumerate(variants):
        try:
            built = make(**params)
        except Exception as exc:  # noqa: BLE001 - named with its parameters below
            errors[i] = f"{type(exc).__name__}: {exc}"
            continue
        if not isinstance(built, Strategy):
            errors[i] = (
                f"ConfigError: make returned {type(built).__name__}, not a Strategy; wrap an "
                "allocator as Strategy(allocator, schedule='ME')"
            )
            continue
        strategies[i] = built
    if not strategies:
        raise SweepError(_failure_text(variants, errors, "every variant failed"))
    s0, e0 = _common_window(
        list(strategies.values()), market, start, end, run_options["execution_lag"]
    )
    done = evaluate(market, strategies, s0, e0, run_options, executor, progress, chunk_size)
    errors.update(done.errors)
    if not len(done.ids):
        raise SweepError(_failure_text(variants, errors, "every variant failed"))
    if errors:
        warnings.warn(
            _failure_text(variants, errors, f"{len(errors)} of {len(variants)} variant(s) failed"),
            VariantFailedWarning,
            stacklevel=2,
        )
    return _assemble(market, make, variants, keys, done, errors, s0, e0, run_options, risk_free)


def _failure_text(variants: list[dict], errors: Mapping[int, str], head: str) -> str:
    lines = [f"{label(variants[i])}: {msg}" for i, msg in sorted(errors.items())[:5]]
    more = f" (and {len(errors) - 5} more; see SweepResult.errors)" if len(errors) > 5 else ""
    return f"{head}: " + "; ".join(lines) + more


def _assemble(
    market: _Market,
    make: Callable[..., Strategy],
    variants: list[dict],
    keys: tuple[str, ...],
    done: _Evaluated,
    errors: Mapping[int, str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    options: dict[str, Any],
    risk_free: float | pd.Series,
) -> SweepResult:
    ids = [int(i) for i in done.ids]
    returns = pd.DataFrame(
        done.returns, index=done.index, columns=pd.Index(ids, name="variant"), copy=False
    )
    metrics, conventions = metrics_table(returns, done.first, risk_free)
    years = (done.index[-1] - done.start).days / 365.25 if len(done.index) else math.nan
    table = pd.DataFrame([{k: variants[i].get(k) for k in keys} for i in ids], index=metrics.index)
    table["final_value"] = done.finals
    for col in metrics.columns:
        table[col] = metrics[col].to_numpy()
    table["turnover"] = done.turnover / years if years > 0 else np.nan
    table["n_rebalances"] = done.n_rebalances
    table["total_costs"] = done.costs
    deflated = table.pop("deflated_sharpe")
    table["deflated_sharpe"] = deflated
    table.index.name = "variant"
    table.attrs["conventions"] = conventions
    err = pd.DataFrame(
        [
            {**{k: variants[i].get(k) for k in keys}, "error": msg}
            for i, msg in sorted(errors.items())
        ],
        index=pd.Index(sorted(errors), name="variant"),
        columns=[*keys, "error"],
    )
    return SweepResult(
        table=table,
        returns=returns,
        errors=err,
        params=keys,
        conventions=conventions,
        start=start,
        end=end,
        _market=market,
        _make=make,
        _options=options,
    )
