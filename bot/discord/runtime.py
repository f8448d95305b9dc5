"""`DiscordRuntime`: the Discord bot in wirewatch's event loop, and the adapter that delivers alerts.

    runtime = DiscordRuntime(settings, token, commands=..., secrets={"DISCORD_WEBHOOK_NEWS": url, ...})
    await runtime.start()   # the config file's destinations; login; /news synced; the gateway in the background
    ...                     # runtime.adapter delivers (REST, so alerts go out while the gateway reconnects)
    await runtime.stop()

The bot asks for the GUILDS intent only. discord.py reconnects the gateway by itself (RESUME, or IDENTIFY after
an invalid session). A token Discord refuses at start is fatal; Discord being unreachable at start is not: the
bot keeps trying in the background while alerts wait in the outbox. Webhook destinations work without a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from bot.adapters.errors import DeliveryError
from bot.chat import ChatCommands, HealthNotice, HealthWatch, StaticSubscription
from bot.discord.access import reply_language
from bot.discord.adapter import DiscordAdapter
from bot.discord.commands import Deps, build_news, send
from bot.discord.keys import PLATFORM, channel_key, webhook_key
from bot.discord.rest import DiscordRest
from bot.discord.settings import DiscordSettings, parse_webhook_url, webhook_variables
from bot.discord.texts import DUTCH, t
from bot.logs import protect_secrets
from bot.platforms import PlatformStartError

__all__ = ["INTENTS", "DiscordRuntime", "NewsTranslator", "WirewatchClient"]

log = logging.getLogger(__name__)

INTENTS = discord.Intents.none()
INTENTS.guilds = True  # 1: no privileged intent
RETRY_MAX = 300.0  # seconds between tries to reach Discord, at most


class NewsTranslator(app_commands.Translator):
    """Dutch names and descriptions for Dutch clients; English (the default) for everyone else."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is discord.Locale.dutch:
            return DUTCH.get(string.message)
        return None


class WirewatchClient(discord.Client):
    """A client with the `/news` tree, that syncs it at login and forgets servers it leaves."""

    def __init__(self, runtime: DiscordRuntime, **options: Any) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # wirewatch has no voice
        super().__init__(intents=INTENTS, **options)
        self.runtime = runtime
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        await self.tree.set_translator(NewsTranslator())
        settings = self.runtime.settings
        news = build_news(Deps(self.runtime.commands, settings))
        guilds = [discord.Object(id=g) for g in settings.guild_ids]
        try:
            if guilds:
                self.tree.add_command(news, guilds=guilds)
                for guild in guilds:
                    await self.tree.sync(guild=guild)
            else:
                self.tree.add_command(news)
                await self.tree.sync()
        except discord.HTTPException as exc:
            log.warning("could not publish the /news commands (%s); they may be missing or out of date", exc)

    async def on_ready(self) -> None:
        self.runtime.gateway_up = True
        log.info("Discord bot %s is connected to %d server(s)", self.user, len(self.guilds))

    async def on_resumed(self) -> None:
        self.runtime.gateway_up = True

    async def on_disconnect(self) -> None:
        self.runtime.gateway_up = False

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        reason = "the bot was removed from the server"
        keys = await self.runtime.commands.guild_gone(PLATFORM, str(guild.id), reason=reason)
        if keys:
            log.info("left server %s: switched off %s", guild.id, ", ".join(keys))

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("handling a Discord command failed", exc_info=error)
        try:
            language = await reply_language(interaction, self.runtime.commands)
            await send(interaction, t(language, "apology"))
        except Exception:  # the interaction may have expired: the log already has the failure
            log.warning("could not apologise for the failed command", exc_info=True)


class DiscordRuntime:
    """The bot (when a token is given), the delivery adapter, and source health for the operator channel."""

    def __init__(
        self,
        settings: DiscordSettings,
        token: str,
        *,
        commands: ChatCommands,
        secrets: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.token = token
        self.commands = commands
        secrets = dict(secrets or {})
        self.webhooks = {}
        for name in webhook_variables(settings):
            address = parse_webhook_url(secrets.get(name, ""))
            if address is not None:
                self.webhooks[name] = address
        self.rest = DiscordRest(settings.api_base_url, token or None)
        self.adapter = DiscordAdapter(self.rest, webhooks={a.id: a for a in self.webhooks.values()})
        self.health = HealthWatch(settings.source_failures)
        self.client: WirewatchClient | None = None
        self.gateway_up = False
        self._client_options = dict(client_options or {})
        self._connection: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        hidden = [token, *secrets.values(), *(a.token for a in self.webhooks.values())]
        self._unprotect = protect_secrets([s for s in hidden if s])
        self._endpoints = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    @property
    def connected(self) -> bool:
        """Whether the gateway is up; without a token (webhooks only) there is nothing to be down."""
        if not self.token:
            return True
        return self.gateway_up and self.client is not None and not self.client.is_closed()

    async def start(self) -> None:
        """The config file's destinations, then (with a token) login, `/news`, and the gateway."""
        await self._sync_destinations()
        if not self.token:
            log.info("Discord: no DISCORD_BOT_TOKEN, only the webhooks of [[discord.destinations]] post")
            return
        discord.http.Route.BASE = self.settings.api_base_url
        if self.settings.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.settings.gateway_url)
        self.client = WirewatchClient(self, **self._client_options)
        try:
            await self.client.login(self.token)
        except discord.LoginFailure:
            await self.stop()
            raise PlatformStartError("Discord refused the bot token (check DISCORD_BOT_TOKEN)") from None
        except (TimeoutError, OSError, aiohttp.ClientError, discord.HTTPException) as exc:
            log.warning("Discord is unreachable at start (%s); trying again in the background", _why(exc))
            await _forget_session(self.client)
            self._connection = asyncio.create_task(self._connect(logged_in=False), name="wirewatch-discord")
            return
        self._connection = asyncio.create_task(self._connect(logged_in=True), name="wirewatch-discord")

    async def _connect(self, *, logged_in: bool) -> None:
        """Log in (again) until Discord answers, then run the gateway (discord.py reconnects it)."""
        delay = 5.0
        client = self.client
        assert client is not None
        while not client.is_closed():
            try:
                if not logged_in:
                    await client.login(self.token)
                    logged_in = True
                    log.info("Discord is reachable again")
                await client.connect(reconnect=True)
                return
            except discord.LoginFailure:
                log.error("Discord refused the bot token (check DISCORD_BOT_TOKEN): the Discord bot is off")
                return
            except (TimeoutError, OSError, aiohttp.ClientError, discord.HTTPException) as exc:
                log.warning("Discord is unreachable (%s); trying again in %.0fs", _why(exc), delay)
                if not logged_in:
                    await _forget_session(client)
            except discord.ConnectionClosed as exc:
                log.error("the Discord gateway closed the connection for good (%s)", exc)
                return
            await asyncio.sleep(delay)
            delay = min(RETRY_MAX, delay * 2)

    async def stop(self) -> None:
        """Stop the gateway (the connection task first, so no new session starts), then close everything."""
        for task in list(self._tasks):
            task.cancel()
        if self._connection is not None:
            self._connection.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._connection
            self._connection = None
        if self.client is not None:
            await _cancel_ready(self.client)
            await self.client.close()
            await _cancel_ready(self.client)
            await _close_orphaned_sessions(self.client)
        await self.rest.aclose()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._endpoints
        self._unprotect()

    async def _sync_destinations(self) -> None:
        """Apply `[[discord.destinations]]` (the file wins over `/news` for those)."""
        wanted: list[StaticSubscription] = []
        for entry in self.settings.destinations:
            if entry.channel is not None:
                key = channel_key(entry.channel)
            else:
                address = self.webhooks.get(entry.webhook_env or "")
                if address is None:
                    log.warning("discord.destinations: %s holds no webhook URL; skipped", entry.webhook_env)
                    continue
                key = webhook_key(address.id)
            subscription = entry.subscription(key)
            if entry.mention_role is not None:
                subscription = dataclasses.replace(
                    subscription,
                    mention_role=str(entry.mention_role),
                    mention_keywords=tuple(entry.mention_keywords),
                )
            wanted.append(subscription)
        removed = await self.commands.sync_static(PLATFORM, wanted)
        for key in removed:
            log.info("destination %s is no longer in the config file: switched off", key)

    # --- source health ---------------------------------------------------------------------------------

    def source_report(self, source: str, *, ok: bool, error: str | None = None) -> None:
        """One poll's outcome; `operator_channel` hears of a source failing N times in a row, and recovering."""
        notice = self.health.observe(source, ok=ok, error=error)
        if notice is None or self.settings.operator_channel is None or not self.token:
            return
        task = asyncio.get_running_loop().create_task(self._tell_operator(notice))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tell_operator(self, notice: HealthNotice) -> None:
        channel = self.settings.operator_channel
        assert channel is not None
        language = await self.commands.language(channel_key(channel)) or "en"
        if notice.kind == "failing":
            text = t(
                language,
                "health_failing",
                source=notice.source,
                failures=notice.failures,
                error=notice.error or "?",
            )
        else:
            text = t(language, "health_recovered", source=notice.source)
        try:
            await self.rest.create_message(str(channel), {"content": text, "allowed_mentions": {"parse": []}})
        except DeliveryError:
            log.warning(
                "could not tell the operator channel %s about source %s",
                channel,
                notice.source,
                exc_info=True,
            )


async def _cancel_ready(client: discord.Client) -> None:
    """Cancel discord.py's wait for the last GUILD_CREATE: left running, it dispatches `ready` after `close()`
    has dropped the client's loop, and fails there."""
    task: asyncio.Task[None] | None = getattr(client._connection, "_ready_task", None)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _close_orphaned_sessions(client: discord.Client) -> None:
    """Close gateway sessions of `client` that a stop cut off between their HELLO and their IDENTIFY (discord.py
    waits 5 s before a new IDENTIFY): the client never learnt of them, so its `close()` missed them, and their
    heartbeat threads would outlive the event loop."""
    for thread in threading.enumerate():
        if (
            isinstance(thread, discord.gateway.KeepAliveHandler)
            and thread.ws._connection is client._connection
        ):
            thread.stop()
            with contextlib.suppress(Exception):
                await thread.ws.close(code=1000)


async def _forget_session(client: discord.Client) -> None:
    """Close the HTTP session a failed login opened (the next login opens its own, with a new connector)."""
    await client.http.close()
    client.http.connector = discord.utils.MISSING


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
