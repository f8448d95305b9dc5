"""Rules for the whole codebase: imports flow one way (parsers <- storage <- bot)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
THIRD_PARTY = {
    "parsers": {"selectolax", "feedparser", "ahocorasick"},
    "storage": {"sqlite_utils"},
}
OWN = {"parsers": {"parsers"}, "storage": {"parsers", "storage"}}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["parsers", "storage"])
def test_lower_layers_import_only_the_stdlib_their_libraries_and_lower_layers(package: str) -> None:
    allowed = sys.stdlib_module_names | THIRD_PARTY[package] | OWN[package] | {"__future__"}
    offenders = {
        f"{path.relative_to(REPO)}: {root}"
        for path in modules(package)
        for root in imported_roots(path)
        if root not in allowed
    }
    assert not offenders, f"{package}/ reaches upward or outward: {sorted(offenders)}"


def test_storage_reads_only_the_models_of_parsers() -> None:
    for path in modules("storage"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parsers"):
                assert node.module in ("parsers.models", "parsers.identity"), f"{path}: {node.module}"


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.cli import cli\nimport telegram\n", encoding="utf-8")
    assert imported_roots(bad) == {"bot", "telegram"}


PLATFORM_LIBRARIES = {"telegram": "bot/telegram", "discord": "bot/discord"}


@pytest.mark.parametrize("library", sorted(PLATFORM_LIBRARIES))
def test_a_chat_library_is_imported_only_inside_its_platform_package(library: str) -> None:
    home = REPO / PLATFORM_LIBRARIES[library]
    offenders = sorted(
        str(path.relative_to(REPO))
        for package in ("bot", "parsers", "storage")
        for path in modules(package)
        if home not in path.parents and library in imported_roots(path)
    )
    assert not offenders, f"only {PLATFORM_LIBRARIES[library]}/ may import {library}: {offenders}"


def test_the_shared_layers_name_no_platform_package() -> None:
    """Outside its own package, a platform is reached through `bot.platforms` only (its registry lists it)."""
    offenders = []
    for path in modules("bot"):
        if any(REPO / home in path.parents for home in PLATFORM_LIBRARIES.values()):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith(("bot.telegram", "bot.discord"))
            ):
                offenders.append(f"{path.relative_to(REPO)}: {node.module}")
    assert not offenders, offenders


@pytest.mark.parametrize("command", [["parse", "--help"], ["check-config"]])
def test_a_command_that_needs_no_chat_platform_loads_none(command: list[str], tmp_path: Path) -> None:
    """`check-config` reads every platform's table, but no platform's library: that waits for a token."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        check=True,
        timeout=60,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    platforms = sorted(m for m in loaded if m.split(".")[0] in PLATFORM_LIBRARIES)
    assert "bot.cli" in loaded and result.stdout
    assert platforms == [], f"`wirewatch {' '.join(command)}` loaded {platforms}"
