"""Every exception and warning class raised by tactical.

All errors derive from :class:`TacticalError`. Errors about bad values also
derive from :class:`ValueError` so that generic ``except ValueError`` code keeps
working. Warnings are classes too, so users can filter them precisely::

    import warnings
    from tactical.errors import StaleCacheWarning
    warnings.simplefilter("ignore", StaleCacheWarning)

Messages say what went wrong, where (ticker, date, file) and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "TacticalError",
    "DataError",
    "DataGapError",
    "NoDataError",
    "WeightsError",
    "FrequencyError",
    "SourceError",
    "NetworkError",
    "CacheError",
    "ConfigError",
    "InsufficientHistoryError",
    "MetricError",
    "LimitsError",
    "HoldingsError",
    "SweepError",
    "TacticalWarning",
    "DataGapWarning",
    "StaleCacheWarning",
    "CacheWriteWarning",
    "CacheIntegrityWarning",
    "AlignmentWarning",
    "SpliceWarning",
    "MetricWarning",
    "PriceSpikeWarning",
    "UnitWarning",
    "RiskFreeWarning",
    "LookbackUnitWarning",
    "ZeroHurdleWarning",
    "StaleDataWarning",
    "PolicyWarning",
    "WindowWarning",
    "VariantFailedWarning",
]


class TacticalError(Exception):
    """Root of every error raised by tactical."""


class DataError(TacticalError, ValueError):
    """Price, return or rate data is malformed (unsorted, duplicated, NaN, non-positive...)."""


class DataGapError(DataError):
    """A hole of missing values inside a fund's history."""


class NoDataError(DataError):
    """A ticker, file or date range produced no data at all."""


class WeightsError(TacticalError, ValueError):
    """Target weights are invalid: NaN, negative, unknown ticker, or not summing to 1."""


class FrequencyError(TacticalError, ValueError):
    """The frequency of a date index cannot be inferred, or is not the one required."""


class ConfigError(TacticalError, ValueError):
    """A strategy, schedule, rule, cost model or backtest option is out of range."""


class InsufficientHistoryError(ConfigError):
    """A strategy needs more history (lookback) than the prices provide before the start."""


class MetricError(TacticalError, ValueError):
    """A metric cannot be computed from the given inputs (too few periods, bad units...)."""


class LimitsError(ConfigError):
    """IRS contribution limits are missing for a year (past the built-in table) or invalid."""


class HoldingsError(TacticalError, ValueError):
    """Account holdings are invalid: a fund not on the menu, a negative amount, or a zero total."""


class SweepError(ConfigError):
    """No variant of a sweep, walk-forward or timing-luck run could be backtested."""


class SourceError(TacticalError):
    """A price source (Yahoo, a CSV folder...) failed; the cause is chained."""


class NetworkError(SourceError):
    """A download failed because the network is unreachable (no connection, DNS failure)."""


class CacheError(TacticalError):
    """The local price cache is unusable (corrupt metadata, unwritable directory...)."""


class TacticalWarning(UserWarning):
    """Root of every warning issued by tactical."""


class DataGapWarning(TacticalWarning):
    """Data has gaps that were tolerated (for example rate holidays that were filled)."""


class StaleCacheWarning(TacticalWarning):
    """A refresh failed and cached data, possibly stale, was returned instead."""


class CacheWriteWarning(TacticalWarning):
    """Downloaded prices could not be saved to the cache (disk full, read-only folder...);
    they are returned anyway, uncached."""


class CacheIntegrityWarning(TacticalWarning):
    """Cached data failed an integrity check and was repaired from an intact copy (or an
    unreadable file of the old cache format was left out of the import)."""


class AlignmentWarning(TacticalWarning):
    """Aligning several funds shortened the window; the message names the fund that set it."""


class SpliceWarning(TacticalWarning):
    """A proxy splice was applied or is questionable."""


class MetricWarning(TacticalWarning):
    """A metric is undefined for the input and NaN was returned; the message says why."""


class PriceSpikeWarning(TacticalWarning):
    """A one-bar price move too large to be real (a data error such as a x1000 spike)."""


class UnitWarning(TacticalWarning):
    """Numbers look like they are in another unit (T-bill quotes as decimals, not percent)."""


class RiskFreeWarning(TacticalWarning):
    """A summary was computed without a risk-free rate, so 0 %/yr was used; pass ``risk_free``."""


class VariantFailedWarning(TacticalWarning):
    """Some variants of a sweep raised; the message names their parameters, the rest ran."""


class WindowWarning(TacticalWarning):
    """A backtest window or schedule differs from what was asked: a start or end outside the
    data was clamped, flows outside the window were left out, or a schedule gave no decision."""


class LookbackUnitWarning(TacticalWarning):
    """A bare-integer lookback counts trading days where months were probably meant."""


class ZeroHurdleWarning(TacticalWarning):
    """A momentum hurdle of ``"CASH"`` is 0% because the backtest got no cash returns."""


class StaleDataWarning(TacticalWarning):
    """The latest price used for a live decision is several days old."""


class PolicyWarning(TacticalWarning):
    """A trading policy's setting has no effect on this run (e.g. a fallback fund not held)."""
