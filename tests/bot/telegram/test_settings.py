"""The `[telegram]` table: defaults, every key, and errors that name the key."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_settings
from bot.telegram.settings import DEFAULT_API_BASE_URL, StaticDestination, TelegramSettings


def _telegram(table: dict[str, object], **tokens: str) -> TelegramSettings:
    settings: TelegramSettings = parse_settings({"telegram": table}, tokens=tokens, path=None).platform(
        "telegram"
    )
    return settings


def test_without_a_table_the_defaults_apply() -> None:
    settings = parse_settings({}, tokens={}, path=None).platform("telegram")

    assert settings == TelegramSettings()
    assert settings.bot_url == f"{DEFAULT_API_BASE_URL}/bot" and settings.mode == "polling"


def test_every_key() -> None:
    settings = _telegram(
        {
            "api_base_url": "http://localhost:8081/bot/",
            "mode": "webhook",
            "webhook_url": "https://example.org/wirewatch/telegram",
            "listen": "0.0.0.0",
            "port": 8080,
            "operators": [123, 456],
            "operator_chat": "@wirewatch_ops",
            "source_failures": 5,
            "destinations": [
                {
                    "chat": "@my_channel",
                    "keywords": ["iran", '"Witte Huis" oekra*'],
                    "exclude": "voetbal",
                    "countries": ["Oekraïne", "🇺🇸"],
                    "mode": "all",
                    "language": "en",
                },
                {"chat": -1001234567890, "thread": 12},
            ],
        },
        TELEGRAM_WEBHOOK_SECRET="s3cret-token_1",
    )

    assert settings.api_base_url == "http://localhost:8081"
    assert (settings.bot_url, settings.file_url) == (
        "http://localhost:8081/bot",
        "http://localhost:8081/file/bot",
    )
    assert (settings.mode, settings.webhook_path, settings.listen, settings.port) == (
        "webhook",
        "/wirewatch/telegram",
        "0.0.0.0",
        8080,
    )
    assert settings.operators == frozenset({123, 456}) and settings.operator_chat == "@wirewatch_ops"
    assert settings.source_failures == 5
    assert settings.destinations == (
        StaticDestination(
            chat="@my_channel",
            keywords=("iran", '"witte huis"', "oekra*"),
            exclude=("voetbal",),
            countries=("UA", "US"),
            mode="all",
            language="en",
        ),
        StaticDestination(chat=-1001234567890, thread=12),
    )
    masked = parse_settings({}, tokens={"TELEGRAM_WEBHOOK_SECRET": "s3cret-token_1"}, path=None).masked()
    assert "s3cret" not in str(masked)


@pytest.mark.parametrize(
    ("table", "tokens", "message"),
    [
        ({"tokn": "x"}, {}, "telegram.tokn: unknown key"),
        ({"mode": "push"}, {}, 'telegram.mode: expected "polling" or "webhook"'),
        ({"mode": "webhook"}, {"TELEGRAM_WEBHOOK_SECRET": "abc"}, "telegram.webhook_url: required"),
        ({"mode": "webhook", "webhook_url": "https://e.org/h"}, {}, "TELEGRAM_WEBHOOK_SECRET"),
        ({}, {"TELEGRAM_WEBHOOK_SECRET": "with space"}, "TELEGRAM_WEBHOOK_SECRET: 1-256 characters"),
        ({"api_base_url": "api.telegram.org"}, {}, "telegram.api_base_url: expected"),
        ({"port": 70000}, {}, "telegram.port: must be at most 65535, got 70000"),
        ({"port": "8443"}, {}, "telegram.port: expected a whole number from 1 to 65535, got '8443'"),
        ({"operators": ["@alice"]}, {}, "telegram.operators: expected a list of Telegram user ids"),
        ({"operator_chat": "ops"}, {}, "telegram.operator_chat: expected a chat id"),
        ({"source_failures": 0}, {}, "telegram.source_failures: must be at least 1, got 0"),
        ({"destinations": [{}]}, {}, "telegram.destinations[0].chat: expected a chat id"),
        (
            {"destinations": [{"chat": -100, "colour": "red"}]},
            {},
            "telegram.destinations[0].colour: unknown key",
        ),
        (
            {"destinations": [{"chat": -100, "thread": 0}]},
            {},
            "telegram.destinations[0].thread: must be at least 1",
        ),
        ({"destinations": [{"chat": -100, "mode": "some"}]}, {}, "telegram.destinations[0].mode: expected"),
        (
            {"destinations": [{"chat": -100, "language": "de"}]},
            {},
            "telegram.destinations[0].language: expected",
        ),
        (
            {"destinations": [{"chat": -100, "keywords": ["a*"]}]},
            {},
            "telegram.destinations[0].keywords: The keyword",
        ),
        (
            {"destinations": [{"chat": -100, "countries": ["Oekriane"]}]},
            {},
            'telegram.destinations[0].countries: Unknown country "Oekriane". Did you mean: Ukraine (UA)?',
        ),
        ({"destinations": [{"chat": -100}, {"chat": -100}]}, {}, "telegram.destinations[1].chat: -100"),
    ],
)
def test_mistakes_name_the_key(table: dict[str, object], tokens: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _telegram(table, **tokens)
    assert message in str(caught.value)


def test_the_token_is_never_read_from_the_file() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        _telegram({"token": "123:abc"})
