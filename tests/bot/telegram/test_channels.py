"""Channels: an administrator subscribes one from a private chat, and manages it there by naming it."""

from __future__ import annotations

import pytest

from bot.telegram.keys import telegram_key
from storage.destinations import get_destination
from storage.subscriptions import get_subscription
from tests.bot.telegram.conftest import ALICE, BOB, CHANNEL, GROUP, Env

CHANNEL_KEY = telegram_key(CHANNEL)


async def test_an_admin_subscribes_a_channel_from_a_private_chat(env: Env) -> None:
    reply = await env.ask(ALICE.id, ALICE, "/subscribe_channel @wirewatch_nl")

    dest = await env.store.run(get_destination, CHANNEL_KEY)
    sub = await env.store.run(get_subscription, CHANNEL_KEY)
    assert dest is not None and dest.created_by == f"telegram:user:{ALICE.id}"
    assert sub is not None and sub.id in env.index
    assert reply.plain.startswith("✅ @wirewatch_nl krijgt nu alerts.")
    assert "/keywords @wirewatch_nl add iran" in reply.plain
    checked = {(c.method, c.params.get("user_id")) for c in env.tg.calls_to("getChatMember")}
    assert {("getChatMember", ALICE.id), ("getChatMember", env.tg.bot.id)} <= checked
    again = await env.ask(ALICE.id, ALICE, f"/subscribe_channel {CHANNEL}")
    assert "krijgt al alerts" in again.plain


async def test_the_channel_is_managed_by_naming_it(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/subscribe_channel @wirewatch_nl")

    added = await env.ask(ALICE.id, ALICE, "/keywords @wirewatch_nl add iran")
    mode = await env.ask(ALICE.id, ALICE, "/mode @wirewatch_nl all")
    shown = await env.ask(ALICE.id, ALICE, "/filters @WIREWATCH_NL")

    sub = await env.store.run(get_subscription, CHANNEL_KEY)
    assert sub is not None and (sub.include, sub.mode) == (("iran",), "all")
    assert added.plain.splitlines()[0] == "📢 @wirewatch_nl"
    assert "Toegevoegd: iran" in added.plain and "Modus alles" in mode.plain
    assert "Trefwoorden: iran" in shown.plain
    assert await env.store.run(get_subscription, telegram_key(ALICE.id)) is None  # her own chat is untouched

    question = await env.ask(ALICE.id, ALICE, "/stop @wirewatch_nl")
    env.tg.press_button(ALICE.id, ALICE, question.message_id, question.buttons[0][0]["callback_data"])
    await env.tg.wait_for_edits(1, ALICE.id)
    dest = await env.store.run(get_destination, CHANNEL_KEY)
    assert dest is not None and dest.disabled_reason is not None and sub.id not in env.index


async def test_a_member_who_is_no_admin_cannot_subscribe_or_manage_the_channel(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/subscribe_channel @wirewatch_nl")

    subscribe = await env.ask(BOB.id, BOB, "/subscribe_channel @wirewatch_nl")
    manage = await env.ask(BOB.id, BOB, "/keywords @wirewatch_nl add football")

    expected = "Sorry, you are not an administrator of @wirewatch_nl, so you cannot set it up."
    assert subscribe.plain == manage.plain == expected
    sub = await env.store.run(get_subscription, CHANNEL_KEY)
    assert sub is not None and sub.include == ()


@pytest.mark.parametrize(
    ("setup", "command", "expected"),
    [
        ("none", "/subscribe_channel @nergens", "Ik kan @nergens niet vinden."),
        ("bot-member", "/subscribe_channel @wirewatch_nl", "Ik mag nog niet posten in @wirewatch_nl."),
        ("no-post-right", "/subscribe_channel @wirewatch_nl", "Ik mag nog niet posten in @wirewatch_nl."),
        ("public-group", "/subscribe_channel @buurtgroep", "@buurtgroep is geen kanaal."),
    ],
)
async def test_channel_checks(env: Env, setup: str, command: str, expected: str) -> None:
    if setup == "bot-member":
        env.tg.add_member(CHANNEL, env.tg.bot, "member")
    elif setup == "no-post-right":
        env.tg.add_member(CHANNEL, env.tg.bot, "administrator", rights={"can_post_messages": False})
    elif setup == "public-group":
        env.tg.add_chat(-1005555, "supergroup", title="Buurtgroep", username="buurtgroep")
        env.tg.add_member(-1005555, ALICE, "creator")

    reply = await env.ask(ALICE.id, ALICE, command)

    assert reply.plain.startswith(expected)
    assert await env.store.run(get_destination, CHANNEL_KEY) is None


async def test_subscribe_channel_works_only_in_private(env: Env) -> None:
    reply = await env.ask(GROUP, ALICE, "/subscribe_channel @wirewatch_nl")

    assert reply.plain == "Dit commando werkt in een privégesprek met mij."
    assert await env.store.run(get_destination, CHANNEL_KEY) is None
