"""Async access to the one SQLite connection.

sqlite-utils is synchronous and sqlite3 connections belong to the thread that opened them, so a single worker
thread opens the database and runs every storage call; coroutines await the result. Calls run one at a time, in
the order they were made, which also serialises all writes.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from storage.db import open_db

__all__ = ["Store"]

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """Owns the database connection on its own thread: `await store.run(storage_function, *args)`."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
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
        call: Callable[[], Any] = functools.partial(fn, self._db, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)
