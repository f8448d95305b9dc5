"""Every command in a private chat, through real python-telegram-bot and the fake Bot API."""

from __future__ import annotations

import logging

import pytest

from bot.alerts import LOCAL_TZ
from bot.telegram.keys import telegram_key
from storage.destinations import get_destination
from storage.models import Subscription
from storage.subscriptions import get_subscription
from tests.bot.telegram.conftest import ALICE, BOB, CAROL, NOW, OPERATOR, Env, matched, news, store_items
from tests.fakes.telegram import SERVER_ERROR

ALICE_KEY = telegram_key(ALICE.id)


async def _sub(env: Env, key: str = ALICE_KEY) -> Subscription | None:
    return await env.store.run(get_subscription, key)


async def _existing_sub(env: Env, key: str = ALICE_KEY) -> Subscription:
    sub = await _sub(env, key)
    assert sub is not None, f"no subscription for {key}"
    return sub


async def test_start_subscribes_the_chat_and_explains_with_an_example(env: Env) -> None:
    reply = await env.ask(ALICE.id, ALICE, "/start")

    dest = await env.store.run(get_destination, ALICE_KEY)
    sub = await _sub(env)
    assert dest is not None and dest.language == "nl" and dest.created_by == f"telegram:user:{ALICE.id}"
    assert sub is not None and (sub.mode, sub.include, sub.countries) == ("filtered", (), ())
    assert sub.id in env.index
    assert reply.parse_mode == "HTML" and reply.preview_disabled
    assert "krijgt nu breaking news" in reply.plain
    assert '/keywords add oekra* "witte huis"' in reply.plain  # the example
    again = await env.ask(ALICE.id, ALICE, "/start")
    assert "krijgt al alerts" in again.plain


async def test_language_comes_from_the_user_then_from_lang(env: Env) -> None:
    english = await env.ask(BOB.id, BOB, "/start")
    german = await env.ask(CAROL.id, CAROL, "/start")  # neither nl nor en: Dutch
    switched = await env.ask(CAROL.id, CAROL, "/lang en")
    filters = await env.ask(CAROL.id, CAROL, "/filters")

    assert "This chat now gets breaking news" in english.plain
    assert "krijgt nu breaking news" in german.plain
    assert switched.plain == "This chat's language is now English."
    assert "Language: English" in filters.plain
    dest = await env.store.run(get_destination, telegram_key(CAROL.id))
    assert dest is not None and dest.language == "en"


async def test_start_with_a_language_argument(env: Env) -> None:
    reply = await env.ask(ALICE.id, ALICE, "/start en")

    assert "This chat now gets breaking news" in reply.plain
    dest = await env.store.run(get_destination, ALICE_KEY)
    assert dest is not None and dest.language == "en"
    dutch = await env.ask(ALICE.id, ALICE, "/start nl")  # on a chat that already has a language
    dest = await env.store.run(get_destination, ALICE_KEY)
    assert "krijgt al alerts" in dutch.plain and dest is not None and dest.language == "nl"


async def test_help_lists_the_commands_and_the_keyword_syntax(env: Env) -> None:
    reply = await env.ask(ALICE.id, ALICE, "/help")

    for command in ("/keywords add|remove|clear", "/countries", "/latest [n]", "/test", "/subscribe_channel"):
        assert command in reply.plain
    assert "oekra*" in reply.plain


async def test_keywords_add_remove_clear_change_the_subscription_and_the_index(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    white_house = news("Het Witte Huis reageert op de aanval.", place="WASHINGTON")
    weather = news("Het wordt morgen zonnig in het hele land.", place="DE BILT")

    added = await env.ask(ALICE.id, ALICE, '/keywords add iran "Witte Huis", oekra*')
    sub = await _sub(env)
    assert sub is not None and sub.include == ("iran", '"witte huis"', "oekra*")
    assert added.plain.splitlines() == [
        'Toegevoegd: iran, "witte huis", oekra*',
        'Trefwoorden nu: iran, "witte huis", oekra*',
    ]
    assert await env.store.run(matched, env.index, white_house) == [sub.id]
    assert await env.store.run(matched, env.index, weather) == []

    again = await env.ask(ALICE.id, ALICE, "/keywords add IRAN gaza")
    removed = await env.ask(ALICE.id, ALICE, '/keywords remove "witte huis" syrië')
    sub = await _sub(env)
    assert sub is not None and sub.include == ("iran", "oekra*", "gaza")
    assert "Stond er al: iran" in again.plain
    assert 'Verwijderd: "witte huis"' in removed.plain and "Stond er niet in: syrië" in removed.plain
    assert await env.store.run(matched, env.index, white_house) == []

    cleared = await env.ask(ALICE.id, ALICE, "/keywords clear")
    sub = await _sub(env)
    assert sub is not None and sub.include == ()
    assert cleared.plain == "Trefwoorden: gewist."
    assert await env.store.run(matched, env.index, weather) == [sub.id]  # no filters: everything


async def test_keywords_alone_shows_the_list_and_the_usage(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")

    reply = await env.ask(ALICE.id, ALICE, "/keywords")

    assert "Trefwoorden: iran" in reply.plain
    assert "Gebruik: /keywords add|remove|clear woorden" in reply.plain


async def test_exclude_wins_over_keywords(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")
    reply = await env.ask(ALICE.id, ALICE, "/exclude add voetbal")

    sub = await _sub(env)
    assert sub is not None and sub.exclude == ("voetbal",)
    assert reply.plain.endswith("Uitsluitingen nu: voetbal")
    football = news("Iran wint de voetbal-wedstrijd tegen Japan.", place="TEHERAN")
    politics = news("Iran test een nieuwe raket.", place="TEHERAN")
    assert await env.store.run(matched, env.index, football) == []
    assert await env.store.run(matched, env.index, politics) == [sub.id]


async def test_countries_by_code_name_and_flag(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")

    reply = await env.ask(ALICE.id, ALICE, "/countries add Oekraïne, US, 🇫🇷 verenigd koninkrijk")
    removed = await env.ask(ALICE.id, ALICE, "/countries remove frankrijk")

    sub = await _sub(env)
    assert sub is not None and sub.countries == ("UA", "US", "GB")
    assert "🇺🇦 Oekraïne (UA)" in reply.plain and "🇫🇷 Frankrijk (FR)" in reply.plain
    assert "Verwijderd: 🇫🇷 Frankrijk (FR)" in removed.plain
    assert await env.store.run(matched, env.index, news("Raketten op Kyiv.", countries=("UA",))) == [sub.id]
    assert await env.store.run(matched, env.index, news("Rust in Parijs.", countries=("FR",))) == []


async def test_a_mistyped_country_gets_a_suggestion_button_that_adds_it(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")

    reply = await env.ask(ALICE.id, ALICE, "/countries add Oekriane")

    assert 'Onbekend land "Oekriane". Bedoel je: Oekraïne (UA)?' in reply.plain
    [[button]] = reply.buttons
    assert button["text"] == "🇺🇦 Oekraïne (UA)"
    env.tg.press_button(ALICE.id, ALICE, reply.message_id, button["callback_data"])
    [edit] = await env.tg.wait_for_edits(1, ALICE.id)
    sub = await _sub(env)
    assert sub is not None and sub.countries == ("UA",)
    assert edit.message_id == reply.message_id and "Oekraïne (UA) toegevoegd" in (edit.plain or "")
    assert env.tg.answers[-1].text is None  # the press was answered without an alert


async def test_countries_alone_offers_a_picker_whose_taps_switch_countries_on_and_off(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/countries add IL")

    picker = await env.ask(ALICE.id, ALICE, "/countries")

    labels = [button["text"] for row in picker.buttons for button in row]
    assert len(picker.buttons[0]) == 3 and "🇳🇱 NL" in labels and "✅ 🇮🇱 IL" in labels
    ukraine = next(b["callback_data"] for row in picker.buttons for b in row if b["text"] == "🇺🇦 UA")
    env.tg.press_button(ALICE.id, ALICE, picker.message_id, ukraine)
    [on] = await env.tg.wait_for_edits(1, ALICE.id)
    assert (await _existing_sub(env)).countries == ("IL", "UA")
    assert "✅ 🇺🇦 UA" in [b["text"] for row in on.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]

    env.tg.press_button(ALICE.id, ALICE, picker.message_id, ukraine)
    [_, off] = await env.tg.wait_for_edits(2, ALICE.id)
    assert (await _existing_sub(env)).countries == ("IL",)
    assert "Verwijderd: 🇺🇦 Oekraïne (UA)" in (off.plain or "")


async def test_mode_pause_resume(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")
    weather = news("Het wordt morgen zonnig.", place="DE BILT")

    everything = await env.ask(ALICE.id, ALICE, "/mode all")
    sub = await _sub(env)
    assert sub is not None and sub.mode == "all" and sub.include == ("iran",)
    assert "Modus alles" in everything.plain
    assert await env.store.run(matched, env.index, weather) == [sub.id]

    paused = await env.ask(ALICE.id, ALICE, "/pause")
    assert "Gepauzeerd" in paused.plain
    assert (await _existing_sub(env)).paused
    assert await env.store.run(matched, env.index, weather) == []

    resumed = await env.ask(ALICE.id, ALICE, "/resume")
    filtered = await env.ask(ALICE.id, ALICE, "/mode gefilterd")
    assert "weer aan" in resumed.plain and "Modus gefilterd" in filtered.plain
    assert await env.store.run(matched, env.index, weather) == []


async def test_filters_show_everything_that_applies(env: Env) -> None:
    await env.ask(BOB.id, BOB, "/start")
    await env.ask(BOB.id, BOB, "/keywords add iran")
    await env.ask(BOB.id, BOB, "/countries add IL")
    await env.ask(BOB.id, BOB, "/exclude add <b>sport</b>")
    await env.ask(BOB.id, BOB, "/pause")

    reply = await env.ask(BOB.id, BOB, "/filters")

    assert reply.plain.splitlines() == [
        "Filters",
        "State: ⏸ paused (/resume)",
        "Mode: filtered",
        "Keywords: iran",
        "Excluded words: <b>sport</b>",  # escaped: shown as typed, not as markup
        "Countries: 🇮🇱 Israel (IL)",
        "Language: English",
        "You get items with a keyword and about one of your countries. Items with an excluded word never come.",
    ]


async def test_latest_shows_matching_items_newest_first(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")
    items = [
        news(f"Iran meldt nieuws nummer {n}.", place="TEHERAN", url=f"https://e.org/{n}") for n in range(3)
    ]
    await env.store.run(store_items, "anp", [news("Zon in De Bilt.", place="DE BILT"), *items])

    two = await env.ask(ALICE.id, ALICE, "/latest 2")
    default = await env.ask(ALICE.id, ALICE, "/latest")

    assert two.plain.splitlines()[0] == "De laatste berichten voor deze chat"
    assert len(two.plain.splitlines()) == 3
    assert len(default.plain.splitlines()) == 4  # all three matches; the weather is filtered out
    assert "De Bilt" not in default.plain and "DE BILT" not in default.plain
    assert "TEHERAN" in two.plain


async def test_latest_with_nothing_matching(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")

    reply = await env.ask(ALICE.id, ALICE, "/latest")

    assert reply.plain == "Er zijn nog geen berichten die bij de filters van deze chat passen."


async def test_test_explains_why_a_text_would_alert(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/countries add UA")

    yes = await env.ask(ALICE.id, ALICE, "/test KYIV (ANP) - Russische raketten treffen de hoofdstad")
    no = await env.ask(ALICE.id, ALICE, "/test PARIJS (AFP) - De Franse regering valt")

    assert yes.plain.splitlines()[0] == "✅ Deze tekst zou hier een alert geven."
    assert "plaats KYIV (ANP)" in yes.plain and "🇺🇦 Oekraïne (UA)" in yes.plain
    assert "• Land UA (Oekraïne) staat in je landen" in yes.plain
    assert no.plain.splitlines()[0] == "❌ Deze tekst zou hier géén alert geven."
    assert "FR" in no.plain and "staat in je landen" in no.plain


async def test_status_summary_for_users_and_details_for_operators(env: Env) -> None:
    await env.store.run(store_items, "anp", [news("Iran test een raket.")])
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(OPERATOR.id, OPERATOR, "/start")

    user = await env.ask(ALICE.id, ALICE, "/status")
    operator = await env.ask(OPERATOR.id, OPERATOR, "/status")

    local = f"{NOW.astimezone(LOCAL_TZ):%d-%m %H:%M}"  # Dutch time
    assert user.plain.splitlines()[0] == f"Bronnen: 1 van 1 werken · laatste poging {local}"
    assert user.plain.splitlines()[1] == "Deze chat: ✅ actief · 0 alert(s) in de wachtrij"
    assert operator.plain.splitlines()[:2] == [
        "Sources",
        f"✅ anp — last attempt {local}, last success {local}",
    ]


async def test_stop_asks_first_and_keeps_the_filters_for_start(env: Env) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    await env.ask(ALICE.id, ALICE, "/keywords add iran")
    sub = await _sub(env)
    assert sub is not None

    question = await env.ask(ALICE.id, ALICE, "/stop")
    [[yes, no]] = question.buttons
    assert (yes["text"], no["text"]) == ("Ja, stoppen", "Nee")
    assert sub.id in env.index  # nothing happens before the answer

    env.tg.press_button(ALICE.id, ALICE, question.message_id, no["callback_data"])
    await env.tg.wait_for_edits(1, ALICE.id)
    assert sub.id in env.index
    question = await env.ask(ALICE.id, ALICE, "/stop")
    env.tg.press_button(ALICE.id, ALICE, question.message_id, question.buttons[0][0]["callback_data"])
    [_, edit] = await env.tg.wait_for_edits(2, ALICE.id)

    dest = await env.store.run(get_destination, ALICE_KEY)
    assert dest is not None and dest.disabled_reason == f"stopped with /stop by user {ALICE.id}"
    assert sub.id not in env.index
    assert "Gestopt" in (edit.plain or "")
    refused = await env.ask(ALICE.id, ALICE, "/keywords add gaza")
    assert refused.plain == "Deze chat krijgt nog geen alerts. Stuur /start om te beginnen."

    back = await env.ask(ALICE.id, ALICE, "/start")
    assert "Welkom terug" in back.plain
    assert sub.id in env.index
    assert (await _existing_sub(env)).include == ("iran",)


async def test_commands_before_start_say_how_to_begin(env: Env) -> None:
    for command in (
        "/filters",
        "/keywords add iran",
        "/mode all",
        "/pause",
        "/latest",
        "/test iets",
        "/lang en",
    ):
        reply = await env.ask(ALICE.id, ALICE, command)
        assert reply.plain == "Deze chat krijgt nog geen alerts. Stuur /start om te beginnen.", command
    stop = await env.ask(ALICE.id, ALICE, "/stop")
    assert stop.plain == "Deze chat kreeg geen alerts; er is niets te stoppen."
    assert await env.store.run(get_destination, ALICE_KEY) is None


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/keywords add", "Gebruik: /keywords add|remove|clear woorden"),
        ("/keywords frobnicate iran", "Gebruik: /keywords add|remove|clear woorden"),
        ("/keywords clear iran", "Gebruik: /keywords add|remove|clear woorden"),
        ("/exclude remove", "Gebruik: /exclude add|remove|clear woorden"),
        ("/countries add", "Gebruik: /countries add|remove|clear landen"),
        ("/mode", "Gebruik: /mode all|filtered"),
        ("/mode sommige", "Gebruik: /mode all|filtered"),
        ("/lang de", "Gebruik: /lang nl|en"),
        ("/latest 0", "Gebruik: /latest [aantal 1-20]"),
        ("/latest 21", "Gebruik: /latest [aantal 1-20]"),
        ("/latest vijf", "Gebruik: /latest [aantal 1-20]"),
        ("/test", "Gebruik: /test tekst van een bericht"),
        ("/subscribe_channel", "Gebruik: /subscribe_channel @kanaalnaam"),
        ('/keywords add "witte huis', 'Het trefwoord ""witte huis" heeft een " zonder afsluitende "'),
        ("/keywords add a*", 'Het trefwoord "a*" werkt niet: * heeft minstens 2 letters ervoor nodig'),
        ("/countries add Narnia", 'Onbekend land "Narnia"'),
    ],
)
async def test_bad_arguments_get_a_helpful_reply(env: Env, command: str, expected: str) -> None:
    await env.ask(ALICE.id, ALICE, "/start")

    reply = await env.ask(ALICE.id, ALICE, command)

    assert expected in reply.plain
    if expected.startswith("Gebruik"):
        assert "Voorbeeld: /" in reply.plain


async def test_an_unexpected_failure_is_logged_and_apologised_for(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    await env.ask(ALICE.id, ALICE, "/start")
    env.tg.fail("getChat", **SERVER_ERROR)  # `/filters @channel` looks the channel up first

    with caplog.at_level(logging.ERROR, logger="bot.telegram.handlers"):
        reply = await env.ask(ALICE.id, ALICE, "/filters @wirewatch_nl")

    assert reply.plain == "Sorry, er ging iets mis. Probeer het later nog eens."
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert record.getMessage() == "handling a Telegram update failed"
    assert "Traceback" in caplog.text and "NetworkError: Internal Server Error" in caplog.text  # exc_info
