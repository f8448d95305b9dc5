"""Waiting for the fake's state to change: predicates checked after every change, never sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["Changes"]


class Changes:
    """Call `changed()` after every change of state; `wait_until` returns once its predicate holds."""

    def __init__(self, describe: Callable[[], str] = lambda: "") -> None:
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._describe = describe

    def changed(self) -> None:
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                if predicate():
                    future.set_result(None)
            except Exception as exc:  # a broken predicate fails the waiting test, not the server
                future.set_exception(exc)

    async def wait_until(self, predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
        """Return once `predicate()` holds; AssertionError (with what happened last) after `timeout`."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            detail = self._describe()
            raise AssertionError(f"waited {timeout}s for {what}{'; ' + detail if detail else ''}") from None
        finally:
            self._waiters.remove(entry)
