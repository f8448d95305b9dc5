"""`FakeDiscord`: Discord's REST API and gateway on 127.0.0.1, for the real discord.py to talk to.

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Nieuws", preferred_locale="nl")
        alerts = fake.add_channel(guild.id, "alerts")
        # point discord.py at it (the `fake_discord` fixture does this), then run the client:
        async with running(client, fake):
            await client.get_channel(alerts.id).send(embed=discord.Embed(title="Breaking"))
            [message] = await fake.wait_for_messages(alerts.id, 1)
            reply = await fake.interact(guild.id, alerts.id, user.id, "news countries add", {"country": "UA"})
            fake.fail("send_message", alerts.id, rate_limited(0.2))
            await fake.drop_gateway(resume=True)

REST and gateway listen on two ports, so a REST outage (`outage()`) leaves the gateway up. The state is in
`fake.world` (shortcuts: `add_guild`, `add_channel`...); requests are in `calls`, posts in `messages()`,
edits in `edits()`; waits take a timeout and raise AssertionError saying what was missing.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .events import Ref, Scripting, ref_id
from .faults import Fault
from .gateway import Gateway
from .messages import Edit, SentMessage
from .model import Channel, Guild, Member, Role, User, Webhook
from .records import InteractionReply, RestCall
from .rest import API_PREFIX, Outage, RestApi
from .waiting import Changes
from .world import World

__all__ = ["DEFAULT_TOKEN", "FakeDiscord"]

HOST = "127.0.0.1"
DEFAULT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.GFake0.wirewatch-fake-discord-bot-token"


class FakeDiscord(Scripting):
    """The fake Discord; see the module docstring. Use it as an async context manager."""

    def __init__(
        self, *, token: str = DEFAULT_TOKEN, bot_name: str = "Wirewatch", compress: bool = True
    ) -> None:
        self.token = token
        self.world = World(bot_name=bot_name)
        self.changes = Changes(self._describe)
        self.gateway = Gateway(self.world, self.changes, token=token, compress=compress)
        self.rest = RestApi(self.world, self.changes, token=token, gateway_url=lambda: self.gateway_url)
        self._runners: list[web.AppRunner] = []
        self._rest_site: web.TCPSite | None = None
        self._rest_port: int | None = None
        self._gateway_port: int | None = None

    # --- life ----------------------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        try:
            rest_runner, self._rest_site, self._rest_port = await _serve(self.rest.app())
            self._runners.append(rest_runner)
            gateway_runner, _, self._gateway_port = await _serve(self.gateway.app())
            self._runners.append(gateway_runner)
        except BaseException:
            await self._cleanup()
            raise
        self.gateway.url = self.gateway_url
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._cleanup()

    async def _cleanup(self) -> None:
        await self.gateway.close()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        self._rest_port = self._gateway_port = None

    @property
    def rest_url(self) -> str:
        if self._rest_port is None:
            raise RuntimeError("FakeDiscord is not running; use `async with FakeDiscord() as fake`")
        return f"http://{HOST}:{self._rest_port}"

    @property
    def api_base(self) -> str:
        """For `discord.http.Route.BASE`: `http://127.0.0.1:PORT/api/v10`."""
        return self.rest_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """For `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`: `ws://127.0.0.1:PORT/`."""
        if self._gateway_port is None:
            raise RuntimeError("FakeDiscord is not running; use `async with FakeDiscord() as fake`")
        return f"ws://{HOST}:{self._gateway_port}/"

    # --- the world -----------------------------------------------------------------------------------------

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot(self) -> User:
        return self.world.bot

    def add_guild(self, name: str = "Wirewatch Test", **kwargs: Any) -> Guild:
        """A guild the bot is in (see `World.add_guild`); add it before the client connects, or announce it
        afterwards with `guild_create`."""
        return self.world.add_guild(name, **kwargs)

    def add_channel(self, guild: int | Guild, name: str, **kwargs: Any) -> Channel:
        return self.world.add_channel(ref_id(guild), name, **kwargs)

    def add_thread(self, parent: int | Channel, name: str, **kwargs: Any) -> Channel:
        return self.world.add_thread(ref_id(parent), name, **kwargs)

    def add_role(self, guild: int | Guild, name: str, *, permissions: int = 0) -> Role:
        return self.world.add_role(ref_id(guild), name, permissions=permissions)

    def add_user(self, username: str, **kwargs: Any) -> User:
        return self.world.add_user(username, **kwargs)

    def add_member(self, guild: int | Guild, user: User, **kwargs: Any) -> Member:
        return self.world.add_member(ref_id(guild), user, **kwargs)

    def add_webhook(self, channel: int | Channel, name: str = "Wirewatch alerts") -> Webhook:
        return self.world.add_webhook(ref_id(channel), name)

    def webhook_url(self, channel: int | Channel, name: str = "Wirewatch alerts") -> str:
        """A new webhook into the channel, as the `https://discord.com/api/webhooks/{id}/{token}` URL that
        `discord.Webhook.from_url` accepts (its requests go to `Route.BASE`, the fake)."""
        return self.add_webhook(channel, name).url

    # --- what happened -------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[RestCall]:
        return list(self.rest.calls)

    def calls_to(self, route: str, target: Ref | None = None) -> list[RestCall]:
        """REST calls by the fake's route name (`send_message`, `execute_webhook`...), failed ones too."""
        wanted = None if target is None else ref_id(target)
        return [c for c in self.rest.calls if c.route == route and (wanted is None or c.target == wanted)]

    def messages(
        self, channel: int | Channel | None = None, *, webhook: int | Webhook | None = None
    ) -> list[SentMessage]:
        """Messages the bot and its webhooks posted (not interaction replies), oldest first, as they are
        now; deleted ones stay, with `deleted=True`."""
        channel_id = None if channel is None else ref_id(channel)
        webhook_id = None if webhook is None else ref_id(webhook)
        return [
            m
            for m in self.rest.posting.messages.values()
            if (channel_id is None or m.channel_id == channel_id)
            and (webhook_id is None or m.webhook_id == webhook_id)
        ]

    def message(self, message_id: int) -> SentMessage:
        return self.rest.posting.messages[message_id]

    def edits(
        self, channel: int | Channel | None = None, *, webhook: int | Webhook | None = None
    ) -> list[Edit]:
        channel_id = None if channel is None else ref_id(channel)
        webhook_id = None if webhook is None else ref_id(webhook)
        return [
            e
            for e in self.rest.posting.edits
            if (channel_id is None or e.channel_id == channel_id)
            and (webhook_id is None or e.webhook_id == webhook_id)
        ]

    def commands(self, guild: int | Guild | None = None) -> list[dict[str, Any]]:
        """The commands registered now, globally or for a guild, as the fake answered them (with ids)."""
        return list(self.rest.commands.get(None if guild is None else ref_id(guild), []))

    @property
    def command_syncs(self) -> list[tuple[int | None, list[dict[str, Any]]]]:
        """Every bulk PUT of commands: (guild id or None for global, the JSON list as sent)."""
        return list(self.rest.command_syncs)

    @property
    def identifies(self) -> list[dict[str, Any]]:
        """Every IDENTIFY's `d` (`intents`, `token`, `properties`, `shard`...)."""
        return list(self.gateway.identifies)

    @property
    def resumes(self) -> list[dict[str, Any]]:
        return list(self.gateway.resumes)

    @property
    def interactions(self) -> list[InteractionReply]:
        return list(self.rest.posting.interactions.values())

    @property
    def internal_errors(self) -> list[BaseException]:
        """Bugs in the fake itself (answered 500); a test may assert this stays empty."""
        return list(self.rest.internal_errors)

    # --- faults --------------------------------------------------------------------------------------------

    def fail(self, route: str, target: Ref | None, fault: Fault, *, times: int | None = 1) -> None:
        """Answer the next `times` requests of `route` (`"*"`: any) about `target` (a channel, webhook,
        guild or interaction; None: any) with `fault`; `times=None` until `clear_faults()`."""
        self.rest.faults.add(route, None if target is None else ref_id(target), fault, times)

    def clear_faults(self) -> None:
        self.rest.faults.clear()

    async def outage(self, mode: Outage = "503") -> None:
        """Break the whole REST API until `end_outage()`: `"503"` answers 503 Service Unavailable;
        `"refuse"` stops listening (new connections are refused) and drops requests on kept-alive ones."""
        self.rest.outage = mode
        if mode == "refuse" and self._rest_site is not None:
            await self._rest_site.stop()
            self._rest_site = None

    async def end_outage(self) -> None:
        if self._rest_site is None and self._runners:
            self._rest_site = web.TCPSite(self._runners[0], HOST, self._rest_port, reuse_address=True)
            await self._rest_site.start()
        self.rest.outage = None

    # --- waiting -------------------------------------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5, what: str = "it"
    ) -> None:
        await self.changes.wait_until(predicate, timeout=timeout, what=what)

    async def wait_for_messages(
        self, channel: int | Channel, count: int, *, timeout: float = 5
    ) -> list[SentMessage]:
        """Wait until at least `count` messages were posted in the channel; returns them all."""
        await self.wait_until(
            lambda: len(self.messages(channel)) >= count,
            timeout=timeout,
            what=f"{count} messages in {ref_id(channel)}",
        )
        return self.messages(channel)

    async def wait_for_webhook_messages(
        self, webhook: int | Webhook, count: int, *, timeout: float = 5
    ) -> list[SentMessage]:
        await self.wait_until(
            lambda: len(self.messages(webhook=webhook)) >= count,
            timeout=timeout,
            what=f"{count} messages through webhook {ref_id(webhook)}",
        )
        return self.messages(webhook=webhook)

    async def wait_for_edits(
        self, count: int, channel: int | Channel | None = None, *, timeout: float = 5
    ) -> list[Edit]:
        await self.wait_until(
            lambda: len(self.edits(channel)) >= count, timeout=timeout, what=f"{count} edits"
        )
        return self.edits(channel)

    async def wait_for_call(
        self, route: str, *, count: int = 1, target: Ref | None = None, timeout: float = 5
    ) -> RestCall:
        """Wait for the `count`-th request of `route` (about `target`), failed or not, and return it."""
        await self.wait_until(
            lambda: len(self.calls_to(route, target)) >= count, timeout=timeout, what=f"{count}x {route}"
        )
        return self.calls_to(route, target)[count - 1]

    def _describe(self) -> str:
        calls = ", ".join(f"{c.method} {c.route} {c.status}" for c in self.rest.calls[-8:]) or "none"
        gw = self.gateway
        return (
            f"last REST calls: {calls}; gateway: {len(gw.connections)} connections, {len(gw.identifies)} "
            f"identifies, {len(gw.resumes)} resumes, live={gw.live}"
        )


async def _serve(app: web.Application) -> tuple[web.AppRunner, web.TCPSite, int]:
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, 0, reuse_address=True)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, site, runner.addresses[0][1]
