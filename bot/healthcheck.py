"""What `GET /healthz` and `GET /metrics` answer: wirewatch's health now, and its Prometheus metrics.

`/healthz` is 200 `{"status": "ok", ...}` when the scheduler runs, the database answers (and its last write
worked), and every chat platform that runs is connected; else 503 `{"status": "degraded", "problems": [...],
...}`, also when a source failed `[http] source_failures` polls in a row or an alert has waited longer than
`[http] stale_after` seconds for a destination that can receive it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.config import HttpSettings
from bot.metrics import CONTENT_TYPE, Metrics, OutboxGauges
from bot.platforms import PlatformRuntime
from bot.store import Store
from parsers.models import iso_utc
from storage.health import Backlog, outbox_backlog, ping
from storage.sources import list_sources

__all__ = ["DB_TIMEOUT", "HealthCheck"]

DB_TIMEOUT = 5.0  # seconds the database may take to answer a health check


class HealthCheck:
    """Answers `/healthz` and `/metrics` from the running parts."""

    def __init__(
        self,
        *,
        settings: HttpSettings,
        store: Store,
        metrics: Metrics,
        platforms: Mapping[str, PlatformRuntime],
        scheduler_running: Callable[[], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.store = store
        self.metrics = metrics
        self.platforms = platforms
        self.scheduler_running = scheduler_running
        self.clock = clock
        self._gauges = OutboxGauges()
        metrics.watch_outbox(lambda: self._gauges)
        metrics.watch_database(lambda: store.health.problem is None)

    async def report(self) -> dict[str, Any]:
        """The health document; `status` is "ok" or "degraded", `problems` says why."""
        problems: list[str] = []
        now = self.clock()
        running = self.scheduler_running()
        if not running:
            problems.append("the scheduler is not running")
        backlog: Backlog | None = None
        sources: dict[str, Any] = {}
        try:
            alive, backlog, states = await asyncio.wait_for(self._read(), DB_TIMEOUT)
            database = "ok" if alive else "not answering"
        except TimeoutError:
            database, states = f"no answer within {DB_TIMEOUT:g}s", []
        except Exception as exc:  # a database that fails is what this check is for
            database, states = f"{type(exc).__name__}: {exc}", []
        if database == "ok" and self.store.health.problem is not None:
            database = f"writes fail: {self.store.health.problem}"
        if database != "ok":
            problems.append(f"the database: {database}")
        for state in states:
            sources[state.name] = {
                "failures_in_a_row": state.consecutive_failures,
                "last_success": iso_utc(state.last_success_at),
                "last_error": state.last_error,
            }
            if state.consecutive_failures >= self.settings.source_failures:
                problems.append(
                    f"source {state.name} failed {state.consecutive_failures} polls in a row: {state.last_error}"
                )
        platforms = {
            name: ("connected" if rt.connected else "unreachable") for name, rt in self.platforms.items()
        }
        problems += [f"{name} is unreachable" for name, state in platforms.items() if state != "connected"]
        outbox: dict[str, Any] = {}
        if backlog is not None:
            age = 0.0 if backlog.oldest is None else max(0.0, (now - backlog.oldest).total_seconds())
            outbox = {"pending": backlog.pending, "oldest_pending_seconds": round(age, 1)}
            if age > self.settings.stale_after:
                problems.append(f"an alert has waited {age:.0f}s (more than {self.settings.stale_after:g}s)")
        return {
            "status": "degraded" if problems else "ok",
            "problems": problems,
            "scheduler": "running" if running else "stopped",
            "database": database,
            "platforms": platforms,
            "sources": sources,
            "outbox": outbox,
            "time": iso_utc(now),
        }

    async def _read(self) -> tuple[bool, Backlog, list[Any]]:
        alive = await self.store.run(ping)
        backlog = await self.store.run(outbox_backlog)
        states = await self.store.run(list_sources)
        return alive, backlog, states

    async def healthz(self, request: web.Request) -> web.Response:
        document = await self.report()
        return web.json_response(document, status=200 if document["status"] == "ok" else 503)

    async def metrics_text(self, request: web.Request) -> web.Response:
        try:
            backlog = await asyncio.wait_for(self.store.run(outbox_backlog), DB_TIMEOUT)
        except Exception:  # the gauges keep their last values; the counters are still worth a scrape
            backlog = None
        if backlog is not None:
            now = self.clock()
            age = 0.0 if backlog.oldest is None else max(0.0, (now - backlog.oldest).total_seconds())
            self._gauges = OutboxGauges(dict(backlog.pending), age)
        return web.Response(body=self.metrics.text(), headers={"Content-Type": CONTENT_TYPE})
