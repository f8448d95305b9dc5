"""Discord permission bits, and the fake's reckoning of a member's permissions in a channel.

The reckoning follows Discord's documented order: the owner and administrators get everything; otherwise
@everyone's permissions OR the member's roles', then the channel's overwrites (@everyone, then the roles
together, then the member), a thread using its parent's overwrites. Without VIEW_CHANNEL a member has no
permission in the channel at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "EMBED_LINKS",
    "EVERYONE_DEFAULT",
    "MANAGE_GUILD",
    "MANAGE_WEBHOOKS",
    "READ_MESSAGE_HISTORY",
    "SEND_MESSAGES",
    "SEND_MESSAGES_IN_THREADS",
    "USE_APPLICATION_COMMANDS",
    "VIEW_CHANNEL",
    "Overwrite",
    "channel_permissions",
]

ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
"""Shown as "Manage Server" in the client; the usual gate for a bot's settings commands (32)."""
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
ADD_REACTIONS = 1 << 6
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 53) - 1
"""Everything; what the owner and administrators hold (Discord's bit field is below 2**53)."""

EVERYONE_DEFAULT = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
"""What @everyone may do in a new guild of the fake (roughly Discord's defaults, without voice)."""


@dataclass(frozen=True, slots=True)
class Overwrite:
    """A channel permission overwrite for a role (`type=0`, the @everyone role has the guild's id) or a
    member (`type=1`)."""

    id: int
    type: Literal[0, 1] = 0
    allow: int = 0
    deny: int = 0

    def to_api(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def channel_permissions(
    *,
    guild_id: int,
    member_id: int,
    owner_id: int,
    role_permissions: dict[int, int],
    member_roles: Iterable[int],
    overwrites: Iterable[Overwrite] = (),
) -> int:
    """A member's permissions in a channel (or in the guild, with no overwrites).

    `role_permissions` maps every role id of the guild (the @everyone role is the guild id) to its bits."""
    if member_id == owner_id:
        return ALL_PERMISSIONS
    roles = set(member_roles)
    perms = role_permissions.get(guild_id, 0)
    for role_id in roles:
        perms |= role_permissions.get(role_id, 0)
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    overwrites = list(overwrites)
    for ow in overwrites:
        if ow.type == 0 and ow.id == guild_id:
            perms = (perms & ~ow.deny) | ow.allow
    allow = deny = 0
    for ow in overwrites:
        if ow.type == 0 and ow.id in roles:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    for ow in overwrites:
        if ow.type == 1 and ow.id == member_id:
            perms = (perms & ~ow.deny) | ow.allow
    if not perms & VIEW_CHANNEL:
        return 0
    return perms
