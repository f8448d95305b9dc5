"""The outbox drained through `TelegramAdapter` into the fake: rate limits, blocked chats, migrations, markup
the server refuses, and edits, each through the real delivery engine on a real SQLite file; a database locked
by another connection past the busy timeout while messages are in flight (issue 12); Telegram's limits
enforced by the fake (429s) and paid broadcasts."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.keys import telegram_key
from storage.db import set_busy_timeout
from storage.destinations import ensure_destination, get_destination
from storage.models import ItemEvent, OutboxRow
from storage.outbox import enqueue_alerts, list_outbox
from storage.subscriptions import set_subscription
from storage.transactions import transaction
from tests.bot.telegram.conftest import ALICE, BOB, GROUP, NOW, news
from tests.clock import Clock
from tests.fakes.telegram import CANT_PARSE, FakeTelegram, FloodControl, retry_after


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


# --- a database locked past its busy timeout (issue 12) -------------------------------------------------------

BUSY_TIMEOUT = 0.1  # seconds; the lock below is held until the engine has failed to write at least once


class Locker:
    """Another connection to the same SQLite file holding the write lock (`BEGIN EXCLUSIVE`) in its own thread,
    as a second process (a CLI command next to the bot) would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._locked = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, name="locker", daemon=True)
        self._error: BaseException | None = None

    def _hold(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            try:
                conn.execute("BEGIN EXCLUSIVE")
                self._locked.set()
                self._release.wait(30)
                conn.execute("ROLLBACK")
            finally:
                conn.close()
        except BaseException as exc:  # reported by `__exit__`
            self._error = exc
            self._locked.set()

    def __enter__(self) -> Locker:
        self._thread.start()
        assert self._locked.wait(5), "could not take the lock"
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._thread.join(5)
        if self._error is not None:
            raise self._error


class LogSignal(logging.Handler):
    """Sets `event` when a record whose message contains `text` is logged (in the event loop's thread)."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.WARNING)
        self.text = text
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.event.set()


@pytest.fixture
def record_failures() -> Iterator[LogSignal]:
    signal = LogSignal("could not record the outcome")
    logger = logging.getLogger("bot.delivery")
    logger.addHandler(signal)
    try:
        yield signal
    finally:
        logger.removeHandler(signal)


def _statuses(db: Database) -> list[str]:
    return [row.status for row in list_outbox(db, limit=100)]


async def _until(predicate: Callable[[], Awaitable[bool]], what: str, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.01)


async def test_a_lock_past_the_busy_timeout_while_messages_are_in_flight_loses_and_repeats_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_failures: LogSignal
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    path = tmp_path / "w.db"
    chats = [ALICE.id, BOB.id, GROUP]
    keys = [telegram_key(chat) for chat in chats]
    request = HTTPXRequest(connect_timeout=5, read_timeout=5, write_timeout=5, pool_timeout=5)
    async with FakeTelegram() as tg, Store(path) as store:
        tg.add_chat(ALICE.id, "private", first_name="Alice")
        tg.add_chat(BOB.id, "private", first_name="Bob")
        tg.add_chat(GROUP, "group", title="Buurt")
        await store.run(set_busy_timeout, BUSY_TIMEOUT)
        await store.run(_subscribe_and_queue, keys, [ItemEvent("new", "anp", KYIV, 1)], now=NOW)
        tg.hold = asyncio.Event()
        async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
            engine = DeliveryEngine(store, [TelegramAdapter(bot, rate_limits=())])
            async with engine:
                await tg.wait_until(lambda: tg.holding == len(chats), what="every chat's message in flight")
                with Locker(path):
                    tg.hold.set()  # Telegram takes the messages while the database is locked
                    async with asyncio.timeout(10):
                        await record_failures.event.wait()
                    assert await store.run(_statuses) == ["sending"] * len(chats)

                async def all_sent() -> bool:
                    return await store.run(_statuses) == ["sent"] * len(chats)

                await _until(all_sent, "every row sent once the lock is gone")
            # after a restart nothing is left to send again
            restarted = DeliveryEngine(store, [TelegramAdapter(bot, rate_limits=())])
            assert await restarted.recover() == 0
            assert (await restarted.deliver_due()).messages == 0

    assert sorted(m.chat_id for m in tg.sent()) == sorted(chats)  # exactly one message per chat
    for key in keys:
        [row] = await _rows_after(path, key)
        assert row.status == "sent" and row.attempts == 1 and row.sent_ref is not None


async def test_stopping_while_the_lock_holds_gives_up_after_a_few_tries_and_the_restart_sends_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_failures: LogSignal
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    path = tmp_path / "w.db"
    request = HTTPXRequest(connect_timeout=5, read_timeout=5, write_timeout=5, pool_timeout=5)
    async with FakeTelegram() as tg, Store(path) as store:
        tg.add_chat(ALICE.id, "private", first_name="Alice")
        await store.run(set_busy_timeout, BUSY_TIMEOUT)
        await store.run(
            _subscribe_and_queue, [telegram_key(ALICE.id)], [ItemEvent("new", "anp", KYIV, 1)], now=NOW
        )
        tg.hold = asyncio.Event()
        async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
            engine = DeliveryEngine(store, [TelegramAdapter(bot, rate_limits=())])
            await engine.start()
            await tg.wait_until(lambda: tg.holding == 1, what="the message in flight")
            with Locker(path):
                tg.hold.set()
                async with asyncio.timeout(10):
                    await record_failures.event.wait()
                async with asyncio.timeout(10):  # SIGTERM now: the lock outlasts the few tries of a stop
                    await engine.stop()
                assert await store.run(_statuses) == ["sending"]
            restarted = DeliveryEngine(store, [TelegramAdapter(bot, rate_limits=())])
            assert await restarted.recover() == 1
            await restarted.deliver_due()
        assert await store.run(_statuses) == ["sent"]
    assert [m.chat_id for m in tg.sent()] == [ALICE.id, ALICE.id]  # the one repeat a crash may cause


async def _rows_after(path: Path, key: str) -> list[OutboxRow]:
    async with Store(path) as store:
        return await store.run(_rows, key)


async def test_a_claim_refused_by_a_lock_leaves_the_alerts_waiting_for_the_next_pass(rig: Rig) -> None:
    alice = telegram_key(ALICE.id)
    await rig.store.run(set_busy_timeout, BUSY_TIMEOUT)
    await rig.store.run(_subscribe_and_queue, [alice], [ItemEvent("new", "anp", KYIV, 1)], now=NOW)

    with Locker(Path(rig.store.path)):
        stats = await rig.engine.deliver_due()
    assert stats.messages == 0 and rig.tg.sent() == []
    assert await rig.store.run(_statuses) == ["pending"]
    assert stats.next_due is not None and stats.next_due > NOW

    rig.clock.to(stats.next_due)
    await rig.engine.deliver_due()
    assert [m.chat_id for m in rig.tg.sent()] == [ALICE.id]
    assert await rig.store.run(_statuses) == ["sent"]


# --- Telegram's limits, enforced by the fake ------------------------------------------------------------------


@dataclass
class Paced:
    tg: FakeTelegram
    store: Store
    clock: Clock
    bot: Bot


@pytest.fixture
async def paced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Paced]:
    """The fake enforcing Telegram's limits on the engine's own (hand-moved) clock."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    clock = Clock(NOW)
    flood = FloodControl(clock=lambda: clock().timestamp())
    request = HTTPXRequest(
        connect_timeout=2, read_timeout=2, write_timeout=2, pool_timeout=2, connection_pool_size=8
    )
    async with (
        FakeTelegram(flood=flood) as tg,
        Store(tmp_path / "w.db") as store,
        Bot(tg.token, base_url=tg.base_url, request=request) as bot,
    ):
        yield Paced(tg, store, clock, bot)


async def _drain(engine: DeliveryEngine, clock: Clock, passes: int = 500) -> None:
    for _ in range(passes):
        stats = await engine.deliver_due()
        if stats.next_due is None:
            return
        clock.to(stats.next_due)
    raise AssertionError(f"still not delivered after {passes} passes")


async def test_within_telegrams_limits_the_fake_never_answers_429(paced: Paced) -> None:
    privates = [2000 + n for n in range(45)]
    for chat in privates:
        paced.tg.add_chat(chat, "private", first_name=f"U{chat}")
    paced.tg.add_chat(GROUP, "group", title="Buurt")
    keys = [telegram_key(chat) for chat in privates]
    stories = [ItemEvent("new", "anp", news(f"Bericht {n} uit Kyiv."), 1) for n in range(22)]
    await paced.store.run(_subscribe_and_queue, keys, stories[:1], now=NOW)
    await paced.store.run(_subscribe_and_queue, [telegram_key(GROUP)], stories, now=NOW)
    settings = DeliverySettings(digest_threshold=100)
    engine = DeliveryEngine(paced.store, [TelegramAdapter(paced.bot)], settings=settings, clock=paced.clock)

    await _drain(engine, paced.clock)

    flood = paced.tg.flood
    assert flood is not None and flood.refused == 0
    assert len(paced.tg.sent()) == len(privates) + len(stories)
    group_times = [c.at for c in paced.tg.calls_to("sendMessage", GROUP)]
    assert len(group_times) == len(stories)
    assert paced.clock() - NOW >= timedelta(seconds=60)  # the 21st group message waited for the minute
    assert set(await paced.store.run(_statuses)) == {"sent"}


async def test_over_the_limit_the_fake_answers_429_and_the_chat_waits(paced: Paced) -> None:
    chats = [2000 + n for n in range(31)]
    for chat in chats:
        paced.tg.add_chat(chat, "private", first_name=f"U{chat}")
    await paced.store.run(
        _subscribe_and_queue, [telegram_key(c) for c in chats], [ItemEvent("new", "anp", KYIV, 1)], now=NOW
    )
    engine = DeliveryEngine(paced.store, [TelegramAdapter(paced.bot, rate_limits=())], clock=paced.clock)

    first = await engine.deliver_due()

    flood = paced.tg.flood
    assert flood is not None and flood.refused == 1  # the 31st message in the same second
    assert first.rate_limited == 1 and first.sent == 30
    await _drain(engine, paced.clock)
    assert len(paced.tg.sent()) == 31 and set(await paced.store.run(_statuses)) == {"sent"}


async def test_paid_broadcasts_send_a_thousand_a_second_and_pay_beyond_thirty(paced: Paced) -> None:
    chats = [2000 + n for n in range(40)]
    for chat in chats:
        paced.tg.add_chat(chat, "private", first_name=f"U{chat}")
    await paced.store.run(
        _subscribe_and_queue, [telegram_key(c) for c in chats], [ItemEvent("new", "anp", KYIV, 1)], now=NOW
    )
    adapter = TelegramAdapter(paced.bot, paid_broadcast=True)
    assert [rule.count for rule in adapter.rate_limits if not rule.per_chat] == [1000]
    engine = DeliveryEngine(paced.store, [adapter], clock=paced.clock)

    stats = await engine.deliver_due()

    assert stats.sent == 40 and stats.next_due is None  # all in the same second
    flood = paced.tg.flood
    assert flood is not None and (flood.refused, flood.paid, flood.charged) == (0, 40, 10)
    assert all(c.params.get("allow_paid_broadcast") is True for c in paced.tg.calls_to("sendMessage"))
