"""The schema, as an append-only list of migrations (sqlite-utils `Migrations`, one function per change).

Rules for whoever adds a table or column:
- append a new function at the END, decorated with `@migration`; its name is recorded in
  `_sqlite_migrations` and must never change;
- never edit or reorder a migration that has shipped: a database that already applied it will not run it again;
- write plain SQL through `db.execute` (it joins the open transaction; sqlite-utils' `Migrations.apply` runs
  each migration in a savepoint together with the record of it).

Timestamps are ISO 8601 UTC text of fixed width (`storage.rows.ts_text`), so text order is time order.
Lists (agencies, countries, regions) are JSON arrays in TEXT columns. Booleans are INTEGER 0/1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database, Migrations

from storage.errors import SchemaTooNew
from storage.transactions import transaction

__all__ = ["MIGRATIONS", "apply_migrations", "known_migrations", "migration", "schema_version"]

MIGRATIONS = Migrations("wirewatch")
_KNOWN: list[str] = []

F = TypeVar("F", bound=Callable[[Database], None])


def migration(fn: F) -> F:
    """Register `fn` as the next migration of the wirewatch set (its function name is its identity)."""
    MIGRATIONS()(fn)
    _KNOWN.append(fn.__name__)
    return fn


@migration
def m001_sources(db: Database) -> None:
    """One row per configured source, with its HTTP validators and poll bookkeeping."""
    db.execute(
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_attempt_at TEXT,
            last_success_at TEXT,   -- latest 200 or 304
            last_page_at TEXT,      -- latest poll whose page was applied: items seen then are on the page
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            baselined INTEGER NOT NULL DEFAULT 0,
            last_item_count INTEGER,
            next_poll_after TEXT
        )
        """
    )


@migration
def m002_items(db: Database) -> None:
    """Every item a source has shown, as last seen, with its edit count."""
    db.execute(
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE ON UPDATE CASCADE,
            uid TEXT NOT NULL,
            place TEXT,
            agencies TEXT NOT NULL DEFAULT '[]',
            title TEXT,
            text TEXT NOT NULL,
            url TEXT,
            published_at TEXT,
            published_precision INTEGER,
            time_label TEXT,
            countries TEXT NOT NULL DEFAULT '[]',
            regions TEXT NOT NULL DEFAULT '[]',
            evidence TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            UNIQUE (source, uid)
        )
        """
    )
    db.execute("CREATE INDEX idx_items_last_seen ON items(last_seen)")


@migration
def m003_item_events(db: Database) -> None:
    """The news log: one row per `new` or `updated` event; goes when its item is pruned."""
    db.execute(
        """
        CREATE TABLE item_events (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            uid TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'updated')),
            version INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            at TEXT NOT NULL,
            FOREIGN KEY (source, uid) REFERENCES items(source, uid) ON DELETE CASCADE ON UPDATE CASCADE,
            UNIQUE (source, uid, version)
        )
        """
    )
    db.execute("CREATE INDEX idx_item_events_at ON item_events(at)")


def apply_migrations(db: Database, *, path: str | Path = "") -> list[str]:
    """Apply the pending migrations; return their names (empty when the schema is current).

    Raises `SchemaTooNew` (and changes nothing) when the database has a migration this code does not know.
    Pending migrations are applied under one BEGIN IMMEDIATE, so two processes starting at once cannot both
    apply the same migration; an up-to-date database is only read.
    """
    _check_not_newer(db, path)
    if not MIGRATIONS.pending(db):
        return []
    with transaction(db):
        _check_not_newer(db, path)
        names = [m.name for m in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
    return names


def schema_version(db: Database) -> int:
    """How many wirewatch migrations this database has applied."""
    return len(MIGRATIONS.applied(db))


def known_migrations() -> tuple[str, ...]:
    """The names of every migration this version knows, in order."""
    return tuple(_KNOWN)


def _check_not_newer(db: Database, path: str | Path) -> None:
    unknown = tuple(m.name for m in MIGRATIONS.applied(db) if m.name not in _KNOWN)
    if unknown:
        raise SchemaTooNew(path or ":memory:", unknown)
