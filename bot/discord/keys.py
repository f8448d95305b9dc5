"""Destination keys for Discord: `discord:<channel id>` for a channel or thread the bot posts in (a thread is a
channel of its own), `discord:webhook-<webhook id>` for a webhook from the config file."""

from __future__ import annotations

from storage.models import Destination

__all__ = ["PLATFORM", "USER_PREFIX", "WEBHOOK_PREFIX", "channel_key", "webhook_id", "webhook_key"]

PLATFORM = "discord"
USER_PREFIX = "discord:user:"  # `created_by` of a destination a Discord user set up
WEBHOOK_PREFIX = "webhook-"


def channel_key(channel_id: int | str) -> str:
    return f"{PLATFORM}:{channel_id}"


def webhook_key(webhook: str) -> str:
    return f"{PLATFORM}:{WEBHOOK_PREFIX}{webhook}"


def webhook_id(destination: Destination) -> str | None:
    """The webhook a destination posts through, or None for a channel the bot posts in."""
    chat = destination.chat_id
    return chat.removeprefix(WEBHOOK_PREFIX) if chat.startswith(WEBHOOK_PREFIX) else None
