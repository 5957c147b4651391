"""``load_prices``: fetch from a source, align funds explicitly, validate once."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, fmt_dates, normalize_tickers, series_bounds
from tactical.data.sources import FrameSource, PriceSource
from tactical.data.validate import validate_prices
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

    src: PriceSource
    if source is None or (isinstance(source, str) and source.lower() == "yahoo"):
        src = YahooSource()
        cache = True if cache is None else cache
    elif isinstance(source, str) and source.lower() == "sample":
        src = SampleSource()
    elif isinstance(source, str | os.PathLike):
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
        ``"own"``: keep each fund from its own first price, NaN before it.
        In both, the window ends at the earliest last price (warned when funds
        end on different dates), and a date after a fund's first price on
        which it has no price while another fund has one is a hole: a
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

    Returns
    -------
    pandas.DataFrame
        Shape ``(n_dates, len(tickers))``, columns in the order given,
        ``DatetimeIndex`` named ``date``, float64, > 0; NaN only before a
        fund's first price (``align="own"``).

    Raises
    ------
    DataError
        Bad arguments (start after end, unknown ``align``...).
    NoDataError
        An unknown ticker, or no data in the range; the message names it.
    DataGapError
        A hole inside a fund's history.
    SourceError
        The source failed (network, rate limit...); the cause is chained.

    Warns
    -----
    AlignmentWarning
        The window was shortened: a fund starts later or ends earlier than
        the others, or the data start/end more than 7 days inside the
        requested ``start``/``end``.

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
    if align not in ("common", "own"):
        raise DataError(f"align={align!r}; use 'common' or 'own'")
    if not isinstance(max_fill, int | np.integer) or max_fill < 0:
        raise DataError(f"max_fill={max_fill!r}; use a whole number of days >= 0")
    src = resolve_source(source, cache=cache, cache_dir=cache_dir)
    frame = src.fetch(names, start_ts, end_ts)
    missing = [t for t in names if t not in frame.columns]
    if missing:
        raise NoDataError(f"source {src.name!r} returned no column for {missing}")
    frame = clip(frame[names], start_ts, end_ts)
    return align_prices(
        frame, align=align, start=start_ts, end=end_ts, max_fill=int(max_fill), stacklevel=3
    )


def align_prices(
    prices: pd.DataFrame,
    *,
    align: Align = "common",
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    max_fill: int = 0,
    stacklevel: int = 2,
) -> pd.DataFrame:
    """Align funds that start and end on different dates, then validate.

    See :func:`load_prices` for ``align`` and ``max_fill``; ``start``/``end``
    are the requested bounds, used only to report a shorter window.
    """
    bounds = series_bounds(prices)
    empty = [str(c) for c in prices.columns if str(c) not in bounds]
    if empty:
        raise NoDataError(f"no prices for {empty} in the requested window")
    notes: list[str] = []
    firsts = {t: b[0] for t, b in bounds.items()}
    lasts = {t: b[1] for t, b in bounds.items()}
    last_ticker = min(lasts, key=lambda t: lasts[t])
    window_end = lasts[last_ticker]
    if len(set(lasts.values())) > 1:
        others = ", ".join(f"{t} {d.date()}" for t, d in lasts.items() if d != window_end)
        notes.append(
            f"{last_ticker} ends on {window_end.date()}, before the others ({others}); "
            f"the window ends there"
        )
    elif end is not None and (end - window_end).days > _SLACK_DAYS:
        notes.append(f"the data end on {window_end.date()}, before the requested end {end.date()}")
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
        elif start is not None and (window_start - start).days > _SLACK_DAYS:
            notes.append(
                f"the data start on {window_start.date()}, after the requested start {start.date()}"
            )
    else:
        window_start = min(firsts.values())
        if start is not None and (window_start - start).days > _SLACK_DAYS:
            notes.append(
                f"the data start on {window_start.date()}, after the requested start {start.date()}"
            )
    frame = prices.loc[(prices.index >= window_start) & (prices.index <= window_end)]
    if notes:
        warnings.warn("; ".join(notes), AlignmentWarning, stacklevel=stacklevel + 1)
    frame = _fill_holes(frame, max_fill, stacklevel + 1)
    return validate_prices(frame)


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
        holes = np.flatnonzero(isnan[first:]) + first
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
        out.iloc[first:, j] = out.iloc[first:, j].ffill()
        filled_notes.append(f"{ticker} on {fmt_dates(frame.index[holes])}")
    if filled_notes:
        warnings.warn(
            "carried the previous price forward (a zero return) for missing days: "
            + "; ".join(filled_notes),
            DataGapWarning,
            stacklevel=stacklevel + 1,
        )
    return out
