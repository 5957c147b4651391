"""The bundled offline dataset: monthly US stocks, Treasuries and T-bills, 1926-2018.

Built by ``data/build_sample.py`` from data shipped inside two PyPI wheels
(``arch`` 8.0.0: Fama-French monthly factors; ``zipline-reloaded`` 3.2.1:
daily Treasury constant-maturity yields); ``data/README.md`` documents every
source, licence and transformation and the tracking against real funds.
The files are package data, so this works offline and from a wheel.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from tactical.data._frames import check_range, clip, combine, normalize_tickers
from tactical.data.validate import validate_prices
from tactical.errors import DataError, NoDataError

__all__ = ["SampleInfo", "SampleSource", "load_sample", "load_sample_rates", "sample_info"]

_PRICES = "prices_monthly.csv.gz"
_QUOTES = "tbill_3m_daily.csv.gz"

_TICKERS = {
    "US_STOCKS": "US stock market total return (Fama-French Mkt-RF + RF: value-weighted "
    "NYSE/AMEX/NASDAQ stocks), like VTSMX/VTI or VFINX; 1926-07 to 2018-11",
    "TBILL": "One-month US Treasury bill total return (Fama-French RF), a cash fund; "
    "1926-07 to 2018-11",
    "TSY_2Y": "2-year constant-maturity Treasury, par bond repriced monthly, like SHY; "
    "1990-02 to 2017-02",
    "TSY_10Y": "10-year constant-maturity Treasury, par bond repriced monthly, like IEF; "
    "1990-02 to 2017-02",
    "TSY_LONG": "30-year constant-maturity Treasury (20-year from 2002-03 to 2006-02, when "
    "the 30-year was not issued), par bond repriced monthly, like TLT/VUSTX; 1990-02 to 2017-02",
}


@dataclass(frozen=True, slots=True)
class SampleInfo:
    """What the bundled dataset is and where it comes from.

    Attributes
    ----------
    tickers : dict of str to str
        Column name -> description (what it tracks and its dates).
    frequency : str
        ``"monthly"``: one row per month, on the month's last weekday.
    first, last : dict of str to Timestamp
        Each column's first and last price (100 on the first date).
    sources : tuple of str
        Provenance and licences, one line each.
    default_window : tuple of Timestamp
        The window :func:`load_sample` returns with all tickers.
    """

    tickers: dict[str, str]
    frequency: str
    first: dict[str, pd.Timestamp]
    last: dict[str, pd.Timestamp]
    sources: tuple[str, ...]
    default_window: tuple[pd.Timestamp, pd.Timestamp] = field(default=(pd.NaT, pd.NaT))

    def __str__(self) -> str:
        lines = [f"tactical sample dataset ({self.frequency}, total-return indexes = 100 at start)"]
        for t, text in self.tickers.items():
            lines.append(f"  {t:<10} {self.first[t].date()} .. {self.last[t].date()}  {text}")
        lines.extend(f"  source: {s}" for s in self.sources)
        return "\n".join(lines)


def _read_gz(name: str) -> pd.DataFrame:
    try:
        blob = resources.files("tactical.data").joinpath("sample", name).read_bytes()
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - broken install
        raise NoDataError(
            f"bundled sample file {name} is missing from the tactical install; reinstall "
            "tactical or rebuild it with data/build_sample.py"
        ) from exc
    frame = pd.read_csv(io.BytesIO(gzip.decompress(blob)), index_col="date", parse_dates=["date"])
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame.astype(np.float64)


def _read_sample_prices() -> pd.DataFrame:
    """All sample columns, NaN outside each column's history (not a valid prices frame)."""
    return _read_gz(_PRICES)


def _read_sample_rates() -> pd.Series:
    """Daily 3-month constant-maturity Treasury yield, percent, bond-equivalent basis."""
    return _read_gz(_QUOTES)["value"].rename("sample")


def sample_info() -> SampleInfo:
    """Describe the bundled dataset: columns, dates, frequency, provenance.

    Examples
    --------
    >>> info = sample_info()
    >>> sorted(info.tickers)
    ['TBILL', 'TSY_10Y', 'TSY_2Y', 'TSY_LONG', 'US_STOCKS']
    >>> info.frequency
    'monthly'
    """
    raw = _read_sample_prices()
    first = {c: raw[c].first_valid_index() for c in raw.columns}
    last = {c: raw[c].last_valid_index() for c in raw.columns}
    return SampleInfo(
        tickers=dict(_TICKERS),
        frequency="monthly",
        first=first,
        last=last,
        sources=(
            "US_STOCKS, TBILL: Fama-French research factors (Kenneth R. French Data Library), "
            "monthly, as shipped in arch 8.0.0 (arch/data/frenchdata, NCSA licence)",
            "TSY_*: daily US Treasury constant-maturity yields 1990-2017 (US Treasury, public "
            "domain) as shipped in zipline-reloaded 3.2.1 (treasury_curves.csv, Apache-2.0)",
            "rebuilt by data/build_sample.py; see data/README.md for every transformation",
        ),
        default_window=(max(first.values()), min(last.values())),
    )


def load_sample(
    tickers: str | Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Load the bundled offline dataset as a validated prices frame (no network).

    Parameters
    ----------
    tickers : str or sequence of str, optional
        Columns among ``US_STOCKS``, ``TBILL``, ``TSY_2Y``, ``TSY_10Y``,
        ``TSY_LONG`` (see :func:`sample_info`); default all five.
    start, end : date-like, optional
        Inclusive bounds.

    Returns
    -------
    pandas.DataFrame
        Monthly total-return indexes (100 at each series' start), one row per
        month on its last weekday, ``DatetimeIndex`` named ``date``. The rows
        are the common window of the requested columns, by design and without
        a warning: 1990-01-31 to 2017-02-28 with any Treasury column,
        1926-06-30 to 2018-11-30 for ``US_STOCKS`` and ``TBILL`` alone.

    Examples
    --------
    >>> prices = load_sample()
    >>> prices.index[0].date(), prices.index[-1].date(), prices.shape
    (datetime.date(1990, 1, 31), datetime.date(2017, 2, 28), (326, 5))
    >>> load_sample("US_STOCKS").index[0].date()
    datetime.date(1926, 6, 30)
    """
    raw = _read_sample_prices()
    names = list(raw.columns) if tickers is None else normalize_tickers(tickers)
    unknown = [t for t in names if t not in raw.columns]
    if unknown:
        raise NoDataError(f"unknown sample ticker(s) {unknown}; the sample has {list(raw.columns)}")
    start_ts, end_ts = check_range(start, end)
    frame = raw[names].dropna(how="any")
    frame = clip(frame, start_ts, end_ts)
    if frame.empty:
        raise NoDataError(
            f"no sample prices for {names} between {start} and {end}; see sample_info()"
        )
    return validate_prices(frame)


def load_sample_rates(
    index: pd.DatetimeIndex | pd.DataFrame | pd.Series | None = None,
) -> pd.Series:
    """Per-period cash returns of the sample (one-month T-bills), for ``"CASH"`` and risk-free.

    Parameters
    ----------
    index : DatetimeIndex, DataFrame or Series, optional
        Dates to return on, all of them sample dates (month ends);
        default ``load_sample().index``.

    Returns
    -------
    pandas.Series
        Named ``"CASH"``: simple decimal return of the ``TBILL`` column from
        the previous date of ``index`` to each date (compounded over skipped
        months); NaN on the first date, which has no previous date.

    Examples
    --------
    >>> cash = load_sample_rates()
    >>> round(float(cash.loc["1990-02-28"]), 4)  # Fama-French RF for 1990-02: 0.57 %
    0.0057
    """
    if index is None:
        index = load_sample().index
    elif isinstance(index, pd.DataFrame | pd.Series):
        index = index.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataError(f"index must be a DatetimeIndex, got {type(index).__name__}")
    bill = _read_sample_prices()["TBILL"]
    missing = index.difference(bill.index)
    if len(missing):
        raise DataError(
            f"{len(missing)} date(s) of index are not sample month ends (first "
            f"{missing[0].date()}); use the index of load_sample(), or cash_returns() with "
            "load_rates('sample') for other dates"
        )
    level = bill.reindex(index).to_numpy()
    out = np.full(len(index), np.nan)
    out[1:] = level[1:] / level[:-1] - 1.0
    result = pd.Series(out, index=index.copy(), name="CASH")
    result.index.name = "date"
    return result


@dataclass(frozen=True, slots=True)
class SampleSource:
    """The bundled dataset as a :class:`PriceSource` (``load_prices(..., source="sample")``).

    Unlike :func:`load_sample`, each column keeps its own history, so
    :func:`load_prices` aligns and warns as for any source.
    """

    @property
    def name(self) -> str:
        return "sample"

    @property
    def adjustment(self) -> str:
        return "total_return"

    def fetch(
        self,
        tickers: Sequence[str],
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Sample columns ``tickers``, ``start..end`` inclusive."""
        names = normalize_tickers(tickers)
        start, end = check_range(start, end)
        raw = _read_sample_prices()
        unknown = [t for t in names if t not in raw.columns]
        if unknown:
            raise NoDataError(f"unknown sample ticker(s) {unknown}; it has {list(raw.columns)}")
        out = {}
        for t in names:
            col = clip(raw[t].dropna(), start, end)
            if col.empty:
                raise NoDataError(f"no sample prices for {t} between {start} and {end}")
            out[t] = col
        return combine(out)[names]
