"""Data layer: price sources, cache, validation, alignment, splicing, rates and the sample.

Entry points: :func:`load_prices` (Yahoo through a disk cache by default, or
any :class:`PriceSource`), :func:`load_sample` (offline), :func:`splice`,
:func:`cash_returns` and :func:`load_rates`.
"""

from __future__ import annotations

from tactical.data.bundled import (
    SampleInfo,
    SampleSource,
    load_sample,
    load_sample_rates,
    sample_info,
)
from tactical.data.cache import CachedSource, cache_directory
from tactical.data.files import CsvSource, read_price_file
from tactical.data.loading import align_prices, load_prices
from tactical.data.rates import cash_returns, load_rates, read_rates_file
from tactical.data.sources import FrameSource, PriceSource
from tactical.data.splice import Splice, splice, splices
from tactical.data.validate import validate_prices
from tactical.data.yahoo import YahooSource

__all__ = [
    "CachedSource",
    "CsvSource",
    "FrameSource",
    "PriceSource",
    "SampleInfo",
    "SampleSource",
    "Splice",
    "YahooSource",
    "align_prices",
    "cache_directory",
    "cash_returns",
    "load_prices",
    "load_rates",
    "load_sample",
    "load_sample_rates",
    "read_price_file",
    "read_rates_file",
    "sample_info",
    "splice",
    "splices",
    "validate_prices",
]
