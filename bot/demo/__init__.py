"""`wirewatch demo`: `bot.app.run_forever` itself (scheduler, fetch, parser, tagger, SQLite diff, outbox, console)
against a local site whose page changes over simulated time.

A `LocalSite` (`site`) on 127.0.0.1 serves the snapshots of `story`; the demo's clock moves on a few minutes
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

from bot.adapters.console import ConsoleAdapter
from bot.app import Running, run_forever
from bot.config import ConsoleSettings, FetchSettings, Settings, SourceSettings, StorageSettings
from bot.demo.site import LocalSite
from bot.demo.story import STEPS, render_page
from bot.pipeline import PollReport
from bot.status_printer import StatusPrinter, use_color

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


class DemoClock:
    """The demo's time: a fixed start plus the minutes the story has moved on."""

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
    status = StatusPrinter(stream, color=use_color(stream))
    summary = DemoSummary()
    clock = DemoClock(datetime.now(UTC).replace(second=0, microsecond=0))
    started = time.monotonic()
    done = asyncio.Event()
    step_index = 0

    with tempfile.TemporaryDirectory(prefix="wirewatch-demo-", dir=db_dir) as tmp:
        async with LocalSite() as site:

            def show(index: int) -> None:
                step = STEPS[index]
                clock.minute += step.minutes
                if step.status == 304:
                    pass  # the page is left as it was: the site answers the conditional GET with 304
                elif step.status != 200:
                    site.fail_next(PAGE, status=step.status)
                else:
                    site.set_page(PAGE, render_page(step, clock.minute))
                status.note(f"step {index + 1}/{len(STEPS)} (+{step.minutes} min): {step.say}", when=clock())

            async def on_report(report: PollReport, running: Running) -> None:
                nonlocal step_index
                summary.polls += 1
                summary.new += sum(1 for e in report.events if e.kind == "new")
                summary.updated += sum(1 for e in report.events if e.kind == "updated")
                if report.queued:
                    await running.engine.deliver_due()  # the alerts print before the next step is told
                summary.delivered = sum(a.count for a in running.adapters if isinstance(a, ConsoleAdapter))
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

            settings = Settings(
                storage=StorageSettings(path=str(Path(tmp) / "demo.db")),
                fetch=FetchSettings(backoff_base=20, backoff_max=60, read_timeout=5),
                console=ConsoleSettings(enabled=True),
                sources=(
                    SourceSettings(
                        name="zeelandnet-demo",
                        url=site.url(PAGE),
                        kind="wire-page",
                        interval=interval,
                        jitter=0,
                    ),
                ),
            )
            show(0)
            stop = asyncio.Event()
            run = asyncio.ensure_future(
                run_forever(settings, stream=stream, stop=stop, clock=clock, on_report=on_report)
            )
            waiter = asyncio.ensure_future(done.wait())
            try:
                await asyncio.wait(
                    {run, waiter}, timeout=60 + interval * len(STEPS) * 3, return_when="FIRST_COMPLETED"
                )
            finally:
                stop.set()
                waiter.cancel()
                await run

    elapsed = time.monotonic() - started
    status.note(
        f"demo finished in {elapsed:.1f}s: {summary.polls} polls found {summary.new} new and {summary.updated} "
        f"edited items ({summary.seeded} seeded silently first); {summary.delivered} alerts delivered through "
        f"the outbox; {summary.failures} failed poll(s), {summary.unchanged_polls} quiet poll(s)",
        when=clock(),
    )
    return summary
