"""A row's way from `pending` to a final state: claims, outcomes, and rows freed after a crash or a stop."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.errors import InvalidArgument
from storage.models import OutboxRow, OutboxStatus
from storage.outbox._rows import REASON_DIGEST, SELECT_ROWS, chunks, from_row, marks, query
from storage.rows import require_aware, ts_text
from storage.transactions import write_scope

INTERRUPTED = "interrupted while sending (restart); the platform may have it already"
ORPHANED = "left in sending with no worker to finish it; the platform may have it already"


def claim_rows(db: Database, ids: Sequence[int], *, now: datetime) -> list[OutboxRow]:
    """Mark the still-pending rows among `ids` as `sending` (one more attempt) and return them, in id order."""
    stamp = ts_text(now, "now")
    with write_scope(db):
        claimed = [
            row[0]
            for chunk in chunks(ids)
            for row in db.execute(
                f"SELECT id FROM outbox WHERE status = 'pending' AND id IN ({marks(chunk)})", chunk
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
            from_row(row)
            for chunk in chunks(sorted(claimed))
            for row in query(db, f"{SELECT_ROWS} WHERE o.id IN ({marks(chunk)}) ORDER BY o.id", chunk)
        ]


def claim_pending(db: Database, ids: Sequence[int], *, now: datetime) -> int:
    """Mark the still-pending rows among `ids` as `sending` (one more attempt); how many were claimed.

    The caller already holds the rows as read in the same transaction (`claim_rows` reads them back).
    """
    stamp = ts_text(now, "now")
    return _transition(
        db, ids, "pending", "status = 'sending', attempts = attempts + 1, last_attempt_at = ?", [stamp]
    )


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
        for chunk in chunks(ids):
            cursor = db.execute(
                f"UPDATE outbox SET {assignments} "
                f"WHERE status IN ({marks(allowed)}) AND id IN ({marks(chunk)})",
                [*params, *allowed, *chunk],
            )
            changed += cursor.rowcount
    return changed


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidArgument("an outbox row's state needs a reason")
    return reason
