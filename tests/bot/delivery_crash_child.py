"""Child process of the crash test: drains the outbox through a ledger adapter that can SIGKILL its own process.

    python -m tests.bot.delivery_crash_child DB LEDGER KILL_AT NOW DIGEST_THRESHOLD [SYNCHRONOUS [POLL_AT]]

The adapter stands in for the platform: it "accepts" a message by appending a line to LEDGER (destination key
and the uids in it) and fsyncing, exactly as a platform would have the message before the engine records it.
On the KILL_AT-th message (0 = never) it then kills the process with SIGKILL, between the platform accepting
the message and the engine's commit (with batched records, other messages accepted meanwhile are not recorded
either). NOW is the clock (ISO 8601). SYNCHRONOUS is the connection's `PRAGMA synchronous` (FULL, NORMAL). On
the POLL_AT-th message (0 = never) a poll queues one more story (POLL_UID) for every subscription first, in its
own transaction, as the pipeline does while delivery goes on. Prints `done` when nothing is left to send.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlite_utils import Database

from bot.adapters.base import SentRef
from bot.alerts import Alert
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from storage.models import Destination, ItemEvent
from storage.outbox import enqueue_alerts, list_outbox
from storage.transactions import transaction

POLL_UID = "crash:poll"  # the uid of the story the poll queues (a copy of the first one queued)


class LedgerAdapter:
    """The "platform": a ledger file on disk."""

    platform = "fake"
    rate_limits = ()
    digest_capacity = 3

    def __init__(
        self, ledger: str, kill_at: int, *, poll: Callable[[], Awaitable[None]], poll_at: int
    ) -> None:
        self.ledger = ledger
        self.kill_at = kill_at
        self.count = 0
        self.poll = poll
        self.poll_at = poll_at

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        if self.count + 1 == self.poll_at:
            await self.poll()
        return self._accept(destination, [alert])

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return self._accept(destination, [alert])

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return self._accept(destination, list(alerts))

    async def notify_admin(self, destination: Destination, text: str) -> None:
        return None

    def _accept(self, destination: Destination, alerts: list[Alert]) -> SentRef:
        self.count += 1
        with open(self.ledger, "a", encoding="utf-8") as ledger:
            ledger.write(f"{destination.key} {' '.join(a.uid for a in alerts)}\n")
            ledger.flush()
            os.fsync(ledger.fileno())
        if self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return SentRef(f"{os.getpid()}-{self.count}")


def set_synchronous(db: Database, mode: str) -> None:
    db.execute(f"PRAGMA synchronous = {mode}")


def poll_story(db: Database, now: datetime) -> None:
    """A poll that finds one more story: queued for every subscription in one transaction."""
    [first] = list_outbox(db, limit=1)
    story = ItemEvent("new", first.event.source, replace(first.event.item, uid=POLL_UID), 1)
    subs = [row[0] for row in db.execute("SELECT id FROM subscriptions ORDER BY id").fetchall()]
    with transaction(db):
        enqueue_alerts(db, [story], lambda e: subs, now=now)


async def main(
    db: str, ledger: str, kill_at: int, now: datetime, digest_threshold: int, synchronous: str, poll_at: int
) -> None:
    settings = DeliverySettings(digest_threshold=digest_threshold)
    async with Store(db) as store:
        await store.run(set_synchronous, synchronous)

        async def poll() -> None:
            await store.run(poll_story, now)

        adapter = LedgerAdapter(ledger, kill_at, poll=poll, poll_at=poll_at)
        engine = DeliveryEngine(store, [adapter], settings=settings, clock=lambda: now)
        await engine.recover()
        while (await engine.deliver_due()).next_due is not None:
            pass
    print("done", flush=True)


if __name__ == "__main__":
    db_path, ledger_path, kill, moment, threshold = sys.argv[1:6]
    sync = sys.argv[6] if len(sys.argv) > 6 else "FULL"
    poll_at = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    asyncio.run(
        main(db_path, ledger_path, int(kill), datetime.fromisoformat(moment), int(threshold), sync, poll_at)
    )
