"""Errors raised by `storage/`. Every one is a `StorageError`; callers catch that or a specific subclass.

StorageError
├── CannotOpenDatabase       the file is missing its folder, unreadable, or not SQLite at all
├── SchemaTooNew             a newer wirewatch applied migrations this version does not know
├── DatabaseUnavailable      the database cannot do its work now: disk full, read-only, I/O error, damaged
│   └── DatabaseBusy         another process held the write lock for longer than the busy timeout
├── TransactionMisuse
│   ├── NotInTransaction     a multi-row write was called outside `transaction(db)`
│   └── NestedTransaction    `transaction(db)` was opened inside another one
├── UnknownSource            no source of that name (config sync has not added it)
├── UnknownDestination       no destination (chat, channel, console) with that key
└── InvalidArgument          a naive datetime, a retention of zero, a limit below one, ...
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = [
    "CannotOpenDatabase",
    "DatabaseBusy",
    "DatabaseUnavailable",
    "InvalidArgument",
    "NestedTransaction",
    "NotInTransaction",
    "SchemaTooNew",
    "StorageError",
    "TransactionMisuse",
    "UnknownDestination",
    "UnknownSource",
    "unavailable",
]


class StorageError(Exception):
    """Base class of every error raised by wirewatch's storage layer."""


class CannotOpenDatabase(StorageError):
    """The database file cannot be opened or is not an SQLite database."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot open database {self.path}: {reason}")


class SchemaTooNew(StorageError):
    """The database was migrated by a newer wirewatch; this version must not write to it."""

    def __init__(self, path: str | Path, unknown: tuple[str, ...]) -> None:
        self.path = str(path)
        self.unknown = unknown
        super().__init__(
            f"database {self.path} was written by a newer wirewatch: it has migrations this version does not "
            f"know ({', '.join(unknown)}); upgrade wirewatch or point it at another database file"
        )


class DatabaseUnavailable(StorageError):
    """The database cannot do its work right now, through no fault of the call: the disk is full, another
    process holds the lock past the busy timeout, the file is read-only, failing or damaged. `reason` says
    which, in words for an operator. Nothing was written: the call can be made again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DatabaseBusy(DatabaseUnavailable):
    """The write lock could not be taken before the busy timeout ran out."""


# SQLite's primary result codes (`sqlite3.Error.sqlite_errorname` up to the first "_" after SQLITE_) that
# are the database's state, not a bug of the statement, and what to tell the operator
_UNAVAILABLE = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_BUSY": "locked by another process for longer than the busy timeout",
    "SQLITE_LOCKED": "locked by another process for longer than the busy timeout",
    "SQLITE_READONLY": "the database (or its folder) is read-only",
    "SQLITE_IOERR": "the disk fails to read or write it (I/O error)",
    "SQLITE_CORRUPT": "the database file is damaged",
    "SQLITE_NOTADB": "the database file is damaged",
    "SQLITE_CANTOPEN": "its file cannot be opened",
}


def unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """`exc` as a `DatabaseUnavailable` when it is the database's state (disk full, locked, read-only,
    failing), None when it is anything else (a bug in a statement, a constraint)."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError | sqlite3.DataError
    ):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    reason = _UNAVAILABLE.get(primary)
    if reason is None:
        return None
    return (
        DatabaseBusy(reason) if primary in ("SQLITE_BUSY", "SQLITE_LOCKED") else DatabaseUnavailable(reason)
    )


class TransactionMisuse(StorageError):
    """A transaction was used the wrong way round (a programming error, not a data problem)."""


class NotInTransaction(TransactionMisuse):
    """A write that must be atomic with the caller's other writes ran outside `transaction(db)`."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        super().__init__(f"{operation}() must run inside `with storage.db.transaction(db):`")


class NestedTransaction(TransactionMisuse):
    """`transaction(db)` was entered while a transaction was already open on the connection."""


class UnknownSource(StorageError):
    """No source of this name is stored."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown source {name!r}: it is not in the database (add it to the config first)")


class UnknownDestination(StorageError):
    """No destination with this key is stored."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"unknown destination {key!r}: no chat or channel with that key is set up")


class InvalidArgument(StorageError, ValueError):
    """A value handed to storage breaks its contract (naive datetime, retention <= 0, limit < 1)."""
