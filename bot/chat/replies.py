"""What a chat answers when a command is refused: one policy for every platform.

The handlers of a platform raise or let through `Usage`, `Refused`, the `CommandError`s of `ChatCommands` and
`bot.filters.FilterError`; `refusal` words each one in the chat's language. Anything else is a bug, which the
platform logs and apologises for.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.chat.errors import CommandError, ManagedByConfig, NotSubscribed, Refused, Usage
from bot.chat.texts import Rendered, Texts
from bot.filters import FilterError

__all__ = ["EXPECTED", "refusal"]

EXPECTED: tuple[type[Exception], ...] = (Usage, Refused, CommandError, FilterError)


def refusal(
    exc: Exception, language: str, texts: Texts, usage: Callable[[str, str], Rendered]
) -> Rendered | None:
    """The reply to an expected refusal (`usage(language, command)` words a `Usage`); None for anything else."""
    if isinstance(exc, Usage):
        return usage(language, exc.command)
    if isinstance(exc, Refused):
        return texts.t(language, exc.key, **exc.values)
    if isinstance(exc, NotSubscribed):
        return texts.t(language, "not_subscribed")
    if isinstance(exc, ManagedByConfig):
        return texts.t(language, "managed_by_config")
    if isinstance(exc, FilterError):
        return texts.escape(exc.message(language))
    return None
