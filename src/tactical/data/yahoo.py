"""Prices from Yahoo Finance through yfinance, with the adjustment stated explicitly.

yfinance is imported only when a download actually happens.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, combine, fmt_span, normalize_tickers
from tactical.errors import DataError, NetworkError, NoDataError, SourceError

__all__ = ["YahooSource"]

_FIELDS = {"total_return": "Adj Close", "price": "Close"}


def _yfinance_download(**kwargs: Any) -> pd.DataFrame:
    import yfinance  # heavy; only when downloading

    return yfinance.download(**kwargs)


_NETWORK_NAMES = {
    "ConnectionError",
    "ConnectTimeout",
    "DNSError",
    "NameResolutionError",
    "NewConnectionError",
    "gaierror",
    "ConnectionRefusedError",
    "ConnectionResetError",
}
_NETWORK_TEXT = (
    "could not resolve host",
    "failed to resolve",
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated with hostname",
    "getaddrinfo failed",
    "network is unreachable",
    "no route to host",
    "failed to establish a new connection",
    "connection refused",
    "could not connect to server",
    "couldn't connect to server",
    "curl: (6)",
    "curl: (7)",
    "dnserror",
)


def _is_network_failure(exc_or_text: BaseException | str) -> bool:
    """Whether an exception or a yfinance error message says the network is unreachable."""
    if isinstance(exc_or_text, BaseException):
        chain: list[BaseException] = []
        e: BaseException | None = exc_or_text
        while e is not None and len(chain) < 10:
            chain.append(e)
            e = e.__cause__ or e.__context__
        if any({c.__name__ for c in type(x).__mro__} & _NETWORK_NAMES for x in chain):
            return True
        text = " ".join(str(x) for x in chain).lower()
    else:
        text = exc_or_text.lower()
    return any(marker in text for marker in _NETWORK_TEXT)


def _no_network(names: list[str], cause: str) -> NetworkError:
    return NetworkError(
        f"no network: cannot reach Yahoo Finance to download {names} ({cause}). Connect "
        "and retry, or work offline: cached prices are used when there are any, "
        "source='sample' loads the bundled dataset, and source='<folder>' reads CSV files"
    )


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self.records.append(record)


def _replay(records: list[logging.LogRecord]) -> None:
    """Hand yfinance's log records of a download that succeeded back to its logger."""
    logger = logging.getLogger("yfinance")
    for record in records:
        logger.handle(record)


@contextlib.contextmanager
def _yfinance_log() -> Iterator[_LogCapture]:
    """Collect yfinance's warnings and errors (how it reports per-ticker failures) for the
    duration of one download, so the reason reaches our error message instead of a log
    line per ticker."""
    logger = logging.getLogger("yfinance")
    handler = _LogCapture()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _is_rate_limit(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    text = str(exc).lower()
    return "YFRateLimitError" in names or "rate limit" in text or "too many requests" in text


@dataclass(frozen=True, slots=True)
class YahooSource:
    """Daily closes from Yahoo Finance via ``yfinance.download``.

    Parameters
    ----------
    adjustment : {"total_return", "price"}, default "total_return"
        ``"total_return"`` reads Yahoo's "Adj Close" (split- and
        dividend-adjusted); ``"price"`` reads "Close" (split-adjusted only).
        The download always asks for ``auto_adjust=False, actions=False``, so
        yfinance's changing defaults never decide which series you get.
    retries : int, default 3
        Retries after a rate-limit error (``YFRateLimitError`` or "Too Many
        Requests"), waiting ``backoff * 2**k`` seconds before retry ``k``.
        Tickers that come back empty are retried once (yfinance reports
        per-ticker failures, including rate limits, as empty columns), unless
        the network is unreachable: a DNS or connection failure (raised, or
        logged by yfinance for the tickers) raises
        :class:`~tactical.errors.NetworkError` at once, saying "no network",
        never blaming the symbols or a rate limit. During a download,
        yfinance's log lines are collected rather than printed one per
        ticker: their text goes into the error when a ticker fails, and they
        are handed back to the ``yfinance`` logger when the download succeeds.
    backoff : float, default 2.0
        First wait in seconds.
    download : callable, optional
        Replacement for ``yfinance.download`` taking the same keyword
        arguments and returning a frame in either of yfinance's layouts
        (tests inject fakes here).
    sleep : callable, default time.sleep

    Notes
    -----
    yfinance returns columns as a ``(Price, Ticker)`` MultiIndex (several
    tickers, or one with ``multi_level_index=True``, the default since
    0.2.48), as ``(Ticker, Price)`` with ``group_by="ticker"``, or flat
    (``Open, High, ..., Adj Close``) for one ticker in older versions; all
    are read. yfinance's ``end`` is exclusive; ours is inclusive, so one day
    is added. With no ``start``, the full history is requested
    (``period="max"``, or from 1970-01-01 when only ``end`` is given).
    Duplicate dates (a known Yahoo glitch on the latest bar) keep the last row.
    """

    adjustment: Literal["total_return", "price"] = "total_return"
    retries: int = 3
    backoff: float = 2.0
    download: Callable[..., pd.DataFrame] | None = None
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if not isinstance(self.adjustment, str) or self.adjustment not in _FIELDS:
            raise DataError(f"adjustment={self.adjustment!r}; use 'total_return' or 'price'")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise DataError(f"retries={self.retries!r}; use a whole number >= 0")
        if (
            isinstance(self.backoff, bool)
            or not isinstance(self.backoff, int | float)
            or not math.isfinite(self.backoff)
            or self.backoff < 0
        ):
            raise DataError(f"backoff={self.backoff!r}; use a number of seconds >= 0")
        if self.download is not None and not callable(self.download):
            raise DataError("download must be a callable like yfinance.download")

    @property
    def name(self) -> str:
        return "yahoo"

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Download ``tickers`` for ``start..end`` inclusive; see :class:`PriceSource`.

        Raises
        ------
        NoDataError
            Yahoo returned no data for a ticker (listed by name).
        SourceError
            The download raised (rate limit after all retries, network...);
            the cause is chained.
        """
        names = normalize_tickers(tickers)
        start, end = check_range(start, end)
        frame, log = self._call(names, start, end)
        logged, records = log.messages, list(log.records)
        got = self._extract(frame, names)
        missing = [t for t in names if t not in got]
        self._raise_if_offline(missing, logged)
        if missing:  # one more try: yfinance turns per-ticker failures into empty columns
            self.sleep(self.backoff)
            frame, log = self._call(missing, start, end)
            logged, records = log.messages, records + log.records
            got.update(self._extract(frame, missing))
            missing = [t for t in names if t not in got]
            self._raise_if_offline(missing, logged)
        if missing:
            reasons = "; ".join(dict.fromkeys(" ".join(m.split()) for m in logged))[:300]
            raise NoDataError(
                f"Yahoo returned no {_FIELDS[self.adjustment]!r} data for {missing} between "
                f"{fmt_span(start, end, last='today')}"
                + (f" (yfinance: {reasons})" if reasons else "")
                + "; check the symbol(s) on finance.yahoo.com (mutual funds need their exact "
                "symbol, e.g. VFIAX), the dates, or try again later if Yahoo is rate limiting"
            )
        cut = {t: clip(got[t], start, end) for t in names}
        empty = [t for t, s in cut.items() if s.empty]
        if empty:
            raise NoDataError(f"Yahoo returned no data for {empty} inside the requested dates")
        _replay(records)  # nothing failed: yfinance's own notes reach its logger as usual
        return combine(cut)[names]

    @staticmethod
    def _raise_if_offline(missing: list[str], logged: list[str]) -> None:
        if missing:
            found = [m for m in logged if _is_network_failure(m)]
            # the per-ticker line ("curl: (6) Could not resolve host ...") says most
            found.sort(key=lambda m: ("resolve host" not in m.lower() and "curl:" not in m, 0))
            offline = found[0] if found else None
            if offline is not None:
                raise _no_network(missing, " ".join(offline.split())[:200])

    def _call(
        self, names: list[str], start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> tuple[pd.DataFrame | None, _LogCapture]:
        kwargs: dict[str, Any] = {
            "tickers": names,
            "interval": "1d",
            "auto_adjust": False,
            "actions": False,
            "progress": False,
            "threads": False,
            "group_by": "column",
        }
        if start is None and end is None:
            kwargs["period"] = "max"
        else:
            kwargs["start"] = (start if start is not None else pd.Timestamp("1970-01-01")).strftime(
                "%Y-%m-%d"
            )
            if end is not None:
                kwargs["end"] = (end + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        download = self.download if self.download is not None else _yfinance_download
        for attempt in range(self.retries + 1):
            try:
                with _yfinance_log() as log:
                    frame = download(**kwargs)
                return frame, log
            except Exception as exc:  # noqa: BLE001 - anything yfinance raises is wrapped
                if _is_network_failure(exc):
                    raise _no_network(names, f"{type(exc).__name__}: {exc}"[:200]) from exc
                if _is_rate_limit(exc) and attempt < self.retries:
                    self.sleep(self.backoff * 2**attempt)
                    continue
                what = "rate limited" if _is_rate_limit(exc) else "failed"
                raise SourceError(
                    f"Yahoo download {what} for {names} after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {exc}; try again later or load from CSV"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _extract(self, frame: pd.DataFrame | None, names: list[str]) -> dict[str, pd.Series]:
        field = _FIELDS[self.adjustment]
        if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
            return {}
        columns = frame.columns
        by_ticker: dict[str, pd.Series] = {}
        if isinstance(columns, pd.MultiIndex):
            level = next(
                (i for i in range(columns.nlevels) if field in columns.get_level_values(i)), None
            )
            if level is None:
                fields = sorted(
                    {str(v) for i in range(columns.nlevels) for v in columns.get_level_values(i)}
                )
                raise SourceError(
                    f"yfinance returned no {field!r} column (columns: {fields}); was the "
                    "download made with auto_adjust=True? tactical needs auto_adjust=False"
                )
            other = 1 - level if columns.nlevels == 2 else None
            if other is None:
                raise SourceError(f"unexpected yfinance column levels: {columns.names}")
            sub = frame.xs(field, axis=1, level=level)
            lookup = {str(c).upper(): c for c in sub.columns}
            for t in names:
                if t.upper() in lookup:
                    by_ticker[t] = sub[lookup[t.upper()]]
        else:
            if field not in columns:
                raise SourceError(
                    f"yfinance returned no {field!r} column (columns: {list(columns)}); "
                    "tactical needs auto_adjust=False"
                )
            if len(names) != 1:
                raise SourceError(
                    f"yfinance returned one flat set of columns for {len(names)} tickers "
                    f"{names}; cannot tell which is which"
                )
            by_ticker[names[0]] = frame[field]
        out = {}
        for t, col in by_ticker.items():
            if isinstance(col, pd.DataFrame):  # duplicated ticker columns
                col = col.iloc[:, -1]
            index = pd.DatetimeIndex(pd.to_datetime(col.index))
            if index.tz is not None:
                index = index.tz_localize(None)
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
            s = pd.Series(values, index=index.normalize(), name=t).dropna()
            s = s[~s.index.duplicated(keep="last")].sort_index()
            if len(s):
                out[t] = s
        return out
