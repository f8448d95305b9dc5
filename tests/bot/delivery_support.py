"""Shared by the delivery tests: a settable clock, a store fixture, and helpers that queue alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.store import Store
from parsers.identity import text_uid
from storage.db import transaction
from storage.destinations import ensure_destination
from storage.models import EditPolicy, ItemEvent, Language, MessageStyle, OutboxRow
from storage.outbox import Enqueued, enqueue_alerts, list_outbox
from storage.subscriptions import set_subscription
from tests.clock import T0
from tests.factories import build_item

__all__ = ["SOURCE", "T0", "add_destination", "event", "lead", "queue", "rows_of", "store", "uid"]

SOURCE = "ticker"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "wirewatch.db") as opened:
        yield opened


def lead(n: int, tail: str = "") -> str:
    return f"Bericht {n} begint met deze vaste woorden die zijn identiteit bepalen {tail}".strip()


def event(
    n: int,
    *,
    version: int = 1,
    tail: str = "",
    title: str | None = None,
    published_at: datetime | None = None,
    countries: tuple[str, ...] = (),
    url: str | None = None,
) -> ItemEvent:
    """Version `version` of story `n` (versions > 1 are edits: same uid, other text)."""
    text = lead(n, tail or ("" if version == 1 else f"bijgewerkt {version}"))
    item = build_item(
        text,
        uid=text_uid("DEN HAAG", ("ANP",), lead(n)),
        title=title,
        url=url or f"https://news.example/{n}",
        published_at=published_at,
        countries=countries,
    )
    return ItemEvent("new" if version == 1 else "updated", SOURCE, item, version)


def uid(n: int) -> str:
    return event(n).item.uid


def add_destination(
    db: Database,
    key: str,
    *,
    now: datetime = T0,
    edit_policy: EditPolicy = "edit",
    style: MessageStyle = "full",
    language: Language = "nl",
) -> int:
    """A destination with a subscription that takes everything; returns the subscription id."""
    ensure_destination(db, key, now=now, edit_policy=edit_policy, style=style, language=language)
    return set_subscription(db, key, now=now, mode="all").id


def queue(db: Database, events: Sequence[ItemEvent], subs: Iterable[int], *, now: datetime = T0) -> Enqueued:
    """Queue `events` for the subscriptions `subs` the way the pipeline does, in one transaction."""
    ids = list(subs)
    with transaction(db):
        return enqueue_alerts(db, events, lambda e: ids, now=now)


def rows_of(db: Database, key: str | None = None) -> list[OutboxRow]:
    """Every outbox row (of one destination), oldest first."""
    return sorted(list_outbox(db, destination=key, limit=10_000), key=lambda r: r.id)
