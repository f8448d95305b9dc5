"""pytest fixtures and helpers for running the real discord.py against `FakeDiscord`.

In a conftest (or test module):

    from tests.fakes.discord.fixtures import fake_discord, make_fake_discord  # noqa: F401

    async def test_alert(fake_discord: FakeDiscord) -> None:
        guild = fake_discord.add_guild()
        channel = fake_discord.add_channel(guild, "alerts")
        client = discord.Client(intents=discord.Intents.none() | discord.Intents(guilds=True), **FAST)
        async with running(client, fake_discord):
            ...
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from .server import FakeDiscord

__all__ = [
    "FAST",
    "fake_discord",
    "instant_reidentify",
    "make_fake_discord",
    "point_discord_py_at",
    "running",
]

FAST: dict[str, Any] = {"guild_ready_timeout": 0.05}
"""Client options for tests: without them `ready` fires 2 s after the last GUILD_CREATE."""


def point_discord_py_at(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send discord.py's REST requests (webhooks and interaction replies too) and gateway connections to
    the fake for the rest of the test."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))


def instant_reidentify(client: discord.Client) -> None:
    """Skip the 5 s discord.py sleeps before every IDENTIFY but the first (`Client.before_identify_hook`),
    e.g. after INVALID_SESSION (`drop_gateway(resume=False)`). Patches this client object only."""

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_wait  # type: ignore[method-assign]


@pytest.fixture
async def make_fake_discord(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Callable[..., Awaitable[FakeDiscord]]]:
    """A factory: `await make_fake_discord(**FakeDiscord kwargs)` starts a fake and points discord.py at it;
    every fake made is stopped after the test."""
    async with AsyncExitStack() as stack:

        async def make(**kwargs: Any) -> FakeDiscord:
            fake = await stack.enter_async_context(FakeDiscord(**kwargs))
            point_discord_py_at(fake, monkeypatch)
            return fake

        yield make


@pytest.fixture
async def fake_discord(make_fake_discord: Callable[..., Awaitable[FakeDiscord]]) -> FakeDiscord:
    """A running `FakeDiscord` with discord.py pointed at it; its world is empty but for the bot."""
    return await make_fake_discord()


@asynccontextmanager
async def running(
    client: discord.Client, fake: FakeDiscord, *, timeout: float = 5, reidentify_wait: bool = False
) -> AsyncIterator[discord.Client]:
    """Start `client` with the fake's token, wait until it has its guilds, and close it afterwards
    (awaiting the `start()` task, whose exception, if any, is raised). Unless `reidentify_wait`, the
    client's 5 s wait before a second IDENTIFY is skipped (`instant_reidentify`)."""
    if not reidentify_wait:
        instant_reidentify(client)
    task = asyncio.create_task(client.start(fake.token), name="discord client")
    try:
        ready = asyncio.create_task(fake.wait_ready(timeout=timeout))
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            await asyncio.wait({ready})
            task.result()  # start() ended early: raise its error
            raise AssertionError("client.start() returned before the gateway session was up")
        ready.result()
        yield client
    finally:
        await client.close()
        async with asyncio.timeout(timeout):
            await asyncio.wait({task})
    error = None if task.cancelled() else task.exception()
    if error is not None:
        raise error
