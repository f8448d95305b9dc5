"""Source bookkeeping: config sync, 304s, failures, schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlite_utils import Database

from storage.db import transaction
from storage.errors import InvalidArgument, UnknownSource
from storage.items import load_items
from storage.sources import (
    get_source_state,
    list_sources,
    record_failure,
    record_not_modified,
    schedule_next_poll,
    upsert_source,
)
from tests.factories import build_item
from tests.storage.conftest import SOURCE, SOURCE_URL, Poll, story

MINUTE = timedelta(minutes=1)


def test_a_new_source_starts_blank(db: Database) -> None:
    assert upsert_source(db, "feed", "https://other.example/rss", "rss") == "added"
    state = get_source_state(db, "feed")
    assert (state.url, state.kind, state.etag, state.baselined) == (
        "https://other.example/rss",
        "rss",
        None,
        False,
    )
    assert (state.consecutive_failures, state.last_item_count, state.last_success_at) == (0, None, None)
    assert [s.name for s in list_sources(db)] == ["feed", SOURCE]


def test_upserting_the_same_config_changes_nothing(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1))], now, etag='"x"')
    before = get_source_state(db, SOURCE)
    changes = db.conn.total_changes
    assert upsert_source(db, SOURCE, SOURCE_URL, "anp-ticker") == "unchanged"
    assert db.conn.total_changes == changes
    assert get_source_state(db, SOURCE) == before


def test_a_moved_source_keeps_its_items_and_reseeds_silently(db: Database, poll: Poll, now: datetime) -> None:
    old = [build_item(story(1)), build_item(story(2))]
    poll(old, now, etag='"old"', last_modified="Fri, 27 Nov 2026 11:00:00 GMT")
    record_failure(db, SOURCE, error="503", now=now + MINUTE)

    assert upsert_source(db, SOURCE, "https://news.example/v2/ticker", "anp-ticker") == "moved"

    state = get_source_state(db, SOURCE)
    assert state.url == "https://news.example/v2/ticker"
    assert (state.etag, state.last_modified, state.baselined) == (None, None, False)
    assert (state.consecutive_failures, state.last_error) == (0, None)
    assert {i.uid for i in load_items(db, SOURCE)} == {i.uid for i in old}
    outcome = poll([build_item(story(3)), *old], now + 2 * MINUTE)
    assert outcome.seeded is True and outcome.events == []
    later = poll([build_item(story(4)), build_item(story(3))], now + 3 * MINUTE)
    assert [e.item.uid for e in later.events] == [build_item(story(4)).uid]


def test_a_new_kind_counts_as_a_move(db: Database) -> None:
    assert upsert_source(db, SOURCE, SOURCE_URL, "rss") == "moved"
    assert get_source_state(db, SOURCE).kind == "rss"


def test_blank_source_fields_are_refused(db: Database) -> None:
    with pytest.raises(InvalidArgument):
        upsert_source(db, "x", " ", "rss")


def test_unknown_source(db: Database, now: datetime) -> None:
    with pytest.raises(UnknownSource, match="nowhere"):
        get_source_state(db, "nowhere")
    with pytest.raises(UnknownSource):
        record_failure(db, "nowhere", error="boom", now=now)
    with pytest.raises(UnknownSource):
        record_not_modified(db, "nowhere", now=now)
    with pytest.raises(UnknownSource):
        load_items(db, "nowhere")


def test_failures_count_up_and_keep_the_last_error(db: Database, now: datetime) -> None:
    first = record_failure(db, SOURCE, error="timeout", now=now)
    second = record_failure(db, SOURCE, error="HTTP 503", now=now + MINUTE)
    assert (first.consecutive_failures, second.consecutive_failures) == (1, 2)
    assert second.last_error == "HTTP 503"
    assert second.last_attempt_at == now + MINUTE
    assert second.last_success_at is None
    assert get_source_state(db, SOURCE) == second


def test_a_good_poll_clears_the_failures(db: Database, poll: Poll, now: datetime) -> None:
    record_failure(db, SOURCE, error="timeout", now=now)
    poll([build_item(story(1))], now + MINUTE)
    state = get_source_state(db, SOURCE)
    assert (state.consecutive_failures, state.last_error, state.last_success_at) == (0, None, now + MINUTE)


def test_not_modified_is_a_success_that_changes_nothing_else(db: Database, poll: Poll, now: datetime) -> None:
    item = build_item(story(1))
    poll([item], now, etag='"v1"', last_modified="Fri, 27 Nov 2026 11:00:00 GMT")
    record_failure(db, SOURCE, error="timeout", now=now + MINUTE)
    items_before = db.execute("SELECT * FROM items").fetchall()

    record_not_modified(db, SOURCE, now=now + 2 * MINUTE)

    state = get_source_state(db, SOURCE)
    assert (state.consecutive_failures, state.last_error) == (0, None)
    assert state.last_success_at == state.last_attempt_at == now + 2 * MINUTE
    assert (state.etag, state.last_modified) == ('"v1"', "Fri, 27 Nov 2026 11:00:00 GMT")
    assert (state.last_page_at, state.last_item_count, state.baselined) == (now, 1, True)
    assert db.execute("SELECT * FROM items").fetchall() == items_before


def test_bookkeeping_joins_the_callers_transaction(db: Database, now: datetime) -> None:
    with pytest.raises(RuntimeError), transaction(db):
        record_failure(db, SOURCE, error="timeout", now=now)
        schedule_next_poll(db, SOURCE, at=now + MINUTE)
        raise RuntimeError("the caller's unit of work failed")
    state = get_source_state(db, SOURCE)
    assert (state.consecutive_failures, state.next_poll_after) == (0, None)


def test_schedule_next_poll(db: Database, now: datetime) -> None:
    schedule_next_poll(db, SOURCE, at=now + 5 * MINUTE)
    assert get_source_state(db, SOURCE).next_poll_after == now + 5 * MINUTE
    schedule_next_poll(db, SOURCE, at=None)
    assert get_source_state(db, SOURCE).next_poll_after is None


def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(InvalidArgument, match="timezone"):
        record_not_modified(db, SOURCE, now=datetime(2026, 11, 27, 12, 0))
    assert get_source_state(db, SOURCE).last_attempt_at is None
