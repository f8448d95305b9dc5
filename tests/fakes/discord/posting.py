"""The endpoints that post: channel messages, webhooks, interaction callbacks and interaction webhooks.

Each handler takes the parsed request and answers `(status, json)` or raises `HttpError(fault)`. The
fake checks what Discord checks: the channel exists (404 10003) and the bot is still in its guild and may
view it (403 50001) and send there (403 50013); embeds without Embed Links are dropped, as Discord does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .faults import (
    INTERACTION_ACKNOWLEDGED,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    Fault,
    bad_request,
)
from .messages import EPHEMERAL, LOADING, Edit, SentMessage, apply_edit, message_object, validate_message
from .model import CATEGORY, Channel, Webhook
from .permissions import EMBED_LINKS, MANAGE_WEBHOOKS, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, VIEW_CHANNEL
from .records import InteractionReply
from .world import World

__all__ = ["HttpError", "ParsedRequest", "Posting"]

INVALID_WEBHOOK_TOKEN = Fault(401, {"message": "Invalid Webhook Token", "code": 50027})
NOT_AUTHOR = Fault(403, {"message": "Cannot edit a message authored by another user", "code": 50005})
NOT_TEXT = Fault(400, {"message": "Cannot send messages in a non-text channel", "code": 50008})


class HttpError(Exception):
    """Answer the request with this fault."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(f"{fault.status} {fault.body}")
        self.fault = fault


@dataclass(slots=True)
class ParsedRequest:
    """A request as the handlers see it: path parameters, query, JSON body, uploaded files (name, size)."""

    method: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[tuple[str, int]] = field(default_factory=list)

    def id(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise HttpError(
                bad_request(errors={name: {"_errors": [{"code": "NUMBER_TYPE_COERCE"}]}})
            ) from None

    def body(self) -> dict[str, Any]:
        if not isinstance(self.json, dict):
            raise HttpError(bad_request("Expected a JSON object", 50109))
        return self.json


Answer = tuple[int, Any]


class Posting:
    """State and handlers for everything that creates or edits a message."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.messages: dict[int, SentMessage] = {}
        self.edits: list[Edit] = []
        self.interactions: dict[int, InteractionReply] = {}

    # --- channels ------------------------------------------------------------------------------------------

    def channel_for_bot(self, channel_id: int, *, need: int = 0) -> Channel:
        """The channel, if the bot may see it (and has `need` there); else the error Discord gives."""
        channel = self.world.channels.get(channel_id)
        if channel is None:
            raise HttpError(UNKNOWN_CHANNEL)
        guild = self.world.guilds.get(channel.guild_id)
        if guild is None or not guild.joined:
            raise HttpError(MISSING_ACCESS)
        perms = self.world.permissions(guild.id, self.world.bot.id, channel.id)
        if not perms & VIEW_CHANNEL:
            raise HttpError(MISSING_ACCESS)
        if perms & need != need:
            raise HttpError(MISSING_PERMISSIONS)
        return channel

    def _post(
        self, channel: Channel, payload: dict[str, Any], files: list[tuple[str, int]], **kw: Any
    ) -> SentMessage:
        message_id = self.world.snowflake()
        data = message_object(
            id=message_id, channel_id=channel.id, guild_id=channel.guild_id, payload=payload, **kw
        )
        data["attachments"] = [self._attachment(name, size) for name, size in files]
        return SentMessage(message_id, channel.id, channel.guild_id, payload, data, kw.get("webhook_id"))

    def _attachment(self, name: str, size: int) -> dict[str, Any]:
        attachment_id = self.world.snowflake()
        url = f"https://cdn.discordapp.com/attachments/{attachment_id}/{name}"
        return {"id": str(attachment_id), "filename": name, "size": size, "url": url, "proxy_url": url}

    def send_message(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"))
        if channel.type == CATEGORY:
            raise HttpError(NOT_TEXT)
        need = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        perms = self.world.permissions(channel.guild_id, self.world.bot.id, channel.id)
        if not perms & need:
            raise HttpError(MISSING_PERMISSIONS)
        payload = req.body()
        self._check(payload, creating=True)
        message = self._post(channel, payload, req.files, author=self.world.bot.to_api())
        if not perms & EMBED_LINKS:
            message.data["embeds"] = []
        self.messages[message.id] = message
        return 200, message.data

    def _own_message(self, req: ParsedRequest, channel: Channel) -> SentMessage:
        message = self.messages.get(req.id("message"))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise HttpError(UNKNOWN_MESSAGE)
        return message

    def get_message(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"))
        return 200, self._own_message(req, channel).data

    def edit_message(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"))
        message = self._own_message(req, channel)
        if message.webhook_id is not None:
            raise HttpError(NOT_AUTHOR)
        return 200, self._edit(message, req.body())

    def delete_message(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"))
        self._own_message(req, channel).deleted = True
        return 204, None

    def _edit(self, message: SentMessage, payload: dict[str, Any]) -> dict[str, Any]:
        self._check(payload, creating=False)
        apply_edit(message.data, payload)
        message.edits.append(payload)
        self.edits.append(Edit(message.channel_id, message.id, payload, message.webhook_id))
        return message.data

    @staticmethod
    def _check(payload: dict[str, Any], *, creating: bool) -> None:
        fault = validate_message(payload, creating=creating)
        if fault is not None:
            raise HttpError(fault)

    # --- webhooks ------------------------------------------------------------------------------------------

    def create_webhook(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"), need=MANAGE_WEBHOOKS)
        name = req.body().get("name") or "Captain Hook"
        webhook = self.world.add_webhook(channel.id, name)
        webhook.application_id = self.world.application_id
        return 200, webhook.to_api() | {"user": self.world.bot.to_api()}

    def channel_webhooks(self, req: ParsedRequest) -> Answer:
        channel = self.channel_for_bot(req.id("channel"), need=MANAGE_WEBHOOKS)
        hooks = [w for w in self.world.webhooks.values() if w.channel_id == channel.id]
        return 200, [w.to_api() for w in hooks]

    def webhook(self, req: ParsedRequest) -> Webhook:
        webhook = self.world.webhooks.get(req.id("webhook"))
        if webhook is None or webhook.channel_id not in self.world.channels:
            raise HttpError(UNKNOWN_WEBHOOK)
        if webhook.token != req.params["token"]:
            raise HttpError(INVALID_WEBHOOK_TOKEN)
        return webhook

    def get_webhook(self, req: ParsedRequest) -> Answer:
        return 200, self.webhook(req).to_api()

    def execute_webhook(self, req: ParsedRequest) -> Answer:
        webhook = self.webhook(req)
        channel = self.world.channel(webhook.channel_id)
        if "thread_id" in req.query:
            thread = self.world.channels.get(int(req.query["thread_id"]))
            if thread is None or thread.parent_id != channel.id:
                raise HttpError(UNKNOWN_CHANNEL)
            channel = thread
        payload = req.body()
        self._check(payload, creating=True)
        author = {
            "id": str(webhook.id),
            "username": payload.get("username") or webhook.name,
            "avatar": None,
            "discriminator": "0000",
            "bot": True,
        }
        message = self._post(channel, payload, req.files, author=author, webhook_id=webhook.id)
        self.messages[message.id] = message
        if req.query.get("wait", "").lower() not in ("1", "true"):
            return 204, None
        return 200, message.data

    def _webhook_message(self, req: ParsedRequest, webhook: Webhook) -> SentMessage:
        message = self.messages.get(req.id("message"))
        if message is None or message.deleted or message.webhook_id != webhook.id:
            raise HttpError(UNKNOWN_MESSAGE)
        return message

    def get_webhook_message(self, req: ParsedRequest) -> Answer:
        return 200, self._webhook_message(req, self.webhook(req)).data

    def edit_webhook_message(self, req: ParsedRequest) -> Answer:
        return 200, self._edit(self._webhook_message(req, self.webhook(req)), req.body())

    def delete_webhook_message(self, req: ParsedRequest) -> Answer:
        self._webhook_message(req, self.webhook(req)).deleted = True
        return 204, None

    # --- interactions --------------------------------------------------------------------------------------

    def interaction_for(self, webhook_id: int, token: str) -> InteractionReply | None:
        """The interaction whose webhook (`/webhooks/{application_id}/{token}`) this is, if any."""
        if webhook_id != self.world.application_id:
            return None
        return next((r for r in self.interactions.values() if r.token == token), None)

    def interaction_callback(self, req: ParsedRequest) -> Answer:
        reply = self.interactions.get(req.id("interaction"))
        if reply is None:
            raise HttpError(UNKNOWN_INTERACTION)
        if reply.token != req.params["token"]:
            raise HttpError(INVALID_WEBHOOK_TOKEN)
        if reply.callback is not None:
            raise HttpError(INTERACTION_ACKNOWLEDGED)
        body = req.body()
        kind = body.get("type")
        data = body.get("data") or {}
        if kind == 4:
            self._check(data, creating=True)
            reply.original = self._interaction_message(reply, data, req.files)
        elif kind == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            reply.original = self._interaction_message(reply, {"flags": flags}, [])
            reply.original.data["flags"] = flags
        elif kind == 8:
            if len(data.get("choices") or []) > 25:
                raise HttpError(bad_request(errors={"data": {"choices": {"_errors": []}}}))
        elif kind not in (1, 6, 7, 9, 10, 12):
            raise HttpError(bad_request("Invalid interaction response type", 50035))
        reply.callback = body
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        original = reply.original
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(reply.id),
                "type": reply.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(original and original.flags & EPHEMERAL),
            }
        }
        if original is not None:
            answer["interaction"]["response_message_id"] = str(original.id)
            answer["resource"] = {"type": kind, "message": original.data}
        return 200, answer

    def _interaction_message(
        self, reply: InteractionReply, payload: dict[str, Any], files: list[tuple[str, int]]
    ) -> SentMessage:
        channel_id = int(reply.payload["channel_id"])
        guild_id = reply.payload.get("guild_id")
        channel = self.world.channels.get(channel_id) or Channel(channel_id, int(guild_id or 0), "unknown")
        user = (reply.payload.get("member") or {}).get("user") or reply.payload.get("user") or {}
        meta = {"id": str(reply.id), "type": reply.type, "user": user, "authorizing_integration_owners": {}}
        message = self._post(
            channel,
            payload,
            files,
            author=self.world.bot.to_api(),
            webhook_id=self.world.application_id,
            application_id=self.world.application_id,
            interaction=meta,
        )
        message.interaction_id = reply.id
        return message

    def _interaction_message_for(self, req: ParsedRequest, reply: InteractionReply) -> SentMessage:
        if req.params["message"] == "@original":
            if reply.original is None or reply.original.deleted:
                raise HttpError(UNKNOWN_MESSAGE)
            return reply.original
        message = next((m for m in reply.followups if m.id == req.id("message") and not m.deleted), None)
        if message is None:
            raise HttpError(UNKNOWN_MESSAGE)
        return message

    def followup(self, req: ParsedRequest, reply: InteractionReply) -> Answer:
        if reply.callback is None:
            raise HttpError(UNKNOWN_WEBHOOK)
        payload = req.body()
        self._check(payload, creating=True)
        message = self._interaction_message(reply, payload, req.files)
        reply.followups.append(message)
        return 200, message.data

    def get_interaction_message(self, req: ParsedRequest, reply: InteractionReply) -> Answer:
        return 200, self._interaction_message_for(req, reply).data

    def edit_interaction_message(self, req: ParsedRequest, reply: InteractionReply) -> Answer:
        message = self._interaction_message_for(req, reply)
        payload = req.body()
        self._check(payload, creating=False)
        apply_edit(message.data, payload)
        message.edits.append(payload)
        return 200, message.data

    def delete_interaction_message(self, req: ParsedRequest, reply: InteractionReply) -> Answer:
        self._interaction_message_for(req, reply).deleted = True
        return 204, None
