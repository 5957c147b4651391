"""TargetDate: the glide path, weights_at equal to the History call, causality, benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tactical as tc
from tactical.errors import ConfigError
from tactical.history import History
from tactical.strategies import Strategy, TargetDate, standard_benchmarks
from tactical.testing import check_causal, random_prices


def test_vanguard_points_and_flat_ends():
    tdf = TargetDate(2050)
    dates = pd.DatetimeIndex(["2000-01-01", "2025-01-01", "2050-01-01", "2057-01-01", "2080-01-01"])
    np.testing.assert_allclose(tdf.equity_share(dates), [0.9, 0.9, 0.5, 0.3, 0.3], atol=1e-15)


def test_linear_between_points_by_hand():
    tdf = TargetDate(2030)
    # 2020-01-01: 10 years out -> 0.5 + 0.4 * 10 / 25 = 0.66
    assert tdf.equity_share(pd.DatetimeIndex(["2020-01-01"]))[0] == pytest.approx(0.66, abs=1e-15)
    # 2033-07-02 (day 183 of 365): -3.5 years -> 0.5 - 0.2 * 3.5 / 7 = 0.40
    y = -(3 + 182 / 365)
    want = 0.5 + 0.2 * y / 7
    got = tdf.equity_share(pd.DatetimeIndex(["2033-07-02"]))[0]
    assert got == pytest.approx(want, abs=1e-15)


def test_close_to_vanguards_reported_allocations():
    # Vanguard's 2024-09-30 equity shares: 2040 76.5%, 2035 69.0%, 2030 61.5%
    day = pd.DatetimeIndex(["2024-09-30"])
    for year, reported in ((2040, 0.765), (2035, 0.690), (2030, 0.615)):
        share = TargetDate(year).equity_share(day)[0]
        assert 0 <= reported - share <= 0.035, (year, share)


def test_weights_at_equals_the_history_call_bit_for_bit():
    px = random_prices(800, ("US", "INTL", "BND"), start="2015-01-02")
    tdf = TargetDate(2040, stocks={"US": 0.6, "INTL": 0.4}, bonds="BND")
    values = np.column_stack([px.to_numpy(), np.ones(len(px))])
    columns = (*px.columns, "CASH")
    rows = np.arange(0, len(px), 21, dtype=np.int64)
    fast = tdf.weights_at(values, px.index, columns, rows)
    for j, r in enumerate(rows):
        slow = tdf(History(values, px.index, columns, int(r) + 1))
        vec = np.array([slow.get(c, 0.0) for c in columns])
        assert np.array_equal(fast[j], vec)
        assert abs(vec.sum() - 1) < 1e-12


def test_backtest_holds_the_glide_path_and_is_causal():
    px = random_prices(600, ("SPY", "AGG"), start="2020-01-02")
    strat = Strategy(TargetDate(2045), schedule="ME")
    res = tc.backtest(px, strat, execution_lag=0)
    last = res.targets.iloc[-1]
    share = TargetDate(2045).equity_share(pd.DatetimeIndex([res.targets.index[-1]]))[0]
    assert last["SPY"] == pytest.approx(share, abs=1e-15)
    assert check_causal(strat, px) > 0


def test_standard_benchmarks_offer_it():
    bench = standard_benchmarks("SPY", "AGG", retirement_year=2055)
    assert repr(bench["Target 2055"].allocator) == "TargetDate(2055, stocks='SPY', bonds='AGG')"
    assert bench["Target 2055"].schedule == "ME"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retirement_year": "2050"}, "retirement_year"),
        ({"retirement_year": 2050, "stocks": "SPY", "bonds": "SPY"}, "both"),
        ({"retirement_year": 2050, "path": [(10, 1.5)]}, "equity share"),
        ({"retirement_year": 2050, "path": [(10, 0.5), (10, 0.6)]}, "twice"),
    ],
)
def test_bad_target_date_is_a_named_error(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        TargetDate(**kwargs)
