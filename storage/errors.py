"""Errors raised by `storage/`. Every one is a `StorageError`; callers catch that or a specific subclass.

StorageError
├── CannotOpenDatabase       the file is missing its folder, unreadable, or not SQLite at all
├── SchemaTooNew             a newer wirewatch applied migrations this version does not know
├── DatabaseBusy             another process held the write lock for longer than the busy timeout
├── TransactionMisuse
│   ├── NotInTransaction     a multi-row write was called outside `transaction(db)`
│   └── NestedTransaction    `transaction(db)` was opened inside another one
├── UnknownSource            no source of that name (config sync has not added it)
├── UnknownDestination       no destination (chat, channel, console) with that key
└── InvalidArgument          a naive datetime, a retention of zero, a limit below one, ...
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CannotOpenDatabase",
    "DatabaseBusy",
    "InvalidArgument",
    "NestedTransaction",
    "NotInTransaction",
    "SchemaTooNew",
    "StorageError",
    "TransactionMisuse",
    "UnknownDestination",
    "UnknownSource",
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


class DatabaseBusy(StorageError):
    """The write lock could not be taken before the busy timeout ran out."""


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
