"""What the operator's view reads from the database: the outbox backlog, and who subscribed to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.rows import ts_parse

__all__ = ["Backlog", "outbox_backlog", "ping"]


@dataclass(frozen=True, slots=True)
class Backlog:
    """Alerts waiting (`pending` or `sending`) per platform, and when the oldest one for a destination that
    can receive it (neither paused nor disabled) was queued."""

    pending: dict[str, int]
    oldest: datetime | None


def outbox_backlog(db: Database) -> Backlog:
    rows = db.execute(
        """
        SELECT d.platform, count(*) FROM outbox o JOIN destinations d ON d.id = o.destination_id
        WHERE o.status IN ('pending', 'sending') GROUP BY d.platform
        """
    ).fetchall()
    oldest = db.execute(
        """
        SELECT min(o.created_at) FROM outbox o JOIN destinations d ON d.id = o.destination_id
        WHERE o.status IN ('pending', 'sending') AND d.paused = 0 AND d.disabled_reason IS NULL
        """
    ).fetchone()[0]
    return Backlog({str(platform): int(count) for platform, count in rows}, ts_parse(oldest))


def ping(db: Database) -> bool:
    """The database answers a query."""
    return bool(db.execute("SELECT 1").fetchone()[0] == 1)
