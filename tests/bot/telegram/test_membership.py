"""What Telegram reports about chats: the bot removed, kicked or blocked, added back; a group upgraded."""

from __future__ import annotations

from bot.telegram.keys import telegram_key
from storage.destinations import get_destination
from storage.subscriptions import get_subscription
from tests.bot.telegram.conftest import ALICE, BOB, CHANNEL, FORUM, GROUP, Env


async def _handled(env: Env) -> None:
    await env.tg.wait_confirmed()
    # The update is confirmed when fetched; a /help round trip proves the handler before it has finished.
    await env.ask(BOB.id, BOB, "/help")


async def test_a_user_blocking_the_bot_disables_the_private_chat_with_the_reason(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    sub = await env.store.run(get_subscription, telegram_key(ALICE.id))
    assert sub is not None

    env.tg.my_chat_member(ALICE.id, "member", "kicked")
    await _handled(env)

    dest = await env.store.run(get_destination, telegram_key(ALICE.id))
    assert dest is not None and dest.disabled_reason == "the user blocked the bot"
    assert sub.id not in env.index


async def test_removing_the_bot_from_a_forum_disables_every_topic(env: Env) -> None:
    await env.ask(FORUM, None, "/start", thread=7)
    await env.ask(FORUM, None, "/start", thread=9)

    env.tg.my_chat_member(FORUM, "member", "left", by=ALICE)
    await _handled(env)

    for thread in (7, 9):
        dest = await env.store.run(get_destination, telegram_key(FORUM, thread))
        assert dest is not None
        assert dest.disabled_reason == f"the bot was removed from the chat by user {ALICE.id}"
    assert len(env.index) == 0


async def test_kicked_then_added_back_says_hello_and_start_switches_it_on(env: Env) -> None:
    await env.ask(GROUP, ALICE, "/start")
    await env.ask(GROUP, ALICE, "/keywords add iran")

    env.tg.my_chat_member(GROUP, "member", "kicked", by=ALICE)
    await _handled(env)
    dest = await env.store.run(get_destination, telegram_key(GROUP))
    assert dest is not None and dest.disabled_reason == f"the bot was kicked from the chat by user {ALICE.id}"

    before = len(env.tg.sent(GROUP))
    env.tg.my_chat_member(GROUP, "kicked", "member", by=ALICE)
    [hello] = (await env.tg.wait_for_sent(before + 1, GROUP))[before:]
    assert hello.plain == "Hallo! Een beheerder kan /start sturen om hier breaking news te krijgen."
    back = await env.ask(GROUP, ALICE, "/start")

    assert "Welkom terug" in back.plain
    sub = await env.store.run(get_subscription, telegram_key(GROUP))
    assert sub is not None and sub.include == ("iran",) and sub.id in env.index


async def test_a_channel_that_demotes_the_bot_is_disabled(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/subscribe_channel @wirewatch_nl")

    env.tg.my_chat_member(CHANNEL, "administrator", "member", by=ALICE)
    await _handled(env)

    dest = await env.store.run(get_destination, telegram_key(CHANNEL))
    assert dest is not None and dest.disabled_reason == "the bot is no longer an administrator of the channel"


async def test_a_group_upgraded_to_a_supergroup_keeps_its_subscription(env: Env) -> None:
    await env.ask(GROUP, ALICE, "/start")
    await env.ask(GROUP, ALICE, "/countries add UA")
    sub = await env.store.run(get_subscription, telegram_key(GROUP))
    assert sub is not None

    env.tg.migrate(GROUP, -1009999)
    await _handled(env)

    assert await env.store.run(get_destination, telegram_key(GROUP)) is None
    moved = await env.store.run(get_subscription, telegram_key(-1009999))
    assert moved is not None and moved.id == sub.id and moved.countries == ("UA",)
    assert sub.id in env.index
    reply = await env.ask(-1009999, ALICE, "/filters")
    assert "Landen: 🇺🇦 Oekraïne (UA)" in reply.plain
