"""`TelegramAdapter` against the fake Bot API, `map_telegram_errors` as one table, and `AiohttpRequest` (PTB's
requests on aiohttp) against the fake."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.adapters.base import Adapter, SentRef
from bot.adapters.errors import (
    DeliveryError,
    NotModified,
    RateLimited,
    Rejected,
    TargetGone,
    TargetMoved,
    Transient,
)
from bot.alerts import Alert, alert_from_event
from bot.telegram.adapter import AiohttpRequest, TelegramAdapter, map_telegram_errors, paid_limits
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from storage.models import Destination, ItemEvent
from tests.bot.telegram.conftest import ALICE, FORUM, GROUP, NOW, news
from tests.fakes.telegram import FakeTelegram


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


# Factories: PTB reads PTB_TIMEDELTA when it builds a RetryAfter, which the fixture sets first.
ERROR_CASES: list[tuple[str, Callable[[], Exception], type[DeliveryError], str | float | None]] = [
    ("429", lambda: RetryAfter(30), RateLimited, 30.0),
    ("429-timedelta", lambda: RetryAfter(timedelta(seconds=2.5)), RateLimited, 2.5),
    ("migrated", lambda: ChatMigrated(-1001234), TargetMoved, "telegram:-1001234"),
    ("blocked", lambda: Forbidden("Forbidden: bot was blocked by the user"), TargetGone, None),
    ("kicked", lambda: Forbidden("Forbidden: bot was kicked from the supergroup chat"), TargetGone, None),
    (
        "not-modified",
        lambda: BadRequest("Bad Request: message is not modified: specified new"),
        NotModified,
        None,
    ),
    ("not-modified-caps", lambda: BadRequest("MESSAGE IS NOT MODIFIED"), NotModified, None),
    ("chat-not-found", lambda: BadRequest("Bad Request: chat not found"), TargetGone, None),
    (
        "no-rights",
        lambda: BadRequest("Bad Request: not enough rights to send text messages"),
        TargetGone,
        None,
    ),
    (
        "channel-admin",
        lambda: BadRequest("Bad Request: need administrator rights in the channel chat"),
        TargetGone,
        None,
    ),
    ("topic-gone", lambda: BadRequest("Bad Request: message thread not found"), TargetGone, None),
    (
        "cant-parse",
        lambda: BadRequest("Bad Request: can't parse entities: Unsupported start tag"),
        Rejected,
        None,
    ),
    ("too-long", lambda: BadRequest("Bad Request: message is too long"), Rejected, None),
    ("edit-missing", lambda: BadRequest("Bad Request: message to edit not found"), Rejected, None),
    ("timed-out", TimedOut, Transient, None),
    ("connect", lambda: NetworkError("httpx.ConnectError: All connection attempts failed"), Transient, None),
    ("server-error", lambda: NetworkError("Internal Server Error"), Transient, None),
]


@pytest.mark.parametrize(
    ("make", "expected", "detail"), [case[1:] for case in ERROR_CASES], ids=[case[0] for case in ERROR_CASES]
)
def test_ptb_errors_map_onto_the_delivery_error_tree(
    make: Callable[[], Exception], expected: type[DeliveryError], detail: str | float | None
) -> None:
    error = make()
    with pytest.raises(DeliveryError) as caught, map_telegram_errors():
        raise error

    assert type(caught.value) is expected
    assert caught.value.__cause__ is error
    if expected is RateLimited:
        assert caught.value.retry_after == detail  # type: ignore[attr-defined]
    if expected is TargetMoved:
        assert caught.value.new_key == detail  # type: ignore[attr-defined]


def test_a_migrated_forum_topic_keeps_its_thread() -> None:
    with pytest.raises(TargetMoved) as caught, map_telegram_errors(thread_id=12):
        raise ChatMigrated(-1005678)
    assert caught.value.new_key == "telegram:-1005678:12"


@pytest.mark.parametrize("error", [InvalidToken("refused"), ValueError("a bug"), RuntimeError("x")])
def test_other_errors_pass_through_unchanged(error: Exception) -> None:
    with pytest.raises(type(error)) as caught, map_telegram_errors():
        raise error
    assert caught.value is error


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.add_chat(GROUP, "group", title="Buurt")
        fake.add_chat(FORUM, "supergroup", title="Forum", is_forum=True)
        yield fake


@pytest.fixture
async def adapter(tg: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    request = HTTPXRequest(connect_timeout=2, read_timeout=2, write_timeout=2, pool_timeout=2)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
        yield TelegramAdapter(bot)


def _dest(key: str, *, created_by: str | None = None) -> Destination:
    parts = key.split(":")
    return Destination(
        id=1,
        key=key,
        platform="telegram",
        chat_id=parts[1],
        thread_id=parts[2] if len(parts) > 2 else None,
        created_by=created_by,
    )


def _alert(lead: str = "Russische raketten treffen <Kyiv> & omgeving.", *, version: int = 1) -> Alert:
    item = news(lead, countries=("UA",), url="https://example.org/kyiv?a=1&b=2", title="Aanval op Kyiv")
    return alert_from_event(
        ItemEvent("new" if version == 1 else "updated", "anp", item, version), seen_at=NOW
    )


def test_the_adapter_is_an_adapter(adapter: TelegramAdapter) -> None:
    assert isinstance(adapter, Adapter)
    assert adapter.platform == "telegram" and tuple(adapter.rate_limits) == TELEGRAM_RATE_LIMITS


async def test_an_alert_goes_out_as_html_without_preview_into_the_topic(
    tg: FakeTelegram, adapter: TelegramAdapter
) -> None:
    ref = await adapter.send(_dest(f"telegram:{FORUM}:7"), _alert())

    [sent] = tg.sent(FORUM)
    assert ref == SentRef(str(sent.message_id))
    assert (sent.parse_mode, sent.thread_id, sent.preview_disabled) == ("HTML", 7, True)
    assert "Russische raketten treffen <Kyiv> & omgeving." in sent.plain  # escaped, so shown as written
    assert sent.plain.startswith("🇺🇦 KYIV (ANP)\nAanval op Kyiv")
    assert {"type": "text_link", "url": "https://example.org/kyiv?a=1&b=2"}.items() <= next(
        e for e in sent.entities if e["type"] == "text_link"
    ).items()


async def test_the_plain_form_has_no_parse_mode(tg: FakeTelegram, adapter: TelegramAdapter) -> None:
    await adapter.send(_dest(f"telegram:{GROUP}"), _alert(), plain=True)

    [sent] = tg.sent(GROUP)
    assert sent.parse_mode is None and sent.entities == [] and sent.preview_disabled
    assert "Aanval op Kyiv" in sent.plain


async def test_an_edit_replaces_the_message_and_an_unchanged_one_is_not_modified(
    tg: FakeTelegram, adapter: TelegramAdapter
) -> None:
    dest = _dest(f"telegram:{GROUP}")
    ref = await adapter.send(dest, _alert())
    edited = _alert("Russische raketten treffen Kyiv; tien doden.", version=2)

    assert await adapter.edit(dest, ref, edited) == ref
    with pytest.raises(NotModified):
        await adapter.edit(dest, ref, edited)

    [edit] = tg.edits(GROUP)
    assert edit.message_id == int(ref.message_id) and edit.parse_mode == "HTML"
    assert "tien doden" in (edit.plain or "") and len(tg.sent(GROUP)) == 1
    assert edit.params["link_preview_options"] == {"is_disabled": True}


async def test_a_digest_is_one_message(tg: FakeTelegram, adapter: TelegramAdapter) -> None:
    alerts = [replace(_alert(f"Bericht nummer {n} uit Kyiv."), uid=f"u{n}") for n in range(12)]

    await adapter.send_digest(_dest(f"telegram:{GROUP}"), alerts)

    [sent] = tg.sent(GROUP)
    assert sent.plain.splitlines()[0] == "12 berichten"
    assert len(sent.plain.splitlines()) == 13


async def test_the_creator_of_a_group_hears_it_stopped_working(
    tg: FakeTelegram, adapter: TelegramAdapter
) -> None:
    tg.add_chat(ALICE.id, "private", first_name="Alice")

    await adapter.notify_admin(_dest(f"telegram:{GROUP}", created_by=f"telegram:user:{ALICE.id}"), "weg")
    await adapter.notify_admin(_dest(f"telegram:{ALICE.id}", created_by=f"telegram:user:{ALICE.id}"), "niet")
    await adapter.notify_admin(_dest(f"telegram:{GROUP}", created_by="config"), "niemand")

    assert [(m.chat_id, m.plain) for m in tg.sent()] == [(ALICE.id, "weg")]


async def test_sending_errors_arrive_mapped(tg: FakeTelegram, adapter: TelegramAdapter) -> None:
    tg.my_chat_member(GROUP, "member", "kicked")
    with pytest.raises(TargetGone, match=r"(?i)kicked"):
        await adapter.send(_dest(f"telegram:{GROUP}"), _alert())
    with pytest.raises(TargetGone, match=r"(?i)chat not found"):
        await adapter.send(_dest("telegram:-1000000001"), _alert())


# --- AiohttpRequest: PTB's requests on aiohttp ----------------------------------------------------------------


@pytest.fixture
async def aio_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    request = AiohttpRequest(connect_timeout=2, read_timeout=2, write_timeout=2, pool_timeout=2)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
        yield bot


async def test_alerts_go_out_through_the_aiohttp_request_too(tg: FakeTelegram, aio_bot: Bot) -> None:
    adapter = TelegramAdapter(aio_bot)

    ref = await adapter.send(_dest(f"telegram:{FORUM}:7"), _alert())

    [sent] = tg.sent(FORUM)
    assert ref == SentRef(str(sent.message_id)) and sent.thread_id == 7 and sent.preview_disabled
    assert tg.calls_to("getMe")  # `async with Bot` initialised it through the same request


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            {
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
            RateLimited,
        ),
        ({"error_code": 403, "description": "Forbidden: bot was blocked by the user"}, TargetGone),
        ({"error_code": 502, "description": "Bad Gateway"}, Transient),
        ({"error_code": 400, "description": "Bad Request: can't parse entities"}, Rejected),
    ],
    ids=["429", "403", "502", "400"],
)
async def test_the_aiohttp_request_answers_map_like_httpx_ones(
    tg: FakeTelegram, aio_bot: Bot, answer: dict[str, Any], expected: type[DeliveryError]
) -> None:
    tg.fail("sendMessage", GROUP, **answer)
    with pytest.raises(expected) as caught:
        await TelegramAdapter(aio_bot).send(_dest(f"telegram:{GROUP}"), _alert())
    if expected is RateLimited:
        assert caught.value.retry_after == 7  # type: ignore[attr-defined]


async def test_an_unreachable_server_and_a_slow_answer_are_transient(tg: FakeTelegram) -> None:
    request = AiohttpRequest(connect_timeout=1, read_timeout=0.2, write_timeout=1, pool_timeout=1)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
        adapter = TelegramAdapter(bot)
        tg.hold = asyncio.Event()  # Telegram takes the message but does not answer in time
        with pytest.raises(Transient, match="TimedOut"):
            await adapter.send(_dest(f"telegram:{GROUP}"), _alert())
        tg.hold.set()
    closed = AiohttpRequest(connect_timeout=1, read_timeout=1)
    await closed.initialize()  # nothing listens on that port: the connection is refused
    try:
        bot = Bot(tg.token, base_url=f"http://127.0.0.1:{_unused_port()}/bot", request=closed)
        with pytest.raises(Transient, match=r"aiohttp\.ClientConnectorError"):
            await TelegramAdapter(bot).send(_dest(f"telegram:{GROUP}"), _alert())
    finally:
        await closed.shutdown()


async def test_an_upload_goes_as_multipart(tg: FakeTelegram, aio_bot: Bot) -> None:
    with pytest.raises(InvalidToken):  # the fake knows no sendDocument: 404
        await aio_bot.send_document(GROUP, document=b"hallo", filename="nieuws.txt", caption="bijlage")
    [call] = tg.calls_to("sendDocument")
    assert call.params["document"] == "<file nieuws.txt>"
    assert (call.params["chat_id"], call.params["caption"]) == (GROUP, "bijlage")


async def test_the_aiohttp_request_must_be_initialised() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/botX/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is fine


def test_paid_broadcasts_raise_only_the_platform_wide_limit() -> None:
    assert [(r.count, r.period, r.per_chat) for r in paid_limits(TELEGRAM_RATE_LIMITS)] == [
        (1000, 1.0, False),
        (1, 1.0, True),
        (20, 60.0, True),
    ]


async def test_a_paid_broadcast_adapter_sends_with_allow_paid_broadcast(
    tg: FakeTelegram, aio_bot: Bot
) -> None:
    adapter = TelegramAdapter(aio_bot, paid_broadcast=True)
    await adapter.send(_dest(f"telegram:{GROUP}"), _alert())
    await adapter.send_digest(_dest(f"telegram:{GROUP}"), [_alert(), replace(_alert("Tweede."), uid="u2")])
    assert [m.params.get("allow_paid_broadcast") for m in tg.sent(GROUP)] == [True, True]
    await TelegramAdapter(aio_bot).send(_dest(f"telegram:{GROUP}"), _alert())
    assert "allow_paid_broadcast" not in tg.sent(GROUP)[-1].params


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
