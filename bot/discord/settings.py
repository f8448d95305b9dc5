"""The `[discord]` table of config.toml: the REST and gateway addresses, development guilds, operators, and the
channels or webhooks set up in the file.

The bot token never comes from the file (`DISCORD_BOT_TOKEN`); a webhook URL is a secret too, so a destination
names the environment variable that holds it (`webhook_env`), and a URL written in the file is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from bot.chat.static import StaticFilters, check_keywords
from bot.settings import Check, Setting, SettingError, table

__all__ = [
    "DEFAULT_API_BASE_URL",
    "TOKEN_VARIABLE",
    "DiscordDestination",
    "DiscordSettings",
    "WebhookAddress",
    "check_discord",
    "configured",
    "parse_webhook_url",
    "webhook_variables",
]

DEFAULT_API_BASE_URL = "https://discord.com/api/v10"
TOKEN_VARIABLE = "DISCORD_BOT_TOKEN"
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_WEBHOOK_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/(\d{15,21})/([A-Za-z0-9_-]{20,})/?")
_SNOWFLAKE = "a Discord id (a whole number, e.g. 1234567890123456789)"


@dataclass(frozen=True, slots=True)
class WebhookAddress:
    """A webhook's id and token, from its URL (`https://discord.com/api/webhooks/<id>/<token>`)."""

    id: str
    token: str


def parse_webhook_url(url: str) -> WebhookAddress | None:
    """The id and token of a Discord webhook URL, or None when `url` is not one."""
    parts = urlsplit(url.strip())
    match = _WEBHOOK_PATH.fullmatch(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or match is None:
        return None
    return WebhookAddress(match.group(1), match.group(2))


def _http_url(value: str, context: Mapping[str, Any]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f'expected an address such as "{DEFAULT_API_BASE_URL}", got {value!r}')
    return value.rstrip("/")


def _gateway_url(value: str | None, context: Mapping[str, Any]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise SettingError(
            f'expected a ws:// or wss:// address such as "wss://gateway.discord.gg", got {value!r}'
        )
    return value


def _ids(what: str) -> Check:
    def check(value: frozenset[int] | tuple[int, ...], context: Mapping[str, Any]) -> Any:
        if any(v <= 0 for v in value):
            raise SettingError(
                f"expected a list of Discord {what} ids such as [1234567890123456789], got {sorted(value)!r}"
            )
        return value

    return check


def _env_name(value: str | None, context: Mapping[str, Any]) -> str | None:
    if value is None:
        return None
    if "://" in value or "/" in value:
        raise SettingError(
            "a webhook URL is a secret and is never written in the file: put it in an environment variable and "
            'name that variable here, e.g. webhook_env = "DISCORD_WEBHOOK_NEWS"'
        )
    if not _ENV_NAME.fullmatch(value):
        raise SettingError(
            f'expected the name of an environment variable such as "DISCORD_WEBHOOK_NEWS", got {value!r}'
        )
    environ = context.get("environ") or {}
    url = environ.get(value)
    if not url:
        raise SettingError(f"the environment variable {value} is not set (it must hold the webhook's URL)")
    if parse_webhook_url(url) is None:
        raise SettingError(
            f"the environment variable {value} does not hold a Discord webhook URL "
            "(https://discord.com/api/webhooks/<id>/<token>)"
        )
    return value


@table
@dataclass(frozen=True, slots=True, kw_only=True)
class DiscordDestination(StaticFilters):
    """[[discord.destinations]]: a channel (through the bot) or a webhook, set up in the config file."""

    channel: Annotated[
        int | None,
        Setting("A channel or thread id the bot posts in (or use webhook_env).", expected=_SNOWFLAKE, ge=1),
    ] = None
    webhook_env: Annotated[
        str | None,
        Setting(
            "The environment variable that holds a webhook URL (instead of channel).",
            expected='the name of an environment variable such as "DISCORD_WEBHOOK_NEWS"',
            check=_env_name,
        ),
    ] = None
    mention_role: Annotated[
        int | None,
        Setting("A role the alerts mention when one of mention_keywords matches.", expected=_SNOWFLAKE, ge=1),
    ] = None
    mention_keywords: Annotated[
        str | tuple[str, ...],
        Setting(
            "Keywords (chat syntax) that make an alert mention mention_role.",
            expected='a list of keywords such as ["aardbeving", "tsunami*"]',
            check=check_keywords,
        ),
    ] = ()


def _one_target(
    destinations: tuple[DiscordDestination, ...], context: Mapping[str, Any]
) -> tuple[DiscordDestination, ...]:
    seen: set[str] = set()
    for index, entry in enumerate(destinations):
        if (entry.channel is None) == (entry.webhook_env is None):
            raise SettingError(
                "give exactly one of channel (the bot posts) or webhook_env (a webhook posts)", at=(index,)
            )
        if entry.mention_keywords and entry.mention_role is None:
            raise SettingError(
                "mention_keywords needs mention_role, the role to mention", at=(index, "mention_role")
            )
        target = str(entry.channel) if entry.channel is not None else f"env:{entry.webhook_env}"
        if target in seen:
            raise SettingError(
                f"{target} is listed twice", at=(index, "channel" if entry.channel else "webhook_env")
            )
        seen.add(target)
    return destinations


@table
@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """[discord]: how wirewatch runs its Discord bot (used when `DISCORD_BOT_TOKEN` is set)."""

    api_base_url: Annotated[
        str,
        Setting(
            "Discord's REST API (interaction replies and webhooks too). Change it only for a Discord-compatible "
            "server or a local fake.",
            check=_http_url,
        ),
    ] = DEFAULT_API_BASE_URL
    gateway_url: Annotated[
        str | None,
        Setting("The gateway to connect to. Default: the one Discord names.", check=_gateway_url),
    ] = None
    guild_ids: Annotated[
        tuple[int, ...],
        Setting(
            "Servers whose /news commands are synced instantly at start (for development); without any, the "
            "commands are synced globally (Discord may take up to an hour to show changes).",
            expected="a list of Discord server ids such as [1234567890123456789]",
            check=_ids("server"),
        ),
    ] = ()
    operators: Annotated[
        frozenset[int],
        Setting(
            "Discord user ids that see every source's health with /news status.",
            expected="a list of Discord user ids such as [1234567890123456789]",
            check=_ids("user"),
        ),
    ] = frozenset()
    operator_channel: Annotated[
        int | None,
        Setting(
            "A channel told when a source keeps failing, and when it recovers.", expected=_SNOWFLAKE, ge=1
        ),
    ] = None
    source_failures: Annotated[
        int,
        Setting(
            "Polls in a row a source must fail before operator_channel hears of it.",
            expected="a whole number from 1 to 1000",
            ge=1,
            le=1000,
        ),
    ] = 3
    destinations: Annotated[
        tuple[DiscordDestination, ...],
        Setting("Channels and webhooks set up here, with their filters.", check=_one_target),
    ] = ()


def check_discord(settings: DiscordSettings, context: Mapping[str, Any]) -> DiscordSettings:
    """The rules across keys (none beyond the destinations' yet)."""
    return settings


def configured(settings: DiscordSettings) -> bool:
    """Whether the table asks for a bot (destinations or an operator channel are set)."""
    return bool(settings.destinations) or settings.operator_channel is not None


def webhook_variables(settings: DiscordSettings) -> tuple[str, ...]:
    """The environment variables that hold the webhook URLs of the destinations."""
    return tuple(d.webhook_env for d in settings.destinations if d.webhook_env)
