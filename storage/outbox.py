"""The outbox: one row per (destination, item version), written in the poll's own transaction.

A row's life:

    pending --claim--> sending --> sent                 (with the platform's message ref)
       ^                  |   \\--> failed | expired   (with the reason)
       |                  |
       +--- retry --------+     (rate limited, transient error, moved chat, plainer form; `next_attempt_at`)
    pending --> dropped | failed  (edit ignored by the destination; destination disabled; superseded)

Every terminal row has a `reason`. Rows are claimed in a short transaction of their own (`claim_rows` marks
them `sending` and commits), the platform is called outside any transaction, and the outcome is recorded in
another (`mark_sent`, `mark_retry`, `mark_final`). A crash in between leaves rows in `sending`;
`recover_interrupted` at start-up puts them back to `pending`, so the one message that was in flight for a
destination may be sent twice, and nothing is lost.

`enqueue_alerts` must run inside the caller's `transaction(db)` together with `apply_poll`, so an item is
never recorded as seen without its alerts. The UNIQUE (destination, source, uid, version) key makes queueing
idempotent. The row keeps a JSON snapshot of the event, so delivery never reads `items` (which get pruned).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, get_args

from sqlite_utils import Database

from storage.destinations import destination_from_row
from storage.errors import InvalidArgument
from storage.models import Destination, ItemEvent, OutboxRow, OutboxStatus
from storage.rows import item_fields, item_from_fields, require_aware, ts_text
from storage.transactions import require_transaction, write_scope

__all__ = [
    "FINAL_STATUSES",
    "REASON_DIGEST",
    "REASON_IGNORED_EDIT",
    "Enqueued",
    "MatchLookup",
    "OutboxQueue",
    "claim_pending",
    "claim_rows",
    "earlier_ref",
    "enqueue_alerts",
    "event_from_json",
    "event_to_json",
    "in_flight_count",
    "in_flight_destinations",
    "list_outbox",
    "mark_final",
    "mark_retry",
    "mark_sent",
    "mark_sent_each",
    "outbox_counts",
    "outbox_queues",
    "pending_count",
    "pending_rows",
    "prune_outbox",
    "recover_interrupted",
    "release_orphans",
    "release_rows",
]

FINAL_STATUSES: tuple[OutboxStatus, ...] = ("sent", "failed", "expired", "dropped")
REASON_DIGEST = "digest"
REASON_IGNORED_EDIT = "edited at the source; this destination ignores edits"
INTERRUPTED = "interrupted while sending (restart); the platform may have it already"
ORPHANED = "left in sending with no worker to finish it; the platform may have it already"

# Subscription ids per event: a map keyed by (source, uid), or a function (e.g. a MatchIndex lookup).
MatchLookup = Mapping[tuple[str, str], Iterable[int]] | Callable[[ItemEvent], Iterable[int]]

_CHUNK = 500


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
    rows = _query(
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
            head_due=_ts(row["head_due"]),
            waiting=row["waiting"],
        )
        for row in rows
    ]


def pending_rows(db: Database, destination_id: int, *, limit: int) -> list[OutboxRow]:
    """The oldest `limit` pending rows of one destination, in queue order."""
    _check_limit(limit)
    rows = _query(
        db,
        f"{_SELECT} WHERE o.destination_id = ? AND o.status = 'pending' ORDER BY o.id LIMIT ?",
        [destination_id, limit],
    )
    return [_from_row(row) for row in rows]


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


def claim_rows(db: Database, ids: Sequence[int], *, now: datetime) -> list[OutboxRow]:
    """Mark the still-pending rows among `ids` as `sending` (one more attempt) and return them, in id order."""
    stamp = ts_text(now, "now")
    with write_scope(db):
        claimed = [
            row[0]
            for chunk in _chunks(ids)
            for row in db.execute(
                f"SELECT id FROM outbox WHERE status = 'pending' AND id IN ({_marks(chunk)})", chunk
            ).fetchall()
        ]
        _transition(
            db,
            claimed,
            "pending",
            "status = 'sending', attempts = attempts + 1, last_attempt_at = ?",
            [stamp],
        )
        return [
            _from_row(row)
            for chunk in _chunks(sorted(claimed))
            for row in _query(db, f"{_SELECT} WHERE o.id IN ({_marks(chunk)}) ORDER BY o.id", chunk)
        ]


def claim_pending(db: Database, ids: Sequence[int], *, now: datetime) -> int:
    """Mark the still-pending rows among `ids` as `sending` (one more attempt); how many were claimed.

    The caller already holds the rows as read in the same transaction (`claim_rows` reads them back).
    """
    stamp = ts_text(now, "now")
    return _transition(
        db, ids, "pending", "status = 'sending', attempts = attempts + 1, last_attempt_at = ?", [stamp]
    )


def in_flight_destinations(db: Database, destination_ids: Sequence[int]) -> set[int]:
    """Which of these destinations have a row in `sending`."""
    found: set[int] = set()
    for chunk in _chunks(destination_ids):
        found.update(
            row[0]
            for row in db.execute(
                f"SELECT DISTINCT destination_id FROM outbox WHERE status = 'sending' "
                f"AND destination_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
        )
    return found


def mark_sent_each(db: Database, sent: Sequence[tuple[int, str | None, str, datetime]]) -> int:
    """`mark_sent` for many rows at once, each with its own (row id, ref, reason, when); how many changed."""
    params = [(_reason(reason), ref, ts_text(at, "at"), row_id) for row_id, ref, reason, at in sent]
    with write_scope(db):
        cursor = db.conn.executemany(
            "UPDATE outbox SET status = 'sent', reason = ?, sent_ref = ?, finished_at = ?, last_error = NULL "
            "WHERE id = ? AND status = 'sending'",
            params,
        )
    return cursor.rowcount


def mark_sent(db: Database, ids: Sequence[int], *, ref: str | None, reason: str, now: datetime) -> int:
    """`sending` -> `sent` with the platform's message ref and a reason (`sent`, `edited`, `digest`, ...)."""
    return _transition(
        db,
        ids,
        "sending",
        "status = 'sent', reason = ?, sent_ref = ?, finished_at = ?, last_error = NULL",
        [_reason(reason), ref, ts_text(now, "now")],
    )


def mark_retry(
    db: Database,
    ids: Sequence[int],
    *,
    error: str,
    at: datetime,
    plain: bool = False,
    as_new: bool = False,
) -> int:
    """`sending` -> `pending`, due again at `at`, keeping `error`; `plain`/`as_new` ask for another form."""
    return _transition(
        db,
        ids,
        "sending",
        "status = 'pending', next_attempt_at = ?, last_error = ?, plain = MAX(plain, ?), "
        "as_new = MAX(as_new, ?)",
        [ts_text(at, "at"), error, int(plain), int(as_new)],
    )


def mark_final(
    db: Database,
    ids: Sequence[int],
    status: OutboxStatus,
    *,
    reason: str,
    now: datetime,
    error: str | None = None,
) -> int:
    """`pending` or `sending` -> `failed`, `expired` or `dropped`, with the reason (and the last error)."""
    if status not in ("failed", "expired", "dropped"):
        raise InvalidArgument(f"mark_final takes failed, expired or dropped; got {status!r}")
    return _transition(
        db,
        ids,
        ("pending", "sending"),
        "status = ?, reason = ?, finished_at = ?, last_error = COALESCE(?, last_error)",
        [status, _reason(reason), ts_text(now, "now"), error],
    )


def release_rows(db: Database, ids: Sequence[int]) -> int:
    """`sending` -> `pending` as they were (a worker stopped before it knew the outcome)."""
    return _transition(db, ids, "sending", "status = 'pending', last_error = ?", [INTERRUPTED])


def recover_interrupted(db: Database, *, now: datetime) -> int:
    """Put every row left in `sending` by a crash back to `pending`; call once at start-up, before any worker.

    The message may have reached the platform before the crash, so it may go out twice: at most one per
    destination, because a worker has only one message (or digest) in flight per destination.
    """
    require_aware(now, "now")
    with write_scope(db):
        cursor = db.execute(
            "UPDATE outbox SET status = 'pending', last_error = ? WHERE status = 'sending'", [INTERRUPTED]
        )
    return cursor.rowcount


def release_orphans(db: Database, *, platform: str, keep: Collection[int] = ()) -> int:
    """Put the `sending` rows of `platform` that nobody is sending (all but `keep`) back to `pending`.

    For a delivery worker that owns the rows in `keep` and knows no other process delivers for `platform`: a row
    it does not own was left behind (a crash, or a worker that lost track of it) and would hold its
    destination's queue forever. As after a restart, the message may go out twice.
    """
    orphans = [
        row[0]
        for row in db.execute(
            """
            SELECT o.id FROM outbox o JOIN destinations d ON d.id = o.destination_id
            WHERE o.status = 'sending' AND d.platform = ?
            """,
            [platform],
        ).fetchall()
        if row[0] not in keep
    ]
    if not orphans:  # the usual case: nothing to write
        return 0
    return _transition(db, orphans, "sending", "status = 'pending', last_error = ?", [ORPHANED])


def earlier_ref(
    db: Database, destination_id: int, source: str, uid: str, *, before_version: int
) -> str | None:
    """The message ref of the latest earlier version of this item sent to this destination on its own.

    Rows delivered inside a digest do not count: editing the digest would wipe out the other items in it.
    """
    row = db.execute(
        """
        SELECT sent_ref FROM outbox
        WHERE destination_id = ? AND source = ? AND uid = ? AND version < ? AND status = 'sent'
          AND sent_ref IS NOT NULL AND reason != ?
        ORDER BY version DESC LIMIT 1
        """,
        [destination_id, source, uid, before_version, REASON_DIGEST],
    ).fetchone()
    return None if row is None else row[0]


def list_outbox(
    db: Database,
    *,
    status: OutboxStatus | None = None,
    destination: str | None = None,
    limit: int = 100,
) -> list[OutboxRow]:
    """The latest rows, newest first, optionally of one status and/or one destination key."""
    _check_limit(limit)
    if status is not None and status not in get_args(OutboxStatus):
        raise InvalidArgument(f"unknown outbox status {status!r}")
    rows = _query(
        db,
        f"""{_SELECT}
        WHERE (:status IS NULL OR o.status = :status) AND (:dest IS NULL OR d.key = :dest)
        ORDER BY o.id DESC LIMIT :limit
        """,
        {"status": status, "dest": destination, "limit": limit},
    )
    return [_from_row(row) for row in rows]


def outbox_counts(db: Database) -> dict[str, int]:
    """How many rows are in each status (every status present, zero included)."""
    counts = dict.fromkeys(get_args(OutboxStatus), 0)
    counts.update(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    return counts


def prune_outbox(db: Database, *, now: datetime, retention: timedelta) -> int:
    """Delete rows that reached a terminal state before `now - retention`; return how many went."""
    if retention <= timedelta(0):
        raise InvalidArgument(f"retention must be positive, got {retention}")
    cutoff = ts_text(require_aware(now, "now") - retention)
    with write_scope(db):
        cursor = db.execute(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'expired', 'dropped') AND finished_at < ?",
            [cutoff],
        )
    return cursor.rowcount


def event_to_json(event: ItemEvent) -> str:
    """The snapshot an outbox row keeps of its event: everything an alert shows, so delivery never needs the
    item row (which may have been pruned)."""
    return json.dumps(
        {
            "kind": event.kind,
            "source": event.source,
            "version": event.version,
            "item": item_fields(event.item),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


@functools.lru_cache(maxsize=256)
def event_from_json(text: str) -> ItemEvent:
    """The event stored by `event_to_json` (remembered: a fan-out reads the same snapshot once per chat, and
    events are immutable)."""
    data = json.loads(text)
    return ItemEvent(data["kind"], data["source"], item_from_fields(data["item"]), data["version"])


_SELECT = "SELECT o.*, d.key AS destination_key FROM outbox o JOIN destinations d ON d.id = o.destination_id"


def _query(db: Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Rows as dicts, like `db.query` without the savepoint sqlite-utils puts around each query (three
    statements instead of one: the delivery loop reads a destination's queue per message)."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def _from_row(row: dict[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        destination_id=row["destination_id"],
        destination=row["destination_key"],
        event=event_from_json(row["event"]),
        status=row["status"],
        created_at=_ts(row["created_at"]),
        next_attempt_at=_ts(row["next_attempt_at"]),
        attempts=row["attempts"],
        reason=row["reason"],
        last_error=row["last_error"],
        last_attempt_at=_ts_or_none(row["last_attempt_at"]),
        finished_at=_ts_or_none(row["finished_at"]),
        sent_ref=row["sent_ref"],
        plain=bool(row["plain"]),
        as_new=bool(row["as_new"]),
    )


def _targets(db: Database, sub_ids: set[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    ordered = sorted(sub_ids)
    for chunk in _chunks(ordered):
        rows = _query(
            db,
            f"""
            SELECT s.id AS sub_id, d.id, d.edit_policy, d.paused, d.disabled_reason
            FROM subscriptions s JOIN destinations d ON d.id = s.destination_id
            WHERE s.id IN ({_marks(chunk)})
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


def _transition(
    db: Database,
    ids: Sequence[int],
    from_status: str | tuple[str, ...],
    assignments: str,
    params: list[Any],
) -> int:
    allowed = (from_status,) if isinstance(from_status, str) else from_status
    changed = 0
    with write_scope(db):
        for chunk in _chunks(ids):
            cursor = db.execute(
                f"UPDATE outbox SET {assignments} "
                f"WHERE status IN ({_marks(allowed)}) AND id IN ({_marks(chunk)})",
                [*params, *allowed, *chunk],
            )
            changed += cursor.rowcount
    return changed


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidArgument("an outbox row's state needs a reason")
    return reason


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise InvalidArgument(f"limit must be at least 1, got {limit}")


def _ts(text: str) -> datetime:
    """A stored timestamp (`ts_text`'s fixed format, ending in Z), read by the C parser (the delivery loop
    reads several per row)."""
    return datetime.fromisoformat(text)


def _ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _chunks(ids: Sequence[Any]) -> list[list[Any]]:
    values = list(ids)
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))
