"""`DeliveryEngine`: one worker per platform, in the main event loop, woken when the pipeline queues alerts.

    engine = DeliveryEngine(store, [console_adapter, telegram_adapter], settings=..., clock=...)
    async with engine:            # recover rows left in `sending`, start the workers
        ...                       # after each poll that queued alerts: engine.notify()
    # leaving the block stops the workers (a message in flight goes back to `pending`)

`deliver_due()` is one pass over every platform without the background tasks: for tests (with an injected
clock), `wirewatch deliver --once` and the demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType

from bot.adapters.base import Adapter
from bot.delivery._settings import DeliverySettings
from bot.delivery._stats import DeliveryStats
from bot.delivery._worker import ERROR_PAUSE, Observer, PlatformWorker
from bot.store import Store
from storage.errors import DatabaseUnavailable
from storage.outbox import recover_interrupted

__all__ = ["DeliveryEngine"]

log = logging.getLogger(__name__)


class DeliveryEngine:
    """Drains the outbox through the given adapters (one per platform)."""

    def __init__(
        self,
        store: Store,
        adapters: Iterable[Adapter],
        *,
        settings: DeliverySettings | None = None,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or DeliverySettings()
        self.clock = clock or _utcnow
        rng = rng or random.Random()
        self.workers: dict[str, PlatformWorker] = {}
        for adapter in adapters:
            if adapter.platform in self.workers:
                raise ValueError(f"two adapters for platform {adapter.platform!r}")
            self.workers[adapter.platform] = PlatformWorker(
                store, adapter, settings=self.settings, clock=self.clock, rng=rng, observer=observer
            )
        self._wake = {platform: asyncio.Event() for platform in self.workers}
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    async def recover(self) -> int:
        """Put rows a crash left in `sending` back to `pending`; how many. Only while no worker runs."""
        if self.running:
            raise RuntimeError("recover() while the workers run would resend messages in flight")
        count = await self.store.run(recover_interrupted, now=self.clock())
        if count:
            log.warning("%d alert(s) were being sent when wirewatch stopped; sending them again", count)
        return count

    async def deliver_due(self) -> DeliveryStats:
        """One pass over every platform: send what is due now; `next_due` says when more will be."""
        results = await asyncio.gather(*(worker.deliver_due() for worker in self.workers.values()))
        stats = DeliveryStats()
        for result in results:
            stats.merge(result)
        return stats

    async def start(self) -> None:
        """Recover interrupted rows, then run one background worker per platform."""
        if self.running:
            raise RuntimeError("the delivery engine is already running")
        await self.recover()
        for worker in self.workers.values():
            worker.closing = False
        self._tasks = [
            asyncio.create_task(self._run(worker), name=f"wirewatch-delivery-{platform}")
            for platform, worker in self.workers.items()
        ]

    def notify(self) -> None:
        """Wake the workers now (call it after queueing alerts); harmless when they are not running."""
        for event in self._wake.values():
            event.set()
        if self.running:
            for worker in self.workers.values():
                worker.notify()

    async def stop(self) -> None:
        """Stop the workers; a message in flight is cancelled and its rows go back to `pending`.

        Outcomes the platform already gave are written first. From now until the next `start`, a write that
        keeps failing (the database locked) is given up on after a few tries, so stopping (and a last
        `deliver_due`) ends: those rows are sent again at the next start.
        """
        tasks, self._tasks = self._tasks, []
        for worker in self.workers.values():
            worker.closing = True  # until the next start: a last `deliver_due` after this gives up too
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def __aenter__(self) -> DeliveryEngine:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _run(self, worker: PlatformWorker) -> None:
        """Passes until stopped: the outbox's queues are read again when woken, after an error, and at least
        every `idle_wait`; in between, the worker's schedule says when a destination is due."""
        wake = self._wake[worker.platform]
        refresh, refreshed = True, 0.0
        while True:
            wake.clear()
            if refresh:
                refreshed = time.monotonic()
            try:
                stats = await worker.deliver_due(refresh=refresh)
            except DatabaseUnavailable:  # the store has said so, once
                delay, failed = ERROR_PAUSE, True
            except Exception:
                log.exception(
                    "delivery pass for %s failed; trying again in %.0fs", worker.platform, ERROR_PAUSE
                )
                delay, failed = ERROR_PAUSE, True
            else:
                if stats.messages or stats.failed or stats.expired:
                    log.info("%s delivery: %s", worker.platform, stats)
                delay, failed = self.settings.idle_wait, False
                if stats.next_due is not None:
                    delay = min(delay, max(0.0, (stats.next_due - self.clock()).total_seconds()))
            if delay <= 0:
                await asyncio.sleep(0)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), delay)
            stale = time.monotonic() - refreshed >= self.settings.idle_wait
            refresh = failed or wake.is_set() or stale


def _utcnow() -> datetime:
    return datetime.now(UTC)
