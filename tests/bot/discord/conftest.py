"""A `DiscordRuntime` (real discord.py, real SQLite) against `FakeDiscord`, configured as a user would: through
`[discord] api_base_url` and `gateway_url`, not by patching discord.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.chat import ChatCommands
from bot.discord.runtime import DiscordRuntime
from bot.discord.settings import DiscordSettings
from bot.matching import MatchIndex
from bot.store import Store
from tests.fakes.discord import FAST, MANAGE_GUILD, Channel, FakeDiscord, Guild, User, instant_reidentify

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def settings_for(fake: FakeDiscord, **overrides: Any) -> DiscordSettings:
    return DiscordSettings(api_base_url=fake.api_base, gateway_url=fake.gateway_url, **overrides)


@dataclass
class Env:
    fake: FakeDiscord
    store: Store
    index: MatchIndex
    commands: ChatCommands
    runtime: DiscordRuntime
    guild: Guild
    channel: Channel
    admin: User
    member: User

    async def news(self, command: str, options: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """`/news ...` as the admin (Manage Server) in the server's channel, unless told otherwise."""
        kwargs.setdefault("permissions", MANAGE_GUILD)
        return await self.fake.interact(
            kwargs.pop("guild", self.guild),
            kwargs.pop("channel", self.channel),
            kwargs.pop("user", self.admin),
            f"news {command}",
            options or {},
            **kwargs,
        )


@asynccontextmanager
async def running(
    fake: FakeDiscord,
    db_path: Path,
    settings: DiscordSettings | None = None,
    *,
    token: str | None = None,
    secrets: dict[str, str] | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
    ready: bool = True,
) -> AsyncIterator[DiscordRuntime]:
    async with Store(db_path) as store:
        commands = ChatCommands(store, MatchIndex(), clock=clock)
        runtime = DiscordRuntime(
            settings or settings_for(fake),
            fake.token if token is None else token,
            commands=commands,
            secrets=secrets,
            clock=clock,
            client_options=FAST,
        )
        await runtime.start()
        try:
            if runtime.client is not None:
                instant_reidentify(runtime.client)
                if ready:
                    await fake.wait_ready()
            yield runtime
        finally:
            await runtime.stop()


async def eventually(predicate: Callable[[], bool], *, timeout: float = 5, what: str = "it") -> None:
    """Wait (polling, with a timeout) until `predicate()` holds: for state of wirewatch's own."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as started:
        yield started


@pytest.fixture
async def env(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Env]:
    guild = fake.add_guild("Nieuws", preferred_locale="nl")
    channel = fake.add_channel(guild, "breaking")
    admin, member = fake.add_user("anna"), fake.add_user("bram")
    fake.add_member(guild, admin)
    fake.add_member(guild, member)
    async with running(
        fake, tmp_path / "w.db", settings_for(fake, operators=frozenset({admin.id}))
    ) as runtime:
        await fake.wait_for_call("sync_commands")
        yield Env(
            fake,
            runtime.commands.store,
            runtime.commands.index,
            runtime.commands,
            runtime,
            guild,
            channel,
            admin,
            member,
        )
