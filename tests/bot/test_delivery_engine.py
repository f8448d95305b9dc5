"""The engine's life: background workers woken by `notify`, stop mid-send, recovery at start, the console."""

from __future__ import annotations

import asyncio
import io
import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.base import Adapter, RateLimit
from bot.adapters.console import CONSOLE_KEY, ConsoleAdapter, ensure_console_subscription
from bot.config import ConfigError, parse_settings
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from storage.outbox import claim_rows
from tests.bot.delivery_support import add_destination, event, queue, rows_of, store, uid
from tests.clock import Clock
from tests.fakes.adapters import ScriptedAdapter

__all__ = ["store"]

WAIT = 5.0  # seconds; every wait is on an event and ends as soon as it is set


async def wait_for_calls(adapter: ScriptedAdapter, count: int) -> None:
    async def until() -> None:
        while len([c for c in adapter.calls if c.ok]) < count:
            adapter.called.clear()
            await adapter.called.wait()

    await asyncio.wait_for(until(), WAIT)


async def test_notify_wakes_the_worker_for_newly_queued_alerts(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    sub = await store.run(add_destination, "fake:1")
    settings = DeliverySettings(idle_wait=3600)  # only `notify` can wake it in time
    async with DeliveryEngine(store, [adapter], settings=settings, clock=Clock()) as engine:
        assert engine.running
        await store.run(queue, [event(1), event(2)], [sub])
        engine.notify()
        await wait_for_calls(adapter, 2)
        await store.run(queue, [event(3)], [sub])
        engine.notify()
        await wait_for_calls(adapter, 3)
    assert not engine.running
    assert adapter.delivered_uids("fake:1") == [uid(1), uid(2), uid(3)]


async def test_stopping_mid_send_puts_the_message_back_in_the_queue(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    adapter.gate = asyncio.Event()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1)], [sub])
    engine = DeliveryEngine(store, [adapter], clock=Clock())
    await engine.start()
    await asyncio.wait_for(adapter.entered.wait(), WAIT)
    assert [r.status for r in await store.run(rows_of)] == ["sending"]
    await engine.stop()
    (row,) = await store.run(rows_of)
    assert (row.status, row.attempts) == ("pending", 1)
    assert adapter.calls == []


async def test_start_recovers_rows_a_crash_left_in_sending(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    ids = [r.id for r in await store.run(rows_of)]
    await store.run(claim_rows, ids[:1], now=clock())  # the previous process died here
    engine = DeliveryEngine(store, [adapter], clock=clock)
    assert await engine.recover() == 1
    assert [r.status for r in await store.run(rows_of)] == ["pending", "pending"]
    await engine.deliver_due()
    assert adapter.delivered_uids("fake:1") == [uid(1), uid(2)]


async def test_a_row_left_in_sending_by_no_live_worker_does_not_hold_its_chat(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    ids = [r.id for r in await store.run(rows_of)]
    async with DeliveryEngine(
        store, [adapter], settings=DeliverySettings(idle_wait=3600), clock=clock
    ) as engine:
        await store.run(claim_rows, ids[:1], now=clock())  # a worker that lost track of its message
        engine.notify()
        await wait_for_calls(adapter, 2)
    assert adapter.delivered_uids("fake:1") == [uid(1), uid(2)]
    assert [r.status for r in await store.run(rows_of)] == ["sent", "sent"]


async def test_recover_is_refused_while_the_workers_run(store: Store) -> None:
    async with DeliveryEngine(store, [ScriptedAdapter("fake")], clock=Clock()) as engine:
        with pytest.raises(RuntimeError, match="in flight"):
            await engine.recover()


async def test_each_platform_gets_its_own_worker(store: Store) -> None:
    telegram, discord = ScriptedAdapter("telegram"), ScriptedAdapter("discord")
    tg = await store.run(add_destination, "telegram:-1")
    dc = await store.run(add_destination, "discord:2")
    await store.run(queue, [event(1)], [tg, dc])
    stats = await DeliveryEngine(store, [telegram, discord], clock=Clock()).deliver_due()
    assert stats.sent == 2
    assert [c.destination for c in telegram.calls] == ["telegram:-1"]
    assert [c.destination for c in discord.calls] == ["discord:2"]
    with pytest.raises(ValueError, match="two adapters"):
        DeliveryEngine(store, [telegram, ScriptedAdapter("telegram")])


async def test_alerts_for_a_platform_without_adapter_wait(store: Store) -> None:
    sub = await store.run(add_destination, "telegram:-1")
    await store.run(queue, [event(1)], [sub])
    stats = await DeliveryEngine(store, [ScriptedAdapter("discord")], clock=Clock()).deliver_due()
    assert stats.messages == 0
    assert [r.status for r in await store.run(rows_of)] == ["pending"]


async def test_the_console_adapter_prints_alerts_edits_and_digests(store: Store) -> None:
    stream = io.StringIO()
    clock = Clock()
    subscription = await store.run(ensure_console_subscription, now=clock())
    assert (subscription.destination, subscription.mode) == (CONSOLE_KEY, "all")
    assert await store.run(ensure_console_subscription, now=clock()) == subscription
    sub = subscription.id
    adapter = ConsoleAdapter(stream)
    assert isinstance(adapter, Adapter) and isinstance(ScriptedAdapter(), Adapter)
    settings = DeliverySettings(digest_threshold=2)
    engine = DeliveryEngine(store, [adapter], settings=settings, clock=clock, rng=random.Random(1))
    await store.run(queue, [event(1, title="Kabinet valt", countries=("NL",))], [sub])
    await engine.deliver_due()
    await store.run(queue, [event(1, version=2, title="Kabinet gevallen", countries=("NL",))], [sub])
    await engine.deliver_due()
    await store.run(queue, [event(n) for n in range(2, 5)], [sub])
    await engine.deliver_due()
    blocks = stream.getvalue().split("\n#")
    assert blocks[0].startswith("#1 [NIEUW] 🇳🇱 DEN HAAG (ANP): Kabinet valt")
    assert blocks[1].startswith("2 (replaces #1) [BIJGEWERKT] 🇳🇱 DEN HAAG (ANP): Kabinet gevallen")
    assert blocks[2].startswith("3 3 berichten:")
    assert len(blocks) == 3
    rows = await store.run(rows_of)
    assert [r.sent_ref for r in rows] == ["1", "2", "3", "3", "3"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("digest_threshold", 0),
        ("max_alert_age", -1),
        ("transient_max_age", float("inf")),
        ("backoff_cap", 1.0),
        ("max_concurrency", 0),
        ("idle_wait", True),
    ],
)
def test_settings_out_of_range_are_refused(field: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"delivery.{field}"):
        parse_settings({"delivery": {field: value}}, tokens={}, path=None)


class CountingStore(Store):
    """A real store that counts the storage functions it runs."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.calls: Counter[str] = Counter()

    async def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls[fn.__name__] += 1
        return await super().run(fn, *args, **kwargs)


async def test_many_destinations_are_claimed_in_a_few_transactions(tmp_path: Path) -> None:
    adapter = ScriptedAdapter("fake")
    counting = CountingStore(tmp_path / "w.db")
    async with counting as opened:
        subs = [await opened.run(add_destination, f"fake:{n}") for n in range(40)]
        await opened.run(queue, [event(1)], subs)
        counting.calls.clear()
        stats = await DeliveryEngine(opened, [adapter], clock=Clock()).deliver_due()
    assert stats.sent == 40 and len(adapter.calls) == 40
    assert counting.calls["claim_units"] <= 2  # up to 4 x max_concurrency (32) destinations per claim
    assert counting.calls["record_outcomes"] <= 40 // 2  # outcomes that came in together share a write
    assert counting.calls["read_queues"] == 1


async def test_a_paced_fan_out_does_not_read_the_queues_again_while_it_waits(tmp_path: Path) -> None:
    adapter = ScriptedAdapter("fake", rate_limits=[RateLimit(3, 0.05, per_chat=False)])
    counting = CountingStore(tmp_path / "w.db")
    async with counting as opened:
        subs = [await opened.run(add_destination, f"fake:{n}") for n in range(12)]
        await opened.run(queue, [event(1)], subs)
        counting.calls.clear()
        settings = DeliverySettings(idle_wait=3600)
        async with DeliveryEngine(opened, [adapter], settings=settings):  # the real clock
            await wait_for_calls(adapter, 12)
    assert counting.calls["read_queues"] == 1  # at start; then the schedule knows who waits for what
    assert counting.calls["claim_units"] >= 4  # three at a time, as the limit allows


async def test_a_chat_whose_send_hangs_holds_back_no_other_chat(store: Store) -> None:
    """The quick chat's second alert waits for its own rate limit, not for the slow chat's answer."""
    adapter = ScriptedAdapter("fake", rate_limits=[RateLimit(1, 0.2, per_chat=True)])
    released = adapter.holds["fake:slow"] = asyncio.Event()
    slow = await store.run(add_destination, "fake:slow")
    quick = await store.run(add_destination, "fake:quick")
    now = datetime.now(UTC)
    await store.run(queue, [event(1)], [slow], now=now)
    await store.run(queue, [event(1), event(2)], [quick], now=now)
    settings = DeliverySettings(idle_wait=3600, digest_threshold=10)  # no refresh comes to the rescue
    async with DeliveryEngine(store, [adapter], settings=settings):  # the real clock: the limit is real time
        await wait_for_calls(adapter, 2)
        held = adapter.delivered("fake:slow")
        released.set()
        await wait_for_calls(adapter, 3)
    assert adapter.delivered_uids("fake:quick") == [uid(1), uid(2)]
    assert held == [] and adapter.delivered_uids("fake:slow") == [uid(1)]


async def test_an_alert_queued_while_a_send_hangs_goes_out_at_once(store: Store) -> None:
    """`notify` in the middle of a pass: the new alert does not wait for the hanging send to end."""
    adapter = ScriptedAdapter("fake")
    released = adapter.holds["fake:slow"] = asyncio.Event()
    slow = await store.run(add_destination, "fake:slow")
    quick = await store.run(add_destination, "fake:quick")
    now = datetime.now(UTC)
    await store.run(queue, [event(1)], [slow, quick], now=now)
    settings = DeliverySettings(idle_wait=3600)
    async with DeliveryEngine(store, [adapter], settings=settings) as engine:
        await wait_for_calls(adapter, 1)  # quick has the first alert; slow's hangs
        await store.run(queue, [event(2)], [slow, quick], now=now)
        engine.notify()
        await wait_for_calls(adapter, 2)
        held = adapter.delivered("fake:slow")
        released.set()
        await wait_for_calls(adapter, 4)
    assert held == []
    assert adapter.delivered_uids("fake:quick") == [uid(1), uid(2)]
    assert adapter.delivered_uids("fake:slow") == [uid(1), uid(2)]  # after its hanging send, in order
