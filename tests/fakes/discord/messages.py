"""Messages the bot, its webhooks and its interaction replies post: records, Discord's limits, and the
message object discord.py's `Message` constructor reads (`id`, `type`, `content`, `channel_id`, `author`...).

Limits checked (a 400 like Discord's): content <= 2000 characters, <= 10 embeds, title <= 256,
description <= 4096, <= 25 fields (name <= 256, value <= 1024), footer <= 2048, author name <= 256, all
embed text together <= 6000, and a new message needs content, an embed, a component or a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .faults import Fault, bad_request

__all__ = ["EPHEMERAL", "LOADING", "Edit", "SentMessage", "apply_edit", "message_object", "validate_message"]

EPHEMERAL = 64
LOADING = 128
_KEPT_FLAGS = 4 | 64 | 4096 | 32768  # suppress embeds, ephemeral, suppress notifications, components v2
_EMBED_LIMITS = {"title": 256, "description": 4096}


@dataclass(slots=True)
class SentMessage:
    """A message as it is now; `payload` is the JSON body that created it, `edits` the bodies of its edits."""

    id: int
    channel_id: int
    guild_id: int | None
    payload: dict[str, Any]
    data: dict[str, Any] = field(repr=False)
    webhook_id: int | None = None
    interaction_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list, repr=False)
    deleted: bool = False

    @property
    def content(self) -> str:
        return str(self.data.get("content", ""))

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds", []))

    @property
    def flags(self) -> int:
        return int(self.data.get("flags", 0))

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """What the creating request asked for (`{"parse": []}` is `AllowedMentions.none()`)."""
        return self.payload.get("allowed_mentions")


@dataclass(frozen=True, slots=True)
class Edit:
    """One successful edit: the message, the JSON body of the PATCH, and through which webhook if any."""

    channel_id: int
    message_id: int
    payload: dict[str, Any]
    webhook_id: int | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _embed_text(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "") + len(
        (embed.get("author") or {}).get("name") or ""
    )
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def validate_message(payload: dict[str, Any], *, creating: bool) -> Fault | None:
    """A 400 for a body Discord would refuse, else None. Edits are checked only for what they change."""
    errors: dict[str, Any] = {}
    content = payload.get("content")
    if content is not None and len(content) > 2000:
        errors["content"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    for index, embed in enumerate(embeds):
        problems: dict[str, Any] = {}
        for key, limit in _EMBED_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                problems[key] = _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems["fields"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for i, f in enumerate(fields):
            if not f.get("name") or not f.get("value") or len(f["name"]) > 256 or len(f["value"]) > 1024:
                problems.setdefault("fields", {})[str(i)] = _error("BASE_TYPE_BAD_LENGTH", "Bad field.")
        if len((embed.get("footer") or {}).get("text") or "") > 2048:
            problems["footer"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.")
        if len((embed.get("author") or {}).get("name") or "") > 256:
            problems["author"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
        if problems:
            errors.setdefault("embeds", {})[str(index)] = problems
    if sum(_embed_text(e) for e in embeds) > 6000:
        errors.setdefault("embeds", {})["_errors"] = [
            {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
        ]
    if errors:
        return bad_request(errors=errors)
    if creating and not (content or embeds or payload.get("components") or payload.get("attachments")):
        return bad_request("Cannot send an empty message", 50006)
    return None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def message_object(
    *,
    id: int,
    channel_id: int,
    guild_id: int | None,
    author: dict[str, Any],
    payload: dict[str, Any],
    webhook_id: int | None = None,
    application_id: int | None = None,
    interaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The message object Discord answers with for a new message built from its JSON body."""
    data: dict[str, Any] = {
        "id": str(id),
        "type": 0 if interaction is None else 20,
        "channel_id": str(channel_id),
        "author": author,
        "content": payload.get("content") or "",
        "timestamp": _now(),
        "edited_timestamp": None,
        "tts": bool(payload.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [_rich(e) for e in payload.get("embeds") or []],
        "reactions": [],
        "pinned": False,
        "flags": int(payload.get("flags") or 0) & _KEPT_FLAGS,
        "components": list(payload.get("components") or []),
        "nonce": payload.get("nonce"),
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    if interaction is not None:
        data["interaction_metadata"] = interaction
    return data


def apply_edit(data: dict[str, Any], payload: dict[str, Any]) -> None:
    """Change a message object as a PATCH with this body does (fields absent from it stay); an edit ends
    the "is thinking" state of a deferred interaction reply."""
    data["flags"] = data.get("flags", 0) & ~LOADING
    if "content" in payload:
        data["content"] = payload["content"] or ""
    if "embeds" in payload:
        data["embeds"] = [_rich(e) for e in payload["embeds"] or []]
    if "components" in payload:
        data["components"] = list(payload["components"] or [])
    if "flags" in payload and payload["flags"] is not None:
        data["flags"] = (data.get("flags", 0) & EPHEMERAL) | (int(payload["flags"]) & _KEPT_FLAGS)
    data["edited_timestamp"] = _now()


def _rich(embed: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich", **embed}
