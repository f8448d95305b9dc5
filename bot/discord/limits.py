"""Discord's limits for bots, applied by the delivery engine before Discord enforces them: 50 requests a second
for the bot, and 5 messages per 5 seconds per channel."""

from __future__ import annotations

from bot.adapters.base import RateLimit

__all__ = ["DISCORD_RATE_LIMITS"]

DISCORD_RATE_LIMITS: tuple[RateLimit, ...] = (
    RateLimit(50, 1.0, per_chat=False),
    RateLimit(5, 5.0, per_chat=True),
)
