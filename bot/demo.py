"""`wirewatch demo`: the real scheduler, fetch, parser, tagger, SQLite diff and outbox against a local site.

A `LocalSite` on 127.0.0.1 serves the snapshots of `bot.demo_data`; a simulated clock moves on a few minutes
between polls so relative time labels age as they would over half an hour. Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.adapters.console import ConsoleAdapter, ensure_console_subscription
from bot.config import FetchSettings, SourceSettings
from bot.console import StatusPrinter
from bot.delivery import DeliveryEngine
from bot.demo_data import STEPS, render_page
from bot.fetch import make_client
from bot.local_site import LocalSite
from bot.matching import MatchIndex
from bot.output import use_color
from bot.pipeline import Poller, PollReport
from bot.scheduler import PollScheduler
from bot.store import Store
from storage.sources import upsert_source
from storage.subscriptions import list_active_subscriptions

__all__ = ["DemoSummary", "run_demo"]

PAGE = "/nieuws/buitenland"


@dataclass(slots=True)
class DemoSummary:
    polls: int = 0
    new: int = 0
    updated: int = 0
    failures: int = 0
    unchanged_polls: int = 0
    seeded: int = 0
    delivered: int = 0  # messages the console adapter printed, through the outbox


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.start = start
        self.minute = 0

    def __call__(self) -> datetime:
        return self.start + timedelta(minutes=self.minute)


async def run_demo(
    *, stream: TextIO | None = None, interval: float = 1.0, db_dir: str | None = None
) -> DemoSummary:
    """Play every step of the demo story, printing alerts as they arrive; return what happened."""
    stream = stream or sys.stdout
    color = use_color(stream)
    status = StatusPrinter(stream, color=color)
    summary = DemoSummary()
    clock = _Clock(datetime.now(UTC).replace(second=0, microsecond=0))
    started = time.monotonic()
    done = asyncio.Event()
    step_index = 0

    with tempfile.TemporaryDirectory(prefix="wirewatch-demo-", dir=db_dir) as tmp:
        db_path = str(Path(tmp) / "demo.db")
        async with LocalSite() as site, Store(db_path) as store, make_client(read_timeout=5) as client:
            source = SourceSettings(
                name="zeelandnet-demo", url=site.url(PAGE), kind="wire-page", interval=interval, jitter=0
            )
            await store.run(upsert_source, source.name, source.url, source.kind)
            await store.run(ensure_console_subscription, now=clock())
            index = MatchIndex(await store.run(list_active_subscriptions))
            engine = DeliveryEngine(store, [ConsoleAdapter(stream, color=color)], clock=clock)

            def show(index: int) -> None:
                step = STEPS[index]
                clock.minute += step.minutes
                if step.status != 200:
                    site.fail_next(PAGE, status=step.status)
                else:
                    site.set_page(PAGE, render_page(step, clock.minute))
                status.note(f"step {index + 1}/{len(STEPS)} (+{step.minutes} min): {step.say}", when=clock())

            async def on_report(report: PollReport) -> None:
                nonlocal step_index
                summary.polls += 1
                summary.new += sum(1 for e in report.events if e.kind == "new")
                summary.updated += sum(1 for e in report.events if e.kind == "updated")
                if report.queued:
                    summary.delivered += (await engine.deliver_due()).messages
                if report.seeded:
                    summary.seeded = report.items
                    status.note(
                        f"baseline: {report.items} items already on the page, not alerted", when=report.at
                    )
                elif report.status in ("failed", "problem"):
                    summary.failures += 1
                    status.note(f"source problem: {report.error} (backing off)", when=report.at)
                elif not report.events:
                    summary.unchanged_polls += 1
                    what = "304 Not Modified" if report.status == "not-modified" else "no new or edited items"
                    status.note(f"poll: {what}", when=report.at)
                step_index += 1
                if step_index < len(STEPS):
                    show(step_index)
                else:
                    done.set()

            poller = Poller(
                store=store,
                client=client,
                clock=clock,
                fetch_settings=FetchSettings(backoff_base=20, backoff_max=60),
                index=index,
            )
            show(0)
            scheduler = PollScheduler(poller, [source], on_report)
            scheduler.start()
            try:
                await asyncio.wait_for(done.wait(), timeout=60 + interval * len(STEPS) * 3)
            finally:
                await scheduler.stop()

    elapsed = time.monotonic() - started
    status.note(
        f"demo finished in {elapsed:.1f}s: {summary.polls} polls found {summary.new} new and {summary.updated} "
        f"edited items ({summary.seeded} seeded silently first); {summary.delivered} alerts delivered through "
        f"the outbox; {summary.failures} failed poll(s), {summary.unchanged_polls} quiet poll(s)",
        when=clock(),
    )
    return summary
