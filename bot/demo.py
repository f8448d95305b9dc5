"""`wirewatch demo`: the real scheduler, fetch, parser, tagger and SQLite diff against a local changing site.

A `LocalSite` on 127.0.0.1 serves the snapshots of `bot.demo_data`; a simulated clock moves on a few minutes
between polls so relative time labels age as they would over half an hour. Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.config import FetchSettings, SourceSettings
from bot.console import ConsoleSink
from bot.demo_data import STEPS, render_page
from bot.fetch import make_client
from bot.local_site import LocalSite
from bot.output import use_color
from bot.pipeline import Poller, PollReport
from bot.scheduler import PollScheduler
from bot.store import Store
from storage.sources import upsert_source

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
    headlines: list[str] = field(default_factory=list)


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
    sink = ConsoleSink(stream, color=use_color(stream))
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

            def show(index: int) -> None:
                step = STEPS[index]
                clock.minute += step.minutes
                if step.status != 200:
                    site.fail_next(PAGE, status=step.status)
                else:
                    site.set_page(PAGE, render_page(step, clock.minute))
                sink.note(f"step {index + 1}/{len(STEPS)} (+{step.minutes} min): {step.say}", when=clock())

            def on_report(report: PollReport) -> None:
                nonlocal step_index
                summary.polls += 1
                for event in report.events:
                    sink.emit(event)
                    if event.kind == "new":
                        summary.new += 1
                    else:
                        summary.updated += 1
                    summary.headlines.append(
                        f"{event.kind}: {event.item.place} {event.item.title or ''}".strip()
                    )
                if report.seeded:
                    summary.seeded = report.items
                    sink.note(
                        f"baseline: {report.items} items already on the page, not alerted", when=report.at
                    )
                elif report.status in ("failed", "problem"):
                    summary.failures += 1
                    sink.note(f"source problem: {report.error} (backing off)", when=report.at)
                elif not report.events:
                    summary.unchanged_polls += 1
                    what = "304 Not Modified" if report.status == "not-modified" else "no new or edited items"
                    sink.note(f"poll: {what}", when=report.at)
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
            )
            show(0)
            scheduler = PollScheduler(poller, [source], on_report)
            scheduler.start()
            try:
                await asyncio.wait_for(done.wait(), timeout=60 + interval * len(STEPS) * 3)
            finally:
                await scheduler.stop()

    elapsed = time.monotonic() - started
    sink.note(
        f"demo finished in {elapsed:.1f}s: {summary.polls} polls, {summary.new} new and {summary.updated} edited "
        f"alerts, {summary.seeded} items seeded silently, {summary.failures} failed poll(s), "
        f"{summary.unchanged_polls} quiet poll(s)",
        when=clock(),
    )
    return summary
