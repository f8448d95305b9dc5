"""Retention: old items go with their events; items still on the page stay."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlite_utils import Database

from storage.db import transaction
from storage.errors import InvalidArgument, NotInTransaction
from storage.items import load_items
from storage.prune import DEFAULT_RETENTION, prune_items
from storage.sources import record_not_modified, upsert_source
from tests.factories import build_item
from tests.storage.conftest import SOURCE, Poll, story

DAY = timedelta(days=1)


def prune(db: Database, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> int:
    with transaction(db):
        return prune_items(db, now=now, retention=retention)


def uids(db: Database, source: str = SOURCE) -> set[str]:
    return {item.uid for item in load_items(db, source)}


def event_uids(db: Database) -> set[str]:
    return {uid for (uid,) in db.execute("SELECT uid FROM item_events")}


def test_items_unseen_for_longer_than_the_retention_go_with_their_events(
    db: Database, poll: Poll, now: datetime
) -> None:
    old, kept = build_item(story(1)), build_item(story(2))
    poll([old, kept], now, baseline=False)
    poll([kept], now + DAY)
    later = now + DAY + DEFAULT_RETENTION
    poll([kept], later)
    assert event_uids(db) == {old.uid, kept.uid}

    assert prune(db, later + timedelta(seconds=1)) == 1

    assert uids(db) == {kept.uid}
    assert event_uids(db) == {kept.uid}


def test_an_item_just_inside_the_retention_stays(db: Database, poll: Poll, now: datetime) -> None:
    a, b = build_item(story(1)), build_item(story(2))
    poll([a, b], now)
    poll([b], now + DAY)
    assert prune(db, now + DEFAULT_RETENTION) == 0
    assert uids(db) == {a.uid, b.uid}


def test_items_on_the_latest_page_are_never_pruned(db: Database, poll: Poll, now: datetime) -> None:
    on_page, dropped = build_item(story(1)), build_item(story(2))
    poll([on_page, dropped], now - DAY)
    poll([on_page], now)
    # The page has not changed for two months: every poll since was a 304.
    record_not_modified(db, SOURCE, now=now + 60 * DAY)
    assert prune(db, now + 60 * DAY) == 1
    assert uids(db) == {on_page.uid}


def test_another_sources_page_does_not_protect_an_item(db: Database, poll: Poll, now: datetime) -> None:
    upsert_source(db, "feed", "https://other.example/rss", "rss")
    poll([build_item(story(1))], now, source="feed")
    poll([build_item(story(2))], now)
    poll([build_item(story(3))], now + 40 * DAY)
    assert prune(db, now + 40 * DAY) == 1
    assert uids(db) == {build_item(story(3)).uid}
    assert uids(db, "feed") == {build_item(story(1)).uid}


def test_a_pruned_item_that_comes_back_is_new_again(db: Database, poll: Poll, now: datetime) -> None:
    a, b = build_item(story(1)), build_item(story(2))
    poll([a, b], now)
    poll([b], now + DAY)
    prune(db, now + 40 * DAY)
    outcome = poll([a, b], now + 41 * DAY)
    assert [(e.kind, e.item.uid) for e in outcome.events] == [("new", a.uid)]


def test_retention_must_be_positive(db: Database, now: datetime) -> None:
    with pytest.raises(InvalidArgument, match="retention"):
        prune(db, now, retention=timedelta(0))


def test_prune_outside_a_transaction_is_refused(db: Database, now: datetime) -> None:
    with pytest.raises(NotInTransaction, match="prune_items"):
        prune_items(db, now=now)
