"""The operator's view of the outbox (`wirewatch outbox`), and its retention."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

from sqlite_utils import Database

from storage.errors import InvalidArgument
from storage.models import OutboxRow, OutboxStatus
from storage.outbox._rows import SELECT_ROWS, check_limit, from_row, query
from storage.rows import require_aware, ts_text
from storage.transactions import write_scope


def list_outbox(
    db: Database,
    *,
    status: OutboxStatus | None = None,
    destination: str | None = None,
    limit: int = 100,
) -> list[OutboxRow]:
    """The latest rows, newest first, optionally of one status and/or one destination key."""
    check_limit(limit)
    if status is not None and status not in get_args(OutboxStatus):
        raise InvalidArgument(f"unknown outbox status {status!r}")
    rows = query(
        db,
        f"""{SELECT_ROWS}
        WHERE (:status IS NULL OR o.status = :status) AND (:dest IS NULL OR d.key = :dest)
        ORDER BY o.id DESC LIMIT :limit
        """,
        {"status": status, "dest": destination, "limit": limit},
    )
    return [from_row(row) for row in rows]


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
