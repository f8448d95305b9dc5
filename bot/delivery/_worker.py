"""One platform's worker: drains that platform's outbox, destination by destination, oldest alert first.

Per destination, one step at a time: read the queue, plan (`_plan.plan_unit`), take a rate-limit slot, claim
the rows (`sending`, committed), call the adapter outside any transaction, record the outcome. So at most one
message per destination is ever in flight, and a crash repeats at most that one. Destinations are served
concurrently (up to `max_concurrency`); a destination waiting on a 429 or a backoff holds up nobody else.

Outcomes, by the adapter's error type:
- success: `sent` (`edited`, `digest`, `not modified`) with the message ref;
- `RateLimited`: back to `pending`, due after `retry_after`; this destination waits;
- `Transient` (and any unexpected exception): back to `pending` with exponential backoff and jitter, until
  `transient_max_age` after the alert was queued, then `expired`;
- `TargetMoved`: the destination is re-keyed and the alert goes again at once (as a new message if it was
  an edit);
- `TargetGone`: `failed`, the destination is disabled with the reason, the admin is told where possible;
- `Rejected`: an edit is retried as a new message, a message in plain form; rejected in plain form, `failed`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.adapters.base import Adapter, SentRef
from bot.adapters.errors import (
    DeliveryError,
    NotModified,
    Permanent,
    RateLimited,
    Rejected,
    TargetGone,
    TargetMoved,
    Transient,
)
from bot.alerts import Alert, alert_from_event
from bot.backoff import backoff_ceiling
from bot.delivery._plan import Unit, plan_unit
from bot.delivery._ratelimit import RateLimiter
from bot.delivery._settings import DeliverySettings
from bot.delivery._stats import DeliveryStats
from bot.delivery._storage import destination_gone, destination_moved, load_snapshot
from bot.store import Store
from storage.errors import StorageError
from storage.models import Destination, OutboxRow
from storage.outbox import (
    REASON_DIGEST,
    claim_rows,
    mark_final,
    mark_retry,
    mark_sent,
    outbox_queues,
    release_rows,
)

__all__ = ["ERROR_PAUSE", "MAX_MOVES", "MAX_STEPS_PER_PASS", "MIN_RETRY_AFTER", "PlatformWorker"]

log = logging.getLogger(__name__)
T = TypeVar("T")

ERROR_PAUSE = 5.0  # seconds a destination (or a worker) rests after an unexpected error
MIN_RETRY_AFTER = 1.0  # a 429 saying "retry after 0" still waits a second
MAX_MOVES = 5  # a destination that keeps moving is given up on
MAX_STEPS_PER_PASS = 100  # per destination; the next pass carries on


class PlatformWorker:
    """Delivers the outbox rows of one platform through its adapter."""

    def __init__(
        self,
        store: Store,
        adapter: Adapter,
        *,
        settings: DeliverySettings,
        clock: Callable[[], datetime],
        rng: random.Random,
    ) -> None:
        self.store = store
        self.adapter = adapter
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.limiter = RateLimiter(adapter.rate_limits)
        self._busy: set[int] = set()
        self._lookahead = max(adapter.digest_capacity, settings.digest_threshold) + 1

    @property
    def platform(self) -> str:
        return self.adapter.platform

    async def deliver_due(self) -> DeliveryStats:
        """One pass: serve every destination of this platform whose oldest alert is due now."""
        stats = DeliveryStats()
        now = self.clock()
        queues = await self.store.run(outbox_queues, platform=self.platform)
        due = []
        for queue in queues:
            if queue.destination.id in self._busy:
                continue
            if queue.head_due > now:
                stats.wake_at(queue.head_due)
            else:
                due.append(queue.destination)
        gate = asyncio.Semaphore(self.settings.max_concurrency)

        async def serve(destination: Destination) -> None:
            async with gate:
                try:
                    await self._serve(destination.id, stats)
                except Exception:  # e.g. the database was busy: this destination waits, the others go on
                    log.exception(
                        "delivery to %s failed; trying again in %.0fs", destination.key, ERROR_PAUSE
                    )
                    stats.wake_at(self.clock() + timedelta(seconds=ERROR_PAUSE))

        async with asyncio.TaskGroup() as group:
            for destination in due:
                group.create_task(serve(destination))
        return stats

    async def _serve(self, destination_id: int, stats: DeliveryStats) -> None:
        if destination_id in self._busy:
            return
        self._busy.add(destination_id)
        try:
            for _ in range(MAX_STEPS_PER_PASS):
                if not await self._step(destination_id, stats):
                    return
            stats.wake_at(self.clock())  # more to do: the next pass carries on at once
        finally:
            self._busy.discard(destination_id)

    async def _step(self, destination_id: int, stats: DeliveryStats) -> bool:
        """Do the next thing for one destination; False when it has nothing more to do in this pass."""
        now = self.clock()
        snap = await self.store.run(load_snapshot, destination_id, limit=self._lookahead)
        dest = snap.destination
        if dest is None or not dest.active or not snap.rows:
            return False
        if snap.rows[0].next_attempt_at > now:
            stats.wake_at(snap.rows[0].next_attempt_at)
            return False
        unit = plan_unit(
            snap.rows,
            destination=dest,
            waiting=snap.waiting,
            refs=snap.refs,
            now=now,
            settings=self.settings,
            capacity=self.adapter.digest_capacity,
        )
        if unit.kind == "drop":
            assert unit.reason is not None
            stats.dropped += await self.store.run(
                mark_final, unit.ids, "dropped", reason=unit.reason, now=now
            )
            return True
        ready = self.limiter.try_acquire(dest, now.timestamp())
        if ready is not None:
            stats.wake_at(datetime.fromtimestamp(ready, UTC))
            return False
        claimed = await self.store.run(claim_rows, unit.ids, now=now)
        if len(claimed) != len(unit.rows):  # the queue changed under us (destination disabled meanwhile)
            await self.store.run(release_rows, [row.id for row in claimed])
            return False
        unit = Unit(unit.kind, tuple(claimed), unit.ref, unit.reason)
        try:
            ref: SentRef | BaseException = await self._call(dest, unit)
        except asyncio.CancelledError:
            await _finish(self.store.run(release_rows, unit.ids))
            raise
        except Exception as exc:  # typed or not, `_settle` sorts it out
            ref = exc
        # The platform has answered: record it even if the worker is being stopped meanwhile.
        return await _finish(self._settle(dest, unit, ref, stats))

    async def _settle(
        self, dest: Destination, unit: Unit, result: SentRef | BaseException, stats: DeliveryStats
    ) -> bool:
        if isinstance(result, SentRef):
            return await self._done(unit, result.message_id, _success_reason(unit), stats)
        if isinstance(result, NotModified):
            return await self._done(unit, unit.ref, "not modified", stats, not_modified=True)
        if isinstance(result, DeliveryError):
            return await self._failed(dest, unit, result, stats)
        log.error("%s adapter raised an unexpected error for %s", self.platform, dest.key, exc_info=result)
        return await self._failed(dest, unit, Transient(f"{type(result).__name__}: {result}"), stats)

    async def _call(self, dest: Destination, unit: Unit) -> SentRef:
        plain = any(row.plain for row in unit.rows)
        if unit.kind == "digest":
            return await self.adapter.send_digest(dest, _digest_alerts(unit.rows, dest), plain=plain)
        alert = _alert(unit.rows[0], dest)
        if unit.kind == "edit":
            assert unit.ref is not None
            return await self.adapter.edit(dest, SentRef(unit.ref), alert, plain=plain)
        return await self.adapter.send(dest, alert, plain=plain)

    async def _done(
        self, unit: Unit, ref: str | None, reason: str, stats: DeliveryStats, *, not_modified: bool = False
    ) -> bool:
        count = await self.store.run(mark_sent, unit.ids, ref=ref, reason=reason, now=self.clock())
        if not_modified:
            stats.not_modified += count
        elif unit.kind == "digest":
            stats.digests += 1
            stats.digested += count
        elif unit.kind == "edit":
            stats.edited += count
        else:
            stats.sent += count
        return True

    async def _failed(self, dest: Destination, unit: Unit, exc: DeliveryError, stats: DeliveryStats) -> bool:
        now = self.clock()
        error = f"{type(exc).__name__}: {exc}"
        head = unit.rows[0]
        if isinstance(exc, TargetMoved):
            return await self._moved(dest, unit, exc, error, stats)
        if isinstance(exc, TargetGone):
            await self._gone(dest, unit, str(exc), stats)
            return False
        if isinstance(exc, Rejected):
            if unit.kind == "edit" and not head.as_new:
                await self.store.run(mark_retry, unit.ids, error=error, at=now, as_new=True)
            elif not any(row.plain for row in unit.rows):
                await self.store.run(mark_retry, unit.ids, error=error, at=now, plain=True)
            else:
                reason = f"rejected by {self.platform} even in plain form: {exc}"
                stats.failed += await self.store.run(
                    mark_final, unit.ids, "failed", reason=reason, now=now, error=error
                )
            return True
        if isinstance(exc, Permanent):
            reason = f"refused by {self.platform}: {exc}"
            stats.failed += await self.store.run(
                mark_final, unit.ids, "failed", reason=reason, now=now, error=error
            )
            return True
        # Retryable, or an unknown DeliveryError: try again later, within the max age.
        oldest = min(row.created_at for row in unit.rows)
        age = now - oldest
        max_age = timedelta(seconds=self.settings.transient_max_age)
        if age >= max_age:
            reason = f"gave up after {head.attempts} attempt(s) over {_duration(age)}: {error}"
            stats.expired += await self.store.run(
                mark_final, unit.ids, "expired", reason=reason, now=now, error=error
            )
            return True
        if isinstance(exc, RateLimited):
            retry_at = now + timedelta(seconds=max(exc.retry_after, MIN_RETRY_AFTER))
            stats.rate_limited += 1
        else:
            retry_at = min(now + timedelta(seconds=self._backoff(head.attempts)), oldest + max_age)
            stats.retried += len(unit.rows)
        await self.store.run(mark_retry, unit.ids, error=error, at=retry_at)
        stats.wake_at(retry_at)
        return False

    async def _moved(
        self, dest: Destination, unit: Unit, exc: TargetMoved, error: str, stats: DeliveryStats
    ) -> bool:
        now = self.clock()
        if exc.new_key == dest.key or unit.rows[0].attempts > MAX_MOVES:
            reason = f"destination keeps moving ({dest.key} -> {exc.new_key})"
            stats.failed += await self.store.run(
                mark_final, unit.ids, "failed", reason=reason, now=now, error=error
            )
            return True
        try:
            moved = await self.store.run(
                destination_moved,
                dest.key,
                exc.new_key,
                unit.ids,
                error=error,
                as_new=unit.kind == "edit",
                now=now,
            )
        except StorageError as problem:  # e.g. a malformed new key from the adapter
            reason = f"destination moved to an unusable key {exc.new_key!r}: {problem}"
            stats.failed += await self.store.run(
                mark_final, unit.ids, "failed", reason=reason, now=now, error=error
            )
            return True
        stats.moved += 1
        log.info("destination %s moved to %s", dest.key, moved.key)
        stats.wake_at(now)
        return moved.id == dest.id

    async def _gone(self, dest: Destination, unit: Unit, reason: str, stats: DeliveryStats) -> None:
        stats.failed += await self.store.run(
            destination_gone, dest.key, unit.ids, reason=reason, now=self.clock()
        )
        stats.disabled += 1
        log.warning("destination %s disabled: %s", dest.key, reason)
        try:
            await self.adapter.notify_admin(dest, _gone_notice(dest, reason))
        except Exception:
            log.warning("could not tell the admin of %s that it is disabled", dest.key, exc_info=True)

    def _backoff(self, attempts: int) -> float:
        ceiling = backoff_ceiling(attempts, base=self.settings.backoff_base, cap=self.settings.backoff_cap)
        return ceiling / 2 + self.rng.uniform(0.0, ceiling / 2)


async def _finish(work: Awaitable[T]) -> T:
    """Await `work` to the end even if the caller is cancelled meanwhile; then let the cancellation through."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def _alert(row: OutboxRow, dest: Destination) -> Alert:
    return alert_from_event(row.event, language=dest.language, style=dest.style, seen_at=row.created_at)


def _digest_alerts(rows: Sequence[OutboxRow], dest: Destination) -> list[Alert]:
    """One alert per item (its latest version in the digest), in queue order of first appearance."""
    latest: dict[tuple[str, str], OutboxRow] = {}
    for row in rows:
        latest[(row.source, row.uid)] = row
    return [_alert(row, dest) for row in latest.values()]


def _success_reason(unit: Unit) -> str:
    if unit.kind == "digest":
        return REASON_DIGEST
    if unit.kind == "edit":
        return "edited"
    head = unit.rows[0]
    reason = "sent as a new message" if head.kind == "updated" else "sent"
    return f"{reason} (plain form)" if head.plain else reason


def _gone_notice(dest: Destination, reason: str) -> str:
    if dest.language == "en":
        return f"Wirewatch stopped sending alerts to {dest.key}: {reason}. Set it up again to resume."
    return f"Wirewatch stuurt geen berichten meer naar {dest.key}: {reason}. Stel het opnieuw in om verder te gaan."


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
