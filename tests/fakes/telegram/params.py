"""Decoding Bot API parameters: every form value is a string, structured ones are JSON strings.

A JSON request body already has native types; both end up the same after `decode_params`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .model import bad_request

__all__ = ["decode_params"]

_INTS = frozenset(
    [
        "message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "reply_to_message_id",
        "max_connections",
        "from_chat_id",
        "until_date",
    ]
)
_BOOLS = frozenset(
    [
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "drop_pending_updates",
        "show_alert",
        "allow_sending_without_reply",
        "revoke_messages",
        "allow_paid_broadcast",
    ]
)
_JSON = frozenset(
    [
        "reply_markup",
        "commands",
        "scope",
        "link_preview_options",
        "entities",
        "caption_entities",
        "allowed_updates",
        "reply_parameters",
        "message_ids",
        "menu_button",
        "rights",
    ]
)


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _chat_id(value: Any) -> int | str:
    """An id, or an `@username` kept as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return text


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1")


def _json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        label = "reply keyboard markup" if name == "reply_markup" else name
        raise bad_request(f"can't parse {label} JSON object") from None


def decode_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Give each known parameter its type; unknown ones stay as they came."""
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if name in ("chat_id", "sender_chat_id"):
            params[name] = _chat_id(value)
        elif name in _INTS:
            params[name] = _int(name, value)
        elif name in _BOOLS:
            params[name] = _bool(value)
        elif name in _JSON:
            params[name] = _json(name, value)
        else:
            params[name] = value
    return params
