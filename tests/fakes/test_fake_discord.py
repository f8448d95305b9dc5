"""The fake Discord, driven by the real discord.py (REST + gateway over 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
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


async def test_the_gateway_speaks_zlib_stream_when_asked_and_text_otherwise(
    make_fake_discord: object,
) -> None:
    for compress in (True, False):
        fake = await make_fake_discord(compress=compress)  # type: ignore[operator]
        fake.add_guild()
        bot = new_client()
        async with running(bot, fake):
            assert len(bot.guilds) == 1
        assert fake.gateway.connections[0].query["compress"] == "zlib-stream"


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
        return [app_commands.Choice(name=n, value=c) for c, n in names.items() if c.startswith(current.upper())]

    @news.command(name="subscribe", description="Send alerts to a channel")
    async def subscribe(interaction: discord.Interaction, channel: discord.TextChannel, keywords: int = 0) -> None:
        seen.append(("subscribe", (channel.id, keywords)))
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="Working...")
        await interaction.edit_original_response(content=f"Subscribed {channel.mention}")
        await interaction.followup.send("One more thing", ephemeral=True)

    tree.add_command(news)
    return tree


@pytest.fixture
async def news_bot(scene: Scene) -> AsyncIterator[tuple[discord.Client, list[tuple[str, object]]]]:
    bot = new_client()
    seen: list[tuple[str, object]] = []
    tree = news_tree(bot, seen)
    async with running(bot, scene.fake):
        await tree.sync()
        await tree.sync(guild=discord.Object(scene.guild.id))  # nothing for the guild: an empty list
        yield bot, seen


async def test_tree_sync_is_recorded_and_answered_with_ids(scene: Scene, news_bot: object) -> None:
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


async def test_a_slash_command_is_answered_ephemerally(scene: Scene, news_bot: tuple[discord.Client, list]) -> None:
    _, seen = news_bot
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "UA"}, locale="nl"
    )
    assert reply.content == "Following UA"
    assert reply.flags == 64 and reply.ephemeral
    assert reply.callback_type == 4 and reply.raw is not None and reply.raw["data"]["flags"] == 64
    assert seen == [("add", ("UA", discord.Locale.dutch, True))]  # Alice's role has Manage Server


async def test_permissions_can_be_set_per_interaction(scene: Scene, news_bot: tuple[discord.Client, list]) -> None:
    _, seen = news_bot
    await scene.fake.interact(scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "NL"}, permissions=0)
    assert seen == [("add", ("NL", discord.Locale.american_english, False))]


async def test_autocomplete_returns_the_choices(scene: Scene, news_bot: object) -> None:
    reply = await scene.fake.autocomplete(
        scene.guild, scene.alerts, scene.alice, "news countries add", {"country": "u"}, focused="country"
    )
    assert reply.callback_type == 8
    assert reply.choices == [{"name": "Ukraine", "value": "UA"}, {"name": "United States", "value": "US"}]


async def test_a_deferred_answer_resolves_to_its_final_edit_and_keeps_followups(
    scene: Scene, news_bot: tuple[discord.Client, list]
) -> None:
    _, seen = news_bot
    reply = await scene.fake.interact(
        scene.guild, scene.alerts, scene.alice, "news subscribe", {"channel": scene.alerts, "keywords": 3}
    )
    assert reply.deferred and reply.ephemeral
    [followup] = await reply.wait_for_followups(1)
    assert reply.content == f"Subscribed <#{scene.alerts.id}>"
    assert [e["content"] for e in reply.original.edits] == ["Working...", f"Subscribed <#{scene.alerts.id}>"]  # type: ignore[union-attr]
    assert followup.content == "One more thing" and followup.ephemeral
    assert seen == [("subscribe", (scene.alerts.id, 3))]
    assert scene.fake.messages(scene.alerts) == []  # interaction replies are not channel posts


async def test_the_fake_refuses_commands_the_discord_client_could_not_send(scene: Scene, news_bot: object) -> None:
    fake = scene.fake
    with pytest.raises(ValueError, match="no subcommand"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news nothing")
    with pytest.raises(ValueError, match="missing required"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news countries add", {})
    with pytest.raises(ValueError, match="is a group"):
        await fake.send_interaction(scene.guild, scene.alerts, scene.alice, "news countries")
