"""Fixtures for the storage tests: a migrated database file with one source, story leads, a poll helper."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pytest
from sqlite_utils import Database

from parsers.models import Item
from storage.db import open_db, transaction
from storage.items import PollOutcome, apply_poll
from storage.sources import upsert_source

SOURCE = "ticker"
SOURCE_URL = "https://news.example/ticker"


def story(n: int, tail: str = "") -> str:
    """A lead whose first twelve words are unique to `n`, so `tail` can change without changing the uid."""
    opening = f"Verhaal {n} begint met deze vaste woorden die de identiteit van het bericht bepalen"
    return f"{opening} {tail}".strip()


class Poll(Protocol):
    def __call__(
        self,
        items: Sequence[Item],
        now: datetime,
        *,
        baseline: bool = True,
        etag: str | None = None,
        last_modified: str | None = None,
        source: str = SOURCE,
    ) -> PollOutcome: ...


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wirewatch.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A migrated database file holding the source `ticker`."""
    database = open_db(db_path)
    upsert_source(database, SOURCE, SOURCE_URL, "anp-ticker")
    yield database
    database.close()


@pytest.fixture
def poll(db: Database) -> Poll:
    """Apply one page to `db` the way the pipeline does: inside its own transaction."""

    def run(
        items: Sequence[Item],
        now: datetime,
        *,
        baseline: bool = True,
        etag: str | None = None,
        last_modified: str | None = None,
        source: str = SOURCE,
    ) -> PollOutcome:
        with transaction(db):
            return apply_poll(
                db, source, items, now=now, etag=etag, last_modified=last_modified, baseline=baseline
            )

    return run
