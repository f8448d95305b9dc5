"""One platform's worker: drains that platform's outbox, many destinations at a time, oldest alert first.

A pass:

1. (when asked: after `notify`, even in the middle of a pass, every `idle_wait`, at `deliver_due`) read the
   outbox's queues into the `Schedule`, first putting back to `pending` any `sending` row of this platform
   that no send of this worker owns (left behind: it would hold its destination's queue forever; one
   delivering process per database, as `recover` at start-up assumes too);
2. take the destinations that are due, each with a rate-limit slot (`RateLimiter`), a batch at a time, and
   plan and claim their next message in ONE transaction (`claim_units`);
3. call the adapter for each, `max_concurrency` at a time, outside any transaction;
4. record the answers in batches (`record_outcomes`: whatever came in while the previous batch was written goes
   in the next transaction); a batch that cannot be written is retried until it is (`Recorder`), and its
   destinations stay this worker's meanwhile; then each goes back in the schedule (due now, at its backoff or
   its 429's end, or when its rate limit allows);
5. repeat until nothing is due now and nothing is in flight; `next_due` says when more will be.

At most one message per destination is in flight, so a crash repeats at most that one (`recover` at start-up).
What an answer means for the rows is `_answers.decide`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.adapters.base import Adapter, SentRef
from bot.alerts import Alert, alert_from_event
from bot.backoff import backoff_ceiling
from bot.delivery._answers import Decision, decide, gone_notice, unusable_move
from bot.delivery._plan import Unit
from bot.delivery._ratelimit import RateLimiter, Slot
from bot.delivery._recorder import Recorder
from bot.delivery._schedule import Schedule
from bot.delivery._settings import DeliverySettings
from bot.delivery._stats import DeliveryStats
from bot.delivery._storage import (
    Claim,
    Gone,
    Moved,
    Release,
    Retry,
    claim_units,
    read_queues,
)
from bot.store import Store
from storage.errors import DatabaseUnavailable, StorageError
from storage.models import Destination, OutboxRow

__all__ = ["CLAIM_AHEAD", "ERROR_PAUSE", "MAX_STEPS_PER_PASS", "OBSERVED", "Observer", "PlatformWorker"]

log = logging.getLogger("bot.delivery")
T = TypeVar("T")

ERROR_PAUSE = 5.0  # seconds a destination (or a worker) rests after an unexpected error
MAX_STEPS_PER_PASS = 100  # messages per destination in one pass; the next pass carries on
# What a worker reports as rows end: (platform, tally, the rows, how many, when). Tallies: "sent", "edited",
# "digest", "not_modified" (the platform accepted them), "failed", "expired", "dropped".
Observer = Callable[[str, str, Sequence[OutboxRow], int, datetime], None]
OBSERVED = frozenset({"sent", "edited", "digest", "not_modified", "failed", "expired"})
CLAIM_AHEAD = 4  # destinations claimed (and recorded) per batch, in units of `max_concurrency`


@dataclass(slots=True)
class _Answer:
    """A unit the platform answered (or that goes back unsent): what to record, and whether more rows wait."""

    destination: Destination
    unit: Unit
    decision: Decision | None  # None: release the rows (the worker stopped before the platform answered)
    more: bool


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
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.adapter = adapter
        self.observer = observer
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.limiter = RateLimiter(adapter.rate_limits)
        self.schedule = Schedule()
        self.recorder = Recorder(store, adapter.platform)
        self._lookahead = max(adapter.digest_capacity, settings.digest_threshold) + 1
        self._lock = asyncio.Lock()  # one pass at a time (the background loop, `deliver_due` callers)
        self._busy: dict[int, Unit | None] = {}  # destination id -> its unit in flight (None: being claimed)
        self._parked: list[Destination] = []  # due, but waiting for an answer in flight (their rate limit)
        self._deferred: list[Destination] = []  # served MAX_STEPS_PER_PASS times in this pass
        self._pending: list[_Answer] = []  # answered, not yet recorded
        self._writer: asyncio.Task[None] | None = None
        self._group: asyncio.TaskGroup | None = None
        self._progress = asyncio.Event()
        self._queued = False  # `notify` came during a pass: read the queues again before the pass ends
        self._recheck: set[int] = set()  # in flight when the queues were read again: may have more now
        self._calls = asyncio.Semaphore(settings.max_concurrency)  # adapter calls at the same time
        self._stats = DeliveryStats()
        self._steps: Counter[int] = Counter()
        # This pass's alerts by (item version, language, style): a fan-out builds one per language, not per chat.
        self._alerts: dict[tuple[object, ...], Alert] = {}

    @property
    def platform(self) -> str:
        return self.adapter.platform

    @property
    def closing(self) -> bool:
        """The engine is stopping: outcomes that keep failing to be written are given up on."""
        return self.recorder.closing

    @closing.setter
    def closing(self, value: bool) -> None:
        self.recorder.closing = value

    def notify(self) -> None:
        """Alerts were queued: a pass under way reads the outbox's queues again, so a send that hangs for one
        chat holds back no new alert for another."""
        self._queued = True
        self._progress.set()

    def owned_rows(self) -> set[int]:
        """The outbox rows this worker has claimed and not yet recorded an outcome for."""
        return {row_id for unit in self._busy.values() if unit is not None for row_id in unit.ids}

    async def deliver_due(self, *, refresh: bool = True) -> DeliveryStats:
        """One pass: serve every destination of this platform that is due now; `next_due` says when more are.

        `refresh=False` trusts the schedule from earlier passes instead of reading the outbox's queues again.
        """
        async with self._lock:
            stats = DeliveryStats()
            if self._busy or self._parked or self._deferred:  # an earlier pass was cut short (stop, crash)
                self._busy.clear()  # none of it is in flight any more: the refresh frees its rows
                self._parked.clear()
                self._deferred.clear()
                refresh = True
            if refresh or not self.schedule:
                self._queued = False
                await self._refresh()
            await self._drain(stats)
            return stats

    async def _refresh(self, *, merge: bool = False) -> None:
        """Read the queues into the schedule; `merge` (in the middle of a pass, while answers come in): only
        add the destinations the pass does not know of, and look again at those in flight once answered."""
        freed, queues = await self.store.run(read_queues, platform=self.platform, keep=self.owned_rows())
        if freed:
            log.warning(
                "%d %s alert(s) were left in `sending` with no worker to finish them; sending them again",
                freed,
                self.platform,
            )
        if not merge:
            self.schedule.clear()
            for queue in queues:
                if queue.destination.id not in self._busy:
                    self.schedule.put(queue.destination, queue.head_due)
            return
        waiting = {destination.id for destination in (*self._parked, *self._deferred)}
        for queue in queues:
            key = queue.destination.id
            if key in self._busy:
                self._recheck.add(key)
            elif key not in self.schedule and key not in waiting:
                self.schedule.put(queue.destination, queue.head_due)

    # --- a pass --------------------------------------------------------------------------------------------

    async def _drain(self, stats: DeliveryStats) -> None:
        self._stats = stats
        self._steps.clear()
        self._recheck.clear()
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                while True:
                    if self._queued:
                        self._queued = False
                        await self._refresh(merge=True)
                    now = self.clock()
                    picks = self._pick(now)
                    if picks:
                        await self._claim(picks, now)
                        continue
                    if not self._busy:
                        break
                    self._progress.clear()
                    await self._wait_progress(self._next_pick(now), now)
        finally:
            self._group = None
            self._writer = None
            self._alerts.clear()
            while self._pending:  # stopped or crashed with answers in hand: write them before going
                await _finish(self._write())
        now = self.clock()
        for destination in (*self._deferred, *self._parked):
            self.schedule.put(destination, now)
        self._deferred.clear()
        self._parked.clear()
        due = self.schedule.next_due()
        if due is not None:
            ready = self.limiter.platform_ready_at(due.timestamp())
            stats.wake_at(max(due, _moment(ready)) if ready is not None else due)

    def _pick(self, now: datetime) -> list[tuple[Destination, Slot]]:
        """The due destinations that may send now, each with its rate-limit slot.

        Up to CLAIM_AHEAD times `max_concurrency` destinations are this worker's at once (claimed, sending or
        being recorded), so claims and records go in batches; a claim waits until a batch's worth is free,
        unless nothing is in flight.
        """
        moment = now.timestamp()
        picks: list[tuple[Destination, Slot]] = []
        batch = self.settings.max_concurrency
        room = batch * CLAIM_AHEAD - len(self._busy)
        if self._busy and room < batch:
            return picks
        while len(picks) < room:
            due = self.schedule.next_due()
            if due is None or due > now:
                break
            ready = self.limiter.platform_ready_at(moment)
            if ready is None or ready > moment:  # the platform-wide limit: nobody may send yet
                break
            destination = self.schedule.pop()
            if destination.id in self._busy:  # a chat merged into one with a message in flight: after it
                self._parked.append(destination)
                continue
            if self._steps[destination.id] >= MAX_STEPS_PER_PASS:
                self._deferred.append(destination)
                continue
            granted = self.limiter.acquire(destination, moment)
            if isinstance(granted, Slot):
                picks.append((destination, granted))
            elif granted is None:
                self._parked.append(destination)
            else:
                self.schedule.put(destination, _moment(granted))
        return picks

    def _next_pick(self, now: datetime) -> datetime | None:
        """After `_pick` found nothing while sends are in flight: when a destination in the schedule may be
        picked without waiting for an answer (a chat whose rate limit ends, a backoff that ends), or None."""
        batch = self.settings.max_concurrency
        if batch * CLAIM_AHEAD - len(self._busy) < batch:
            return None
        due = self.schedule.next_due()
        if due is None:
            return None
        ready = self.limiter.platform_ready_at(max(due, now).timestamp())
        return None if ready is None else max(due, _moment(ready))

    async def _wait_progress(self, until: datetime | None, now: datetime) -> None:
        """Wait for an answer to be recorded, or until `until`: one slow chat holds back no other."""
        if until is None:
            await self._progress.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), max(0.0, (until - now).total_seconds()))

    async def _claim(self, picks: Sequence[tuple[Destination, Slot]], now: datetime) -> None:
        for destination, _ in picks:
            self._busy[destination.id] = None

        def give_back(claims: list[Claim]) -> None:  # stopping: the claim committed; its rows go back
            units = {claim.destination_id: claim.unit for claim in claims}
            for destination, slot in picks:
                self.limiter.cancel(slot)
                unit = units.get(destination.id)
                if unit is None:
                    del self._busy[destination.id]
                else:
                    self._pending.append(_Answer(destination, unit, None, False))

        try:
            claims = await _finish(
                self.store.run(
                    claim_units,
                    [destination.id for destination, _ in picks],
                    now=now,
                    settings=self.settings,
                    capacity=self.adapter.digest_capacity,
                    lookahead=self._lookahead,
                ),
                if_cancelled=give_back,
            )
        except Exception as exc:  # e.g. the database stayed locked past the busy timeout: nothing was claimed
            retry = now + timedelta(seconds=ERROR_PAUSE)
            if not isinstance(exc, DatabaseUnavailable):  # that one the store has told, once
                log.exception(
                    "could not claim alerts for %d %s destination(s); trying again in %.0fs",
                    len(picks),
                    self.platform,
                    ERROR_PAUSE,
                )
            for destination, slot in picks:
                self.limiter.cancel(slot)
                del self._busy[destination.id]
                self.schedule.put(destination, retry)
            return
        for (destination, slot), claim in zip(picks, claims, strict=True):
            self._claimed(destination, slot, claim)

    def _claimed(self, destination: Destination, slot: Slot, claim: Claim) -> None:
        self._stats.dropped += claim.dropped
        if claim.dropped and self.observer is not None:
            self.observer(self.platform, "dropped", (), claim.dropped, self.clock())
        if claim.unit is None or claim.destination is None:
            self.limiter.cancel(slot)
            del self._busy[destination.id]
            if claim.destination is not None and claim.due is not None:
                self.schedule.put(claim.destination, claim.due)
            return
        assert self._group is not None
        self._busy[destination.id] = claim.unit
        self._steps[destination.id] += 1
        self._group.create_task(self._send(claim.destination, claim.unit, slot, more=claim.due is not None))

    async def _send(self, destination: Destination, unit: Unit, slot: Slot, *, more: bool) -> None:
        try:
            async with self._calls:
                answer: SentRef | BaseException = await self._call(destination, unit)
        except asyncio.CancelledError:
            self._answered(slot)
            self._pending.append(_Answer(destination, unit, None, False))
            raise
        except Exception as exc:  # typed or not, `decide` sorts it out
            answer = exc
        answered = self.clock()
        self._answered(slot)
        decision = decide(
            answer,
            destination=destination,
            unit=unit,
            now=answered,
            settings=self.settings,
            platform=self.platform,
            backoff=self._backoff,
        )
        self._submit(_Answer(destination, unit, decision, more))

    def _answered(self, slot: Slot) -> None:
        self.limiter.release(slot, self.clock().timestamp())
        if self._parked:  # their chat's budget may have room now
            now = self.clock()
            for destination in self._parked:
                self.schedule.put(destination, now)
            self._parked.clear()
            self._progress.set()

    async def _call(self, destination: Destination, unit: Unit) -> SentRef:
        plain = any(row.plain for row in unit.rows)
        if unit.kind == "digest":
            alerts = _digest_alerts(unit.rows, destination)
            return await self.adapter.send_digest(destination, alerts, plain=plain)
        alert = self._alert(unit.rows[0], destination)
        if unit.kind == "edit":
            assert unit.ref is not None
            return await self.adapter.edit(destination, SentRef(unit.ref), alert, plain=plain)
        return await self.adapter.send(destination, alert, plain=plain)

    # --- recording -----------------------------------------------------------------------------------------

    def _submit(self, answer: _Answer) -> None:
        self._pending.append(answer)
        if self._writer is None and self._group is not None:
            self._writer = self._group.create_task(self._write_all())

    async def _write_all(self) -> None:
        try:
            while self._pending:
                await _finish(self._write())
                self._progress.set()
        finally:
            self._writer = None

    async def _write(self) -> None:
        """Record what is pending in one transaction, retrying until it is written (see `closing`)."""
        batch, self._pending = self._pending, []
        outcomes = [Release(tuple(a.unit.ids)) if a.decision is None else a.decision.outcome for a in batch]
        results = await self.recorder.write(outcomes)
        for answer, result in zip(batch, results, strict=True):
            self._settled(answer, result)

    def _settled(self, answer: _Answer, result: object) -> None:
        """An outcome is written (or given up on): count it and put the destination back in the schedule."""
        destination, decision = answer.destination, answer.decision
        if decision is None or result is None:
            self._busy.pop(destination.id, None)
            return
        if isinstance(decision.outcome, Moved) and isinstance(result, StorageError):
            self._submit(_Answer(destination, answer.unit, unusable_move(decision, result), answer.more))
            return
        self._busy.pop(destination.id, None)
        if isinstance(result, StorageError):  # a bug: the rows stay `sending`; the next refresh frees them
            log.error(
                "could not record %s for %s: %s", type(decision.outcome).__name__, destination.key, result
            )
            return
        count = result if isinstance(result, int) else len(answer.unit.rows)
        stats = self._stats
        now = self.clock()
        if self.observer is not None and decision.tally in OBSERVED:
            self.observer(self.platform, decision.tally, answer.unit.rows, count, now)
        match decision.tally:
            case "sent":
                stats.sent += count
            case "edited":
                stats.edited += count
            case "digest":
                stats.digests += 1
                stats.digested += count
            case "not_modified":
                stats.not_modified += count
            case "failed":
                stats.failed += count
            case "expired":
                stats.expired += count
            case "rate_limited":
                stats.rate_limited += 1
            case "retried":
                stats.retried += len(answer.unit.rows)
            case "moved" | "again":
                pass
        outcome = decision.outcome
        if isinstance(outcome, Gone):
            stats.disabled += 1
            log.warning("destination %s disabled: %s", destination.key, outcome.reason)
            self._tell_admin(destination, outcome.reason)
        elif isinstance(outcome, Moved):
            assert isinstance(result, Destination)
            stats.moved += 1
            log.info("destination %s moved to %s", destination.key, result.key)
            if result.id != destination.id:
                self.schedule.discard(destination.id)
            self.schedule.put(result, now)
        elif isinstance(outcome, Retry):
            self.schedule.put(destination, outcome.due)
        elif answer.more or destination.id in self._recheck:
            self.schedule.put(destination, now)
        self._recheck.discard(destination.id)

    def _tell_admin(self, destination: Destination, reason: str) -> None:
        async def tell() -> None:
            try:
                await self.adapter.notify_admin(destination, gone_notice(destination, reason))
            except Exception:
                log.warning(
                    "could not tell the admin of %s that it is disabled", destination.key, exc_info=True
                )

        if self._group is not None:
            self._group.create_task(tell())

    def _alert(self, row: OutboxRow, destination: Destination) -> Alert:
        key = (row.source, row.uid, row.version, row.created_at, destination.language, destination.style)
        alert = self._alerts.get(key)
        if alert is None:
            alert = self._alerts[key] = _alert(row, destination)
        return alert

    def _backoff(self, attempts: int) -> float:
        ceiling = backoff_ceiling(attempts, base=self.settings.backoff_base, cap=self.settings.backoff_cap)
        return ceiling / 2 + self.rng.uniform(0.0, ceiling / 2)


async def _finish(work: Awaitable[T], *, if_cancelled: Callable[[T], None] | None = None) -> T:
    """Await `work` to the end even if the caller is cancelled meanwhile (then hand its result to
    `if_cancelled`, and let the cancellation through)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        try:
            result = await task
        except Exception:
            result = None
        if if_cancelled is not None and result is not None:
            if_cancelled(result)
        raise


def _moment(timestamp: float) -> datetime:
    """A limiter's time as a datetime, never a hair (microsecond rounding) before it."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment if moment.timestamp() >= timestamp else moment + timedelta(microseconds=1)


def _alert(row: OutboxRow, dest: Destination) -> Alert:
    return alert_from_event(row.event, language=dest.language, style=dest.style, seen_at=row.created_at)


def _digest_alerts(rows: Sequence[OutboxRow], dest: Destination) -> list[Alert]:
    """One alert per item (its latest version in the digest), in queue order of first appearance."""
    latest: dict[tuple[str, str], OutboxRow] = {}
    for row in rows:
        latest[(row.source, row.uid)] = row
    return [_alert(row, dest) for row in latest.values()]
