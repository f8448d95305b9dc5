"""Edits at the source: edit the sent message, send a new one, or ignore it, per destination."""

from __future__ import annotations

import random

from bot.adapters.errors import NotModified, Rejected
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from storage.destinations import update_destination
from storage.models import EditPolicy
from storage.outbox import REASON_IGNORED_EDIT
from tests.bot.delivery_support import T0, add_destination, event, queue, rows_of, store, uid
from tests.clock import Clock
from tests.fakes.adapters import ScriptedAdapter

__all__ = ["store"]

SETTINGS = DeliverySettings(digest_threshold=50)


def engine_for(store: Store, adapter: ScriptedAdapter, clock: Clock) -> DeliveryEngine:
    return DeliveryEngine(store, [adapter], settings=SETTINGS, clock=clock, rng=random.Random(3))


async def sent_then_edited(
    store: Store, adapter: ScriptedAdapter, key: str, *, edit_policy: EditPolicy = "edit"
) -> DeliveryEngine:
    """Story 1 delivered to `key`, then its edit (version 2) queued."""
    clock = Clock()
    sub = await store.run(add_destination, key, edit_policy=edit_policy)
    await store.run(queue, [event(1)], [sub])
    engine = engine_for(store, adapter, clock)
    await engine.deliver_due()
    await store.run(queue, [event(1, version=2)], [sub], now=clock.advance(60))
    return engine


async def test_an_edit_replaces_the_message_already_sent(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1")
    stats = await engine.deliver_due()
    assert [(c.op, c.ref, c.versions) for c in adapter.calls] == [("send", "m1", (1,)), ("edit", "m1", (2,))]
    assert "[BIJGEWERKT]" in adapter.calls[1].text and "bijgewerkt 2" in adapter.calls[1].text
    v1, v2 = await store.run(rows_of)
    assert (v2.status, v2.reason, v2.sent_ref) == ("sent", "edited", "m1")
    assert stats.edited == 1 and v1.status == "sent"


async def test_not_modified_counts_as_done(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1")
    adapter.script("fake:1", NotModified("message is not modified"))
    stats = await engine.deliver_due()
    v2 = (await store.run(rows_of))[1]
    assert (v2.status, v2.reason, v2.sent_ref) == ("sent", "not modified", "m1")
    assert stats.not_modified == 1 and stats.retried == 0


async def test_policy_new_sends_the_edit_as_another_message(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1", edit_policy="new")
    await engine.deliver_due()
    assert [c.op for c in adapter.calls] == ["send", "send"]
    v2 = (await store.run(rows_of))[1]
    assert (v2.status, v2.reason, v2.sent_ref) == ("sent", "sent as a new message", "m2")


async def test_policy_ignore_records_the_edit_as_dropped(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1", edit_policy="ignore")
    await engine.deliver_due()
    assert [c.op for c in adapter.calls] == ["send"]
    v2 = (await store.run(rows_of))[1]
    assert (v2.status, v2.reason) == ("dropped", REASON_IGNORED_EDIT)


async def test_switching_to_ignore_after_queueing_still_drops_the_edit(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1")
    await store.run(update_destination, "fake:1", now=T0, edit_policy="ignore")
    stats = await engine.deliver_due()
    v2 = (await store.run(rows_of))[1]
    assert (v2.status, v2.reason, stats.dropped) == ("dropped", REASON_IGNORED_EDIT, 1)
    assert len(adapter.calls) == 1


async def test_an_edit_of_an_unsent_version_supersedes_it(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    await store.run(queue, [event(1, version=2)], [sub], now=clock.advance(60))
    stats = await engine_for(store, adapter, clock).deliver_due()
    assert [(c.op, c.uids[0], c.versions) for c in adapter.calls] == [
        ("send", uid(2), (1,)),
        ("send", uid(1), (2,)),
    ]
    v1 = (await store.run(rows_of))[0]
    assert (v1.status, v1.reason, stats.dropped) == (
        "dropped",
        "superseded by version 2 before it was sent",
        1,
    )


async def test_a_rejected_edit_goes_out_as_a_new_message(store: Store) -> None:
    adapter = ScriptedAdapter("fake")
    engine = await sent_then_edited(store, adapter, "fake:1")
    adapter.script("fake:1", Rejected("message to edit not found"))
    await engine.deliver_due()
    assert [(c.op, c.ok, c.plain) for c in adapter.calls] == [
        ("send", True, False),
        ("edit", False, False),
        ("send", True, False),
    ]
    v2 = (await store.run(rows_of))[1]
    assert (v2.status, v2.reason, v2.sent_ref, v2.as_new) == ("sent", "sent as a new message", "m2", True)


async def test_an_item_delivered_in_a_digest_is_not_edited_in_place(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    settings = DeliverySettings(digest_threshold=2)
    engine = DeliveryEngine(store, [adapter], settings=settings, clock=clock, rng=random.Random(1))
    await store.run(queue, [event(1), event(2), event(3)], [sub])
    await engine.deliver_due()
    assert [c.op for c in adapter.calls] == ["digest"]
    await store.run(queue, [event(2, version=2)], [sub], now=clock.advance(60))
    await engine.deliver_due()
    assert [c.op for c in adapter.calls] == ["digest", "send"]
    assert adapter.calls[1].versions == (2,)
