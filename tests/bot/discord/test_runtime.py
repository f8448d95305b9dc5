"""`DiscordRuntime` and `wirewatch run` with Discord: the gateway, servers leaving, reconnects in the middle of
alerts, the config file's channels, a refused token, Discord down at start, both platforms at once."""

from __future__ import annotations

import asyncio
import gc
import io
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import run_forever
from bot.cli import cli
from bot.config import ConsoleSettings, Settings, SourceSettings, StorageSettings
from bot.demo.site import LocalSite
from bot.discord.keys import channel_key
from bot.discord.settings import DiscordDestination
from bot.platforms import PlatformStartError
from bot.telegram.settings import TelegramSettings
from storage.destinations import get_destination
from storage.models import ItemEvent
from storage.subscriptions import get_subscription
from tests.bot.discord.conftest import Env, eventually, running, settings_for
from tests.bot.discord.test_delivery import KYIV as ITEM
from tests.bot.discord.test_delivery import engine, queue
from tests.bot.run_support import start_run
from tests.bot.telegram.conftest import ALICE
from tests.fakes.discord import MANAGE_GUILD, MISSING_PERMISSIONS, FakeDiscord
from tests.fakes.telegram import FakeTelegram
from tests.wirepage import KYIV, OTTAWA, SEED, TOKIO, wire_page


async def test_the_bot_asks_for_the_guilds_intent_only(env: Env) -> None:
    assert [i["intents"] for i in env.fake.identifies] == [1]
    await eventually(lambda: env.runtime.connected)


async def test_leaving_a_server_switches_its_channels_off(env: Env) -> None:
    await env.news("subscribe")
    other_guild = env.fake.add_guild("Ander")
    await env.fake.guild_create(other_guild)
    elsewhere = await env.fake.channel_create(other_guild, "nieuws")
    env.fake.add_member(other_guild, env.admin)
    await env.news("subscribe", guild=other_guild, channel=elsewhere)

    await env.fake.guild_delete(env.guild)
    for _ in range(200):
        gone = await env.store.run(get_destination, channel_key(env.channel.id))
        if gone is not None and gone.disabled_reason is not None:
            break
        await asyncio.sleep(0.01)
    kept = await env.store.run(get_destination, channel_key(elsewhere.id))

    assert gone is not None and "removed from the server" in (gone.disabled_reason or "")
    assert kept is not None and kept.disabled_reason is None  # the other server is untouched


async def test_a_server_that_is_only_unavailable_keeps_its_channels(env: Env) -> None:
    await env.news("subscribe")
    await env.fake.guild_delete(env.guild, unavailable=True)
    dest = await env.store.run(get_destination, channel_key(env.channel.id))
    assert dest is not None and dest.disabled_reason is None


async def test_config_file_channels_get_their_filters_and_mention(fake: FakeDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Nieuws")
    channel = fake.add_channel(guild, "alerts")
    role = fake.add_role(guild, "breaking")
    settings = settings_for(
        fake,
        destinations=(
            DiscordDestination(
                channel=channel.id, countries=("UA",), mention_role=role.id, mention_keywords=("aardbeving",)
            ),
        ),
    )
    async with running(fake, tmp_path / "w.db", settings) as runtime:
        sub = await runtime.commands.store.run(get_subscription, channel_key(channel.id))
        dest = await runtime.commands.store.run(get_destination, channel_key(channel.id))
        user = fake.add_user("anna")
        fake.add_member(guild, user)
        refused = await fake.interact(
            guild, channel, user, "news keywords add", {"keyword": "iran"}, permissions=MANAGE_GUILD
        )
    assert sub is not None and sub.countries == ("UA",)
    assert dest is not None and dest.mention_role == str(role.id) and dest.mention_keywords == ("aardbeving",)
    assert "configuratiebestand" in refused.content


async def test_a_refused_token_is_a_clear_error(fake: FakeDiscord, tmp_path: Path) -> None:
    with pytest.raises(PlatformStartError, match="DISCORD_BOT_TOKEN"):
        async with running(fake, tmp_path / "w.db", token="MTIz.wrong.token-that-is-refused"):
            pass


async def test_discord_down_at_start_is_not_fatal(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "bot.discord.runtime")
    await fake.outage("503")
    async with running(fake, tmp_path / "w.db", settings_for(fake), ready=False) as runtime:
        assert not runtime.connected
        await fake.end_outage()
        await eventually(lambda: runtime.connected, timeout=15)  # the background retry gets through
    assert "unreachable at start" in caplog.text
    assert fake.token not in caplog.text


async def _subscribe_channel(fake: FakeDiscord, guild: object, channel: object, user: object) -> None:
    reply = await fake.interact(guild, channel, user, "news subscribe", {}, permissions=MANAGE_GUILD)  # type: ignore[arg-type]
    assert "krijgt nu breaking news" in reply.content


async def test_a_page_change_reaches_the_channel_as_an_embed_and_a_reconnect_loses_nothing(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.add_guild("Nieuws", preferred_locale="nl")
    channel = fake.add_channel(guild, "breaking")
    admin = fake.add_user("anna")
    fake.add_member(guild, admin)
    async with LocalSite() as site:
        site.set_page("/buitenland", wire_page(SEED))
        settings = Settings(
            storage=StorageSettings(path=str(tmp_path / "w.db")),
            sources=(SourceSettings(name="anp", url=site.url("/buitenland"), interval=0.2, jitter=0),),
            platforms={"discord": settings_for(fake)},
            tokens={"DISCORD_BOT_TOKEN": fake.token},
        )
        stop, console = asyncio.Event(), io.StringIO()
        task = asyncio.ensure_future(run_forever(settings, stream=console, stop=stop))
        try:
            await fake.wait_for_call("sync_commands", timeout=10)
            await fake.wait_ready(timeout=10)
            await _subscribe_channel(fake, guild, channel, admin)
            await site.wait_for_requests(1, path="/buitenland")
            site.set_page("/buitenland", wire_page([KYIV, *SEED]))
            first = await fake.wait_for_messages(channel, 1)
            client = next(iter(fake.gateway.connections), None)
            assert client is not None
            await fake.drop_gateway(resume=True)
            site.set_page("/buitenland", wire_page([TOKIO, KYIV, *SEED]))
            await fake.wait_for_messages(channel, 2)
            await fake.drop_gateway(resume=False, wait=False)  # a new session: IDENTIFY again (after 5 s)
            site.set_page("/buitenland", wire_page([OTTAWA, TOKIO, KYIV, *SEED]))
            messages = await fake.wait_for_messages(channel, 3)  # REST goes on while the gateway is down
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)

    titles = [m.payload["embeds"][0]["author"]["name"] for m in messages]
    assert len(messages) == 3 and len(set(titles)) == 3
    assert "KYIV (ANP/RTR)" in titles[0]
    assert all(m.payload["allowed_mentions"] == {"parse": []} for m in messages)
    assert first[0].payload["embeds"][0]["color"] == 0x2B7BB9
    assert len(fake.resumes) >= 1
    assert "KYIV" not in console.getvalue()


async def test_both_platforms_run_side_by_side_in_one_loop(fake: FakeDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Nieuws", preferred_locale="nl")
    channel = fake.add_channel(guild, "breaking")
    admin = fake.add_user("anna")
    fake.add_member(guild, admin)
    async with LocalSite() as site, FakeTelegram() as tg:
        site.set_page("/a", wire_page(SEED))
        settings = Settings(
            storage=StorageSettings(path=str(tmp_path / "w.db")),
            sources=(SourceSettings(name="a", url=site.url("/a"), interval=0.2, jitter=0),),
            console=ConsoleSettings(enabled=False),
            platforms={"discord": settings_for(fake), "telegram": TelegramSettings(api_base_url=tg.url)},
            tokens={"DISCORD_BOT_TOKEN": fake.token, "TELEGRAM_BOT_TOKEN": tg.token},
        )
        stop = asyncio.Event()
        task = asyncio.ensure_future(run_forever(settings, stream=io.StringIO(), stop=stop))
        try:
            await fake.wait_ready(timeout=10)
            await tg.wait_until(lambda: tg.polling, what="the Telegram bot polling")
            await _subscribe_channel(fake, guild, channel, admin)
            tg.send_command(ALICE.id, ALICE, "/start")
            await tg.wait_for_sent(1, ALICE.id)
            await site.wait_for_requests(1, path="/a")
            site.set_page("/a", wire_page([KYIV, *SEED]))
            await fake.wait_for_messages(channel, 1)
            await tg.wait_for_sent(2, ALICE.id)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)


async def test_wirewatch_run_with_a_refused_discord_token_is_a_one_line_error(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    token = "MTAwMDAwMDAwMDAwMDAwMDAw.GWrong.this-token-is-wrong-and-must-not-be-printed"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\npath = "{tmp_path / "w.db"}"\n\n[discord]\napi_base_url = "{fake.api_base}"\n'
        f'gateway_url = "{fake.gateway_url}"\n\n[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/none"\n',
        encoding="utf-8",
    )
    proc = await start_run(config, {"DISCORD_BOT_TOKEN": token})
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 1
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("Error: ") and "DISCORD_BOT_TOKEN" in last
    assert token.encode() not in out + err and b"Traceback" not in err


async def test_a_channel_the_bot_may_not_post_in_shows_why_in_status_and_wirewatch_outbox(env: Env) -> None:
    key = channel_key(env.channel.id)
    await env.news("subscribe")
    await env.store.run(queue, [key], [ItemEvent("new", "anp", ITEM, 1)])
    env.fake.fail("send_message", env.channel, MISSING_PERMISSIONS)

    await engine(env).deliver_due()
    status = await env.news("status")
    listed = CliRunner().invoke(
        cli, ["outbox", "--db", str(env.runtime.commands.store.path), "--status", "failed"]
    )

    assert "Missing Permissions (50013)" in status.content and "gestopt" in status.content
    assert listed.exit_code == 0 and "Missing Permissions (50013)" in listed.output, listed.output


async def test_a_stop_before_the_ready_event_leaves_no_task_behind(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, "asyncio")
    async with running(fake, tmp_path / "w.db", settings_for(fake)) as runtime:
        await fake.guild_create(fake.add_guild("Laat"))  # discord.py waits once more for the last server
        await fake.sync()
        assert not runtime.connected  # stopped while discord.py still waits to dispatch `ready`
    await asyncio.sleep(0.2)  # past guild_ready_timeout
    gc.collect()
    assert "exception was never retrieved" not in caplog.text
