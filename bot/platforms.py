"""The seam between wirewatch and a chat platform: each platform package registers one `Platform`.

A platform is a package under `bot/` (`bot/telegram/`, `bot/discord/`) whose `__init__` defines

    PLATFORM = Platform(
        name="telegram",                      # the config table [telegram] and the destination keys' prefix
        settings=TelegramSettings,            # that table, declared with `bot.settings.Setting`
        token_variable="TELEGRAM_BOT_TOKEN",  # the platform runs when this environment variable is set
        start=start,                          # async (PlatformContext) -> PlatformRuntime
        rate_limits=TELEGRAM_RATE_LIMITS,
        ...
    )

and imports nothing heavy: `start` imports the platform's library when it runs, so commands that need no chat
platform (`wirewatch parse`) never load one. `PACKAGES` below lists the platform packages; `bot.config` and the
composition root (`bot.app`) loop over `platforms()` and name none.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Generic, Protocol, TypeVar

from bot.adapters.base import RateLimit
from bot.settings import Check, Setting

if TYPE_CHECKING:
    from bot.adapters.base import Adapter
    from bot.chat import ChatCommands
    from bot.web import HttpServer

__all__ = [
    "PACKAGES",
    "Platform",
    "PlatformContext",
    "PlatformRuntime",
    "PlatformStartError",
    "platforms",
    "secret_variables",
]

PACKAGES = ("bot.telegram", "bot.discord")
S = TypeVar("S")


class PlatformStartError(Exception):
    """A platform could not start for good (its token was refused); the message says what to fix."""


@dataclass(frozen=True, slots=True)
class PlatformContext(Generic[S]):
    """What a platform gets when it starts."""

    settings: S
    token: str  # empty when the platform runs without one (`Platform.tokenless`)
    secrets: Mapping[str, str]  # the platform's `secret_variables` and `variables` that are set
    commands: ChatCommands
    clock: Callable[[], datetime]
    http: HttpServer | None = None  # the `[http]` listener, when on (Telegram's webhook shares it)


class PlatformRuntime(Protocol):
    """A running platform: its delivery adapter, its source-health reports, and how it stops."""

    @property
    def adapter(self) -> Adapter: ...

    @property
    def connected(self) -> bool:
        """Whether the platform answers now (for `/healthz`)."""
        ...

    def source_report(self, source: str, *, ok: bool, error: str | None = None) -> None:
        """One poll's outcome (a platform may tell an operator chat when a source keeps failing)."""
        ...

    async def stop(self) -> None:
        """Stop taking commands and close the connections."""
        ...


def _never(settings: Any) -> bool:
    return False


def _none(settings: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class Platform(Generic[S]):
    """One chat platform as wirewatch sees it (see the module docstring)."""

    name: str
    settings: type[S]
    token_variable: str
    start: Callable[[PlatformContext[S]], Awaitable[PlatformRuntime]]
    rate_limits: Sequence[RateLimit] = ()
    secret_variables: tuple[str, ...] = ()
    # A rule over the whole table (`webhook` mode needs `webhook_url`), applied when a config file is read.
    check: Check | None = None
    # Whether the table asks for the platform (wirewatch warns when it does and the token is not set).
    configured: Callable[[S], bool] = field(default=_never)
    # Environment variables the table names that hold secrets (Discord's webhook URLs).
    variables: Callable[[S], tuple[str, ...]] = field(default=_none)
    # Whether the platform has work to do without its token (Discord's webhooks post without the bot).
    tokenless: Callable[[S], bool] = field(default=_never)

    def table_type(self) -> Any:
        """The table's declared type, as `bot.settings.validate` takes it."""
        if self.check is None:
            return self.settings
        return Annotated[self.settings, Setting(check=self.check)]


@cache
def platforms() -> tuple[Platform[Any], ...]:
    """Every registered platform, in `PACKAGES` order."""
    return tuple(importlib.import_module(package).PLATFORM for package in PACKAGES)


def secret_variables() -> tuple[str, ...]:
    """Every environment variable a platform reads a secret from: tokens first."""
    found = [p.token_variable for p in platforms()]
    found += [name for p in platforms() for name in p.secret_variables]
    return tuple(dict.fromkeys(found))
