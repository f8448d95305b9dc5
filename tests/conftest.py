"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.logs import NOISY

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No proxy or wirewatch variable from the machine leaks into a test."""
    for name in list(os.environ):
        if name.upper().endswith("_PROXY") or name.startswith("WIREWATCH_") or name.endswith("_BOT_TOKEN"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """A command run in-process (`CliRunner`) configures logging; the next test starts from what was before."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.fixture
def shared_dir() -> Path:
    """`../shared/` beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/ is not present")
    return SHARED


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
