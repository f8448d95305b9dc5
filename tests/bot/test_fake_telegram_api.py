"""The fake Bot API server, driven by the real python-telegram-bot over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram import (
    BLOCKED,
    GROUP_ANONYMOUS_BOT,
    SERVER_ERROR,
    FakeTelegram,
    HtmlError,
    User,
    migrated,
    parse_html,
    retry_after,
)

ALICE = User(1001, "Alice", username="alice", language_code="nl")
BOB = User(1002, "Bob")
GROUP, FORUM, CHANNEL = -4001, -1004002, -1004003


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.add_chat(ALICE.id, "private", first_name="Alice")
        fake.add_chat(GROUP, "group", title="Buurt")
        fake.add_chat(FORUM, "supergroup", title="Nieuwsforum", username="nieuwsforum", is_forum=True)
        fake.add_chat(CHANNEL, "channel", title="Wirewatch NL", username="wirewatch_nl")
        fake.add_member(GROUP, ALICE, "creator")
        fake.add_member(GROUP, BOB, "member")
        fake.add_member(FORUM, ALICE, "administrator", is_anonymous=True)
        yield fake


def _request() -> HTTPXRequest:
    return HTTPXRequest(
        connect_timeout=2, read_timeout=2, write_timeout=2, pool_timeout=2, http_version="1.1"
    )


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(
        tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, request=_request()
    ) as real:
        yield real


@asynccontextmanager
async def polling(
    tg: FakeTelegram, *handlers: BaseHandler[Any, Any, Any]
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A real Application with `handlers` on long polling, stopped in reverse order afterwards."""
    app = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .request(_request())
        .get_updates_request(_request())
        .build()
    )
    app.add_handlers(handlers)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


# --- plain Bot calls -------------------------------------------------------------------------------------------


async def test_get_me_answers_with_the_bot_of_the_token(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (int(tg.token.split(":")[0]), tg.bot.username, True)
    assert [call.method for call in tg.calls] == ["getMe", "getMe"]  # initialize() asked first


async def test_a_wrong_token_is_rejected(tg: FakeTelegram) -> None:
    wrong = Bot("42:not-the-token", base_url=tg.base_url, request=_request())
    with pytest.raises(InvalidToken, match="rejected"):
        async with wrong:
            pass
    assert tg.calls == []


async def test_an_unknown_method_is_not_found(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": ALICE.id})
    assert (tg.calls[-1].method, tg.calls[-1].error.error_code) == ("sendTelepathy", 404)  # type: ignore[union-attr]


async def test_send_message_renders_html_and_counts_message_ids_per_chat(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Meer", callback_data="more:1")]])
    first = await bot.send_message(
        ALICE.id,
        "<b>KYIV (Reuters)</b> &amp; <a href='https://example.org/a'>link</a>",
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=keyboard,
    )
    second = await bot.send_message(ALICE.id, "tweede")
    in_group = await bot.send_message(GROUP, "groep")

    assert (first.message_id, second.message_id, in_group.message_id) == (1, 2, 1)
    assert first.chat.id == ALICE.id and first.date is not None
    assert first.text == "KYIV (Reuters) & link"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bold", 0, 14), ("text_link", 17, 4)]
    assert first.reply_markup == keyboard
    [sent, _] = tg.sent(ALICE.id)
    assert sent.plain == "KYIV (Reuters) & link" and sent.parse_mode == "HTML"
    assert sent.preview_disabled and sent.buttons == [[{"text": "Meer", "callback_data": "more:1"}]]
    assert [m.chat_id for m in tg.sent()] == [ALICE.id, ALICE.id, GROUP]


async def test_send_message_into_a_forum_topic_and_by_username(tg: FakeTelegram, bot: Bot) -> None:
    in_topic = await bot.send_message(FORUM, "in topic", message_thread_id=7)
    by_name = await bot.send_message("@wirewatch_nl", "kanaal")

    assert (in_topic.message_thread_id, in_topic.is_topic_message) == (7, True)
    assert tg.sent(FORUM)[0].thread_id == 7
    assert (by_name.chat.id, by_name.sender_chat.id) == (CHANNEL, CHANNEL)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Prijs < 100 euro", 'Unsupported start tag "" at byte offset 6'),
        ("<b>vet</i>", 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
        ("<b>open", "Can't find end tag corresponding to start tag b"),
        ("<p>alinea</p>", 'Unsupported start tag "p" at byte offset 0'),
    ],
)
async def test_broken_html_is_refused_like_telegram(
    tg: FakeTelegram, bot: Bot, text: str, detail: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
        await bot.send_message(GROUP, text, parse_mode=ParseMode.HTML)

    assert detail.lower() in str(caught.value).lower()  # PTB capitalize()s the message
    assert tg.sent() == [] and not tg.calls[-1].ok


async def test_the_length_limit_counts_utf16_units_after_parsing(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(GROUP, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(GROUP, "😀" * 2049)  # 2049 characters, 4098 UTF-16 units

    assert len(tg.sent(GROUP)[0].plain) == 4096


async def test_edit_message_text_and_its_refusals(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(GROUP, "<b>Eerst</b>", parse_mode=ParseMode.HTML)

    edited = await bot.edit_message_text(
        "<b>Daarna</b>", GROUP, message.message_id, parse_mode=ParseMode.HTML
    )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("<b>Daarna</b>", GROUP, message.message_id, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", GROUP, 999)

    assert isinstance(edited, Message)  # a Message, not True: the message is not inline
    assert edited.text == "Daarna" and edited.edit_date is not None
    assert [(e.message_id, e.plain) for e in tg.edits(GROUP)] == [(message.message_id, "Daarna")]
    assert tg.message(GROUP, message.message_id)["text"] == "Daarna"  # type: ignore[index]


async def test_429_for_one_chat_raises_retry_after_while_others_get_through(
    tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tg.fail("sendMessage", GROUP, **retry_after(30))

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(GROUP, "te snel")
    await bot.send_message(ALICE.id, "gaat door")
    await bot.send_message(GROUP, "weer goed")  # the failure was scripted once

    assert caught.value.retry_after == timedelta(seconds=30)
    assert [(m.chat_id, m.plain) for m in tg.sent()] == [(ALICE.id, "gaat door"), (GROUP, "weer goed")]


async def test_blocked_kicked_and_server_errors(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail("sendMessage", ALICE.id, **BLOCKED)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(ALICE.id, "hallo")

    tg.my_chat_member(GROUP, "member", "kicked", by=ALICE)
    with pytest.raises(Forbidden, match=r"(?i)kicked from the group chat"):
        await bot.send_message(GROUP, "hallo")

    tg.fail("getChat", **SERVER_ERROR)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.get_chat(FORUM)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-999, "niemand")


async def test_a_migrated_group_answers_with_its_new_id(tg: FakeTelegram, bot: Bot) -> None:
    tg.migrate(GROUP, -1009999)
    with pytest.raises(ChatMigrated) as by_registry:
        await bot.send_message(GROUP, "oud")
    tg.fail("sendMessage", FORUM, **migrated(-1007777))
    with pytest.raises(ChatMigrated) as by_script:
        await bot.send_message(FORUM, "oud")
    moved = await bot.send_message(-1009999, "nieuw")

    assert (by_registry.value.new_chat_id, by_script.value.new_chat_id) == (-1009999, -1007777)
    assert moved.chat.type == "supergroup"
    assert tg.member_status(-1009999, ALICE.id) == "creator"


async def test_chat_members_and_administrators_parse(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_member(GROUP, User(1003, "Carol"), "administrator")
    tg.add_member(GROUP, User(1004, "Dave"), "kicked")

    admins = await bot.get_chat_administrators(GROUP)
    forum_admins = await bot.get_chat_administrators(FORUM)
    members = [await bot.get_chat_member(GROUP, user_id) for user_id in (BOB.id, 1004, tg.bot.id)]
    stranger = await bot.get_chat_member(FORUM, BOB.id)
    channel = await bot.get_chat("@wirewatch_nl")
    forum = await bot.get_chat(FORUM)

    assert {type(a) for a in admins} == {ChatMemberOwner, ChatMemberAdministrator}
    assert {a.user.id for a in admins} == {ALICE.id, 1003}
    [anonymous] = forum_admins
    assert isinstance(anonymous, ChatMemberAdministrator) and anonymous.is_anonymous
    assert [type(m) for m in members] == [ChatMemberMember, ChatMemberBanned, ChatMemberMember]
    assert isinstance(stranger, ChatMemberLeft)
    assert (channel.id, channel.type, channel.title) == (CHANNEL, "channel", "Wirewatch NL")
    assert forum.is_forum is True


async def test_commands_are_kept_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Abonneren")], language_code="nl")
    await bot.set_my_commands([BotCommand("start", "Subscribe")])
    await bot.set_my_commands([BotCommand("filters", "Filters")], scope=BotCommandScopeChat(GROUP))
    await bot.set_my_commands([BotCommand("status", "Status")], scope=BotCommandScopeAllGroupChats())
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Hoofdletter")])

    dutch = await bot.get_my_commands(language_code="nl")
    assert [(c.command, c.description) for c in dutch] == [("start", "Abonneren")]
    assert tg.commands() == [("start", "Subscribe")]
    assert tg.commands(f"chat:{GROUP}") == [("filters", "Filters")]
    assert set(tg.commands_set) == {
        ("default", "nl"),
        ("default", ""),
        (f"chat:{GROUP}", ""),
        ("all_group_chats", ""),
    }


async def test_reply_markup_edits_deletions_and_refusals(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Stop", callback_data="stop")]])
    message = await bot.send_message(GROUP, "Zeker?", reply_markup=keyboard)
    from_bob = tg.send_text(GROUP, BOB, "hoi")

    await bot.edit_message_reply_markup(GROUP, message.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(GROUP, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("niet van jou", GROUP, from_bob.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(GROUP, from_bob.message_id)  # type: ignore[arg-type]
    await bot.delete_message(GROUP, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(GROUP, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("verzonnen")

    assert [(e.kind, e.message_id, e.reply_markup) for e in tg.edits()] == [
        ("reply_markup", message.message_id, None)
    ]
    assert tg.deleted == [(GROUP, message.message_id)]
    assert tg.message(GROUP, message.message_id) is None


# --- the update queue over raw HTTP ------------------------------------------------------------------------------


async def test_get_updates_honours_offsets_and_a_long_poll_wakes_on_a_new_update(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{tg.token}/getUpdates"
    async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
        first = tg.send_text(ALICE.id, ALICE, "een")
        tg.send_text(ALICE.id, ALICE, "twee")
        both = (await http.post(url, data={"offset": "0", "timeout": "0"})).json()["result"]
        again = (await http.post(url, data={"offset": str(first.update_id + 1), "timeout": "0"})).json()[
            "result"
        ]

        poll = asyncio.create_task(http.post(url, data={"offset": str(first.update_id + 2), "timeout": "30"}))
        await tg.wait_until(lambda: tg.polling, what="a waiting long poll")
        third = tg.send_text(ALICE.id, ALICE, "drie")
        woken = (await poll).json()["result"]

    assert [u["message"]["text"] for u in both] == ["een", "twee"]
    assert [u["message"]["text"] for u in again] == ["twee"]
    assert [u["update_id"] for u in woken] == [third.update_id]  # a 30 s poll that did not time out


async def test_a_newer_get_updates_ends_the_older_with_conflict(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{tg.token}/getUpdates"
    async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
        older = asyncio.create_task(http.post(url, json={"timeout": 30}))
        await tg.wait_until(lambda: tg.polling, what="a waiting long poll")
        newer = await http.post(url, json={"timeout": 0})
        ended = await older

    assert (ended.status_code, newer.status_code) == (409, 200)
    assert "terminated by other getUpdates request" in ended.json()["description"]


async def test_updates_are_pushed_to_a_webhook(tg: FakeTelegram, bot: Bot) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, object]]] = asyncio.Queue()
    answers = iter([502, 200])

    async def hook(request: web.Request) -> web.Response:
        await received.put((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=next(answers))

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook", secret_token="geheim")
        sent = tg.send_command(ALICE.id, ALICE, "/start")
        first = await asyncio.wait_for(received.get(), 5)
        await tg.wait_until(lambda: bool(tg.queue.webhook_errors), what="the failed delivery")
        tg.redeliver()
        second = await asyncio.wait_for(received.get(), 5)
        await tg.wait_confirmed()
        info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()

    assert first == second == ("geheim", second[1])
    assert second[1]["update_id"] == sent.update_id
    assert info.pending_update_count == 0 and "502" in (info.last_error_message or "")
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()


# --- a real Application on long polling ---------------------------------------------------------------------------


async def test_commands_reach_handlers_in_private_chats_topics_and_from_anonymous_admins(
    tg: FakeTelegram,
) -> None:
    seen: list[tuple[int, int | None, int | None, int | None, list[str]]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        sender = message.from_user.id if message.from_user else None
        on_behalf = message.sender_chat.id if message.sender_chat else None
        seen.append((message.chat_id, message.message_thread_id, sender, on_behalf, list(context.args or [])))
        await message.reply_text("Welkom")

    async with polling(tg, CommandHandler("start", start)):
        tg.send_command(ALICE.id, ALICE, "/start nl")
        tg.send_command(FORUM, ALICE, f"/start@{tg.bot.username}", thread_id=7)
        tg.send_anonymous(GROUP, "/start")
        tg.send_text(GROUP, BOB, "/start zonder entity maakt geen commando")  # no bot_command entity
        replies = await tg.wait_for_sent(3)

    assert seen == [
        (ALICE.id, None, ALICE.id, None, ["nl"]),
        (FORUM, 7, ALICE.id, None, []),
        (GROUP, None, GROUP_ANONYMOUS_BOT.id, GROUP, []),
    ]
    assert [(m.chat_id, m.thread_id, m.plain) for m in replies] == [
        (ALICE.id, None, "Welkom"),
        (FORUM, 7, "Welkom"),
        (GROUP, None, "Welkom"),
    ]


async def test_button_presses_reach_the_callback_handler(tg: FakeTelegram) -> None:
    async def buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"gekozen: {query.data}")
        await query.edit_message_text(f"Je koos {query.data}")

    async with polling(tg, CallbackQueryHandler(buttons)) as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("NL", callback_data="country:NL")]])
        message = await app.bot.send_message(GROUP, "Kies een land", reply_markup=keyboard)
        with pytest.raises(ValueError, match="no button"):
            tg.press_button(GROUP, BOB, message.message_id, "country:XX")
        pressed = tg.press_button(GROUP, BOB, message.message_id, "country:NL")
        [edit] = await tg.wait_for_edits(1, GROUP)

    assert [(a.query_id, a.text) for a in tg.answers] == [(pressed.query_id, "gekozen: country:NL")]
    assert (edit.message_id, edit.plain) == (message.message_id, "Je koos country:NL")
    assert "reply_markup" not in tg.message(GROUP, message.message_id)  # type: ignore[operator]


async def test_every_update_is_handled_exactly_once(tg: FakeTelegram) -> None:
    handled: list[int] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)

    async with polling(tg, CommandHandler("start", start)):
        early = [tg.send_command(ALICE.id, ALICE, "/start").update_id for _ in range(3)]
        await tg.wait_until(lambda: len(handled) == 3, what="three handled")
        late = tg.send_command(ALICE.id, ALICE, "/start").update_id
        await tg.wait_until(lambda: len(handled) == 4, what="the fourth handled")
        await tg.wait_confirmed()

    assert handled == [*early, late]
    offsets = [c.params.get("offset", 0) for c in tg.calls_to("getUpdates")]
    assert offsets == sorted(offsets) and offsets[-1] == late + 1


async def test_membership_migration_and_channel_updates_reach_the_application(tg: FakeTelegram) -> None:
    seen: list[tuple[object, ...]] = []

    async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        assert change is not None
        seen.append(
            (
                change.chat.id,
                change.from_user.id,
                change.old_chat_member.status,
                change.new_chat_member.status,
            )
        )

    async def migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        seen.append((message.chat_id, message.migrate_to_chat_id, message.migrate_from_chat_id))

    async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        post = update.channel_post
        assert post is not None and post.sender_chat is not None
        seen.append((post.chat_id, post.sender_chat.id, post.text))

    handlers = (
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, migration),
        MessageHandler(filters.UpdateType.CHANNEL_POST, channel_post),
    )
    async with polling(tg, *handlers) as app:
        tg.my_chat_member(ALICE.id, "member", "kicked")  # Alice blocks the bot
        tg.migrate(GROUP, -1009999)
        tg.post_in_channel(CHANNEL, "Breaking")
        await tg.wait_until(lambda: len(seen) == 4, what="four updates handled")
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await app.bot.send_message(ALICE.id, "na het blokkeren")

    assert seen == [
        (ALICE.id, ALICE.id, "member", "kicked"),
        (GROUP, -1009999, None),
        (-1009999, None, GROUP),
        (CHANNEL, CHANNEL, "Breaking"),
    ]


# --- the HTML parser on its own -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("AT&T &nbsp; &#128512; &#x41;", "AT&T &nbsp; 😀 A"),  # unknown entities and bare & stay as they are
        ("<pre><code class='language-python'>x = 1</code></pre>", "x = 1"),
        ('<span class="tg-spoiler">geheim</span> <tg-spoiler>ook</tg-spoiler>', "geheim ook"),
        ("<b>vet</>", "vet"),
        ("  <i>ruimte</i>\n", "ruimte"),
    ],
)
def test_html_telegram_accepts(html: str, plain: str) -> None:
    assert parse_html(html).text.strip() == plain


def test_html_entities_carry_utf16_offsets_and_languages() -> None:
    rendered = parse_html("😀 <b>x</b><pre><code class='language-python'>y</code></pre><a>example.org</a>")

    assert rendered.entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "pre", "offset": 4, "length": 1, "language": "python"},
        {"type": "text_link", "offset": 5, "length": 11, "url": "http://example.org"},
    ]


@pytest.mark.parametrize(
    ("html", "error"),
    [
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("é<foo>", 'Unsupported start tag "foo" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_html_telegram_refuses(html: str, error: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(html)
    assert str(caught.value) == error
