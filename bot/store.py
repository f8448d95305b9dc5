"""Async access to the one SQLite connection.

sqlite-utils is synchronous and sqlite3 connections belong to the thread that opened them, so a single worker
thread opens the database and runs every storage call; coroutines await the result. Calls run one at a time, in
the order they were made, which also serialises all writes.

When the database cannot do its work (the disk is full, another process holds the lock past the busy timeout,
the file is read-only or failing), the call raises `storage.errors.DatabaseUnavailable` and `Store.health`
says so (with `announce_health`, as `wirewatch run` opens it: one log line when it starts, one when a write
works again, never a traceback). Every caller simply tries again later: nothing was written, so nothing is
lost.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from storage.db import open_db
from storage.errors import unavailable

__all__ = ["DatabaseHealth", "Store"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseHealth:
    """Whether the database's writes work: `problem` is None, or why they fail, in words for an operator.
    With `announce`, each change is one log line (a long-running process); else the caller tells the user."""

    def __init__(self, path: str, *, announce: bool) -> None:
        self.path = path
        self.announce = announce
        self.problem: str | None = None

    def failed(self, reason: str) -> None:
        if reason != self.problem and self.announce:
            log.error("database %s: %s; wirewatch waits and tries again, nothing is lost", self.path, reason)
        self.problem = reason

    def wrote(self) -> None:
        if self.problem is not None and self.announce:
            log.warning("database %s: writing works again (%s before)", self.path, self.problem)
        self.problem = None


class Store:
    """Owns the database connection on its own thread: `await store.run(storage_function, *args)`."""

    def __init__(self, path: str | Path, *, announce_health: bool = False) -> None:
        self.path = str(path)
        self.health = DatabaseHealth(self.path, announce=announce_health)
        self._executor: ThreadPoolExecutor | None = None
        self._db: Database | None = None

    async def __aenter__(self) -> Store:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-db")
        loop = asyncio.get_running_loop()
        try:
            self._db = await loop.run_in_executor(self._executor, open_db, self.path)
        except BaseException:
            self._executor.shutdown(wait=True)
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is None:
            return
        db = self._db
        if db is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, db.close)
        self._executor.shutdown(wait=True)
        self._executor = None
        self._db = None

    async def run(self, fn: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(db, *args, **kwargs)` on the database thread."""
        if self._executor is None or self._db is None:
            raise RuntimeError("Store is not open: use `async with Store(path) as store`")
        call: Callable[[], Any] = functools.partial(self._call, self._db, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def _call(self, db: Database, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """On the database thread: `fn(db, ...)`, with the database's own failures as `DatabaseUnavailable`."""
        changes = db.conn.total_changes
        try:
            result = fn(db, *args, **kwargs)
        except Exception as exc:
            problem = unavailable(exc)
            if problem is None:
                raise
            self.health.failed(problem.reason)
            if problem is exc:
                raise
            raise problem from exc
        if db.conn.total_changes != changes:
            self.health.wrote()
        return result
