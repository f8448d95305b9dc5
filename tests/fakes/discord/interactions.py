"""INTERACTION_CREATE payloads for slash commands and autocomplete, built like Discord builds them.

`"news countries add"` with `{"country": "UA"}` becomes `data.name="news"` with options nested as a
subcommand group (type 2) holding a subcommand (type 1) holding the values. When the bot has synced its
commands, the fake reads option types, required options and choices from what it registered (and refuses,
with ValueError, a command the Discord client could not send); otherwise it infers them from the Python
values: bool -> 5, int -> 4, float -> 10, str -> 3, `Channel` -> 7, `Role` -> 8, `User` -> 6.
Channel, role and user values are put in `data.resolved` as Discord does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Channel, Member, Role, User
from .world import World

__all__ = ["ATTACHMENT_SIZE_LIMIT", "build_interaction", "find_command"]

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_SUB, _GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10

Commands = Mapping[int | None, list[dict[str, Any]]]


def find_command(commands: Commands, guild_id: int | None, name: str) -> dict[str, Any] | None:
    """The registered chat-input command by that name: the guild's own first, then the global one."""
    for scope in (guild_id, None) if guild_id is not None else (None,):
        for command in commands.get(scope, []):
            if command["name"] == name and command.get("type", 1) == 1:
                return command
    return None


def _infer(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, (User, Member)):
        return USER
    return STRING


class _Builder:
    def __init__(self, world: World, guild_id: int | None, user_id: int) -> None:
        self.world = world
        self.guild_id = guild_id
        self.user_id = user_id
        self.resolved: dict[str, dict[str, Any]] = {}

    def option(self, name: str, value: Any, declared: dict[str, Any] | None, focused: bool) -> dict[str, Any]:
        kind = declared["type"] if declared else _infer(value)
        if focused:  # what the user has typed so far, as typed
            return {"name": name, "type": kind, "value": value, "focused": True}
        if declared and declared.get("choices"):
            allowed = [c["value"] for c in declared["choices"]]
            if value not in allowed:
                raise ValueError(f"option {name!r} must be one of {allowed}, not {value!r}")
        if kind in (CHANNEL, ROLE, USER, MENTIONABLE):
            value = self.resolve(kind, value, name)
        elif kind == INTEGER:
            value = int(value)
        elif kind == NUMBER:
            value = float(value)
        elif kind == BOOLEAN:
            value = bool(value)
        else:
            value = str(value)
        return {"name": name, "type": kind, "value": value}

    def resolve(self, kind: int, value: Any, name: str) -> str:
        ref = value.user.id if isinstance(value, Member) else getattr(value, "id", value)
        ref = int(ref)
        guild = self.world.guilds.get(self.guild_id or 0)
        if kind == CHANNEL or (kind == MENTIONABLE and ref in self.world.channels):
            channel = self.world.channel(ref)
            perms = self.world.permissions(channel.guild_id, self.user_id, channel.id)
            self.resolved.setdefault("channels", {})[str(ref)] = channel.to_api(permissions=perms)
        elif guild is not None and ref in guild.roles:
            self.resolved.setdefault("roles", {})[str(ref)] = guild.roles[ref].to_api()
        elif kind == ROLE:
            raise ValueError(f"option {name!r}: no role {ref} in guild {self.guild_id}")
        else:
            self.resolved.setdefault("users", {})[str(ref)] = self.world.user(ref).to_api()
            member = guild.members.get(ref) if guild else None
            if member is not None and guild is not None:
                data = member.to_api(permissions=self.world.permissions(guild.id, ref))
                data.pop("user")
                self.resolved.setdefault("members", {})[str(ref)] = data
        return str(ref)


def _walk(
    command: dict[str, Any] | None, path: list[str]
) -> tuple[list[tuple[str, int]], list[dict[str, Any]] | None]:
    """The subcommand groups/subcommands along `path` with their types, and the leaf's declared options."""
    steps: list[tuple[str, int]] = []
    schema: list[dict[str, Any]] | None = None if command is None else command.get("options") or []
    for depth, part in enumerate(path):
        if schema is None:
            steps.append((part, _GROUP if depth == 0 and len(path) == 2 else _SUB))
            continue
        found = next((o for o in schema if o["name"] == part and o["type"] in (_SUB, _GROUP)), None)
        if found is None:
            names = [o["name"] for o in schema if o["type"] in (_SUB, _GROUP)]
            raise ValueError(f"/{' '.join(path[:depth])}: no subcommand {part!r} (registered: {names})")
        steps.append((part, found["type"]))
        schema = found.get("options") or []
    if schema is not None and any(o["type"] in (_SUB, _GROUP) for o in schema):
        raise ValueError(f"/{' '.join(path)} is a group: name one of its subcommands")
    return steps, schema


def build_interaction(
    world: World,
    commands: Commands,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    guild_id: int | None,
    channel_id: int,
    user_id: int,
    command: str,
    options: Mapping[str, Any],
    focused: str | None,
    permissions: int | None,
    locale: str,
    guild_locale: str | None,
    app_permissions: int | None,
) -> dict[str, Any]:
    """The `d` of an INTERACTION_CREATE dispatch (kind 2 = slash command, 4 = autocomplete)."""
    name, *path = command.split()
    registered = find_command(commands, guild_id, name)
    steps, schema = _walk(registered, path)
    builder = _Builder(world, guild_id, user_id)
    declared = {o["name"]: o for o in schema or []}
    if schema is not None:
        unknown = set(options) - set(declared)
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
        if unknown or (missing and focused is None):
            raise ValueError(f"/{command}: unknown options {sorted(unknown)}, missing required {missing}")
    if focused is not None and focused not in options:
        raise ValueError(f"the focused option {focused!r} needs a value (what the user typed so far)")
    leaf = [builder.option(k, v, declared.get(k), k == focused) for k, v in options.items()]
    nested: list[dict[str, Any]] = leaf
    for part, step_type in reversed(steps):
        nested = [{"name": part, "type": step_type, "options": nested}]
    data: dict[str, Any] = {
        "id": str(registered["id"]) if registered else str(world.snowflake()),
        "name": name,
    }
    data |= {"type": 1, "options": nested}
    if registered is not None and registered.get("guild_id"):
        data["guild_id"] = registered["guild_id"]
    if builder.resolved:
        data["resolved"] = builder.resolved
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "data": data,
        "channel_id": str(channel_id),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    user = world.user(user_id)
    if guild_id is None:  # a DM with the bot
        dm = {
            "id": str(channel_id),
            "type": 1,
            "recipients": [user.to_api()],
            "last_message_id": None,
            "flags": 0,
        }
        bits = app_permissions if app_permissions is not None else 0
        owners = {"1": str(user_id)}
        return (
            payload
            | {"channel": dm, "user": user.to_api(), "context": 1, "app_permissions": str(bits)}
            | {"authorizing_integration_owners": owners}
        )
    guild = world.guild(guild_id)
    channel = world.channel(channel_id)
    member = guild.members.get(user_id) or Member(user)
    member_perms = world.permissions(guild_id, user_id, channel_id) if permissions is None else permissions
    bot_perms = (
        world.permissions(guild_id, world.bot.id, channel_id) if app_permissions is None else app_permissions
    )
    return payload | {
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": guild.preferred_locale, "features": []},
        "guild_locale": guild_locale or guild.preferred_locale,
        "channel": channel.to_api(permissions=member_perms),
        "member": member.to_api(permissions=member_perms),
        "app_permissions": str(bot_perms),
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
    }
