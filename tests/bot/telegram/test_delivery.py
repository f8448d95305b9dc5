"""The outbox drained through `TelegramAdapter` into the fake: rate limits, blocked chats, migrations, markup
the server refuses, and edits, each through the real delivery engine on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery import DeliveryEngine
from bot.store import Store
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.keys import telegram_key
from storage.destinations import ensure_destination, get_destination
from storage.models import ItemEvent, OutboxRow
from storage.outbox import enqueue_alerts, list_outbox
from storage.subscriptions import set_subscription
from storage.transactions import transaction
from tests.bot.telegram.conftest import ALICE, BOB, GROUP, NOW, news
from tests.clock import Clock
from tests.fakes.telegram import CANT_PARSE, FakeTelegram, retry_after


@dataclass
class Rig:
    tg: FakeTelegram
    store: Store
    engine: DeliveryEngine
    clock: Clock


@pytest.fixture
async def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    clock = Clock(NOW)
    request = HTTPXRequest(
        connect_timeout=2, read_timeout=2, write_timeout=2, pool_timeout=2, connection_pool_size=4
    )
    async with FakeTelegram() as tg, Store(tmp_path / "w.db") as store:
        tg.add_chat(ALICE.id, "private", first_name="Alice")
        tg.add_chat(BOB.id, "private", first_name="Bob")
        tg.add_chat(GROUP, "group", title="Buurt")
        async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
            engine = DeliveryEngine(store, [TelegramAdapter(bot, rate_limits=())], clock=clock)
            yield Rig(tg, store, engine, clock)


def _subscribe_and_queue(
    db: Database, keys: Sequence[str], events: Sequence[ItemEvent], *, now: datetime
) -> None:
    """Each key subscribed to everything, then `events` queued for all of them, as a poll would."""
    with transaction(db):
        ids = []
        for key in keys:
            ensure_destination(db, key, now=now)
            ids.append(set_subscription(db, key, now=now, mode="all").id)
        enqueue_alerts(db, events, lambda event: ids, now=now)


def _rows(db: Database, key: str) -> list[OutboxRow]:
    return list_outbox(db, destination=key)


KYIV = news("Russische raketten treffen Kyiv.", countries=("UA",))


async def test_a_429_holds_up_only_its_own_chat(rig: Rig) -> None:
    alice, bob = telegram_key(ALICE.id), telegram_key(BOB.id)
    await rig.store.run(_subscribe_and_queue, [alice, bob], [ItemEvent("new", "anp", KYIV, 1)], now=NOW)
    rig.tg.fail("sendMessage", ALICE.id, **retry_after(30))

    stats = await rig.engine.deliver_due()

    assert [m.chat_id for m in rig.tg.sent()] == [BOB.id]
    assert stats.rate_limited == 1 and stats.sent == 1
    [row] = await rig.store.run(_rows, alice)
    assert row.status == "pending" and row.next_attempt_at == NOW + timedelta(seconds=30)
    assert "RateLimited" in (row.last_error or "")

    rig.clock.now = NOW + timedelta(seconds=31)
    await rig.engine.deliver_due()
    assert [m.chat_id for m in rig.tg.sent()] == [BOB.id, ALICE.id]
    [row] = await rig.store.run(_rows, alice)
    assert row.status == "sent"


async def test_a_blocked_chat_is_disabled_with_the_reason(rig: Rig) -> None:
    alice = telegram_key(ALICE.id)
    events = [ItemEvent("new", "anp", KYIV, 1), ItemEvent("new", "anp", news("Tweede bericht uit Kyiv."), 1)]
    await rig.store.run(_subscribe_and_queue, [alice], events, now=NOW)
    rig.tg.my_chat_member(ALICE.id, "member", "kicked")  # Alice blocked the bot

    stats = await rig.engine.deliver_due()

    dest = await rig.store.run(get_destination, alice)
    assert dest is not None and dest.disabled_reason is not None
    assert "blocked by the user" in dest.disabled_reason.lower()
    assert stats.disabled == 1 and rig.tg.sent() == []
    assert {row.status for row in await rig.store.run(_rows, alice)} == {"failed"}


async def test_a_migrated_group_gets_the_alert_at_its_new_id(rig: Rig) -> None:
    group = telegram_key(GROUP)
    await rig.store.run(_subscribe_and_queue, [group], [ItemEvent("new", "anp", KYIV, 1)], now=NOW)
    rig.tg.migrate(GROUP, -1009999)

    stats = await rig.engine.deliver_due()

    [sent] = rig.tg.sent()
    assert sent.chat_id == -1009999 and "Russische raketten" in sent.plain
    assert stats.moved == 1
    assert await rig.store.run(get_destination, group) is None
    moved = await rig.store.run(get_destination, telegram_key(-1009999))
    assert moved is not None and moved.active
    [row] = await rig.store.run(_rows, telegram_key(-1009999))
    assert row.status == "sent" and row.sent_ref == str(sent.message_id)


async def test_markup_the_server_cannot_parse_is_sent_again_in_plain_form(rig: Rig) -> None:
    alice = telegram_key(ALICE.id)
    await rig.store.run(_subscribe_and_queue, [alice], [ItemEvent("new", "anp", KYIV, 1)], now=NOW)
    rig.tg.fail("sendMessage", ALICE.id, **CANT_PARSE)

    await rig.engine.deliver_due()

    [failed, plain] = rig.tg.calls_to("sendMessage", ALICE.id)
    assert failed.error is not None and failed.params["parse_mode"] == "HTML"
    assert plain.ok and "parse_mode" not in plain.params
    [row] = await rig.store.run(_rows, alice)
    assert (row.status, row.reason, row.plain) == ("sent", "sent (plain form)", True)


async def test_an_edited_item_edits_the_message_instead_of_sending_a_new_one(rig: Rig) -> None:
    alice = telegram_key(ALICE.id)
    await rig.store.run(_subscribe_and_queue, [alice], [ItemEvent("new", "anp", KYIV, 1)], now=NOW)
    await rig.engine.deliver_due()
    [first] = rig.tg.sent(ALICE.id)
    edited = replace(news("Russische raketten treffen Kyiv; tien doden.", countries=("UA",)), uid=KYIV.uid)
    rig.clock.now = NOW + timedelta(minutes=5)

    await rig.store.run(
        _subscribe_and_queue, [alice], [ItemEvent("updated", "anp", edited, 2)], now=rig.clock.now
    )
    stats = await rig.engine.deliver_due()

    assert len(rig.tg.sent(ALICE.id)) == 1 and stats.edited == 1
    [edit] = rig.tg.edits(ALICE.id)
    assert edit.message_id == first.message_id and "tien doden" in (edit.plain or "")
    message = rig.tg.message(ALICE.id, first.message_id)
    assert message is not None and "tien doden" in message["text"]
