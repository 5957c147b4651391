"""load_prices on in-memory frames: arguments, alignment, holes, validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import FrameSource, PriceSource, align_prices, load_prices, validate_prices
from tactical.errors import (
    AlignmentWarning,
    DataError,
    DataGapError,
    DataGapWarning,
    NoDataError,
    PriceSpikeWarning,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
IDX = pd.bdate_range("2024-01-01", periods=6)  # Mon 1 .. Mon 8 January


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "OLD": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
            "NEW": [np.nan, np.nan, 10.0, 10.5, 11.0, 11.5],
        },
        index=IDX,
    )


def test_frame_source_satisfies_the_protocol():
    assert isinstance(FrameSource(frame()), PriceSource)


def test_dates_are_inclusive_and_columns_follow_the_request():
    out = load_prices(["OLD"], "2024-01-02", "2024-01-04", source=frame())
    assert list(out.index) == list(IDX[1:4])
    assert out["OLD"].tolist() == [1.1, 1.2, 1.3]


def test_common_window_starts_at_the_youngest_fund_and_names_it():
    with pytest.warns(AlignmentWarning, match=r"NEW sets the start: its first price is 2024-01-03"):
        out = load_prices(["OLD", "NEW"], source=frame())
    assert out.index[0] == IDX[2] and out.shape == (4, 2)


def test_own_window_keeps_nan_before_first_price_without_warning():
    out = load_prices(["NEW", "OLD"], source=frame(), align="own")
    assert list(out.columns) == ["NEW", "OLD"]
    assert out["NEW"].isna().sum() == 2 and out.shape == (6, 2)


def test_same_start_gives_no_warning():
    out = load_prices(["OLD", "NEW"], "2024-01-03", source=frame())
    assert out.shape == (4, 2)


def test_requested_start_long_before_the_data_is_reported():
    with pytest.warns(AlignmentWarning, match=r"data start on 2024-01-01, after the requested"):
        load_prices("OLD", "2023-01-01", source=frame())


def test_start_after_end_is_an_error():
    with pytest.raises(DataError, match=r"start 2024-01-05 is after end 2024-01-02"):
        load_prices("OLD", "2024-01-05", "2024-01-02", source=frame())


def test_unknown_ticker_is_named():
    with pytest.raises(NoDataError, match=r"unknown ticker\(s\) \['XYZ'\]"):
        load_prices(["OLD", "XYZ"], source=frame())


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"align": "both"}, "align='both'"),
        ({"max_fill": -1}, "max_fill=-1"),
    ],
)
def test_bad_options_are_errors(kwargs, pattern):
    with pytest.raises(DataError, match=pattern):
        load_prices("OLD", source=frame(), **kwargs)


def test_duplicate_tickers_are_refused():
    with pytest.raises(DataError, match=r"listed twice: \['OLD'\]"):
        load_prices(["OLD", "OLD"], source=frame())


class _GappySource:
    """A source whose second fund misses a day the first has (a mutual-fund gap)."""

    name = "gappy"
    adjustment = "total_return"

    def fetch(self, tickers, start=None, end=None):
        f = frame().assign(NEW=[5.0, 5.1, np.nan, 5.3, 5.4, 5.5])
        return f[list(tickers)]


def test_hole_where_other_funds_trade_is_an_error_naming_fund_and_date():
    with pytest.raises(DataGapError, match=r"NEW has no price on 1 date.*2024-01-03.*max_fill=1"):
        load_prices(["OLD", "NEW"], source=_GappySource())


def test_max_fill_carries_the_previous_price_with_a_warning():
    with pytest.warns(DataGapWarning, match=r"NEW on 2024-01-03"):
        out = load_prices(["OLD", "NEW"], source=_GappySource(), max_fill=1)
    assert out["NEW"].tolist() == [5.0, 5.1, 5.1, 5.3, 5.4, 5.5]


def test_input_frame_is_not_mutated():
    f = frame()
    before = f.copy()
    with pytest.warns(AlignmentWarning):
        load_prices(["OLD", "NEW"], source=f)
    pd.testing.assert_frame_equal(f, before)


# -- validate_prices (lead's function; behaviour pinned here) -------------------------


def test_validate_accepts_nan_only_before_first_price():
    out = validate_prices(frame())
    assert out.index.name == "date" and out.dtypes.eq(np.float64).all()


@pytest.mark.parametrize(
    ("mutate", "error", "pattern"),
    [
        (lambda f: f.iloc[[1, 0, 2, 3, 4, 5]], DataError, "not sorted"),
        (lambda f: f.iloc[[0, 0, 1]], DataError, "duplicate dates"),
        (lambda f: f.assign(OLD=-f["OLD"]), DataError, "non-positive price"),
        (lambda f: f.assign(OLD=[1.0, np.nan, 1.2, 1.3, 1.4, 1.5]), DataGapError, "OLD has 1"),
        (lambda f: f.set_axis(pd.date_range("2024-01-06", periods=6)), DataError, "weekend"),
        (lambda f: f.iloc[:0], NoDataError, "empty"),
    ],
    ids=["unsorted", "duplicates", "negative", "hole", "weekend", "empty"],
)
def test_validate_rejects_broken_frames(mutate, error, pattern):
    with pytest.raises(error, match=pattern):
        validate_prices(mutate(frame()))


# -- load_prices: align="common" never drops dates to hide a hole ------------------


def test_common_alignment_reports_a_hole_instead_of_dropping_the_date(tmp_path):
    a_rows = "date,adj_close\n2024-01-01,1\n2024-01-02,1.1\n2024-01-03,1.2\n"
    (tmp_path / "A.csv").write_text(a_rows)
    (tmp_path / "B.csv").write_text("date,adj_close\n2024-01-01,2\n2024-01-03,2.2\n")
    with pytest.raises(DataGapError, match=r"B has no price on 1 date.*2024-01-02.*max_fill=1"):
        load_prices(["A", "B"], source=tmp_path)
    with pytest.warns(DataGapWarning, match=r"carried the previous price forward.*B on 2024-01-02"):
        out = load_prices(["A", "B"], source=tmp_path, max_fill=1)
    assert out.index.equals(pd.bdate_range("2024-01-01", "2024-01-03"))
    assert out["B"].tolist() == [2.0, 2.0, 2.2]


# -- bad arguments: a named error saying what to pass, never a raw TypeError ------------


@pytest.mark.parametrize(
    ("tickers", "pattern"),
    [
        (None, r"tickers must be a ticker or a list of tickers.*got NoneType"),
        (5, r"tickers must be a ticker or a list of tickers.*got int 5"),
        ([5], r"tickers must be strings such as 'SPY', got 5 \(int\)"),
        (["OLD", None], r"tickers must be strings.*got None"),
        ({"OLD": 1.0}, r"tickers must be a ticker or a list.*got dict"),
    ],
    ids=["none", "int", "int-in-list", "none-in-list", "mapping"],
)
def test_tickers_of_the_wrong_type_are_a_data_error(tickers, pattern):
    with pytest.raises(DataError, match=pattern):
        load_prices(tickers, source=frame())


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"start": 2024}, r"start=2024 is a number, not a date"),
        ({"end": 20240105.0}, r"end=20240105.0 is a number, not a date"),
        ({"start": True}, r"start=True is a number"),
        ({"start": ""}, r"start='' is not a date"),
        ({"start": pd.NaT}, r"start=NaT is not a date"),
        ({"max_fill": True}, r"max_fill=True; use a whole number"),
        ({"max_fill": 1.5}, r"max_fill=1.5; use a whole number"),
        ({"cache": "no"}, r"cache must be True or False, got 'no'"),
        ({"cache_dir": 5}, r"cache_dir must be a folder path"),
        ({"align": None}, r"align=None; use 'common' or 'own'"),
        ({"align": ["own"]}, r"align=\['own'\]; use 'common' or 'own'"),
        ({"max_move": 0}, r"max_move=0; give the largest plausible one-bar move"),
        ({"max_move": "1"}, r"max_move='1'"),
        ({"max_move": float("nan")}, r"max_move=nan"),
    ],
)
def test_bad_keyword_values_are_data_errors_naming_what_to_pass(kwargs, pattern):
    with pytest.raises(DataError, match=pattern):
        load_prices("OLD", source=frame(), **kwargs)


def test_a_source_of_the_wrong_type_or_empty_is_named():
    with pytest.raises(DataError, match=r"source must be None, 'yahoo'.*got int"):
        load_prices("OLD", source=5)  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"source='' is empty"):
        load_prices("OLD", source="")
    with pytest.raises(NoDataError, match=r"prices are empty"):
        load_prices("OLD", source=pd.DataFrame())


def test_a_source_returning_no_frame_is_named():
    class Broken:
        name = "broken"
        adjustment = "total_return"

        def fetch(self, tickers, start=None, end=None):
            return None

    with pytest.raises(DataError, match=r"source 'broken' returned NoneType, not a DataFrame"):
        load_prices("OLD", source=Broken())


@pytest.mark.parametrize("bad", [None, [1.0, 2.0], "prices"])
def test_align_prices_refuses_what_is_not_a_frame(bad):
    with pytest.raises(DataError, match=r"prices must be a pandas DataFrame"):
        align_prices(bad)


def test_align_prices_of_an_empty_frame_is_no_data():
    with pytest.raises(NoDataError, match=r"prices are empty \(shape \(0, 0\)\)"):
        align_prices(pd.DataFrame())


# -- validate_prices: a battery of bad frames ------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: None, DataError, r"must be a pandas DataFrame.*got NoneType"),
        (lambda: frame().to_numpy(), DataError, r"got ndarray"),
        (lambda: frame().tz_localize("UTC"), DataError, r"tz-aware \(UTC\)"),
        (lambda: frame().set_axis([str(d.date()) for d in IDX]), DataError, "DatetimeIndex"),
        (lambda: pd.concat({"x": frame()}, axis=1), DataError, r"2 column levels"),
        (lambda: frame().set_axis([("a", 1), "B"], axis=1), DataError, r"must be strings"),
        (lambda: frame().set_axis(["OLD", "OLD"], axis=1), DataError, r"duplicate ticker"),
        (lambda: frame().astype(str), DataError, r"non-numeric.*OLD.*'1.0' on 2024-01-01"),
        (lambda: frame().astype(complex), DataError, r"OLD are complex128, not real numbers"),
        (lambda: frame().assign(OLD=True), DataError, r"OLD are bool, not real numbers"),
        (
            lambda: frame().assign(OLD=pd.to_datetime(IDX)),
            DataError,
            r"OLD are datetime64.*not numbers",
        ),
        (lambda: frame().assign(OLD=[1, 2, "x", 4, 5, 6]), DataError, r"'x' on 2024-01-03"),
        (lambda: frame().assign(OLD=np.inf), DataError, r"infinite price for OLD"),
        (lambda: frame().assign(OLD=0.0), DataError, r"non-positive price 0.0 for OLD"),
        (lambda: frame().assign(NEW=np.nan), NoDataError, r"NEW has no prices at all"),
        (lambda: frame().iloc[:, :0], NoDataError, r"empty"),
    ],
    ids=[
        "none", "ndarray", "tz", "string-index", "multiindex", "tuple-name", "dup-cols",
        "strings", "complex", "bool", "datetimes", "mixed", "inf", "zero", "all-nan", "no-cols",
    ],
)  # fmt: skip
def test_validate_names_what_is_wrong_with_a_bad_frame(make, error, pattern):
    with pytest.raises(error, match=pattern):
        validate_prices(make())


@pytest.mark.parametrize(
    "make",
    [
        frame,
        lambda: frame().fillna(10.0).astype(int),
        lambda: frame().astype(object),
        lambda: frame().astype("Float64"),
        lambda: frame().assign(NEW=frame()["NEW"].astype(np.float32)),
    ],
    ids=["float", "int", "object", "nullable", "mixed"],
)
def test_the_arrays_behind_validate_prices_are_its_frame_plus_room_for_cash(make):
    """``validated_values`` (what the engine reads) gives validate_prices' numbers, bit for bit."""
    from tactical.data.validate import validated_values

    prices = make()
    before = prices.copy()
    values, index, columns = validated_values(prices, extra_columns=1)
    expected = validate_prices(prices)
    assert values.shape == (len(IDX), 3) and values.dtype == np.float64
    np.testing.assert_array_equal(values[:, :2], expected.to_numpy())
    assert columns == list(expected.columns) and index.equals(expected.index)
    assert not np.shares_memory(values, prices.to_numpy())  # a new array, never a view
    values[:, :2] = -1.0
    pd.testing.assert_frame_equal(prices, before)  # the input is never touched


def test_a_categorical_column_and_a_negative_infinity_are_refused_as_before():
    categorical = frame().assign(OLD=frame()["OLD"].astype("category"))
    with pytest.raises(DataError, match=r"OLD are category, not numbers"):
        validate_prices(categorical)
    # a NaN (young fund) next to -inf: the infinity is what is reported
    with pytest.raises(DataError, match=r"infinite price for OLD on 2024-01-02"):
        validate_prices(frame().assign(OLD=[1.0, -np.inf, 1.2, 1.3, 1.4, 1.5]))
    with pytest.raises(DataError, match=r"non-positive price -1.0 for NEW on 2024-01-04"):
        validate_prices(frame().assign(NEW=[np.nan, np.nan, 10.0, -1.0, 11.0, 11.5]))


def test_validate_accepts_numeric_objects_and_integer_column_names():
    out = validate_prices(frame().astype(object).set_axis([1, 2], axis=1))
    assert list(out.columns) == ["1", "2"] and out.dtypes.eq(np.float64).all()
    np.testing.assert_array_equal(out.to_numpy(), frame().to_numpy())


def test_validate_flags_must_be_booleans():
    with pytest.raises(DataError, match=r"allow_weekends must be True or False, got 'yes'"):
        validate_prices(frame(), allow_weekends="yes")  # type: ignore[arg-type]


# -- align="own": each fund keeps its own first AND last price --------------------------


def ends_early() -> pd.DataFrame:
    return frame().assign(END=[3.0, 3.1, 3.2, 3.3, np.nan, np.nan])


def test_own_alignment_keeps_each_fund_to_its_own_last_price():
    out = load_prices(["OLD", "END", "NEW"], source=ends_early(), align="own")
    assert out.index.equals(IDX)  # not cut to END's last price
    assert out["OLD"].tolist() == frame()["OLD"].tolist()
    assert out["END"].iloc[:4].tolist() == [3.0, 3.1, 3.2, 3.3]
    assert out["END"].iloc[4:].isna().all() and out["NEW"].iloc[:2].isna().all()


def test_common_alignment_still_ends_at_the_earliest_last_price():
    with pytest.warns(AlignmentWarning, match=r"END ends on 2024-01-04.*align='own' keeps"):
        out = load_prices(["OLD", "END"], source=ends_early())
    assert out.index[-1] == IDX[3]


def test_a_fund_ending_early_is_refused_by_default_with_the_fix():
    with pytest.raises(DataError, match=r"END stop\(s\) before the last date 2024-01-08.*"
                       r"prices.loc\[:'2024-01-04'\].*drop_proxies=True"):  # fmt: skip
        validate_prices(ends_early())
    assert validate_prices(ends_early(), allow_early_end=True)["END"].notna().sum() == 4


def test_the_backtest_names_a_fund_that_ends_early():
    import tactical as tc

    own = load_prices(["OLD", "END"], source=ends_early(), align="own")
    with pytest.raises(DataError, match=r"END stop\(s\) before the last date"):
        tc.backtest(own, tc.buy_and_hold("OLD"))


def test_a_hole_between_a_funds_prices_is_still_a_gap_with_own_alignment():
    holed = ends_early().assign(END=[3.0, np.nan, 3.2, 3.3, np.nan, np.nan])
    with pytest.raises(DataGapError, match=r"END has 1 missing price.*inside its history.*01-02"):
        load_prices(["OLD", "END"], source=holed, align="own")


# -- implausible one-day moves ---------------------------------------------------------


def spiked() -> pd.DataFrame:
    f = frame()
    f.loc[IDX[3], "OLD"] = 1300.0  # a x1000 spike for one day
    return f


def test_a_x1000_spike_in_a_csv_warns_naming_ticker_date_and_prices(tmp_path):
    rows = "".join(f"{d.date()},{p}\n" for d, p in spiked()["OLD"].items())
    (tmp_path / "OLD.csv").write_text("date,adj_close\n" + rows)
    with pytest.warns(PriceSpikeWarning) as caught:
        out = load_prices("OLD", source=tmp_path)
    (w,) = caught
    message = str(w.message)
    assert "OLD on 2024-01-04 (1.2 -> 1300, +108233.3%), 2024-01-05 (1300 -> 1.4, -99.9%)" in (
        message
    )
    assert "max_move=None" in message
    assert out["OLD"].iloc[3] == 1300.0  # warned, not altered


def test_a_spiky_frame_warns_in_the_backtest_too():
    import tactical as tc

    with pytest.warns(PriceSpikeWarning, match=r"OLD on 2024-01-04"):
        tc.backtest(spiked(), tc.buy_and_hold("OLD"))


def test_the_spike_threshold_is_settable_and_can_be_turned_off():
    load_prices("OLD", source=spiked(), max_move=None)  # no warning (errors in pytest)
    load_prices("OLD", source=spiked(), max_move=2000.0)
    with pytest.warns(PriceSpikeWarning, match=r"OLD on 2024-01-02 \(1 -> 1.1, \+10.0%\)"):
        load_prices("OLD", source=frame(), max_move=0.05)


def test_the_spike_test_is_symmetric_in_log_terms():
    f = pd.DataFrame({"A": [100.0, 200.0, 100.0, 50.0001]}, index=IDX[:4])
    validate_prices(f, max_move=1.0)  # exactly doubling and halving: not beyond
    with pytest.warns(PriceSpikeWarning) as caught:
        validate_prices(f, max_move=0.99)
    assert "2024-01-02" in str(caught[0].message) and "2024-01-03" in str(caught[0].message)


def test_no_spike_warning_on_the_real_funds_and_the_largest_real_move():
    """The default threshold never fires on the 22 real funds (1980-2025, incl. 1987,
    2008 and 2020); their largest daily moves are NAESX -24.2 % and EEM +22.8 %."""
    folder = SHARED / "prices"
    if not folder.is_dir():
        pytest.skip("shared real-data folder ../shared/data is absent")
    tickers = sorted(p.stem for p in folder.glob("*.csv"))
    assert len(tickers) == 22
    worst: dict[str, tuple[float, pd.Timestamp]] = {}
    for t in tickers:
        prices = load_prices(t, source=folder, cache=False)  # would raise on a warning
        r = prices[t].pct_change().dropna()
        day = r.abs().idxmax()
        worst[t] = (float(r[day]), day)
    fall = min(worst.values(), key=lambda v: v[0])
    rise = max(worst.values(), key=lambda v: v[0])
    assert fall[0] == pytest.approx(-0.24183, abs=1e-5) and fall[1] == pd.Timestamp("1987-10-19")
    assert rise[0] == pytest.approx(0.22770, abs=1e-5) and rise[1] == pd.Timestamp("2008-10-13")
    assert np.log1p(max(abs(fall[0]), rise[0])) * 2.4 < np.log1p(1.0)  # the default's margin


def test_align_prices_takes_string_bounds_and_frame_source_checks_its_labels():
    with pytest.warns(AlignmentWarning, match=r"after the requested start 2023-01-02"):
        align_prices(frame()[["OLD"]], start="2023-01-02")
    with pytest.raises(DataError, match=r"start='soon' is not a date"):
        align_prices(frame(), start="soon")
    with pytest.raises(DataError, match=r"FrameSource adjustment must be a non-empty string"):
        FrameSource(frame(), adjustment=5)  # type: ignore[arg-type]
