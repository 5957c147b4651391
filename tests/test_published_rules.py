"""Faber's timing model and Antonacci's dual momentum against independent month-end oracles.

Each oracle is written here from raw closes with pandas ``resample("ME").last()``
(the month-end close), ``rolling(10).mean()`` and ``shift(12)``, sharing no code
with tactical's sampling. The library's targets at every month-end decision
must equal the oracle's, on synthetic paths and on the real data beside the
repository (skipped when absent).

Rules, as published (see the allocators' module docstring for the citations):
Faber (2007): at the last trading day of each month, hold the asset when its
month-end close is above the average of the last 10 month-end closes, else cash.
Antonacci (2014): at each month end, hold whichever of US and non-US stocks has
the higher 12-month total return if that return beats T-bills' over the same 12
months, else aggregate bonds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.strategies import DualMomentum, Strategy, TrendFilter
from tactical.strategies.signals import moving_average, trailing_return
from tactical.testing import random_prices

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def month_end_dates(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The last date of ``index`` in each calendar month (the data's month-end closes)."""
    return pd.DatetimeIndex(index.to_series().groupby(index.to_period("M")).max().to_numpy())


def month_end_targets(result: tc.BacktestResult) -> pd.DataFrame:
    """The result's targets decided on month-end closes, indexed by calendar month."""
    targets = result.targets
    out = targets.loc[targets.index.isin(month_end_dates(result.equity.index))]
    out.index = out.index.to_period("M")
    return out


def faber_oracle(close: pd.Series) -> pd.Series:
    """True in months whose month-end close is above its 10-month SMA (Faber 2007)."""
    monthly = close.resample("ME").last()
    sma = monthly.rolling(10).mean()
    signal = (monthly > sma)[sma.notna()]
    signal.index = signal.index.to_period("M")
    return signal


def gem_oracle(monthly: pd.DataFrame, tbill_level: pd.Series, safe: str) -> pd.Series:
    """Antonacci's GEM: the ticker held after each month end (ties: the first risky fund)."""
    ret = monthly / monthly.shift(12) - 1.0
    tbill = tbill_level.resample("ME").last()
    hurdle = tbill / tbill.shift(12) - 1.0
    picks = {}
    for month, row in ret.dropna().iterrows():
        winner = row.idxmax()  # first of the maxima, as in menu order
        picks[month.to_period("M")] = winner if row[winner] > hurdle[month] else safe
    return pd.Series(picks)


def held(targets: pd.DataFrame) -> pd.Series:
    """The single fund each all-or-nothing target holds."""
    assert ((targets == 1.0) | (targets == 0.0)).all().all()
    return targets.idxmax(axis=1)


# ------------------------------------------------------------------------ Faber
def check_faber(px: pd.DataFrame, ticker: str) -> int:
    rule = Strategy(TrendFilter((ticker,), safe="CASH", lookback="10M"), schedule="ME")
    result = tc.backtest(px, rule, execution_lag=0)
    ours = held(month_end_targets(result)) == ticker
    oracle = faber_oracle(px[ticker])
    oracle = oracle.loc[ours.index]
    assert ours.index.equals(oracle.index)
    pd.testing.assert_series_equal(ours, oracle, check_names=False)
    # the average itself, to 1e-12 relative, on every month-end decision date
    dates = result.targets.index[result.targets.index.isin(month_end_dates(px.index))]
    rows = px.index.get_indexer(dates)
    ma = moving_average(px[[ticker]].to_numpy(), px.index, rows, "10M")[:, 0]
    sma = px[ticker].resample("ME").last().rolling(10).mean()
    sma.index = sma.index.to_period("M")
    np.testing.assert_allclose(ma, sma.loc[dates.to_period("M")].to_numpy(), rtol=1e-12)
    assert 0 < ours.sum() < len(ours)  # both in and out happen: the check is not vacuous
    return len(ours)


def test_ten_month_trend_filter_equals_fabers_rule_on_a_synthetic_path():
    px = random_prices(2600, ("X",), start="2001-03-14", volatility=0.015, seed=11)
    assert check_faber(px, "X") > 100


def test_ten_month_trend_filter_equals_fabers_rule_on_real_spy():
    if not (SHARED / "prices" / "SPY.csv").is_file():
        pytest.skip("real data folder ../shared/data/prices is absent")
    px = tc.load_prices(["SPY"], source=tc.CsvSource(SHARED / "prices"))
    assert check_faber(px, "SPY") > 300


def test_ten_month_filter_reads_month_end_closes_where_a_210_day_average_reads_every_close():
    """Closes of 200 inside each month and 100 on month ends, then 101 at the decision."""
    index = pd.bdate_range("2023-01-02", "2023-12-29")
    px = pd.DataFrame({"X": 200.0}, index=index)
    px.loc[px.index.isin(month_end_dates(index)), "X"] = 100.0
    px.iloc[-1, 0] = 101.0
    h = tc.History(
        np.column_stack([px.to_numpy(), np.ones(len(px))]), index, ("X", "CASH"), len(px)
    )
    # ten month ends: nine at 100 and the decision's 101 -> mean 100.1 < 101: in
    assert h.moving_average("X", "10M") == pytest.approx(100.1, abs=1e-12)
    assert TrendFilter(("X",), lookback="10M")(h) == {"X": 1.0}
    # the last 210 closes are mostly 200: out
    assert TrendFilter(("X",), lookback=210)(h) == {"CASH": 1.0}


# --------------------------------------------------------------------- Antonacci
def check_gem(px: pd.DataFrame, cash: pd.Series, risky: tuple[str, str], safe: str) -> int:
    rule = Strategy(DualMomentum(risky, safe=safe, lookback="12M"), schedule="ME")
    result = tc.backtest(px, rule, execution_lag=0, cash_returns=cash)
    ours = held(month_end_targets(result))
    level = (1.0 + cash.loc[px.index[0] :].iloc[1:]).cumprod()
    level = pd.concat([pd.Series([1.0], index=px.index[:1]), level])
    oracle = gem_oracle(px[list(risky)].resample("ME").last(), level, safe).loc[ours.index]
    assert (ours == oracle).all(), pd.DataFrame({"ours": ours, "oracle": oracle})[ours != oracle]
    # the scores themselves agree with the month-end oracle to 1e-12
    dates = result.targets.index[result.targets.index.isin(month_end_dates(px.index))]
    rows = px.index.get_indexer(dates)
    scores = trailing_return(px[list(risky)].to_numpy(), px.index, rows, "12M")
    monthly = px[list(risky)].resample("ME").last()
    expect = monthly / monthly.shift(12) - 1.0
    expect.index = expect.index.to_period("M")
    np.testing.assert_allclose(scores, expect.loc[dates.to_period("M")].to_numpy(), rtol=1e-12)
    assert ours.nunique() == 3  # each of the two risky funds and the safe one is held
    return len(ours)


def test_twelve_month_dual_momentum_equals_antonaccis_rule_on_a_synthetic_path():
    px = random_prices(3000, ("US", "INTL", "BONDS"), start="2002-05-20", volatility=0.012, seed=4)
    cash = pd.Series(0.0001, index=px.index)  # about 2.5% a year
    assert check_gem(px, cash, ("US", "INTL"), "BONDS") > 100


def test_twelve_month_dual_momentum_equals_antonaccis_rule_on_real_etfs():
    needed = [SHARED / "prices" / f"{t}.csv" for t in ("SPY", "EFA", "AGG")]
    if not all(p.is_file() for p in needed) or not (SHARED / "rates" / "DTB3.csv").is_file():
        pytest.skip("real data folder ../shared/data (SPY, EFA, AGG, DTB3) is absent")
    folder = tc.CsvSource(SHARED / "prices")
    px = tc.load_prices(["SPY", "EFA", "AGG"], start="2003-09-29", source=folder)  # AGG starts
    cash = tc.cash_returns(tc.load_rates("DTB3", path=SHARED / "rates"), px.index)
    assert check_gem(px, cash, ("SPY", "EFA"), "AGG") > 200
