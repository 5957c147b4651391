"""Prices from CSV files: a folder of one file per ticker, a Yahoo export, a wide file.

Three layouts are recognised, by their column names (case, spaces and hyphens
ignored: ``Adj Close`` = ``adj_close``):

* **per-ticker OHLC** (``date,open,high,low,close,adj_close,volume``, the
  layout of the shared data folder) and the **classic Yahoo export**
  (``Date,Open,High,Low,Close,Adj Close,Volume``): the ticker is the file name
  (``SPY.csv`` -> ``SPY``) and the price is ``adj_close`` (dividend-adjusted,
  the total-return series). A file with ``close`` but no ``adj_close`` is
  refused unless ``column="close"`` is passed, because Yahoo's ``Close`` is
  not adjusted for dividends.
* **wide**: a date column plus one column per ticker (``date,SPY,AGG``). A
  per-ticker file with a single value column (``Date,VBMFX``) is the wide
  layout with one ticker. Wide values are taken to be total-return closes.

A ticker may be named like an OHLC field when it is the only such column,
is written in upper case and sits beside another ticker (``date,SPY,LOW``)
or is the file's name (``LOW.csv`` holding ``Date,LOW``).

The date column is the one named ``date``, ``datetime``, ``timestamp``,
``time``, ``time_period`` or ``observation_date``. One format is inferred for
the whole column: ISO 8601 (``2024-01-02``, with or without a time and UTC
offset), else US ``01/02/2024`` or day-first ``02/01/2024`` and a few others,
each tried strictly on every row; a column both month-first and day-first
read, with different dates, is refused as ambiguous. Blank cells and the strings
``null``, ``NaN``, ``NA``, ``N/A``, ``#N/A`` and ``.`` are missing values;
missing values before a fund's first price or after its last are dropped, but
inside its history they are an error.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tactical.data._frames import (
    as_path,
    check_range,
    clip,
    combine,
    fmt_dates,
    fmt_span,
    normalize_tickers,
)
from tactical.errors import DataError, DataGapError, NoDataError

__all__ = ["CsvSource", "read_price_file"]

_DATE_NAMES = ("date", "datetime", "timestamp", "time", "time_period", "observation_date")
_OHLC_NAMES = {"open", "high", "low", "close", "volume"}
_BLANKS = {"", "null", "nan", "na", "n/a", "#n/a", ".", "none"}
_SUFFIXES = (".csv", ".csv.gz", ".txt")


def _read_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    """``pd.read_csv`` with every way a damaged file fails turned into a named error."""
    try:
        return pd.read_csv(path, **kwargs)  # type: ignore[call-overload]
    except pd.errors.EmptyDataError as exc:
        raise NoDataError(f"{path} is empty") from exc
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataError(
            f"{path} is not a readable gzip file (corrupt or cut short: {type(exc).__name__}: "
            f"{exc}); download or export it again, or delete it"
        ) from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not a readable CSV file: {exc}") from exc
    except OSError as exc:
        raise DataError(
            f"cannot read {path}: {type(exc).__name__}: {exc}; check the file and its permissions"
        ) from exc


def _norm(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in _SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


_TZ_SUFFIX = re.compile(r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$")
"""A time of day followed by a UTC offset; the offset is dropped (the local date is the bar's)."""

_DATE_FORMATS: tuple[tuple[str, ...], ...] = (
    ("%m/%d/%Y", "%d/%m/%Y"),
    ("%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S"),
    ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"),
    ("%m/%d/%y", "%d/%m/%y"),
    ("%m-%d-%Y", "%d-%m-%Y"),
    ("%d.%m.%Y",),
    ("%Y/%m/%d",),
    ("%Y/%m/%d %H:%M:%S",),
    ("%d-%b-%Y",),
    ("%d %b %Y",),
    ("%b %d, %Y",),
    ("%b %d %Y",),
)
"""Non-ISO date formats tried, strictly, on a whole column when ISO 8601 fails.

Each group holds the readings of one shape (US month-first, then day-first);
a column both readings parse, with different dates, is ambiguous."""


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    """``text`` parsed with one format; unparseable cells are NaT."""
    try:
        return pd.to_datetime(text, errors="coerce", format=fmt)
    except (ValueError, TypeError):  # e.g. offsets left on date-only cells
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")


def _parse_dates(raw: pd.Series, path: Path) -> pd.DatetimeIndex:
    """Parse the date column with ONE format for every row.

    ISO 8601 (``2024-01-02``, ``2024-01-02 00:00:00``, with or without a UTC
    offset, which is dropped) is tried first, then each format of
    ``_DATE_FORMATS`` strictly. Parsing cell by cell would read ``05/02/2024``
    as 2 May and ``13/02/2024`` as 13 February in the same file.

    Raises
    ------
    DataError
        No format reads every row (the rows the closest one fails on are
        shown), or both the month-first and the day-first reading read every
        row and disagree (ambiguous: convert the file to ISO dates).
    """
    text = raw.astype(str).str.strip().str.replace(_TZ_SUFFIX, r"\1", regex=True)
    dates = _to_datetime(text, "ISO8601")
    if dates.isna().any():
        best = dates
        chosen: tuple[str, pd.Series] | None = None
        for group in _DATE_FORMATS:
            full = []
            for fmt in group:
                parsed = _to_datetime(text, fmt)
                if parsed.isna().sum() < best.isna().sum():
                    best = parsed
                if not parsed.isna().any():
                    full.append((fmt, parsed))
            if len(full) > 1 and not full[0][1].equals(full[1][1]):
                differ = np.flatnonzero((full[0][1] != full[1][1]).to_numpy())
                i = int(differ[0])
                raise DataError(
                    f"{path}: ambiguous dates in column {raw.name!r}: every row reads as "
                    f"{full[0][0]} and as {full[1][0]} ({text.iloc[i]!r} on row {i + 2} is "
                    f"{full[0][1].iloc[i].date()} or {full[1][1].iloc[i].date()}); "
                    "convert the dates to YYYY-MM-DD"
                )
            if full:
                chosen = full[0]
                break
        if chosen is None:
            rows = np.flatnonzero(best.isna().to_numpy())
            shown = ", ".join(repr(text.iloc[i]) for i in rows[:3])
            raise DataError(
                f"{path}: {len(rows)} unreadable date(s) in column {raw.name!r} "
                f"(rows {', '.join(str(i + 2) for i in rows[:3])}: {shown}); every row must "
                "use one format, best YYYY-MM-DD"
            )
        dates = chosen[1]
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        index = index.tz_localize(None)
    return index.normalize()


def _parse_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float64 values of stripped text cells, and where a cell is neither a number nor blank.

    A blank cell (one of :data:`_BLANKS`) is NaN.
    """
    blank = text.str.lower().isin(_BLANKS).to_numpy()
    values = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=np.float64)
    return values, np.isnan(values) & ~blank


def _parse_values(raw: pd.Series, dates: pd.DatetimeIndex, path: Path, ticker: str) -> pd.Series:
    text = raw.astype(str).str.strip()
    values, bad = _parse_numbers(text)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(repr(text.iloc[i]) for i in rows[:3])
        raise DataError(
            f"{path}: non-numeric value(s) {shown} for {ticker} (column {raw.name!r}) on "
            f"{fmt_dates(dates[rows])}; fix or blank those cells"
        )
    return pd.Series(values, index=dates, name=ticker)


def _clean_series(series: pd.Series, path: Path, ticker: str) -> pd.Series:
    """Sorted, checked, NaN-free series (leading/trailing blanks dropped)."""
    values = series.to_numpy()
    present = ~np.isnan(values)
    if not present.any():
        raise NoDataError(f"{path}: no prices for {ticker} (column is empty)")
    first, last = np.flatnonzero(present)[[0, -1]]
    inside = series.iloc[first : last + 1]
    holes = inside.index[inside.isna().to_numpy()]
    if len(holes):
        raise DataGapError(
            f"{path}: {len(holes)} missing price(s) for {ticker} inside its history, on "
            f"{fmt_dates(holes)}; fill them from another source or cut the file after them"
        )
    nonpos = inside.index[(inside <= 0).to_numpy()]
    if len(nonpos):
        raise DataError(
            f"{path}: non-positive price(s) for {ticker} on {fmt_dates(nonpos)} "
            f"(first value {inside.loc[nonpos[0]]}); prices must be > 0"
        )
    if np.isinf(inside.to_numpy()).any():
        where = inside.index[np.isinf(inside.to_numpy())]
        raise DataError(f"{path}: infinite price(s) for {ticker} on {fmt_dates(where)}")
    return inside.astype(np.float64)


def _check_header(path: Path) -> None:
    """Refuse repeated column names (pandas would silently rename ``SPY`` to ``SPY.1``)."""
    header = _read_csv(
        path, header=None, nrows=1, dtype=str, keep_default_na=False, skipinitialspace=True
    )
    seen: dict[str, str] = {}
    for cell in header.iloc[0].tolist():
        name = str(cell).strip()
        if not name:
            continue
        if _norm(name) in seen:
            first = seen[_norm(name)]
            same = repr(name) if first == name else f"{first!r} and {name!r}"
            raise DataError(
                f"{path}: column {same} appears twice in the header; keep one column per "
                "ticker (rename or delete the other)"
            )
        seen[_norm(name)] = name


def _is_ohlc(columns: pd.Index, date_column: str, stem: str) -> bool:
    """Whether the columns are an open/high/low/close/volume layout rather than tickers.

    Two or more OHLC names, or one not in upper case (``close``, ``Close``),
    make an OHLC file. A single upper-case one is a ticker when another
    ticker sits beside it (``date,SPY,LOW``) or it is the file's name
    (``LOW.csv`` holding ``Date,LOW``); alone in ``SPY.csv`` it is a field.
    """
    fields = [str(c).strip() for c in columns if _norm(c) in _OHLC_NAMES]
    if len(fields) != 1 or not fields[0].isupper():
        return bool(fields)
    others = [c for c in columns if c != date_column and _norm(c) not in _OHLC_NAMES]
    return not others and fields[0] != stem.upper()


def read_price_file(path: str | os.PathLike[str], *, column: str | None = None) -> pd.DataFrame:
    """Read one CSV price file in any of the recognised layouts.

    Parameters
    ----------
    path : str or path-like
        The file (``.csv``, or ``.csv.gz`` read transparently).
    column : str, optional
        Price column to read from a per-ticker file (``"close"`` for price
        only). Default: ``adj_close`` for OHLC files; every column for wide files.

    Returns
    -------
    pandas.DataFrame
        Shape ``(n_dates, n_tickers)``, ``DatetimeIndex`` named ``date``,
        float64, sorted, NaN only before a fund's first price or after its
        last (funds in a wide file can start and end on different dates).

    Raises
    ------
    DataError
        A corrupt or truncated ``.csv.gz``, an unreadable file, no date or
        price column, a column name repeated in the header,
        unreadable or ambiguous dates (``05/02/2024`` when every row reads
        both month-first and day-first), non-numeric cells, duplicate or
        weekend dates, non-positive prices; the message names the file,
        ticker and dates.
    DataGapError
        A blank cell inside a fund's history.
    NoDataError
        Missing or empty file, or an empty price column.
    """
    path = as_path(path, "path")
    if column is not None and (not isinstance(column, str) or not column.strip()):
        raise DataError(f"column must be a column name such as 'close', got {column!r}")
    if not path.is_file():
        raise NoDataError(f"price file {path} does not exist")
    raw = _read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    _check_header(path)
    names = {_norm(c): c for c in raw.columns}
    date_key = next((n for n in _DATE_NAMES if n in names), None)
    if date_key is None:
        raise DataError(
            f"{path}: no date column; columns are {list(raw.columns)}; expected one named "
            "'date' or 'Date'"
        )
    if raw.empty:
        raise NoDataError(f"{path} has a header but no rows")
    dates = _parse_dates(raw[names[date_key]], path)
    stem = _stem(path)
    if column is not None:
        if _norm(column) not in names:
            raise DataError(f"{path}: no column {column!r}; columns are {list(raw.columns)}")
        value_cols = {stem: names[_norm(column)]}
    elif "adj_close" in names:
        value_cols = {stem: names["adj_close"]}
    elif _is_ohlc(raw.columns, names[date_key], stem):
        fields = [str(c).strip() for c in raw.columns if _norm(c) in _OHLC_NAMES]
        hint = (
            f" If {', '.join(fields)} are tickers of a wide file (one column per ticker), "
            "rename those headers or read the file with pandas and pass the DataFrame as source."
            if all(f.isupper() for f in fields)
            else ""
        )
        raise DataError(
            f"{path}: looks like an OHLC file ({', '.join(fields)}) but has no 'adj_close' "
            f"(Adj Close) column, so no dividend-adjusted price; columns are "
            f"{list(raw.columns)}. Pass column='close' to accept a price-only series (it "
            f"understates total return), or export adjusted closes.{hint}"
        )
    else:
        value_cols = {str(c).strip(): c for c in raw.columns if c != names[date_key]}
        if not value_cols:
            raise DataError(f"{path}: a date column but no price column; add one per ticker")
    dups = dates[dates.duplicated()]
    if len(dups):
        raise DataError(f"{path}: duplicate dates {fmt_dates(dups.unique())}; keep one row each")
    weekend = dates[dates.day_of_week >= 5]
    if len(weekend):
        raise DataError(
            f"{path}: weekend dates {fmt_dates(weekend)}; markets are closed then "
            "(is the date column shifted or in another time zone?)"
        )
    series = {}
    for ticker, col in value_cols.items():
        parsed = _parse_values(raw[col], dates, path, ticker).sort_index()
        series[ticker] = _clean_series(parsed, path, ticker)
    return combine(series)


@dataclass(frozen=True, slots=True)
class CsvSource:
    """Prices from a folder of per-ticker CSV files or from one CSV file.

    Parameters
    ----------
    path : str or path-like
        A folder holding ``<TICKER>.csv`` (or ``.csv.gz``) files, matched
        exactly first and then ignoring case; or one file (per-ticker or wide).
    column : str, optional
        Price column of per-ticker files; default ``adj_close`` (total return).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "prices.csv").write_text("date,A,B\\n2024-01-02,1.0,\\n2024-01-03,1.1,5.0\\n")
    >>> CsvSource(folder / "prices.csv").fetch(["B"])["B"].tolist()
    [5.0]
    """

    path: str | os.PathLike[str]
    column: str | None = None

    def __post_init__(self) -> None:
        as_path(self.path, "CsvSource path")
        if self.column is not None and (not isinstance(self.column, str) or not self.column):
            raise DataError(f"column must be a column name such as 'close', got {self.column!r}")

    @property
    def name(self) -> str:
        return "csv"

    @property
    def cache_namespace(self) -> str:
        """``csv-<hash of the absolute path>[-<column>]``: entries of two folders, or of
        two columns of one folder (``open``, ``high``), are never shared."""
        digest = hashlib.sha1(str(Path(self.path).resolve()).encode()).hexdigest()[:12]
        return f"csv-{digest}" if self.column is None else f"csv-{digest}-{_norm(self.column)}"

    @property
    def adjustment(self) -> str:
        if self.column is None or _norm(self.column) == "adj_close":
            return "total_return"
        return "price" if _norm(self.column) == "close" else "unspecified"

    def available(self) -> list[str]:
        """Tickers this source can provide (file stems of a folder, columns of a file)."""
        path = Path(self.path)
        if path.is_dir():
            return sorted(_stem(p) for p in path.iterdir() if p.name.lower().endswith(_SUFFIXES))
        return list(read_price_file(path, column=self.column).columns)

    def _file_for(self, folder: Path, ticker: str) -> Path:
        for suffix in _SUFFIXES:
            candidate = folder / f"{ticker}{suffix}"
            if candidate.is_file():
                return candidate
        for p in folder.iterdir():
            if p.is_file() and _stem(p).lower() == ticker.lower():
                return p
        known = self.available()
        raise NoDataError(
            f"unknown ticker {ticker!r}: no file {ticker}.csv in {folder} "
            f"(it has {len(known)}: {', '.join(known[:12])}{'...' if len(known) > 12 else ''})"
        )

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Read ``tickers`` and cut to ``start..end`` (inclusive); see :class:`PriceSource`."""
        tickers = normalize_tickers(tickers)
        start, end = check_range(start, end)
        path = Path(self.path)
        if not path.exists():
            raise NoDataError(f"price path {path} does not exist")
        out: dict[str, pd.Series] = {}
        if path.is_dir():
            for t in tickers:
                file = self._file_for(path, t)
                frame = read_price_file(file, column=self.column)
                if t in frame.columns:
                    col = frame[t]
                elif frame.shape[1] == 1:
                    col = frame.iloc[:, 0]
                else:
                    raise NoDataError(f"{file}: no column {t!r} (it has {list(frame.columns)})")
                out[t] = _cut(col.dropna(), start, end, t, file)
        else:
            frame = read_price_file(path, column=self.column)
            missing = [t for t in tickers if t not in frame.columns]
            if missing:
                raise NoDataError(
                    f"unknown ticker(s) {missing} in {path}; it has {list(frame.columns)}"
                )
            for t in tickers:
                out[t] = _cut(frame[t].dropna(), start, end, t, path)
        return combine(out)[tickers]


def _cut(
    col: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None, ticker: str, file: Path
) -> pd.Series:
    cut = clip(col, start, end)
    if cut.empty:
        raise NoDataError(
            f"{file}: no prices for {ticker} between {fmt_span(start, end)}; the file covers "
            f"{col.index[0].date()} to {col.index[-1].date()}"
        )
    return cut.rename(ticker)
