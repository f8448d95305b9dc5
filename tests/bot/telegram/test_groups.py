"""Groups and forum topics: administrators (also anonymous ones) change settings, members only look."""

from __future__ import annotations

import pytest

from bot.telegram.keys import telegram_key
from storage.destinations import get_destination
from storage.subscriptions import get_subscription
from tests.bot.telegram.conftest import ALICE, BOB, FORUM, GROUP, Env, matched, news, store_items
from tests.fakes.telegram import User

REFUSAL = "Sorry, alleen beheerders van deze groep kunnen de instellingen wijzigen."


async def test_the_group_creator_subscribes_and_sets_filters(env: Env) -> None:
    start = await env.ask(GROUP, ALICE, "/start")
    keywords = await env.ask(GROUP, ALICE, "/keywords add gaza")

    sub = await env.store.run(get_subscription, telegram_key(GROUP))
    assert sub is not None and sub.include == ("gaza",)
    assert "krijgt nu breaking news" in start.plain and "Toegevoegd: gaza" in keywords.plain
    assert start.thread_id is None


@pytest.mark.parametrize(
    "command",
    [
        "/start",
        "/keywords add iran",
        "/exclude add sport",
        "/countries add UA",
        "/countries clear",
        "/mode all",
        "/pause",
        "/resume",
        "/lang en",
        "/stop",
    ],
)
async def test_members_who_are_not_admins_are_politely_refused(env: Env, command: str) -> None:
    await env.ask(GROUP, ALICE, "/start")
    before = await env.store.run(get_subscription, telegram_key(GROUP))

    reply = await env.ask(GROUP, BOB, command)

    assert reply.plain.startswith(REFUSAL)
    assert await env.store.run(get_subscription, telegram_key(GROUP)) == before
    dest = await env.store.run(get_destination, telegram_key(GROUP))
    assert dest is not None and dest.active and dest.language == "nl"


async def test_members_may_read(env: Env) -> None:
    await env.ask(GROUP, ALICE, "/start")
    await env.ask(GROUP, ALICE, "/keywords add iran")
    await env.store.run(store_items, "anp", [news("Iran test een raket.", place="TEHERAN")])

    filters = await env.ask(GROUP, BOB, "/filters")
    latest = await env.ask(GROUP, BOB, "/latest")
    status = await env.ask(GROUP, BOB, "/status")
    helped = await env.ask(GROUP, BOB, "/help")
    tested = await env.ask(GROUP, BOB, "/test TEHERAN (ANP) - Iran test een raket")
    keywords = await env.ask(GROUP, BOB, "/keywords")  # no arguments: just shows them

    assert "Trefwoorden: iran" in filters.plain
    assert "TEHERAN" in latest.plain
    assert "Bronnen: 1 van 1 werken" in status.plain
    assert "/keywords add|remove|clear" in helped.plain
    assert tested.plain.startswith("✅")
    assert "Trefwoorden: iran" in keywords.plain


async def test_an_anonymous_admin_may_change_settings(env: Env) -> None:
    start = await env.ask(GROUP, None, "/start")
    keywords = await env.ask(GROUP, None, "/keywords add syrië")

    sub = await env.store.run(get_subscription, telegram_key(GROUP))
    dest = await env.store.run(get_destination, telegram_key(GROUP))
    assert sub is not None and sub.include == ("syrië",)
    assert dest is not None and dest.created_by == "telegram:anonymous-admin"
    assert "krijgt nu breaking news" in start.plain and "Toegevoegd" in keywords.plain


async def test_posting_on_behalf_of_another_channel_is_refused(env: Env) -> None:
    env.tg.add_chat(-1009876, "channel", title="Iemands kanaal")
    before = len(env.tg.sent(GROUP))
    env.tg.send_command(GROUP, None, "/start", sender_chat=-1009876)
    [reply] = (await env.tg.wait_for_sent(before + 1, GROUP))[before:]

    assert reply.plain.startswith(REFUSAL)
    assert await env.store.run(get_destination, telegram_key(GROUP)) is None


async def test_a_forum_topic_subscribes_on_its_own_thread(env: Env) -> None:
    carol = User(1004, "Carol", language_code="en")
    env.tg.add_member(FORUM, carol, "administrator")
    topic = await env.ask(FORUM, None, "/start", thread=7)
    other = await env.ask(FORUM, carol, "/start en", thread=9)
    await env.ask(FORUM, None, "/keywords add iran", thread=7)
    await env.ask(FORUM, carol, "/countries add IL", thread=9)

    seven = await env.store.run(get_subscription, telegram_key(FORUM, 7))
    nine = await env.store.run(get_subscription, telegram_key(FORUM, 9))
    assert await env.store.run(get_destination, telegram_key(FORUM)) is None
    assert seven is not None and (seven.include, seven.countries) == (("iran",), ())
    assert nine is not None and (nine.include, nine.countries) == ((), ("IL",))
    assert (topic.thread_id, other.thread_id) == (7, 9)  # each answer in its own topic
    assert "This chat now gets breaking news" in other.plain
    item = news("Iran en Israël praten.", place="TEHERAN", countries=("IR", "IL"))
    assert await env.store.run(matched, env.index, item) == sorted([seven.id, nine.id])

    refused = await env.ask(FORUM, BOB, "/keywords add gaza", thread=7)
    assert refused.plain.startswith(REFUSAL) and refused.thread_id == 7


async def test_stop_in_a_group_needs_an_admin_to_press_yes(env: Env) -> None:
    await env.ask(GROUP, ALICE, "/start")
    question = await env.ask(GROUP, ALICE, "/stop")
    yes = question.buttons[0][0]["callback_data"]

    env.tg.press_button(GROUP, BOB, question.message_id, yes)
    await env.tg.wait_until(lambda: len(env.tg.answers) == 1, what="Bob's press answered")
    dest = await env.store.run(get_destination, telegram_key(GROUP))
    assert dest is not None and dest.active
    assert env.tg.answers[0].show_alert and REFUSAL in (env.tg.answers[0].text or "")

    env.tg.press_button(GROUP, ALICE, question.message_id, yes)
    await env.tg.wait_for_edits(1, GROUP)
    dest = await env.store.run(get_destination, telegram_key(GROUP))
    assert dest is not None and dest.disabled_reason is not None


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/keywords add iran", "Toegevoegd: iran"),
        ("/exclude add sport", "Toegevoegd: sport"),
        ("/countries add Israël", "Toegevoegd: 🇮🇱 Israël (IL)"),
        ("/mode all", "Modus alles"),
        ("/pause", "Gepauzeerd"),
        ("/resume", "weer aan"),
        ("/lang en", "This chat's language is now English."),
        ("/filters", "Status: ✅ actief"),
        ("/latest 3", "Er zijn nog geen berichten"),
        ("/test GAZA (AFP) - Nieuwe beschietingen", "✅ Deze tekst zou hier een alert geven."),
        ("/status", "Deze chat: ✅ actief"),
        ("/help", "/keywords add|remove|clear"),
        ("/stop", "Alerts in deze chat stoppen?"),
    ],
)
async def test_every_command_from_an_anonymous_admin_in_a_forum_topic(
    env: Env, command: str, expected: str
) -> None:
    await env.ask(FORUM, None, "/start", thread=7)

    reply = await env.ask(FORUM, None, command, thread=7)

    assert expected in reply.plain and reply.thread_id == 7
    assert await env.store.run(get_destination, telegram_key(FORUM)) is None  # only the topic is set up
