"""What the fake's world is made of: users, roles, channels and threads, members, guilds, webhooks.

Plain data with `to_api()` methods that give the JSON shapes discord.py reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .permissions import Overwrite

__all__ = [
    "ANNOUNCEMENT",
    "ANNOUNCEMENT_THREAD",
    "CATEGORY",
    "CHANNEL_TYPES",
    "JOINED_AT",
    "PRIVATE_THREAD",
    "PUBLIC_THREAD",
    "TEXT",
    "THREAD_TYPES",
    "Channel",
    "Guild",
    "Member",
    "Role",
    "User",
    "Webhook",
    "snowflake_at",
]

TEXT, CATEGORY, ANNOUNCEMENT = 0, 4, 5
ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD = 10, 11, 12
THREAD_TYPES = (ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)
CHANNEL_TYPES = (TEXT, CATEGORY, ANNOUNCEMENT, *THREAD_TYPES)

DISCORD_EPOCH_MS = 1420070400000
JOINED_AT = "2026-01-01T00:00:00+00:00"


def snowflake_at(unix_ms: int, increment: int = 0) -> int:
    """A snowflake for a moment (and a counter within it)."""
    return ((unix_ms - DISCORD_EPOCH_MS) << 22) + increment


@dataclass(slots=True)
class User:
    """A Discord user or bot account."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(slots=True)
class Role:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False

    def to_api(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(slots=True)
class Channel:
    """A guild channel: text (0), category (4), announcement (5), or a thread (10/11/12) with a parent."""

    id: int
    guild_id: int
    name: str
    type: int = TEXT
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    owner_id: int | None = None  # threads: who started it

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def to_api(self, *, permissions: int | None = None) -> dict[str, Any]:
        """The channel object; `permissions` (the viewer's, as a string) is what interactions carry."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "flags": 0,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "nsfw": False,
        }
        if self.is_thread:
            data |= {
                "owner_id": str(self.owner_id or 0),
                "message_count": 0,
                "member_count": 1,
                "total_message_sent": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": JOINED_AT,
                    "locked": False,
                    "create_timestamp": JOINED_AT,
                },
            }
        else:
            data |= {
                "position": self.position,
                "topic": self.topic,
                "permission_overwrites": [ow.to_api() for ow in self.overwrites],
            }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(slots=True)
class Member:
    """A user's membership of a guild."""

    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None

    def to_api(self, *, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": self.user.to_api(),
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": JOINED_AT,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(slots=True)
class Guild:
    """A guild (server). `joined` is False once the bot was removed, `unavailable` True during an outage
    (both by GUILD_DELETE)."""

    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    joined: bool = True
    unavailable: bool = False
    bot_role_id: int | None = None
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]


@dataclass(slots=True)
class Webhook:
    """An incoming webhook that posts into `channel_id`."""

    id: int
    token: str
    channel_id: int
    guild_id: int
    name: str
    application_id: int | None = None

    @property
    def url(self) -> str:
        """The URL as Discord shows it; `discord.Webhook.from_url` wants exactly this shape (requests then
        go to `discord.http.Route.BASE`, i.e. to the fake)."""
        return f"https://discord.com/api/webhooks/{self.id}/{self.token}"

    def to_api(self, *, with_token: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": 1,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "name": self.name,
            "avatar": None,
            "application_id": None if self.application_id is None else str(self.application_id),
        }
        if with_token:
            data["token"] = self.token
        return data
