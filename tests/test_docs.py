"""The README and config.example.toml keep up with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import cli
from bot.config import load_settings, reference
from bot.settings import reference_markdown
from tools.gen_settings_reference import updated

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE = (REPO / "config.example.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_cli_reference_with_help(name: str) -> None:
    assert f"### `wirewatch {name}" in README, f"README's CLI reference lacks `wirewatch {name}`"
    assert cli.commands[name].help, f"{name} has no help text"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_of_a_command_is_documented(name: str) -> None:
    section = README.split(f"### `wirewatch {name}", 1)[1].split("\n### ", 1)[0]
    for param in cli.commands[name].params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in section, f"README does not document {opt} of `wirewatch {name}`"


def test_quick_start_is_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["uv run wirewatch demo", "uv run pytest"]


@pytest.mark.parametrize("doc", reference(), ids=lambda d: f"{d.table}.{d.key}")
def test_every_setting_is_documented_in_the_example(doc: object) -> None:
    table, key, many = doc.table, doc.key, doc.many  # type: ignore[attr-defined]
    header = f"[[{table}]]" if many else f"[{table}]"
    assert header in EXAMPLE.replace("# [", "["), f"config.example.toml has no {header} table"
    section = EXAMPLE.replace("# [", "[").split(header, 1)[1]
    assert re.search(rf"^#? ?{key} = ", section, re.M), f"config.example.toml does not document {table}.{key}"


def test_every_setting_has_help() -> None:
    assert [f"{d.table}.{d.key}" for d in reference() if not d.help] == []


def test_the_readme_reference_is_generated_from_the_declarations() -> None:
    assert updated(README) == README, "run: uv run python tools/gen_settings_reference.py"
    assert "| `interval` |" in reference_markdown(reference())


def test_example_config_is_valid_and_holds_no_token() -> None:
    settings = load_settings(REPO / "config.example.toml", {})
    assert settings.sources
    assert not re.search(r"^#? ?token\s*=", EXAMPLE, re.M)
