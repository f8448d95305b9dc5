"""Per-source bookkeeping: config sync, HTTP validators, failures and the next poll time.

Each function here is a single small write. It joins the caller's `transaction(db)` when one is open and is
atomic on its own otherwise; it never commits a transaction the caller opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlite_utils import Database

from storage.errors import InvalidArgument, UnknownSource
from storage.models import SourceState
from storage.rows import source_state_from_row, ts_text
from storage.transactions import write_scope

__all__ = [
    "SourceChange",
    "get_source_state",
    "list_sources",
    "record_failure",
    "record_not_modified",
    "schedule_next_poll",
    "upsert_source",
]

SourceChange = Literal["added", "moved", "unchanged"]


def upsert_source(db: Database, name: str, url: str, kind: str) -> SourceChange:
    """Make the stored source match the config; say what changed.

    A new name is added. When the url or kind of a known source changes ("moved"), its items stay (so the
    same stories are not announced again), but everything that belonged to the old address is reset: the
    HTTP validators, the failure count, the schedule and `baselined`, so the first poll of the new address
    seeds silently instead of announcing whatever a new uid scheme makes look new. A source that left the
    config is kept; its items age out through `prune_items`.
    """
    if not name.strip() or not url.strip() or not kind.strip():
        raise InvalidArgument(f"a source needs a name, a url and a kind; got {name!r}, {url!r}, {kind!r}")
    with write_scope(db):
        row = _row(db, name)
        if row is None:
            db.execute("INSERT INTO sources (name, url, kind) VALUES (?, ?, ?)", [name, url, kind])
            return "added"
        if row["url"] == url and row["kind"] == kind:
            return "unchanged"
        db.execute(
            """
            UPDATE sources SET url = ?, kind = ?, etag = NULL, last_modified = NULL, consecutive_failures = 0,
                last_error = NULL, baselined = 0, next_poll_after = NULL
            WHERE name = ?
            """,
            [url, kind, name],
        )
        return "moved"


def get_source_state(db: Database, name: str) -> SourceState:
    """The stored state of source `name`; `UnknownSource` if there is none."""
    row = _row(db, name)
    if row is None:
        raise UnknownSource(name)
    return source_state_from_row(row)


def list_sources(db: Database) -> list[SourceState]:
    """Every stored source, by name."""
    return [source_state_from_row(row) for row in db.query("SELECT * FROM sources ORDER BY name")]


def record_not_modified(db: Database, name: str, *, now: datetime) -> None:
    """A 304: the poll succeeded and the page is as it was. Validators and items stay as they are."""
    stamp = ts_text(now, "now")
    _update(
        db,
        name,
        "last_attempt_at = ?, last_success_at = ?, consecutive_failures = 0, last_error = NULL",
        [stamp, stamp],
    )


def record_failure(db: Database, name: str, *, error: str, now: datetime) -> SourceState:
    """A failed poll: count it, keep `error`; return the new state (for the caller's back-off)."""
    with write_scope(db):
        _update(
            db,
            name,
            "last_attempt_at = ?, consecutive_failures = consecutive_failures + 1, last_error = ?",
            [ts_text(now, "now"), error],
        )
        return get_source_state(db, name)


def schedule_next_poll(db: Database, name: str, *, at: datetime | None) -> None:
    """Remember when the scheduler should next poll `name` (None: as soon as it likes)."""
    _update(db, name, "next_poll_after = ?", [None if at is None else ts_text(at, "at")])


def _row(db: Database, name: str) -> dict[str, Any] | None:
    return next(db.query("SELECT * FROM sources WHERE name = ?", [name]), None)


def _update(db: Database, name: str, assignments: str, params: list[Any]) -> None:
    with write_scope(db):
        cursor = db.execute(f"UPDATE sources SET {assignments} WHERE name = ?", [*params, name])
        if cursor.rowcount == 0:
            raise UnknownSource(name)
