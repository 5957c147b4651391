"""``load_prices``: fetch from a source, align funds explicitly, validate once."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from tactical.data._frames import (
    check_count,
    check_flag,
    check_range,
    clip,
    fmt_dates,
    normalize_tickers,
    series_bounds,
)
from tactical.data.sources import FrameSource, PriceSource
from tactical.data.validate import MAX_MOVE, _log_limit, validate_prices
from tactical.errors import AlignmentWarning, DataError, DataGapError, DataGapWarning, NoDataError

__all__ = ["load_prices", "align_prices", "resolve_source"]

Align = Literal["common", "own"]

_SLACK_DAYS = 7
"""A requested start/end this many calendar days or fewer from the data's is not reported."""


def resolve_source(
    source: PriceSource | str | os.PathLike[str] | pd.DataFrame | None,
    *,
    cache: bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> PriceSource:
    """Turn the ``source`` argument of :func:`load_prices` into a :class:`PriceSource`.

    ``None`` or ``"yahoo"``: :class:`YahooSource`; ``"sample"``: the bundled
    dataset; any other string or path: :class:`CsvSource`; a DataFrame:
    :class:`FrameSource`; a ``PriceSource``: itself. ``cache=None`` wraps only
    Yahoo in :class:`CachedSource`; ``True`` wraps any source; ``False`` none.
    """
    from tactical.data.bundled import SampleSource
    from tactical.data.cache import CachedSource
    from tactical.data.files import CsvSource
    from tactical.data.yahoo import YahooSource

    if cache is not None:
        check_flag(cache, "cache")
    if cache_dir is not None and not isinstance(cache_dir, str | os.PathLike):
        raise DataError(f"cache_dir must be a folder path, got {type(cache_dir).__name__}")
    src: PriceSource
    if source is None or (isinstance(source, str) and source.lower() == "yahoo"):
        src = YahooSource()
        cache = True if cache is None else cache
    elif isinstance(source, str) and source.lower() == "sample":
        src = SampleSource()
    elif isinstance(source, str | os.PathLike):
        if isinstance(source, str) and not source.strip():
            raise DataError("source='' is empty; pass 'yahoo', 'sample' or a CSV folder or file")
        src = CsvSource(source)
    elif isinstance(source, pd.DataFrame):
        src = FrameSource(source)
    elif isinstance(source, PriceSource):
        src = source
    else:
        raise DataError(
            f"source must be None, 'yahoo', 'sample', a CSV path, a DataFrame or a PriceSource; "
            f"got {type(source).__name__}"
        )
    if cache and not isinstance(src, CachedSource):
        src = CachedSource(src, directory=cache_dir)
    return src


def load_prices(
    tickers: str | Sequence[str],
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    *,
    source: PriceSource | str | os.PathLike[str] | pd.DataFrame | None = None,
    align: Align = "common",
    cache: bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    max_fill: int = 0,
    max_move: float | None = MAX_MOVE,
) -> pd.DataFrame:
    """Load dividend-adjusted daily closes for ``tickers``, aligned and validated.

    Parameters
    ----------
    tickers : str or sequence of str
        Fund symbols, e.g. ``["SPY", "AGG"]``; each once.
    start, end : date-like, optional
        Inclusive bounds (``"2004-01-01"``); ``None`` is the first/last available date.
    source : PriceSource, str, path or DataFrame, optional
        Where prices come from: ``None`` or ``"yahoo"`` (Yahoo through
        yfinance, total return), ``"sample"`` (bundled offline dataset), a
        folder or CSV file (:class:`CsvSource`), a DataFrame
        (:class:`FrameSource`) or any :class:`PriceSource`.
    align : {"common", "own"}, default "common"
        ``"common"``: start at the latest first price, so every fund has a
        price on the first date; if the funds start on different dates an
        :class:`AlignmentWarning` names the fund that sets the start.
        The window ends at the earliest last price (warned when funds end on
        different dates).
        ``"own"``: keep each fund from its own first price to its own last
        price, NaN before and after; the frame runs from the earliest first
        price to the latest last price. This is the frame to give
        :func:`splice` (a proxy that stopped trading still extends a young
        fund); the backtest needs every fund priced to the end, so drop or
        cut a fund that ends early (the engine's error says which).
        In both, a date between a fund's first and last price on which it has
        no price while another fund has one is a hole: a
        :class:`DataGapError` unless ``max_fill`` allows carrying the previous
        price forward. Dates are never dropped to hide a hole.
    cache : bool, optional
        ``None`` caches the default Yahoo source only; ``True`` wraps any
        source in :class:`CachedSource`; ``False`` never caches.
    cache_dir : str or path, optional
        Cache directory (default: ``TACTICAL_CACHE_DIR``, then the user cache dir).
    max_fill : int, default 0
        A fund missing a price on a date other funds have (a hole, typical of
        mutual funds on Yahoo) is an error by default. With ``max_fill=n``,
        runs of at most ``n`` missing days carry the previous price forward
        (a zero return that day, the full move on the next), with a
        :class:`DataGapWarning` naming the fund and dates.
    max_move : float or None, default 1.0
        Largest plausible one-day move (decimal return): a price that more
        than doubles, or falls by more than half, in one bar issues a
        :class:`~tactical.errors.PriceSpikeWarning` naming ticker, date and
        prices (see :func:`validate_prices`); ``None`` skips the check.

    Returns
    -------
    pandas.DataFrame
        Shape ``(n_dates, len(tickers))``, columns in the order given,
        ``DatetimeIndex`` named ``date``, float64, > 0; NaN only before a
        fund's first price, or after its last (``align="own"``).

    Raises
    ------
    DataError
        Bad arguments (tickers not strings, start after end or not a date,
        unknown ``align``...), each naming what to pass.
    NoDataError
        An unknown ticker, or no data in the range; the message names it.
    DataGapError
        A hole inside a fund's history.
    SourceError
        The source failed (rate limit...); the cause is chained.
        :class:`~tactical.errors.NetworkError` when there is no network.

    Warns
    -----
    AlignmentWarning
        The window was shortened: a fund starts later or ends earlier than
        the others, or the data start/end more than 7 days inside the
        requested ``start``/``end``.
    PriceSpikeWarning
        A one-bar move beyond ``max_move``.
    StaleCacheWarning
        A refresh failed and cached prices were used; when the network is
        down, one warning lists every ticker.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> frame = pd.DataFrame({"A": [1.0, 1.1, 1.2, 1.3], "B": [2.0, 2.1, 2.2, 2.3]}, index=idx)
    >>> load_prices(["B", "A"], "2024-01-02", source=frame).shape
    (3, 2)
    """
    names = normalize_tickers(tickers)
    start_ts, end_ts = check_range(start, end)
    if not isinstance(align, str) or align not in ("common", "own"):
        raise DataError(f"align={align!r}; use 'common' or 'own'")
    fill = check_count(max_fill, "max_fill")
    _log_limit(max_move)  # a bad max_move fails before any download
    src = resolve_source(source, cache=cache, cache_dir=cache_dir)
    frame = _fetch(src, names, start_ts, end_ts)
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"source {src.name!r} returned {type(frame).__name__}, not a DataFrame; a "
            "PriceSource's fetch must return one column per ticker"
        )
    missing = [t for t in names if t not in frame.columns]
    if missing:
        raise NoDataError(f"source {src.name!r} returned no column for {missing}")
    frame = clip(frame[names], start_ts, end_ts)
    return align_prices(
        frame,
        align=align,
        start=start_ts,
        end=end_ts,
        max_fill=fill,
        max_move=max_move,
        stacklevel=3,
    )


def _fetch(
    src: PriceSource, names: list[str], start: pd.Timestamp | None, end: pd.Timestamp | None
) -> pd.DataFrame:
    """``src.fetch``, with the cache's per-ticker "no network" warnings said once."""
    from tactical.errors import StaleCacheWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = src.fetch(names, start, end)
    offline = [
        w
        for w in caught
        if issubclass(w.category, StaleCacheWarning) and _NO_NETWORK in str(w.message)
    ]
    for w in caught:
        if w not in offline:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if offline:
        tickers = [t for t in names if any(str(w.message).startswith(f"{t}:") for w in offline)]
        warnings.warn(
            f"no network: using the cached prices, possibly stale, for "
            f"{', '.join(tickers) or f'{len(offline)} ticker(s)'}. First: {offline[0].message}",
            StaleCacheWarning,
            stacklevel=4,
        )
    return frame


_NO_NETWORK = "no network"
"""Marker in :class:`~tactical.errors.NetworkError` messages (see ``yahoo.py``)."""


def align_prices(
    prices: pd.DataFrame,
    *,
    align: Align = "common",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    max_fill: int = 0,
    max_move: float | None = MAX_MOVE,
    stacklevel: int = 2,
) -> pd.DataFrame:
    """Align funds that start and end on different dates, then validate.

    See :func:`load_prices` for ``align``, ``max_fill`` and ``max_move``;
    ``start``/``end`` are the requested bounds, used only to report a
    shorter window.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=3)
    >>> p = pd.DataFrame({"A": [1.0, 1.1, 1.2], "B": [None, 2.0, 2.1]}, index=idx)
    >>> align_prices(p, align="own").shape
    (3, 2)
    """
    if not isinstance(prices, pd.DataFrame):
        raise DataError(
            f"prices must be a pandas DataFrame (dates x tickers), got {type(prices).__name__}"
        )
    if prices.shape[0] == 0 or prices.shape[1] == 0:
        raise NoDataError(f"prices are empty (shape {prices.shape}); nothing to align")
    if not isinstance(align, str) or align not in ("common", "own"):
        raise DataError(f"align={align!r}; use 'common' or 'own'")
    max_fill = check_count(max_fill, "max_fill")
    start_ts, end_ts = check_range(start, end)
    bounds = series_bounds(prices)
    empty = [str(c) for c in prices.columns if str(c) not in bounds]
    if empty:
        raise NoDataError(f"no prices for {empty} in the requested window")
    notes: list[str] = []
    firsts = {t: b[0] for t, b in bounds.items()}
    lasts = {t: b[1] for t, b in bounds.items()}
    last_ticker = min(lasts, key=lambda t: lasts[t])
    window_end = lasts[last_ticker] if align == "common" else max(lasts.values())
    if len(set(lasts.values())) > 1 and align == "common":
        others = ", ".join(f"{t} {d.date()}" for t, d in lasts.items() if d != window_end)
        notes.append(
            f"{last_ticker} ends on {window_end.date()}, before the others ({others}); "
            f"the window ends there (align='own' keeps each fund to its own last price)"
        )
    elif end_ts is not None and (end_ts - window_end).days > _SLACK_DAYS:
        notes.append(
            f"the data end on {window_end.date()}, before the requested end {end_ts.date()}"
        )
    if align == "common":
        first_ticker = max(firsts, key=lambda t: firsts[t])
        window_start = firsts[first_ticker]
        if len(set(firsts.values())) > 1:
            others = ", ".join(f"{t} {d.date()}" for t, d in firsts.items() if d != window_start)
            notes.append(
                f"{first_ticker} sets the start: its first price is {window_start.date()}, "
                f"after the others' ({others}); earlier dates are dropped. Use align='own' to "
                f"keep each fund from its own first price, or splice() a proxy into "
                f"{first_ticker}"
            )
        elif start_ts is not None and (window_start - start_ts).days > _SLACK_DAYS:
            notes.append(
                f"the data start on {window_start.date()}, "
                f"after the requested start {start_ts.date()}"
            )
    else:
        window_start = min(firsts.values())
        if start_ts is not None and (window_start - start_ts).days > _SLACK_DAYS:
            notes.append(
                f"the data start on {window_start.date()}, "
                f"after the requested start {start_ts.date()}"
            )
    frame = prices.loc[(prices.index >= window_start) & (prices.index <= window_end)]
    if notes:
        warnings.warn("; ".join(notes), AlignmentWarning, stacklevel=stacklevel + 1)
    frame = _fill_holes(frame, max_fill, stacklevel + 1)
    return validate_prices(frame, max_move=max_move, allow_early_end=align == "own")


def _fill_holes(frame: pd.DataFrame, max_fill: int, stacklevel: int) -> pd.DataFrame:
    """Report holes (NaN after a fund's first price); fill short runs if allowed."""
    values = frame.to_numpy(dtype=np.float64)
    filled_notes: list[str] = []
    out = frame.copy()
    for j, ticker in enumerate(frame.columns):
        isnan = np.isnan(values[:, j])
        if isnan.all():
            continue
        first = int(np.argmax(~isnan))
        last = len(isnan) - int(np.argmax(~isnan[::-1]))  # one past the last price
        holes = np.flatnonzero(isnan[first:last]) + first
        if not len(holes):
            continue
        runs = np.split(holes, np.flatnonzero(np.diff(holes) > 1) + 1)
        longest = max(runs, key=len)
        if len(longest) > max_fill:
            raise DataGapError(
                f"{ticker} has no price on {len(holes)} date(s) inside its history where other "
                f"funds have one: {fmt_dates(frame.index[holes])} (longest run "
                f"{len(longest)} from {frame.index[longest[0]].date()}); pass "
                f"max_fill={len(longest)} to carry its previous price forward, or drop it"
            )
        out.iloc[first:last, j] = out.iloc[first:last, j].ffill()
        filled_notes.append(f"{ticker} on {fmt_dates(frame.index[holes])}")
    if filled_notes:
        warnings.warn(
            "carried the previous price forward (a zero return) for missing days: "
            + "; ".join(filled_notes),
            DataGapWarning,
            stacklevel=stacklevel + 1,
        )
    return out
