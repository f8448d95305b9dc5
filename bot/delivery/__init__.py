"""Delivery: drains the durable outbox through the chat adapters, in order, within rate limits, whatever fails.

- `DeliveryEngine`: one worker per platform in the main event loop; `start()`/`stop()` (or `async with`),
  `notify()` after alerts were queued, `deliver_due()` for one pass.
- `DeliverySettings`: digest threshold, max alert age, transient max age, backoff (`[delivery]` in the config).
- `plan_unit`: the rules that pick the next message for a destination (single, edit in place, digest, drop).
- `RateLimiter` (`Slot`): the platforms' published limits, applied before the platform enforces them, each send
  counted from the moment it is granted until its answer is in.
"""

from bot.delivery._engine import DeliveryEngine
from bot.delivery._plan import Unit, is_late, plan_unit
from bot.delivery._ratelimit import RateLimiter, Slot
from bot.delivery._settings import DELIVERY_TABLE, DeliverySettings
from bot.delivery._stats import DeliveryStats
from bot.delivery._worker import Observer

__all__ = [
    "DELIVERY_TABLE",
    "DeliveryEngine",
    "DeliverySettings",
    "DeliveryStats",
    "Observer",
    "RateLimiter",
    "Slot",
    "Unit",
    "is_late",
    "plan_unit",
]
