"""Retention: forget items nobody has seen for a while, and their events with them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.errors import InvalidArgument
from storage.rows import require_aware, ts_text
from storage.transactions import require_transaction

__all__ = ["DEFAULT_RETENTION", "prune_items"]

DEFAULT_RETENTION = timedelta(days=30)


def prune_items(db: Database, *, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> int:
    """Delete items last seen before `now - retention`; return how many went.

    An item seen in its source's latest applied page is kept however old (the page still shows it; a source
    that has answered 304 for weeks still shows the same items). Events go with their items (the foreign key
    cascades). A pruned item that reappears later is new again. Runs inside the caller's `transaction(db)`.
    """
    require_transaction(db, "prune_items")
    if retention <= timedelta(0):
        raise InvalidArgument(f"retention must be positive, got {retention}")
    cutoff = ts_text(require_aware(now, "now") - retention)
    cursor = db.execute(
        """
        DELETE FROM items
        WHERE last_seen < ?
          AND NOT EXISTS (
            SELECT 1 FROM sources s
            WHERE s.name = items.source AND s.last_page_at IS NOT NULL AND items.last_seen >= s.last_page_at
          )
        """,
        [cutoff],
    )
    return cursor.rowcount
