"""One poll of one source: fetch -> parse -> tag -> store (diff) + match + queue alerts, in one transaction.

The items and the outbox rows of their alerts are written together, so an item is never recorded as seen
without its alerts, and never queued twice.

Nothing a site sends escapes as an exception: every failure is recorded on the source and reported in the
`PollReport`, with the delay before the next attempt.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import httpx
from sqlite_utils import Database

from bot.backoff import next_delay, retry_after_seconds
from bot.config import FetchSettings, SourceSettings
from bot.extract import extract_items
from bot.fetch import FetchError, HttpStatusError, fetch
from bot.matching import MatchIndex
from bot.reading import PageReader, ReadOverrun
from bot.store import Store
from parsers.errors import ParseError, ParseTimeout
from parsers.models import Item
from parsers.pages import Selectors
from storage.items import apply_poll
from storage.models import ItemEvent, PollOutcome
from storage.outbox import Enqueued, enqueue_alerts
from storage.sources import get_source_state, record_failure, record_not_modified
from storage.transactions import transaction

__all__ = ["PollReport", "PollStatus", "Poller"]

log = logging.getLogger(__name__)

WARN_AFTER_FAILURES = 3

PollStatus = Literal["ok", "not-modified", "failed", "problem"]


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll did. `retry_in` (seconds) is set when the source should be left alone for a while."""

    source: str
    status: PollStatus
    events: tuple[ItemEvent, ...] = ()
    items: int = 0
    queued: int = 0  # alerts put in the outbox
    seeded: bool = False
    error: str | None = None
    retry_in: float | None = None
    at: datetime | None = field(default=None, compare=False)
    duration: float = field(default=0.0, compare=False)  # seconds the poll took (fetch, parse, store)

    @property
    def new(self) -> int:
        return sum(1 for event in self.events if event.kind == "new")

    @property
    def updated(self) -> int:
        return sum(1 for event in self.events if event.kind == "updated")


class Poller:
    """Polls sources with one shared HTTP client and one store; the clock and randomness are injected."""

    def __init__(
        self,
        *,
        store: Store,
        client: httpx.AsyncClient,
        clock: Callable[[], datetime],
        fetch_settings: FetchSettings | None = None,
        rng: random.Random | None = None,
        index: MatchIndex | None = None,
        labels_at: datetime | None = None,
        reader: PageReader | None = None,
    ) -> None:
        self.store = store
        self.reader = reader or PageReader()
        # The moment relative time labels are read against, when not now (`poll --now`): the source's health
        # is still stamped with the clock, so it never looks days old after a poll a second ago.
        self.labels_at = labels_at
        self.client = client
        self.clock = clock
        self.fetch_settings = fetch_settings or FetchSettings()
        self.rng = rng or random.Random()
        # Read and changed only on the database thread (inside `store.run`), like the subscriptions it mirrors.
        self.index = index if index is not None else MatchIndex()

    async def poll(self, source: SourceSettings, *, baseline: bool = True) -> PollReport:
        """One poll of `source`: fetch, parse, store the changes and queue their alerts, in one transaction."""
        started = time.monotonic()
        report = await self._poll(source, baseline=baseline)
        return dataclasses.replace(report, duration=time.monotonic() - started)

    async def _poll(self, source: SourceSettings, *, baseline: bool) -> PollReport:
        state = await self.store.run(get_source_state, source.name)
        try:
            result = await fetch(
                self.client,
                source.url,
                etag=state.etag,
                last_modified=state.last_modified,
                max_bytes=self.fetch_settings.max_bytes,
            )
        except FetchError as exc:
            return await self._failed(source, str(exc), retry_after=self._retry_after(exc))
        now = self.clock()
        if result.not_modified:
            await self.store.run(record_not_modified, source.name, now=now)
            return PollReport(source.name, "not-modified", at=now)
        budget = self.fetch_settings.parse_timeout

        def read(deadline: float) -> list[Item]:
            return extract_items(
                result.body,
                result.text,
                now=self.labels_at or now,
                base_url=result.url,
                kind=source.kind,
                selectors=_selectors(source),
                zone=source.zone,
                deadline=deadline,
            )

        try:
            # in a thread of its own: a big page never holds up the other sources, or Ctrl+C
            items = await self.reader.read(source.name, budget, read)
        except ReadOverrun as exc:
            return await self._failed(source, str(exc))
        except ParseTimeout as exc:
            return await self._failed(
                source, f"reading the page took more than {budget:g}s (stopped while {exc.stage})"
            )
        except ParseError as exc:
            return await self._failed(source, f"cannot read the page: {exc}")
        outcome, enqueued = await self.store.run(
            _store_poll,
            self.index,
            source.name,
            items,
            now=now,
            etag=result.etag,
            last_modified=result.last_modified,
            baseline=baseline,
        )
        if outcome.problem:
            state = await self.store.run(get_source_state, source.name)
            _log_failure(source.name, outcome.problem, state.consecutive_failures)
            return PollReport(
                source.name,
                "problem",
                error=outcome.problem,
                retry_in=self._delay(state.consecutive_failures),
                at=now,
            )
        return PollReport(
            source.name,
            "ok",
            tuple(outcome.events),
            items=len(items),
            queued=enqueued.queued,
            seeded=outcome.seeded,
            at=now,
        )

    async def _failed(
        self, source: SourceSettings, error: str, retry_after: float | None = None
    ) -> PollReport:
        now = self.clock()
        state = await self.store.run(record_failure, source.name, error=error, now=now)
        _log_failure(source.name, error, state.consecutive_failures)
        delay = self._delay(state.consecutive_failures, retry_after)
        return PollReport(source.name, "failed", error=error, retry_in=delay, at=now)

    def _retry_after(self, exc: FetchError) -> float | None:
        if isinstance(exc, HttpStatusError):
            return retry_after_seconds(exc.retry_after, self.clock())
        return None

    def _delay(self, failures: int, retry_after: float | None = None) -> float:
        """The backoff after `failures` in a row; a site's `Retry-After` wins when longer, up to `backoff_max`."""
        fetch = self.fetch_settings
        return next_delay(
            failures,
            base=fetch.backoff_base,
            cap=fetch.backoff_max,
            rng=self.rng,
            retry_after=retry_after,
            retry_cap=fetch.backoff_max,
        )


def _store_poll(
    db: Database,
    index: MatchIndex,
    source: str,
    items: list[Item],
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    baseline: bool,
) -> tuple[PollOutcome, Enqueued]:
    with transaction(db):
        outcome = apply_poll(
            db, source, items, now=now, etag=etag, last_modified=last_modified, baseline=baseline
        )
        enqueued = enqueue_alerts(db, outcome.events, lambda e: index.match(e.item, e.source), now=now)
    return outcome, enqueued


def _log_failure(source: str, error: str, failures: int) -> None:
    # One failure is routine on the web; a source that keeps failing deserves the operator's attention.
    level = logging.WARNING if failures >= WARN_AFTER_FAILURES else logging.INFO
    log.log(
        level,
        "source %s failed %d time(s) in a row: %s",
        source,
        failures,
        error,
        extra={"source": source, "failures": failures, "error": error},
    )


def _selectors(source: SourceSettings) -> Selectors | None:
    s = source.selectors
    if s is None:
        return None
    return Selectors(item=s.item, title=s.title, lead=s.lead, time=s.time, link=s.link)
