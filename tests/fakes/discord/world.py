"""The fake Discord's state: the application and its bot user, guilds with channels, threads, roles and
members, and webhooks. Ids are snowflakes that increase in the order things are made.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from typing import Any

from .model import (
    CHANNEL_TYPES,
    JOINED_AT,
    PUBLIC_THREAD,
    TEXT,
    THREAD_TYPES,
    Channel,
    Guild,
    Member,
    Role,
    User,
    Webhook,
    snowflake_at,
)
from .permissions import EVERYONE_DEFAULT, MANAGE_WEBHOOKS, Overwrite, channel_permissions

__all__ = ["World"]

_START_MS = 1767225600000  # 2026-01-01T00:00:00Z: ids are 19 digits, as Discord's are today


class World:
    """All guilds, channels, users and webhooks the fake knows, and the bot's own identity."""

    def __init__(self, *, bot_name: str = "Wirewatch", application_name: str = "Wirewatch") -> None:
        self._ids = itertools.count()
        self.application_name = application_name
        self.application_id = self.snowflake()
        self.bot = User(self.snowflake(), bot_name.lower(), global_name=bot_name, bot=True)
        self.owner = User(self.snowflake(), "app-owner", global_name="App Owner")
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.webhooks: dict[int, Webhook] = {}

    def snowflake(self) -> int:
        """A new id, larger than every id made before."""
        return snowflake_at(_START_MS, next(self._ids))

    # --- building ------------------------------------------------------------------------------------------

    def add_user(self, username: str, *, id: int | None = None, global_name: str | None = None) -> User:
        user = User(id or self.snowflake(), username, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Wirewatch Test",
        *,
        id: int | None = None,
        preferred_locale: str = "en-US",
        owner: User | None = None,
        everyone_permissions: int = EVERYONE_DEFAULT,
        bot_permissions: int = MANAGE_WEBHOOKS,
    ) -> Guild:
        """A guild the bot is in: an @everyone role, the bot's own (managed) role, the bot as a member."""
        guild_id = id or self.snowflake()
        if guild_id in self.guilds:
            raise ValueError(f"guild {guild_id} exists already")
        owner = owner or self.add_user(f"owner-{guild_id}", global_name="Guild Owner")
        self.users.setdefault(owner.id, owner)
        guild = Guild(guild_id, name, owner.id, preferred_locale)
        guild.roles[guild_id] = Role(guild_id, guild_id, "@everyone", everyone_permissions)
        bot_role = Role(self.snowflake(), guild_id, self.bot.global_name or "bot", bot_permissions, 1, True)
        guild.roles[bot_role.id] = bot_role
        guild.bot_role_id = bot_role.id
        guild.members[owner.id] = Member(owner)
        guild.members[self.bot.id] = Member(self.bot, [bot_role.id])
        self.guilds[guild_id] = guild
        return guild

    def add_role(self, guild_id: int, name: str, *, permissions: int = 0, id: int | None = None) -> Role:
        guild = self.guild(guild_id)
        role = Role(id or self.snowflake(), guild_id, name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild_id: int, user: User, *, roles: Iterable[Role | int] = (), nick: str | None = None
    ) -> Member:
        guild = self.guild(guild_id)
        self.users.setdefault(user.id, user)
        role_ids = [r if isinstance(r, int) else r.id for r in roles]
        unknown = [r for r in role_ids if r not in guild.roles]
        if unknown:
            raise KeyError(f"roles {unknown} are not in guild {guild_id}")
        member = Member(user, role_ids, nick)
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild_id: int,
        name: str,
        *,
        type: int = TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: list[Overwrite] | None = None,
        id: int | None = None,
    ) -> Channel:
        """A channel; for a thread (type 10/11/12) `parent_id` is the channel it hangs off."""
        self.guild(guild_id)
        if type not in CHANNEL_TYPES:
            raise ValueError(f"the fake knows channel types {CHANNEL_TYPES}, not {type}")
        if type in THREAD_TYPES:
            parent = self.channels.get(parent_id or 0)
            if parent is None or parent.guild_id != guild_id or parent.is_thread:
                raise ValueError(f"a thread needs a parent channel in guild {guild_id}, not {parent_id}")
        position = sum(1 for c in self.channels.values() if c.guild_id == guild_id and not c.is_thread)
        channel = Channel(
            id or self.snowflake(),
            guild_id,
            name,
            type,
            parent_id,
            position,
            topic,
            list(overwrites or ()),
            owner_id=self.bot.id if type in THREAD_TYPES else None,
        )
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self, parent_id: int, name: str, *, type: int = PUBLIC_THREAD, id: int | None = None
    ) -> Channel:
        return self.add_channel(self.channel(parent_id).guild_id, name, type=type, parent_id=parent_id, id=id)

    def add_webhook(
        self, channel_id: int, name: str = "Wirewatch alerts", *, id: int | None = None
    ) -> Webhook:
        channel = self.channel(channel_id)
        webhook_id = id or self.snowflake()
        token = hashlib.sha256(f"wirewatch-fake-webhook-{webhook_id}".encode()).hexdigest()  # 64 characters
        webhook = Webhook(webhook_id, token, channel.id, channel.guild_id, name)
        self.webhooks[webhook.id] = webhook
        return webhook

    # --- looking up ----------------------------------------------------------------------------------------

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise KeyError(f"no guild {guild_id} in the fake's world") from None

    def channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise KeyError(f"no channel {channel_id} in the fake's world") from None

    def channels_of(self, guild_id: int) -> list[Channel]:
        return [c for c in self.channels.values() if c.guild_id == guild_id]

    def user(self, user_id: int) -> User:
        return self.users.get(user_id) or User(user_id, f"user-{user_id}")

    def permissions(self, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
        """The user's permissions in the guild, or in the channel when given (threads use their parent's
        overwrites); a user who is not a member has only @everyone's."""
        guild = self.guild(guild_id)
        overwrites: list[Overwrite] = []
        if channel_id is not None:
            channel = self.channel(channel_id)
            if channel.is_thread and channel.parent_id is not None:
                channel = self.channel(channel.parent_id)
            overwrites = channel.overwrites
        member = guild.members.get(user_id)
        return channel_permissions(
            guild_id=guild_id,
            member_id=user_id,
            owner_id=guild.owner_id,
            role_permissions={r.id: r.permissions for r in guild.roles.values()},
            member_roles=member.roles if member else (),
            overwrites=overwrites,
        )

    # --- gateway shapes ------------------------------------------------------------------------------------

    def guild_payload(self, guild_id: int, *, joining: bool = False) -> dict[str, Any]:
        """The GUILD_CREATE payload: roles, channels, threads and the bot's member (no other members: the
        bot runs without the members intent). `unavailable: false` marks a guild becoming available (after
        READY, or after an outage); a guild the bot has just joined comes without it (`on_guild_join`)."""
        guild = self.guild(guild_id)
        channels = self.channels_of(guild_id)
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "preferred_locale": guild.preferred_locale,
            "features": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "afk_timeout": 300,
            "system_channel_id": None,
            "joined_at": JOINED_AT,
            "large": False,
            "member_count": len(guild.members),
            "roles": [r.to_api() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [c.to_api() for c in channels if not c.is_thread],
            "threads": [c.to_api() for c in channels if c.is_thread],
            "members": [guild.members[self.bot.id].to_api()],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        } | ({} if joining else {"unavailable": False})

    def application_payload(self) -> dict[str, Any]:
        """`GET /oauth2/applications/@me`."""
        return {
            "id": str(self.application_id),
            "name": self.application_name,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.to_api(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": self.bot.to_api(),
        }
