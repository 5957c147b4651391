"""Regressions from the data-layer review: cache never loses cached dates, one date
format per CSV column, cache namespace per column, header and OHLC-name checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import CachedSource, CsvSource, load_prices, read_price_file
from tactical.errors import DataError, DataGapError, DataGapWarning, StaleCacheWarning

DAYS = pd.bdate_range("2024-01-01", "2024-03-29")
FULL = pd.Series(100.0 * np.cumprod(1 + 0.001 * np.sin(np.arange(len(DAYS)))), index=DAYS)


class GlitchySource:
    """Serves ``FULL`` (times ``scale``) from ``since`` up to ``upto``, minus ``drop``."""

    name = "fake"
    adjustment = "total_return"

    def __init__(self) -> None:
        self.upto = pd.Timestamp("2024-02-15")
        self.since = pd.Timestamp("2024-01-01")
        self.scale = 1.0
        self.drop: list[str] = []
        self.calls: list[tuple[pd.Timestamp | None, pd.Timestamp | None]] = []

    def fetch(self, tickers, start=None, end=None):
        self.calls.append((start, end))
        s = FULL[(FULL.index <= self.upto) & (FULL.index >= self.since)] * self.scale
        s = s.drop(index=pd.DatetimeIndex(self.drop))
        if start is not None:
            s = s[s.index >= start]
        if end is not None:
            s = s[s.index <= end]
        return pd.DataFrame({tickers[0]: s}).rename_axis("date")


class Clock:
    def __init__(self, when: str) -> None:
        self.now = pd.Timestamp(when)

    def __call__(self) -> pd.Timestamp:
        return self.now


@pytest.fixture
def setup(tmp_path):
    src, clock = GlitchySource(), Clock("2024-02-15 18:00")
    return src, clock, CachedSource(src, tmp_path, now=clock)


def files(cached: CachedSource) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cached.folder.iterdir()}


# -- cache: a download never silently loses cached dates ----------------------------


def test_tail_refresh_lacking_cached_dates_keeps_the_cache_and_warns(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"])["SPY"]
    before = files(cached)
    src.upto, src.drop = pd.Timestamp("2024-03-29"), ["2024-02-12", "2024-02-13"]
    clock.now = pd.Timestamp("2024-03-30 09:00")
    with pytest.warns(
        StaleCacheWarning, match=r"SPY: the refresh lacks cached date\(s\) 2024-02-12"
    ):
        out = cached.fetch(["SPY"])["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before
    src.drop = []  # the glitch is gone: the next call refreshes normally
    out = cached.fetch(["SPY"])["SPY"]
    assert out.index.equals(FULL.index)
    np.testing.assert_allclose(out.to_numpy(), FULL.to_numpy(), rtol=1e-12)


def test_tail_refresh_may_add_a_date_the_cache_lacked(setup):
    src, clock, cached = setup
    src.drop = ["2024-02-13"]
    cached.fetch(["SPY"])
    src.upto, src.drop = pd.Timestamp("2024-03-29"), []
    clock.now = pd.Timestamp("2024-03-30 09:00")
    out = cached.fetch(["SPY"])["SPY"]
    assert out.index.equals(FULL.index)


def test_earlier_start_download_starting_after_the_cache_keeps_older_history(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))["SPY"]
    before = files(cached)
    src.since = pd.Timestamp("2024-02-01")  # truncated history from the source
    with pytest.warns(StaleCacheWarning, match=r"starts after the cache \(2024-01-15\)"):
        out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before
    assert cached.store.current(cached.key("SPY")).first == pd.Timestamp("2024-01-15")


def test_earlier_start_download_lacking_a_cached_date_keeps_the_cache(setup):
    src, clock, cached = setup
    first = cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))["SPY"]
    before = files(cached)
    src.drop = ["2024-01-31"]
    with pytest.warns(StaleCacheWarning, match=r"lacks cached date\(s\) 2024-01-31"):
        out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    pd.testing.assert_series_equal(out, first)
    assert files(cached) == before


def test_earlier_start_download_covering_the_cache_replaces_it(setup):
    src, clock, cached = setup
    cached.fetch(["SPY"], pd.Timestamp("2024-01-15"))
    out = cached.fetch(["SPY"], pd.Timestamp("2024-01-02"))["SPY"]
    assert out.index[0] == pd.Timestamp("2024-01-02")
    assert cached.store.current(cached.key("SPY")).first == pd.Timestamp("2024-01-02")


def test_future_end_is_served_from_a_fresh_cache_without_downloading(setup):
    src, clock, cached = setup
    future = pd.Timestamp("2024-12-31")
    cached.fetch(["SPY"], end=future)
    out = cached.fetch(["SPY"], end=future)
    assert len(src.calls) == 1
    assert out.index[-1] == pd.Timestamp("2024-02-15")
    clock.now = pd.Timestamp("2024-02-20 09:00")  # a later day still refreshes the tail
    cached.fetch(["SPY"], end=future)
    assert len(src.calls) == 2


def test_csv_cache_entries_are_kept_apart_per_column(tmp_path):
    (tmp_path / "X.csv").write_text(
        "date,open,high,low,close,adj_close,volume\n"
        "2024-01-02,1,5,0.5,2,1.9,10\n2024-01-03,1.1,6,0.6,2.1,2.0,10\n"
    )

    def now() -> pd.Timestamp:
        return pd.Timestamp("2024-01-03 20:00")

    opens = CachedSource(CsvSource(tmp_path, column="open"), tmp_path / "c", now=now).fetch(["X"])
    highs = CachedSource(CsvSource(tmp_path, column="high"), tmp_path / "c", now=now).fetch(["X"])
    assert opens["X"].tolist() == [1.0, 1.1]
    assert highs["X"].tolist() == [5.0, 6.0]
    assert (
        CsvSource(tmp_path, column="Open").cache_namespace
        == CsvSource(tmp_path, column="open").cache_namespace
    )


# -- CSV dates: one format for the whole column -----------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


FEB = ["2024-02-05", "2024-02-07", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13"]


def test_day_first_file_is_read_day_first_on_every_row(tmp_path):
    rows = "".join(f"{pd.Timestamp(d):%d/%m/%Y},{i + 100}\n" for i, d in enumerate(FEB))
    frame = read_price_file(_write(tmp_path, "X.csv", "date,adj_close\n" + rows))
    assert frame.index.equals(pd.DatetimeIndex(FEB, name="date"))
    assert frame["X"].tolist() == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]


def test_us_file_with_times_is_read_month_first(tmp_path):
    rows = "".join(f"{pd.Timestamp(d):%m/%d/%Y} 00:00:00,{i + 1}\n" for i, d in enumerate(FEB))
    frame = read_price_file(_write(tmp_path, "X.csv", "Date,Adj Close\n" + rows))
    assert frame.index.equals(pd.DatetimeIndex(FEB, name="date"))


def test_dates_readable_both_month_first_and_day_first_are_refused(tmp_path):
    text = "date,adj_close\n01/02/2024,1\n02/02/2024,2\n05/02/2024,3\n"
    with pytest.raises(DataError, match=r"X\.csv: ambiguous dates.*YYYY-MM-DD"):
        read_price_file(_write(tmp_path, "X.csv", text))


def test_column_mixing_two_date_formats_is_refused(tmp_path):
    text = "date,adj_close\n2024-02-05,1\n02/06/2024,2\n"
    with pytest.raises(DataError, match=r"X\.csv: 1 unreadable date.*'02/06/2024'"):
        read_price_file(_write(tmp_path, "X.csv", text))


def test_utc_offsets_are_dropped_keeping_the_local_trading_date(tmp_path):
    text = (
        "Date,Adj Close\n2024-03-29 00:00:00+01:00,1\n2024-04-01 00:00:00+02:00,2\n"
        "2024-04-02 00:00:00+02:00,3\n"
    )
    frame = read_price_file(_write(tmp_path, "X.csv", text))
    assert frame.index.equals(pd.DatetimeIndex(["2024-03-29", "2024-04-01", "2024-04-02"]))


# -- CSV headers ----------------------------------------------------------------


def test_repeated_header_is_an_error_naming_file_and_column(tmp_path):
    path = _write(tmp_path, "wide.csv", "date,SPY,SPY\n2024-01-02,1,2\n")
    with pytest.raises(DataError, match=r"wide\.csv: column 'SPY' appears twice"):
        read_price_file(path)


def test_wide_file_with_a_ticker_named_like_an_ohlc_field_is_read(tmp_path):
    path = _write(tmp_path, "wide.csv", "date,SPY,LOW\n2024-01-02,1,2\n2024-01-03,1.1,2.2\n")
    frame = read_price_file(path)
    assert list(frame.columns) == ["SPY", "LOW"]
    assert frame["LOW"].tolist() == [2.0, 2.2]


def test_single_ticker_file_named_like_an_ohlc_field_is_read(tmp_path):
    _write(tmp_path, "LOW.csv", "Date,LOW\n2024-01-02,250\n")
    assert CsvSource(tmp_path).fetch(["LOW"])["LOW"].tolist() == [250.0]


def test_lone_upper_case_close_in_another_tickers_file_is_still_refused(tmp_path):
    path = _write(tmp_path, "SPY.csv", "DATE,CLOSE\n2024-01-02,470\n")
    with pytest.raises(DataError, match=r"SPY\.csv: looks like an OHLC file \(CLOSE\).*column="):
        read_price_file(path)


def test_ohlc_names_without_adj_close_say_how_to_read_them_as_tickers(tmp_path):
    path = _write(tmp_path, "wide.csv", "date,LOW,HIGH\n2024-01-02,1,2\n")
    with pytest.raises(
        DataError, match=r"wide\.csv: looks like an OHLC file.*LOW, HIGH are tickers"
    ):
        read_price_file(path)


# -- load_prices: align="common" never drops dates to hide a hole ------------------


def test_common_alignment_reports_a_hole_instead_of_dropping_the_date(tmp_path):
    _write(tmp_path, "A.csv", "date,adj_close\n2024-01-01,1\n2024-01-02,1.1\n2024-01-03,1.2\n")
    _write(tmp_path, "B.csv", "date,adj_close\n2024-01-01,2\n2024-01-03,2.2\n")
    with pytest.raises(DataGapError, match=r"B has no price on 1 date.*2024-01-02.*max_fill=1"):
        load_prices(["A", "B"], source=tmp_path)
    with pytest.warns(DataGapWarning, match=r"carried the previous price forward.*B on 2024-01-02"):
        out = load_prices(["A", "B"], source=tmp_path, max_fill=1)
    assert out.index.equals(pd.bdate_range("2024-01-01", "2024-01-03"))
    assert out["B"].tolist() == [2.0, 2.0, 2.2]
