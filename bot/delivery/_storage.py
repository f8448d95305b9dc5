"""The storage work of the delivery engine, as functions that run on the database thread (`Store.run`).

Batched: `claim_units` plans and claims the next message of many destinations in one transaction, and
`record_outcomes` writes what the platform answered for many messages in another (each outcome in a savepoint of
its own, so one that cannot be applied leaves the others be). A destination's snapshot (its oldest rows, how
many wait, earlier message refs) is read inside the claim's transaction, so the plan and the claim agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlite_utils import Database

from bot.delivery._plan import Unit, plan_unit
from bot.delivery._settings import DeliverySettings
from storage.destinations import (
    destination_from_row,
    disable_destination,
    get_destination_by_id,
    rekey_destination,
)
from storage.errors import DatabaseBusy, StorageError
from storage.models import Destination, OutboxRow
from storage.outbox import (
    OutboxQueue,
    claim_pending,
    earlier_ref,
    in_flight_count,
    in_flight_destinations,
    mark_final,
    mark_retry,
    mark_sent,
    mark_sent_each,
    outbox_queues,
    pending_count,
    pending_rows,
    release_orphans,
    release_rows,
)
from storage.transactions import transaction, write_scope

__all__ = [
    "MAX_DROPS",
    "Claim",
    "Final",
    "Gone",
    "Moved",
    "Outcome",
    "Release",
    "Retry",
    "Sent",
    "Snapshot",
    "claim_units",
    "load_snapshot",
    "read_queues",
    "record_outcomes",
]

MAX_DROPS = (
    100  # rows dropped (superseded, ignored edits) per destination in one claim; the next claim goes on
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A destination as it is now, its oldest pending rows, how many wait in all, and earlier message refs."""

    destination: Destination | None
    rows: tuple[OutboxRow, ...]
    waiting: int
    refs: dict[int, str]


@dataclass(frozen=True, slots=True)
class Claim:
    """What `claim_units` did for one destination.

    `unit`: the rows now `sending` (a message, an edit or a digest), or None when there is nothing to send now.
    `due`: when the destination has work next (now: more rows wait; None: nothing waits, or it is gone,
    paused, disabled or has a message in flight that this claim does not own).
    """

    destination_id: int
    destination: Destination | None
    unit: Unit | None
    dropped: int
    due: datetime | None


def read_queues(db: Database, *, platform: str, keep: Collection[int] = ()) -> tuple[int, list[OutboxQueue]]:
    """Free the rows of `platform` left in `sending` by nobody (all but `keep`), then read its queues.

    Returns how many rows were freed, and the queues (`outbox_queues`).
    """
    try:
        freed = release_orphans(db, platform=platform, keep=keep)
    except DatabaseBusy:  # locked by another process: they are freed at a later refresh
        freed = 0
    return freed, outbox_queues(db, platform=platform)


def load_snapshot(db: Database, destination_id: int, *, limit: int) -> Snapshot:
    """What `plan_unit` needs to decide the next step for one destination.

    No rows when the destination is gone or has a message in flight (its order must hold).
    """
    destination = get_destination_by_id(db, destination_id)
    if destination is None or in_flight_count(db, destination_id):
        return Snapshot(destination, (), 0, {})
    rows = tuple(pending_rows(db, destination_id, limit=limit))
    waiting = len(rows) if len(rows) < limit else pending_count(db, destination_id)
    return Snapshot(destination, rows, waiting, _earlier_refs(db, destination_id, rows))


def claim_units(
    db: Database,
    destination_ids: Sequence[int],
    *,
    now: datetime,
    settings: DeliverySettings,
    capacity: int,
    lookahead: int,
) -> list[Claim]:
    """Plan the next step of each destination and claim its rows (`sending`), all in one transaction.

    Rows the plan drops (superseded, ignored edits) are recorded `dropped` on the way.
    """
    with transaction(db):
        destinations = _destinations(db, destination_ids)
        busy = in_flight_destinations(db, destination_ids)
        claims = []
        for destination_id in destination_ids:
            dest = destinations.get(destination_id)
            if dest is None or not dest.active or destination_id in busy:
                claims.append(Claim(destination_id, dest, None, 0, None))
                continue
            claims.append(
                _claim_one(db, dest, now=now, settings=settings, capacity=capacity, lookahead=lookahead)
            )
        claim_pending(db, [row_id for claim in claims if claim.unit for row_id in claim.unit.ids], now=now)
        return claims


def _claim_one(
    db: Database,
    dest: Destination,
    *,
    now: datetime,
    settings: DeliverySettings,
    capacity: int,
    lookahead: int,
) -> Claim:
    """Plan one destination (active, nothing in flight); the caller claims the unit's rows."""
    dropped = 0
    for _ in range(MAX_DROPS):
        rows = tuple(pending_rows(db, dest.id, limit=lookahead))
        if not rows:
            return Claim(dest.id, dest, None, dropped, None)
        head = rows[0]
        if head.next_attempt_at > now:
            return Claim(dest.id, dest, None, dropped, head.next_attempt_at)
        waiting = len(rows) if len(rows) < lookahead else pending_count(db, dest.id)
        unit = plan_unit(
            rows,
            destination=dest,
            waiting=waiting,
            refs=_earlier_refs(db, dest.id, rows),
            now=now,
            settings=settings,
            capacity=capacity,
        )
        if unit.kind == "drop":
            assert unit.reason is not None
            dropped += mark_final(db, unit.ids, "dropped", reason=unit.reason, now=now)
            continue
        claimed = tuple(
            replace(row, status="sending", attempts=row.attempts + 1, last_attempt_at=now)
            for row in unit.rows
        )
        more = now if waiting > len(claimed) else None
        return Claim(dest.id, dest, replace(unit, rows=claimed), dropped, more)
    return Claim(dest.id, dest, None, dropped, now)


def _destinations(db: Database, ids: Sequence[int]) -> dict[int, Destination]:
    found: dict[int, Destination] = {}
    values = list(ids)
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        cursor = db.execute(f"SELECT * FROM destinations WHERE id IN ({marks})", chunk)
        names = [column[0] for column in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            found[row["id"]] = destination_from_row(row)
    return found


def _earlier_refs(db: Database, destination_id: int, rows: Sequence[OutboxRow]) -> dict[int, str]:
    refs = {}
    for row in rows:
        if row.kind == "updated" and not row.as_new:
            ref = earlier_ref(db, destination_id, row.source, row.uid, before_version=row.version)
            if ref is not None:
                refs[row.id] = ref
    return refs


# --- outcomes ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """`sending` -> `sent` with the platform's message ref."""

    ids: tuple[int, ...]
    ref: str | None
    reason: str
    at: datetime

    def apply(self, db: Database) -> int:
        return mark_sent(db, self.ids, ref=self.ref, reason=self.reason, now=self.at)


@dataclass(frozen=True, slots=True)
class Retry:
    """`sending` -> `pending`, due again at `due` (in another form when `plain` / `as_new`)."""

    ids: tuple[int, ...]
    error: str
    due: datetime
    plain: bool = False
    as_new: bool = False

    def apply(self, db: Database) -> int:
        return mark_retry(db, self.ids, error=self.error, at=self.due, plain=self.plain, as_new=self.as_new)


@dataclass(frozen=True, slots=True)
class Final:
    """`sending` -> `failed` or `expired`, with the reason."""

    ids: tuple[int, ...]
    status: Literal["failed", "expired"]
    reason: str
    error: str
    at: datetime

    def apply(self, db: Database) -> int:
        return mark_final(db, self.ids, self.status, reason=self.reason, now=self.at, error=self.error)


@dataclass(frozen=True, slots=True)
class Moved:
    """The destination moved (a group became a supergroup): re-key it and queue the rows again at once."""

    key: str
    new_key: str
    ids: tuple[int, ...]
    error: str
    as_new: bool
    at: datetime

    def apply(self, db: Database) -> Destination:
        mark_retry(db, self.ids, error=self.error, at=self.at, as_new=self.as_new)
        return rekey_destination(db, self.key, self.new_key, now=self.at)


@dataclass(frozen=True, slots=True)
class Gone:
    """The destination is gone: fail these rows and disable it (failing everything else it had waiting)."""

    key: str
    ids: tuple[int, ...]
    reason: str
    at: datetime

    def apply(self, db: Database) -> int:
        failed = mark_final(db, self.ids, "failed", reason=f"destination gone: {self.reason}", now=self.at)
        return failed + disable_destination(db, self.key, self.reason, now=self.at)


@dataclass(frozen=True, slots=True)
class Release:
    """`sending` -> `pending` as they were: the worker stopped before it knew what the platform did."""

    ids: tuple[int, ...]

    def apply(self, db: Database) -> int:
        return release_rows(db, self.ids)


Outcome = Sent | Retry | Final | Moved | Gone | Release


def record_outcomes(db: Database, outcomes: Sequence[Outcome]) -> list[int | Destination | StorageError]:
    """Write many outcomes in one transaction; each result is a row count, the moved destination, or the
    `StorageError` that kept that one outcome from being applied (the others are written all the same).

    Messages sent (most outcomes) are written in one statement; their count is their rows, which the caller
    claimed and owns.
    """
    results: list[int | Destination | StorageError] = []
    with transaction(db):
        sent = [(row_id, o.ref, o.reason, o.at) for o in outcomes if isinstance(o, Sent) for row_id in o.ids]
        if sent:
            mark_sent_each(db, sent)
        for outcome in outcomes:
            if isinstance(outcome, Sent):
                results.append(len(outcome.ids))
                continue
            try:
                with write_scope(db):  # a savepoint: a refused outcome is undone alone
                    results.append(outcome.apply(db))
            except StorageError as problem:
                results.append(problem)
            except sqlite3.IntegrityError as problem:  # a constraint, not the database: the others go on
                results.append(StorageError(f"{type(outcome).__name__} refused: {problem}"))
    return results
