"""The outbox: queued in the poll's own transaction, once per (destination, item version), every state kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from parsers.models import Item
from storage.db import transaction
from storage.destinations import disable_destination, ensure_destination, set_destination_paused
from storage.errors import InvalidArgument, NotInTransaction
from storage.items import apply_poll
from storage.models import EditPolicy, ItemEvent, OutboxRow
from storage.outbox import (
    REASON_DIGEST,
    REASON_IGNORED_EDIT,
    claim_pending,
    claim_rows,
    earlier_ref,
    enqueue_alerts,
    event_from_json,
    event_to_json,
    in_flight_destinations,
    list_outbox,
    mark_final,
    mark_retry,
    mark_sent,
    mark_sent_each,
    outbox_counts,
    outbox_queues,
    pending_count,
    pending_rows,
    prune_outbox,
    recover_interrupted,
    release_orphans,
    release_rows,
)
from storage.prune import prune_items
from storage.subscriptions import set_subscription
from tests.factories import build_item
from tests.storage.conftest import SOURCE, Poll, story

MINUTE = timedelta(minutes=1)


def subscribe(db: Database, key: str, now: datetime, *, edit_policy: EditPolicy = "edit") -> int:
    ensure_destination(db, key, now=now, edit_policy=edit_policy)
    return set_subscription(db, key, now=now, mode="all").id


def everyone(db: Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM subscriptions ORDER BY id").fetchall()]


def poll_and_queue(
    db: Database, items: Sequence[Item], now: datetime, *, fail: bool = False
) -> list[ItemEvent]:
    """What the pipeline does: apply the page and queue its alerts in one transaction."""
    with transaction(db):
        outcome = apply_poll(db, SOURCE, items, now=now, etag=None, last_modified=None, baseline=False)
        subs = everyone(db)
        enqueue_alerts(db, outcome.events, lambda event: subs, now=now)
        if fail:
            raise RuntimeError("crash after queueing, before commit")
    return outcome.events


def keys_of(rows: list[OutboxRow]) -> list[tuple[str, str, int, str]]:
    return [(r.destination, r.uid, r.version, r.status) for r in rows]


def test_items_and_their_alerts_commit_together(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    subscribe(db, "telegram:-1", now)
    item = build_item(story(1), title="Kabinet valt")
    poll_and_queue(db, [item], now)
    rows = sorted(list_outbox(db), key=lambda r: r.destination)
    assert keys_of(rows) == [("console", item.uid, 1, "pending"), ("telegram:-1", item.uid, 1, "pending")]
    assert rows[0].event == ItemEvent("new", SOURCE, item, 1)
    assert rows[0].created_at == rows[0].next_attempt_at == now
    assert rows[0].attempts == 0 and rows[0].reason is None


def test_a_poll_rolled_back_leaves_neither_items_nor_alerts(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    with pytest.raises(RuntimeError, match="crash"):
        poll_and_queue(db, [build_item(story(1))], now, fail=True)
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
    assert list_outbox(db) == []
    poll_and_queue(db, [build_item(story(1))], now)  # the retry of the poll queues the alert after all
    assert len(list_outbox(db)) == 1


def test_enqueue_outside_a_transaction_is_refused(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    event = ItemEvent("new", SOURCE, build_item(story(1)), 1)
    with pytest.raises(NotInTransaction, match="enqueue_alerts"):
        enqueue_alerts(db, [event], {(SOURCE, event.item.uid): [1]}, now=now)


def test_the_same_item_version_is_never_queued_twice(db: Database, now: datetime) -> None:
    sub = subscribe(db, "console", now)
    event = ItemEvent("new", SOURCE, build_item(story(1)), 1)
    with transaction(db):
        first = enqueue_alerts(db, [event], {(SOURCE, event.item.uid): [sub]}, now=now)
    with transaction(db):
        second = enqueue_alerts(db, [event, event], lambda e: [sub, sub], now=now + MINUTE)
    assert (first.queued, first.skipped) == (1, 0)
    assert (second.queued, second.skipped) == (0, 2)
    assert len(list_outbox(db)) == 1
    edited = ItemEvent("updated", SOURCE, build_item(story(1, "met een toevoeging")), 2)
    with transaction(db):
        assert enqueue_alerts(db, [edited], lambda e: [sub], now=now).queued == 1
    assert [r.version for r in list_outbox(db)] == [2, 1]


def test_matches_for_paused_disabled_or_unknown_subscriptions_are_skipped(
    db: Database, now: datetime
) -> None:
    live = subscribe(db, "console", now)
    paused = subscribe(db, "telegram:-1", now)
    gone = subscribe(db, "discord:2", now)
    set_destination_paused(db, "telegram:-1", True, now=now)
    disable_destination(db, "discord:2", "channel deleted", now=now)
    event = ItemEvent("new", SOURCE, build_item(story(1)), 1)
    with transaction(db):
        result = enqueue_alerts(db, [event], lambda e: [live, paused, gone, 999], now=now)
    assert (result.queued, result.dropped, result.skipped) == (1, 0, 3)
    assert [r.destination for r in list_outbox(db)] == ["console"]


def test_an_edit_for_a_destination_that_ignores_edits_is_dropped_with_its_reason(
    db: Database, now: datetime
) -> None:
    sub = subscribe(db, "telegram:-1", now, edit_policy="ignore")
    v1 = ItemEvent("new", SOURCE, build_item(story(1)), 1)
    v2 = ItemEvent("updated", SOURCE, build_item(story(1, "bijgewerkt")), 2)
    first_seen_edited = ItemEvent("updated", SOURCE, build_item(story(2, "bijgewerkt")), 2)
    with transaction(db):
        enqueue_alerts(db, [v1], lambda e: [sub], now=now)
    with transaction(db):
        result = enqueue_alerts(db, [v2, first_seen_edited], lambda e: [sub], now=now + MINUTE)
    assert (result.queued, result.dropped) == (1, 1)
    by_uid = {(r.uid, r.version): r for r in list_outbox(db)}
    dropped = by_uid[(v2.item.uid, 2)]
    assert (dropped.status, dropped.reason, dropped.finished_at) == (
        "dropped",
        REASON_IGNORED_EDIT,
        now + MINUTE,
    )
    # the edited version is the first this destination hears of story 2: it is queued like news
    assert by_uid[(first_seen_edited.item.uid, 2)].status == "pending"


def test_the_snapshot_outlives_the_pruned_item(db: Database, poll: Poll, now: datetime) -> None:
    subscribe(db, "console", now)
    item = build_item(
        story(1),
        title="Titel",
        url="https://news.example/1",
        published_at=now - MINUTE,
        precision=60,
        label="1 min",
    )
    events = poll_and_queue(db, [item], now)
    poll([build_item(story(2))], now + timedelta(days=40))  # the page moved on; story 1 is gone from it
    with transaction(db):
        assert prune_items(db, now=now + timedelta(days=40)) == 1
    assert db.execute("SELECT COUNT(*) FROM items WHERE uid = ?", [item.uid]).fetchone()[0] == 0
    (row,) = list_outbox(db, status="pending")
    assert row.event == events[0]
    assert row.event.item.published_at == now - MINUTE and row.event.item.published_precision == 60


def test_event_json_round_trip_keeps_everything_an_alert_shows(now: datetime) -> None:
    item = build_item(
        'Tekst met <html> & "quotes" en 🇺🇦',
        place=None,
        agencies=("ANP", "AFP"),
        title=None,
        url="https://x.example/?a=1&b=2",
        published_at=datetime(2026, 11, 27, 11, 58, 30, 123456, tzinfo=UTC),
        countries=("UA", "RU"),
        regions=("EU",),
    )
    event = ItemEvent("updated", "bron", item, 7)
    assert event_from_json(event_to_json(event)) == event


def test_claim_and_outcomes_move_rows_through_their_states(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    poll_and_queue(db, [build_item(story(n)) for n in range(1, 5)], now)
    ids = [r.id for r in pending_rows(db, 1, limit=10)]
    assert ids == sorted(ids)

    claimed = claim_rows(db, ids[:2], now=now + MINUTE)
    assert [(r.id, r.status, r.attempts, r.last_attempt_at) for r in claimed] == [
        (ids[0], "sending", 1, now + MINUTE),
        (ids[1], "sending", 1, now + MINUTE),
    ]
    assert claim_rows(db, ids[:2], now=now + MINUTE) == []  # already taken
    assert pending_count(db, 1) == 2

    assert mark_sent(db, [ids[0]], ref="m1", reason="sent", now=now + 2 * MINUTE) == 1
    assert mark_sent(db, [ids[2]], ref="m9", reason="sent", now=now) == 0  # not being sent: untouched
    assert mark_retry(db, [ids[1]], error="Transient: timeout", at=now + 5 * MINUTE, plain=True) == 1
    assert mark_final(db, [ids[3]], "dropped", reason="superseded by version 2", now=now) == 1

    rows = {r.id: r for r in list_outbox(db)}
    assert (rows[ids[0]].status, rows[ids[0]].sent_ref, rows[ids[0]].reason) == ("sent", "m1", "sent")
    assert rows[ids[0]].finished_at == now + 2 * MINUTE
    retry = rows[ids[1]]
    assert (retry.status, retry.next_attempt_at, retry.last_error, retry.plain) == (
        "pending",
        now + 5 * MINUTE,
        "Transient: timeout",
        True,
    )
    assert (rows[ids[2]].status, rows[ids[3]].status) == ("pending", "dropped")
    assert outbox_counts(db) == {
        "pending": 2,
        "sending": 0,
        "sent": 1,
        "failed": 0,
        "expired": 0,
        "dropped": 1,
    }


def test_terminal_states_need_a_reason_and_a_terminal_status(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    poll_and_queue(db, [build_item(story(1))], now)
    with pytest.raises(InvalidArgument, match="reason"):
        mark_final(db, [1], "failed", reason=" ", now=now)
    with pytest.raises(InvalidArgument, match="failed, expired or dropped"):
        mark_final(db, [1], "sent", reason="sent", now=now)
    assert list_outbox(db)[0].status == "pending"


def test_recovery_puts_interrupted_rows_back_in_the_queue(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    poll_and_queue(db, [build_item(story(n)) for n in range(1, 4)], now)
    ids = [r.id for r in pending_rows(db, 1, limit=10)]
    claim_rows(db, ids, now=now)
    mark_sent(db, [ids[0]], ref="m1", reason="sent", now=now)
    assert recover_interrupted(db, now=now + MINUTE) == 2
    rows = {r.id: r for r in list_outbox(db)}
    assert [rows[i].status for i in ids] == ["sent", "pending", "pending"]
    assert rows[ids[1]].attempts == 1 and "interrupted" in (rows[ids[1]].last_error or "")
    assert recover_interrupted(db, now=now) == 0
    claim_rows(db, [ids[1]], now=now)
    assert release_rows(db, [ids[1]]) == 1
    assert list_outbox(db, status="sending") == []


def test_queues_show_each_destination_head_and_skip_paused_and_disabled(db: Database, now: datetime) -> None:
    for key in ("telegram:-1", "telegram:-2", "telegram:-3", "discord:9"):
        subscribe(db, key, now)
    poll_and_queue(db, [build_item(story(1)), build_item(story(2))], now)
    set_destination_paused(db, "telegram:-2", True, now=now)
    disable_destination(db, "telegram:-3", "kicked", now=now)
    queues = outbox_queues(db, platform="telegram")
    assert [(q.destination.key, q.waiting, q.head_due) for q in queues] == [("telegram:-1", 2, now)]
    head = pending_rows(db, queues[0].destination.id, limit=1)[0]
    assert queues[0].head_id == head.id
    assert [q.destination.key for q in outbox_queues(db, platform="discord")] == ["discord:9"]
    assert outbox_queues(db, platform="console") == []


def test_earlier_ref_is_the_latest_version_sent_on_its_own(db: Database, now: datetime) -> None:
    sub = subscribe(db, "telegram:-1", now)
    dest = 1
    uid = build_item(story(1)).uid
    for version in (1, 2, 3):
        event = ItemEvent(
            "new" if version == 1 else "updated", SOURCE, build_item(story(1, f"v{version}")), version
        )
        with transaction(db):
            enqueue_alerts(db, [event], lambda e: [sub], now=now)
    ids = {r.version: r.id for r in list_outbox(db)}
    claim_rows(db, [ids[1], ids[2]], now=now)
    mark_sent(db, [ids[1]], ref="m1", reason="sent", now=now)
    mark_sent(db, [ids[2]], ref="d7", reason=REASON_DIGEST, now=now)
    assert earlier_ref(db, dest, SOURCE, uid, before_version=3) == "m1"  # the digest message is not edited
    assert earlier_ref(db, dest, SOURCE, uid, before_version=1) is None
    assert earlier_ref(db, dest, "other", uid, before_version=3) is None


def test_prune_outbox_removes_only_old_finished_rows(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    poll_and_queue(db, [build_item(story(n)) for n in range(1, 4)], now)
    ids = [r.id for r in pending_rows(db, 1, limit=10)]
    claim_rows(db, ids[:1], now=now)
    mark_sent(db, ids[:1], ref="m1", reason="sent", now=now)
    mark_final(db, ids[1:2], "failed", reason="rejected", now=now + timedelta(days=20))
    removed = prune_outbox(db, now=now + timedelta(days=31), retention=timedelta(days=30))
    assert removed == 1
    assert sorted(r.status for r in list_outbox(db)) == ["failed", "pending"]
    with pytest.raises(InvalidArgument):
        prune_outbox(db, now=now, retention=timedelta(0))


def test_list_outbox_filters_by_status_and_destination(db: Database, now: datetime) -> None:
    subscribe(db, "console", now)
    subscribe(db, "telegram:-1", now)
    poll_and_queue(db, [build_item(story(1)), build_item(story(2))], now)
    assert len(list_outbox(db)) == 4
    assert {r.destination for r in list_outbox(db, destination="console")} == {"console"}
    assert len(list_outbox(db, status="pending", limit=3)) == 3
    assert list_outbox(db, status="sent") == []
    with pytest.raises(InvalidArgument, match="status"):
        list_outbox(db, status="lost")  # type: ignore[arg-type]


def test_batched_claims_and_sends_move_many_rows_at_once(db: Database, now: datetime) -> None:
    for n in range(3):
        subscribe(db, f"telegram:-{n + 1}", now)
    poll_and_queue(db, [build_item(story(1))], now)
    rows = sorted(list_outbox(db), key=lambda r: r.id)
    ids = [r.id for r in rows]

    assert claim_pending(db, ids[:2], now=now + MINUTE) == 2
    assert claim_pending(db, ids[:2], now=now + MINUTE) == 0  # no longer pending
    assert in_flight_destinations(db, [r.destination_id for r in rows]) == {
        rows[0].destination_id,
        rows[1].destination_id,
    }
    sent = [(ids[0], "m1", "sent", now + 2 * MINUTE), (ids[1], "m2", "digest", now + 2 * MINUTE)]
    with transaction(db):
        assert mark_sent_each(db, sent) == 2
    assert mark_sent_each(db, [(ids[2], "m3", "sent", now)]) == 0  # not sending: left alone
    after = sorted(list_outbox(db), key=lambda r: r.id)
    assert [(r.status, r.sent_ref, r.reason, r.attempts) for r in after] == [
        ("sent", "m1", "sent", 1),
        ("sent", "m2", "digest", 1),
        ("pending", None, None, 0),
    ]
    assert after[0].last_attempt_at == now + MINUTE and after[0].finished_at == now + 2 * MINUTE
    with pytest.raises(InvalidArgument):
        mark_sent_each(db, [(ids[2], None, " ", now)])


def test_rows_left_sending_by_nobody_go_back_to_the_queue_per_platform(db: Database, now: datetime) -> None:
    subscribe(db, "telegram:-1", now)
    subscribe(db, "telegram:-2", now)
    subscribe(db, "discord:3", now)
    poll_and_queue(db, [build_item(story(1))], now)
    rows = {r.destination: r for r in list_outbox(db)}
    claim_pending(db, [r.id for r in rows.values()], now=now)

    assert release_orphans(db, platform="telegram", keep={rows["telegram:-2"].id}) == 1
    assert release_orphans(db, platform="telegram", keep={rows["telegram:-2"].id}) == 0
    after = {r.destination: r for r in list_outbox(db)}
    assert {key: r.status for key, r in after.items()} == {
        "telegram:-1": "pending",  # nobody owned it
        "telegram:-2": "sending",  # a live worker owns it
        "discord:3": "sending",  # another platform's worker's business
    }
    assert after["telegram:-1"].last_error is not None and "no worker" in after["telegram:-1"].last_error
