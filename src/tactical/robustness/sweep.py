"""Parameter sweeps: every combination of a grid, one common window, one returns matrix.

``sweep(prices, make, grid)`` builds ``make(**params)`` for every variant,
validates the prices once, runs the variants in chunks through the engine
(on any executor, see :mod:`tactical.robustness.executors`; what one chunk
does is :mod:`tactical.robustness.batch`) and keeps only what a comparison
needs: one float64 matrix of daily returns (dates x variants) and one table
row per variant. ``SweepResult.result(**params)`` re-runs one variant in
full when you want its trades and weights.
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
from tactical.metrics.table import metric_table
from tactical.robustness.batch import Chunk, ChunkResult, run_chunk
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


def _setup(
    prices: pd.DataFrame,
    make: Callable[..., Strategy],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    cash_returns: pd.Series | None,
    options: Mapping[str, Any],
) -> tuple[list[dict], tuple[str, ...], dict[str, Any], _Market]:
    """Variants, parameter names, backtest options and the validated market of a grid run."""
    variants = _variants(grid)
    _check_make(make, variants)
    run_options = _run_options(options)
    keys = tuple(dict.fromkeys(k for v in variants for k in v))
    return variants, keys, run_options, _market(prices, cash_returns)


# --------------------------------------------------------------------------- work
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
    last = None if end == market.index[-1] else end  # the engine's default: no date lookups
    chunks = [
        Chunk(
            tuple(order[a : a + chunk_size]),
            tuple(strategies[i] for i in order[a : a + chunk_size]),
            start,
            last,
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

    def consume(_: int, r: ChunkResult) -> None:
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
    run_chunks(run_chunk, market, chunks, sizes, executor, progress, desc, consume)
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
    engine, the same window), and so do its returns, bit for bit. The metric
    columns are :func:`tactical.metrics.metric_table` of ``SweepResult.returns``
    (the metric functions' own formulas): ``cagr`` over calendar years from
    the start date, ``sharpe_ratio``/``sortino_ratio`` annualised from daily
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
    variants, keys, run_options, market = _setup(prices, make, grid, cash_returns, options)
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
    metrics = metric_table(returns, start=done.first, risk_free=risk_free)
    conventions = metrics.attrs["conventions"]
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
