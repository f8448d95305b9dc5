"""The fake Bot API's vocabulary: users, chats, what it records, and the errors it answers with.

Error presets are keyword sets for `FakeTelegram.fail`:

    tg.fail("sendMessage", 42, **BLOCKED)
    tg.fail("sendMessage", 42, **retry_after(30))
    tg.fail("sendMessage", -5, **migrated(-1005))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BLOCKED",
    "CANT_PARSE",
    "CHAT_NOT_FOUND",
    "GROUP_ANONYMOUS_BOT",
    "KICKED",
    "SERVER_ERROR",
    "ApiError",
    "Call",
    "ChatType",
    "Edit",
    "Injected",
    "MemberStatus",
    "SentMessage",
    "User",
    "migrated",
    "retry_after",
]

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram user (or bot) as the fake knows it."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API `User` object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


GROUP_ANONYMOUS_BOT = User(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
"""The `from` of a message an anonymous group admin sends; its `sender_chat` is the group itself."""


class ApiError(Exception):
    """A Bot API error answer: `{"ok": false, "error_code": ..., "description": ..., "parameters": ...}`."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """A 400 with Telegram's `Bad Request: ` prefix."""
    return ApiError(400, f"Bad Request: {detail}", parameters)


def retry_after(seconds: int) -> dict[str, Any]:
    """A 429 flood-wait answer."""
    return {
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


def migrated(new_chat_id: int) -> dict[str, Any]:
    """The answer for a group that became a supergroup."""
    return {
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new_chat_id},
    }


BLOCKED: dict[str, Any] = {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
KICKED: dict[str, Any] = {"error_code": 403, "description": "Forbidden: bot was kicked from the group chat"}
CHAT_NOT_FOUND: dict[str, Any] = {"error_code": 400, "description": "Bad Request: chat not found"}
CANT_PARSE: dict[str, Any] = {
    "error_code": 400,
    "description": 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
}
SERVER_ERROR: dict[str, Any] = {"error_code": 500, "description": "Internal Server Error"}


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake answered: the method (canonical spelling), its decoded parameters, the outcome."""

    method: str
    params: dict[str, Any]
    error: ApiError | None = None
    result: Any = None
    at: float = field(default=0.0, compare=False)  # `time.monotonic()` when the request arrived

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent successfully; `text` is what it sent, `plain` what the user sees."""

    chat_id: int
    message_id: int
    text: str
    plain: str
    parse_mode: str | None
    entities: list[dict[str, Any]]
    thread_id: int | None
    reply_markup: dict[str, Any] | None
    link_preview_options: dict[str, Any] | None
    disable_web_page_preview: bool | None
    reply_to_message_id: int | None
    disable_notification: bool | None
    params: dict[str, Any] = field(repr=False)

    @property
    def preview_disabled(self) -> bool:
        """Whether the message asked for no link preview, by either spelling."""
        if self.link_preview_options is not None:
            return bool(self.link_preview_options.get("is_disabled"))
        return bool(self.disable_web_page_preview)

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows, or `[]`."""
        rows: list[list[dict[str, Any]]] = (self.reply_markup or {}).get("inline_keyboard", [])
        return rows


@dataclass(frozen=True, slots=True)
class Edit:
    """A successful `editMessageText` (`kind="text"`) or `editMessageReplyMarkup` (`kind="reply_markup"`)."""

    kind: Literal["text", "reply_markup"]
    chat_id: int
    message_id: int
    text: str | None
    plain: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    params: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Injected:
    """An update a test queued: its id, and the message id or callback query id it carries."""

    update_id: int
    message_id: int | None = None
    query_id: str | None = None
