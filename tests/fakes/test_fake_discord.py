"""The fake Discord, driven by the real discord.py (REST + gateway over 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakes.discord import (
    DISCONNECT,
    FAST,
    MANAGE_GUILD,
    MISSING_PERMISSIONS,
    SEND_MESSAGES,
    SERVICE_UNAVAILABLE,
    UNKNOWN_CHANNEL,
    UNKNOWN_WEBHOOK,
    Channel,
    FakeDiscord,
    Guild,
    Overwrite,
    Role,
    User,
    rate_limited,
    running,
)
from tests.fakes.discord.fixtures import fake_discord, make_fake_discord

__all__ = ["fake_discord", "make_fake_discord"]  # the fixtures, imported for pytest

GUILDS_ONLY = discord.Intents.none() | discord.Intents(guilds=True)


@dataclass
class Scene:
    fake: FakeDiscord
    guild: Guild
    alerts: Channel
    thread: Channel
    admins: Role
    alice: User


@pytest.fixture
def scene(fake_discord: FakeDiscord) -> Scene:
    fake = fake_discord
    guild = fake.add_guild("Nieuwsredactie", preferred_locale="nl")
    alerts = fake.add_channel(guild, "alerts")
    thread = fake.add_thread(alerts, "oekraine")
    admins = fake.add_role(guild, "Beheer", permissions=MANAGE_GUILD)
    alice = fake.add_user("alice", global_name="Alice")
    fake.add_member(guild, alice, roles=[admins])
    return Scene(fake, guild, alerts, thread, admins, alice)


def new_client(**kwargs: object) -> discord.Client:
    return discord.Client(intents=GUILDS_ONLY, **FAST, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def client(scene: Scene) -> AsyncIterator[discord.Client]:
    bot = new_client()
    async with running(bot, scene.fake):
        yield bot


# --- connecting ------------------------------------------------------------------------------------------


async def test_login_ready_and_guild_create(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    assert client.user is not None and client.user.id == fake.bot.id
    assert client.application_id == fake.application_id
    guild = client.get_guild(scene.guild.id)
    assert guild is not None and guild.name == "Nieuwsredactie"
    assert guild.preferred_locale is discord.Locale.dutch
    channel = guild.get_channel(scene.alerts.id)
    assert isinstance(channel, discord.TextChannel) and channel.name == "alerts"
    thread = guild.get_thread(scene.thread.id)
    assert thread is not None and thread.parent_id == scene.alerts.id
    assert guild.get_role(scene.admins.id) is not None
    assert guild.me is not None and guild.me.id == fake.bot.id
    [identify] = fake.identifies
    assert identify["intents"] == 1
    assert identify["token"] == fake.token
    assert [c.route for c in fake.calls[:2]] == ["get_me", "application_info"]
    await asyncio.wait_for(client.wait_until_ready(), 1)


async def test_the_gateway_speaks_zlib_stream_when_asked_or_text(
    make_fake_discord: Callable[..., Awaitable[FakeDiscord]],
) -> None:
    for compress in (True, False):
        fake = await make_fake_discord(compress=compress)
        fake.add_guild()
        bot = new_client()
        async with running(bot, fake):
            assert len(bot.guilds) == 1
        [connection] = fake.gateway.connections
        assert connection.query["compress"] == "zlib-stream" and connection.compressed is compress


async def test_running_raises_what_start_raised(scene: Scene) -> None:
    scene.fake.rest.token = "rotated"
    with pytest.raises(discord.LoginFailure):
        async with running(new_client(), scene.fake):
            pytest.fail("the client should not have started")


async def test_a_wrong_token_is_a_login_failure(scene: Scene) -> None:
    bot = new_client()
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()
    assert scene.fake.calls[-1].status == 401


async def test_answers_carry_exact_json_type_and_ample_rate_limit_headers(scene: Scene) -> None:
    fake = scene.fake
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {fake.token}"}
        async with session.get(f"{fake.api_base}/channels/{scene.alerts.id}", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert int(resp.headers["X-RateLimit-Remaining"]) > 1
            assert {"X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Reset-After"} <= set(resp.headers)
            assert (await resp.json())["name"] == "alerts"
        async with session.get(f"{fake.api_base}/channels/1", headers=headers) as resp:
            assert (resp.status, (await resp.json())["code"]) == (404, 10003)
        async with session.get(f"{fake.api_base}/nowhere", headers=headers) as resp:
            assert resp.status == 404


# --- application commands ------------------------------------------------------------------------------------


def news_tree(client: discord.Client, seen: list[tuple[str, object]]) -> app_commands.CommandTree:
    tree = app_commands.CommandTree(client)
    news = app_commands.Group(name="news", description="Breaking news alerts")
    countries = app_commands.Group(name="countries", description="Countries to follow", parent=news)

    @countries.command(name="add", description="Follow a country")
    async def add(interaction: discord.Interaction, country: str) -> None:
        seen.append(("add", (country, interaction.locale, interaction.permissions.manage_guild)))
        await interaction.response.send_message(f"Following {country}", ephemeral=True)

    @add.autocomplete("country")
    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = {"UA": "Ukraine", "US": "United States", "NL": "Netherlands"}
        return [
            app_commands.Choice(name=n, value=c) for c, n in names.items() if c.startswith(current.upper())
        ]

    @news.command(name="subscribe", description="Send alerts to a channel")
    async def subscribe(
        interaction: discord.Interaction, channel: discord.TextChannel, keywords: int = 0
    ) -> None:
        seen.append(("subscribe", (channel.id, keywords)))
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="Working...")
        await interaction.edit_original_response(content=f"Subscribed {channel.mention}")
        await interaction.followup.send("One more thing", ephemeral=True)

    @news.command(name="notify", description="Mention a role in alerts")
    async def notify(interaction: discord.Interaction, role: discord.Role) -> None:
        seen.append(("notify", (role.id, role.name)))
        await interaction.response.send_message(f"Will mention {role.name}")

    tree.add_command(news)
    return tree


@dataclass
class NewsBot:
    client: discord.Client
    tree: app_commands.CommandTree
    seen: list[tuple[str, object]]


@pytest.fixture
async def news_bot(scene: Scene) -> AsyncIterator[NewsBot]:
    bot = new_client()
    seen: list[tuple[str, object]] = []
    tree = news_tree(bot, seen)
    async with running(bot, scene.fake):
        await tree.sync()
        await tree.sync(guild=discord.Object(scene.guild.id))  # nothing for the guild: an empty list
        yield NewsBot(bot, tree, seen)


async def test_tree_sync_is_recorded_and_answered_with_ids(scene: Scene, news_bot: NewsBot) -> None:
    fake = scene.fake
    (scope, sent), (guild_scope, guild_sent) = fake.command_syncs
    assert scope is None and guild_scope == scene.guild.id and guild_sent == []
    [news] = sent
    assert news["name"] == "news"
    by_name = {o["name"]: o for o in news["options"]}
    assert by_name["countries"]["type"] == 2
    assert by_name["countries"]["options"][0]["name"] == "add"
    assert by_name["subscribe"]["type"] == 1
    [registered] = fake.commands()
    assert int(registered["id"]) and registered["application_id"] == str(fake.application_id)
    [fetched] = await news_bot.tree.fetch_commands()
    assert fetched.id == int(registered["id"]) and fetched.name == "news"


async def test_a_slash_command_is_answered_ephemerally(scene: Scene, news_bot: NewsBot) -> None:
    seen = news_bot.seen
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "UA"}, locale="nl"
    )
    assert reply.content == "Following UA"
    assert reply.flags == 64 and reply.ephemeral
    assert reply.callback_type == 4 and reply.raw is not None and reply.raw["data"]["flags"] == 64
    assert seen == [("add", ("UA", discord.Locale.dutch, True))]  # Alice's role has Manage Server


async def test_permissions_can_be_set_per_interaction(scene: Scene, news_bot: NewsBot) -> None:
    seen = news_bot.seen
    await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "NL"}, permissions=0
    )
    assert seen == [("add", ("NL", discord.Locale.american_english, False))]


async def test_role_options_are_resolved(scene: Scene, news_bot: NewsBot) -> None:
    seen = news_bot.seen
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news notify", {"role": scene.admins}
    )
    assert reply.content == "Will mention Beheer" and not reply.ephemeral
    assert seen == [("notify", (scene.admins.id, "Beheer"))]
    data = scene.fake.interactions[-1].payload["data"]
    assert data["options"][0]["options"] == [{"name": "role", "type": 8, "value": str(scene.admins.id)}]
    assert list(data["resolved"]["roles"]) == [str(scene.admins.id)]


async def test_a_slash_command_in_a_dm(scene: Scene, news_bot: NewsBot) -> None:
    reply = await scene.fake.interact(None, 555, scene.alice, "news countries add", {"country": "US"})
    assert reply.content == "Following US"
    assert scene.fake.interactions[-1].payload["context"] == 1


async def test_autocomplete_returns_the_choices(scene: Scene, news_bot: NewsBot) -> None:
    reply = await scene.fake.autocomplete(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "u"}, focused="country"
    )
    assert reply.callback_type == 8
    assert reply.choices == [{"name": "Ukraine", "value": "UA"}, {"name": "United States", "value": "US"}]


async def test_a_deferred_answer_resolves_to_its_final_edit_and_keeps_followups(
    scene: Scene, news_bot: NewsBot
) -> None:
    seen = news_bot.seen
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news subscribe", {"channel": scene.alerts, "keywords": 3}
    )
    assert reply.deferred and reply.ephemeral
    [followup] = await reply.wait_for_followups(1)
    assert reply.content == f"Subscribed <#{scene.alerts.id}>"
    assert [e["content"] for e in reply.original.edits] == ["Working...", f"Subscribed <#{scene.alerts.id}>"]  # type: ignore[union-attr]
    assert followup.content == "One more thing" and followup.ephemeral
    assert seen == [("subscribe", (scene.alerts.id, 3))]
    routes = [c.route for c in scene.fake.calls if c.target == reply.id]
    assert routes == ["interaction_callback", "edit_original", "edit_original", "followup"]
    assert scene.fake.messages(scene.alerts) == []  # interaction replies are not channel posts


async def test_the_fake_refuses_commands_the_discord_client_could_not_send(
    scene: Scene, news_bot: NewsBot
) -> None:
    fake = scene.fake
    with pytest.raises(ValueError, match="no subcommand"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news nothing")
    with pytest.raises(ValueError, match="missing required"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news countries add", {})
    with pytest.raises(ValueError, match="is a group"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news countries")


# --- posting -------------------------------------------------------------------------------------------------


def alert_embed() -> discord.Embed:
    embed = discord.Embed(
        title="Explosies in Kyiv", description="Luchtalarm in heel Oekraïne", url="https://example.org/1"
    )
    embed.add_field(name="Bron", value="ANP")
    return embed


async def test_a_channel_message_is_recorded_with_its_json(scene: Scene, client: discord.Client) -> None:
    channel = client.get_channel(scene.alerts.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send(embed=alert_embed(), allowed_mentions=discord.AllowedMentions.none())
    [message] = await scene.fake.wait_for_messages(scene.alerts, 1)
    assert message.payload["allowed_mentions"] == {"parse": []}
    assert message.allowed_mentions == {"parse": []}
    assert message.embeds[0]["title"] == "Explosies in Kyiv"
    assert message.embeds[0]["fields"] == [{"name": "Bron", "value": "ANP", "inline": True}]
    assert "content" not in message.payload or message.payload["content"] is None
    assert sent.id == message.id and sent.author.id == scene.fake.bot.id
    assert sent.embeds[0].title == "Explosies in Kyiv" and sent.channel.id == scene.alerts.id


async def test_a_message_edit_is_recorded_in_order(scene: Scene, client: discord.Client) -> None:
    channel = client.get_partial_messageable(scene.thread.id)
    sent = await channel.send("first")
    edited = await sent.edit(content="second", embed=alert_embed())
    assert edited.content == "second"
    [edit] = await scene.fake.wait_for_edits(1, scene.thread)
    assert edit.payload["content"] == "second" and edit.message_id == sent.id
    [message] = scene.fake.messages(scene.thread)
    assert message.content == "second" and message.embeds[0]["title"] == "Explosies in Kyiv"
    assert message.payload["content"] == "first"


async def test_the_fake_applies_discord_limits(scene: Scene, client: discord.Client) -> None:
    channel = client.get_partial_messageable(scene.alerts.id)
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    with pytest.raises(discord.HTTPException) as empty:
        await channel.send(embeds=[])
    assert empty.value.code == 50006


async def test_a_webhook_sends_with_wait_and_edits(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    url = fake.webhook_url(scene.alerts, "Wirewatch NL")
    async with aiohttp.ClientSession() as session:
        webhook = discord.Webhook.from_url(url, session=session)
        sent = await webhook.send(
            embed=alert_embed(), wait=True, allowed_mentions=discord.AllowedMentions.none()
        )
        await webhook.edit_message(sent.id, content="update")
        await webhook.send("no wait")  # wait=False: 204, nothing to parse
    [first, second] = await fake.wait_for_webhook_messages(webhook.id, 2)
    assert sent.id == first.id and sent.author.name == "Wirewatch NL" and sent.webhook_id == webhook.id
    assert first.content == "update" and first.payload["allowed_mentions"] == {"parse": []}
    assert second.content == "no wait"
    assert [e.payload["content"] for e in fake.edits(webhook=webhook.id)] == ["update"]
    assert fake.messages(scene.alerts) == [first, second]
    assert all(c.query.get("wait") in ("1", "0") for c in fake.calls_to("execute_webhook"))


# --- faults --------------------------------------------------------------------------------------------------


async def test_a_429_is_waited_out_then_the_message_goes(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    fake.fail("send_message", scene.alerts, rate_limited(0.05))
    await client.get_partial_messageable(scene.alerts.id).send("after the wait")
    first, second = fake.calls_to("send_message", scene.alerts)
    assert (first.status, second.status) == (429, 200)
    assert [m.content for m in fake.messages(scene.alerts)] == ["after the wait"]


async def test_a_long_429_raises_rate_limited(scene: Scene) -> None:
    bot = new_client(max_ratelimit_timeout=30.0)
    async with running(bot, scene.fake):
        scene.fake.fail("send_message", scene.alerts, rate_limited(60))
        with pytest.raises(discord.RateLimited) as limited:
            await bot.get_partial_messageable(scene.alerts.id).send("too soon")
    assert limited.value.retry_after == 60


async def test_a_429_on_a_webhook_is_retried(scene: Scene) -> None:
    hook = scene.fake.add_webhook(scene.alerts)
    scene.fake.fail("execute_webhook", hook, rate_limited(0.05))
    async with aiohttp.ClientSession() as session:
        await discord.Webhook.from_url(hook.url, session=session).send("hello", wait=True)
    assert [c.status for c in scene.fake.calls_to("execute_webhook")] == [429, 200]


async def test_forbidden_and_not_found_carry_discord_codes(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    fake.fail("send_message", scene.alerts, MISSING_PERMISSIONS)
    with pytest.raises(discord.Forbidden) as forbidden:
        await client.get_partial_messageable(scene.alerts.id).send("x")
    assert forbidden.value.code == 50013
    fake.fail("send_message", scene.alerts, UNKNOWN_CHANNEL)
    with pytest.raises(discord.NotFound) as injected:
        await client.get_partial_messageable(scene.alerts.id).send("x")
    assert injected.value.code == 10003
    with pytest.raises(discord.NotFound) as unknown:
        await client.get_partial_messageable(1234567890123456789).send("x")
    assert unknown.value.code == 10003
    await client.get_partial_messageable(scene.alerts.id).send("fine again")


async def test_webhook_faults(scene: Scene) -> None:
    hook = scene.fake.add_webhook(scene.alerts)
    scene.fake.fail("execute_webhook", hook, UNKNOWN_WEBHOOK)
    async with aiohttp.ClientSession() as session:
        webhook = discord.Webhook.from_url(hook.url, session=session)
        with pytest.raises(discord.NotFound) as injected:
            await webhook.send("x", wait=True)
        await scene.fake.channel_delete(scene.alerts)  # no client connected: nobody to tell
        with pytest.raises(discord.NotFound) as gone:
            await webhook.send("x", wait=True)
    assert injected.value.code == gone.value.code == 10015


async def test_channel_overwrites_are_enforced_by_the_fake(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    muted = fake.add_channel(
        scene.guild, "read-only", overwrites=[Overwrite(scene.guild.id, deny=SEND_MESSAGES)]
    )
    hidden = fake.add_channel(scene.guild, "hidden", overwrites=[Overwrite(scene.guild.id, deny=1 << 10)])
    with pytest.raises(discord.Forbidden) as missing_permissions:
        await client.get_partial_messageable(muted.id).send("x")
    with pytest.raises(discord.Forbidden) as missing_access:
        await client.get_partial_messageable(hidden.id).send("x")
    assert (missing_permissions.value.code, missing_access.value.code) == (50013, 50001)


async def test_an_outage_answers_503_then_recovers(scene: Scene, client: discord.Client) -> None:
    fake = scene.fake
    await fake.outage("503")
    with pytest.raises(discord.DiscordServerError) as unavailable:
        await client.get_partial_messageable(scene.alerts.id).send("x")
    assert unavailable.value.status == 503
    await fake.end_outage()
    await client.get_partial_messageable(scene.alerts.id).send("back")


async def test_a_refusing_outage_is_a_connection_error_then_recovers(
    scene: Scene, client: discord.Client
) -> None:
    fake = scene.fake
    await fake.outage("refuse")
    for _ in range(2):  # dropped on a kept-alive connection, refused on a new one
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.get_partial_messageable(scene.alerts.id).send("x")
    await fake.end_outage()
    await client.get_partial_messageable(scene.alerts.id).send("back")
    assert [m.content for m in fake.messages(scene.alerts)] == ["back"]


async def test_a_disconnect_fault_drops_one_request(scene: Scene, client: discord.Client) -> None:
    scene.fake.fail("send_message", None, DISCONNECT)
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.get_partial_messageable(scene.alerts.id).send("x")
    scene.fake.fail("send_message", None, SERVICE_UNAVAILABLE, times=None)
    with pytest.raises(discord.DiscordServerError):
        await client.get_partial_messageable(scene.alerts.id).send("x")
    scene.fake.clear_faults()
    await client.get_partial_messageable(scene.alerts.id).send("x")


# --- gateway events ------------------------------------------------------------------------------------------


async def test_guild_delete_fires_on_guild_remove_and_the_guild_is_gone(scene: Scene) -> None:
    bot = new_client()
    removed: asyncio.Queue[discord.Guild] = asyncio.Queue()

    @bot.event
    async def on_guild_remove(guild: discord.Guild) -> None:
        await removed.put(guild)

    async with running(bot, scene.fake):
        await scene.fake.guild_delete(scene.guild)
        assert bot.get_guild(scene.guild.id) is None  # handled before guild_delete returned
        gone = await asyncio.wait_for(removed.get(), 2)
        assert gone.id == scene.guild.id
        with pytest.raises(discord.Forbidden) as forbidden:
            await bot.get_partial_messageable(scene.alerts.id).send("x")
        assert forbidden.value.code == 50001


async def test_guild_create_adds_a_guild(scene: Scene) -> None:
    bot = new_client()
    joined: asyncio.Queue[discord.Guild] = asyncio.Queue()

    @bot.event
    async def on_guild_join(guild: discord.Guild) -> None:
        await joined.put(guild)

    async with running(bot, scene.fake):
        await asyncio.wait_for(bot.wait_until_ready(), 2)
        guild = await scene.fake.guild_create(name="Tweede", preferred_locale="de")
        assert (await asyncio.wait_for(joined.get(), 2)).id == guild.id
        assert bot.get_guild(guild.id) is not None


async def test_a_dropped_gateway_resumes_and_replays_what_was_missed(scene: Scene) -> None:
    fake = scene.fake
    bot = new_client()
    async with running(bot, fake):
        await fake.gateway.drop(resume=True)
        assert not fake.gateway.live
        await fake.dispatch("GUILD_DELETE", {"id": str(scene.guild.id)})  # while the client is away
        resume = await fake.wait_for_resume(1)
        await fake.wait_ready()
        assert resume["session_id"] == fake.gateway.session_id and resume["token"] == fake.token
        assert bot.get_guild(scene.guild.id) is None  # the missed GUILD_DELETE was replayed
        assert fake.gateway.connections[-1].path == "/resume"
        assert len(fake.identifies) == 1
        await fake.drop_gateway(resume=True)
        assert len(fake.resumes) == 2
        await bot.get_partial_messageable(scene.alerts.id).send("still here")


async def test_an_invalid_session_makes_the_client_identify_again(scene: Scene) -> None:
    fake = scene.fake
    bot = new_client()
    async with running(bot, fake):
        await fake.drop_gateway(resume=False)
        assert len(fake.identifies) == 2 and fake.resumes == []
        assert fake.identifies[1]["intents"] == 1
        assert bot.get_guild(scene.guild.id) is not None


async def test_interactions_work_after_a_resume(scene: Scene, news_bot: NewsBot) -> None:
    await scene.fake.drop_gateway(resume=True)
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "UA"}
    )
    assert reply.content == "Following UA"


async def test_nothing_broke_inside_the_fake(scene: Scene, client: discord.Client) -> None:
    await client.get_partial_messageable(scene.alerts.id).send("x")
    assert scene.fake.internal_errors == []


async def test_an_auto_sharded_client_connects_too(scene: Scene) -> None:
    bot = discord.AutoShardedClient(intents=GUILDS_ONLY, **FAST)
    async with running(bot, scene.fake):
        assert bot.get_guild(scene.guild.id) is not None
    assert scene.fake.identifies[0]["shard"] == [0, 1]
    assert scene.fake.calls_to("gateway_bot")


async def test_channels_can_be_fetched(scene: Scene, client: discord.Client) -> None:
    channel = await client.fetch_channel(scene.alerts.id)
    thread = await client.fetch_channel(scene.thread.id)
    assert isinstance(channel, discord.TextChannel) and channel.name == "alerts"
    assert isinstance(thread, discord.Thread) and thread.parent_id == scene.alerts.id
    with pytest.raises(discord.NotFound):
        await client.fetch_channel(1234567890123456789)
    guild = client.get_guild(scene.guild.id)
    assert guild is not None and guild.me is not None
    perms = guild.get_channel(scene.alerts.id).permissions_for(guild.me)  # type: ignore[union-attr]
    assert perms.send_messages and perms.embed_links and not perms.manage_guild
