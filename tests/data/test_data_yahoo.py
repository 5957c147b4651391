"""YahooSource fed with frames shaped exactly like yfinance.download's (no network)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tactical.data import CachedSource, YahooSource, load_prices, load_rates
from tactical.errors import (
    AlignmentWarning,
    DataError,
    NetworkError,
    NoDataError,
    SourceError,
    StaleCacheWarning,
)

DATES = pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-04"], name="Date")
FIELDS = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]


def yf_frame(data: dict[str, list[float]], layout: str = "column") -> pd.DataFrame:
    """A frame like yfinance>=0.2.48 download(auto_adjust=False): Close = 2 * Adj Close."""
    parts = {}
    for ticker, adj in data.items():
        adj_arr = np.array(adj, dtype=float)
        parts[ticker] = pd.DataFrame(
            {
                "Adj Close": adj_arr,
                "Close": 2 * adj_arr,
                "High": 2 * adj_arr + 1,
                "Low": 2 * adj_arr - 1,
                "Open": 2 * adj_arr,
                "Volume": 1000.0,
            },
            index=DATES,
        )
    if layout == "flat":  # one ticker, multi_level_index=False or yfinance < 0.2.48
        (frame,) = parts.values()
        return frame[["Open", "High", "Low", "Close", "Adj Close", "Volume"]]
    frame = pd.concat(parts, axis=1, names=["Ticker", "Price"])
    if layout == "column":  # group_by="column": (Price, Ticker), sorted by field
        frame.columns = frame.columns.swaplevel(0, 1)
        frame = frame.sort_index(level=0, axis=1)
    return frame


class FakeDownload:
    def __init__(self, *results):
        self.results = list(results)
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        result = self.results.pop(0) if len(self.results) > 1 else self.results[0]
        if isinstance(result, BaseException):
            raise result
        return result


class YFRateLimitError(Exception):
    """Same name as yfinance.exceptions.YFRateLimitError."""


def source(fake, **kwargs) -> tuple[YahooSource, list[float]]:
    sleeps: list[float] = []
    return YahooSource(download=fake, sleep=sleeps.append, **kwargs), sleeps


@pytest.mark.parametrize("layout", ["column", "ticker"])
def test_several_tickers_in_multiindex_layouts_read_adj_close(layout):
    fake = FakeDownload(yf_frame({"SPY": [1.0, 1.1, 1.2], "AGG": [5.0, 5.1, 5.2]}, layout))
    src, _ = source(fake)
    out = src.fetch(["SPY", "AGG"])
    assert list(out.columns) == ["SPY", "AGG"] and out.index.name == "date"
    assert out["SPY"].tolist() == [1.0, 1.1, 1.2] and out["AGG"].tolist() == [5.0, 5.1, 5.2]


@pytest.mark.parametrize("layout", ["column", "flat"])
def test_one_ticker_in_both_layouts(layout):
    fake = FakeDownload(yf_frame({"SPY": [1.0, 1.1, 1.2]}, layout))
    src, _ = source(fake)
    assert src.fetch(["SPY"])["SPY"].tolist() == [1.0, 1.1, 1.2]


def test_price_adjustment_reads_close():
    src, _ = source(FakeDownload(yf_frame({"SPY": [1.0, 1.1, 1.2]})), adjustment="price")
    assert src.fetch(["SPY"])["SPY"].tolist() == [2.0, 2.2, 2.4]


def test_download_asks_for_explicit_adjustment_and_inclusive_end():
    fake = FakeDownload(yf_frame({"SPY": [1.0, 1.1, 1.2]}))
    src, _ = source(fake)
    src.fetch(["SPY"], pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-04"))
    kw = fake.calls[0]
    assert kw["auto_adjust"] is False and kw["actions"] is False and kw["interval"] == "1d"
    assert kw["start"] == "2024-01-02" and kw["end"] == "2024-01-05"  # yfinance end is exclusive
    src.fetch(["SPY"])
    assert fake.calls[-1]["period"] == "max" and "start" not in fake.calls[-1]


def test_auto_adjusted_frame_without_adj_close_is_refused():
    frame = yf_frame({"SPY": [1.0, 1.1, 1.2]}).drop(columns="Adj Close", level=0)
    src, _ = source(FakeDownload(frame))
    with pytest.raises(SourceError, match=r"no 'Adj Close' column.*auto_adjust=False"):
        src.fetch(["SPY"])


def test_empty_result_is_retried_once_then_names_the_ticker():
    fake = FakeDownload(pd.DataFrame())
    src, sleeps = source(fake)
    with pytest.raises(NoDataError, match=r"no 'Adj Close' data for \['XYZ'\]"):
        src.fetch(["XYZ"])
    assert len(fake.calls) == 2 and sleeps == [2.0]


def test_failed_ticker_column_of_nan_names_only_that_ticker():
    frame = yf_frame({"SPY": [1.0, 1.1, 1.2], "BAD": [np.nan] * 3})
    fake = FakeDownload(frame)
    src, _ = source(fake)
    with pytest.raises(NoDataError, match=r"for \['BAD'\]"):
        src.fetch(["SPY", "BAD"])
    assert fake.calls[1]["tickers"] == ["BAD"]  # only the missing one is retried


def test_partial_range_is_returned_and_reported_by_load_prices(tmp_path):
    fake = FakeDownload(yf_frame({"SPY": [1.0, 1.1, 1.2], "NEW": [np.nan, 3.0, 3.3]}))
    src, _ = source(fake)
    with pytest.warns(AlignmentWarning, match=r"NEW sets the start: its first price is 2024-01-03"):
        out = load_prices(["SPY", "NEW"], "2024-01-02", source=src, cache=False)
    assert out.index[0] == pd.Timestamp("2024-01-03")


def test_rate_limit_is_retried_with_exponential_backoff():
    fake = FakeDownload(
        YFRateLimitError("Too Many Requests. Rate limited."),
        YFRateLimitError("Too Many Requests. Rate limited."),
        yf_frame({"SPY": [1.0, 1.1, 1.2]}),
    )
    src, sleeps = source(fake, backoff=1.5)
    assert src.fetch(["SPY"])["SPY"].tolist() == [1.0, 1.1, 1.2]
    assert sleeps == [1.5, 3.0]


def test_real_yfinance_rate_limit_class_is_recognised():
    from yfinance.exceptions import YFRateLimitError as Real

    fake = FakeDownload(Real(), yf_frame({"SPY": [1.0, 1.1, 1.2]}))
    src, sleeps = source(fake)
    assert len(src.fetch(["SPY"])) == 3 and sleeps == [2.0]


def test_persistent_rate_limit_is_a_source_error_with_the_cause_chained():
    fake = FakeDownload(YFRateLimitError("Too Many Requests"))
    src, sleeps = source(fake, retries=2)
    with pytest.raises(SourceError, match=r"rate limited for \['SPY'\] after 3 attempt") as info:
        src.fetch(["SPY"])
    assert isinstance(info.value.__cause__, YFRateLimitError) and sleeps == [2.0, 4.0]


def test_other_errors_are_not_retried():
    fake = FakeDownload(ConnectionError("no route to host"))
    src, sleeps = source(fake)
    with pytest.raises(SourceError, match="ConnectionError: no route to host"):
        src.fetch(["SPY"])
    assert len(fake.calls) == 1 and sleeps == []


def test_irx_quotes_come_from_yahoo_close_without_adjustment():
    frame = yf_frame({"^IRX": [2.5, 2.55, 2.6]})
    src, _ = source(FakeDownload(frame), adjustment="price")
    q = load_rates("^IRX", source=src)
    assert q.tolist() == [5.0, 5.1, 5.2] and q.attrs["basis"] == "discount"


def test_importing_tactical_data_does_not_import_yfinance():
    code = "import sys, tactical.data; print('yfinance' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- no network: said once, as "no network", never blamed on symbols or rate limits ------


class DNSError(Exception):
    """Same name as curl_cffi's requests.exceptions.DNSError (yfinance >= 0.2.5x)."""


DNS_TEXT = (
    "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com. See "
    "https://curl.se/libcurl/c/libcurl-errors.html first for more details."
)


class OfflineDownload:
    """What yfinance 1.7 does offline: logs one error per ticker and returns an empty frame."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        import logging

        self.calls.append(kwargs)
        log = logging.getLogger("yfinance")
        log.warning("Cookie/crumb fetch failed (DNSError), continuing without crumb")
        for t in kwargs["tickers"]:
            log.error(f"Failed to get ticker '{t}' reason: {DNS_TEXT}")
        return pd.DataFrame()


def test_offline_download_is_one_no_network_error_without_retry(caplog):
    fake = OfflineDownload()
    src, sleeps = source(fake)
    with pytest.raises(NetworkError, match=r"^no network: cannot reach Yahoo Finance to download "
                       r"\['SPY', 'AGG'\] \(.*Could not resolve host") as err:  # fmt: skip
        src.fetch(["SPY", "AGG"])
    message = str(err.value)
    assert "check the symbol" not in message and "rate limit" not in message
    assert "source='sample'" in message
    assert len(fake.calls) == 1 and sleeps == []  # no retry, no wait
    assert not [r for r in caplog.records if r.name == "yfinance"]  # no log line per ticker
    assert isinstance(err.value, SourceError)


@pytest.mark.parametrize(
    "exc",
    [
        DNSError(DNS_TEXT),
        OSError("[Errno -3] Temporary failure in name resolution"),
        ConnectionError("Failed to establish a new connection: [Errno 111] Connection refused"),
    ],
    ids=["curl-dns", "gaierror-text", "refused"],
)
def test_a_raised_connection_failure_is_a_network_error_with_the_cause(exc):
    fake = FakeDownload(exc)
    src, sleeps = source(fake)
    with pytest.raises(NetworkError, match=r"^no network") as err:
        src.fetch(["SPY"])
    assert err.value.__cause__ is exc and len(fake.calls) == 1 and sleeps == []


def test_a_real_socket_gaierror_is_recognised_by_its_class():
    import socket

    src, _ = source(FakeDownload(socket.gaierror(-2, "Name or service not known")))
    with pytest.raises(NetworkError, match=r"no network.*gaierror"):
        src.fetch(["SPY"])


def test_yfinance_reasons_for_an_unknown_symbol_reach_the_error():
    def delisted(**kwargs):
        import logging

        logging.getLogger("yfinance").error("$XYZ: possibly delisted; no price data found")
        return pd.DataFrame()

    src, sleeps = source(delisted)
    with pytest.raises(NoDataError, match=r"\['XYZ'\].*yfinance: \$XYZ: possibly delisted.*symbol"):
        src.fetch(["XYZ"])
    assert sleeps == [2.0]  # not a network failure: retried once, as before


def test_offline_with_a_stale_cache_warns_once_naming_every_ticker(tmp_path):
    frames = {t: yf_frame({t: [1.0, 1.1, 1.2]}) for t in ("SPY", "AGG", "EFA")}

    def online(**kwargs):
        return frames[kwargs["tickers"][0]]

    now = {"t": pd.Timestamp("2024-01-04 20:00")}
    cached = CachedSource(YahooSource(download=online), tmp_path, now=lambda: now["t"])
    load_prices(["SPY", "AGG", "EFA"], source=cached)
    now["t"] = pd.Timestamp("2024-01-10 09:00")  # the tail is due, the network is gone
    offline = CachedSource(
        YahooSource(download=OfflineDownload(), sleep=lambda s: None), tmp_path,
        now=lambda: now["t"],
    )  # fmt: skip
    with pytest.warns(StaleCacheWarning) as caught:
        out = load_prices(["SPY", "AGG", "EFA"], source=offline)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith(
        "no network: using the cached prices, possibly stale, for SPY, AGG, EFA"
    )
    assert "check the symbol" not in message
    assert out.shape == (3, 3)


def test_offline_without_a_cache_raises_no_network_once(tmp_path):
    offline = CachedSource(YahooSource(download=OfflineDownload()), tmp_path)
    with pytest.raises(NetworkError, match=r"^no network"):
        load_prices(["SPY", "AGG"], source=offline)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"retries": "3"}, r"retries='3'; use a whole number >= 0"),
        ({"retries": True}, r"retries=True"),
        ({"backoff": None}, r"backoff=None; use a number of seconds"),
        ({"backoff": float("inf")}, r"backoff=inf"),
        ({"download": "yfinance"}, r"download must be a callable"),
        ({"adjustment": None}, r"adjustment=None"),
    ],
)
def test_bad_yahoo_options_are_data_errors(kwargs, pattern):
    with pytest.raises(DataError, match=pattern):
        YahooSource(**kwargs)


@pytest.mark.live
@pytest.mark.skipif(
    os.environ.get("TACTICAL_LIVE") != "1", reason="reaches Yahoo; opt in with TACTICAL_LIVE=1"
)
def test_live_yahoo_spy_total_return(tmp_path):
    prices = load_prices("SPY", "2020-01-02", "2020-12-31", cache_dir=tmp_path)
    total = prices["SPY"].iloc[-1] / prices["SPY"].iloc[0] - 1
    assert 0.15 < total < 0.20  # SPY total return in 2020 was about 18 %


def test_yfinance_notes_of_a_successful_download_still_reach_its_logger(caplog):
    def noisy(**kwargs):
        import logging

        logging.getLogger("yfinance").warning("SPY: price repaired on 2024-01-03")
        return yf_frame({"SPY": [1.0, 1.1, 1.2]})

    src, _ = source(noisy)
    with caplog.at_level("WARNING", logger="yfinance"):
        assert len(src.fetch(["SPY"])) == 3
    assert [r.getMessage() for r in caplog.records] == ["SPY: price repaired on 2024-01-03"]
