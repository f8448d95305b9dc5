"""What the fake records: every REST call, gateway connections, and the answer to each interaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .messages import SentMessage
from .waiting import Changes

__all__ = ["GatewayConnection", "InteractionReply", "RestCall"]


@dataclass(frozen=True, slots=True)
class RestCall:
    """One REST request and the fake's answer. `route` is the fake's name for the endpoint
    (`send_message`, `execute_webhook`, ...; `unknown` when none matched), `target` the channel, webhook,
    guild or interaction id the request is about, `json` the decoded body (`payload_json` of a multipart one)."""

    method: str
    path: str
    route: str
    target: int | None
    query: dict[str, str]
    json: Any
    status: int
    response: Any = field(repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class GatewayConnection:
    """One WebSocket connection to the gateway: the path it asked for (`/resume` when discord.py used the
    `resume_gateway_url` of READY), its query (`v`, `encoding`, `compress`), and whether the fake answered
    with zlib-stream binary frames (`compressed`) or text."""

    number: int
    path: str
    query: dict[str, str]
    compressed: bool


@dataclass(slots=True)
class InteractionReply:
    """An interaction the fake dispatched and how the bot answered it, updated as answers arrive.

    `callback` is the JSON body of `POST /interactions/{id}/{token}/callback` (type 4 message, 5 deferred,
    8 autocomplete choices); `original` the `@original` message as edited since; `followups` the
    messages sent through the interaction webhook. `content`, `flags` and `embeds` read the visible answer:
    the original message once it has content, else the first followup."""

    id: int
    token: str
    type: int
    command: str
    payload: dict[str, Any] = field(repr=False)
    changes: Changes = field(repr=False)
    callback: dict[str, Any] | None = None
    original: SentMessage | None = None
    followups: list[SentMessage] = field(default_factory=list)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback.get("type", 0))

    @property
    def deferred(self) -> bool:
        return self.callback_type in (5, 6)

    @property
    def answered(self) -> bool:
        """A callback came, and for a deferred one also an edit of `@original` or a followup."""
        if self.callback is None:
            return False
        if not self.deferred:
            return True
        return bool(self.followups or (self.original is not None and self.original.edits))

    @property
    def message(self) -> SentMessage | None:
        if self.original is not None and (self.callback_type == 4 or self.original.edits):
            return self.original
        return self.followups[0] if self.followups else None

    @property
    def content(self) -> str:
        return "" if self.message is None else self.message.content

    @property
    def flags(self) -> int:
        """The answer's message flags (64 = ephemeral); a deferred answer keeps the defer's flags."""
        if self.message is not None:
            return self.message.flags
        data = (self.callback or {}).get("data") or {}
        return int(data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return [] if self.message is None else self.message.embeds

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (`{"name": ..., "value": ...}`) of a type 8 callback, else []."""
        if self.callback_type != 8:
            return []
        return list(((self.callback or {}).get("data") or {}).get("choices") or [])

    @property
    def raw(self) -> dict[str, Any] | None:
        """The callback's JSON body as the bot sent it."""
        return self.callback

    async def wait_answered(self, *, timeout: float = 5) -> InteractionReply:
        await self.changes.wait_until(
            lambda: self.answered,
            timeout=timeout,
            what=f"an answer to /{self.command} (interaction {self.id})",
        )
        return self

    async def wait_for_followups(self, count: int, *, timeout: float = 5) -> list[SentMessage]:
        await self.changes.wait_until(
            lambda: len(self.followups) >= count,
            timeout=timeout,
            what=f"{count} followups to /{self.command}",
        )
        return list(self.followups)

    async def wait_for_edits(self, count: int, *, timeout: float = 5) -> SentMessage:
        """Wait until `@original` was edited `count` times; returns it."""
        await self.changes.wait_until(
            lambda: self.original is not None and len(self.original.edits) >= count,
            timeout=timeout,
            what=f"{count} edits of the answer to /{self.command}",
        )
        assert self.original is not None
        return self.original
