"""What the outbox modules share: the row's vocabulary, reading rows back, the event snapshot, chunked ids."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.errors import InvalidArgument
from storage.models import ItemEvent, OutboxRow, OutboxStatus
from storage.rows import item_fields, item_from_fields

FINAL_STATUSES: tuple[OutboxStatus, ...] = ("sent", "failed", "expired", "dropped")
REASON_DIGEST = "digest"
REASON_IGNORED_EDIT = "edited at the source; this destination ignores edits"

CHUNK = 500
SELECT_ROWS = (
    "SELECT o.*, d.key AS destination_key FROM outbox o JOIN destinations d ON d.id = o.destination_id"
)


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


def query(db: Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Rows as dicts, like `db.query` without the savepoint sqlite-utils puts around each query (three
    statements instead of one: the delivery loop reads a destination's queue per message)."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def from_row(row: dict[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        destination_id=row["destination_id"],
        destination=row["destination_key"],
        event=event_from_json(row["event"]),
        status=row["status"],
        created_at=ts(row["created_at"]),
        next_attempt_at=ts(row["next_attempt_at"]),
        attempts=row["attempts"],
        reason=row["reason"],
        last_error=row["last_error"],
        last_attempt_at=ts_or_none(row["last_attempt_at"]),
        finished_at=ts_or_none(row["finished_at"]),
        sent_ref=row["sent_ref"],
        plain=bool(row["plain"]),
        as_new=bool(row["as_new"]),
    )


def check_limit(limit: int) -> None:
    if limit < 1:
        raise InvalidArgument(f"limit must be at least 1, got {limit}")


def ts(text: str) -> datetime:
    """A stored timestamp (`ts_text`'s fixed format, ending in Z), read by the C parser (the delivery loop
    reads several per row)."""
    return datetime.fromisoformat(text)


def ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def chunks(ids: Sequence[Any]) -> list[list[Any]]:
    values = list(ids)
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))
