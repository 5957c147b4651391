"""The bundled offline dataset, its derivation and its tracking of real funds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import (
    cash_returns,
    load_prices,
    load_rates,
    load_sample,
    load_sample_rates,
    read_price_file,
    sample_info,
    validate_prices,
)
from tactical.errors import AlignmentWarning, DataError, NoDataError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "prices").is_dir(), reason="shared real-data folder ../shared/data is absent"
)


def build_module():
    spec = importlib.util.spec_from_file_location("build_sample", ROOT / "data" / "build_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_sample_is_the_common_monthly_window_of_all_five():
    prices = load_sample()
    assert list(prices.columns) == ["US_STOCKS", "TBILL", "TSY_2Y", "TSY_10Y", "TSY_LONG"]
    assert prices.shape == (326, 5)
    assert prices.index[0] == pd.Timestamp("1990-01-31")
    assert prices.index[-1] == pd.Timestamp("2017-02-28")
    pd.testing.assert_frame_equal(validate_prices(prices), prices)
    assert (
        prices.index.to_period("M").to_timestamp(how="end").normalize() - prices.index
    ).days.max() <= 2
    assert prices.iloc[0, 2:].tolist() == [100.0, 100.0, 100.0]


def test_stocks_and_bills_alone_go_back_to_1926():
    prices = load_sample(["US_STOCKS", "TBILL"], end="1930-12-31")
    assert prices.index[0] == pd.Timestamp("1926-06-30")
    # Fama-French July 1926: Mkt-RF 2.96 + RF 0.22 = 3.18 %
    assert prices["US_STOCKS"].iloc[1] == pytest.approx(103.18)
    assert prices["TBILL"].iloc[1] == pytest.approx(100.22)


def test_unknown_sample_ticker_is_named():
    with pytest.raises(NoDataError, match=r"unknown sample ticker\(s\) \['SPY'\]"):
        load_sample(["SPY"])


def test_sample_cash_returns_are_the_tbill_returns_with_nan_first():
    prices = load_sample()
    cash = load_sample_rates(prices)
    assert np.isnan(cash.iloc[0]) and cash.name == "CASH"
    np.testing.assert_allclose(cash.iloc[1:], prices["TBILL"].pct_change().iloc[1:], atol=1e-12)
    assert cash.loc["1990-02-28"] == pytest.approx(0.0057, abs=1e-9)  # Fama-French RF 1990-02
    quarterly = load_sample_rates(prices.index[::3])
    assert quarterly.iloc[1] == pytest.approx(np.prod(1 + cash.iloc[1:4]) - 1, rel=1e-9)
    with pytest.raises(DataError, match="not sample month ends"):
        load_sample_rates(pd.DatetimeIndex(["1990-01-30"]))


def test_sample_source_aligns_like_any_source():
    with pytest.warns(AlignmentWarning, match=r"TSY_10Y sets the start"):
        prices = load_prices(["US_STOCKS", "TSY_10Y"], source="sample")
    assert prices.index[0] == pd.Timestamp("1990-01-31")


def test_sample_info_describes_provenance():
    info = sample_info()
    assert info.frequency == "monthly"
    assert info.first["US_STOCKS"] == pd.Timestamp("1926-06-30")
    assert info.default_window == (pd.Timestamp("1990-01-31"), pd.Timestamp("2017-02-28"))
    assert any("arch 8.0.0" in s for s in info.sources)
    assert "TSY_LONG" in str(info)


def test_sample_three_month_quotes_convert_to_cash_close_to_the_bills():
    quotes = load_rates("sample")
    assert quotes.attrs["basis"] == "bond_equivalent"
    prices = load_sample()
    cash = cash_returns(quotes, prices, basis="bond_equivalent")
    bills = load_sample_rates(prices)
    assert np.corrcoef(cash.iloc[1:], bills.iloc[1:])[0, 1] > 0.95
    assert abs(cash.iloc[1:].mean() - bills.iloc[1:].mean()) < 0.0005


def test_par_bond_prices_at_par_and_constant_yield_returns_the_coupon():
    build = build_module()
    assert build.par_bond_price(np.array([0.05]), np.array([0.05]), 10.0)[0] == pytest.approx(1.0)
    assert build.par_bond_price(np.array([0.05]), np.array([0.05]), 9 + 11 / 12)[
        0
    ] == pytest.approx(1.0)
    days = pd.bdate_range("2000-01-03", "2000-04-28")
    flat = pd.DataFrame({"10year": 0.06}, index=days)
    r = build.treasury_returns(flat, 10.0, ("10year",))
    np.testing.assert_allclose(r.to_numpy(), 0.06 / 12, rtol=1e-12)


def test_par_bond_return_on_a_yield_rise_matches_duration():
    build = build_module()
    days = pd.DatetimeIndex(["2000-01-31", "2000-02-29"])
    rise = pd.DataFrame({"10year": [0.05, 0.051]}, index=days)
    (r,) = build.treasury_returns(rise, 10.0, ("10year",)).to_numpy()
    # modified duration of a 5 % 10-year par bond is about 7.8: -7.8 * 0.001 + 0.05 / 12
    assert r == pytest.approx(-0.0078 + 0.05 / 12, abs=0.0003)


def test_long_series_falls_back_to_the_second_column_where_the_first_is_missing():
    build = build_module()
    days = pd.DatetimeIndex(["2002-01-31", "2002-02-28", "2002-03-29"])
    curves = pd.DataFrame(
        {"30year": [0.05, np.nan, np.nan], "20year": [0.06, 0.06, 0.06]}, index=days
    )
    r = build.treasury_returns(curves, 30.0, ("30year", "20year"))
    np.testing.assert_allclose(r.to_numpy(), 0.06 / 12)


def _monthly(prices: pd.Series) -> pd.Series:
    month_end = prices.groupby(prices.index.to_period("M")).last()
    return month_end.pct_change().dropna()


@needs_shared
@pytest.mark.parametrize(
    ("ours", "fund", "minimum"),
    [
        ("US_STOCKS", "VFINX", 0.97),
        ("TSY_2Y", "SHY", 0.95),
        ("TSY_10Y", "IEF", 0.97),
        ("TSY_LONG", "TLT", 0.98),
        ("TSY_LONG", "VUSTX", 0.96),
    ],
)
def test_sample_tracks_the_real_fund_month_by_month(ours, fund, minimum):
    sample = load_sample([ours])[ours]
    real = read_price_file(SHARED / "prices" / f"{fund}.csv")[fund]
    both = pd.concat([_monthly(sample), _monthly(real)], axis=1, join="inner").dropna()
    assert len(both) > 120
    assert both.corr().iloc[0, 1] > minimum


def test_pyproject_ships_the_sample_files_as_package_data():
    """setuptools skips files of a subpackage listed under a parent package's key.

    The files live in the package ``tactical.data``, so its own key must match them
    (``"tactical.data" = ["sample/*.csv.gz"]``); ``tactical = ["data/sample/*"]`` builds a
    wheel without them (checked with ``pip wheel``), and load_sample() then fails.
    """
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    patterns = package_data.get("tactical.data", [])
    sample = ROOT / "src" / "tactical" / "data" / "sample"
    for file in sorted(sample.glob("*.csv.gz")):
        relative = file.relative_to(sample.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), (
            f"{relative} is not package data of tactical.data in pyproject.toml; add "
            '"tactical.data" = ["sample/*.csv.gz"] under [tool.setuptools.package-data]'
        )
