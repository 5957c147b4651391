"""Extend a young fund back in time with a proxy, chaining returns (not levels)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tactical.data.validate import validate_prices
from tactical.errors import DataError, SpliceWarning

__all__ = ["Splice", "splice", "splices"]

_MIN_CORRELATION = 0.5


@dataclass(frozen=True, slots=True)
class Splice:
    """Where a fund's history was extended with a proxy.

    Attributes
    ----------
    ticker : str
        The extended fund (``"AGG"``).
    proxy : str
        The fund whose returns fill its early history (``"VBMFX"``).
    start : pandas.Timestamp
        First date of the extended series (the proxy's first usable price).
    junction : pandas.Timestamp
        The fund's own first price. Returns on dates ``<= junction`` are the
        proxy's; returns after it are the fund's own.
    overlap_correlation : float
        Correlation of the two funds' simple returns on the dates after the
        junction where both have prices (NaN if fewer than 3 such returns).
    """

    ticker: str
    proxy: str
    start: pd.Timestamp
    junction: pd.Timestamp
    overlap_correlation: float

    def describe(self) -> str:
        """One line for tables and chart footnotes."""
        return (
            f"{self.ticker} before {self.junction.date()}: {self.proxy} returns "
            f"(from {self.start.date()})"
        )


def splice(
    prices: pd.DataFrame,
    proxies: Mapping[str, str],
    *,
    drop_proxies: bool = False,
) -> pd.DataFrame:
    """Extend young funds back in time with proxies' returns.

    Parameters
    ----------
    prices : pandas.DataFrame
        Shape ``(n_dates, n_tickers)``, a prices frame holding both each fund
        and its proxy (load it with ``align="own"`` so the older proxy is not
        cut to the young fund's start). A proxy may end before the fund
        (NaN after its last price): it only has to be priced on the fund's
        first date. Not mutated.
    proxies : mapping of str to str
        ``{fund: proxy}``, e.g. ``{"AGG": "VBMFX", "TLT": "VUSTX"}``; applied
        in order, so a proxy may itself have been extended earlier.
    drop_proxies : bool, default False
        Remove the proxy columns from the result (needed to backtest when a
        proxy ends before the other funds).

    Returns
    -------
    pandas.DataFrame
        A new prices frame where each fund starts at its proxy's first date.
        ``result.attrs["splices"]`` is a tuple of :class:`Splice` records
        (earlier splices first, including any already in ``prices.attrs``);
        read it with :func:`splices`.

    Raises
    ------
    DataError
        ``proxies`` is not a ``{fund: proxy}`` mapping of strings, a fund or
        proxy is not a column, a fund is its own proxy, or the proxy has no
        price on the fund's first date (the junction; e.g. it ends before).

    Warns
    -----
    SpliceWarning
        The proxy does not extend the fund (it starts on or after it), or the
        two funds' returns correlate below 0.5 where they overlap.

    Notes
    -----
    With junction :math:`t_0` (the fund's first price :math:`P_{t_0}`) and
    proxy prices :math:`Q_t`, the extended fund is

    .. math:: P_t = P_{t_0} \\, Q_t / Q_{t_0}, \\qquad t < t_0,

    so each return before and on :math:`t_0` is the proxy's return
    :math:`Q_t / Q_{t-1} - 1` and each later return is the fund's. Levels of
    the two series are never mixed: Yahoo's backward adjustment makes levels
    depend on the download date, returns do not.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.bdate_range("2024-01-01", periods=4)
    >>> p = pd.DataFrame({"NEW": [None, None, 10.0, 11.0], "OLD": [1.0, 2.0, 4.0, 5.0]}, index=idx)
    >>> out = splice(p, {"NEW": "OLD"})
    >>> out["NEW"].tolist()
    [2.5, 5.0, 10.0, 11.0]
    >>> splices(out)[0].junction.date()
    datetime.date(2024, 1, 3)
    """
    if not isinstance(proxies, Mapping):
        example = (
            f"{{{proxies[0]!r}: {proxies[1]!r}}}"
            if isinstance(proxies, list | tuple) and len(proxies) == 2
            else "{'AGG': 'VBMFX'}"
        )
        raise DataError(
            f"splice: proxies must be a mapping {{fund: proxy}}, e.g. {example}, "
            f"got {type(proxies).__name__} {proxies!r}"[:300]
        )
    for ticker, proxy in proxies.items():
        if not isinstance(ticker, str) or not isinstance(proxy, str):
            raise DataError(
                f"splice: proxies must map ticker names to ticker names (strings), got "
                f"{ticker!r}: {proxy!r}"
            )
    if not isinstance(drop_proxies, bool):
        raise DataError(f"splice: drop_proxies must be True or False, got {drop_proxies!r}")
    # a proxy may have stopped trading: NaN after its last price is fine here
    frame = validate_prices(prices, max_move=None, allow_early_end=True)
    records = list(splices(prices))
    for ticker, proxy in proxies.items():
        for name, role in ((ticker, "fund"), (proxy, "proxy")):
            if name not in frame.columns:
                raise DataError(
                    f"splice: {role} {name!r} is not a column of prices "
                    f"({list(frame.columns)}); load it too, with align='own'"
                )
        if ticker == proxy:
            raise DataError(f"splice: {ticker!r} cannot be its own proxy")
        own = frame[ticker].to_numpy()
        prox = frame[proxy].to_numpy()
        j = int(np.argmax(~np.isnan(own)))
        p0 = int(np.argmax(~np.isnan(prox)))
        junction = frame.index[j]
        if p0 >= j:
            warnings.warn(
                f"splice: {proxy} (first price {frame.index[p0].date()}) does not start before "
                f"{ticker} ({junction.date()}); nothing spliced",
                SpliceWarning,
                stacklevel=2,
            )
            continue
        if np.isnan(prox[j]):
            p1 = int(np.flatnonzero(~np.isnan(prox))[-1])
            raise DataError(
                f"splice: {proxy}'s last price is on {frame.index[p1].date()}, before "
                f"{junction.date()}, {ticker}'s first date, so the returns cannot be chained "
                f"there; use a proxy priced on {junction.date()}"
            )
        corr = _overlap_correlation(own[j:], prox[j:])
        if not np.isnan(corr) and corr < _MIN_CORRELATION:
            warnings.warn(
                f"splice: {ticker} and its proxy {proxy} have return correlation {corr:.2f} "
                f"after {junction.date()}; is {proxy} a good proxy for {ticker}?",
                SpliceWarning,
                stacklevel=2,
            )
        extended = own.copy()
        extended[p0:j] = own[j] * prox[p0:j] / prox[j]
        frame[ticker] = extended
        records.append(Splice(ticker, proxy, frame.index[p0], junction, corr))
    if drop_proxies:
        frame = frame.drop(
            columns=[
                p
                for p in dict.fromkeys(proxies.values())
                if p in frame.columns and p not in proxies
            ]
        )
    result = validate_prices(frame, max_move=None, allow_early_end=True)
    result.attrs["splices"] = tuple(records)
    return result


def splices(prices: pd.DataFrame) -> tuple[Splice, ...]:
    """The :class:`Splice` records of a frame made by :func:`splice` (empty if none).

    Examples
    --------
    >>> import pandas as pd
    >>> splices(pd.DataFrame())
    ()
    """
    if not isinstance(prices, pd.DataFrame | pd.Series):
        raise DataError(f"splices: prices must be a DataFrame, got {type(prices).__name__}")
    records = prices.attrs.get("splices", ())
    return tuple(r for r in records if isinstance(r, Splice))


def _overlap_correlation(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = a[1:] / a[:-1] - 1.0, b[1:] / b[:-1] - 1.0
    ok = np.isfinite(ra) & np.isfinite(rb)
    if ok.sum() < 3 or np.std(ra[ok]) == 0 or np.std(rb[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(ra[ok], rb[ok])[0, 1])
