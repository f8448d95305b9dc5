"""APScheduler 3 in wirewatch's event loop: one interval job per source.

Jobs have `max_instances=1` and `coalesce=True`, so a slow source never piles up polls. A source that fails is
left alone for the backoff delay its poll reported. On stop, polls in flight are allowed to finish (their
transaction commits or rolls back as a whole) before the scheduler shuts down.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import SourceSettings
from bot.pipeline import Poller, PollReport
from storage.errors import DatabaseUnavailable

__all__ = ["PollScheduler", "ReportHandler"]

log = logging.getLogger(__name__)

ReportHandler = Callable[[PollReport], Awaitable[None] | None]


class PollScheduler:
    """Runs `poller.poll(source)` on each source's interval and hands every report to `on_report`."""

    def __init__(
        self,
        poller: Poller,
        sources: Sequence[SourceSettings],
        on_report: ReportHandler,
        *,
        baseline: bool = True,
    ) -> None:
        self.poller = poller
        self.sources = tuple(sources)
        self.on_report = on_report
        self.baseline = baseline
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._inflight: set[asyncio.Task[None]] = set()
        self._resume_at: dict[str, datetime] = {}

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        first = datetime.now(UTC)
        for index, source in enumerate(self.sources):
            self._scheduler.add_job(
                self._job,
                IntervalTrigger(seconds=source.interval, jitter=source.max_jitter or None, timezone=UTC),
                args=[source],
                id=source.name,
                name=f"poll {source.name}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, math.ceil(source.interval)),
                next_run_time=first + timedelta(milliseconds=50 * index),
            )
        self._scheduler.start()

    async def stop(self, timeout: float = 15.0) -> None:
        """Stop scheduling, let polls in flight finish (up to `timeout`), then shut the scheduler down. Polls still
        reading their page stop at once: they have stored nothing, and the next start polls again."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        self.poller.reader.abandon()
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=timeout)
        for task in self._inflight:
            task.cancel()
        self._scheduler.shutdown(wait=False)

    async def _job(self, source: SourceSettings) -> None:
        resume_at = self._resume_at.get(source.name)
        if resume_at is not None and self.poller.clock() < resume_at:
            log.debug("source %s: backing off until %s", source.name, resume_at.isoformat())
            return
        task = asyncio.ensure_future(self._poll(source))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # this job is being cancelled, not its poll
            log.debug("poll of %s stopped while reading its page (shutting down)", source.name)

    async def _poll(self, source: SourceSettings) -> None:
        try:
            report = await self.poller.poll(source, baseline=self.baseline)
        except DatabaseUnavailable as exc:  # the store has said so, once: the next interval tries again
            log.debug("poll of %s not stored: %s", source.name, exc.reason)
            return
        except Exception:
            log.exception("poll of %s crashed; it will be tried again on the next interval", source.name)
            return
        if report.retry_in:
            self._resume_at[source.name] = self.poller.clock() + timedelta(seconds=report.retry_in)
        else:
            self._resume_at.pop(source.name, None)
        try:
            result = self.on_report(report)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("handling the report of %s failed", source.name)
