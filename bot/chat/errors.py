"""What a chat command can refuse, apart from bad filter input (`bot.filters.FilterError`).

CommandError
├── NotSubscribed      the chat has no subscription, or it was stopped: `/start` first
└── ManagedByConfig    the chat's filters come from the config file; chat commands may not change them

and, raised by a platform's handlers: `Refused` (the sender may not do this here) and `Usage` (bad arguments).
`bot.chat.replies` words each of them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CommandError", "ManagedByConfig", "NotSubscribed", "Refused", "Usage"]


class CommandError(Exception):
    """Base class of the refusals of `bot.chat.ChatCommands`."""


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


class Refused(Exception):
    """The sender may not do this here; `key` names the text that says why, `values` fill it."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class Usage(Exception):
    """A command's arguments are missing or wrong: reply with its usage line."""

    def __init__(self, command: str) -> None:
        super().__init__(command)
        self.command = command
