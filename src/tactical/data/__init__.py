"""Data layer: price sources, cache, validation, alignment, splicing, rates and the sample.

Entry points: :func:`load_prices` (Yahoo through a disk cache by default, or
any :class:`PriceSource`), :func:`load_sample` (offline), :func:`splice`,
:func:`cash_returns` and :func:`load_rates`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tactical._lazy import lazy_exports

if TYPE_CHECKING:
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

# name -> the module defining it; imported on first use (see tactical._lazy)
_WHERE = {
    "tactical.data.bundled": (
        "SampleInfo",
        "SampleSource",
        "load_sample",
        "load_sample_rates",
        "sample_info",
    ),
    "tactical.data.cache": ("CachedSource", "cache_directory"),
    "tactical.data.files": ("CsvSource", "read_price_file"),
    "tactical.data.loading": ("align_prices", "load_prices"),
    "tactical.data.rates": ("cash_returns", "load_rates", "read_rates_file"),
    "tactical.data.sources": ("FrameSource", "PriceSource"),
    "tactical.data.splice": ("Splice", "splice", "splices"),
    "tactical.data.validate": ("validate_prices",),
    "tactical.data.yahoo": ("YahooSource",),
}

if not TYPE_CHECKING:  # type checkers read the imports above instead
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
