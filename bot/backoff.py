"""How long to wait after failures: exponential backoff with full jitter, and the server's `Retry-After`.

Full jitter (a uniform draw between 0 and the exponential ceiling) spreads retries out best for the least
work and needs no state beyond the failure count. A `Retry-After` the site sent on a 429 or 503 wins when it
asks for longer, within `MAX_RETRY_AFTER`.
"""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["MAX_RETRY_AFTER", "backoff_ceiling", "backoff_delay", "next_delay", "retry_after_seconds"]

MAX_RETRY_AFTER = 24 * 3600.0
_MAX_EXPONENT = 1000  # 2.0 ** 1024 overflows; any cap is reached long before
_DELTA_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def backoff_ceiling(failures: int, *, base: float, cap: float) -> float:
    """The most `backoff_delay` may return: 0 without failures, then base, 2*base, 4*base ... up to `cap`."""
    _check_bounds(base, cap)
    if failures <= 0:
        return 0.0
    exponent = failures - 1
    if exponent >= _MAX_EXPONENT:
        return cap
    return min(cap, base * 2.0**exponent)


def backoff_delay(failures: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after `failures` consecutive failures: uniform in [0, backoff_ceiling]; 0 for none."""
    ceiling = backoff_ceiling(failures, base=base, cap=cap)
    return rng.uniform(0.0, ceiling) if ceiling > 0 else 0.0


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` value asks for (delta-seconds or an HTTP date, past dates give 0), or None."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    text = (value or "").strip()
    if not text:
        return None
    if _DELTA_SECONDS.fullmatch(text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # asctime dates and "-0000" carry no zone; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def next_delay(
    failures: int,
    *,
    base: float,
    cap: float,
    rng: random.Random,
    retry_after: float | None = None,
    retry_cap: float = MAX_RETRY_AFTER,
) -> float:
    """`backoff_delay`, or the server's `retry_after` (at most `retry_cap`) when that is longer."""
    delay = backoff_delay(failures, base=base, cap=cap, rng=rng)
    if retry_after is None or not math.isfinite(retry_after):
        return delay
    return max(delay, min(max(retry_after, 0.0), retry_cap))


def _check_bounds(base: float, cap: float) -> None:
    if not (math.isfinite(base) and base > 0):
        raise ValueError(f"base must be a positive number of seconds, not {base!r}")
    if not (math.isfinite(cap) and cap >= 0):
        raise ValueError(f"cap must be a non-negative number of seconds, not {cap!r}")
