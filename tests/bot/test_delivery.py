"""The delivery engine against a scripted platform: order, refs, rate limits, and every error path."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.adapters.errors import RateLimited, Rejected, TargetGone, TargetMoved, Transient
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from storage.destinations import get_destination, set_destination_paused
from storage.subscriptions import get_subscription, list_active_subscriptions
from tests.bot.delivery_support import T0, add_destination, event, queue, rows_of, store, uid
from tests.clock import Clock
from tests.fakes.adapters import ScriptedAdapter

__all__ = ["store"]  # the fixture, imported for pytest

SETTINGS = DeliverySettings(digest_threshold=50, backoff_base=10, backoff_cap=600, transient_max_age=3600)


def engine_for(
    store: Store, adapter: ScriptedAdapter, clock: Clock, settings: DeliverySettings = SETTINGS
) -> DeliveryEngine:
    return DeliveryEngine(store, [adapter], settings=settings, clock=clock, rng=random.Random(7))


async def test_alerts_go_out_once_in_queue_order_with_their_refs(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2), event(3)], [sub])
    stats = await engine_for(store, adapter, clock).deliver_due()
    assert adapter.delivered_uids("fake:1") == [uid(1), uid(2), uid(3)]
    assert [c.op for c in adapter.calls] == ["send", "send", "send"]
    rows = await store.run(rows_of)
    assert [(r.status, r.reason, r.sent_ref, r.attempts) for r in rows] == [
        ("sent", "sent", "m1", 1),
        ("sent", "sent", "m2", 1),
        ("sent", "sent", "m3", 1),
    ]
    assert (stats.sent, stats.messages, stats.next_due) == (3, 3, None)
    assert (await engine_for(store, adapter, clock).deliver_due()).messages == 0
    assert len(adapter.calls) == 3


async def test_alerts_are_formatted_in_the_destinations_language(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub_nl = await store.run(add_destination, "fake:nl")
    sub_en = await store.run(add_destination, "fake:en", language="en")
    await store.run(queue, [event(1, title="Titel")], [sub_nl, sub_en])
    await engine_for(store, adapter, clock).deliver_due()
    texts = {c.destination: c.text for c in adapter.calls}
    assert texts["fake:nl"].startswith("[NIEUW]") and texts["fake:en"].startswith("[NEW]")


async def test_per_chat_and_per_group_limits_space_the_messages(store: Store) -> None:
    adapter, clock = ScriptedAdapter("telegram", rate_limits=TELEGRAM_RATE_LIMITS), Clock()
    group = await store.run(add_destination, "telegram:-100")
    private = await store.run(add_destination, "telegram:42")
    await store.run(queue, [event(n) for n in range(1, 4)], [group, private])
    engine = engine_for(store, adapter, clock)
    stats = await engine.deliver_due()
    assert (len(adapter.delivered("telegram:-100")), len(adapter.delivered("telegram:42"))) == (1, 1)
    assert stats.next_due == T0 + timedelta(seconds=1)  # one message per chat per second
    clock.advance(1)
    await engine.deliver_due()
    clock.advance(1)
    await engine.deliver_due()
    assert adapter.delivered_uids("telegram:-100") == [uid(1), uid(2), uid(3)]
    assert adapter.delivered_uids("telegram:42") == [uid(1), uid(2), uid(3)]


async def test_the_platform_wide_limit_holds_back_the_thirty_first_chat(store: Store) -> None:
    adapter, clock = ScriptedAdapter("telegram", rate_limits=TELEGRAM_RATE_LIMITS), Clock()
    subs = [await store.run(add_destination, f"telegram:{n}") for n in range(1, 32)]
    await store.run(queue, [event(1)], subs)
    engine = engine_for(store, adapter, clock)
    first = await engine.deliver_due()
    assert first.sent == 30 and first.next_due == T0 + timedelta(seconds=1)
    clock.advance(1)
    assert (await engine.deliver_due()).sent == 1


async def test_a_429_pauses_that_destination_only(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    limited = await store.run(add_destination, "fake:limited")
    other = await store.run(add_destination, "fake:other")
    await store.run(queue, [event(1), event(2)], [limited, other])
    adapter.script("fake:limited", RateLimited(30))
    engine = engine_for(store, adapter, clock)
    stats = await engine.deliver_due()
    assert adapter.delivered_uids("fake:other") == [uid(1), uid(2)]
    assert adapter.delivered_uids("fake:limited") == []
    assert (stats.rate_limited, stats.next_due) == (1, T0 + timedelta(seconds=30))
    head = (await store.run(rows_of, "fake:limited"))[0]
    assert (head.status, head.next_attempt_at, head.last_error) == (
        "pending",
        T0 + timedelta(seconds=30),
        "RateLimited: rate limited: retry after 30s",
    )
    clock.advance(29)
    assert (await engine.deliver_due()).messages == 0
    clock.advance(1)
    await engine.deliver_due()
    assert adapter.delivered_uids("fake:limited") == [uid(1), uid(2)]


async def test_transient_failures_back_off_exponentially_with_jitter(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    adapter.script("fake:1", Transient("timeout"), Transient("timeout"), Transient("502"))
    engine = engine_for(store, adapter, clock)
    waits = []
    for _ in range(3):
        stats = await engine.deliver_due()
        assert stats.retried == 1 and stats.next_due is not None
        waits.append((stats.next_due - clock.now).total_seconds())
        clock.to(stats.next_due)
    assert 5 <= waits[0] <= 10 and 10 <= waits[1] <= 20 and 20 <= waits[2] <= 40
    await engine.deliver_due()
    assert adapter.delivered_uids("fake:1") == [uid(1), uid(2)]  # the one behind waited its turn
    first = (await store.run(rows_of))[0]
    assert (first.status, first.attempts, first.last_error) == ("sent", 4, None)


async def test_transient_failures_expire_at_the_max_age_and_the_queue_moves_on(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    adapter.script_uid(uid(1), *[Transient("timeout")] * 40)
    engine = engine_for(store, adapter, clock)
    for _ in range(40):
        stats = await engine.deliver_due()
        if stats.expired:
            break
        assert stats.next_due is not None
        clock.to(stats.next_due)
    first = (await store.run(rows_of))[0]
    assert first.status == "expired"
    assert first.reason is not None and first.reason.startswith(f"gave up after {first.attempts} attempt(s)")
    assert "Transient: timeout" in first.reason
    attempts = [c for c in adapter.calls if uid(1) in c.uids]
    assert clock.now - T0 == timedelta(seconds=SETTINGS.transient_max_age)  # last try exactly at the max age
    assert len(attempts) == first.attempts
    assert adapter.delivered_uids("fake:1") == [uid(2)]  # went right after, in the same pass


async def test_a_gone_destination_is_disabled_its_admin_told_and_its_queue_failed(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2), event(3)], [sub])
    adapter.script("fake:1", TargetGone("Forbidden: bot was blocked by the user"))
    stats = await engine_for(store, adapter, clock).deliver_due()
    rows = await store.run(rows_of)
    assert [(r.status, r.reason) for r in rows] == [
        ("failed", "destination gone: Forbidden: bot was blocked by the user"),
        ("failed", "destination disabled: Forbidden: bot was blocked by the user"),
        ("failed", "destination disabled: Forbidden: bot was blocked by the user"),
    ]
    assert (stats.failed, stats.disabled) == (3, 1)
    dest = await store.run(get_destination, "fake:1")
    assert dest is not None and dest.disabled_reason == "Forbidden: bot was blocked by the user"
    (notice,) = [c for c in adapter.calls if c.op == "notify"]
    assert notice.destination == "fake:1" and "bot was blocked by the user" in notice.text
    assert await store.run(list_active_subscriptions) == []


async def test_a_migrated_chat_is_rekeyed_and_the_alert_resent_there(store: Store) -> None:
    adapter, clock = ScriptedAdapter("telegram"), Clock()
    sub = await store.run(add_destination, "telegram:-123")
    await store.run(queue, [event(1), event(2)], [sub])
    adapter.script("telegram:-123", TargetMoved("telegram:-100123"))
    engine = engine_for(store, adapter, clock)
    stats = await engine.deliver_due()
    assert stats.moved == 1
    assert adapter.delivered_uids("telegram:-100123") == [uid(1), uid(2)]
    assert adapter.delivered("telegram:-123") == []
    subscription = await store.run(get_subscription, "telegram:-100123")
    assert subscription is not None and subscription.id == sub
    assert {r.destination for r in await store.run(rows_of)} == {"telegram:-100123"}


async def test_a_destination_that_moves_to_itself_fails_the_alert(store: Store) -> None:
    adapter, clock = ScriptedAdapter("telegram"), Clock()
    sub = await store.run(add_destination, "telegram:-1")
    await store.run(queue, [event(1)], [sub])
    adapter.script("telegram:-1", TargetMoved("telegram:-1"))
    await engine_for(store, adapter, clock).deliver_due()
    (row,) = await store.run(rows_of)
    assert row.status == "failed" and row.reason is not None and "keeps moving" in row.reason


async def test_a_rejected_message_is_retried_once_in_plain_form(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1), event(2)], [sub])
    adapter.script("fake:1", Rejected("can't parse entities"), None, Rejected("bad"), Rejected("still bad"))
    await engine_for(store, adapter, clock).deliver_due()
    assert [(c.plain, c.ok) for c in adapter.calls] == [
        (False, False),
        (True, True),
        (False, False),
        (True, False),
    ]
    first, second = await store.run(rows_of)
    assert (first.status, first.reason) == ("sent", "sent (plain form)")
    assert second.status == "failed"
    assert second.reason == "rejected by fake even in plain form: still bad"
    assert second.last_error == "Rejected: still bad"


async def test_an_unexpected_exception_counts_as_transient(store: Store) -> None:
    class Broken(ScriptedAdapter):
        async def send(self, destination, alert, *, plain=False):  # type: ignore[no-untyped-def]
            raise KeyError("library bug")

    adapter, clock = Broken("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1)], [sub])
    stats = await engine_for(store, adapter, clock).deliver_due()
    (row,) = await store.run(rows_of)
    assert (row.status, row.last_error, stats.retried) == ("pending", "Transient: KeyError: 'library bug'", 1)


async def test_a_paused_destination_keeps_its_queue_until_resumed(store: Store) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    sub = await store.run(add_destination, "fake:1")
    await store.run(queue, [event(1)], [sub])
    await store.run(set_destination_paused, "fake:1", True, now=T0)
    engine = engine_for(store, adapter, clock)
    assert (await engine.deliver_due()).messages == 0
    assert [r.status for r in await store.run(rows_of)] == ["pending"]
    await store.run(set_destination_paused, "fake:1", False, now=T0)
    await engine.deliver_due()
    assert adapter.delivered_uids("fake:1") == [uid(1)]


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_many_destinations_each_keep_their_own_order(store: Store, concurrency: int) -> None:
    adapter, clock = ScriptedAdapter("fake"), Clock()
    subs = [await store.run(add_destination, f"fake:{n}") for n in range(6)]
    rng = random.Random(concurrency)
    expected: dict[str, list[str]] = {f"fake:{n}": [] for n in range(6)}
    for n in range(1, 13):
        chosen = [s for s in subs if rng.random() < 0.6]
        await store.run(queue, [event(n)], chosen)
        for sub in chosen:
            expected[f"fake:{subs.index(sub)}"].append(uid(n))
    adapter.script("fake:2", Transient("timeout"))
    settings = DeliverySettings(digest_threshold=50, max_concurrency=concurrency)
    engine = engine_for(store, adapter, clock, settings)
    for _ in range(5):
        stats = await engine.deliver_due()
        if stats.next_due is None:
            break
        clock.to(stats.next_due)
    assert {key: adapter.delivered_uids(key) for key in expected} == expected
