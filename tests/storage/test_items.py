"""The poll diff: which stored items are news, and what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlite_utils import Database

from parsers.models import CountryEvidence
from storage.db import transaction
from storage.errors import InvalidArgument, NotInTransaction, UnknownSource
from storage.items import apply_poll, load_items, recent_events
from storage.models import ItemEvent
from storage.sources import get_source_state, upsert_source
from tests.factories import build_item
from tests.storage.conftest import SOURCE, Poll, story

MINUTE = timedelta(minutes=1)


def kinds(outcome_events: Sequence[ItemEvent]) -> list[tuple[str, str, int]]:
    return [(e.kind, e.item.uid, e.version) for e in outcome_events]


def stored_row(db: Database, uid: str) -> dict[str, Any]:
    return next(db.query("SELECT * FROM items WHERE source = ? AND uid = ?", [SOURCE, uid]))


def test_first_poll_seeds_silently(db: Database, poll: Poll, now: datetime) -> None:
    page = [build_item(story(1)), build_item(story(2))]
    outcome = poll(page, now)
    assert outcome.events == []
    assert (outcome.seeded, outcome.new, outcome.problem) == (True, 2, None)
    assert get_source_state(db, SOURCE).baselined is True
    assert {i.uid for i in load_items(db, SOURCE)} == {i.uid for i in page}
    assert db.execute("SELECT count(*) FROM item_events").fetchone()[0] == 0


def test_first_poll_without_baseline_announces_everything(db: Database, poll: Poll, now: datetime) -> None:
    page = [build_item(story(1)), build_item(story(2))]
    outcome = poll(page, now, baseline=False)
    assert kinds(outcome.events) == [("new", page[0].uid, 1), ("new", page[1].uid, 1)]
    assert outcome.seeded is False
    assert get_source_state(db, SOURCE).baselined is True


def test_second_poll_of_a_baselined_source_is_not_a_seed(poll: Poll, now: datetime) -> None:
    poll([build_item(story(1))], now, baseline=False)
    outcome = poll([build_item(story(2)), build_item(story(1))], now + MINUTE)
    assert outcome.seeded is False
    assert kinds(outcome.events) == [("new", build_item(story(2)).uid, 1)]


def test_one_new_item(poll: Poll, now: datetime) -> None:
    old = [build_item(story(1)), build_item(story(2))]
    poll(old, now)
    fresh = build_item(story(3), title="Kabinet valt")
    outcome = poll([fresh, *old], now + MINUTE)
    assert kinds(outcome.events) == [("new", fresh.uid, 1)]
    assert outcome.events[0].item == fresh
    assert outcome.events[0].source == SOURCE
    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 0, 2)


def test_several_new_items_in_page_order(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1))], now)
    fresh = [build_item(story(n)) for n in (4, 3, 2)]
    outcome = poll([*fresh, build_item(story(1))], now + MINUTE)
    assert kinds(outcome.events) == [("new", item.uid, 1) for item in fresh]
    logged = db.execute("SELECT uid, kind, version FROM item_events ORDER BY id").fetchall()
    assert logged == [(item.uid, "new", 1) for item in fresh]


def test_an_edit_is_an_update_with_the_new_text(db: Database, poll: Poll, now: datetime) -> None:
    first = build_item(story(1, "Er vielen twee doden."), title="Brand")
    poll([first], now)
    edited = build_item(story(1, "Er vielen drie doden."), title="Brand")
    assert edited.uid == first.uid and edited.content_hash != first.content_hash

    outcome = poll([edited], now + MINUTE)

    assert kinds(outcome.events) == [("updated", first.uid, 2)]
    assert outcome.events[0].item.text.endswith("drie doden.")
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 0)
    assert load_items(db, SOURCE) == [edited]
    row = stored_row(db, first.uid)
    assert (row["version"], row["content_hash"]) == (2, edited.content_hash)
    assert (row["first_seen"], row["last_seen"]) == (
        "2026-11-27T12:00:00.000000Z",
        "2026-11-27T12:01:00.000000Z",
    )


def test_a_second_edit_is_version_three(poll: Poll, now: datetime) -> None:
    poll([build_item(story(1, "een"))], now)
    poll([build_item(story(1, "twee"))], now + MINUTE)
    outcome = poll([build_item(story(1, "drie"))], now + 2 * MINUTE)
    assert [(e.kind, e.version) for e in outcome.events] == [("updated", 3)]


def test_a_title_edit_is_an_update(poll: Poll, now: datetime) -> None:
    poll([build_item(story(1), title="Brand in Delft")], now)
    outcome = poll([build_item(story(1), title="Grote brand in Delft")], now + MINUTE)
    assert [e.kind for e in outcome.events] == ["updated"]


def test_whitespace_only_change_is_nothing(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1, "Het regent."))], now)
    respaced = build_item(story(1, "Het\u00a0 regent. ").replace(" met ", "  met\n"))
    outcome = poll([respaced], now + MINUTE)
    assert outcome.events == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, 1)
    assert stored_row(db, respaced.uid)["version"] == 1


def test_reorder_is_nothing(poll: Poll, now: datetime) -> None:
    page = [build_item(story(n)) for n in range(1, 6)]
    poll(page, now)
    outcome = poll(list(reversed(page)), now + MINUTE)
    assert outcome.events == []
    assert outcome.unchanged == 5


def test_drop_off_and_return_is_nothing(db: Database, poll: Poll, now: datetime) -> None:
    a, b, c = (build_item(story(n)) for n in (1, 2, 3))
    poll([a, b, c], now)
    gone = poll([a, b], now + MINUTE)
    back = poll([c, a, b], now + 2 * MINUTE)
    assert gone.events == [] and back.events == []
    assert stored_row(db, c.uid)["last_seen"] == "2026-11-27T12:02:00.000000Z"


def test_returning_item_that_was_edited_meanwhile_is_an_update(poll: Poll, now: datetime) -> None:
    poll([build_item(story(1)), build_item(story(2, "oud"))], now)
    poll([build_item(story(1))], now + MINUTE)
    outcome = poll([build_item(story(1)), build_item(story(2, "nieuw"))], now + 2 * MINUTE)
    assert [(e.kind, e.version) for e in outcome.events] == [("updated", 2)]


def test_unchanged_items_get_last_seen_now(db: Database, poll: Poll, now: datetime) -> None:
    item = build_item(story(1))
    poll([item], now)
    poll([item], now + 5 * MINUTE)
    row = stored_row(db, item.uid)
    assert (row["first_seen"], row["last_seen"]) == (
        "2026-11-27T12:00:00.000000Z",
        "2026-11-27T12:05:00.000000Z",
    )


def test_empty_page_after_items_is_a_problem_that_changes_nothing(
    db: Database, poll: Poll, now: datetime
) -> None:
    page = [build_item(story(1)), build_item(story(2))]
    poll(page, now, etag='"v1"')
    before_items = db.execute("SELECT * FROM items ORDER BY id").fetchall()

    outcome = poll([], now + MINUTE, etag='"broken"')

    assert outcome.events == []
    assert outcome.problem is not None and "no items" in outcome.problem
    assert db.execute("SELECT * FROM items ORDER BY id").fetchall() == before_items
    state = get_source_state(db, SOURCE)
    assert state.consecutive_failures == 1
    assert state.last_error == outcome.problem
    assert state.etag == '"v1"'  # the broken page's validator is not kept, so it is fetched again
    assert state.last_success_at == now
    assert state.last_attempt_at == now + MINUTE
    assert state.last_item_count == 2


def test_good_poll_after_an_empty_one_gives_only_real_news(db: Database, poll: Poll, now: datetime) -> None:
    page = [build_item(story(1)), build_item(story(2))]
    poll(page, now)
    poll([], now + MINUTE)
    poll([], now + 2 * MINUTE)
    assert get_source_state(db, SOURCE).consecutive_failures == 2
    fresh = build_item(story(3))
    outcome = poll([fresh, *page], now + 3 * MINUTE)
    assert kinds(outcome.events) == [("new", fresh.uid, 1)]
    state = get_source_state(db, SOURCE)
    assert (state.consecutive_failures, state.last_error) == (0, None)


def test_empty_first_page_is_a_success_without_a_seed(db: Database, poll: Poll, now: datetime) -> None:
    outcome = poll([], now)
    assert outcome.problem is None and outcome.seeded is False
    state = get_source_state(db, SOURCE)
    assert (state.baselined, state.last_item_count, state.consecutive_failures) == (False, 0, 0)
    later = poll([build_item(story(1))], now + MINUTE)
    assert later.seeded is True and later.events == []


def test_duplicate_uids_in_one_batch_first_wins(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(9))], now)
    first = build_item(story(1, "eerste versie"))
    second = build_item(story(1, "tweede versie"))
    assert first.uid == second.uid
    outcome = poll([first, second, build_item(story(9))], now + MINUTE)
    assert kinds(outcome.events) == [("new", first.uid, 1)]
    assert outcome.events[0].item.text == first.text
    assert stored_row(db, first.uid)["text"] == first.text
    assert get_source_state(db, SOURCE).last_item_count == 2


def test_validators_are_stored_and_replaced(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1))], now, etag='"a"', last_modified="Fri, 27 Nov 2026 11:59:00 GMT")
    assert (get_source_state(db, SOURCE).etag, get_source_state(db, SOURCE).last_modified) == (
        '"a"',
        "Fri, 27 Nov 2026 11:59:00 GMT",
    )
    poll([build_item(story(1))], now + MINUTE, etag=None, last_modified=None)
    assert (get_source_state(db, SOURCE).etag, get_source_state(db, SOURCE).last_modified) == (None, None)


# --- published_at precision -------------------------------------------------------------------------------


def published(db: Database, uid: str) -> tuple[str | None, int | None, str | None]:
    row = stored_row(db, uid)
    return row["published_at"], row["published_precision"], row["time_label"]


def test_more_precise_estimate_replaces_a_coarse_one(db: Database, poll: Poll, now: datetime) -> None:
    coarse = build_item(story(1), published_at=now, precision=3600, label="1 uur geleden")
    fine = build_item(story(1), published_at=now - 10 * MINUTE, precision=60, label="50 minuten geleden")
    poll([coarse], now)
    outcome = poll([fine], now + MINUTE)
    assert outcome.events == []
    assert published(db, fine.uid) == ("2026-11-27T11:50:00.000000Z", 60, "50 minuten geleden")


def test_coarser_estimate_is_ignored(db: Database, poll: Poll, now: datetime) -> None:
    fine = build_item(story(1), published_at=now, precision=60, label="1 minuut geleden")
    aged = build_item(story(1), published_at=now + 2 * MINUTE, precision=3600, label="1 uur geleden")
    poll([fine], now)
    poll([aged], now + 61 * MINUTE)
    assert published(db, fine.uid) == ("2026-11-27T12:00:00.000000Z", 60, "1 minuut geleden")
    assert load_items(db, SOURCE)[0].published_at == now


def test_equal_precision_keeps_the_stored_estimate(db: Database, poll: Poll, now: datetime) -> None:
    first = build_item(story(1), published_at=now, precision=60, label="2 minuten geleden")
    same = build_item(story(1), published_at=now + MINUTE, precision=60, label="2 minuten geleden")
    poll([first], now)
    poll([same], now + MINUTE)
    assert published(db, first.uid)[0] == "2026-11-27T12:00:00.000000Z"


def test_exact_time_beats_any_window_and_any_time_beats_none(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1))], now)
    poll([build_item(story(1), published_at=now, precision=86400, label="gisteren")], now + MINUTE)
    assert published(db, build_item(story(1)).uid)[1] == 86400
    exact = now - 3 * MINUTE
    poll([build_item(story(1), published_at=exact, precision=None, label="11:57")], now + 2 * MINUTE)
    poll([build_item(story(1), published_at=now, precision=60, label="1 minuut")], now + 3 * MINUTE)
    poll([build_item(story(1))], now + 4 * MINUTE)
    assert published(db, build_item(story(1)).uid) == ("2026-11-27T11:57:00.000000Z", None, "11:57")


def test_an_update_keeps_the_better_time_estimate(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1, "oud"), published_at=now, precision=60, label="1 min")], now)
    edited = build_item(story(1, "nieuw"), published_at=now + 60 * MINUTE, precision=3600, label="1 uur")
    outcome = poll([edited], now + 60 * MINUTE)
    event_item = outcome.events[0].item
    assert (event_item.text, event_item.published_at, event_item.published_precision) == (
        edited.text,
        now,
        60,
    )
    assert load_items(db, SOURCE) == [event_item]


# --- round trip, reading -----------------------------------------------------------------------------------


def test_items_round_trip_with_tuples_and_aware_datetimes(db: Database, poll: Poll, now: datetime) -> None:
    cet = timezone(timedelta(hours=1))
    item = build_item(
        story(1, "Parijs en Berlijn reageren."),
        place="BRUSSEL",
        agencies=("ANP", "AFP"),
        title="Top in Brussel",
        url="https://news.example/a/1",
        published_at=datetime(2026, 11, 27, 12, 59, 30, 123456, tzinfo=cet),
        precision=60,
        label="zojuist",
        countries=("BE", "FR", "DE"),
        regions=("EU",),
        evidence=(
            CountryEvidence("BE", "dateline", "BRUSSEL"),
            CountryEvidence("FR", "capital", "Parijs", 91),
        ),
    )
    poll([item], now)
    (loaded,) = load_items(db, SOURCE)
    assert loaded == item
    assert loaded.evidence == item.evidence
    assert loaded.published_at is not None and loaded.published_at.utcoffset() == timedelta(0)
    assert loaded.published_at == datetime(2026, 11, 27, 11, 59, 30, 123456, tzinfo=UTC)
    assert isinstance(loaded.agencies, tuple) and isinstance(loaded.countries, tuple)


def test_load_items_newest_first_then_page_order(db: Database, poll: Poll, now: datetime) -> None:
    a, b, c, d = (build_item(story(n)) for n in range(1, 5))
    poll([a, b], now)
    poll([c, d, a, b], now + MINUTE)
    assert [i.uid for i in load_items(db, SOURCE)] == [c.uid, d.uid, a.uid, b.uid]
    assert [i.uid for i in load_items(db, SOURCE, limit=3)] == [c.uid, d.uid, a.uid]


def test_recent_events_newest_first_and_per_source(db: Database, poll: Poll, now: datetime) -> None:
    upsert_source(db, "feed", "https://other.example/rss", "rss")
    poll([build_item(story(1))], now, baseline=False)
    poll([build_item(story(2)), build_item(story(1, "bijgewerkt"))], now + MINUTE)
    poll([build_item(story(3))], now + 2 * MINUTE, baseline=False, source="feed")

    events = recent_events(db, limit=10)
    assert [(e.source, e.kind, e.item.uid, e.version) for e in events] == [
        ("feed", "new", build_item(story(3)).uid, 1),
        (SOURCE, "updated", build_item(story(1)).uid, 2),
        (SOURCE, "new", build_item(story(2)).uid, 1),
        (SOURCE, "new", build_item(story(1)).uid, 1),
    ]
    assert [e.item.uid for e in recent_events(db, limit=2, source=SOURCE)] == [
        build_item(story(1)).uid,
        build_item(story(2)).uid,
    ]


def test_recent_events_rejects_a_zero_limit(db: Database) -> None:
    with pytest.raises(InvalidArgument):
        recent_events(db, limit=0)


# --- contract ----------------------------------------------------------------------------------------------


def test_apply_poll_outside_a_transaction_is_refused(db: Database, now: datetime) -> None:
    with pytest.raises(NotInTransaction, match="apply_poll"):
        apply_poll(db, SOURCE, [build_item(story(1))], now=now, etag=None, last_modified=None)
    assert load_items(db, SOURCE) == []


def test_apply_poll_for_an_unknown_source(db: Database, now: datetime) -> None:
    with pytest.raises(UnknownSource, match="nowhere"), transaction(db):
        apply_poll(db, "nowhere", [build_item(story(1))], now=now, etag=None, last_modified=None)
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0


def test_naive_now_is_refused(db: Database) -> None:
    with pytest.raises(InvalidArgument, match="timezone"), transaction(db):
        apply_poll(db, SOURCE, [], now=datetime(2026, 1, 1), etag=None, last_modified=None)


def test_naive_published_at_is_refused(db: Database, now: datetime) -> None:
    item = build_item(story(1), published_at=datetime(2026, 1, 1, 12, 0))
    with pytest.raises(InvalidArgument, match="published_at"), transaction(db):
        apply_poll(db, SOURCE, [item], now=now, etag=None, last_modified=None)
    assert load_items(db, SOURCE) == []


def test_a_failed_transaction_leaves_the_database_as_it_was(db: Database, poll: Poll, now: datetime) -> None:
    poll([build_item(story(1)), build_item(story(2, "oud"))], now, etag='"v1"')
    items_before = db.execute("SELECT * FROM items ORDER BY id").fetchall()
    source_before = get_source_state(db, SOURCE)

    with pytest.raises(RuntimeError, match="after the diff"), transaction(db):
        outcome = apply_poll(
            db,
            SOURCE,
            [build_item(story(3)), build_item(story(2, "nieuw"))],
            now=now + MINUTE,
            etag='"v2"',
            last_modified=None,
        )
        assert (outcome.new, outcome.updated) == (1, 1)
        raise RuntimeError("crash after the diff")

    assert db.execute("SELECT * FROM items ORDER BY id").fetchall() == items_before
    assert db.execute("SELECT count(*) FROM item_events").fetchone()[0] == 0
    assert get_source_state(db, SOURCE) == source_before
    again = poll([build_item(story(3)), build_item(story(2, "nieuw"))], now + 2 * MINUTE)
    assert [e.kind for e in again.events] == ["new", "updated"]
