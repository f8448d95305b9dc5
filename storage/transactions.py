"""Transactions: the caller decides where a unit of work begins and ends; storage functions never commit.

`transaction(db)` is the one place that issues BEGIN and COMMIT. It starts with BEGIN IMMEDIATE, so the write
lock is taken up front and a second writer waits (up to the busy timeout) at the door instead of failing half
way through with "database is locked" when its read lock cannot be upgraded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from storage.errors import NestedTransaction, NotInTransaction, unavailable

__all__ = ["require_transaction", "transaction", "write_scope"]


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE ... COMMIT around the block; ROLLBACK and re-raise on any exception.

    Wrap one poll's writes (items, events, later the outbox rows) in one `with transaction(db):`, so a crash
    leaves the poll either fully applied or not at all. Nesting raises `NestedTransaction`: a unit of work
    has exactly one owner.
    """
    if db.conn.in_transaction:
        raise NestedTransaction("a transaction is already open on this connection")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        problem = unavailable(exc)
        if problem is None:
            raise
        raise problem from exc
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


@contextmanager
def write_scope(db: Database) -> Iterator[Database]:
    """Join the caller's transaction (as a savepoint) if one is open, else run in a transaction of its own.

    For the small bookkeeping writes (a 304, a failure, config sync) that callers may or may not batch.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
    else:
        with transaction(db):
            yield db


def require_transaction(db: Database, operation: str) -> None:
    """Raise `NotInTransaction` unless the caller has opened `transaction(db)`."""
    if not db.conn.in_transaction:
        raise NotInTransaction(operation)
