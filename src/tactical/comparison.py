"""Comparing strategies against standard benchmarks run by the same engine.

This module sits above the engine and the report: it runs backtests
(:func:`tactical.backtest_many`) and hands returns to
:func:`tactical.report.summary`, which itself runs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from tactical.backtest import backtest_many
from tactical.errors import MetricError
from tactical.strategies import standard_benchmarks

if TYPE_CHECKING:  # pragma: no cover
    from tactical._typing import DateLike

__all__ = ["with_standard_benchmarks"]


def with_standard_benchmarks(
    returns: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    window: tuple[DateLike, DateLike] | None = None,
    stocks: str = "SPY",
    bonds: str = "AGG",
    **backtest_options: Any,
) -> pd.DataFrame:
    """Add SPY and AGG buy-and-hold and a monthly 60/40 mix to a returns frame.

    The three are built by :func:`tactical.backtest_many` with
    :func:`tactical.strategies.standard_benchmarks` over the strategies'
    window, so they run on the same engine and the same dates.

    Parameters
    ----------
    returns : DataFrame
        Daily strategy returns (e.g. ``ResultSet.returns``).
    prices : DataFrame
        Daily adjusted closes holding ``stocks`` and ``bonds``; a fund with a
        short history can be extended with a proxy first
        (``tactical.data.splice``, e.g. AGG with VBMFX).
    window : (start, end), optional
        The strategies' window (``ResultSet.window``). Default: from the
        trading day of ``prices`` before the first return to the last return.
    stocks, bonds : str
        Tickers of the stock and bond funds.
    **backtest_options
        Passed to :func:`tactical.backtest_many` (``costs``, ``execution_lag``...).

    Returns
    -------
    DataFrame
        ``returns`` with three more columns (e.g. ``"SPY"``, ``"AGG"``,
        ``"60/40"``) on the same dates.

    Raises
    ------
    MetricError
        If the prices do not cover the window, or a name is already a column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import tactical as tc
    >>> from tactical.strategies import FixedWeights, Strategy
    >>> idx = pd.bdate_range("2020-01-01", periods=300, name="date")
    >>> rng = np.random.default_rng(0)
    >>> prices = pd.DataFrame({"SPY": 100 * np.cumprod(1 + rng.normal(4e-4, 0.01, 300)),
    ...                        "AGG": 50 * np.cumprod(1 + rng.normal(1e-4, 0.002, 300))}, index=idx)
    >>> mine = tc.backtest(prices, Strategy(FixedWeights({"SPY": 0.8, "AGG": 0.2}), schedule="QE"))
    >>> both = with_standard_benchmarks(mine.returns.to_frame("80/20"), prices,
    ...                                 window=(mine.start, mine.end))
    >>> list(both.columns)
    ['80/20', 'SPY', 'AGG', '60/40']
    """

    strategies = standard_benchmarks(stocks, bonds)
    clash = [k for k in strategies if k in returns.columns]
    if clash:
        raise MetricError(f"returns already have columns named {clash}; rename them first")
    if window is None:
        before = prices.index[prices.index < returns.index[0]]
        if len(before) == 0:
            raise MetricError(
                f"prices start on {prices.index[0].date()}, not before the first return "
                f"{returns.index[0].date()}; extend them (e.g. splice a proxy)"
            )
        window = (before[-1], returns.index[-1])
    start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    for ticker in (stocks, bonds):
        if ticker not in prices.columns:
            raise MetricError(f"prices have no column {ticker!r}")
        first = prices[ticker].first_valid_index()
        if first is None or first > start:
            raise MetricError(
                f"{ticker} prices start on {first.date() if first is not None else 'never'}, after "
                f"the window start {start.date()}; extend {ticker} with a proxy "
                "(tactical.data.splice) or shorten the window"
            )
    runs = backtest_many(
        prices[[stocks, bonds]], strategies, start=start, end=end, **backtest_options
    )
    bench = runs.returns
    aligned = bench.reindex(returns.index)
    if aligned.isna().to_numpy().any():
        raise MetricError("the benchmark backtests do not cover every date of the returns")
    return pd.concat([returns, aligned], axis=1)
