"""The runtime: command menus, the config file's destinations, webhook mode, source health, the token."""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.app import AppError, run_forever
from bot.chat import ChatCommands, HealthWatch
from bot.config import ConsoleSettings, Settings, SourceSettings, StorageSettings
from bot.matching import MatchIndex
from bot.platforms import PlatformStartError
from bot.store import Store
from bot.telegram.keys import telegram_key
from bot.telegram.runtime import TelegramRuntime
from bot.telegram.settings import StaticDestination
from bot.telegram.texts import COMMANDS
from bot.telegram.webhook import SECRET_HEADER
from bot.web import HttpServer
from storage.destinations import get_destination
from storage.subscriptions import get_subscription
from tests.bot.telegram.conftest import (
    ALICE,
    BOB,
    CAROL,
    CHANNEL,
    FORUM,
    NOW,
    OPS,
    Env,
    news,
    running,
    settings_for,
    store_items,
)
from tests.fakes.telegram import FakeTelegram


async def test_the_command_menu_is_published_in_dutch_and_english(env: Env) -> None:
    dutch = env.tg.commands(language_code="nl")
    english = env.tg.commands()

    assert [c for c, _ in dutch] == [c for c, _ in english] == [c for c, _, _ in COMMANDS]
    assert dict(dutch)["start"] == "Alerts in deze chat aanzetten"
    assert dict(english)["start"] == "Get alerts in this chat"
    assert {"help", "filters", "keywords", "exclude", "countries", "latest", "test", "status"} <= set(
        dict(english)
    )


async def test_destinations_from_the_config_file(tg: FakeTelegram, tmp_path: Path) -> None:
    settings = settings_for(
        tg,
        destinations=(
            StaticDestination(chat="@wirewatch_nl", keywords=("iran",), language="en"),
            StaticDestination(chat=FORUM, thread=7, countries=("UA",), mode="filtered"),
            StaticDestination(chat="@bestaat_niet"),
        ),
    )
    async with running(tg, tmp_path / "w.db", settings) as env:
        channel = await env.store.run(get_subscription, telegram_key(CHANNEL))
        topic = await env.store.run(get_subscription, telegram_key(FORUM, 7))
        dest = await env.store.run(get_destination, telegram_key(CHANNEL))
        refused = await env.ask(ALICE.id, ALICE, "/keywords @wirewatch_nl add gaza")

    assert channel is not None and channel.include == ("iran",) and channel.id in env.index
    assert topic is not None and topic.countries == ("UA",) and topic.id in env.index
    assert dest is not None and (dest.created_by, dest.language) == ("config", "en")
    assert "configuratiebestand" in refused.plain

    async with running(
        tg, tmp_path / "w.db", settings_for(tg, destinations=settings.destinations[1:2])
    ) as env:
        dest = await env.store.run(get_destination, telegram_key(CHANNEL))
        assert dest is not None and dest.disabled_reason == "removed from the config file"
        assert channel.id not in env.index and topic.id in env.index


async def test_a_name_that_cannot_be_found_does_not_switch_off_the_others(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    first = settings_for(tg, destinations=(StaticDestination(chat=CHANNEL),))
    async with running(tg, tmp_path / "w.db", first):
        pass
    later = settings_for(tg, destinations=(StaticDestination(chat="@bestaat_niet"),))
    async with running(tg, tmp_path / "w.db", later) as env:
        dest = await env.store.run(get_destination, telegram_key(CHANNEL))

    assert dest is not None and dest.active


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_takes_updates_from_telegram(tg: FakeTelegram, tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/wirewatch/telegram"
    settings = settings_for(tg, mode="webhook", webhook_url=url, port=port)
    async with running(tg, tmp_path / "w.db", settings, webhook_secret="s3cret_Token-1") as env:
        assert tg.webhook is not None and (tg.webhook.url, tg.webhook.secret_token) == (url, "s3cret_Token-1")
        reply = await env.ask(ALICE.id, ALICE, "/start")
        async with httpx.AsyncClient(trust_env=False) as http:
            forged = await http.post(url, json={"update_id": 1}, headers={SECRET_HEADER: "wrong"})
            garbage = await http.post(url, content=b"{", headers={SECRET_HEADER: "s3cret_Token-1"})

    assert "krijgt nu breaking news" in reply.plain
    assert tg.calls_to("getUpdates") == []
    assert (forged.status_code, garbage.status_code) == (403, 400)


async def test_with_http_on_the_webhook_shares_its_listener(tg: FakeTelegram, tmp_path: Path) -> None:
    server = HttpServer("127.0.0.1", 0)
    server.route("GET", "/healthz", _ok)
    await server.start()
    try:
        url = f"{server.url}/wirewatch/telegram"
        settings = settings_for(tg, mode="webhook", webhook_url=url, port=_free_port())
        async with running(
            tg, tmp_path / "w.db", settings, webhook_secret="s3cret_Token-1", http=server
        ) as env:
            reply = await env.ask(ALICE.id, ALICE, "/start")  # the fake posts the update to the shared port
            async with httpx.AsyncClient(trust_env=False) as http:
                health = await http.get(f"{server.url}/healthz")
                forged = await http.post(url, json={"update_id": 1}, headers={SECRET_HEADER: "wrong"})
    finally:
        await server.stop()
    assert "krijgt nu breaking news" in reply.plain
    assert (health.status_code, forged.status_code) == (200, 403)
    assert tg.calls_to("getUpdates") == []


async def _ok(request: object) -> web.Response:
    return web.Response(text="ok")


async def test_the_operator_chat_hears_of_a_failing_source_once_and_of_its_recovery(env: Env) -> None:
    for _ in range(5):
        env.runtime.source_report("anp", ok=False, error="HTTP 503 <Service Unavailable>")
    [failing] = await env.tg.wait_for_sent(1, OPS)
    env.runtime.source_report("anp", ok=True)
    env.runtime.source_report("anp", ok=True)
    [_, recovered] = await env.tg.wait_for_sent(2, OPS)

    assert failing.plain == "⚠️ Bron anp is 3× op rij mislukt: HTTP 503 <Service Unavailable>"
    assert recovered.plain == "✅ Bron anp werkt weer."
    assert len(env.tg.sent(OPS)) == 2


def test_health_watch_counts_failures_in_a_row() -> None:
    watch = HealthWatch(threshold=2)

    notices = [
        watch.observe("a", ok=False, error="x"),
        watch.observe("a", ok=True),  # one failure: no episode
        watch.observe("a", ok=False, error="y"),
        watch.observe("b", ok=False, error="z"),
        watch.observe("a", ok=False, error="w"),
        watch.observe("a", ok=False, error="v"),
        watch.observe("a", ok=True),
    ]

    assert [(n.source, n.kind, n.failures, n.error) if n else None for n in notices] == [
        None,
        None,
        None,
        None,
        ("a", "failing", 2, "w"),
        None,
        ("a", "recovered", 3, None),
    ]


async def test_the_token_never_reaches_the_logs(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(tg, tmp_path / "w.db") as env:
        await env.ask(ALICE.id, ALICE, "/start")

    assert "Set Bot API URL" in caplog.text  # PTB logs the URL with the token in it...
    assert tg.token not in caplog.text  # ...never with the token
    assert "/bot***" in caplog.text


async def test_a_refused_token_stops_the_start_with_a_clear_error(tg: FakeTelegram, tmp_path: Path) -> None:
    async with Store(tmp_path / "w.db") as store:
        commands = ChatCommands(store, MatchIndex(), clock=lambda: NOW)
        runtime = TelegramRuntime(settings_for(tg), "42:wrong", commands=commands, timeout=2)
        with pytest.raises(PlatformStartError, match="refused the bot token"):
            await runtime.start()
    assert not runtime.application.running

    settings = Settings(
        storage=StorageSettings(path=str(tmp_path / "x.db")),
        sources=(SourceSettings(name="local", url="http://127.0.0.1:9/none"),),
        console=ConsoleSettings(enabled=False),
        platforms={"telegram": settings_for(tg)},
        tokens={"TELEGRAM_BOT_TOKEN": "42:wrong"},
    )
    with pytest.raises(AppError, match="TELEGRAM_BOT_TOKEN"):
        await run_forever(settings, stream=io.StringIO())


async def test_only_operators_and_the_operator_chat_see_every_source(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(tg, tmp_path / "w.db", settings_for(tg, operator_chat="@NieuwsForum")) as env:
        await env.store.run(store_items, "anp", [news("Iran test een raket.")])
        nobody = await env.ask(CAROL.id, CAROL, "/status")  # no username, no operator: the summary
        forum = await env.ask(FORUM, BOB, "/status", thread=3)  # the operator chat, by its @name

    assert nobody.plain.startswith("Bronnen: 1 van 1 werken")
    assert forum.plain.splitlines()[:2][0] == "Sources" and forum.plain.splitlines()[1].startswith(
        "✅ anp — "
    )
