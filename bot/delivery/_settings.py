"""`DeliverySettings`: the knobs of the delivery engine (`[delivery]` in config.toml), with their defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

__all__ = ["DeliverySettings", "DeliverySettingsError"]


class DeliverySettingsError(ValueError):
    """A delivery setting is out of range; the message names it."""


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """How the outbox is drained. Durations are in seconds.

    - `digest_threshold`: when more than this many alerts wait for one destination, they go out as one
      digest message ("12 more items: ...") instead of one message each. Default 5.
    - `max_alert_age`: an item first seen more than this long after it was published, or an alert that has
      waited this long (the bot was down), is not alerted on its own but listed in a digest. Default 2 h.
    - `transient_max_age`: how long an alert keeps being retried after transient failures (timeouts, server
      errors, rate limits) before it ends `expired`. Default 6 h.
    - `backoff_base`, `backoff_cap`: after the n-th transient failure the next try waits between half and
      all of `min(backoff_cap, backoff_base * 2**(n-1))` (exponential backoff with jitter). Defaults 10 s
      and 30 min.
    - `max_concurrency`: destinations of one platform served at the same time. Default 8.
    - `idle_wait`: the longest a worker sleeps when nobody wakes it (alerts queued by another process are
      picked up within this). Default 30 s.
    """

    digest_threshold: int = 5
    max_alert_age: float = 2 * 3600.0
    transient_max_age: float = 6 * 3600.0
    backoff_base: float = 10.0
    backoff_cap: float = 1800.0
    max_concurrency: int = 8
    idle_wait: float = 30.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise DeliverySettingsError(f"delivery.{f.name} must be a number, got {value!r}")
        if self.digest_threshold < 1:
            raise DeliverySettingsError(
                f"delivery.digest_threshold must be at least 1, got {self.digest_threshold}"
            )
        if self.max_concurrency < 1:
            raise DeliverySettingsError(
                f"delivery.max_concurrency must be at least 1, got {self.max_concurrency}"
            )
        for name in ("max_alert_age", "transient_max_age", "backoff_base", "backoff_cap", "idle_wait"):
            if getattr(self, name) <= 0:
                raise DeliverySettingsError(f"delivery.{name} must be positive, got {getattr(self, name)}")
        if self.backoff_cap < self.backoff_base:
            raise DeliverySettingsError(
                f"delivery.backoff_cap ({self.backoff_cap}) must not be below backoff_base ({self.backoff_base})"
            )
