from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_SOURCE, MIN_INTERVAL, ConfigError, load_settings
from bot.platforms import secret_variables

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_zeelandnet_source_and_console() -> None:
    settings = load_settings(None, {})
    assert settings.sources == (DEFAULT_SOURCE,)
    assert settings.sources[0].url == "https://www.zeelandnet.nl/nieuws/buitenland"
    assert settings.console.enabled == "auto"  # on unless a chat platform runs
    assert settings.storage.path == "wirewatch.db"


def test_example_config_loads_and_matches_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(REPO / "config.example.toml", {})
    defaults = load_settings(None, {})
    assert settings.sources == defaults.sources
    assert settings.fetch == defaults.fetch
    assert settings.storage.retention_days == defaults.storage.retention_days
    assert settings.storage.path == str(
        REPO / "wirewatch.db"
    )  # beside the file; the default is the working folder
    assert settings.console == defaults.console
    assert settings.delivery == defaults.delivery
    assert settings.platforms == defaults.platforms


def test_contract_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[storage]
path = "x.db"

[[sources]]
name = "zeelandnet-buitenland"
url = "https://www.zeelandnet.nl/nieuws/buitenland"
kind = "wire-page"
interval = 60

[[sources]]
name = "nos"
url = "https://feeds.nos.nl/nosnieuwsbuitenland"
kind = "feed"
interval = 120

[sources.selectors]
item = "li"
title = "h3"
""",
    )
    settings = load_settings(path, {})
    assert settings.storage.path == str(tmp_path.resolve() / "x.db")  # beside the config file
    assert [s.name for s in settings.sources] == ["zeelandnet-buitenland", "nos"]
    assert settings.sources[1].kind == "feed"
    assert settings.sources[1].interval == 120
    assert settings.sources[1].selectors is not None
    assert settings.sources[1].selectors.title == "h3"


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ("[storage]\npaht = 'x'\n", "storage.paht", "expected one of"),
        ("[[sources]]\nname='a'\nurl='ftp://x'\n", "sources[0].url", "http"),
        ("[[sources]]\nname='a'\nurl='https://x.nl'\nkind='rss'\n", "sources[0].kind", '"feed"'),
        (
            "[[sources]]\nname='a'\nurl='https://x.nl'\ninterval=5\n",
            "sources[0].interval",
            f"at least {MIN_INTERVAL}",
        ),
        ("[[sources]]\nname='a'\nurl='https://x.nl'\ninterval='60'\n", "sources[0].interval", "whole number"),
        (
            "[[sources]]\nname='a'\nurl='https://x.nl'\n[[sources]]\nname='a'\nurl='https://y.nl'\n",
            "sources[1].name",
            "unique",
        ),
        ("[[sources]]\nurl='https://x.nl'\n", "sources[0].name", "required"),
        (
            "[[sources]]\nname='a'\nurl='https://x.nl'\n[sources.selectors]\ntitle='h3'\n",
            "selectors.item",
            "required",
        ),
        ("[telegram]\ntoken = '123:abc'\n", "telegram.token", "TELEGRAM_BOT_TOKEN"),
        ("[console]\ncolor = 'blue'\n", "console.color", "auto"),
        ("sources = []\n", "sources", "[[sources]]"),
    ],
)
def test_mistakes_name_the_key_and_the_fix(tmp_path: Path, text: str, key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text), {})
    assert key in str(info.value)
    assert hint in str(info.value)


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", {})
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(write(tmp_path, "[storage\n"), {})


def test_tokens_come_from_the_environment_and_are_masked() -> None:
    secret = "123456789:AAH-very-secret-token-value"
    settings = load_settings(None, {"TELEGRAM_BOT_TOKEN": secret})
    assert settings.tokens["TELEGRAM_BOT_TOKEN"] == secret
    masked = settings.masked()
    assert secret not in repr(masked)
    assert secret[-6:] not in repr(masked)
    assert masked["environment"]["TELEGRAM_BOT_TOKEN"].startswith("set")
    others = [name for name in secret_variables() if name != "TELEGRAM_BOT_TOKEN"]
    assert others and all(masked["environment"][name] == "(not set)" for name in others)
    assert secret not in repr(settings)


def test_a_relative_database_path_is_read_from_the_config_files_folder(tmp_path: Path) -> None:
    """Started from another folder (systemd, cron), wirewatch must find the same database, not a new one."""
    import subprocess
    import sys

    folder = tmp_path / "etc"
    folder.mkdir()
    config = write(folder, '[storage]\npath = "data/w.db"\n')
    (folder / "data").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "--config", str(config)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f'"path": "{folder.resolve() / "data" / "w.db"}"' in result.stdout
    absolute = write(folder, f'[storage]\npath = "{tmp_path / "abs.db"}"\n')
    assert load_settings(absolute, {}).storage.path == str(tmp_path / "abs.db")
