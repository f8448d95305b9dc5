"""Subscriptions: what each destination wants (keywords, countries, sources, mode). At most one per destination.

The chat commands edit "this chat's" filters, so a subscription is addressed by its destination's key. Keyword
and country lists are kept as the user typed them (JSON arrays); the matcher normalises. A subscription's
`paused` flag is its destination's: pausing a chat pauses its subscription.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, get_args

from sqlite_utils import Database

from storage.destinations import get_destination
from storage.errors import InvalidArgument, UnknownDestination
from storage.models import Subscription, SubscriptionMode
from storage.rows import ts_text
from storage.transactions import write_scope

__all__ = [
    "delete_subscription",
    "get_subscription",
    "iter_active_subscriptions",
    "list_active_subscriptions",
    "set_subscription",
]

_SELECT = """
    SELECT s.id, d.key AS destination, s.include, s.exclude, s.countries, s.sources, s.mode, d.paused
    FROM subscriptions s JOIN destinations d ON d.id = s.destination_id
"""


def set_subscription(
    db: Database,
    destination: str,
    *,
    now: datetime,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    countries: Iterable[str] = (),
    sources: Iterable[str] = (),
    mode: SubscriptionMode = "filtered",
) -> Subscription:
    """Create or replace the subscription of destination `destination` (a key); return it.

    The destination must exist (`ensure_destination` first); `UnknownDestination` otherwise. Replacing keeps
    the subscription's id, so a match index can `replace` it in place.
    """
    if mode not in get_args(SubscriptionMode):
        raise InvalidArgument(f"mode must be one of {', '.join(get_args(SubscriptionMode))}; got {mode!r}")
    lists = {
        "include": _json_list(include, "include"),
        "exclude": _json_list(exclude, "exclude"),
        "countries": _json_list(countries, "countries"),
        "sources": _json_list(sources, "sources"),
    }
    stamp = ts_text(now, "now")
    with write_scope(db):
        dest = get_destination(db, destination)
        if dest is None:
            raise UnknownDestination(destination)
        db.execute(
            """
            INSERT INTO subscriptions (destination_id, include, exclude, countries, sources, mode,
                created_at, updated_at)
            VALUES (:dest, :include, :exclude, :countries, :sources, :mode, :now, :now)
            ON CONFLICT (destination_id) DO UPDATE SET include = excluded.include,
                exclude = excluded.exclude, countries = excluded.countries, sources = excluded.sources,
                mode = excluded.mode, updated_at = excluded.updated_at
            """,
            {"dest": dest.id, "mode": mode, "now": stamp, **lists},
        )
        found = get_subscription(db, destination)
    assert found is not None  # just written in the same transaction
    return found


def get_subscription(db: Database, destination: str) -> Subscription | None:
    """The subscription of destination `destination` (a key), or None."""
    row = next(db.query(f"{_SELECT} WHERE d.key = ?", [destination]), None)
    return None if row is None else _from_row(row)


def delete_subscription(db: Database, destination: str) -> bool:
    """Remove the subscription of `destination`; False if it had none. The destination itself stays."""
    with write_scope(db):
        cursor = db.execute(
            "DELETE FROM subscriptions WHERE destination_id = (SELECT id FROM destinations WHERE key = ?)",
            [destination],
        )
    return cursor.rowcount > 0


def list_active_subscriptions(db: Database) -> list[Subscription]:
    """Every subscription whose destination is not disabled, by id: what `MatchIndex` is built from.

    Subscriptions of paused destinations are included with `paused=True` (the matcher skips them and can
    explain why); those of disabled destinations are left out.
    """
    return list(iter_active_subscriptions(db))


def iter_active_subscriptions(db: Database) -> Iterator[Subscription]:
    """`list_active_subscriptions` one row at a time, so a `MatchIndex` is built without the whole list."""
    for row in db.query(f"{_SELECT} WHERE d.disabled_reason IS NULL ORDER BY s.id"):
        yield _from_row(row)


def _from_row(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=row["id"],
        destination=row["destination"],
        include=tuple(json.loads(row["include"])),
        exclude=tuple(json.loads(row["exclude"])),
        countries=tuple(json.loads(row["countries"])),
        sources=tuple(json.loads(row["sources"])),
        mode=row["mode"],
        paused=bool(row["paused"]),
    )


def _json_list(values: Iterable[str], what: str) -> str:
    if isinstance(values, str):
        raise InvalidArgument(f"{what} must be a list of strings, not one string ({values!r})")
    items = list(values)
    for value in items:
        if not isinstance(value, str):
            raise InvalidArgument(f"{what} must hold strings only; got {value!r}")
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))
