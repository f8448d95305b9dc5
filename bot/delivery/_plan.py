"""Deciding what to send next to one destination: one message, an edit, a digest, or a drop. Pure.

The rules, applied to the destination's waiting alerts in queue order (`rows[0]` is the oldest):

1. an alert whose item has a newer version waiting behind it is dropped as superseded;
2. an edit of an item already delivered on its own: per the destination's policy, `edit` it in place, send
   it as a `new` message, or drop it (`ignore`);
3. more than `digest_threshold` alerts waiting: the leading run of alerts (up to the adapter's digest
   capacity, stopping before an edit in place) goes out as one digest;
4. a late alert (first seen `max_alert_age` after publication, or waiting that long) goes in a digest with
   the late alerts right behind it;
5. anything else is sent on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.delivery._settings import DeliverySettings
from storage.models import Destination, OutboxRow
from storage.outbox import REASON_IGNORED_EDIT

__all__ = ["Unit", "UnitKind", "is_late", "plan_unit"]

UnitKind = Literal["send", "edit", "digest", "drop"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing to do for a destination: its rows, the message to edit, or why the rows are dropped."""

    kind: UnitKind
    rows: tuple[OutboxRow, ...]
    ref: str | None = None
    reason: str | None = None

    @property
    def ids(self) -> list[int]:
        return [row.id for row in self.rows]


def is_late(row: OutboxRow, *, now: datetime, max_age: timedelta) -> bool:
    """First seen long after publication (a new item), or waiting long in the queue."""
    if now - row.created_at > max_age:
        return True
    published = row.event.item.published_at
    return row.kind == "new" and published is not None and row.created_at - published > max_age


def plan_unit(
    rows: Sequence[OutboxRow],
    *,
    destination: Destination,
    waiting: int,
    refs: Mapping[int, str],
    now: datetime,
    settings: DeliverySettings,
    capacity: int,
) -> Unit:
    """What to do next for `destination`; `rows` are its oldest pending rows, `waiting` how many in all.

    `refs` maps a row id to the message ref of an earlier version delivered on its own (edits only).
    """
    head = rows[0]
    newest = max(r.version for r in rows if (r.source, r.uid) == (head.source, head.uid))
    if newest > head.version:
        return Unit("drop", (head,), reason=f"superseded by version {newest} before it was sent")

    def in_place(row: OutboxRow) -> bool:
        return (
            row.kind == "updated"
            and row.id in refs
            and not row.as_new
            and destination.edit_policy in ("edit", "ignore")
        )

    if in_place(head):
        if destination.edit_policy == "ignore":
            return Unit("drop", (head,), reason=REASON_IGNORED_EDIT)
        return Unit("edit", (head,), ref=refs[head.id])
    max_age = timedelta(seconds=settings.max_alert_age)
    if waiting > settings.digest_threshold:
        run = _leading(rows, lambda r: not in_place(r), capacity)
        if len(run) >= 2:
            return Unit("digest", run)
    elif is_late(head, now=now, max_age=max_age):
        late = _leading(rows, lambda r: not in_place(r) and is_late(r, now=now, max_age=max_age), capacity)
        if len(late) >= 2:  # one late alert is just an alert, not a "digest" of one
            return Unit("digest", late)
    return Unit("send", (head,))


def _leading(
    rows: Sequence[OutboxRow], keep: Callable[[OutboxRow], bool], capacity: int
) -> tuple[OutboxRow, ...]:
    run: list[OutboxRow] = []
    for row in rows:
        if len(run) >= capacity or not keep(row):
            break
        run.append(row)
    return tuple(run)
