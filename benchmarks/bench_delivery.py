"""How fast the outbox fills and drains inside wirewatch alone, and what formatting costs.

Run: `uv run python -m benchmarks.bench_delivery [--json PATH]`. Numbers on a real SQLite file (WAL, as
`wirewatch run` opens it) in a temporary folder:

- enqueue: one poll of 20 new items matched by 1,000 destinations (20,000 rows) in one transaction;
- drain: alerts through an adapter that answers at once without rendering them, so what is measured is the
  delivery engine alone (its planning, claims, records and storage round trips), NOT a platform and NOT the
  console: 2,000 alerts over 100 destinations one message each (digests off), again with digests on (more than
  5 waiting -> one message per 10), and a fan-out of one alert to 3,000 destinations. Wall time and the
  process's CPU time (both threads: the event loop and the database thread) per message;
- formatting: Telegram HTML, Discord embed and plain text for one alert, and a 20-alert Telegram digest.

The fan-out through the real Telegram adapter and python-telegram-bot is `bench_fanout`. The table goes to
stdout and the figures to `benchmarks/results/delivery.json` (or `--json PATH`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sys
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
REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "delivery.json"


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


def bench_enqueue(folder: Path, rng: random.Random) -> dict[str, float]:
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
    return {
        "rows": result.queued,
        "ms": round(elapsed * 1000, 1),
        "rows_per_s": round(result.queued / elapsed),
    }


async def drain(path: Path, settings: DeliverySettings) -> tuple[int, int, float, float]:
    adapter = InstantAdapter()
    async with Store(path) as store:
        engine = DeliveryEngine(
            store, [adapter], settings=settings, clock=lambda: NOW, rng=random.Random(SEED)
        )
        cpu, started = time.process_time(), time.perf_counter()
        while (await engine.deliver_due()).next_due is not None:
            pass
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        sent = (await store.run(outbox_counts))["sent"]
    return sent, adapter.messages, elapsed, cpu


def bench_drain(
    folder: Path, rng: random.Random, *, label: str, destinations: int, items: int, threshold: int
) -> dict[str, float | str]:
    path = folder / f"drain-{label}.db"
    subs = setup(path, destinations)
    events = [make_event(rng, n) for n in range(items)]
    with open_db(path) as db, transaction(db):
        enqueue_alerts(db, events, lambda e: subs, now=NOW)
    sent, messages, elapsed, cpu = asyncio.run(drain(path, DeliverySettings(digest_threshold=threshold)))
    print(
        f"drain, {label}: {sent:,} alerts in {messages:,} messages, {elapsed:.2f} s "
        f"({messages / elapsed:,.0f} messages/s, {elapsed / messages * 1000:.2f} ms wall and "
        f"{cpu / messages * 1000:.2f} ms CPU per message)"
    )
    return {
        "case": label,
        "alerts": sent,
        "messages": messages,
        "seconds": round(elapsed, 3),
        "messages_per_s": round(messages / elapsed),
        "wall_ms_per_message": round(elapsed / messages * 1000, 3),
        "cpu_ms_per_message": round(cpu / messages * 1000, 3),
    }


def bench_format(rng: random.Random) -> dict[str, float]:
    alerts = [alert_from_event(make_event(rng, n), seen_at=NOW) for n in range(200)]
    cases: list[tuple[str, Callable[[Alert], object]]] = [
        ("telegram html", telegram_alert),
        ("discord embed", discord_alert),
        ("plain text", plain_alert),
    ]
    figures = {}
    for name, fn in cases:
        started = time.perf_counter()
        for alert in alerts:
            fn(alert)
        per = (time.perf_counter() - started) / len(alerts)
        figures[f"{name.replace(' ', '_')}_us"] = round(per * 1e6, 1)
        print(f"format {name}: {per * 1e6:.0f} µs per alert")
    started = time.perf_counter()
    for start in range(0, 200, 20):
        telegram_digest(alerts[start : start + 20], language="nl")
    digest = (time.perf_counter() - started) / 10 * 1000
    figures["telegram_digest_of_20_ms"] = round(digest, 3)
    print(f"format telegram digest of 20: {digest:.2f} ms")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_delivery", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the figures ({RESULTS})")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as tmp:
        folder = Path(tmp)
        enqueue = bench_enqueue(folder, rng)
        drains = [
            bench_drain(
                folder, rng, label="100 chats x 20, digests off", destinations=100, items=20, threshold=1000
            ),
            bench_drain(
                folder, rng, label="100 chats x 20, digests on", destinations=100, items=20, threshold=5
            ),
            bench_drain(
                folder, rng, label="fan-out to 3,000 chats", destinations=3000, items=1, threshold=1000
            ),
        ]
    formatting = bench_format(rng)
    report = {
        "benchmark": "delivery",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "unit": {
            "drain": "an adapter that answers at once (the engine still builds each alert): the engine and its SQLite outbox only",
            "cpu_ms_per_message": "the process's user + system CPU (event loop and database threads) / messages",
        },
        "enqueue": enqueue,
        "drain": drains,
        "format": formatting,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
