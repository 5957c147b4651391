"""Allocators: what to hold, decided from the past only.

An allocator is any callable ``History -> Mapping[str, float]`` returning
target weights (non-negative, summing to 1; ``"CASH"`` is explicit cash).
A plain function works::

    def sixty_forty(history):
        return {"SPY": 0.6, "AGG": 0.4}

The built-ins are frozen dataclasses whose fields are their parameters, so
``repr`` is a complete label. Each declares ``tickers`` (the funds it may
hold or read), ``min_history`` (a lower bound on the rows it needs) and
``first_decision_row`` (the first row of a calendar it can decide on), which
the engine uses to pick the first date it can start. Each also has
``weights_at``, which decides every date of a backtest at once with numpy and
returns exactly what calling it on each date's :class:`History` returns.

Durations
---------
Lookbacks, skips and averaging windows are durations: ``"10M"`` (month-end
closes), ``"12M"``, ``"52W"`` (week-end closes), ``"126D"`` (trading days), or
a bare ``int`` of trading days. How each samples past closes, including on a
decision date that is not a month end, is stated in :mod:`tactical.lookback`:
the decision's own close stands in for the current month's close, earlier
samples are month-end closes. On month-end decision dates the defaults are
the published rules:

* ``TrendFilter(lookback="10M")`` is Faber's timing model (Faber 2007):
  hold a fund while its month-end close is above the mean of the last 10
  month-end closes, else hold cash (T-bills).
* ``DualMomentum(lookback="12M")`` is Antonacci's Global Equity Momentum
  (Antonacci 2014): the fund with the best 12-month total return, held when
  that return beats T-bills' over the same 12 months, else bonds.

Rules, exactly
--------------
``FixedWeights(w)``
    Always ``w``.
``RelativeMomentum(menu, top_n, lookback, skip)``
    Score each fund by ``P[e] / P[s] - 1`` (the window ``lookback`` long,
    ending ``skip`` before the decision); hold the ``top_n`` best,
    equal-weighted (ties go to the fund listed first).
``DualMomentum(menu, safe, lookback, skip, top_n, hurdle)``
    As RelativeMomentum, then each winner must also beat the hurdle
    (``"CASH"``, or a fund such as ``"BIL"``) over the same window; a winner
    whose score is not strictly greater gives its share to ``safe``.
``TrendFilter(risky, safe, lookback)``
    Each risky fund keeps its weight while its close is strictly above its
    simple moving average over ``lookback`` (today's close included);
    otherwise that weight moves to ``safe``.

References
----------
Faber, M. T. (2007). A quantitative approach to tactical asset allocation.
*The Journal of Wealth Management*, Spring 2007; SSRN working paper 962461
(May 2006, updated February 2009 and February 2013). The rules: "buy when
monthly price > 10-month SMA; sell and move to cash when monthly price <
10-month SMA", entries and exits at the close of the signal day, the model
updated only on the last trading day of the month; cash earns 90-day
commercial paper (2007) or 90-day T-bills (2013 update).

Antonacci, G. (2014). *Dual Momentum Investing: An Innovative Strategy for
Higher Returns with Lower Risk*. McGraw-Hill. Global Equity Momentum: at each
month end compare the trailing 12-month total returns of US stocks (S&P 500)
and non-US stocks (MSCI ACWI ex-US), pick the higher; hold it if its 12-month
return beats T-bills', else hold aggregate bonds (Barclays US Aggregate). See
also Antonacci, G. (2012), Risk premia harvesting through dual momentum, SSRN
working paper.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from tactical._typing import CASH, DurationLike
from tactical.errors import (
    ConfigError,
    InsufficientHistoryError,
    LookbackUnitWarning,
    WeightsError,
    ZeroHurdleWarning,
)
from tactical.history import History
from tactical.lookback import (
    Duration,
    anchor_rows,
    canonical,
    earliest_feasible,
    parse_duration,
)
from tactical.strategies.signals import _average, _trailing

__all__ = [
    "Allocator",
    "FixedWeights",
    "RelativeMomentum",
    "DualMomentum",
    "TrendFilter",
    "check_lookback_units",
    "check_weights",
]


@runtime_checkable
class Allocator(Protocol):
    """What to hold: a callable from the visible past to target weights."""

    def __call__(self, history: History) -> Mapping[str, float]: ...


AllocatorLike = Allocator | Callable[[History], Mapping[str, float]]


def check_weights(weights: Mapping[str, float], where: str = "") -> dict[str, float]:
    """Validate target weights and return them as a plain ``dict`` of floats.

    Weights must be finite, >= 0 and sum to 1 within 1e-9.

    Raises
    ------
    WeightsError
        Naming the offending tickers, the sum and how to fix it.

    Examples
    --------
    >>> check_weights({"SPY": 0.6, "AGG": 0.4})
    {'SPY': 0.6, 'AGG': 0.4}
    """
    at = f" on {where}" if where else ""
    if not isinstance(weights, Mapping):
        raise WeightsError(
            f"target weights{at} must be a mapping ticker -> weight, got {type(weights).__name__}"
        )
    if not weights:
        raise WeightsError(f"target weights{at} are empty; hold {{'CASH': 1.0}} to stay in cash")
    out: dict[str, float] = {}
    for ticker, w in weights.items():
        if not isinstance(ticker, str):
            raise WeightsError(f"ticker names must be strings, got {ticker!r}{at}")
        try:
            value = float(w)
        except (TypeError, ValueError):
            raise WeightsError(f"weight of {ticker} is not a number ({w!r}){at}") from None
        if not np.isfinite(value):
            raise WeightsError(f"weight of {ticker} is {value}{at}; weights must be finite")
        if value < 0:
            raise WeightsError(
                f"weight of {ticker} is negative ({value:g}){at}; tactical is long-only"
            )
        out[ticker] = value
    total = sum(out.values())
    if abs(total - 1.0) > 1e-9:
        parts = ", ".join(f"{t} {v:.2f}" for t, v in out.items())
        fix = f"add CASH {1 - total:.2f}" if total < 1 else "scale them down so they sum to 1"
        raise WeightsError(f"weights sum to {total:.6g}{at} ({parts}); {fix}")
    return out


def _tickers(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    try:
        items: tuple[object, ...] = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise ConfigError(f"{what} must be a ticker or a sequence of tickers") from None
    if not items or not all(isinstance(t, str) and t for t in items):
        raise ConfigError(f"{what} must be non-empty ticker names, got {value!r}")
    if len(set(items)) != len(items):
        raise ConfigError(f"{what} lists a ticker twice: {items}")
    return tuple(str(t) for t in items)


def _positive_int(value: object, name: str, minimum: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ConfigError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True, init=False, repr=False)
class FixedWeights:
    """Constant target weights, e.g. a 60/40 mix.

    Parameters
    ----------
    weights : mapping of str to float
        Ticker -> weight; non-negative, summing to 1. ``"CASH"`` allowed.

    Examples
    --------
    >>> FixedWeights({"SPY": 0.6, "AGG": 0.4})
    FixedWeights({'SPY': 0.6, 'AGG': 0.4})
    """

    weights: tuple[tuple[str, float], ...]

    def __init__(self, weights: Mapping[str, float]) -> None:
        checked = check_weights(weights)
        object.__setattr__(self, "weights", tuple(checked.items()))

    def __call__(self, history: History) -> dict[str, float]:
        return dict(self.weights)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds held (``"CASH"`` excluded)."""
        return tuple(t for t, _ in self.weights if t != CASH)

    @property
    def min_history(self) -> int:
        """Rows of history needed: 1."""
        return 1

    @property
    def static(self) -> bool:
        """True: the target never changes, so the engine asks once."""
        return True

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """First row it can decide on: ``priced`` (no warm-up)."""
        return priced

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """The weights as one row over ``columns`` per decision row.

        See :meth:`RelativeMomentum.weights_at` for the parameters.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> idx = pd.bdate_range("2024-01-01", periods=3)
        >>> FixedWeights({"A": 0.6, "CASH": 0.4}).weights_at(
        ...     np.ones((3, 2)), idx, ("A", "CASH"), np.array([0, 2]))
        array([[0.6, 0.4],
               [0.6, 0.4]])
        """
        vec = np.zeros(len(columns))
        cols = _positions(columns, tuple(t for t, _ in self.weights))
        vec[cols] = [w for _, w in self.weights]
        return np.tile(vec, (len(rows), 1))

    def __repr__(self) -> str:
        return f"FixedWeights({dict(self.weights)!r})"


def _positions(columns: tuple[str, ...], tickers: tuple[str, ...]) -> np.ndarray:
    """Positions of ``tickers`` in ``columns``; a missing one is a ConfigError naming it."""
    where = {c: i for i, c in enumerate(columns)}
    missing = [t for t in tickers if t not in where]
    if missing:
        raise ConfigError(f"no prices for {missing} in the history; have {list(columns)}")
    return np.array([where[t] for t in tickers], dtype=np.intp)


def _short(what: str, index: pd.DatetimeIndex, row: int, tickers: list[str]) -> None:
    """Raise the error the History path raises when a score cannot be computed."""
    raise InsufficientHistoryError(
        f"{what} on {index[row].date()} needs prices of {tickers} from before the first date "
        "they have one; start later or splice a proxy"
    )


def _check_scores(
    scores: np.ndarray, rows: np.ndarray, index: pd.DatetimeIndex, names: tuple[str, ...], what: str
) -> None:
    bad = np.isnan(scores)
    if bad.any():
        j, _ = np.argwhere(bad)[0]
        _short(what, index, int(rows[j]), [n for n, b in zip(names, bad[j], strict=True) if b])


def _check_momentum(rule: RelativeMomentum | DualMomentum) -> None:
    """Validate the fields momentum rules share; normalise ``menu`` and the durations."""
    object.__setattr__(rule, "menu", _tickers(rule.menu, "menu"))
    object.__setattr__(rule, "lookback", canonical(rule.lookback, "lookback"))
    object.__setattr__(rule, "skip", canonical(rule.skip, "skip", minimum=0))
    _positive_int(rule.top_n, "top_n")
    if rule.top_n > len(rule.menu):
        raise ConfigError(f"top_n={rule.top_n} is more than the {len(rule.menu)} funds in menu")


def _momentum_durations(rule: RelativeMomentum | DualMomentum) -> tuple[Duration, Duration]:
    return parse_duration(rule.lookback, "lookback"), parse_duration(rule.skip, "skip", 0)


def _momentum_min_history(rule: RelativeMomentum | DualMomentum) -> int:
    look, skip = _momentum_durations(rule)
    return look.count + skip.count + 1


def _momentum_first_row(
    rule: RelativeMomentum | DualMomentum, index: pd.DatetimeIndex, priced: int
) -> int:
    look, skip = _momentum_durations(rule)
    if look.unit == "D" and (skip.unit == "D" or skip.count == 0):  # rows: closed form
        # earliest sampled row of row i is i - skip - lookback: the first at or after priced
        return min(priced + look.count + skip.count, len(index))
    every = np.arange(len(index), dtype=np.int64)
    earliest = anchor_rows(index, anchor_rows(index, every, skip), look)
    return earliest_feasible(earliest, priced)


def _ranked(
    rule: RelativeMomentum | DualMomentum, history: History
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``menu`` of the ``top_n`` best scores (ties: menu order), and all scores."""
    scores = history.trailing_returns(rule.menu, rule.lookback, rule.skip)
    return np.argsort(-scores, kind="stable")[: rule.top_n], scores


def _ranked_at(
    rule: RelativeMomentum | DualMomentum,
    values: np.ndarray,
    index: pd.DatetimeIndex,
    cols: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_ranked` for every row: (order (n_rows, top_n), scores (n_rows, n_menu))."""
    look, skip = _momentum_durations(rule)
    scores = _trailing(values, index, rows, look, skip, cols)
    _check_scores(scores, rows, index, rule.menu, f"a {look} return skipping {skip}")
    if rule.top_n == 1:  # the first best score: what the stable sort puts first
        order = np.argmax(scores, axis=1)[:, None]
    else:
        order = np.argsort(-scores, axis=1, kind="stable")[:, : rule.top_n]
    return order, scores


@dataclass(frozen=True, slots=True)
class RelativeMomentum:
    """Hold the ``top_n`` funds of ``menu`` with the best trailing total return.

    Parameters
    ----------
    menu : tuple of str
        Candidate funds.
    top_n : int, default 1
        How many to hold, equal-weighted.
    lookback : int or str, default "12M"
        Length of the return window: ``"12M"`` (month-end closes), ``"52W"``,
        ``"126D"``, or an int of trading days (252 ~ 12 months).
    skip : int or str, default 0
        Most recent stretch left out of the window (``"1M"``, ``"21D"``).

    Notes
    -----
    Score ``m_i = P_i[e] / P_i[s] - 1`` with ``e`` the row ``skip`` before the
    decision row ``t`` and ``s`` the row ``lookback`` before ``e``, sampled as
    in :mod:`tactical.lookback` (trading days: ``e = t - skip``,
    ``s = e - lookback``; ``"12M"`` at a month end: the close 12 month ends
    earlier; on any other date the decision's close stands in for the
    current month's). Ties are broken by menu order. This is the relative
    leg of Antonacci's (2014) dual momentum.

    Examples
    --------
    >>> RelativeMomentum(("SPY", "EFA"), lookback="6M")
    RelativeMomentum(menu=('SPY', 'EFA'), top_n=1, lookback='6M', skip=0)
    """

    menu: tuple[str, ...]
    top_n: int = 1
    lookback: DurationLike = "12M"
    skip: DurationLike = 0

    def __post_init__(self) -> None:
        _check_momentum(self)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held."""
        return self.menu

    @property
    def min_history(self) -> int:
        """Rows needed at least: ``lookback + skip + 1`` units (exact in trading days)."""
        return _momentum_min_history(self)

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """First row of ``index`` whose window starts at or after row ``priced``."""
        return _momentum_first_row(self, index, priced)

    def __call__(self, history: History) -> dict[str, float]:
        order, _ = _ranked(self, history)
        share = 1.0 / self.top_n
        return {self.menu[i]: share for i in order}

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """Targets of every decision row at once, one numpy pass over all of them.

        Parameters
        ----------
        values : numpy.ndarray
            Prices, shape ``(n_dates, n_columns)`` (NaN before a fund's first
            price; ``"CASH"`` is the cash account's level).
        index : pandas.DatetimeIndex
            Dates of ``values``' rows.
        columns : tuple of str
            Names of ``values``' columns.
        rows : numpy.ndarray
            Increasing int positions of the decision dates.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(rows), len(columns))``: row ``j`` equals, bit for bit,
            the target returned for a :class:`History` cut at ``rows[j]``, and
            uses only ``values[: rows[j] + 1]``. Scores come from
            :func:`tactical.strategies.signals.trailing_return`.

        Raises
        ------
        InsufficientHistoryError
            When a decision row's window reaches before a fund's first price.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> idx = pd.bdate_range("2024-01-01", periods=4)
        >>> px = np.array([[1.0, 1.0, 1.0], [2.0, 1.0, 1.0], [2.0, 3.0, 1.0], [2.0, 3.0, 1.0]])
        >>> RelativeMomentum(("A", "B"), lookback=1).weights_at(
        ...     px, idx, ("A", "B", "CASH"), np.array([1, 2]))
        array([[1., 0., 0.],
               [0., 1., 0.]])
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = _positions(columns, self.menu)
        order, _ = _ranked_at(self, values, index, cols, rows)
        out = np.zeros((len(rows), len(columns)))
        out[np.arange(len(rows))[:, None], cols[order]] = 1.0 / self.top_n
        return out


@dataclass(frozen=True, slots=True)
class DualMomentum:
    """Relative momentum plus an absolute test; losers of the test go to ``safe``.

    Parameters
    ----------
    menu : tuple of str
        Risky candidates (e.g. ``("SPY", "EFA")``).
    safe : str
        Where a winner's share goes when it fails the absolute test: the
        plan's bond fund, a stable-value or money-market fund, or ``"CASH"``.
        Required, with no default: Antonacci uses aggregate bonds (``"AGG"``
        as an ETF), but a 401(k) menu rarely has that ticker, and a default
        that is not on the menu would only fail later or, worse, quietly
        name a fund the saver cannot buy.
    lookback : int or str, default "12M"
        Length of the return window, as in :class:`RelativeMomentum`; 12
        month-end closes is Antonacci's rule.
    skip, top_n
        As in :class:`RelativeMomentum`.
    hurdle : str, default "CASH"
        What a winner must beat over the same window: ``"CASH"`` (the cash
        account: T-bills when ``cash_returns`` are given to the backtest) or
        a fund such as ``"BIL"``. Without cash returns the cash account earns
        0%, so the test becomes "return > 0%": a :class:`ZeroHurdleWarning`
        says so.

    Notes
    -----
    A winner is kept when ``m_winner > m_hurdle`` (strictly), else its
    ``1 / top_n`` share goes to ``safe``. With ``menu=("SPY", "EFA")``,
    ``safe="AGG"``, ``lookback="12M"``, the T-bill hurdle, the month-end
    schedule and ``execution_lag=0`` this is Antonacci's (2014) Global Equity
    Momentum: at each month end hold the better of US and non-US stocks by
    12-month total return if it beat T-bills over those 12 months, else
    aggregate bonds (EFA stands in for MSCI ACWI ex-US, which it is not:
    it leaves out emerging markets and Canada).

    References
    ----------
    Antonacci, G. (2014). *Dual Momentum Investing*. McGraw-Hill (GEM, with
    12-, 9-, 6- and 3-month lookbacks, 12/1973-12/2013).

    Examples
    --------
    >>> DualMomentum(("SPY", "EFA"), safe="AGG")
    DualMomentum(menu=('SPY', 'EFA'), safe='AGG', lookback='12M', skip=0, top_n=1, hurdle='CASH')
    """

    menu: tuple[str, ...]
    safe: str | None = None
    lookback: DurationLike = "12M"
    skip: DurationLike = 0
    top_n: int = 1
    hurdle: str = CASH

    def __post_init__(self) -> None:
        _check_momentum(self)
        if self.safe is None:
            raise ConfigError(
                "DualMomentum needs safe=: the fund a winner's share goes to when it fails the "
                "absolute test, e.g. the plan's bond fund (Antonacci uses aggregate bonds, "
                "'AGG'), a stable-value fund, or 'CASH'"
            )
        _tickers(self.safe, "safe")
        _tickers(self.hurdle, "hurdle")

    @property
    def _safe(self) -> str:
        assert self.safe is not None  # checked in __post_init__
        return self.safe

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held (``"CASH"`` excluded)."""
        extra = [t for t in (self._safe, self.hurdle) if t != CASH and t not in self.menu]
        return self.menu + tuple(dict.fromkeys(extra))

    @property
    def min_history(self) -> int:
        """Rows needed at least: ``lookback + skip + 1`` units (exact in trading days)."""
        return _momentum_min_history(self)

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """First row of ``index`` whose window starts at or after row ``priced``."""
        return _momentum_first_row(self, index, priced)

    def _warn_flat_cash(self, cash: np.ndarray) -> None:
        if self.hurdle == CASH and np.nanmin(cash) == np.nanmax(cash):
            warnings.warn(
                f"{self!r}: the hurdle is the cash account, which earns 0% here (no "
                "cash_returns were given to the backtest), so the absolute test is just "
                "'return > 0%'. Pass cash_returns=tactical.cash_returns(...) for Antonacci's "
                "T-bill hurdle, or hurdle='BIL' (a T-bill fund); filter ZeroHurdleWarning "
                "if 0% is meant",
                ZeroHurdleWarning,
                stacklevel=3,
            )

    def __call__(self, history: History) -> dict[str, float]:
        order, scores = _ranked(self, history)
        bar = history.trailing_return(self.hurdle, self.lookback, self.skip)
        if self.hurdle == CASH:
            self._warn_flat_cash(history.price(CASH))
        share = 1.0 / self.top_n
        out: dict[str, float] = {}
        for i in order:
            name = self.menu[i] if scores[i] > bar else self._safe
            out[name] = out.get(name, 0.0) + share
        return out

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """Targets of every decision row at once; see :meth:`RelativeMomentum.weights_at`."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = _positions(columns, self.menu)
        hurdle, safe = _positions(columns, (self.hurdle, self._safe))
        order, scores = _ranked_at(self, values, index, cols, rows)
        look, skip = _momentum_durations(self)
        bar = _trailing(values, index, rows, look, skip, np.array([hurdle]))
        _check_scores(bar, rows, index, (self.hurdle,), f"a {look} hurdle return")
        if self.hurdle == CASH and len(rows):
            self._warn_flat_cash(values[: rows[-1] + 1, hurdle])
        every = np.arange(len(rows))
        passed = scores[every[:, None], order] > bar
        out = np.zeros((len(rows), len(columns)))
        share = 1.0 / self.top_n
        for k in range(self.top_n):
            out[every, np.where(passed[:, k], cols[order[:, k]], safe)] += share
        return out


@dataclass(frozen=True, slots=True, init=False)
class TrendFilter:
    """Hold each risky fund only while it trades above its moving average.

    Parameters
    ----------
    risky : tuple of str or mapping of str to float
        Risky funds, equal-weighted when given as a sequence, or with their
        weights (summing to 1) when given as a mapping.
    safe : str, default "CASH"
        Where the weight of a fund below its average goes (a bond fund, a
        cash fund such as ``"BIL"``, or ``"CASH"``: Faber moves to T-bills,
        which ``"CASH"`` earns when the backtest gets ``cash_returns``).
    lookback : int or str, default "10M"
        Averaging window: ``"10M"`` (the decision's close and the previous
        nine month-end closes), ``"40W"``, ``"200D"``, or an int of trading
        days.

    Notes
    -----
    Fund ``i`` is *in* when ``P_i[t] > mean(P_i[s_{n-1}], ..., P_i[s_1],
    P_i[t])`` (strictly), with ``s_k`` the row ``k`` units before ``t``
    (:mod:`tactical.lookback`); equal to the average is *out*. With
    ``lookback="10M"`` on the month-end schedule this is Faber's (2007)
    timing model: buy when the month-end close is above its 10-month simple
    moving average, sell and move to cash when below, checked only on the
    last trading day of the month. On a date that is not a month end the
    decision's close stands in for the current month's close. In trading
    days (``210``, the old default) it is a 210-bar average, which is a
    different rule with different numbers.

    References
    ----------
    Faber, M. T. (2007). A quantitative approach to tactical asset
    allocation. *The Journal of Wealth Management*; SSRN 962461 (updated
    2009, 2013).

    Examples
    --------
    >>> TrendFilter(("SPY", "EFA"))
    TrendFilter(risky=(('SPY', 0.5), ('EFA', 0.5)), safe='CASH', lookback='10M')
    """

    risky: tuple[tuple[str, float], ...]
    safe: str
    lookback: DurationLike

    def __init__(
        self,
        risky: tuple[str, ...] | list[str] | Mapping[str, float] | str,
        safe: str = CASH,
        lookback: DurationLike = "10M",
    ) -> None:
        if isinstance(risky, Mapping):
            pairs = tuple(check_weights(risky).items())
        else:
            names = _tickers(risky, "risky")
            pairs = tuple((t, 1.0 / len(names)) for t in names)
        _tickers(safe, "safe")
        if safe in dict(pairs):
            raise ConfigError(f"safe asset {safe!r} is also in risky")
        object.__setattr__(self, "risky", pairs)
        object.__setattr__(self, "safe", safe)
        object.__setattr__(self, "lookback", canonical(lookback, "lookback"))

    @property
    def tickers(self) -> tuple[str, ...]:
        """Funds read or held (``"CASH"`` excluded)."""
        names = tuple(t for t, _ in self.risky)
        return names + (() if self.safe == CASH else (self.safe,))

    @property
    def min_history(self) -> int:
        """Rows needed at least: ``lookback`` units (exact in trading days)."""
        return parse_duration(self.lookback).count

    def first_decision_row(self, index: pd.DatetimeIndex, priced: int) -> int:
        """First row of ``index`` whose averaging window starts at or after row ``priced``."""
        window = parse_duration(self.lookback)
        earliest = anchor_rows(index, np.arange(len(index)), window, back=window.count - 1)
        return earliest_feasible(earliest, priced)

    def __call__(self, history: History) -> dict[str, float]:
        out: dict[str, float] = {}
        for ticker, weight in self.risky:
            last = history.price(ticker)[-1]
            name = ticker if last > history.moving_average(ticker, self.lookback) else self.safe
            out[name] = out.get(name, 0.0) + weight
        return out

    def weights_at(
        self,
        values: np.ndarray,
        index: pd.DatetimeIndex,
        columns: tuple[str, ...],
        rows: np.ndarray,
    ) -> np.ndarray:
        """Targets of every decision row at once; see :meth:`RelativeMomentum.weights_at`.

        Averages are :func:`tactical.strategies.signals.moving_average`'s.
        """
        rows = np.asarray(rows, dtype=np.int64)
        names = tuple(t for t, _ in self.risky)
        cols = _positions(columns, names)
        (safe,) = _positions(columns, (self.safe,))
        window = parse_duration(self.lookback)
        out = np.zeros((len(rows), len(columns)))
        for (ticker, weight), col in zip(self.risky, cols, strict=True):
            average = _average(values, index, rows, window, int(col))
            _check_scores(average[:, None], rows, index, (ticker,), f"a {window} moving average")
            inside = values[rows, col] > average
            out[inside, col] = 0.0 + weight
            out[:, safe] += np.where(inside, 0.0, weight)
        return out


def check_lookback_units(allocator: object, schedule: object, index: pd.DatetimeIndex) -> None:
    """Warn when a built-in's bare-integer lookback reads like months on daily data.

    A bare ``int`` counts trading days. ``DualMomentum(lookback=12)`` with a
    monthly (or coarser) schedule on daily prices is 12 *days*, almost
    certainly meant as 12 months. Warns (:class:`LookbackUnitWarning`) when
    the prices are daily (median gap under 5 calendar days), the schedule is
    ``"ME"``, ``"QE"``, ``"SE"``, ``"YE"`` or dates a month or more apart, and
    a built-in's ``lookback`` is an int under 30 (its ``skip`` too, when that
    lookback warns and the skip is an int from 1 to 12). Writing the unit
    (``"12M"`` or ``"12D"``) silences it.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2020-01-01", periods=300)
    >>> check_lookback_units(TrendFilter(("SPY",), lookback="10M"), "ME", idx)  # no warning
    """
    if not isinstance(allocator, RelativeMomentum | DualMomentum | TrendFilter) or len(index) < 3:
        return
    lookback = allocator.lookback
    if not isinstance(lookback, int) or lookback >= 30:  # the cheap test first
        return
    if isinstance(schedule, str):
        coarse = schedule in ("ME", "QE", "SE", "YE")
    else:
        dates = pd.DatetimeIndex(schedule)  # type: ignore[arg-type]
        gaps = np.diff(dates.values).astype("timedelta64[D]").astype(np.int64)
        coarse = len(gaps) > 0 and float(np.median(gaps)) >= 28
    gaps = np.diff(index.values).astype("timedelta64[D]").astype(np.int64)
    if not coarse or float(np.median(gaps)) >= 5:
        return
    skip = getattr(allocator, "skip", 0)
    also = ""
    if isinstance(skip, int) and 1 <= skip <= 12:
        also = f"; skip={skip} likewise (write '{skip}M' or '{skip}D')"
    when = schedule if isinstance(schedule, str) else "of explicit dates"
    warnings.warn(
        f"{allocator!r}: lookback={lookback} counts {lookback} trading days on this daily data, "
        f"but with the schedule {when} it reads like {lookback} months; write "
        f"lookback='{lookback}M' for month-end closes, or lookback='{lookback}D' to keep "
        f"trading days and silence this warning{also}",
        LookbackUnitWarning,
        stacklevel=4,
    )
