"""The database failing under a running wirewatch (the disk full, a lock held past the busy timeout): one log
line when it starts and one when writing works again, never a traceback, `/healthz` degraded meanwhile, and
nothing lost: the polls that could not be stored are polled again and their items arrive once.

A full disk is SQLite's own SQLITE_FULL, reached through the store's real connection by capping the file's
size (`PRAGMA max_page_count`); a lock is a second connection's `BEGIN EXCLUSIVE`."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.config import HttpSettings, SourceSettings
from bot.demo.site import LocalSite
from bot.fetch import make_client
from bot.healthcheck import HealthCheck
from bot.metrics import Metrics
from bot.pipeline import Poller, PollReport
from bot.scheduler import PollScheduler
from bot.store import Store
from storage.db import set_busy_timeout
from storage.errors import DatabaseBusy, DatabaseUnavailable, unavailable
from storage.sources import upsert_source
from tests.wirepage import SEED, wire_page

NEWS = [
    (
        f"PLAATS {chr(65 + n // 26)}{chr(65 + n % 26)} (ANP)",  # places are capitals only
        f"Bericht {n}: " + "Een lang verhaal over wat er vandaag gebeurde. " * 30,
        "5 minuten geleden",
    )
    for n in range(60)
]


def _full(db: Database) -> None:
    """Let the database grow no further than it is now, with no free page left in it."""
    db.execute("VACUUM")
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")


def _room(db: Database) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def _gauge(exposition: bytes, name: str) -> float:
    """A gauge without labels, read from `/metrics` text."""
    (value,) = [line.split()[1] for line in exposition.decode().splitlines() if line.startswith(f"{name} ")]
    return float(value)


async def _until(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


async def test_a_full_disk_is_one_line_a_degraded_health_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reports: list[PollReport] = []
    async with (
        LocalSite() as site,
        Store(tmp_path / "w.db", announce_health=True) as store,
        make_client() as client,
    ):
        site.set_page("/a", wire_page(SEED))
        source = SourceSettings(name="a", url=site.url("/a"), interval=0.2, jitter=0)
        await store.run(upsert_source, source.name, source.url, source.kind)
        poller = Poller(store=store, client=client, clock=lambda: datetime.now(UTC))
        scheduler = PollScheduler(poller, [source], reports.append)
        health = HealthCheck(
            settings=HttpSettings(),
            store=store,
            metrics=Metrics(),
            platforms={},
            scheduler_running=lambda: scheduler.running,
            clock=lambda: datetime.now(UTC),
        )
        scheduler.start()
        try:
            await _until(lambda: bool(reports), "the first poll")
            await store.run(_full)
            site.set_page("/a", wire_page([*NEWS, *SEED]))
            await _until(lambda: store.health.problem is not None, "a poll that cannot be stored")
            failing = len(reports)
            polled = sum(1 for request in site.requests if request.path == "/a")
            await site.wait_for_requests(polled + 3, path="/a")  # three more polls, that fail too
            reported_while_failing = len(reports) - failing
            degraded = await health.report()
            writable_while_full = _gauge(health.metrics.text(), "wirewatch_database_writable")
            await store.run(_room)
            await _until(lambda: any(report.new for report in reports), "the poll after")
            healthy = await health.report()
            writable_after = _gauge(health.metrics.text(), "wirewatch_database_writable")
        finally:
            await scheduler.stop()

    assert reported_while_failing == 0  # the polls that could not be stored report nothing
    (found,) = [report for report in reports if report.new]
    assert sorted(event.item.place or "" for event in found.events) == sorted(
        d.removesuffix(" (ANP)") for d, _, _ in NEWS
    )
    assert degraded["status"] == "degraded"
    assert degraded["database"] == "writes fail: the disk is full"
    assert "the database: writes fail: the disk is full" in degraded["problems"]
    assert healthy["database"] == "ok" and store.health.problem is None
    assert (writable_while_full, writable_after) == (0.0, 1.0)
    said = [record for record in caplog.records if record.name == "bot.store"]
    assert [record.levelname for record in said] == ["ERROR", "WARNING"], [r.getMessage() for r in said]
    assert "the disk is full; wirewatch waits and tries again, nothing is lost" in said[0].getMessage()
    assert "writing works again (the disk is full before)" in said[1].getMessage()
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]
    assert not noisy, [r.getMessage() for r in noisy]  # never a traceback


async def test_a_lock_held_past_the_busy_timeout_is_database_busy_then_clears(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "w.db"
    async with Store(path, announce_health=True) as store:
        await store.run(set_busy_timeout, 0.05)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseBusy) as caught:
            await store.run(upsert_source, "a", "https://example.org/a", "wire-page")
        other.execute("ROLLBACK")
        other.close()
        await store.run(upsert_source, "a", "https://example.org/a", "wire-page")

    assert caught.value.reason == "locked by another process for longer than the busy timeout"
    said = [record.getMessage() for record in caplog.records if record.name == "bot.store"]
    assert len(said) == 2 and "locked by another process" in said[0] and "works again" in said[1]


def test_only_the_databases_own_failures_count_as_unavailable(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE TABLE t (x TEXT UNIQUE)")
    db.execute("INSERT INTO t VALUES ('a')")
    failures: list[BaseException] = []
    for statement in ("SELEC 1", "INSERT INTO t VALUES ('a')", "SELECT nothing FROM t"):
        try:
            db.execute(statement)
        except sqlite3.Error as exc:
            failures.append(exc)
    assert [unavailable(exc) for exc in failures] == [None, None, None]  # bugs and constraints, not the disk

    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(sqlite3.OperationalError) as full:
        db.executemany("INSERT INTO t VALUES (?)", [(str(n) * 200,) for n in range(2000)])
    problem = unavailable(full.value)
    assert isinstance(problem, DatabaseUnavailable) and problem.reason == "the disk is full"

    read_only = sqlite3.connect(f"file:{tmp_path / 'x.db'}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("INSERT INTO t VALUES ('b')")
    problem = unavailable(refused.value)
    assert problem is not None and problem.reason == "the database (or its folder) is read-only"
