"""A real `wirewatch run` against a Bot API that fails: 5xx and 429 storms, a chat that blocked the bot, a group
that became a supergroup, the API down at boot. Counts come from the fake's record of accepted messages."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.demo.site import LocalSite
from storage.db import open_db
from storage.destinations import list_destinations
from tests.fakes.telegram import BLOCKED, FakeTelegram, FloodControl, User, migrated, retry_after
from tests.reliability.support import (
    Child,
    assert_delivered,
    free_port,
    gated,
    get_json,
    get_metrics,
    metric,
    outbox_states,
    page,
    private_chats,
    seed,
    stories,
    tags,
    tally,
    until,
    wait_delivered,
    write_config,
)

BASE = stories("base", 3)


async def test_5xx_and_429_storms_delay_alerts_but_lose_and_double_none(tmp_path: Path) -> None:
    fresh = stories("sx", 2)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    # Telegram's own limits, but only 6 messages a second over all chats (wirewatch allows itself 30).
    flood = FloodControl(per_second=6)
    async with LocalSite() as site, FakeTelegram(flood=flood) as tg:
        chats = private_chats(tg, 1501, 8)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")], chats=chats)
        site.set_page("/wire", page(fresh, BASE))
        # Every chat's first send fails: six get a server error, two a flood wait; then flood control decides.
        for code, description in ((500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Unavailable")):
            tg.fail("sendMessage", error_code=code, description=description, times=2)
        tg.fail("sendMessage", **retry_after(1), times=2)

        child = await Child.start(config, tg)
        try:
            await wait_delivered(tg, chats, wanted, timeout=30)
            await child.stop()
        finally:
            await child.ensure_gone()

    t0 = tg.calls[0].at
    print(
        [
            (round(c.at - t0, 2), c.params["chat_id"], c.error.error_code if c.error else 200)
            for c in tg.calls_to("sendMessage")
        ]
    )
    assert_delivered(tg, chats, wanted, repeats=0, never=tags(BASE))
    assert outbox_states(db) == {"sent": len(chats) * len(wanted)}
    calls = tg.calls_to("sendMessage")
    errors = [call.error.error_code for call in calls if call.error is not None]
    assert sorted(code for code in errors if code >= 500) == [500] * 2 + [502] * 2 + [503] * 2
    assert errors.count(429) == 2 + flood.refused and flood.refused > 0
    # Every flood wait was honoured: that chat's next try came no sooner than Telegram asked.
    for index, call in enumerate(calls):
        if call.error is not None and call.error.error_code == 429:
            chat = call.params["chat_id"]
            wait = call.error.parameters["retry_after"] if call.error.parameters else 0
            later = next(c for c in calls[index + 1 :] if c.params["chat_id"] == chat)
            assert later.at - call.at >= wait - 0.05, (chat, later.at - call.at, wait)
    child.assert_no_crash()
    # One line when the outage starts and one when it ends, not one per failed message.
    assert sum("unreachable" in line for line in child.err) <= 3, child.stderr


async def test_a_blocked_chat_is_switched_off_and_a_migrated_group_is_followed(tmp_path: Path) -> None:
    fresh = stories("bm", 3)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    readers = [User(2001 + n, f"Lezer{n}", language_code="nl") for n in range(6)]
    blocker = readers[2]
    editor = User(2101, "Redacteur", language_code="nl")
    group, supergroup = -5, -1005
    async with LocalSite() as site, FakeTelegram() as tg:
        tg.add_chat(group, "group", title="Redactie")
        tg.add_member(group, editor, "creator")
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")])
        # The page with the new items waits until every chat has subscribed.
        gate = asyncio.Event()
        site.set_stream("/wire", gated(page(fresh, BASE), gate))

        child = await Child.start(config, tg)
        try:
            await site.wait_for_requests(2, path="/wire", timeout=20)  # the bot is up before the first poll
            for reader in readers:
                tg.send_command(reader.id, reader, "/start")
            tg.send_command(group, editor, "/start")
            for chat in [*(r.id for r in readers), group]:
                await tg.wait_for_sent(1, chat, timeout=10)  # the welcome: subscribed
            tg.fail("sendMessage", blocker.id, **BLOCKED, times=None)
            tg.add_chat(supergroup, "supergroup", title="Redactie")
            tg.add_member(supergroup, editor, "creator")
            tg.fail("sendMessage", group, **migrated(supergroup), times=None)
            gate.set()

            receiving = [*(r.id for r in readers if r is not blocker), supergroup]
            await wait_delivered(tg, receiving, wanted)
            await tg.wait_for_call("sendMessage", chat_id=blocker.id, count=2)  # the welcome, then refused
            await child.stop()
        finally:
            gate.set()
            await child.ensure_gone()

    assert_delivered(tg, receiving, wanted, repeats=0, never=tags(BASE))
    assert_delivered(tg, [blocker.id, group], [], never=wanted)  # only their welcome, no alert
    with open_db(db) as conn:
        destinations = {d.key: d for d in list_destinations(conn, platform="telegram")}
    assert "blocked" in (destinations[f"telegram:{blocker.id}"].disabled_reason or "")
    assert destinations[f"telegram:{supergroup}"].active
    assert f"telegram:{group}" not in destinations or not destinations[f"telegram:{group}"].active
    assert all(destinations[f"telegram:{r.id}"].active for r in readers if r is not blocker)
    states = outbox_states(db)
    assert states.get("sent") == len(receiving) * len(wanted), states
    assert set(states) <= {"sent", "failed"}, states
    child.assert_no_crash()


async def test_the_bot_api_down_at_boot_does_not_stop_polling_and_the_alerts_follow(tmp_path: Path) -> None:
    fresh = stories("bo", 2)
    wanted = tags(fresh)
    db = tmp_path / "w.db"
    port = free_port()
    async with LocalSite() as site, FakeTelegram() as tg:
        chats = private_chats(tg, 1701, 4)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        url = site.url("/wire")
        config = write_config(tmp_path, tg, sources=[url], chats=chats, port=port)
        site.set_page("/wire", page(fresh, BASE))
        tg.fail("getMe", error_code=502, description="Bad Gateway", times=None)  # down until the checks below

        child = await Child.start(config, tg)
        try:
            health = await child.wait_up(port)
            assert health["platforms"] == {"telegram": "unreachable"}, health

            async def polled() -> bool:
                metrics = await get_metrics(port)
                return metric(metrics, "wirewatch_polls_total", source=url, outcome="ok") >= 1

            await until(polled, "the first poll")  # polling goes on
            # Its alerts wait in the outbox for every configured chat (or are already out, if it is back).
            health = await get_json(port, "/healthz")
            out = sum(sum(tally(tg, chat, wanted).values()) for chat in chats)
            queued = health["outbox"]["pending"].get("telegram", 0) + out
            assert queued == len(chats) * len(wanted), health

            # The API comes back; the bot tries again in the background (5 s, then 10 s): every chat gets its alerts.
            tg.clear_failures()
            await wait_delivered(tg, chats, wanted, timeout=30)
            await child.stop()
        finally:
            await child.ensure_gone()

    assert_delivered(tg, chats, wanted, repeats=0, never=tags(BASE))
    child.assert_no_crash()


async def test_a_configured_group_that_became_a_supergroup_keeps_its_alerts_after_a_restart(
    tmp_path: Path,
) -> None:
    first, second = stories("ga", 1), stories("gb", 1)
    db = tmp_path / "w.db"
    group, supergroup = -6, -1006
    async with LocalSite() as site, FakeTelegram() as tg:
        tg.add_chat(group, "group", title="Desk")
        tg.add_chat(supergroup, "supergroup", title="Desk")
        tg.fail("sendMessage", group, **migrated(supergroup), times=None)
        site.set_page("/wire", page(BASE))
        await seed(site.url("/wire"), db)
        config = write_config(tmp_path, tg, sources=[site.url("/wire")], chats=[group])

        site.set_page("/wire", page(first, BASE))
        child = await Child.start(config, tg)
        try:
            await wait_delivered(
                tg, [supergroup], tags(first)
            )  # moved, as for a group subscribed with /start
            await child.stop()
        finally:
            await child.ensure_gone()

        site.set_page("/wire", page(second, first, BASE))  # the config file still names the old id
        sends = len(tg.calls_to("sendMessage"))
        again = await Child.start(config, tg)
        try:
            await tg.wait_for_call("sendMessage", count=sends + 1, timeout=20)  # the new alert goes out
            await wait_delivered(tg, [supergroup], tags(second), timeout=3)
            await again.stop()
        finally:
            await again.ensure_gone()

    assert_delivered(tg, [supergroup], [*tags(first), *tags(second)], repeats=0, never=tags(BASE))
    child.assert_no_crash()
    again.assert_no_crash()
