"""Data layer: price sources, cache, validation, rates and the bundled sample."""

from __future__ import annotations

from tactical.data.validate import validate_prices

__all__ = ["validate_prices"]
