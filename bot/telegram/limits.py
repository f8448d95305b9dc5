"""Telegram's published limits for bots, applied by the delivery engine before Telegram enforces them."""

from __future__ import annotations

from bot.adapters.base import RateLimit
from storage.models import Destination

__all__ = ["TELEGRAM_RATE_LIMITS", "is_telegram_group"]


def is_telegram_group(destination: Destination) -> bool:
    """Groups and channels have negative chat ids; private chats positive ones."""
    return destination.chat_id.startswith("-")


TELEGRAM_RATE_LIMITS: tuple[RateLimit, ...] = (
    RateLimit(30, 1.0, per_chat=False),
    RateLimit(1, 1.0, per_chat=True),
    RateLimit(20, 60.0, per_chat=True, applies=is_telegram_group),
)
