"""The `[telegram]` table of config.toml: the Bot API server, polling or webhook, static destinations, operators.

Declared once with `bot.settings.Setting`; `bot.config` validates it (every mistake named by its key,
`telegram.destinations[0].countries: ...`). The bot token and the webhook secret never come from the file:
`TELEGRAM_BOT_TOKEN` and `TELEGRAM_WEBHOOK_SECRET` (environment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from bot.chat.static import StaticFilters
from bot.settings import Setting, SettingError, table

__all__ = [
    "DEFAULT_API_BASE_URL",
    "SECRET_VARIABLE",
    "TOKEN_VARIABLE",
    "StaticDestination",
    "TelegramMode",
    "TelegramSettings",
    "check_telegram",
    "configured",
]

DEFAULT_API_BASE_URL = "https://api.telegram.org"
TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
TelegramMode = Literal["polling", "webhook"]
_CHAT_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHAT = 'a chat id such as -1001234567890 or a public name such as "@my_channel"'


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _api_base_url(value: str, context: Mapping[str, Any]) -> str:
    if not _is_http_url(value):
        raise SettingError(
            f'expected the Bot API server\'s address such as "{DEFAULT_API_BASE_URL}", got {value!r}'
        )
    return value.rstrip("/").removesuffix("/bot")


def _webhook_url(value: str | None, context: Mapping[str, Any]) -> str | None:
    if value is not None and not _is_http_url(value):
        raise SettingError(f"expected the public https:// URL Telegram posts updates to, got {value!r}")
    return value


def _chat(value: int | str | None, context: Mapping[str, Any]) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, int) and value != 0:
        return value
    if isinstance(value, str) and _CHAT_NAME.fullmatch(value.strip()):
        return value.strip()
    raise SettingError(f"expected {_CHAT}, got {value!r}")


def _user_ids(value: frozenset[int], context: Mapping[str, Any]) -> frozenset[int]:
    if any(v <= 0 for v in value):
        raise SettingError(f"expected a list of Telegram user ids such as [123456789], got {sorted(value)!r}")
    return value


def _listen(value: str, context: Mapping[str, Any]) -> str:
    if not value.strip():
        raise SettingError(f'expected an address such as "127.0.0.1", got {value!r}')
    return value


@table
@dataclass(frozen=True, slots=True, kw_only=True)
class StaticDestination(StaticFilters):
    """[[telegram.destinations]]: a chat, channel or forum topic set up in the config file, with its filters."""

    chat: Annotated[int | str, Setting("A chat id or a public @name.", expected=_CHAT, check=_chat)]
    thread: Annotated[
        int | None,
        Setting(
            "A forum topic (its thread id), for a supergroup with topics.",
            expected="a forum topic id (a whole number)",
            ge=1,
        ),
    ] = None


def _unique_chats(
    destinations: tuple[StaticDestination, ...], context: Mapping[str, Any]
) -> tuple[StaticDestination, ...]:
    seen: set[tuple[int | str, int | None]] = set()
    for index, entry in enumerate(destinations):
        key = (entry.chat.lower() if isinstance(entry.chat, str) else entry.chat, entry.thread)
        if key in seen:
            raise SettingError(f"{entry.chat!r} (thread {entry.thread}) is listed twice", at=(index, "chat"))
        seen.add(key)
    return destinations


@table
@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """[telegram]: how wirewatch runs its Telegram bot (used when `TELEGRAM_BOT_TOKEN` is set)."""

    api_base_url: Annotated[
        str,
        Setting(
            'The Bot API server. Change it only for a self-hosted Bot API server (e.g. "http://localhost:8081").',
            check=_api_base_url,
        ),
    ] = DEFAULT_API_BASE_URL
    mode: Annotated[
        TelegramMode,
        Setting(
            '"polling": wirewatch asks Telegram for updates; "webhook": Telegram posts them to webhook_url '
            f"(needs {SECRET_VARIABLE})."
        ),
    ] = "polling"
    webhook_url: Annotated[
        str | None,
        Setting("The public https:// URL Telegram posts updates to (webhook mode).", check=_webhook_url),
    ] = None
    listen: Annotated[
        str,
        Setting(
            "Where the webhook server listens.", expected='an address such as "127.0.0.1"', check=_listen
        ),
    ] = "127.0.0.1"
    port: Annotated[
        int, Setting("The webhook server's port.", expected="a whole number from 1 to 65535", ge=1, le=65535)
    ] = 8443
    destinations: Annotated[
        tuple[StaticDestination, ...],
        Setting("Chats, channels and topics set up here, with their filters.", check=_unique_chats),
    ] = ()
    operators: Annotated[
        frozenset[int],
        Setting(
            "Telegram user ids allowed to see every source's health with /status.",
            expected="a list of Telegram user ids such as [123456789]",
            check=_user_ids,
        ),
    ] = frozenset()
    operator_chat: Annotated[
        int | str | None,
        Setting(
            "A chat told when a source keeps failing, and when it recovers.", expected=_CHAT, check=_chat
        ),
    ] = None
    source_failures: Annotated[
        int,
        Setting(
            "Polls in a row a source must fail before operator_chat hears of it.",
            expected="a whole number from 1 to 1000",
            ge=1,
            le=1000,
        ),
    ] = 3
    paid_broadcast: Annotated[
        bool,
        Setting(
            "Send alerts as paid broadcasts (allow_paid_broadcast): up to 1,000 messages a second instead of 30. "
            "Enable Paid Broadcasts for the bot in @BotFather first; Telegram charges 0.1 Star for each message "
            "over the free 30 a second, from the bot's balance (which must hold at least 10,000 Stars)."
        ),
    ] = False

    @property
    def bot_url(self) -> str:
        """For PTB's `base_url`: the token is appended."""
        return f"{self.api_base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.api_base_url}/file/bot"

    @property
    def webhook_path(self) -> str:
        """The path the webhook server answers on: the path of `webhook_url`."""
        return urlsplit(self.webhook_url or "").path or "/"


def check_telegram(settings: TelegramSettings, context: Mapping[str, Any]) -> TelegramSettings:
    """The rules across keys: webhook mode needs its URL and the secret, and the secret has Telegram's shape."""
    secret = (context.get("environ") or {}).get(SECRET_VARIABLE)
    if secret is not None and not _SECRET.fullmatch(secret):
        raise SettingError(
            "1-256 characters, only letters, digits, _ and - (Telegram's rule)",
            at=(SECRET_VARIABLE,),
            absolute=True,
        )
    if settings.mode == "webhook":
        if settings.webhook_url is None:
            raise SettingError(
                'required when mode = "webhook", e.g. "https://example.org/wirewatch/telegram"',
                at=("webhook_url",),
            )
        if not secret:
            raise SettingError(
                f'"webhook" needs the environment variable {SECRET_VARIABLE} '
                "(1-256 characters: letters, digits, _ and -)",
                at=("mode",),
            )
    return settings


def configured(settings: TelegramSettings) -> bool:
    """Whether the table asks for a bot (destinations or an operator chat are set)."""
    return bool(settings.destinations) or settings.operator_chat is not None
