"""End to end: `run_forever` with the Telegram bot on; a chat subscribes with commands, a page on a local site
changes, and the alert reaches the fake Bot API's `sendMessage`."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from bot.app import run_forever
from bot.config import Settings, SourceSettings, StorageSettings
from bot.demo.site import LocalSite
from bot.telegram.settings import TelegramSettings
from tests.bot.telegram.conftest import ALICE, NOW
from tests.fakes.telegram import FakeTelegram
from tests.wirepage import KYIV, SEED, TOKIO, wire_page


async def test_a_page_change_reaches_the_subscribed_chat_as_html(tmp_path: Path) -> None:
    async with LocalSite() as site, FakeTelegram(clock=lambda: NOW) as tg:
        site.set_page("/buitenland", wire_page(SEED))
        settings = Settings(
            storage=StorageSettings(path=str(tmp_path / "w.db")),
            sources=(SourceSettings(name="anp", url=site.url("/buitenland"), interval=0.2, jitter=0),),
            platforms={"telegram": TelegramSettings(api_base_url=tg.url)},
            tokens={"TELEGRAM_BOT_TOKEN": tg.token},
        )
        stop, console = asyncio.Event(), io.StringIO()
        task = asyncio.ensure_future(run_forever(settings, stream=console, stop=stop))
        try:
            await tg.wait_until(lambda: tg.polling, what="the bot polling for updates")
            tg.send_command(ALICE.id, ALICE, "/start")
            tg.send_command(ALICE.id, ALICE, "/countries add Oekraïne")
            await tg.wait_for_sent(2, ALICE.id)
            await site.wait_for_requests(1, path="/buitenland")  # the first poll seeds silently
            site.set_page("/buitenland", wire_page([KYIV, TOKIO, *SEED]))
            messages = await tg.wait_for_sent(3, ALICE.id)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)

    alert = messages[2]
    assert "KYIV" not in console.getvalue()  # with a chat platform running, the console stays quiet
    assert alert.parse_mode == "HTML" and alert.preview_disabled
    flags, dateline = alert.plain.splitlines()[0].split(" ", 1)
    assert flags.startswith("🇺🇦") and dateline == "KYIV (ANP/RTR)"  # the dateline's country first
    assert "Bij een Russische aanval op de Oekraïense hoofdstad zijn doden gevallen." in alert.plain
    assert {"type": "bold", "length": len(dateline)}.items() <= alert.entities[0].items()
    assert len(tg.sent(ALICE.id)) == 3  # Tokio (Japan) did not pass the country filter, even at the last pass
    assert [c.method for c in tg.calls[:1]] == ["getMe"]
    assert {key for key in tg.commands_set} >= {("default", ""), ("default", "nl")}
