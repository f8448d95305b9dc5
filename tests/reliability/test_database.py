"""A real `wirewatch run` whose database another process locks for longer than the busy timeout (10 s) while
the alerts of a fan-out are in flight: once the lock goes, everything is delivered exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.demo.site import LocalSite
from storage.db import BUSY_TIMEOUT_SECONDS
from tests.fakes.telegram import FakeTelegram
from tests.reliability.support import (
    Child,
    DatabaseLock,
    assert_delivered,
    outbox_states,
    page,
    private_chats,
    seed,
    stories,
    tags,
    wait_delivered,
    write_config,
)

BASE = stories("base", 3)


async def test_a_database_locked_past_the_busy_timeout_during_fan_out_delays_but_loses_nothing(
    tmp_path: Path,
) -> None:
    fresh = stories("db", 2)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    async with LocalSite() as site, FakeTelegram() as tg:
        chats = private_chats(tg, 1601, 8)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")], chats=chats)
        site.set_page("/wire", page(fresh, BASE))

        held = tg.hold = asyncio.Event()
        child = await Child.start(config, tg)
        lock = DatabaseLock(db)
        try:
            await tg.wait_until(
                lambda: tg.holding == len(chats), timeout=20, what="an alert in flight per chat"
            )
            await lock.take()  # BEGIN EXCLUSIVE from a second connection
            locked_at = asyncio.get_running_loop().time()
            held.set()  # Telegram accepts the messages; wirewatch cannot write that it sent them
            await tg.wait_until(lambda: len(tg.sent()) == len(chats), what="the first alerts accepted")
            # The write gave up after the busy timeout; the lock is still held.
            await child.wait_for_line(r"could not record the outcome", timeout=BUSY_TIMEOUT_SECONDS + 10)
            locked_for = asyncio.get_running_loop().time() - locked_at
            assert len(tg.sent()) == len(chats)  # nothing more went out meanwhile
            await lock.release()
            await wait_delivered(tg, chats, wanted)
            await child.stop()
        finally:
            await lock.release()
            await child.ensure_gone()

    assert locked_for > BUSY_TIMEOUT_SECONDS
    assert_delivered(tg, chats, wanted, repeats=0, never=tags(BASE))
    assert outbox_states(db) == {"sent": len(chats) * len(wanted)}
    child.assert_no_crash()
    # The database's state is told once each way, whichever writes met the lock (outcomes, claims, a poll).
    told = [line.split(" bot.store: ", 1)[1] for line in child.err if " bot.store: " in line]
    assert len(told) == 2, child.stderr
    assert told[0].endswith(
        ": locked by another process for longer than the busy timeout; wirewatch waits and "
        "tries again, nothing is lost"
    )
    assert told[1].endswith(
        ": writing works again (locked by another process for longer than the busy timeout before)"
    )
