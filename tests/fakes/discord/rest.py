"""The fake REST API under `/api/v10`: routing, auth, scripted faults, outages, recording, answers.

Every answer carries `Content-Type: application/json` exactly (discord.py parses JSON only then) and
`X-RateLimit-*` headers with plenty remaining (without them discord.py waits before each request).
Bot routes need `Authorization: Bot <token>` (401 otherwise); webhook and interaction routes need none.

Route names (for `FakeDiscord.fail`, `calls_to`, `wait_for_call`), with the target a fault can aim at:
- bot: `get_me`, `application_info`, `gateway`, `gateway_bot`; `get_commands` / `sync_commands` (guild id,
  None for global); `get_guild`, `guild_channels` (guild id)
- channels (channel id): `get_channel`, `send_message`, `get_message`, `edit_message`, `delete_message`,
  `create_webhook`, `channel_webhooks`
- webhooks (webhook id): `get_webhook`, `execute_webhook`, `get_webhook_message`, `edit_webhook_message`,
  `delete_webhook_message`
- interactions (interaction id): `interaction_callback`, `followup`, `get_original`, `edit_original`,
  `delete_original`, `get_followup`, `edit_followup`, `delete_followup`
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal

from aiohttp import BodyPartReader, web

from .faults import (
    SERVICE_UNAVAILABLE,
    UNAUTHORIZED,
    Fault,
    FaultBook,
    bad_request,
    json_body,
    ratelimit_headers,
)
from .posting import Answer, HttpError, ParsedRequest, Posting
from .records import RestCall
from .waiting import Changes
from .world import World

__all__ = ["API_PREFIX", "Outage", "RestApi"]

API_PREFIX = "/api/v10"
Outage = Literal["refuse", "503"]
Handler = Callable[[ParsedRequest], Answer]

_ID = r"(?P<{}>\d+)"
_NOT_FOUND = Fault(404, {"message": "404: Not Found", "code": 0})
_NOT_ALLOWED = Fault(405, {"message": "405: Method Not Allowed", "code": 0})
_TOO_MANY_COMMANDS = bad_request(errors={"_errors": [{"code": "APPLICATION_COMMAND_TOO_MANY"}]})


def _pattern(template: str) -> re.Pattern[str]:
    """`/channels/{channel}/messages` -> a regex with named groups (ids are digits, tokens anything)."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"(?P<{name}>[^/]+)" if name in ("token", "message") else _ID.format(name)

    return re.compile(re.sub(r"\{(\w+)\}", group, template) + "$")


class RestApi:
    """Answers REST requests from the `world`; records them in `calls`; `faults` and `outage` break it."""

    def __init__(self, world: World, changes: Changes, *, token: str, gateway_url: Callable[[], str]) -> None:
        self.world = world
        self.changes = changes
        self.token = token
        self.gateway_url = gateway_url
        self.posting = Posting(world)
        self.faults = FaultBook()
        self.outage: Outage | None = None
        self.calls: list[RestCall] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.command_syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.internal_errors: list[BaseException] = []
        p = self.posting
        # (method, path template, route name, handler, target group, bot auth needed)
        table: list[tuple[str, str, str, Handler, str | None, bool]] = [
            ("GET", "/users/@me", "get_me", self._me, None, True),
            ("GET", "/oauth2/applications/@me", "application_info", self._application, None, True),
            ("GET", "/gateway", "gateway", self._gateway, None, False),
            ("GET", "/gateway/bot", "gateway_bot", self._gateway_bot, None, True),
            ("GET", "/applications/{app}/commands", "get_commands", self._get_commands, None, True),
            ("PUT", "/applications/{app}/commands", "sync_commands", self._put_commands, None, True),
            ("GET", "/applications/{app}/guilds/{guild}/commands", "get_commands", self._get_commands, "guild", True),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", "sync_commands", self._put_commands, "guild", True),
            ("GET", "/guilds/{guild}", "get_guild", self._get_guild, "guild", True),
            ("GET", "/guilds/{guild}/channels", "guild_channels", self._guild_channels, "guild", True),
            ("GET", "/channels/{channel}", "get_channel", self._get_channel, "channel", True),
            ("POST", "/channels/{channel}/messages", "send_message", p.send_message, "channel", True),
            ("GET", "/channels/{channel}/messages/{message}", "get_message", p.get_message, "channel", True),
            ("PATCH", "/channels/{channel}/messages/{message}", "edit_message", p.edit_message, "channel", True),
            ("DELETE", "/channels/{channel}/messages/{message}", "delete_message", p.delete_message, "channel", True),
            ("POST", "/channels/{channel}/webhooks", "create_webhook", p.create_webhook, "channel", True),
            ("GET", "/channels/{channel}/webhooks", "channel_webhooks", p.channel_webhooks, "channel", True),
            ("POST", "/interactions/{interaction}/{token}/callback", "interaction_callback", p.interaction_callback, "interaction", False),
            ("GET", "/webhooks/{webhook}/{token}", "get_webhook", p.get_webhook, "webhook", False),
            ("POST", "/webhooks/{webhook}/{token}", "execute_webhook", p.execute_webhook, "webhook", False),
            ("GET", "/webhooks/{webhook}/{token}/messages/{message}", "get_webhook_message", p.get_webhook_message, "webhook", False),
            ("PATCH", "/webhooks/{webhook}/{token}/messages/{message}", "edit_webhook_message", p.edit_webhook_message, "webhook", False),
            ("DELETE", "/webhooks/{webhook}/{token}/messages/{message}", "delete_webhook_message", p.delete_webhook_message, "webhook", False),
        ]  # fmt: skip
        self._routes = [(m, _pattern(t), name, h, target, auth) for m, t, name, h, target, auth in table]
        self._for_interactions: dict[str, tuple[str, Callable[..., Answer]]] = {
            "execute_webhook": ("followup", p.followup),
            "get_webhook_message": ("get_{}", p.get_interaction_message),
            "edit_webhook_message": ("edit_{}", p.edit_interaction_message),
            "delete_webhook_message": ("delete_{}", p.delete_interaction_message),
        }

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    # --- one request ---------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.outage == "refuse":
            return self._disconnect(request)
        path = request.path.removeprefix(API_PREFIX) if request.path.startswith(API_PREFIX + "/") else None
        query = dict(request.query)
        route, target, status, body, fault = "unknown", None, 500, None, None
        try:
            req = ParsedRequest(request.method, {}, query, None)
            req.json, req.files = await _read_body(request)
            if self.outage == "503":
                raise HttpError(SERVICE_UNAVAILABLE)
            handler, route, target = self._match(
                request.method, path, req, request.headers.get("Authorization")
            )
            scripted = self.faults.take(route, target)
            if scripted is not None:
                raise HttpError(scripted)
            status, body = handler(req)
        except HttpError as exc:
            fault = exc.fault
            status, body = fault.status, fault.body
        except Exception as exc:  # a bug in the fake: answer 500, keep it for the test to see
            self.internal_errors.append(exc)
            status, body = 500, {"message": f"fake Discord crashed: {exc!r}", "code": 0}
        self.calls.append(
            RestCall(request.method, request.path, route, target, query, req.json, status, body)
        )
        self.changes.changed()
        if fault is not None and fault.disconnect:
            return self._disconnect(request)
        headers = ratelimit_headers(f"fake-{route}")
        if fault is not None:
            headers |= dict(fault.headers)
            if fault.text is not None:
                return web.Response(status=status, text=fault.text, headers=headers)
        if status == 204:
            return web.Response(status=204, headers=headers)
        return web.Response(
            status=status, body=json_body(body), headers={**headers, "Content-Type": "application/json"}
        )

    def _match(
        self, method: str, path: str | None, req: ParsedRequest, auth: str | None
    ) -> tuple[Callable[[ParsedRequest], Answer], str, int | None]:
        allowed = False
        for route_method, pattern, name, handler, target_group, needs_auth in self._routes if path else ():
            match = pattern.match(path or "")
            if match is None:
                continue
            allowed = True
            if route_method != method:
                continue
            req.params = match.groupdict()
            target = None if target_group is None else int(req.params[target_group])
            if needs_auth and auth != f"Bot {self.token}":
                raise HttpError(UNAUTHORIZED)
            if target_group == "webhook" and name in self._for_interactions:
                reply = self.posting.interaction_for(target or 0, req.params["token"])
                if reply is not None:
                    template, special = self._for_interactions[name]
                    which = "original" if req.params.get("message") == "@original" else "followup"
                    name = template.format(which)
                    return (lambda r, reply=reply, special=special: special(r, reply)), name, reply.id
            return handler, name, target
        raise HttpError(_NOT_ALLOWED if allowed else _NOT_FOUND)

    @staticmethod
    def _disconnect(request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=503)

    # --- bot, gateway, guilds ------------------------------------------------------------------------------

    def _me(self, req: ParsedRequest) -> Answer:
        extra = {"verified": True, "mfa_enabled": False, "locale": "en-US", "flags": 0, "email": None}
        return 200, self.world.bot.to_api() | extra

    def _application(self, req: ParsedRequest) -> Answer:
        return 200, self.world.application_payload()

    def _gateway(self, req: ParsedRequest) -> Answer:
        return 200, {"url": self.gateway_url()}

    def _gateway_bot(self, req: ParsedRequest) -> Answer:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return 200, {"url": self.gateway_url(), "shards": 1, "session_start_limit": limit}

    def _guild(self, req: ParsedRequest) -> int:
        guild = self.world.guilds.get(req.id("guild"))
        if guild is None:
            raise HttpError(Fault(404, {"message": "Unknown Guild", "code": 10004}))
        if not guild.joined:
            raise HttpError(Fault(403, {"message": "Missing Access", "code": 50001}))
        return guild.id

    def _get_guild(self, req: ParsedRequest) -> Answer:
        data = self.world.guild_payload(self._guild(req))
        for key in ("channels", "threads", "members", "voice_states", "presences", "joined_at", "large"):
            data.pop(key, None)
        return 200, data

    def _guild_channels(self, req: ParsedRequest) -> Answer:
        channels = self.world.channels_of(self._guild(req))
        return 200, [c.to_api() for c in channels if not c.is_thread]

    def _get_channel(self, req: ParsedRequest) -> Answer:
        return 200, self.posting.channel_for_bot(req.id("channel")).to_api()

    # --- application commands ------------------------------------------------------------------------------

    def _command_scope(self, req: ParsedRequest) -> int | None:
        if req.id("app") != self.world.application_id:
            raise HttpError(Fault(403, {"message": "Missing Access", "code": 50001}))
        return self._guild(req) if "guild" in req.params else None

    def _get_commands(self, req: ParsedRequest) -> Answer:
        return 200, self.commands.get(self._command_scope(req), [])

    def _put_commands(self, req: ParsedRequest) -> Answer:
        guild_id = self._command_scope(req)
        payload = req.json
        if not isinstance(payload, list):
            raise HttpError(bad_request("Expected a list of commands", 50035))
        if len(payload) > 100:
            raise HttpError(_TOO_MANY_COMMANDS)
        old = {(c["name"], c.get("type", 1)): c for c in self.commands.get(guild_id, [])}
        seen: set[tuple[str, int]] = set()
        registered = []
        for index, command in enumerate(payload):
            key = (command.get("name"), command.get("type", 1))
            if not command.get("name") or key in seen or (key[1] == 1 and not command.get("description")):
                raise HttpError(bad_request(errors={str(index): {"_errors": [{"code": "BAD_COMMAND"}]}}))
            seen.add(key)
            previous = old.get(key)
            command_id = previous["id"] if previous else str(self.world.snowflake())
            registered.append(self._registered(command, command_id, guild_id))
        self.commands[guild_id] = registered
        self.command_syncs.append((guild_id, payload))
        return 200, registered

    def _registered(self, command: dict[str, Any], command_id: str, guild_id: int | None) -> dict[str, Any]:
        data = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "name_localizations": None,
            "description_localizations": None,
            **command,
            "id": command_id,
            "application_id": str(self.world.application_id),
            "version": str(self.world.snowflake()),
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return data


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, int]]]:
    """The JSON body (for multipart, its `payload_json` part) and the uploaded files' names and sizes."""
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[tuple[str, int]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart: Discord's clients never send one
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            else:
                files.append((part.filename or part.name or "file", len(data)))
        return payload, files
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except ValueError:
        raise HttpError(bad_request("The request body contains invalid JSON.", 50109)) from None
