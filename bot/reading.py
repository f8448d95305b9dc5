"""Reading a fetched body in a thread of its own, under a hard time limit.

The parsers stop themselves at their deadline, but not inside one call into a library: feedparser reading a
feed, lexbor building a tree. A feed of nested markup kept feedparser busy for 10 s, and a worker thread of
asyncio's pool is joined at exit, so Ctrl+C waited for it. Here each read runs in a daemon thread and the
poll waits for it no longer than the source's budget plus `GRACE`. Past that the poll fails (the source's
problem, reported) and the thread is left to finish on its own; the source is not read again until it has,
so a page that always overruns holds one thread, not one per poll. Daemon threads never hold up the exit,
and `abandon` stops every wait at shutdown: those polls end cancelled, having stored nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["GRACE", "PageReader", "ReadOverrun"]

T = TypeVar("T")
GRACE = 1.0  # seconds past the budget before the poll stops waiting: the parsers' own deadline comes first


class ReadOverrun(Exception):
    """A read ran past its budget and the grace after it, or the source's previous read still runs."""


class PageReader:
    """Runs each source's reads in daemon threads, one at a time per source, within a time limit."""

    def __init__(self, *, grace: float = GRACE) -> None:
        self.grace = grace
        self._reads: dict[str, tuple[threading.Event, float]] = {}  # per source: its last read's end, start
        self._waiting: set[asyncio.Future[Any]] = set()

    def busy(self, key: str) -> bool:
        """Whether a read for `key` is still running (perhaps one the poll stopped waiting for)."""
        running = self._reads.get(key)
        return running is not None and not running[0].is_set()

    async def read(self, key: str, budget: float, work: Callable[[float], T]) -> T:
        """`work(deadline)` in a daemon thread (`deadline`: a `time.monotonic()` reading `budget` seconds away);
        what it returns or raises, or `ReadOverrun` once `budget + grace` seconds have passed."""
        if self.busy(key):
            raise ReadOverrun(
                f"the page fetched {time.monotonic() - self._reads[key][1]:.0f}s ago is still being read, past the "
                f"{budget:g}s budget; it is not read again until that ends"
            )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        started = time.monotonic()
        ended = threading.Event()

        def run() -> None:
            try:
                try:
                    outcome = work(started + budget)
                finally:
                    ended.set()
            except Exception as exc:  # handed to the poll, like any error of the parse
                _settle(loop, future, functools.partial(future.set_exception, exc))
            else:
                _settle(loop, future, functools.partial(future.set_result, outcome))

        thread = threading.Thread(target=run, name=f"wirewatch-read {key}", daemon=True)
        self._reads[key] = (ended, started)
        self._waiting.add(future)
        thread.start()
        try:
            return await asyncio.wait_for(asyncio.shield(future), budget + self.grace)
        except TimeoutError:
            future.cancel()  # what the thread returns later is dropped
            raise ReadOverrun(
                f"reading the page took more than {budget:g}s (gave up waiting for it)"
            ) from None
        finally:
            self._waiting.discard(future)

    def abandon(self) -> None:
        """Stop waiting for every read in progress (at shutdown): the polls waiting for them end cancelled."""
        for future in list(self._waiting):
            future.cancel()


def _settle(loop: asyncio.AbstractEventLoop, future: asyncio.Future[T], settle: Callable[[], None]) -> None:
    """Complete `future` on its loop, unless nobody waits for it any more."""

    def complete() -> None:
        if not future.done():
            settle()

    with contextlib.suppress(RuntimeError):  # the loop is closed: the process is shutting down
        loop.call_soon_threadsafe(complete)
