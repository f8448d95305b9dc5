"""What a chat command can refuse, apart from bad filter input (`bot.filters.FilterError`).

CommandError
├── NotSubscribed      the chat has no subscription, or it was stopped: `/start` first
└── ManagedByConfig    the chat's filters come from the config file; chat commands may not change them
"""

from __future__ import annotations

__all__ = ["CommandError", "ManagedByConfig", "NotSubscribed"]


class CommandError(Exception):
    """Base class of the refusals of `bot.commands`."""


class NotSubscribed(CommandError):
    """The destination `key` has no active subscription."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"{key} is not subscribed")


class ManagedByConfig(CommandError):
    """The destination `key` is set up in the config file, which wins over chat commands."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"{key} is set up in the config file")
