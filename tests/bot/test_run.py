"""`run`: the scheduler polls configured sources, prints alerts, and stops cleanly on a signal."""

from __future__ import annotations

import asyncio
import io
import signal
from pathlib import Path

from bot.app import run_forever
from bot.config import ConsoleSettings, Settings, SourceSettings, StorageSettings
from bot.demo.site import LocalSite
from bot.store import Store
from storage.outbox import outbox_counts
from tests.bot.run_support import start_run
from tests.fakes.telegram import FakeTelegram
from tests.wirepage import KYIV, SEED, TOKIO, wire_page

REPO = Path(__file__).resolve().parents[2]


async def test_run_polls_on_schedule_and_prints_each_alert_once(tmp_path: Path) -> None:
    async with LocalSite() as site:
        site.set_page("/a", wire_page(SEED))
        site.set_page("/b", wire_page([TOKIO]))
        settings = Settings(
            storage=StorageSettings(path=str(tmp_path / "w.db")),
            sources=(
                SourceSettings(name="a", url=site.url("/a"), interval=0.2, jitter=0),
                SourceSettings(name="b", url=site.url("/b"), interval=0.2, jitter=0),
            ),
        )
        out = io.StringIO()
        stop = asyncio.Event()
        task = asyncio.ensure_future(run_forever(settings, stream=out, stop=stop))
        await site.wait_for_requests(1, path="/a")
        await site.wait_for_requests(1, path="/b")
        site.set_page("/a", wire_page([KYIV, *SEED]))
        await site.wait_for_requests(4, path="/a")
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    text = out.getvalue()
    assert text.count("[NIEUW]") == 1
    assert "KYIV (ANP/RTR)" in text
    assert "a: first poll, 3 items already there" in text
    assert "b: first poll, 1 items already there" in text
    assert text.rstrip().endswith("stopped")


async def test_wirewatch_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with LocalSite() as site:
        site.set_page("/a", wire_page(SEED))
        config = tmp_path / "config.toml"
        config.write_text(
            f'[storage]\npath = "{tmp_path / "w.db"}"\n\n'
            f'[[sources]]\nname = "a"\nurl = "{site.url("/a")}"\nkind = "wire-page"\ninterval = 60\n',
            encoding="utf-8",
        )
        proc = await start_run(config, {"NO_COLOR": "1"})
        try:
            await site.wait_for_requests(1, path="/a", timeout=20)
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=20)
            assert b"watching 1 source" in line
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=20)
            assert b"first poll, 3 items" in line
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), timeout=20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, err.decode()
    assert out.decode().rstrip().endswith("stopped")
    assert b"Traceback" not in err


async def test_a_refused_bot_token_is_a_one_line_error(tmp_path: Path) -> None:
    token = "42:this-token-is-wrong-and-must-not-be-printed"
    async with FakeTelegram() as tg:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[storage]\npath = "{tmp_path / "w.db"}"\n\n[telegram]\napi_base_url = "{tg.url}"\n\n'
            '[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/none"\n',
            encoding="utf-8",
        )
        proc = await start_run(config, {"TELEGRAM_BOT_TOKEN": token})
        out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith("Error: ")
    assert "TELEGRAM_BOT_TOKEN" in lines[-1]
    assert b"Traceback" not in err
    assert token.encode() not in out + err


async def test_a_disabled_console_queues_nothing_and_auto_turns_it_back_on(tmp_path: Path) -> None:
    async with LocalSite() as site:
        site.set_page("/a", wire_page(SEED))

        async def run_until(requests: int, console: bool | None) -> str:
            settings = Settings(
                storage=StorageSettings(path=str(tmp_path / "w.db")),
                sources=(SourceSettings(name="a", url=site.url("/a"), interval=0.2, jitter=0),),
                console=ConsoleSettings(enabled="auto" if console is None else console),
            )
            out, stop = io.StringIO(), asyncio.Event()
            task = asyncio.ensure_future(run_forever(settings, stream=out, stop=stop))
            await site.wait_for_requests(requests, path="/a")
            stop.set()
            await asyncio.wait_for(task, timeout=10)
            return out.getvalue()

        assert "[NIEUW]" not in await run_until(1, True)  # the baseline
        site.set_page("/a", wire_page([KYIV, *SEED]))
        assert "[NIEUW]" not in await run_until(3, False)
        async with Store(tmp_path / "w.db") as store:
            counts = await store.run(outbox_counts)
        assert sum(counts.values()) == 0  # nothing waits for a console that is off
        site.set_page("/a", wire_page([TOKIO, KYIV, *SEED]))
        text = await run_until(6, None)
    assert text.count("[NIEUW]") == 1
    assert "TOKIO" in text
