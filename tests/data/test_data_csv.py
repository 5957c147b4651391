"""CsvSource and read_price_file: real shared data and bad input."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import CsvSource, load_prices, read_price_file
from tactical.errors import AlignmentWarning, DataError, DataGapError, NoDataError

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "prices").is_dir(), reason="shared real-data folder ../shared/data is absent"
)


def _cagr(series: pd.Series) -> float:
    years = (series.index[-1] - series.index[0]).days / 365.25
    return float((series.iloc[-1] / series.iloc[0]) ** (1 / years) - 1)


@needs_shared
def test_spy_total_return_and_price_only_cagr_match_known_values():
    total = load_prices("SPY", "2000-01-03", "2024-12-31", source=SHARED / "prices")
    price = load_prices(
        "SPY", "2000-01-03", "2024-12-31", source=CsvSource(SHARED / "prices", column="close")
    )
    assert total.index[0] == pd.Timestamp("2000-01-03")
    assert total.index[-1] == pd.Timestamp("2024-12-31")
    assert _cagr(total["SPY"]) == pytest.approx(0.0766, abs=0.0005)
    assert _cagr(price["SPY"]) == pytest.approx(0.0573, abs=0.0005)


@needs_shared
def test_common_alignment_warns_naming_the_fund_that_sets_the_start():
    with pytest.warns(AlignmentWarning, match=r"AGG sets the start.*2003-09-29"):
        prices = load_prices(["SPY", "AGG"], "2000-01-01", "2024-12-31", source=SHARED / "prices")
    assert prices.index[0] == pd.Timestamp("2003-09-29")
    assert list(prices.columns) == ["SPY", "AGG"]
    assert prices.notna().all().all()
    assert prices.dtypes.eq(np.float64).all() and prices.index.name == "date"


@needs_shared
def test_own_alignment_keeps_each_fund_from_its_first_price():
    prices = load_prices(
        ["SPY", "AGG"], "2000-01-03", "2024-12-31", source=SHARED / "prices", align="own"
    )
    assert prices.index[0] == pd.Timestamp("2000-01-03")
    assert prices["AGG"].first_valid_index() == pd.Timestamp("2003-09-29")
    assert prices["AGG"].loc[:"2003-09-26"].isna().all()


@needs_shared
def test_fund_ending_early_sets_the_end_with_a_warning():
    with pytest.warns(AlignmentWarning, match=r"VFINX ends on 2020-12-24"):
        prices = load_prices(["SPY", "VFINX"], "2019-01-01", source=SHARED / "prices")
    assert prices.index[-1] == pd.Timestamp("2020-12-24")


@needs_shared
def test_adj_close_only_file_and_classic_layout_are_read():
    vbmfx = read_price_file(SHARED / "prices" / "VBMFX.csv")  # close column empty
    assert list(vbmfx.columns) == ["VBMFX"]
    assert vbmfx.index[0] == pd.Timestamp("1986-12-11")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_classic_yahoo_export_uses_adj_close(tmp_path):
    path = _write(
        tmp_path,
        "ABC.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-01-02,10,11,9,10,5.0,100\n2024-01-03,10,11,9,11,5.5,100\n",
    )
    frame = read_price_file(path)
    assert frame["ABC"].tolist() == [5.0, 5.5]


def test_wide_file_with_young_fund_and_unsorted_rows(tmp_path):
    path = _write(
        tmp_path,
        "wide.csv",
        "date,A,B\n2024-01-04,1.2,3.0\n2024-01-02,1.0,\n2024-01-03,1.1,2.0\n",
    )
    frame = read_price_file(path)
    assert frame.index.is_monotonic_increasing
    assert frame["A"].tolist() == [1.0, 1.1, 1.2]
    assert np.isnan(frame["B"].iloc[0]) and frame["B"].iloc[1:].tolist() == [2.0, 3.0]


def test_ohlc_file_without_adj_close_is_refused_unless_close_is_asked(tmp_path):
    path = _write(tmp_path, "X.csv", "date,open,close\n2024-01-02,1,1\n")
    with pytest.raises(DataError, match=r"X\.csv.*no 'adj_close'.*column='close'"):
        read_price_file(path)
    assert read_price_file(path, column="close")["X"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("text", "error", "pattern"),
    [
        ("when,adj_close\n2024-01-02,1\n", DataError, r"bad\.csv: no date column"),
        ("date\n2024-01-02\n", DataError, r"bad\.csv: a date column but no price column"),
        (
            "date,adj_close\n2024-01-02,1\n2024-01-03,abc\n",
            DataError,
            r"bad\.csv: non-numeric value\(s\) 'abc' for bad .*2024-01-03",
        ),
        (
            "date,adj_close\n2024-01-02,1\n2024-01-02,2\n",
            DataError,
            r"bad\.csv: duplicate dates 2024-01-02",
        ),
        (
            "date,adj_close\n2024-01-02,1\n2024-01-03,-2\n",
            DataError,
            r"bad\.csv: non-positive price\(s\) for bad on 2024-01-03",
        ),
        (
            "date,adj_close\n2024-01-02,1\n2024-01-03,\n2024-01-04,1.1\n",
            DataGapError,
            r"bad\.csv: 1 missing price\(s\) for bad inside its history, on 2024-01-03",
        ),
        ("date,adj_close\n2024-01-06,1\n", DataError, r"bad\.csv: weekend dates 2024-01-06"),
        ("date,adj_close\nyesterday,1\n", DataError, r"bad\.csv: 1 unreadable date"),
        ("date,adj_close\n2024-01-02,\n", NoDataError, r"bad\.csv: no prices for bad"),
        ("", NoDataError, r"bad\.csv is empty"),
    ],
    ids=[
        "no-date",
        "no-price",
        "non-numeric",
        "duplicate",
        "negative",
        "hole",
        "weekend",
        "bad-date",
        "empty-column",
        "empty-file",
    ],
)
def test_bad_csv_input_gives_a_clear_error_naming_file_ticker_and_dates(
    tmp_path, text, error, pattern
):
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(error, match=pattern):
        read_price_file(path)


def test_unknown_ticker_in_folder_is_named_with_what_exists(tmp_path):
    _write(tmp_path, "SPY.csv", "date,adj_close\n2024-01-02,1\n")
    with pytest.raises(NoDataError, match=r"unknown ticker 'XYZ'.*SPY"):
        CsvSource(tmp_path).fetch(["XYZ"])


def test_folder_lookup_ignores_case_and_reads_gzip(tmp_path):
    import gzip

    (tmp_path / "agg.csv.gz").write_bytes(gzip.compress(b"date,adj_close\n2024-01-02,7\n"))
    assert CsvSource(tmp_path).fetch(["AGG"])["AGG"].tolist() == [7.0]


def test_range_outside_the_file_names_file_and_its_dates(tmp_path):
    _write(tmp_path, "A.csv", "date,adj_close\n2024-01-02,1\n2024-01-03,1.1\n")
    with pytest.raises(
        NoDataError, match=r"A\.csv: no prices for A between 2025-01-01.*2024-01-02"
    ):
        CsvSource(tmp_path).fetch(["A"], pd.Timestamp("2025-01-01"))


def test_input_file_is_not_modified(tmp_path):
    text = "date,adj_close\n2024-01-03,1.1\n2024-01-02,1\n"
    path = _write(tmp_path, "A.csv", text)
    CsvSource(tmp_path).fetch(["A"])
    assert path.read_text() == text


# -- CSV dates: one format for the whole column -----------------------------------


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


# -- damaged files and bad arguments: named errors, never a raw gzip/zlib/OS error --------

GOOD = b"date,adj_close\n2024-01-02,1.0\n2024-01-03,1.1\n2024-01-04,1.2\n"


def _gz_damages() -> dict[str, bytes]:
    whole = gzip.compress(GOOD, mtime=0)
    body = bytearray(whole)
    body[10] = 0xFF  # the first deflate block header: "invalid block type"
    return {
        "not-gzip": b"this is not gzip at all",  # BadGzipFile
        "truncated": whole[: len(whole) // 2],  # EOFError
        "bad-deflate": bytes(body),  # zlib.error
    }


@pytest.mark.parametrize(
    ("damage", "cause"),
    [("not-gzip", gzip.BadGzipFile), ("truncated", EOFError), ("bad-deflate", zlib.error)],
)
def test_a_corrupt_gzip_file_is_a_data_error_naming_the_file(tmp_path, damage, cause):
    (tmp_path / "X.csv.gz").write_bytes(_gz_damages()[damage])
    with pytest.raises(DataError, match=r"X\.csv\.gz is not a readable gzip file.*again") as err:
        load_prices("X", source=tmp_path)
    assert isinstance(err.value.__cause__, cause)  # the raw error is chained, not raised
    with pytest.raises(DataError, match=r"X\.csv\.gz is not a readable gzip file"):
        read_price_file(tmp_path / "X.csv.gz")


def test_an_os_error_while_reading_is_a_data_error(tmp_path, monkeypatch):
    path = _write(tmp_path, "X.csv", GOOD.decode())

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pd, "read_csv", fail)
    with pytest.raises(DataError, match=r"cannot read .*X\.csv: PermissionError.*permissions"):
        read_price_file(path)


@pytest.mark.parametrize("bad", [None, 5, "", ["a.csv"]])
def test_a_path_of_the_wrong_type_is_a_data_error(bad):
    with pytest.raises(DataError, match=r"path must be a file or folder path"):
        read_price_file(bad)
    with pytest.raises(DataError, match=r"CsvSource path must be a file or folder path"):
        CsvSource(bad)


def test_a_bad_column_argument_is_a_data_error(tmp_path):
    path = _write(tmp_path, "X.csv", GOOD.decode())
    with pytest.raises(DataError, match=r"column must be a column name such as 'close', got 5"):
        read_price_file(path, column=5)
    with pytest.raises(DataError, match=r"column must be a column name"):
        CsvSource(tmp_path, column="")


def test_a_folder_source_given_no_tickers_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"tickers must be a ticker or a list"):
        CsvSource(tmp_path).fetch(None)
