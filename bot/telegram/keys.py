"""Destination keys for Telegram: `telegram:<chat_id>`, and `telegram:<chat_id>:<thread_id>` for a forum topic."""

from __future__ import annotations

from storage.models import Destination

__all__ = ["PLATFORM", "USER_PREFIX", "chat_of", "creator_id", "telegram_key"]

PLATFORM = "telegram"
USER_PREFIX = "telegram:user:"  # `created_by` of a destination a Telegram user set up


def telegram_key(chat_id: int, thread_id: int | None = None) -> str:
    """The destination key of a chat, or of one forum topic in it."""
    return f"{PLATFORM}:{chat_id}" if thread_id is None else f"{PLATFORM}:{chat_id}:{thread_id}"


def chat_of(destination: Destination) -> tuple[int, int | None]:
    """(chat id, thread id or None) of a Telegram destination."""
    thread = int(destination.thread_id) if destination.thread_id else None
    return int(destination.chat_id), thread


def creator_id(destination: Destination) -> int | None:
    """The Telegram user who set `destination` up, when one did (not the config file)."""
    created_by = destination.created_by or ""
    if not created_by.startswith(USER_PREFIX):
        return None
    try:
        return int(created_by.removeprefix(USER_PREFIX))
    except ValueError:
        return None
