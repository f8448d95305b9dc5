"""A fake Telegram Bot API server for tests that run the real python-telegram-bot against it.

See `server.py` for the server, `inject.py` for scripting updates, `model.py` for records and error presets,
`html.py` for Telegram's HTML parse mode.
"""

from .api import MAX_TEXT, CallbackAnswer, CommandsKey, render_text
from .flood import FloodControl, Metered
from .html import HtmlError, Rendered, parse_html, utf16_len
from .inject import CHANNEL_BOT
from .model import (
    BLOCKED,
    CANT_PARSE,
    CHAT_NOT_FOUND,
    GROUP_ANONYMOUS_BOT,
    KICKED,
    SERVER_ERROR,
    ApiError,
    Call,
    Edit,
    Injected,
    SentMessage,
    User,
    migrated,
    retry_after,
)
from .server import DEFAULT_TOKEN, FakeTelegram
from .updates import Webhook
from .world import ChatState, Member

__all__ = [
    "BLOCKED",
    "CANT_PARSE",
    "CHANNEL_BOT",
    "CHAT_NOT_FOUND",
    "DEFAULT_TOKEN",
    "GROUP_ANONYMOUS_BOT",
    "KICKED",
    "MAX_TEXT",
    "SERVER_ERROR",
    "ApiError",
    "Call",
    "CallbackAnswer",
    "ChatState",
    "CommandsKey",
    "Edit",
    "FakeTelegram",
    "FloodControl",
    "HtmlError",
    "Injected",
    "Member",
    "Metered",
    "Rendered",
    "SentMessage",
    "User",
    "Webhook",
    "migrated",
    "parse_html",
    "render_text",
    "retry_after",
    "utf16_len",
]
