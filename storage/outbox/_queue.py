"""Queueing alerts (in the poll's transaction) and reading the queues back, per destination."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.destinations import destination_from_row
from storage.models import Destination, ItemEvent, OutboxRow
from storage.outbox._rows import (
    REASON_IGNORED_EDIT,
    SELECT_ROWS,
    check_limit,
    chunks,
    event_to_json,
    from_row,
    marks,
    query,
    ts,
)
from storage.rows import ts_text
from storage.transactions import require_transaction

# Subscription ids per event: a map keyed by (source, uid), or a function (e.g. a MatchIndex lookup).
MatchLookup = Mapping[tuple[str, str], Iterable[int]] | Callable[[ItemEvent], Iterable[int]]


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What `enqueue_alerts` wrote."""

    queued: int = 0  # new pending rows
    dropped: int = 0  # rows recorded as dropped at once (an edit for a destination that ignores edits)
    skipped: int = 0  # matches not queued: subscription gone, destination paused or disabled, already queued


@dataclass(frozen=True, slots=True)
class OutboxQueue:
    """One destination's waiting alerts, as a worker sees them: the oldest (head) decides when it is due."""

    destination: Destination
    head_id: int
    head_due: datetime
    waiting: int


def enqueue_alerts(
    db: Database, events: Sequence[ItemEvent], matches: MatchLookup, *, now: datetime
) -> Enqueued:
    """Queue one row per (event, matching destination); call it inside the poll's `transaction(db)`.

    Matches for subscriptions that no longer exist, or whose destination is paused or disabled, are skipped
    (the match index may lag behind a chat command). An `updated` event for a destination whose policy is
    `ignore` is recorded as `dropped` with its reason, unless no earlier version was ever queued there (then the
    edit is the first this destination hears of the story, and it is queued like any other).
    """
    require_transaction(db, "enqueue_alerts")
    stamp = ts_text(now, "now")
    lookup = matches if callable(matches) else _from_mapping(matches)
    wanted = [(event, sorted(set(lookup(event)))) for event in events]
    targets = _targets(db, {sub_id for _, ids in wanted for sub_id in ids})
    queued = dropped = skipped = 0
    for event, sub_ids in wanted:
        snapshot = event_to_json(event)
        for sub_id in sub_ids:
            target = targets.get(sub_id)
            if target is None or target["paused"] or target["disabled_reason"] is not None:
                skipped += 1
                continue
            status, reason, finished = "pending", None, None
            if (
                event.kind == "updated"
                and target["edit_policy"] == "ignore"
                and _queued_before(db, target["id"], event)
            ):
                status, reason, finished = "dropped", REASON_IGNORED_EDIT, stamp
            cursor = db.execute(
                """
                INSERT OR IGNORE INTO outbox (destination_id, source, uid, version, kind, event, status,
                    reason, created_at, next_attempt_at, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    target["id"],
                    event.source,
                    event.item.uid,
                    event.version,
                    event.kind,
                    snapshot,
                    status,
                    reason,
                    stamp,
                    stamp,
                    finished,
                ],
            )
            if cursor.rowcount == 0:
                skipped += 1
            elif status == "pending":
                queued += 1
            else:
                dropped += 1
    return Enqueued(queued=queued, dropped=dropped, skipped=skipped)


def outbox_queues(db: Database, *, platform: str) -> list[OutboxQueue]:
    """The destinations of `platform` with pending alerts, oldest head first.

    Paused and disabled destinations wait, and so does one with a message in flight (`sending`): its order
    must hold, whether the message belongs to a running worker or was left behind by a crash (then
    `recover_interrupted` frees it).
    """
    rows = query(
        db,
        """
        SELECT d.*, q.head_id, q.waiting, o.next_attempt_at AS head_due
        FROM (
            SELECT destination_id, MIN(id) AS head_id, COUNT(*) AS waiting
            FROM outbox WHERE status = 'pending' GROUP BY destination_id
        ) q
        JOIN outbox o ON o.id = q.head_id
        JOIN destinations d ON d.id = q.destination_id
        WHERE d.platform = ? AND d.paused = 0 AND d.disabled_reason IS NULL
          AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.destination_id = d.id AND s.status = 'sending')
        ORDER BY q.head_id
        """,
        [platform],
    )
    return [
        OutboxQueue(
            destination=destination_from_row(row),
            head_id=row["head_id"],
            head_due=ts(row["head_due"]),
            waiting=row["waiting"],
        )
        for row in rows
    ]


def pending_rows(db: Database, destination_id: int, *, limit: int) -> list[OutboxRow]:
    """The oldest `limit` pending rows of one destination, in queue order."""
    check_limit(limit)
    rows = query(
        db,
        f"{SELECT_ROWS} WHERE o.destination_id = ? AND o.status = 'pending' ORDER BY o.id LIMIT ?",
        [destination_id, limit],
    )
    return [from_row(row) for row in rows]


def pending_count(db: Database, destination_id: int) -> int:
    """How many alerts are waiting (pending) for one destination."""
    row = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE destination_id = ? AND status = 'pending'", [destination_id]
    ).fetchone()
    return int(row[0])


def in_flight_count(db: Database, destination_id: int) -> int:
    """How many rows of one destination are being sent (`sending`) right now, or were when a crash hit."""
    row = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE destination_id = ? AND status = 'sending'", [destination_id]
    ).fetchone()
    return int(row[0])


def in_flight_destinations(db: Database, destination_ids: Sequence[int]) -> set[int]:
    """Which of these destinations have a row in `sending`."""
    found: set[int] = set()
    for chunk in chunks(destination_ids):
        found.update(
            row[0]
            for row in db.execute(
                f"SELECT DISTINCT destination_id FROM outbox WHERE status = 'sending' "
                f"AND destination_id IN ({marks(chunk)})",
                chunk,
            ).fetchall()
        )
    return found


def _targets(db: Database, sub_ids: set[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    ordered = sorted(sub_ids)
    for chunk in chunks(ordered):
        rows = query(
            db,
            f"""
            SELECT s.id AS sub_id, d.id, d.edit_policy, d.paused, d.disabled_reason
            FROM subscriptions s JOIN destinations d ON d.id = s.destination_id
            WHERE s.id IN ({marks(chunk)})
            """,
            chunk,
        )
        found.update((row["sub_id"], row) for row in rows)
    return found


def _queued_before(db: Database, destination_id: int, event: ItemEvent) -> bool:
    row = db.execute(
        "SELECT 1 FROM outbox WHERE destination_id = ? AND source = ? AND uid = ? AND version < ? LIMIT 1",
        [destination_id, event.source, event.item.uid, event.version],
    ).fetchone()
    return row is not None


def _from_mapping(matches: Mapping[tuple[str, str], Iterable[int]]) -> Callable[[ItemEvent], Iterable[int]]:
    def lookup(event: ItemEvent) -> Iterable[int]:
        return matches.get((event.source, event.item.uid), ())

    return lookup
