"""The polling pipeline end to end: a real local HTTP site, the real fetcher, parser and a real SQLite file."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import FetchSettings, SourceSettings
from bot.demo.site import LocalSite
from bot.fetch import make_client
from bot.pipeline import Poller, PollReport
from bot.reading import PageReader
from bot.store import Store
from storage.items import load_items
from storage.sources import upsert_source
from tests.wirepage import KYIV, OTTAWA, SEED, TOKIO, slow_feed, wire_page

PATH = "/nieuws/buitenland"


@dataclass
class Rig:
    site: LocalSite
    db_path: Path
    source: SourceSettings
    clock: Callable[[], datetime]
    minutes: list[int]

    def advance(self, minutes: int) -> None:
        self.minutes[0] += minutes

    async def poll(
        self, *, baseline: bool = True, read_timeout: float = 5.0, max_bytes: int = 5_000_000
    ) -> PollReport:
        # A fresh Store and client each poll, as after a process restart: nothing is remembered in memory.
        async with Store(self.db_path) as store, make_client(read_timeout=read_timeout) as client:
            await store.run(upsert_source, self.source.name, self.source.url, self.source.kind)
            poller = Poller(
                store=store,
                client=client,
                clock=self.clock,
                fetch_settings=FetchSettings(max_bytes=max_bytes),
            )
            return await poller.poll(self.source, baseline=baseline)


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    minutes = [0]
    async with LocalSite() as site:
        source = SourceSettings(name="zeelandnet", url=site.url(PATH), kind="wire-page")
        yield Rig(site, tmp_path / "w.db", source, lambda: start + timedelta(minutes=minutes[0]), minutes)


def places(report: PollReport) -> list[tuple[str, str | None]]:
    return [(e.kind, e.item.place) for e in report.events]


async def test_first_poll_seeds_silently_then_reports_one_new_item(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    first = await rig.poll()
    assert first.status == "ok"
    assert first.seeded
    assert first.items == 3
    assert first.events == ()

    rig.advance(3)
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    second = await rig.poll()
    assert places(second) == [("new", "KYIV")]
    assert second.events[0].item.agencies == ("ANP", "RTR")
    assert "UA" in second.events[0].item.countries


async def test_no_baseline_reports_everything_on_the_first_poll(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    report = await rig.poll(baseline=False)
    assert places(report) == [("new", "WASHINGTON"), ("new", "MEITAR"), ("new", "BRUSSEL")]


async def test_several_new_items_at_once_in_page_order(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    rig.site.set_page(PATH, wire_page([OTTAWA, TOKIO, KYIV, *SEED]))
    report = await rig.poll()
    assert places(report) == [("new", "OTTAWA"), ("new", "TOKIO"), ("new", "KYIV")]


async def test_an_edit_is_reported_once_as_updated(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    await rig.poll()
    edited = (KYIV[0], KYIV[1] + " Het dodental is opgelopen tot zeven.", KYIV[2])
    rig.site.set_page(PATH, wire_page([edited, *SEED]))
    report = await rig.poll()
    assert places(report) == [("updated", "KYIV")]
    assert report.events[0].version == 2
    assert report.events[0].item.text.endswith("opgelopen tot zeven.")
    again = await rig.poll()
    assert again.events == ()


async def test_reorder_whitespace_and_ageing_labels_are_not_news(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    await rig.poll()
    rig.advance(70)
    aged = [(d, lead, "1 uur geleden") for d, lead, _ in [SEED[2], KYIV, SEED[0], SEED[1]]]
    rig.site.set_page(PATH, wire_page(aged, messy=True))
    report = await rig.poll()
    assert report.status == "ok"
    assert report.events == ()
    assert report.items == 4


async def test_items_dropping_off_and_coming_back_are_not_news(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    await rig.poll()
    rig.site.set_page(PATH, wire_page(SEED[:1]))
    assert (await rig.poll()).events == ()
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    assert (await rig.poll()).events == ()


async def test_an_empty_page_is_a_source_problem_not_a_reset(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    rig.site.set_page(PATH, "<html><body><p>Onderhoud</p></body></html>")
    problem = await rig.poll()
    assert problem.status == "problem"
    assert problem.error
    assert problem.retry_in and problem.retry_in > 0
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    report = await rig.poll()
    assert places(report) == [("new", "KYIV")]


async def test_a_server_error_changes_nothing_and_backs_off(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    rig.site.fail_next(PATH, status=500)
    failed = await rig.poll()
    assert failed.status == "failed"
    assert "500" in (failed.error or "")
    assert failed.retry_in and failed.retry_in > 0
    rig.site.fail_next(PATH, status=503)
    failed_again = await rig.poll()
    assert failed_again.status == "failed"
    rig.site.set_page(PATH, wire_page([TOKIO, *SEED]))
    report = await rig.poll()
    assert places(report) == [("new", "TOKIO")]


async def test_a_timeout_is_a_failure(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    rig.site.fail_next(PATH, delay=2.0)
    report = await rig.poll(read_timeout=0.3)
    assert report.status == "failed"
    assert "tim" in (report.error or "").lower()


async def test_an_unchanged_page_is_fetched_conditionally(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    report = await rig.poll()
    assert report.status == "not-modified"
    last = rig.site.requests[-1]
    assert last.headers.get("If-None-Match")


async def test_a_redirect_is_followed_and_links_resolve_against_the_final_url(rig: Rig) -> None:
    page = [(KYIV[0], KYIV[1], KYIV[2], "Doden in Kyiv", "kyiv-aanval"), *SEED]
    rig.site.set_page("/nieuws/v2/buitenland", wire_page(page))
    rig.site.redirect(PATH, "/nieuws/v2/buitenland")
    report = await rig.poll(baseline=False)
    assert report.status == "ok"
    kyiv = report.events[0].item
    assert kyiv.url == rig.site.url("/nieuws/v2/kyiv-aanval")
    assert kyiv.title == "Doden in Kyiv"


async def test_a_huge_body_is_refused_and_changes_nothing(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    huge = wire_page([KYIV, *SEED]) + "<!--" + "x" * (20 * 1024 * 1024) + "-->"
    rig.site.set_page(PATH, huge)
    report = await rig.poll(max_bytes=5 * 1024 * 1024)
    assert report.status == "failed"
    async with Store(rig.db_path) as store:
        stored = await store.run(load_items, "zeelandnet")
    assert sorted(i.place or "" for i in stored) == ["BRUSSEL", "MEITAR", "WASHINGTON"]


async def test_restart_between_polls_reports_nothing_twice(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page(SEED))
    await rig.poll()
    rig.site.set_page(PATH, wire_page([KYIV, *SEED]))
    first = await rig.poll()
    second_process = await rig.poll()
    assert places(first) == [("new", "KYIV")]
    assert second_process.events == ()


async def test_a_page_over_its_parse_budget_is_a_failed_poll_not_a_frozen_loop(tmp_path: Path) -> None:
    """The parse runs in a worker thread within `[fetch] parse_timeout`; the event loop keeps turning."""
    entries = [
        (
            f"PLAATS{i} (ANP)",
            f"Bericht nummer {i} over de gebeurtenissen van vandaag.",
            f"{i % 50 + 1} minuten geleden",
        )
        for i in range(3000)
    ]
    async with LocalSite() as site, Store(tmp_path / "w.db") as store, make_client() as client:
        site.set_page(PATH, wire_page(entries))
        source = SourceSettings(name="big", url=site.url(PATH), kind="wire-page")
        await store.run(upsert_source, source.name, source.url, source.kind)
        poller = Poller(
            store=store,
            client=client,
            clock=lambda: datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
            fetch_settings=FetchSettings(parse_timeout=0.001),
        )
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.ensure_future(ticking())
        try:
            report = await poller.poll(source)
        finally:
            ticker.cancel()
    assert report.status == "failed" and report.error is not None
    assert "reading the page took more than 0.001s" in report.error
    assert ticks > 1  # the loop ran other work while the page was being read


async def test_a_feed_that_keeps_its_library_busy_is_given_up_at_its_budget(tmp_path: Path) -> None:
    """feedparser reads a feed in one call, where no deadline reaches (this one takes it a second or more): the
    poll stops waiting at the budget, and the source is not read again while that read still runs."""
    feed = slow_feed(40_000)
    reader = PageReader(grace=0.05)
    async with LocalSite() as site, Store(tmp_path / "w.db") as store, make_client() as client:
        site.set_page("/feed", feed, content_type="application/rss+xml")
        source = SourceSettings(name="slow-feed", url=site.url("/feed"), kind="feed")
        await store.run(upsert_source, source.name, source.url, source.kind)
        poller = Poller(
            store=store,
            client=client,
            clock=lambda: datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
            fetch_settings=FetchSettings(parse_timeout=0.05),
            reader=reader,
        )
        first = await poller.poll(source)
        still_reading = reader.busy(source.name)
        second = await poller.poll(source)
        for _ in range(600):  # let the abandoned read end before the next test
            if not reader.busy(source.name):
                break
            await asyncio.sleep(0.05)
    assert first.status == "failed" and first.error is not None
    assert "reading the page took more than 0.05s (gave up waiting for it)" in first.error
    assert still_reading
    assert second.status == "failed" and second.error is not None
    assert "still being read" in second.error


async def test_a_page_nested_past_any_browsers_limit_is_a_failed_poll_at_once(rig: Rig) -> None:
    """Lexbor would spend minutes in C on 100,000 nested divs, where no deadline reaches; the page is refused
    before it reads it, as the source's problem, and the source's next good page is read as usual."""
    rig.site.set_page(PATH, "<html><body>" + "<div>x " * 100_000 + "</body></html>")
    report = await rig.poll()
    assert report.status == "failed" and report.error is not None
    assert "cannot read the page: the page nests its block elements more than 512 deep" in report.error

    rig.site.set_page(PATH, wire_page(SEED))
    assert (await rig.poll(baseline=False)).status == "ok"


async def test_clock_labels_are_read_in_the_sources_time_zone(rig: Rig) -> None:
    rig.site.set_page(PATH, wire_page([("KYIV (ANP)", "Raketten treffen de hoofdstad.", "11:30"), *SEED]))
    for zone, expected in (("Europe/Amsterdam", 10), ("UTC", 11), ("America/New_York", 16)):
        rig.source = dataclasses.replace(rig.source, name=f"z-{zone}", timezone=zone)
        report = await rig.poll(baseline=False)
        (kyiv,) = [e.item for e in report.events if e.item.place == "KYIV"]
        assert kyiv.published_at is not None and kyiv.published_at.hour == expected % 24, zone
