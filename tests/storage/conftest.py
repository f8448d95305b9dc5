"""Fixtures for the storage tests: a migrated database file with one source, an item factory, a poll helper."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pytest
from sqlite_utils import Database

from parsers.identity import content_hash, text_uid
from parsers.models import CountryEvidence, Item
from storage.db import open_db, transaction
from storage.items import PollOutcome, apply_poll
from storage.sources import upsert_source

SOURCE = "ticker"
SOURCE_URL = "https://news.example/ticker"


def story(n: int, tail: str = "") -> str:
    """A lead whose first twelve words are unique to `n`, so `tail` can change without changing the uid."""
    opening = f"Verhaal {n} begint met deze vaste woorden die de identiteit van het bericht bepalen"
    return f"{opening} {tail}".strip()


def build_item(
    lead: str,
    *,
    place: str | None = "DEN HAAG",
    agencies: tuple[str, ...] = ("ANP",),
    title: str | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    precision: int | None = None,
    label: str | None = None,
    countries: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    evidence: tuple[CountryEvidence, ...] = (),
) -> Item:
    """An item as a parser would make it: uid and content hash come from `parsers.identity`."""
    return Item(
        uid=text_uid(place, agencies, lead),
        place=place,
        agencies=agencies,
        title=title,
        text=lead,
        url=url,
        published_at=published_at,
        time_label=label,
        content_hash=content_hash(title, lead),
        published_precision=precision,
        countries=countries,
        regions=regions,
        evidence=evidence,
    )


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
