"""Confidence-interval columns of a summary table, by the stationary bootstrap.

``summary(..., intervals=True)`` (or ``intervals=Intervals(...)``) adds a
``<column>_lo`` and a ``<column>_hi`` column for every summary column that
:func:`tactical.bootstrap` can resample: ``total_return``, ``cagr``,
``volatility``, ``sharpe``, ``sortino``, ``max_drawdown`` and ``calmar``.
The intervals are not a second implementation: each comes from one call of
:func:`tactical.metrics.bootstrap.bootstrap` on the very returns the summary
computed the column from, so the bootstrap's point estimate is the table's
value and the interval is about that number:

* CAGR and total return: the input returns, with ``periods_per_year`` set to
  ``n / years`` so that the replicate CAGR counts the table's years
  (calendar years from the window start, or ``n / periods_per_year``);
* volatility, Sharpe and Sortino: the returns at the conventions' frequency
  (daily returns compounded into months under the ``"monthly"`` preset),
  with the risk-free rate compounded onto the same periods and resampled on
  the same blocks;
* maximum drawdown and Calmar: the closes at the conventions' drawdown
  frequency (daily or month-end).

Each sample gets its own block length (Politis-White), and all calls share
the seed, so a seeded table is reproducible.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from tactical.errors import ConfigError, MetricError, MetricWarning
from tactical.metrics.bootstrap import bootstrap, check_options

__all__ = [
    "INTERVAL_METRICS",
    "Intervals",
    "Sample",
    "as_intervals",
    "interval_columns",
    "interval_samples",
]

INTERVAL_METRICS: dict[str, str] = {
    "total_return": "total_return",
    "cagr": "cagr",
    "volatility": "annual_volatility",
    "sharpe": "sharpe_ratio",
    "sortino": "sortino_ratio",
    "max_drawdown": "max_drawdown",
    "calmar": "calmar_ratio",
}
"""Summary column -> the :data:`~tactical.metrics.bootstrap.BOOTSTRAP_METRICS` name behind it."""


@dataclass(frozen=True, slots=True)
class Intervals:
    """How a summary table computes its confidence intervals. Frozen value object.

    Parameters
    ----------
    level : float, default 0.95
        Two-sided confidence level (0.95 = 95 %).
    n : int, default 2000
        Bootstrap replicates (at least 10).
    seed : int, optional
        Makes the intervals reproducible; None draws fresh entropy each time.
    method : {"percentile", "basic"}, default "percentile"
        As in :func:`tactical.metrics.bootstrap.bootstrap`.
    metrics : sequence of str, optional
        Summary columns to give intervals, a subset of
        :data:`INTERVAL_METRICS` (default all of them: ``total_return``,
        ``cagr``, ``volatility``, ``sharpe``, ``sortino``, ``max_drawdown``,
        ``calmar``). Fewer metrics run faster.
    progress : bool, optional
        Progress bar for long runs (see :mod:`tactical._progress`); not
        part of the value (equal objects may differ in it).

    Raises
    ------
    ConfigError
        ``n`` below 10 or not whole, ``level`` outside (0, 1), an unknown
        method or metric, a seed that is not an int.

    Examples
    --------
    >>> Intervals(level=0.9, n=500, seed=1).level
    0.9
    >>> Intervals(metrics=("cagr", "sharpe")).metrics
    ('cagr', 'sharpe')
    >>> Intervals(level=95)
    Traceback (most recent call last):
    ...
    tactical.errors.ConfigError: level must be between 0 and 1 (0.95 = 95%), got 95
    """

    level: float = 0.95
    n: int = 2000
    seed: int | None = None
    method: Literal["percentile", "basic"] = "percentile"
    metrics: tuple[str, ...] = tuple(INTERVAL_METRICS)
    progress: bool | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_options(self.n, self.level, self.method)
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer)
        ):
            raise ConfigError(
                f"seed must be an int (or None for fresh entropy), got {self.seed!r}; "
                "a summary makes several bootstrap calls, each seeded with it"
            )
        names = (self.metrics,) if isinstance(self.metrics, str) else tuple(self.metrics)
        unknown = [m for m in names if m not in INTERVAL_METRICS]
        if unknown or not names:
            raise ConfigError(
                f"no interval for summary column(s) {unknown or list(names)}; choose from "
                f"{list(INTERVAL_METRICS)}"
            )
        object.__setattr__(self, "metrics", names)


def as_intervals(value: bool | Intervals | None) -> Intervals | None:
    """``True`` -> ``Intervals()``, ``False``/None -> None, an :class:`Intervals` as it is.

    Examples
    --------
    >>> as_intervals(True) == Intervals(), as_intervals(False)
    (True, None)
    """
    if value is None or value is False:
        return None
    if value is True:
        return Intervals()
    if isinstance(value, Intervals):
        return value
    raise ConfigError(
        f"intervals must be True, False or a tactical.Intervals(level=..., n=..., seed=...), "
        f"got {value!r}"
    )


class Sample(NamedTuple):
    """Returns some summary columns are computed from, as the bootstrap resamples them."""

    columns: tuple[str, ...]
    returns: pd.DataFrame
    periods_per_year: float
    risk_free: float | pd.Series
    what: str  # "daily", "monthly"...: how the note names the sample's periods


_PERIOD_WORDS = {252: "daily", 52: "weekly", 12: "monthly", 4: "quarterly", 1: "yearly"}


def _word(periods_per_year: float) -> str:
    return _PERIOD_WORDS.get(round(periods_per_year), f"{periods_per_year:g}-a-year")


def interval_samples(
    returns: pd.DataFrame,
    at_frequency: pd.DataFrame,
    at_drawdown: pd.DataFrame,
    risk_free: float | pd.Series,
    periods_per_year: float,
    frequency_periods_per_year: float,
    years: float,
    *,
    sortino_zero: bool = False,
) -> list[Sample]:
    """The returns behind each interval column, as the summary computes the column.

    Parameters
    ----------
    returns : DataFrame
        The summary's input returns (``periods_per_year`` a year): total
        return and CAGR, with ``periods_per_year = len(returns) / years`` so
        a replicate's CAGR counts the table's ``years``.
    at_frequency : DataFrame
        Returns at the conventions' frequency (``frequency_periods_per_year``
        a year): volatility, Sharpe and Sortino.
    at_drawdown : DataFrame
        Returns at the drawdown frequency (``returns`` itself for daily
        drawdowns on daily returns, else month-end): max drawdown, Calmar.
    risk_free : float or Series
        Annual rate, or per-period returns on the dates of ``at_frequency``.
    years : float
        The table's years (calendar years from the window start, or periods
        over periods a year).
    sortino_zero : bool
        The Sortino target is zero, not the risk-free rate.
    """
    on_input = at_drawdown is returns
    growth = ("total_return", "cagr") + (("max_drawdown", "calmar") if on_input else ())
    samples = [Sample(growth, returns, len(returns) / years, 0.0, _word(periods_per_year))]
    if not on_input:
        samples.append(
            Sample(
                ("max_drawdown", "calmar"), at_drawdown, len(at_drawdown) / years, 0.0, "monthly"
            )
        )
    ppy, what = frequency_periods_per_year, _word(frequency_periods_per_year)
    if sortino_zero:
        samples.append(Sample(("volatility", "sharpe"), at_frequency, ppy, risk_free, what))
        samples.append(Sample(("sortino",), at_frequency, ppy, 0.0, what))
    else:
        samples.append(
            Sample(("volatility", "sharpe", "sortino"), at_frequency, ppy, risk_free, what)
        )
    return samples


def interval_columns(
    samples: Sequence[Sample], spec: Intervals
) -> tuple[dict[str, np.ndarray], str, dict[str, Any]]:
    """The ``<column>_lo`` / ``<column>_hi`` arrays, the note line and the ``attrs`` entry.

    Parameters
    ----------
    samples : sequence of Sample
        One per distinct returns sample; each names the summary columns
        computed from it. Columns not in ``spec.metrics`` are skipped.
    spec : Intervals

    Returns
    -------
    columns : dict of str to ndarray
        ``{"cagr_lo": ..., "cagr_hi": ...}``, each in the order of the
        returns' columns (the table's rows).
    note : str
        The line printed under the table: method, level, replicates, seed
        and mean block length of each sample.
    attrs : dict
        ``method``, ``level``, ``n``, ``seed`` and ``block_size`` (by sample).

    Raises
    ------
    MetricError
        A sample too short to resample (fewer than 10 periods), naming the
        columns and how to get more periods.
    """
    out: dict[str, np.ndarray] = {}
    blocks: dict[str, float] = {}
    undefined: dict[str, tuple[int, int]] = {}
    wanted = set(spec.metrics)
    for sample in samples:
        columns = [c for c in sample.columns if c in wanted]
        if not columns:
            continue
        frame = sample.returns
        try:
            with warnings.catch_warnings():
                # a replicate's undefined ratio is counted below, not warned per replicate
                warnings.simplefilter("ignore", MetricWarning)
                ci = bootstrap(
                    frame,
                    metrics=[INTERVAL_METRICS[c] for c in columns],
                    n=spec.n,
                    seed=spec.seed,
                    level=spec.level,
                    method=spec.method,
                    risk_free=sample.risk_free,
                    periods_per_year=sample.periods_per_year,
                    progress=spec.progress,
                )
        except MetricError as exc:
            raise MetricError(
                f"no intervals for {', '.join(columns)} from {len(frame)} {sample.what} "
                f"returns: {exc}; use conventions with a finer frequency or a longer window, "
                "or leave these out with Intervals(metrics=...)"
            ) from exc
        k = len(columns)
        lower = ci["lower"].to_numpy().reshape(len(frame.columns), k)
        upper = ci["upper"].to_numpy().reshape(len(frame.columns), k)
        for q, c in enumerate(columns):
            out[f"{c}_lo"], out[f"{c}_hi"] = lower[:, q], upper[:, q]
        blocks[sample.what] = float(ci.attrs["block_size"])
        # replicates with an undefined ratio, where the table's own value is defined
        missing = np.array([ci.attrs["undefined"][key] for key in ci.index])
        missing = missing.reshape(len(frame.columns), k)
        defined = np.isfinite(ci["estimate"].to_numpy().reshape(len(frame.columns), k))
        for q, c in enumerate(columns):
            count = int(missing[defined[:, q], q].sum())
            if count:
                undefined[c] = (count, spec.n * int(defined[:, q].sum()))
    seed = "no seed" if spec.seed is None else f"seed {spec.seed}"
    mean_blocks = ", ".join(f"{b:.1f} {what}" for what, b in blocks.items())
    note = (
        f"Intervals [low, high]: {spec.level:.0%} {spec.method} intervals of the stationary "
        f"bootstrap (Politis & Romano 1994, arch), {spec.n:,} replicates, {seed}; mean block "
        f"length {mean_blocks} returns"
    )
    if undefined:
        note += "; undefined in some replicates, left out: " + ", ".join(
            f"{c} {k:,} of {total:,}" for c, (k, total) in undefined.items()
        )
    attrs = {
        "method": f"stationary bootstrap, {spec.method}",
        "level": float(spec.level),
        "n": int(spec.n),
        "seed": None if spec.seed is None else int(spec.seed),
        "block_size": blocks,
        "undefined": {c: k for c, (k, _) in undefined.items()},
    }
    return out, note, attrs
