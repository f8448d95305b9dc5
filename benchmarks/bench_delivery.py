"""How fast the outbox fills and drains, and what formatting costs.

Run: `uv run python -m benchmarks.bench_delivery`. Numbers on a real SQLite file in a temporary folder:

- enqueue: one poll of 20 new items matched by 1,000 destinations (20,000 rows) in one transaction;
- drain: 2,000 alerts over 100 destinations through an adapter that answers at once (so what is measured is
  the engine and its storage round trips: read, claim, record), one message each (digests off), and again
  with digests on (more than 5 waiting -> one message per 10);
- formatting: Telegram HTML, Discord embed and plain text for one alert, and a 20-alert Telegram digest.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.base import SentRef
from bot.alerts import Alert, alert_from_event
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.formatting import discord_alert, plain_alert, telegram_alert, telegram_digest
from bot.store import Store
from parsers.identity import content_hash
from parsers.models import Item
from storage.db import open_db, transaction
from storage.destinations import ensure_destination
from storage.models import Destination, ItemEvent
from storage.outbox import enqueue_alerts, outbox_counts
from storage.subscriptions import set_subscription

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SEED = 20261127


class InstantAdapter:
    """A platform that accepts everything at once."""

    platform = "bench"
    rate_limits = ()
    digest_capacity = 10

    def __init__(self) -> None:
        self.messages = 0

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return self._ok()

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return self._ok()

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return self._ok()

    async def notify_admin(self, destination: Destination, text: str) -> None:
        return None

    def _ok(self) -> SentRef:
        self.messages += 1
        return SentRef(str(self.messages))


def make_event(rng: random.Random, n: int) -> ItemEvent:
    words = [rng.choice("abcdefghij") * rng.randint(2, 9) for _ in range(60)]
    title, lead = " ".join(words[:10]).capitalize(), " ".join(words[10:]).capitalize() + "."
    item = Item(
        uid=f"bench:{n}",
        place="DEN HAAG",
        agencies=("ANP",),
        title=title,
        text=lead,
        url=f"https://news.example/{n}",
        published_at=NOW - timedelta(minutes=3),
        time_label="12:57",
        content_hash=content_hash(title, lead),
        countries=("NL", "BE"),
    )
    return ItemEvent("new", "bench", item, 1)


def setup(path: Path, destinations: int) -> list[int]:
    with open_db(path) as db:
        subs = []
        for n in range(destinations):
            key = f"bench:{n}"
            ensure_destination(db, key, now=NOW)
            subs.append(set_subscription(db, key, now=NOW, mode="all").id)
        return subs


def bench_enqueue(folder: Path, rng: random.Random) -> None:
    path = folder / "enqueue.db"
    subs = setup(path, 1_000)
    events = [make_event(rng, n) for n in range(20)]
    with open_db(path) as db:
        started = time.perf_counter()
        with transaction(db):
            result = enqueue_alerts(db, events, lambda e: subs, now=NOW)
        elapsed = time.perf_counter() - started
    print(
        f"enqueue: {result.queued:,} rows in {elapsed * 1000:.0f} ms ({result.queued / elapsed:,.0f} rows/s)"
    )


async def drain(path: Path, settings: DeliverySettings) -> tuple[int, int, float]:
    adapter = InstantAdapter()
    async with Store(path) as store:
        engine = DeliveryEngine(
            store, [adapter], settings=settings, clock=lambda: NOW, rng=random.Random(SEED)
        )
        started = time.perf_counter()
        while (await engine.deliver_due()).next_due is not None:
            pass
        elapsed = time.perf_counter() - started
        sent = (await store.run(outbox_counts))["sent"]
    return sent, adapter.messages, elapsed


def bench_drain(folder: Path, rng: random.Random, *, digests: bool) -> None:
    path = folder / f"drain-{digests}.db"
    subs = setup(path, 100)
    events = [make_event(rng, n) for n in range(20)]
    with open_db(path) as db, transaction(db):
        enqueue_alerts(db, events, lambda e: subs, now=NOW)
    threshold = 5 if digests else 1_000
    sent, messages, elapsed = asyncio.run(drain(path, DeliverySettings(digest_threshold=threshold)))
    label = "digests on " if digests else "digests off"
    print(
        f"drain ({label}): {sent:,} alerts in {messages:,} messages, {elapsed:.2f} s "
        f"({sent / elapsed:,.0f} alerts/s, {elapsed / messages * 1000:.2f} ms per message)"
    )


def bench_format(rng: random.Random) -> None:
    alerts = [alert_from_event(make_event(rng, n), seen_at=NOW) for n in range(200)]
    cases: list[tuple[str, Callable[[Alert], object]]] = [
        ("telegram html", telegram_alert),
        ("discord embed", discord_alert),
        ("plain text", plain_alert),
    ]
    for name, fn in cases:
        started = time.perf_counter()
        for alert in alerts:
            fn(alert)
        per = (time.perf_counter() - started) / len(alerts)
        print(f"format {name}: {per * 1e6:.0f} µs per alert")
    started = time.perf_counter()
    for start in range(0, 200, 20):
        telegram_digest(alerts[start : start + 20], language="nl")
    print(f"format telegram digest of 20: {(time.perf_counter() - started) / 10 * 1000:.2f} ms")


def main() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as tmp:
        folder = Path(tmp)
        bench_enqueue(folder, rng)
        bench_drain(folder, rng, digests=False)
        bench_drain(folder, rng, digests=True)
    bench_format(rng)


if __name__ == "__main__":
    main()
