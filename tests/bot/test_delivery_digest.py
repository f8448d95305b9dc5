"""No floods: a backlog, or news found long after it was published, goes out as one digest."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from storage.outbox import REASON_DIGEST
from tests.bot.delivery_support import T0, add_destination, event, queue, rows_of, store, uid
from tests.clock import Clock
from tests.fakes.adapters import ScriptedAdapter

__all__ = ["store"]

SETTINGS = DeliverySettings(digest_threshold=5, max_alert_age=7200)


def engine_for(
    store: Store, adapter: ScriptedAdapter, clock: Clock, settings: DeliverySettings = SETTINGS
) -> DeliveryEngine:
    return DeliveryEngine(store, [adapter], settings=settings, clock=clock, rng=random.Random(5))


async def test_more_than_the_threshold_waiting_becomes_one_digest(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake", digest_capacity=10), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(n) for n in range(1, 9)], [sub])
    stats = await engine_for(store, adapter, clock).deliver_due()
    (call,) = adapter.calls
    assert call.op == "digest" and call.uids == tuple(uid(n) for n in range(1, 9))
    assert call.text.startswith("8 berichten:")
    rows = await store.run(rows_of)
    assert {(r.status, r.reason, r.sent_ref) for r in rows} == {("sent", REASON_DIGEST, "m1")}
    assert (stats.digests, stats.digested, stats.sent) == (1, 8, 0)


async def test_at_the_threshold_alerts_still_go_one_by_one(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(n) for n in range(1, 6)], [sub])
    await engine_for(store, adapter, clock).deliver_due()
    assert [c.op for c in adapter.calls] == ["send"] * 5


async def test_a_digest_holds_at_most_the_adapters_capacity(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake", digest_capacity=4), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(n) for n in range(1, 14)], [sub])
    await engine_for(store, adapter, clock).deliver_due()
    assert [(c.op, len(c.uids)) for c in adapter.calls] == [
        ("digest", 4),
        ("digest", 4),
        ("send", 1),  # 5 left: no longer more than the threshold
        ("send", 1),
        ("send", 1),
        ("send", 1),
        ("send", 1),
    ]
    assert adapter.delivered_uids("fake:1") == [uid(n) for n in range(1, 14)]


async def test_an_edit_in_place_ends_the_digest_run_and_keeps_its_turn(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    engine = engine_for(store, adapter, clock)
    await store.run(queue, [event(1)], [sub])
    await engine.deliver_due()
    await store.run(queue, [event(2), event(3), event(1, version=2), *[event(n) for n in range(4, 8)]], [sub])
    await engine.deliver_due()
    assert [(c.op, c.uids) for c in adapter.calls] == [
        ("send", (uid(1),)),
        ("digest", (uid(2), uid(3))),
        ("edit", (uid(1),)),
        ("send", (uid(4),)),  # 4 left behind the edit: one by one
        ("send", (uid(5),)),
        ("send", (uid(6),)),
        ("send", (uid(7),)),
    ]


async def test_news_found_long_after_publication_goes_in_a_digest(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    old = event(1, published_at=T0 - timedelta(hours=3))
    older = event(4, published_at=T0 - timedelta(hours=4))
    fresh = event(2, published_at=T0 - timedelta(minutes=5))
    undated = event(3)
    await store.run(queue, [old, older, fresh, undated], [sub])
    await engine_for(store, adapter, clock).deliver_due()
    assert [(c.op, c.uids) for c in adapter.calls] == [
        ("digest", (uid(1), uid(4))),
        ("send", (uid(2),)),
        ("send", (uid(3),)),
    ]
    assert [r.reason for r in await store.run(rows_of)] == [REASON_DIGEST, REASON_DIGEST, "sent", "sent"]


async def test_one_late_item_is_an_alert_not_a_digest_of_one(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1, published_at=T0 - timedelta(hours=3)), event(2)], [sub])
    await engine_for(store, adapter, clock).deliver_due()
    assert [(c.op, c.uids) for c in adapter.calls] == [("send", (uid(1),)), ("send", (uid(2),))]


async def test_alerts_that_waited_through_downtime_go_in_a_digest(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    await store.run(queue, [event(3)], [sub], now=T0 + timedelta(hours=2, minutes=30))
    clock.advance(3 * 3600)  # the bot was down for three hours
    await engine_for(store, adapter, clock).deliver_due()
    assert [(c.op, c.uids) for c in adapter.calls] == [("digest", (uid(1), uid(2))), ("send", (uid(3),))]


async def test_two_versions_in_one_digest_show_the_latest_once(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(n) for n in range(1, 7)], [sub])
    await store.run(queue, [event(3, version=2)], [sub])
    await engine_for(store, adapter, clock).deliver_due()
    (call,) = adapter.calls
    assert call.uids == tuple(uid(n) for n in range(1, 7))
    assert call.versions == (1, 1, 2, 1, 1, 1)
    rows = await store.run(rows_of)
    assert len(rows) == 7 and {(r.status, r.reason) for r in rows} == {("sent", REASON_DIGEST)}
