"""A real `wirewatch run` killed (SIGKILL) or stopped (SIGTERM) in the middle of its work, then started again on
the same database: no alert is lost, and each kill repeats at most one message per chat.

Counts come from the fake Bot API's record of the messages it accepted, never from wirewatch's own logs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.demo.site import LocalSite
from tests.fakes.telegram import FakeTelegram
from tests.reliability.support import (
    Child,
    DatabaseLock,
    assert_delivered,
    gated,
    outbox_states,
    page,
    private_chats,
    seed,
    stories,
    tags,
    tally,
    wait_delivered,
    write_config,
)

BASE = stories("base", 3)  # on the page before the child starts: never alerted


async def test_sigkill_during_a_poll_and_during_delivery_loses_nothing_and_repeats_at_most_one_per_chat(
    tmp_path: Path,
) -> None:
    """Kill 1 while the poll that finds the new items is reading the page; kill 2 while Telegram has accepted
    one message per chat that wirewatch has not recorded yet (a second connection holds the database, so the
    outcome cannot be written): the third run must send everything, repeating at most those messages."""
    fresh = stories("kd", 3)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    async with LocalSite() as site, FakeTelegram() as tg:
        chats = private_chats(tg, 1101, 8)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")], chats=chats)

        # Kill 1: the new page comes slowly (half of it, then nothing until a gate that never opens).
        site.set_stream("/wire", gated(page(fresh, BASE), asyncio.Event()))
        seen = len(site.requests)
        first = await Child.start(config, tg)
        try:
            await site.wait_for_requests(seen + 1, path="/wire", timeout=20)
            await first.kill()
        finally:
            await first.ensure_gone()
        assert tg.sent() == []

        # Kill 2: every chat got its first alert; the next one is accepted by Telegram, not yet recorded.
        site.set_page("/wire", page(fresh, BASE))
        second = await Child.start(config, tg)
        lock = DatabaseLock(db)
        try:
            await tg.wait_until(
                lambda: all(sum(tally(tg, chat, wanted).values()) >= 1 for chat in chats),
                timeout=20,
                what="the first alert in every chat",
            )
            held = tg.hold = asyncio.Event()
            await tg.wait_until(
                lambda: tg.holding == len(chats), timeout=30, what="the next alert in flight per chat"
            )
            await lock.take()
            accepted = len(tg.sent())
            held.set()
            await tg.wait_until(
                lambda: len(tg.sent()) == accepted + len(chats), what="the held alerts accepted"
            )
            await second.kill()
        finally:
            await lock.release()
            await second.ensure_gone()
        tg.hold = None
        mid_way = {chat: sum(tally(tg, chat, wanted).values()) for chat in chats}
        # Killed in mid fan-out: every chat has its held alert, not every chat has all of them.
        assert min(mid_way.values()) >= 2 and sum(mid_way.values()) < len(chats) * len(wanted), mid_way

        third = await Child.start(config, tg)
        try:
            await wait_delivered(tg, chats, wanted)
            await third.stop()
        finally:
            await third.ensure_gone()

    assert_delivered(tg, chats, wanted, repeats=2, never=tags(BASE))  # two kills: at most two per chat
    for child in (first, second, third):
        child.assert_no_crash()
    assert outbox_states(db) == {"sent": len(chats) * len(wanted)}


@pytest.mark.parametrize("api", ["answering", "holding"])
async def test_sigterm_during_fan_out_exits_0_quickly_and_the_restart_sends_the_rest(
    tmp_path: Path, api: str
) -> None:
    """`answering`: the Bot API answers at once; `holding`: the alerts sent when SIGTERM comes get no answer."""
    fresh = stories("st", 3)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    async with LocalSite() as site, FakeTelegram() as tg:
        chats = private_chats(tg, 1301, 10)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")], chats=chats)
        site.set_page("/wire", page(fresh, BASE))

        first = await Child.start(config, tg)
        try:
            await tg.wait_until(
                lambda: all(sum(tally(tg, chat, wanted).values()) >= 1 for chat in chats),
                timeout=20,
                what="the first alert in every chat",
            )
            if api == "holding":
                tg.hold = asyncio.Event()  # never set: the calls in flight at the stop get no answer
                await tg.wait_until(lambda: tg.holding >= 1, what="an alert in flight")
            took = await first.stop(within=3)
        finally:
            await first.ensure_gone()
        tg.hold = None
        before = {chat: sum(tally(tg, chat, wanted).values()) for chat in chats}
        assert sum(before.values()) < len(chats) * len(wanted)  # stopped in mid fan-out

        second = await Child.start(config, tg)
        try:
            await wait_delivered(tg, chats, wanted)
            await second.stop()
        finally:
            await second.ensure_gone()

    assert took < 3
    assert first.stdout.rstrip().endswith("stopped")
    assert_delivered(tg, chats, wanted, repeats=1, never=tags(BASE))
    first.assert_no_crash()
    second.assert_no_crash()
    assert outbox_states(db) == {"sent": len(chats) * len(wanted)}
