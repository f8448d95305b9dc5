"""Opening the database: one SQLite file, WAL mode, foreign keys on, schema migrated at start-up.

The connection belongs to the thread that opened it (sqlite3's default); async code reaches it through a
single worker thread that calls `open_db` itself (see `bot/store.py`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.errors import CannotOpenDatabase, unavailable
from storage.migrations import apply_migrations
from storage.transactions import require_transaction, transaction, write_scope

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "DEFAULT_DB_PATH",
    "open_db",
    "require_transaction",
    "set_busy_timeout",
    "transaction",
    "write_scope",
]

DEFAULT_DB_PATH = "wirewatch.db"
# How long a writer waits for another process (a CLI command next to the running bot) to release the lock.
BUSY_TIMEOUT_SECONDS = 10.0


def open_db(path: str | Path = DEFAULT_DB_PATH) -> Database:
    """Open (creating if needed) and migrate the database at `path`; `":memory:"` gives a private in-memory one.

    Raises `CannotOpenDatabase` when the file cannot be opened or is not SQLite, `SchemaTooNew` when a newer
    wirewatch has migrated it. Opening an up-to-date database writes nothing.
    """
    in_memory = str(path) == ":memory:"
    if not in_memory:
        _check_place(Path(path))
    try:
        conn = sqlite3.connect(":memory:" if in_memory else str(path), timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.DatabaseError as exc:
        raise CannotOpenDatabase(path, str(exc)) from exc
    try:
        db = Database(conn, execute_plugins=False)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise CannotOpenDatabase(path, str(exc)) from exc
    except BaseException:
        conn.close()
        raise
    try:
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                db.enable_wal()
        except sqlite3.DatabaseError as exc:
            raise CannotOpenDatabase(path, str(exc)) from exc
        try:
            apply_migrations(db, path=path)
        except sqlite3.OperationalError as exc:
            raise CannotOpenDatabase(path, _why(exc)) from exc
    except BaseException:
        db.close()
        raise
    return db


def _check_place(path: Path) -> None:
    """Refuse a path SQLite would fail on with a vague "unable to open database file"."""
    if path.is_dir():
        raise CannotOpenDatabase(path, "that is a folder, not a database file")
    if not path.parent.is_dir():
        raise CannotOpenDatabase(path, f"the folder {path.parent} does not exist")


def _why(exc: sqlite3.OperationalError) -> str:
    problem = unavailable(exc)
    return str(exc) if problem is None else problem.reason


def set_busy_timeout(db: Database, seconds: float) -> None:
    """How long this connection waits for another connection's lock before "database is locked"."""
    if not seconds >= 0:
        raise ValueError(f"a busy timeout is at least 0 seconds, got {seconds!r}")
    db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
