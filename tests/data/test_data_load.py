"""load_prices on in-memory frames: arguments, alignment, holes, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tactical.data import FrameSource, PriceSource, load_prices, validate_prices
from tactical.errors import (
    AlignmentWarning,
    DataError,
    DataGapError,
    DataGapWarning,
    NoDataError,
)

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
