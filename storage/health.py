"""What the operator's view reads from the database: the outbox backlog, and who subscribed to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.destinations import list_destinations
from storage.models import Destination, Subscription
from storage.rows import ts_parse
from storage.subscriptions import get_subscription
from storage.transactions import transaction

__all__ = [
    "Backlog",
    "SubscriptionView",
    "delete_destination",
    "outbox_backlog",
    "ping",
    "subscription_views",
]


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


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """One destination as an operator sees it: its subscription (None when it never subscribed), what its
    alerts did (counts per outbox state) and when it last got one."""

    destination: Destination
    subscription: Subscription | None
    counts: dict[str, int]
    last_sent: datetime | None


def subscription_views(
    db: Database, *, platform: str | None = None, key: str | None = None
) -> list[SubscriptionView]:
    """Every destination (of `platform`, or just `key`), console included, by key."""
    destinations = [d for d in list_destinations(db, platform=platform) if key is None or d.key == key]
    views = []
    for dest in destinations:
        counts = {
            str(status): int(count)
            for status, count in db.execute(
                "SELECT status, count(*) FROM outbox WHERE destination_id = ? GROUP BY status", [dest.id]
            ).fetchall()
        }
        last = db.execute(
            "SELECT max(finished_at) FROM outbox WHERE destination_id = ? AND status = 'sent'", [dest.id]
        ).fetchone()[0]
        views.append(SubscriptionView(dest, get_subscription(db, dest.key), counts, ts_parse(last)))
    return sorted(views, key=lambda v: v.destination.key)


def delete_destination(db: Database, key: str) -> bool:
    """Remove a destination with its subscription and its alerts; False when there was none."""
    with transaction(db):
        return db.execute("DELETE FROM destinations WHERE key = ?", [key]).rowcount > 0
