"""Fan-out to Telegram: the real delivery engine, `TelegramAdapter` and python-telegram-bot, against the fake Bot
API (`tests/fakes/telegram`) running in a process of its own on 127.0.0.1.

Run: `uv run python -m benchmarks.bench_fanout [--quick] [--json PATH]`. Each scenario starts a fresh fake and
a fresh SQLite file (WAL, as `wirewatch run` opens it), starts the engine as `wirewatch run` does (background
workers), queues one alert for every chat in one transaction (as a poll does), wakes the engine and waits until
every row is `sent`:

- `limits off`: the engine's pacing off and the fake accepting everything: the ceiling of one process;
- `limits on`: Telegram's limits in the engine (30/s, 1/s per chat, 20/min per group) and enforced by the fake
  with 429 answers, as Telegram does;
- `paid broadcast`: `[telegram] paid_broadcast = true` (every message with `allow_paid_broadcast`, paced to
  1,000/s), the fake enforcing the paid limit;
- `limits off httpx`: as `limits off`, with python-telegram-bot's own `HTTPXRequest` (form bodies) instead
  of wirewatch's `AiohttpRequest` (JSON bodies), to compare the two.

Measured: messages per second (first alert queued -> last row recorded `sent`), the 429s the fake answered, the
most messages the fake saw in any 1-second window, and the wirewatch process's CPU time per message (user +
system, every thread; the fake runs in another process). Latency: with the engine idle, one alert at a time is
queued for one chat (the poll's commit) and timed until the fake has the message (both sides read the same
monotonic clock); and for a fan-out, when the first, median and last chat got theirs.

The table goes to stdout and the figures to `benchmarks/results/fanout.json` (or `--json PATH`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.adapters.base import RateLimit, SentRef
from bot.alerts import Alert
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.keys import telegram_key
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from bot.telegram.runtime import POOL_SIZE, http_requests
from parsers.identity import content_hash
from parsers.models import Item
from storage.db import open_db
from storage.destinations import ensure_destination
from storage.models import Destination, ItemEvent
from storage.outbox import enqueue_alerts, outbox_counts
from storage.subscriptions import set_subscription
from storage.transactions import transaction

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "fanout.json"
TOKEN = "123456789:AAFakeTokenForWirewatchBenchmarks_01"
WAIT = 600.0  # seconds: the longest any scenario may take before the benchmark gives up


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    chats: int
    limits: str  # "off", "on", "paid"
    groups: float = 0.1  # the share of chats that are groups (20 messages a minute each)
    http: str = "aiohttp"  # PTB's requests: "aiohttp" (`AiohttpRequest`) or "httpx" (PTB's `HTTPXRequest`)
    concurrency: int = DeliverySettings().max_concurrency  # `[delivery] max_concurrency`


@dataclass(slots=True)
class FanoutResult:
    scenario: str
    chats: int
    sent: int
    seconds: float
    msg_per_s: float
    cpu_ms_per_msg: float
    http_429: int
    paid: int
    max_in_1s: int
    store_calls_per_msg: float
    latency_first_ms: float
    latency_median_ms: float
    latency_last_ms: float


@dataclass(slots=True)
class LatencyResult:
    trials: int
    p50_ms: float
    p90_ms: float
    max_ms: float
    samples_ms: list[float] = field(default_factory=list)


# --- the fake Bot API, in a process of its own -------------------------------------------------------------


def _chat_ids(count: int, groups: float) -> list[tuple[int, str]]:
    every = round(1 / groups) if groups > 0 else 0
    return [
        (-1_000_000_000_000 - n, "supergroup") if every and n % every == 0 else (10_000 + n, "private")
        for n in range(count)
    ]


def _serve(conn: Connection, chats: list[tuple[int, str]], flood: bool) -> None:
    asyncio.run(_serve_async(conn, chats, flood))


async def _serve_async(conn: Connection, chats: list[tuple[int, str]], flood: bool) -> None:
    from tests.fakes.telegram import FakeTelegram, FloodControl

    async with FakeTelegram(TOKEN, flood=FloodControl() if flood else None) as tg:
        for chat_id, kind in chats:
            if kind == "private":
                tg.add_chat(chat_id, "private", first_name=f"User {chat_id}")
            else:
                tg.add_chat(chat_id, "supergroup", title=f"Group {chat_id}")
        conn.send(tg.base_url)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command == "stop":
                return
            sends = [c for c in tg.calls if c.method == "sendMessage"]
            conn.send(
                {
                    "cpu": _cpu(),
                    "arrivals": [(c.params.get("chat_id"), c.at) for c in sends if c.ok],
                    "http_429": sum(1 for c in sends if c.error is not None and c.error.error_code == 429),
                    "paid": sum(1 for c in sends if c.ok and c.params.get("allow_paid_broadcast")),
                }
            )


class FakeProcess:
    """The fake Bot API in a child process; `stats()` asks it what it saw."""

    def __init__(self, chats: list[tuple[int, str]], *, flood: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, chats, flood), daemon=True)
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the fake Bot API did not start")
        self.base_url: str = self._conn.recv()

    def stats(self) -> dict[str, Any]:
        self._conn.send("stats")
        result: dict[str, Any] = self._conn.recv()
        return result

    def close(self) -> None:
        self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


# --- wirewatch's side ----------------------------------------------------------------------------------------


class CountingStore(Store):
    """A `Store` that counts its round trips to the database thread."""

    calls = 0

    async def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return await super().run(fn, *args, **kwargs)


class Counted:
    """Wraps the Telegram adapter to notice when the platform has taken `target` messages."""

    def __init__(self, inner: TelegramAdapter) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.rate_limits: Sequence[RateLimit] = inner.rate_limits
        self.digest_capacity = inner.digest_capacity
        self.sent = 0
        self.target = 0
        self.done = asyncio.Event()

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        ref = await self.inner.send(destination, alert, plain=plain)
        self.sent += 1
        if self.sent >= self.target:
            self.done.set()
        return ref

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return await self.inner.edit(destination, ref, alert, plain=plain)

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return await self.inner.send_digest(destination, alerts, plain=plain)

    async def notify_admin(self, destination: Destination, text: str) -> None:
        await self.inner.notify_admin(destination, text)


def _event(n: int) -> ItemEvent:
    title = f"Kabinet neemt besluit over noodwet nummer {n}"
    lead = (
        "Het kabinet heeft vrijdag een besluit genomen over de noodwet, meldt de regering in een verklaring."
    )
    item = Item(
        uid=f"bench:{n}",
        place="DEN HAAG",
        agencies=("ANP",),
        title=title,
        text=lead,
        url=f"https://news.example/{n}",
        published_at=datetime.now(UTC) - timedelta(minutes=1),
        time_label="12:57",
        content_hash=content_hash(title, lead),
        countries=("NL",),
    )
    return ItemEvent("new", "bench", item, 1)


def _setup(path: Path, chats: list[tuple[int, str]]) -> list[int]:
    now = datetime.now(UTC)
    with open_db(path) as db, transaction(db):
        subs = []
        for chat_id, _ in chats:
            key = telegram_key(chat_id)
            ensure_destination(db, key, now=now)
            subs.append(set_subscription(db, key, now=now, mode="all").id)
    return subs


def _queue(db: Any, event: ItemEvent, subs: list[int]) -> int:
    with transaction(db):
        return enqueue_alerts(db, [event], lambda e: subs, now=datetime.now(UTC)).queued


def _limits(kind: str) -> tuple[tuple[RateLimit, ...], dict[str, Any]]:
    if kind == "off":
        return (), {}
    if kind == "paid":
        return TELEGRAM_RATE_LIMITS, {"paid_broadcast": True}
    return TELEGRAM_RATE_LIMITS, {}


def _max_in_window(times: list[float], period: float = 1.0) -> int:
    times = sorted(times)
    best = start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - period:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _fanout(scenario: Scenario, folder: Path) -> FanoutResult:
    chats = _chat_ids(scenario.chats, scenario.groups)
    fake = FakeProcess(chats, flood=scenario.limits != "off")
    try:
        path = Path(tempfile.mkdtemp(dir=folder)) / "wirewatch.db"
        subs = await asyncio.to_thread(_setup, path, chats)
        limits, extra = _limits(scenario.limits)
        counting = CountingStore(path)
        async with (
            counting as store,
            Bot(TOKEN, base_url=fake.base_url, request=_request(scenario.http)) as bot,
        ):
            adapter = Counted(TelegramAdapter(bot, rate_limits=limits, **extra))
            adapter.target = len(chats)
            settings = DeliverySettings(digest_threshold=1000, max_concurrency=scenario.concurrency)
            engine = DeliveryEngine(store, [adapter], settings=settings)
            async with engine:
                await asyncio.sleep(0.2)  # the engine's first (empty) pass is over
                counting.calls = 0
                cpu = _cpu()
                started = time.monotonic()
                queued = await store.run(_queue, _event(1), subs)
                assert queued == len(chats), f"queued {queued} alerts for {len(chats)} chats"
                engine.notify()
                await asyncio.wait_for(adapter.done.wait(), WAIT)
                while (await store.run(outbox_counts))["sent"] < queued:
                    await asyncio.sleep(0.005)
                seconds = time.monotonic() - started
                cpu = _cpu() - cpu
                calls = counting.calls
        stats = fake.stats()
    finally:
        fake.close()
    arrivals = sorted(at for _, at in stats["arrivals"])
    delays = [(at - started) * 1000 for at in arrivals]
    sent = len(arrivals)
    return FanoutResult(
        scenario=scenario.name,
        chats=scenario.chats,
        sent=sent,
        seconds=round(seconds, 3),
        msg_per_s=round(sent / seconds, 1),
        cpu_ms_per_msg=round(cpu / sent * 1000, 3),
        http_429=stats["http_429"],
        paid=stats["paid"],
        max_in_1s=_max_in_window(arrivals),
        store_calls_per_msg=round(calls / sent, 2),
        latency_first_ms=round(delays[0], 1),
        latency_median_ms=round(statistics.median(delays), 1),
        latency_last_ms=round(delays[-1], 1),
    )


async def _latency(trials: int, folder: Path) -> LatencyResult:
    chats = _chat_ids(trials, 0.0)
    fake = FakeProcess(chats, flood=True)
    samples = []
    try:
        path = Path(tempfile.mkdtemp(dir=folder)) / "wirewatch.db"
        subs = await asyncio.to_thread(_setup, path, chats)
        async with (
            Store(path) as store,
            Bot(TOKEN, base_url=fake.base_url, request=_request("aiohttp")) as bot,
        ):
            adapter = Counted(TelegramAdapter(bot))
            engine = DeliveryEngine(store, [adapter])
            async with engine:
                for n in range(trials):
                    await asyncio.sleep(0.05)  # idle: the engine waits for `notify`
                    adapter.target = n + 1
                    adapter.done.clear()
                    queued_at = time.monotonic()
                    await store.run(_queue, _event(n), [subs[n]])
                    engine.notify()
                    await asyncio.wait_for(adapter.done.wait(), 30)
                    samples.append(queued_at)
        stats = fake.stats()
    finally:
        fake.close()
    arrivals = sorted(at for _, at in stats["arrivals"])
    millis = [round((at - queued) * 1000, 2) for at, queued in zip(arrivals, samples, strict=True)]
    ordered = sorted(millis)
    return LatencyResult(
        trials=trials,
        p50_ms=round(statistics.median(ordered), 2),
        p90_ms=round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        max_ms=round(ordered[-1], 2),
        samples_ms=millis,
    )


def _request(http: str) -> BaseRequest:
    """The Bot API connections as `wirewatch run` makes them (the pool of `http_requests`), or PTB's own."""
    if http == "httpx":
        return HTTPXRequest(
            connection_pool_size=POOL_SIZE, connect_timeout=30.0, read_timeout=30.0, pool_timeout=30.0
        )
    return http_requests(timeout=30.0)[0]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _scenarios(quick: bool) -> list[Scenario]:
    if quick:
        return [Scenario("limits off", 1_000, "off"), Scenario("limits on", 100, "on")]
    return [
        Scenario("limits off", 3_000, "off"),
        Scenario("limits off httpx", 3_000, "off", http="httpx"),
        Scenario("limits on", 1_000, "on"),
        Scenario("paid broadcast", 3_000, "paid"),
    ]


async def _run(quick: bool) -> tuple[list[FanoutResult], LatencyResult]:
    results = []
    with tempfile.TemporaryDirectory(prefix="wirewatch-fanout-") as tmp:
        folder = Path(tmp)
        print(
            f"{'scenario':<16} {'chats':>6} {'sent':>6} {'seconds':>8} {'msg/s':>8} {'CPU ms/msg':>10} "
            f"{'429s':>5} {'paid':>5} {'max/1s':>6} {'store/msg':>9} {'first ms':>9} {'median ms':>9} "
            f"{'last ms':>9}",
            flush=True,
        )
        for scenario in _scenarios(quick):
            result = await _fanout(scenario, folder)
            results.append(result)
            print(
                f"{result.scenario:<16} {result.chats:>6,} {result.sent:>6,} {result.seconds:>8.2f} "
                f"{result.msg_per_s:>8,.1f} {result.cpu_ms_per_msg:>10.3f} {result.http_429:>5} "
                f"{result.paid:>5} {result.max_in_1s:>6} {result.store_calls_per_msg:>9.2f} "
                f"{result.latency_first_ms:>9.1f} {result.latency_median_ms:>9.1f} {result.latency_last_ms:>9.1f}",
                flush=True,
            )
        latency = await _latency(10 if quick else 30, folder)
    print(
        f"queued -> Telegram latency, one alert to one chat with the engine idle ({latency.trials} trials): "
        f"p50 {latency.p50_ms:.1f} ms, p90 {latency.p90_ms:.1f} ms, max {latency.max_ms:.1f} ms"
    )
    return results, latency


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_fanout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 chats without limits, 100 with them")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the figures ({RESULTS})")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    results, latency = asyncio.run(_run(args.quick))
    report = {
        "benchmark": "fanout",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": _cpus(),
        },
        "unit": {
            "msg_per_s": "messages the fake accepted / seconds from the alerts' commit to the last row `sent`",
            "cpu_ms_per_msg": "the wirewatch process's user + system CPU / messages (the fake runs elsewhere)",
            "max_in_1s": "the most messages the fake accepted in any 1-second window",
            "latency_*_ms": "from the alerts' commit to the fake receiving the first / median / last message",
        },
        "fanout": [asdict(result) for result in results],
        "latency": asdict(latency),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


def _cpus() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return str(platform.machine())
    model = re.search(r"model name\s*:\s*(.+)", info)
    count = len(re.findall(r"^processor\s*:", info, re.MULTILINE))
    return f"{count} x {model.group(1).strip() if model else platform.machine()}"


if __name__ == "__main__":
    main()
