"""tactical: backtest rebalancing and tactical asset allocation for 401(k)-style portfolios."""

from __future__ import annotations

__version__ = "0.1.0"
