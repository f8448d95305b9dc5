"""`[http]`: a real `wirewatch run` child serves /healthz and /metrics, read through a real HTTP client before
and after a page change, and during a Telegram outage (503, then 200 again)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import httpx

from bot.demo.site import LocalSite
from tests.bot.run_support import start_run
from tests.bot.telegram.conftest import ALICE
from tests.fakes.telegram import FakeTelegram
from tests.wirepage import KYIV, OTTAWA, SEED, TOKIO, wire_page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        sample, _, rest = key.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if sample == name and found == wanted:
            return float(value)
    return 0.0


async def until(check: Callable[[], object], what: str, timeout: float = 20) -> None:
    async with asyncio.timeout(timeout):
        while True:
            try:
                if await check():  # type: ignore[misc]
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def test_healthz_and_metrics_follow_what_happens(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        LocalSite() as site,
        FakeTelegram() as tg,
        httpx.AsyncClient(base_url=base, trust_env=False) as http,
    ):
        site.set_page("/a", wire_page(SEED))
        config = tmp_path / "config.toml"
        config.write_text(
            f'[storage]\npath = "w.db"\n\n[http]\nenabled = true\nport = {port}\n\n'
            "[delivery]\nbackoff_base = 0.5\nbackoff_cap = 1.0\n\n"
            f'[telegram]\napi_base_url = "{tg.url}"\n\n'
            f'[[sources]]\nname = "a"\nurl = "{site.url("/a")}"\ninterval = 10\njitter = 0\n',
            encoding="utf-8",
        )
        proc = await start_run(config, {"TELEGRAM_BOT_TOKEN": tg.token})
        try:

            async def healthy() -> bool:
                answer = await http.get("/healthz")
                return answer.status_code == 200

            await until(healthy, "healthy")
            first = (await http.get("/healthz")).json()

            async def polled() -> bool:
                text = (await http.get("/metrics")).text
                return metric(text, "wirewatch_polls_total", source="a", outcome="ok") >= 1

            await until(polled, "the first poll counted")  # the request comes before the poll ends
            tg.send_command(ALICE.id, ALICE, "/start")
            await tg.wait_for_sent(1, ALICE.id)
            before = (await http.get("/metrics")).text

            site.set_page("/a", wire_page([KYIV, TOKIO, *SEED]))
            await site.wait_for_requests(2, path="/a", timeout=30)
            await tg.wait_for_sent(3, ALICE.id, timeout=30)

            async def counted() -> bool:  # Telegram accepts a message a moment before wirewatch records it
                text = (await http.get("/metrics")).text
                return (
                    metric(text, "wirewatch_items_total", source="a", event="new") >= 2
                    and metric(text, "wirewatch_alerts_total", platform="telegram", state="sent") >= 2
                )

            await until(counted, "items and alerts counted")
            after = (await http.get("/metrics")).text

            tg.fail("sendMessage", ALICE.id, error_code=502, description="Bad Gateway", times=None)
            site.set_page("/a", wire_page([OTTAWA, KYIV, TOKIO, *SEED]))

            async def degraded() -> bool:
                answer = await http.get("/healthz")
                return answer.status_code == 503 and "telegram is unreachable" in answer.json()["problems"]

            await until(degraded, "degraded", timeout=30)
            during = (await http.get("/healthz")).json()
            tg.clear_failures()
            await tg.wait_for_sent(4, ALICE.id, timeout=30)  # the alert that waited goes out
            await until(healthy, "healthy again", timeout=30)
        finally:
            proc.terminate()
            out, err = await asyncio.wait_for(proc.communicate(), timeout=20)

    assert proc.returncode == 0, err.decode()
    assert first["status"] == "ok" and first["platforms"] == {"telegram": "connected"}
    assert first["database"] == "ok" and first["scheduler"] == "running"
    assert metric(before, "wirewatch_polls_total", source="a", outcome="ok") >= 1
    assert metric(before, "wirewatch_items_total", source="a", event="new") == 0
    assert metric(after, "wirewatch_items_total", source="a", event="new") == 2
    assert metric(after, "wirewatch_polls_total", source="a", outcome="ok") >= 2
    assert metric(after, "wirewatch_poll_duration_seconds_count", source="a") >= 2
    assert metric(after, "wirewatch_alerts_total", platform="telegram", state="sent") == 2
    assert metric(after, "wirewatch_delivery_latency_seconds_count", platform="telegram") == 2
    assert metric(after, "wirewatch_outbox_pending", platform="telegram") == 0
    assert "wirewatch_outbox_oldest_pending_seconds" in after
    assert during["status"] == "degraded" and during["platforms"] == {"telegram": "unreachable"}
    assert f"health and metrics on http://127.0.0.1:{port}" in out.decode()
    assert err.decode().count("unreachable") <= 3  # one line when the outage starts, not one per failure
    assert "Traceback" not in err.decode()
