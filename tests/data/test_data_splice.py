"""splice: chaining a proxy's returns before a young fund's first price."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tactical.data import Splice, load_prices, splice, splices
from tactical.errors import DataError, SpliceWarning

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "prices").is_dir(), reason="shared real-data folder ../shared/data is absent"
)
IDX = pd.bdate_range("2024-01-01", periods=5)


def prices() -> pd.DataFrame:
    return pd.DataFrame(
        {"NEW": [np.nan, np.nan, 10.0, 11.0, 12.1], "OLD": [1.0, 2.0, 4.0, 4.4, 4.84]},
        index=IDX,
    )


def test_hand_worked_splice_chains_returns_not_levels():
    out = splice(prices(), {"NEW": "OLD"})
    # before the junction: 10 * OLD / OLD[junction] = 10 * [1, 2, 4] / 4
    assert out["NEW"].tolist() == pytest.approx([2.5, 5.0, 10.0, 11.0, 12.1])
    record = splices(out)[0]
    assert (record.ticker, record.proxy, record.start, record.junction) == (
        "NEW",
        "OLD",
        IDX[0],
        IDX[2],
    )
    assert isinstance(record, Splice)
    assert np.isnan(record.overlap_correlation)  # both grow 10% a day after: undefined
    assert "OLD returns" in record.describe()


def test_splice_does_not_mutate_and_can_drop_proxies():
    p = prices()
    before = p.copy()
    out = splice(p, {"NEW": "OLD"}, drop_proxies=True)
    pd.testing.assert_frame_equal(p, before)
    assert list(out.columns) == ["NEW"]
    assert len(splices(out)) == 1


def test_splices_accumulate_across_calls():
    p = prices().assign(OLDER=[0.5, 1.0, 2.0, 2.2, 2.42])
    p.loc[IDX[0], "OLD"] = np.nan
    out = splice(splice(p, {"NEW": "OLD"}), {"NEW": "OLDER"})
    assert [s.proxy for s in splices(out)] == ["OLD", "OLDER"]
    assert out["NEW"].notna().all()


def test_proxy_without_a_price_at_the_junction_is_an_error():
    p = prices().assign(OLD=[1.0, 2.0, np.nan, np.nan, np.nan]).iloc[:2]
    p2 = pd.concat([p, prices().iloc[2:]])
    p2.loc[IDX[2] :, "OLD"] = np.nan
    with pytest.raises(DataError):  # OLD hole (validation) or junction
        splice(p2, {"NEW": "OLD"})


def test_unknown_columns_and_self_proxy_are_errors():
    with pytest.raises(DataError, match=r"proxy 'XYZ' is not a column"):
        splice(prices(), {"NEW": "XYZ"})
    with pytest.raises(DataError, match=r"own proxy"):
        splice(prices(), {"NEW": "NEW"})


def test_proxy_that_starts_later_is_a_warning_and_no_splice():
    with pytest.warns(SpliceWarning, match=r"nothing spliced"):
        out = splice(prices(), {"OLD": "NEW"})
    assert splices(out) == ()


def test_badly_correlated_proxy_warns():
    p = pd.DataFrame(
        {"NEW": [np.nan, 10.0, 11.0, 10.0, 11.0, 10.0], "OLD": [1.0, 1.0, 0.9, 1.0, 0.9, 1.0]},
        index=pd.bdate_range("2024-01-01", periods=6),
    )
    with pytest.warns(SpliceWarning, match=r"correlation -1\.00"):
        splice(p, {"NEW": "OLD"})


@needs_shared
def test_agg_spliced_with_vbmfx_has_vbmfx_returns_before_and_agg_returns_after():
    raw = load_prices(
        ["AGG", "VBMFX"], "2000-01-03", "2024-12-31", source=SHARED / "prices", align="own"
    )
    out = splice(raw, {"AGG": "VBMFX"})
    junction = pd.Timestamp("2003-09-29")
    assert out["AGG"].first_valid_index() == pd.Timestamp("2000-01-03")
    r_out, r_raw = out.pct_change(fill_method=None), raw.pct_change(fill_method=None)
    before = r_out.index <= junction
    after = r_out.index > junction
    np.testing.assert_allclose(
        r_out.loc[before, "AGG"].iloc[1:], r_raw.loc[before, "VBMFX"].iloc[1:], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(r_out.loc[after, "AGG"], r_raw.loc[after, "AGG"], rtol=0, atol=1e-12)
    assert out.loc[junction:, "AGG"].equals(raw.loc[junction:, "AGG"])
    (record,) = splices(out)
    assert record.junction == junction and record.overlap_correlation > 0.5


# -- bad arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "pattern"),
    [
        (["NEW", "OLD"], r"proxies must be a mapping \{fund: proxy\}, e\.g\. \{'NEW': 'OLD'\}"),
        (("NEW", "OLD"), r"e\.g\. \{'NEW': 'OLD'\}, got tuple"),
        ("NEW", r"e\.g\. \{'AGG': 'VBMFX'\}, got str"),
        (None, r"proxies must be a mapping.*got NoneType"),
        ({"NEW": 5}, r"map ticker names to ticker names \(strings\), got 'NEW': 5"),
    ],
)
def test_proxies_that_are_not_a_mapping_of_names_are_a_data_error(proxies, pattern):
    with pytest.raises(DataError, match=pattern):
        splice(prices(), proxies)


def test_drop_proxies_must_be_a_boolean_and_prices_a_frame():
    with pytest.raises(DataError, match=r"drop_proxies must be True or False, got 'yes'"):
        splice(prices(), {"NEW": "OLD"}, drop_proxies="yes")  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"prices must be a pandas DataFrame"):
        splice(None, {"NEW": "OLD"})  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"splices: prices must be a DataFrame, got NoneType"):
        splices(None)  # type: ignore[arg-type]


# -- a proxy that ends before the fund ---------------------------------------------------


def test_a_proxy_that_ends_before_the_fund_still_extends_it():
    p = prices().assign(OLD=[1.0, 2.0, 4.0, np.nan, np.nan])  # OLD stops after the junction
    out = splice(p, {"NEW": "OLD"})
    assert out["NEW"].tolist() == pytest.approx([2.5, 5.0, 10.0, 11.0, 12.1])
    assert out["OLD"].iloc[3:].isna().all()  # kept as it is: NaN after its last price
    dropped = splice(p, {"NEW": "OLD"}, drop_proxies=True)
    assert list(dropped.columns) == ["NEW"] and dropped["NEW"].notna().all()


def test_a_proxy_ending_before_the_junction_is_named_as_ending_not_as_a_hole():
    p = prices().assign(OLD=[1.0, 2.0, np.nan, np.nan, np.nan])  # ends the day before NEW starts
    with pytest.raises(DataError, match=r"OLD's last price is on 2024-01-02, before 2024-01-03, "
                       r"NEW's first date") as err:  # fmt: skip
        splice(p, {"NEW": "OLD"})
    assert "inside its history" not in str(err.value)


def test_an_old_proxy_that_stopped_trading_splices_from_an_own_aligned_load():
    frame = pd.DataFrame(
        {"NEW": [np.nan, np.nan, 10.0, 11.0, 12.1], "OLD": [1.0, 2.0, 4.0, 4.4, np.nan]},
        index=IDX,
    )
    raw = load_prices(["NEW", "OLD"], source=frame, align="own")  # not cut to OLD's end
    assert raw.index[-1] == IDX[-1]
    out = splice(raw, {"NEW": "OLD"}, drop_proxies=True)
    assert out["NEW"].tolist() == pytest.approx([2.5, 5.0, 10.0, 11.0, 12.1])
