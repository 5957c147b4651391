"""A target-date fund as an allocator: the equity share follows a glide path to retirement.

The default path is Vanguard Target Retirement's, as published: 90% equity
until 25 years before the target year, about 50% at the target date, and 30%
(the Target Retirement Income fund) seven years after it (sources: Vanguard,
"TDF glide path essentials: setting the right starting point", 2025; the
VTHRX prospectus, "within seven years after 2030 ... similar to the Target
Retirement Income Fund"; equicurious.com on the ~50% landing point). Between
the points the share is linear in the years to the target; outside them it
is flat. Against Vanguard's reported allocations (2024-09-30: 2040 fund at
15.3 years out 76.5% equity, 2035 at 10.3 years 69.0%, 2030 at 5.3 years
61.5%) this piecewise-linear path is 1.5 to 3 points lower: a benchmark, not
a replica.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tactical._typing import CASH
from tactical.errors import ConfigError
from tactical.history import History
from tactical.strategies.allocators import check_weights

__all__ = ["TargetDate", "VANGUARD_GLIDE_PATH"]

VANGUARD_GLIDE_PATH: tuple[tuple[float, float], ...] = ((25.0, 0.90), (0.0, 0.50), (-7.0, 0.30))
"""(years to the target year, equity share) points of Vanguard's glide path."""


def _mix(value: str | Mapping[str, float], name: str) -> tuple[tuple[str, float], ...]:
    if isinstance(value, str):
        if not value:
            raise ConfigError(f"{name} must be a ticker or a mapping ticker -> weight")
        return ((value, 1.0),)
    if isinstance(value, Mapping):
        return tuple(check_weights(value, where=name).items())
    raise ConfigError(f"{name} must be a ticker or a mapping ticker -> weight, got {value!r}")


def _years_to(retirement_year: int, dates: pd.DatetimeIndex) -> np.ndarray:
    """``retirement_year - (year + (day_of_year - 1) / days_in_year)``: 0 on 1 January."""
    days = np.where(dates.is_leap_year, 366.0, 365.0)
    elapsed = (dates.day_of_year.to_numpy() - 1) / days
    return retirement_year - (dates.year.to_numpy() + elapsed)


@dataclass(frozen=True, slots=True, init=False)
class TargetDate:
    """Stocks and bonds by years to retirement along a glide path, e.g. Vanguard's.

    Parameters
    ----------
    retirement_year : int
        The fund's target year (the path's 0 is 1 January of it).
    stocks : str or mapping of str to float, default "SPY"
        The equity sleeve: one fund, or funds with weights summing to 1
        (``{"VTSMX": 0.6, "VGTSX": 0.4}``).
    bonds : str or mapping of str to float, default "AGG"
        The bond sleeve, likewise.
    path : sequence of (years_to_target, equity_share), optional
        Glide path points; default :data:`VANGUARD_GLIDE_PATH`
        ``((25, 0.90), (0, 0.50), (-7, 0.30))``.

    Notes
    -----
    With ``y = retirement_year - (year + (day_of_year - 1) / days_in_year)``
    the years to the target on the decision date, the equity share ``e(y)``
    is the linear interpolation of the path points (``numpy.interp``), flat
    beyond the first and last points. Stocks get ``e`` split by their
    weights and bonds ``1 - e``. Use it with a monthly schedule
    (``Strategy(TargetDate(2050), schedule="ME")``), as the funds rebalance.
    It reads no prices, so it has no look-ahead by construction.

    Examples
    --------
    >>> import pandas as pd
    >>> tdf = TargetDate(2050)
    >>> tdf.equity_share(pd.DatetimeIndex(["2020-01-01", "2037-07-02", "2050-01-01"])).round(3)
    array([0.9, 0.7, 0.5])
    >>> TargetDate(2030, stocks={"US": 0.6, "INTL": 0.4}).tickers
    ('US', 'INTL', 'AGG')
    """

    retirement_year: int
    stocks: tuple[tuple[str, float], ...]
    bonds: tuple[tuple[str, float], ...]
    path: tuple[tuple[float, float], ...]

    def __init__(
        self,
        retirement_year: int,
        stocks: str | Mapping[str, float] = "SPY",
        bonds: str | Mapping[str, float] = "AGG",
        path: Sequence[Sequence[float]] | None = None,
    ) -> None:
        if isinstance(retirement_year, bool) or not isinstance(retirement_year, int | np.integer):
            raise ConfigError(
                f"retirement_year must be a year such as 2050, got {retirement_year!r}"
            )
        if not 1900 <= retirement_year <= 2200:
            raise ConfigError(f"retirement_year {retirement_year} is not a plausible year")
        s, b = _mix(stocks, "stocks"), _mix(bonds, "bonds")
        both = {t for t, _ in s} & {t for t, _ in b}
        if both:
            raise ConfigError(f"{sorted(both)} are in both stocks and bonds")
        points: list[tuple[float, float]] = []
        for i, point in enumerate(VANGUARD_GLIDE_PATH if path is None else path):
            try:
                years, share = (float(x) for x in point)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"path point {i} must be (years_to_target, equity_share), got {point!r}"
                ) from None
            if not 0 <= share <= 1 or not np.isfinite(years):
                raise ConfigError(
                    f"path point {i}: equity share {share} must be in [0, 1] and years finite"
                )
            points.append((years, share))
        if not points:
            raise ConfigError("path needs at least one (years_to_target, equity_share) point")
        years_list = [y for y, _ in points]
        if len(set(years_list)) != len(years_list):
            raise ConfigError(f"path lists the same years_to_target twice: {years_list}")
        object.__setattr__(self, "retirement_year", int(retirement_year))
        object.__setattr__(self, "stocks", s)
        object.__setattr__(self, "bonds", b)
        object.__setattr__(self, "path", tuple(sorted(points, reverse=True)))

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds held (``"CASH"`` excluded)."""
        return tuple(t for t, _ in self.stocks + self.bonds if t != CASH)

    @property
    def min_history(self) -> int:
        """Rows of history needed: 1 (the rule reads only the date)."""
        return 1

    def equity_share(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """Equity share on each of ``dates`` (see Notes)."""
        xs = np.array([y for y, _ in reversed(self.path)])
        ys = np.array([e for _, e in reversed(self.path)])
        return np.interp(_years_to(self.retirement_year, pd.DatetimeIndex(dates)), xs, ys)

    def _rows(self, dates: pd.DatetimeIndex, columns: tuple[str, ...]) -> np.ndarray:
        e = self.equity_share(dates)
        out = np.zeros((len(dates), len(columns)))
        pos = {c: i for i, c in enumerate(columns)}
        for ticker, w in self.stocks:
            out[:, pos[ticker]] += e * w
        for ticker, w in self.bonds:
            out[:, pos[ticker]] += (1.0 - e) * w
        return out

    def __call__(self, history: History) -> dict[str, float]:
        names = tuple(t for t, _ in self.stocks + self.bonds)
        row = self._rows(pd.DatetimeIndex([history.date]), names)[0]
        return {t: float(w) for t, w in zip(names, row, strict=True)}

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """Targets for all decision rows at once (interface I1); reads only ``index[rows]``."""
        missing = [t for t, _ in self.stocks + self.bonds if t not in columns]
        if missing:
            raise ConfigError(f"no prices for {missing}, which {self!r} holds")
        return self._rows(index[np.asarray(rows, dtype=np.int64)], columns)

    def __repr__(self) -> str:
        def mix(pairs: tuple[tuple[str, float], ...]) -> str:
            return repr(pairs[0][0]) if len(pairs) == 1 else repr(dict(pairs))

        extra = "" if self.path == VANGUARD_GLIDE_PATH else f", path={list(self.path)!r}"
        return (
            f"TargetDate({self.retirement_year}, stocks={mix(self.stocks)}, "
            f"bonds={mix(self.bonds)}{extra})"
        )
