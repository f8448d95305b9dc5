"""The `[telegram]` table of config.toml: the Bot API server, polling or webhook, static destinations, operators.

`parse_telegram_settings` validates the table and raises `TelegramSettingsError` naming the key
(`telegram.destinations[0].countries: ...`); `bot.config` turns that into its `ConfigError`. The bot token and
the webhook secret never come from the file: `TELEGRAM_BOT_TOKEN` and `TELEGRAM_WEBHOOK_SECRET` (environment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from bot.filters import FilterError, merge_keywords, parse_countries, parse_keywords
from parsers.countries import country_name, lookup_country, suggest_countries
from storage.models import Language, SubscriptionMode

__all__ = [
    "DEFAULT_API_BASE_URL",
    "DESTINATION_KEYS",
    "KEYS",
    "StaticDestination",
    "TelegramMode",
    "TelegramSettings",
    "TelegramSettingsError",
    "parse_telegram_settings",
]

DEFAULT_API_BASE_URL = "https://api.telegram.org"
KEYS = frozenset(
    {
        "api_base_url",
        "mode",
        "webhook_url",
        "listen",
        "port",
        "destinations",
        "operators",
        "operator_chat",
        "source_failures",
    }
)
DESTINATION_KEYS = frozenset({"chat", "thread", "keywords", "exclude", "countries", "mode", "language"})
TelegramMode = Literal["polling", "webhook"]
_CHAT_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramSettingsError(ValueError):
    """A `[telegram]` setting is missing or wrong; the message names the key."""


@dataclass(frozen=True, slots=True)
class StaticDestination:
    """A chat, channel or forum topic set up in the config file, with its filters (the file is the truth)."""

    chat: int | str  # a chat id, or a public `@name`
    thread: int | None = None
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    mode: SubscriptionMode = "filtered"
    language: Language = "nl"


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """How wirewatch runs its Telegram bot (used when `TELEGRAM_BOT_TOKEN` is set)."""

    api_base_url: str = DEFAULT_API_BASE_URL
    mode: TelegramMode = "polling"
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    webhook_secret: str | None = None
    destinations: tuple[StaticDestination, ...] = ()
    operators: frozenset[int] = frozenset()
    operator_chat: int | str | None = None
    source_failures: int = 3

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

    def masked(self) -> dict[str, Any]:
        """As plain data for `wirewatch check-config` (the secret is not shown)."""
        return {
            "api_base_url": self.api_base_url,
            "mode": self.mode,
            "webhook_url": self.webhook_url,
            "listen": self.listen,
            "port": self.port,
            "destinations": [
                {
                    "chat": d.chat,
                    "thread": d.thread,
                    "keywords": list(d.keywords),
                    "exclude": list(d.exclude),
                    "countries": list(d.countries),
                    "mode": d.mode,
                    "language": d.language,
                }
                for d in self.destinations
            ],
            "operators": sorted(self.operators),
            "operator_chat": self.operator_chat,
            "source_failures": self.source_failures,
        }


def parse_telegram_settings(table: Mapping[str, Any], *, webhook_secret: str | None) -> TelegramSettings:
    """Validate the `[telegram]` table (`{}` when absent); `webhook_secret` is `TELEGRAM_WEBHOOK_SECRET`."""
    _check_keys(table, "telegram.", KEYS)
    mode = table.get("mode", "polling")
    if mode not in get_args(TelegramMode):
        raise TelegramSettingsError(f'telegram.mode: expected "polling" or "webhook", got {mode!r}')
    webhook_url = table.get("webhook_url")
    if webhook_url is not None and not _is_http_url(webhook_url):
        raise TelegramSettingsError(
            f"telegram.webhook_url: expected the public https:// URL Telegram posts updates to, got {webhook_url!r}"
        )
    if mode == "webhook":
        if webhook_url is None:
            raise TelegramSettingsError(
                'telegram.webhook_url: required when mode = "webhook", e.g. "https://example.org/wirewatch/telegram"'
            )
        if not webhook_secret:
            raise TelegramSettingsError(
                'telegram.mode: "webhook" needs the environment variable TELEGRAM_WEBHOOK_SECRET '
                "(1-256 characters: letters, digits, _ and -)"
            )
    if webhook_secret is not None and not _SECRET.fullmatch(webhook_secret):
        raise TelegramSettingsError(
            "TELEGRAM_WEBHOOK_SECRET: 1-256 characters, only letters, digits, _ and - (Telegram's rule)"
        )
    listen = table.get("listen", "127.0.0.1")
    if not isinstance(listen, str) or not listen.strip():
        raise TelegramSettingsError(
            f'telegram.listen: expected an address such as "127.0.0.1", got {listen!r}'
        )
    return TelegramSettings(
        api_base_url=_api_base_url(table.get("api_base_url", DEFAULT_API_BASE_URL)),
        mode=mode,
        webhook_url=webhook_url,
        listen=listen,
        port=_integer(table, "port", 8443, low=1, high=65535),
        webhook_secret=webhook_secret,
        destinations=_destinations(table.get("destinations", [])),
        operators=_operators(table.get("operators", [])),
        operator_chat=_chat(table.get("operator_chat"), "telegram.operator_chat", required=False),
        source_failures=_integer(table, "source_failures", 3, low=1, high=1000),
    )


def _api_base_url(value: Any) -> str:
    if not _is_http_url(value):
        raise TelegramSettingsError(
            f'telegram.api_base_url: expected the Bot API server\'s address such as "{DEFAULT_API_BASE_URL}", '
            f"got {value!r}"
        )
    return str(value).rstrip("/").removesuffix("/bot")


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_keys(table: Mapping[str, Any], where: str, allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            raise TelegramSettingsError(
                f"{where}{key}: unknown key; expected one of: {', '.join(sorted(allowed))}"
            )


def _integer(table: Mapping[str, Any], key: str, default: int, *, low: int, high: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TelegramSettingsError(
            f"telegram.{key}: expected a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _chat(value: Any, where: str, *, required: bool) -> int | str | None:
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value != 0:
        return value
    if isinstance(value, str) and _CHAT_NAME.fullmatch(value.strip()):
        return value.strip()
    raise TelegramSettingsError(
        f'{where}: expected a chat id such as -1001234567890 or a public name such as "@my_channel", got {value!r}'
    )


def _operators(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in value
    ):
        raise TelegramSettingsError(
            f"telegram.operators: expected a list of Telegram user ids such as [123456789], got {value!r}"
        )
    return frozenset(value)


def _destinations(value: Any) -> tuple[StaticDestination, ...]:
    if not isinstance(value, list):
        raise TelegramSettingsError("telegram.destinations: expected [[telegram.destinations]] tables")
    result: list[StaticDestination] = []
    seen: set[tuple[int | str, int | None]] = set()
    for index, entry in enumerate(value):
        where = f"telegram.destinations[{index}]."
        if not isinstance(entry, dict):
            raise TelegramSettingsError(
                f"telegram.destinations[{index}]: expected a [[telegram.destinations]] table"
            )
        _check_keys(entry, where, DESTINATION_KEYS)
        chat = _chat(entry.get("chat"), f"{where}chat", required=True)
        assert chat is not None
        thread = entry.get("thread")
        if thread is not None and (isinstance(thread, bool) or not isinstance(thread, int) or thread < 1):
            raise TelegramSettingsError(
                f"{where}thread: expected a forum topic id (a whole number), got {thread!r}"
            )
        key = (chat.lower() if isinstance(chat, str) else chat, thread)
        if key in seen:
            raise TelegramSettingsError(f"{where}chat: {chat!r} (thread {thread}) is listed twice")
        seen.add(key)
        mode = entry.get("mode", "filtered")
        if mode not in get_args(SubscriptionMode):
            raise TelegramSettingsError(f'{where}mode: expected "all" or "filtered", got {mode!r}')
        language = entry.get("language", "nl")
        if language not in get_args(Language):
            raise TelegramSettingsError(f'{where}language: expected "nl" or "en", got {language!r}')
        result.append(
            StaticDestination(
                chat=chat,
                thread=thread,
                keywords=_keywords(entry.get("keywords", []), f"{where}keywords"),
                exclude=_keywords(entry.get("exclude", []), f"{where}exclude"),
                countries=_countries(entry.get("countries", []), f"{where}countries"),
                mode=mode,
                language=language,
            )
        )
    return tuple(result)


def _texts(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise TelegramSettingsError(f"{where}: expected a list of strings, got {value!r}")


def _keywords(value: Any, where: str) -> tuple[str, ...]:
    keywords: tuple[str, ...] = ()
    try:
        for text in _texts(value, where):
            keywords = merge_keywords(keywords, parse_keywords(text))
    except FilterError as exc:
        raise TelegramSettingsError(f"{where}: {exc}") from None
    return keywords


def _countries(value: Any, where: str) -> tuple[str, ...]:
    codes: dict[str, None] = {}
    try:
        for text in _texts(value, where):
            codes.update(dict.fromkeys(parse_countries(text, lookup_country, _suggest)))
    except FilterError as exc:
        raise TelegramSettingsError(f"{where}: {exc}") from None
    return tuple(codes)


def _suggest(query: str) -> list[str]:
    return [f"{country_name(code, 'en')} ({code})" for code in suggest_countries(query)]
