"""The storage work of the delivery engine, as functions that run on the database thread (`Store.run`).

Each reads or writes in one short step; those that change several things at once use one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.destinations import disable_destination, get_destination_by_id, rekey_destination
from storage.models import Destination, OutboxRow
from storage.outbox import (
    earlier_ref,
    in_flight_count,
    mark_final,
    mark_retry,
    pending_count,
    pending_rows,
)
from storage.transactions import transaction

__all__ = ["Snapshot", "destination_gone", "destination_moved", "load_snapshot"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A destination as it is now, its oldest pending rows, how many wait in all, and earlier message refs."""

    destination: Destination | None
    rows: tuple[OutboxRow, ...]
    waiting: int
    refs: dict[int, str]


def load_snapshot(db: Database, destination_id: int, *, limit: int) -> Snapshot:
    """What `plan_unit` needs to decide the next step for one destination.

    No rows when the destination is gone or has a message in flight (its order must hold).
    """
    destination = get_destination_by_id(db, destination_id)
    if destination is None or in_flight_count(db, destination_id):
        return Snapshot(destination, (), 0, {})
    rows = tuple(pending_rows(db, destination_id, limit=limit))
    refs = {}
    for row in rows:
        if row.kind == "updated" and not row.as_new:
            ref = earlier_ref(db, destination_id, row.source, row.uid, before_version=row.version)
            if ref is not None:
                refs[row.id] = ref
    return Snapshot(destination, rows, pending_count(db, destination_id), refs)


def destination_moved(
    db: Database,
    key: str,
    new_key: str,
    ids: Sequence[int],
    *,
    error: str,
    as_new: bool,
    now: datetime,
) -> Destination:
    """Put the rows back in the queue and move the destination to `new_key`, in one transaction."""
    with transaction(db):
        mark_retry(db, ids, error=error, at=now, as_new=as_new)
        return rekey_destination(db, key, new_key, now=now)


def destination_gone(db: Database, key: str, ids: Sequence[int], *, reason: str, now: datetime) -> int:
    """Fail the rows in hand and disable the destination (failing everything else it had waiting).

    Returns how many rows ended `failed` in all.
    """
    with transaction(db):
        failed = mark_final(db, ids, "failed", reason=f"destination gone: {reason}", now=now)
        return failed + disable_destination(db, key, reason, now=now)
