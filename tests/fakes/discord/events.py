"""Driving the client through the gateway: dispatches, guild and channel events, dropped connections, and
slash commands (INTERACTION_CREATE) with the records of their answers. Mixed into `FakeDiscord`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from .gateway import Gateway
from .interactions import build_interaction
from .model import Channel, Guild, Member, Role, User, Webhook
from .records import InteractionReply
from .rest import RestApi
from .waiting import Changes
from .world import World

__all__ = ["Ref", "Scripting", "ref_id"]

Ref = int | Guild | Channel | Role | User | Member | Webhook


def ref_id(ref: Ref) -> int:
    """The id of an id or of a thing of the world."""
    if isinstance(ref, Member):
        return ref.user.id
    return ref if isinstance(ref, int) else ref.id


class Scripting:
    """Gateway-side helpers; the class using it provides `world`, `gateway`, `rest` and `changes`."""

    world: World
    gateway: Gateway
    rest: RestApi
    changes: Changes

    # --- the session ---------------------------------------------------------------------------------------

    async def wait_for_identify(self, count: int = 1, *, timeout: float = 5) -> dict[str, Any]:
        """Wait for the `count`-th IDENTIFY; returns its payload."""
        await self.changes.wait_until(
            lambda: len(self.gateway.identifies) >= count, timeout=timeout, what=f"{count} IDENTIFY"
        )
        return self.gateway.identifies[count - 1]

    async def wait_for_resume(self, count: int = 1, *, timeout: float = 5) -> dict[str, Any]:
        await self.changes.wait_until(
            lambda: len(self.gateway.resumes) >= count, timeout=timeout, what=f"{count} RESUME"
        )
        return self.gateway.resumes[count - 1]

    async def wait_ready(self, *, timeout: float = 5) -> None:
        """Wait until a gateway session is up and the client has handled READY and every GUILD_CREATE (its
        own `ready` event follows `guild_ready_timeout` later: `await client.wait_until_ready()` for that)."""
        await self.changes.wait_until(
            lambda: self.gateway.live, timeout=timeout, what="a live gateway session"
        )
        await self.gateway.sync(timeout=timeout)

    async def sync(self, *, timeout: float = 5) -> None:
        """Return once the client has handled every dispatch sent so far."""
        await self.gateway.sync(timeout=timeout)

    # --- gateway events ------------------------------------------------------------------------------------

    async def dispatch(
        self, event: str, data: dict[str, Any], *, sync: bool = True, timeout: float = 5
    ) -> int:
        """Send any dispatch; with `sync` (and a live session) return once the client has handled it."""
        seq = await self.gateway.dispatch(event, data)
        if sync and self.gateway.live:
            await self.gateway.sync(timeout=timeout)
        return seq

    async def guild_create(
        self, guild: int | Guild | None = None, *, name: str = "New Guild", **kwargs: Any
    ) -> Guild:
        """The bot joins a guild (a new one if none given, or one it had left): GUILD_CREATE, and the
        client's `on_guild_join`. A guild made unavailable by `guild_delete(unavailable=True)` becomes
        available again instead (`on_guild_available`)."""
        joined = self.world.add_guild(name, **kwargs) if guild is None else self.world.guild(ref_id(guild))
        returning = joined.unavailable and joined.joined
        joined.joined, joined.unavailable = True, False
        await self.dispatch("GUILD_CREATE", self.world.guild_payload(joined.id, joining=not returning))
        return joined

    async def guild_delete(self, guild: int | Guild, *, unavailable: bool = False) -> None:
        """The bot was removed from the guild (or, `unavailable=True`, the guild had an outage):
        GUILD_DELETE. After a removal the guild's channels answer 403 Missing Access."""
        guild_id = ref_id(guild)
        data: dict[str, Any] = {"id": str(guild_id)}
        if unavailable:
            data["unavailable"] = True
            self.world.guild(guild_id).unavailable = True
        else:
            self.world.guild(guild_id).joined = False
        await self.dispatch("GUILD_DELETE", data)

    async def channel_create(self, guild: int | Guild, name: str, **kwargs: Any) -> Channel:
        channel = self.world.add_channel(ref_id(guild), name, **kwargs)
        await self.dispatch("THREAD_CREATE" if channel.is_thread else "CHANNEL_CREATE", channel.to_api())
        return channel

    async def channel_delete(self, channel: int | Channel) -> None:
        """The channel is deleted (its webhooks with it): CHANNEL_DELETE, or THREAD_DELETE for a thread."""
        removed = self.world.channels.pop(ref_id(channel))
        for hook in [w for w in self.world.webhooks.values() if w.channel_id == removed.id]:
            del self.world.webhooks[hook.id]
        await self.dispatch("THREAD_DELETE" if removed.is_thread else "CHANNEL_DELETE", removed.to_api())

    async def drop_gateway(self, *, resume: bool = True, wait: bool = True, timeout: float = 5) -> None:
        """Cut the gateway session: `resume=True` closes the socket with 4000 and discord.py RESUMEs;
        `resume=False` sends INVALID_SESSION (d=false) and it IDENTIFYs again, after the 5 s discord.py
        sleeps before any IDENTIFY but the first (`instant_reidentify(client)` skips it; `running()` does).
        With `wait`, return once the client is back and has handled everything sent so far."""
        resumes, identifies = len(self.gateway.resumes), len(self.gateway.identifies)
        await self.gateway.drop(resume=resume)
        if not wait:
            return
        if resume:
            await self.wait_for_resume(resumes + 1, timeout=timeout)
        else:
            await self.wait_for_identify(identifies + 1, timeout=timeout)
        await self.wait_ready(timeout=timeout)

    # --- interactions --------------------------------------------------------------------------------------

    async def send_interaction(
        self,
        guild: int | Guild | None,
        channel: int | Channel,
        user: int | User | Member,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str | None = None,
        permissions: int | None = None,
        locale: str = "en-US",
        guild_locale: str | None = None,
        app_permissions: int | None = None,
        timeout: float = 5,
    ) -> InteractionReply:
        """Dispatch a slash command (or, with `focused`, an autocomplete) and return its reply record at
        once; `interact` and `autocomplete` also wait for the answer. `permissions` defaults to what the
        user's roles give in the channel; `guild=None` makes it a DM."""
        await self.wait_ready(timeout=timeout)
        interaction_id = self.world.snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        payload = build_interaction(
            self.world,
            self.rest.commands,
            interaction_id=interaction_id,
            token=token,
            kind=2 if focused is None else 4,
            guild_id=None if guild is None else ref_id(guild),
            channel_id=ref_id(channel),
            user_id=ref_id(user),
            command=command,
            options=dict(options or {}),
            focused=focused,
            permissions=permissions,
            locale=locale,
            guild_locale=guild_locale,
            app_permissions=app_permissions,
        )
        reply = InteractionReply(interaction_id, token, payload["type"], command, payload, self.changes)
        self.rest.posting.interactions[interaction_id] = reply
        await self.dispatch("INTERACTION_CREATE", payload, sync=False)
        return reply

    async def interact(
        self,
        guild: int | Guild | None,
        channel: int | Channel,
        user: int | User | Member,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        timeout: float = 5,
        **kwargs: Any,
    ) -> InteractionReply:
        """Run a slash command, e.g. `interact(g, c, u, "news countries add", {"country": "UA"},
        permissions=MANAGE_GUILD, locale="nl")`; returns once answered (a deferred answer: once edited or
        followed up). The record keeps updating with later edits and followups."""
        reply = await self.send_interaction(guild, channel, user, command, options, timeout=timeout, **kwargs)
        return await reply.wait_answered(timeout=timeout)

    async def autocomplete(
        self,
        guild: int | Guild | None,
        channel: int | Channel,
        user: int | User | Member,
        command: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        timeout: float = 5,
        **kwargs: Any,
    ) -> InteractionReply:
        """Ask for autocomplete choices for the `focused` option (its value is what the user typed);
        the answer's `choices` are `[{"name": ..., "value": ...}]`."""
        reply = await self.send_interaction(
            guild, channel, user, command, options, focused=focused, timeout=timeout, **kwargs
        )
        return await reply.wait_answered(timeout=timeout)
