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


@migration
def m004_destinations(db: Database) -> None:
    """Where alerts go: one row per chat, topic or channel (or the console), keyed by an opaque string."""
    db.execute(
        """
        CREATE TABLE destinations (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            platform TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            thread_id TEXT,
            guild_id TEXT,
            language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
            style TEXT NOT NULL DEFAULT 'full' CHECK (style IN ('full', 'compact')),
            edit_policy TEXT NOT NULL DEFAULT 'edit' CHECK (edit_policy IN ('edit', 'new', 'ignore')),
            paused INTEGER NOT NULL DEFAULT 0,
            disabled_reason TEXT,
            disabled_at TEXT,
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )


@migration
def m005_subscriptions(db: Database) -> None:
    """What a destination wants: at most one subscription per destination; keyword lists as JSON arrays."""
    db.execute(
        """
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            destination_id INTEGER NOT NULL UNIQUE REFERENCES destinations(id) ON DELETE CASCADE,
            include TEXT NOT NULL DEFAULT '[]',
            exclude TEXT NOT NULL DEFAULT '[]',
            countries TEXT NOT NULL DEFAULT '[]',
            sources TEXT NOT NULL DEFAULT '[]',
            mode TEXT NOT NULL DEFAULT 'filtered' CHECK (mode IN ('all', 'filtered')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )


@migration
def m006_outbox(db: Database) -> None:
    """One row per (destination, item version) and its delivery state; no foreign key to items (pruning)."""
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            destination_id INTEGER NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            uid TEXT NOT NULL,
            version INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'updated')),
            event TEXT NOT NULL,    -- JSON snapshot of the item event
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'expired', 'dropped')),
            reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            plain INTEGER NOT NULL DEFAULT 0,
            as_new INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            last_attempt_at TEXT,
            last_error TEXT,
            finished_at TEXT,       -- when it reached sent, failed, expired or dropped
            sent_ref TEXT,
            UNIQUE (destination_id, source, uid, version)
        )
        """
    )
    db.execute("CREATE INDEX idx_outbox_status_destination ON outbox(status, destination_id, id)")
    db.execute("CREATE INDEX idx_outbox_created_at ON outbox(created_at)")


@migration
def m007_destination_mentions(db: Database) -> None:
    """A role a destination's alerts may mention (Discord), and the keywords that make them mention it."""
    db.execute("ALTER TABLE destinations ADD COLUMN mention_role TEXT")
    db.execute("ALTER TABLE destinations ADD COLUMN mention_keywords TEXT NOT NULL DEFAULT '[]'")


@migration
def m008_destination_moves(db: Database) -> None:
    """Where a destination went when its chat got a new id, so the config file's old id still finds it."""
    db.execute(
        """
        CREATE TABLE destination_moves (
            old_key TEXT PRIMARY KEY,
            new_key TEXT NOT NULL,
            moved_at TEXT NOT NULL
        )
        """
    )


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
