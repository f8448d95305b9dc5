"""The outbox drained through `DiscordAdapter` into the fake: embeds, edits, webhooks, mentions, rate limits
on one channel, channels and webhooks that are gone. Real delivery engine, real SQLite, real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from bot.delivery import DeliveryEngine
from bot.discord.keys import channel_key, webhook_key
from bot.discord.settings import DiscordDestination
from storage.destinations import ensure_destination, get_destination, update_destination
from storage.models import ItemEvent
from storage.outbox import enqueue_alerts, list_outbox
from storage.subscriptions import set_subscription
from storage.transactions import transaction
from tests.bot.discord.conftest import NOW, Env, running, settings_for
from tests.bot.telegram.conftest import news
from tests.clock import Clock
from tests.fakes.discord import (
    MISSING_ACCESS,
    UNKNOWN_CHANNEL,
    UNKNOWN_WEBHOOK,
    FakeDiscord,
    Fault,
    rate_limited,
)

KYIV = news(
    "Russische raketten treffen Kyiv; @everyone moet schuilen.",
    title="Aanval op Kyiv",
    countries=("UA", "RU"),
    url="https://news.example/kyiv",
)
TOKIO = news("Zware aardbeving voor de kust van Japan.", place="TOKIO", countries=("JP",))


def queue(db: Database, keys: Sequence[str], events: Sequence[ItemEvent], *, now: datetime = NOW) -> None:
    """Each key subscribed to everything, then `events` queued for all of them, as a poll would."""
    with transaction(db):
        ids = []
        for key in keys:
            ensure_destination(db, key, now=now)
            ids.append(set_subscription(db, key, now=now, mode="all").id)
        enqueue_alerts(db, events, lambda event: ids, now=now)


def engine(env: Env, clock: Clock | None = None) -> DeliveryEngine:
    return DeliveryEngine(env.store, [env.runtime.adapter], clock=clock or Clock(NOW))


async def test_an_alert_is_one_embed_that_pings_nobody(env: Env) -> None:
    key = channel_key(env.channel.id)
    await env.store.run(queue, [key], [ItemEvent("new", "anp", KYIV, 1)])

    await engine(env).deliver_due()

    (message,) = env.fake.messages(env.channel)
    assert message.payload["allowed_mentions"] == {"parse": []}
    (embed,) = message.payload["embeds"]
    assert embed["title"] == "Aanval op Kyiv" and embed["url"] == "https://news.example/kyiv"
    assert "Russische raketten treffen Kyiv" in embed["description"]
    assert embed["author"]["name"] == "🇺🇦🇷🇺 KYIV (ANP)"
    assert embed["timestamp"] == "2026-11-27T12:00:00+00:00"
    assert embed["color"] == 0x2B7BB9  # Europe
    (row,) = await env.store.run(list_outbox, destination=key)
    assert row.status == "sent" and row.sent_ref == str(message.id)


async def test_without_a_title_the_place_is_the_title(env: Env) -> None:
    await env.store.run(queue, [channel_key(env.channel.id)], [ItemEvent("new", "anp", TOKIO, 1)])
    await engine(env).deliver_due()
    (message,) = env.fake.messages(env.channel)
    assert message.payload["embeds"][0]["title"] == "TOKIO"
    assert message.payload["embeds"][0]["color"] == 0xD4AC0D  # Asia-Pacific


async def test_an_edited_item_edits_the_message_it_sent(env: Env) -> None:
    key = channel_key(env.channel.id)
    await env.store.run(queue, [key], [ItemEvent("new", "anp", KYIV, 1)])
    clock = Clock(NOW)
    delivery = engine(env, clock)
    await delivery.deliver_due()
    edited = news(KYIV.text + " Tien doden.", title="Aanval op Kyiv", countries=("UA",), url=KYIV.url)
    clock.advance(60)
    await env.store.run(queue, [key], [ItemEvent("updated", "anp", edited, 2)], now=clock())

    await delivery.deliver_due()

    (message,) = env.fake.messages(env.channel)
    (edit,) = env.fake.edits(env.channel)
    assert edit.message_id == message.id
    assert "Tien doden" in message.payload["embeds"][0]["description"] or "Tien doden" in str(edit)
    assert message.edits and "Tien doden" in str(message.embeds)


async def test_a_role_is_mentioned_only_when_its_keyword_matches(env: Env) -> None:
    role = env.fake.add_role(env.guild, "breaking")
    key = channel_key(env.channel.id)
    await env.store.run(queue, [key], [])

    def mention(db: Database) -> None:
        update_destination(db, key, now=NOW, mention_role=str(role.id), mention_keywords=("aardbeving",))

    await env.store.run(mention)
    await env.store.run(queue, [key], [ItemEvent("new", "anp", KYIV, 1), ItemEvent("new", "anp", TOKIO, 1)])

    await engine(env).deliver_due()

    kyiv, tokio = env.fake.messages(env.channel)
    assert kyiv.payload["allowed_mentions"] == {"parse": []} and "content" not in kyiv.payload
    assert tokio.payload["content"] == f"<@&{role.id}>"
    assert tokio.payload["allowed_mentions"] == {"parse": [], "roles": [str(role.id)]}


async def test_a_429_pauses_that_channel_only_and_never_holds_up_the_others(env: Env) -> None:
    other = await env.fake.channel_create(env.guild, "tweede")
    first, second = channel_key(env.channel.id), channel_key(other.id)
    await env.store.run(queue, [first, second], [ItemEvent("new", "anp", KYIV, 1)])
    env.fake.fail("send_message", env.channel, rate_limited(120.0), times=None)
    clock = Clock(NOW)
    delivery = engine(env, clock)

    # a call sleeping through a 120 s rate limit would make this pass (and the test) time out
    await asyncio.wait_for(delivery.deliver_due(), timeout=10)
    await env.store.run(queue, [second], [ItemEvent("new", "anp", TOKIO, 1)])
    clock.advance(2)
    await asyncio.wait_for(delivery.deliver_due(), timeout=10)

    assert [m.payload["embeds"][0]["title"] for m in env.fake.messages(other)] == ["Aanval op Kyiv", "TOKIO"]
    assert env.fake.messages(env.channel) == []
    (row,) = await env.store.run(list_outbox, destination=first)
    assert row.status == "pending" and "429" in (row.last_error or "")
    assert (row.next_attempt_at - NOW).total_seconds() >= 119
    assert len(env.fake.calls_to("send_message", env.channel)) == 1  # no retry inside the rate limit

    env.fake.clear_faults()
    clock.advance(121)
    await delivery.deliver_due()
    assert len(env.fake.messages(env.channel)) == 1


async def test_an_exhausted_bucket_waits_without_a_request(env: Env) -> None:
    """`X-RateLimit-Remaining: 0` on a success: the next alert to that channel waits for the reset."""
    key = channel_key(env.channel.id)
    await env.store.run(queue, [key], [ItemEvent("new", "anp", KYIV, 1)])
    used_up = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "30.000", "X-RateLimit-Limit": "5"}
    env.fake.fail(
        "send_message", env.channel, Fault(200, {"id": "4242", "channel_id": str(env.channel.id)}, used_up)
    )
    await engine(env).deliver_due()
    await env.store.run(queue, [key], [ItemEvent("new", "anp", TOKIO, 1)])

    stats = await engine(env).deliver_due()

    assert len(env.fake.calls_to("send_message", env.channel)) == 1
    assert stats.rate_limited == 1
    rows = await env.store.run(list_outbox, destination=key)
    assert sorted((r.status, r.sent_ref) for r in rows) == [("pending", None), ("sent", "4242")]


async def test_missing_access_and_an_unknown_channel_switch_the_channel_off(env: Env) -> None:
    gone = await env.fake.channel_create(env.guild, "weg")
    first, second = channel_key(env.channel.id), channel_key(gone.id)
    await env.store.run(queue, [first, second], [ItemEvent("new", "anp", KYIV, 1)])
    env.fake.fail("send_message", env.channel, MISSING_ACCESS)
    env.fake.fail("send_message", gone, UNKNOWN_CHANNEL)

    await engine(env).deliver_due()

    for key, why in ((first, "Missing Access (50001)"), (second, "Unknown Channel (10003)")):
        dest = await env.store.run(get_destination, key)
        assert dest is not None and dest.disabled_reason is not None and why in dest.disabled_reason
        (row,) = await env.store.run(list_outbox, destination=key)
        assert row.status == "failed"
    status = await env.news("status")
    assert "Missing Access (50001)" in status.content


async def test_a_webhook_destination_posts_with_wait_and_edits_its_own_message(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.add_guild("Nieuws")
    channel = fake.add_channel(guild, "alerts")
    url = fake.webhook_url(channel)
    settings = settings_for(
        fake, destinations=(DiscordDestination(webhook_env="DISCORD_WEBHOOK_NEWS", countries=("UA",)),)
    )
    async with running(
        fake, tmp_path / "w.db", settings, token="", secrets={"DISCORD_WEBHOOK_NEWS": url}
    ) as runtime:
        hook = fake.world.webhooks[int(next(iter(runtime.webhooks.values())).id)]
        key = webhook_key(str(hook.id))
        clock = Clock(NOW)
        delivery = DeliveryEngine(runtime.commands.store, [runtime.adapter], clock=clock)

        def queue_for_the_file(db: Database, events: Sequence[ItemEvent], now: datetime) -> None:
            with transaction(db):
                sub_id = set_subscription(db, key, now=now, mode="filtered", countries=("UA",)).id
                enqueue_alerts(db, events, lambda event: [sub_id], now=now)

        await runtime.commands.store.run(queue_for_the_file, [ItemEvent("new", "anp", KYIV, 1)], NOW)
        await delivery.deliver_due()
        edited = news(KYIV.text + " Tien doden.", title="Aanval op Kyiv", countries=("UA",), url=KYIV.url)
        clock.advance(30)
        await runtime.commands.store.run(
            queue_for_the_file, [ItemEvent("updated", "anp", edited, 2)], clock()
        )
        await delivery.deliver_due()

    (call,) = fake.calls_to("execute_webhook")
    assert call.query.get("wait") == "true"
    (message,) = fake.messages(webhook=hook)
    assert message.payload["allowed_mentions"] == {"parse": []}
    (edit,) = fake.edits(webhook=hook)
    assert edit.message_id == message.id
    assert fake.identifies == []  # no token: no gateway, the webhook still posts
    assert hook.token not in str([c.path for c in fake.calls_to("get_me")])


async def test_a_deleted_webhook_switches_its_destination_off(fake: FakeDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Nieuws")
    channel = fake.add_channel(guild, "alerts")
    url = fake.webhook_url(channel)
    settings = settings_for(fake, destinations=(DiscordDestination(webhook_env="HOOK"),))
    async with running(fake, tmp_path / "w.db", settings, token="", secrets={"HOOK": url}) as runtime:
        (address,) = runtime.webhooks.values()
        key = webhook_key(address.id)
        fake.fail("execute_webhook", int(address.id), UNKNOWN_WEBHOOK)

        def queue_one(db: Database) -> None:
            with transaction(db):
                sub = set_subscription(db, key, now=NOW, mode="all")
                enqueue_alerts(db, [ItemEvent("new", "anp", KYIV, 1)], lambda event: [sub.id], now=NOW)

        await runtime.commands.store.run(queue_one)
        await DeliveryEngine(runtime.commands.store, [runtime.adapter], clock=Clock(NOW)).deliver_due()
        dest = await runtime.commands.store.run(get_destination, key)
    assert (
        dest is not None
        and dest.disabled_reason is not None
        and "Unknown Webhook (10015)" in dest.disabled_reason
    )
