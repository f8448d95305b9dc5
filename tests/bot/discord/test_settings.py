"""The `[discord]` table: defaults, every key, webhooks from the environment only, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import ConfigError, parse_settings
from bot.discord.settings import DEFAULT_API_BASE_URL, DiscordDestination, DiscordSettings, parse_webhook_url

HOOK = "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz_0123456789-ABCDEF"


def _discord(table: dict[str, object], **environ: str) -> DiscordSettings:
    settings: DiscordSettings = parse_settings({"discord": table}, tokens=environ, path=None).platform(
        "discord"
    )
    return settings


def test_defaults_without_a_table() -> None:
    settings = _discord({})
    assert settings == DiscordSettings() and settings.api_base_url == DEFAULT_API_BASE_URL


def test_every_key() -> None:
    settings = _discord(
        {
            "api_base_url": "http://127.0.0.1:5000/api/v10/",
            "gateway_url": "ws://127.0.0.1:5001/",
            "guild_ids": [111111111111111111],
            "operators": [222222222222222222],
            "operator_channel": 333333333333333333,
            "source_failures": 4,
            "destinations": [
                {
                    "channel": 444444444444444444,
                    "keywords": ["iran"],
                    "mention_role": 5,
                    "mention_keywords": "tsunami*",
                },
                {"webhook_env": "DISCORD_WEBHOOK_NEWS", "countries": ["Oekraïne"], "language": "en"},
            ],
        },
        DISCORD_WEBHOOK_NEWS=HOOK,
    )
    assert settings.api_base_url == "http://127.0.0.1:5000/api/v10"
    assert (settings.gateway_url, settings.guild_ids, settings.operators) == (
        "ws://127.0.0.1:5001/",
        (111111111111111111,),
        frozenset({222222222222222222}),
    )
    assert settings.destinations == (
        DiscordDestination(
            channel=444444444444444444, keywords=("iran",), mention_role=5, mention_keywords=("tsunami*",)
        ),
        DiscordDestination(webhook_env="DISCORD_WEBHOOK_NEWS", countries=("UA",), language="en"),
    )


def test_the_webhook_url_is_kept_as_a_secret_and_masked() -> None:
    environ = {"DISCORD_WEBHOOK_NEWS": HOOK, "DISCORD_BOT_TOKEN": "x" * 30, "UNRELATED": "nothing"}
    settings = parse_settings(
        {"discord": {"destinations": [{"webhook_env": "DISCORD_WEBHOOK_NEWS"}]}}, tokens=environ, path=None
    )
    assert settings.tokens == {"DISCORD_WEBHOOK_NEWS": HOOK, "DISCORD_BOT_TOKEN": "x" * 30}
    masked = str(settings.masked())
    assert HOOK not in masked and "abcdefghij" not in masked
    assert settings.masked()["environment"]["DISCORD_WEBHOOK_NEWS"].startswith("set (")


@pytest.mark.parametrize(
    ("table", "environ", "message"),
    [
        ({"tokn": 1}, {}, "discord.tokn: unknown key"),
        ({"token": "abc"}, {}, "discord.token: tokens are never read from the config file"),
        ({"api_base_url": "discord.com"}, {}, "discord.api_base_url: expected an address"),
        (
            {"gateway_url": "https://gateway.discord.gg"},
            {},
            "discord.gateway_url: expected a ws:// or wss://",
        ),
        ({"guild_ids": ["abc"]}, {}, "discord.guild_ids: expected a list of Discord server ids"),
        ({"operators": [-1]}, {}, "discord.operators: expected a list of Discord user ids"),
        ({"source_failures": 0}, {}, "discord.source_failures: must be at least 1, got 0"),
        ({"destinations": [{}]}, {}, "discord.destinations[0]: give exactly one of channel"),
        ({"destinations": [{"channel": 1, "webhook_env": "X"}]}, {"X": HOOK}, "give exactly one of channel"),
        (
            {"destinations": [{"webhook_env": HOOK}]},
            {},
            "discord.destinations[0].webhook_env: a webhook URL is a secret",
        ),
        ({"destinations": [{"webhook_url": HOOK}]}, {}, "discord.destinations[0].webhook_url: unknown key"),
        ({"destinations": [{"webhook_env": "NOPE"}]}, {}, "the environment variable NOPE is not set"),
        (
            {"destinations": [{"webhook_env": "X"}]},
            {"X": "https://example.org/hook"},
            "does not hold a Discord webhook URL",
        ),
        (
            {"destinations": [{"channel": 1, "mention_keywords": ["a"]}]},
            {},
            "mention_keywords needs mention_role",
        ),
        ({"destinations": [{"channel": 1, "countries": ["Oekriane"]}]}, {}, 'Unknown country "Oekriane"'),
        (
            {"destinations": [{"channel": 1}, {"channel": 1}]},
            {},
            "discord.destinations[1].channel: 1 is listed twice",
        ),
    ],
)
def test_mistakes_name_the_key(table: dict[str, object], environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _discord(table, **environ)
    assert message in str(caught.value)


def test_every_wrong_key_is_reported_at_once(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[discord]\ngateway_url = "http://x"\nsource_failures = 0\n\n[[sources]]\nname = "a"\nurl = "ftp://x"\ninterval = 5\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check-config", "--config", str(config)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Error: ")
    for key in ("sources[0].url", "sources[0].interval", "discord.gateway_url", "discord.source_failures"):
        assert any(line.removeprefix("Error: ").startswith(key) for line in lines), (key, result.output)


@pytest.mark.parametrize(
    ("url", "parsed"),
    [
        (HOOK, ("123456789012345678", HOOK.rsplit("/", 1)[1])),
        (
            "https://canary.discord.com/api/v10/webhooks/123456789012345678/" + "t" * 60,
            ("123456789012345678", "t" * 60),
        ),
        ("https://example.org/webhooks/1/2", None),
        ("not a url", None),
    ],
)
def test_webhook_urls(url: str, parsed: tuple[str, str] | None) -> None:
    address = parse_webhook_url(url)
    assert (None if address is None else (address.id, address.token)) == parsed


def test_the_readme_invite_asks_for_exactly_the_permissions_the_bot_checks() -> None:
    import re

    import discord

    from bot.discord.access import POSTING

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Discord", 1)[1].split("\n## ", 1)[0]
    (link,) = re.findall(r"https://discord\.com/oauth2/authorize\?\S+", section)
    wanted = discord.Permissions(send_messages=True, send_messages_in_threads=True)
    for flag, _, english in POSTING:
        setattr(wanted, flag, True)
        assert f"**{english}**" in section
    assert f"permissions={wanted.value}" in link and "scope=bot+applications.commands" in link
    for command in (
        "subscribe",
        "unsubscribe",
        "keywords add",
        "countries add",
        "mention off",
        "latest",
        "status",
    ):
        assert f"/news {command}" in section
