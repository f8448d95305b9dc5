"""A real `wirewatch run` whose pages fail in every way a site fails, then recover: each failure is reported
once, nothing is lost, and what was already seen is not alerted again."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from pathlib import Path

import pytest

from bot.demo.site import LocalSite
from tests.bot.run_support import start_run
from tests.fakes.telegram import FakeTelegram
from tests.reliability.support import (
    Child,
    assert_delivered,
    free_port,
    get_json,
    get_metrics,
    metric,
    outbox_states,
    page,
    seed,
    stories,
    tags,
    wait_delivered,
    write_config,
)
from tests.wirepage import slow_feed

# Raw bytes: not HTTP at all when written to the socket, and not a page when served as one.
GARBAGE = bytes(range(256)) * 16
FAILURES = ("500", "timeout", "garbage", "not-http", "empty", "dropped")


async def test_page_500s_timeouts_garbage_and_empty_bodies_then_recovery(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    port = free_port()
    letters = {kind: f"f{chr(ord('a') + n)}" for n, kind in enumerate(FAILURES)}  # fa, fb, ...
    old = {kind: stories(f"{letters[kind]}old", 2) for kind in FAILURES}
    new = {kind: stories(f"{letters[kind]}new", 1) for kind in FAILURES}
    # Telegram allows one message a second per chat, so each alert costs a chat a second: each pair of chats
    # follows two sources, by keyword (`fa*` matches the old items of `fa` too, should they come again).
    follows = {1401 + n: FAILURES[n // 2 * 2 : n // 2 * 2 + 2] for n in range(6)}
    chats = list(follows)
    keywords = {chat: [f"{letters[kind]}*" for kind in kinds] for chat, kinds in follows.items()}
    wanted = {chat: [tag for kind in kinds for tag in tags(new[kind])] for chat, kinds in follows.items()}
    never = [tag for kind in FAILURES for tag in tags(old[kind])]
    async with LocalSite() as site, FakeTelegram() as tg:
        for chat in chats:
            tg.add_chat(chat, "private", first_name=f"Lezer {chat}")
        urls = {kind: site.url(f"/{kind}") for kind in FAILURES}
        for kind in FAILURES:
            site.set_page(f"/{kind}", page(old[kind]))
            await seed(urls[kind], db)
        config = write_config(
            tmp_path,
            tg,
            sources=list(urls.values()),
            chats=chats,
            keywords=keywords,
            port=port,
            read_timeout=2,
        )

        # The next poll of each fails its own way; the one after it finds the new items.
        for kind in FAILURES:
            site.set_page(f"/{kind}", page(new[kind], old[kind]))
        site.fail_next("/500", status=500)
        site.fail_next("/timeout", delay=5)  # read_timeout = 2
        site.set_page("/garbage", GARBAGE, content_type="text/html; charset=utf-8")
        site.set_raw("/not-http", GARBAGE)
        site.fail_next("/empty", status=200)
        site.fail_next("/dropped", drop=True)
        seen = {kind: sum(1 for r in site.requests if r.path == f"/{kind}") for kind in FAILURES}

        child = await Child.start(config, tg)
        try:
            for kind in ("garbage", "not-http"):
                await site.wait_for_requests(seen[kind] + 1, path=f"/{kind}", timeout=20)
                site.set_page(f"/{kind}", page(new[kind], old[kind]))
            failed = {
                kind: await child.wait_for_line(rf"^\S+ {re.escape(urls[kind])}: ", stream="out")
                for kind in FAILURES
            }
            health = await get_json(port, "/healthz")
            for chat in chats:  # at the next poll, 10 s later
                await wait_delivered(tg, [chat], wanted[chat], timeout=30)
            recovered = await get_json(port, "/healthz")
            metrics = await get_metrics(port)
            await child.stop()
        finally:
            await child.ensure_gone()

    for chat in chats:
        assert_delivered(tg, [chat], wanted[chat], repeats=0, never=never)
    assert outbox_states(db) == {"sent": sum(len(tags) for tags in wanted.values())}
    child.assert_no_crash()
    for kind in FAILURES:
        url = urls[kind]
        # Reported: one status line per failure, in /healthz while it lasts, and in /metrics.
        lines = [line for line in child.out if f" {url}: " in line]
        assert lines == [failed[kind]], (kind, lines)
        assert "next try in" in failed[kind]
        assert health["sources"][url]["failures_in_a_row"] == 1, (kind, health)
        assert health["sources"][url]["last_error"], (kind, health)
        assert recovered["sources"][url]["failures_in_a_row"] == 0, (kind, recovered)
        bad = metric(metrics, "wirewatch_polls_total", source=url, outcome="failed")
        bad += metric(metrics, "wirewatch_polls_total", source=url, outcome="problem")
        assert bad == 1, (kind, bad)
        assert metric(metrics, "wirewatch_polls_total", source=url, outcome="ok") >= 1, kind
        # The default log stays quiet about a single failure (the status line says it); never a traceback.
        assert sum(url in line for line in child.err) <= 1, child.stderr


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
async def test_ctrl_c_while_a_feed_is_being_read_stops_at_once(tmp_path: Path, signal_name: str) -> None:
    """feedparser reads this feed for 20 s or more in one call, where no deadline reaches. Ctrl+C (or a service
    manager's SIGTERM) in the middle stops wirewatch at once: the read's thread is not waited for."""
    async with LocalSite() as site:
        site.set_page("/feed", slow_feed(400_000), content_type="application/rss+xml")
        config = tmp_path / "config.toml"
        config.write_text(
            '[storage]\npath = "w.db"\n[fetch]\nparse_timeout = 60\n'
            f'[[sources]]\nname = "slow-feed"\nurl = "{site.url("/feed")}"\nkind = "feed"\ninterval = 60\n',
            encoding="utf-8",
        )
        child = Child(await start_run(config, {"NO_COLOR": "1"}))
        try:
            await site.wait_for_requests(1, path="/feed", timeout=20)
            await asyncio.sleep(1)  # the body is in, and feedparser is at it
            started = time.monotonic()
            child.proc.send_signal(getattr(signal, signal_name))
            code = await child.exited(timeout=10)
            took = time.monotonic() - started
        finally:
            await child.ensure_gone()

    assert code == 0, child.stderr
    assert took < 5, f"took {took:.1f}s to stop"
    assert child.stdout.rstrip().endswith("stopped")
    assert "slow-feed" not in child.stdout  # no failure reported: the poll was stopped, not failed
    child.assert_no_crash()
