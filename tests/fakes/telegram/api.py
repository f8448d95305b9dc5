"""The Bot API methods about chats, messages and commands, answered from a `World` and recorded.

Each handler takes decoded parameters and returns the `result`, or raises `ApiError` with Telegram's wording.
Updates (getUpdates, webhooks) live in `updates.py`; the HTTP side in `server.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .html import HtmlError, Rendered, parse_html, trim, utf16_len
from .model import ApiError, Edit, SentMessage, bad_request
from .world import ChatState, World

__all__ = ["MAX_TEXT", "BotApi", "CallbackAnswer", "CommandsKey", "render_text"]

MAX_TEXT = 4096
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}

CommandsKey = tuple[str, str]
"""(scope, language_code): scope is `default`, `all_private_chats`, `chat:<id>`, `chat_member:<id>:<user>`..."""


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An `answerCallbackQuery` the bot made."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


def render_text(text: Any, parse_mode: Any, entities: Any) -> Rendered:
    """What a user sees for `text`: HTML parsed like Telegram, other modes and explicit entities as given."""
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    mode = _PARSE_MODES.get(str(parse_mode).lower()) if parse_mode else None
    if parse_mode and mode is None:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    if mode == "HTML":
        try:
            rendered = parse_html(text)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    else:  # Markdown is not checked: wirewatch sends HTML
        rendered = Rendered(text, list(entities or []))
    rendered = trim(rendered)
    if not rendered.text:
        raise bad_request("message text is empty")
    if utf16_len(rendered.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return rendered


def _check_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _scope_key(world: World, scope: Any) -> str:
    if not scope:
        return "default"
    kind = scope.get("type", "default") if isinstance(scope, dict) else "?"
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return kind
    if kind in ("chat", "chat_administrators", "chat_member"):
        chat = world.find_chat(scope.get("chat_id"))
        return f"{kind}:{chat.id}" + (f":{scope.get('user_id')}" if kind == "chat_member" else "")
    raise bad_request("can't parse BotCommandScope: unknown scope type")


class BotApi:
    """Chat and message methods; `emit` queues an update (the bot leaving a chat produces one)."""

    def __init__(self, world: World, emit: Callable[[str, dict[str, Any]], object]) -> None:
        self.world = world
        self.emit = emit
        self.sent: list[SentMessage] = []
        self.edits: list[Edit] = []
        self.deleted: list[tuple[int, int]] = []
        self.answers: list[CallbackAnswer] = []
        self.commands: dict[CommandsKey, list[tuple[str, str]]] = {}
        self.settings: dict[str, dict[str, Any]] = {}
        self.queries: dict[str, tuple[int, int]] = {}  # open callback query id -> (chat id, message id)
        self.bot_messages: set[tuple[int, int]] = set()
        self.handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self.get_me,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
            "leaveChat": self.leave_chat,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }
        for setting in ("setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton"):
            self.handlers[setting] = self._recorder(setting)

    def _recorder(self, method: str) -> Callable[[dict[str, Any]], bool]:
        def record(params: dict[str, Any]) -> bool:
            self.settings[f"{method}:{params.get('language_code', '')}"] = params
            return True

        return record

    # --- the bot -------------------------------------------------------------------------------------------

    def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.world.bot.to_api() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        pairs = []
        for entry in commands:
            command, description = str(entry.get("command", "")), str(entry.get("description", "")).strip()
            if not _COMMAND.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not description:
                raise bad_request("command description must be non-empty")
            if len(description) > 256:
                raise bad_request("command description is too long")
            pairs.append((command, description))
        self.commands[(_scope_key(self.world, params.get("scope")), params.get("language_code") or "")] = (
            pairs
        )
        return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        key = (_scope_key(self.world, params.get("scope")), params.get("language_code") or "")
        return [{"command": c, "description": d} for c, d in self.commands.get(key, [])]

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = (_scope_key(self.world, params.get("scope")), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    # --- messages ------------------------------------------------------------------------------------------

    def _thread(self, chat: ChatState, thread_id: int | None) -> int | None:
        if thread_id is None or chat.is_forum or thread_id in chat.messages:
            return thread_id
        raise bad_request("message thread not found")

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(params.get("chat_id"))
        rendered = render_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
        self.world.check_can_post(chat)
        thread_id = self._thread(chat, params.get("message_thread_id"))
        markup = _check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters") or {}
        reply_to = params.get("reply_to_message_id") or reply.get("message_id")
        if reply_to is not None and reply_to not in chat.messages:
            if not (params.get("allow_sending_without_reply") or reply.get("allow_sending_without_reply")):
                raise bad_request("message to be replied not found")
            reply_to = None
        message = self.world.new_message(chat, None, rendered.text, thread_id=thread_id)
        if rendered.entities:
            message["entities"] = rendered.entities
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            replied = chat.messages[reply_to]
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        self.bot_messages.add((chat.id, message["message_id"]))
        preview = params.get("link_preview_options")
        self.sent.append(
            SentMessage(
                chat_id=chat.id,
                message_id=message["message_id"],
                text=params["text"],
                plain=rendered.text,
                parse_mode=params.get("parse_mode"),
                entities=rendered.entities,
                thread_id=thread_id,
                reply_markup=markup,
                link_preview_options=preview,
                disable_web_page_preview=params.get("disable_web_page_preview"),
                reply_to_message_id=reply_to,
                disable_notification=params.get("disable_notification"),
                params=params,
            )
        )
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[ChatState, dict[str, Any]]:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
        chat = self.world.find_chat(params.get("chat_id"))
        message = self.world.message(chat, params.get("message_id"), "message to edit not found")
        if (chat.id, message["message_id"]) not in self.bot_messages:
            raise bad_request("message can't be edited")
        return chat, message

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        rendered = render_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
        markup = _check_markup(params.get("reply_markup"))
        inline = markup if markup and "inline_keyboard" in markup else None
        old = (message["text"], message.get("entities", []), message.get("reply_markup"))
        if old == (rendered.text, rendered.entities, inline):
            raise bad_request(NOT_MODIFIED)
        message["text"] = rendered.text
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if rendered.entities:
            message["entities"] = rendered.entities
        if inline:
            message["reply_markup"] = inline
        message["edit_date"] = self.world.now()
        self.edits.append(
            Edit(
                "text",
                chat.id,
                message["message_id"],
                params["text"],
                rendered.text,
                params.get("parse_mode"),
                markup,
                params,
            )
        )
        return message

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup = _check_markup(params.get("reply_markup"))
        inline = markup if markup and "inline_keyboard" in markup else None
        if message.get("reply_markup") == inline:
            raise bad_request(NOT_MODIFIED)
        message.pop("reply_markup", None)
        if inline:
            message["reply_markup"] = inline
        message["edit_date"] = self.world.now()
        self.edits.append(
            Edit("reply_markup", chat.id, message["message_id"], None, None, None, markup, params)
        )
        return message

    def delete_message(self, params: dict[str, Any]) -> bool:
        chat = self.world.find_chat(params.get("chat_id"))
        message = self.world.message(chat, params.get("message_id"), "message to delete not found")
        key = (chat.id, message["message_id"])
        bot = self.world.member(chat, self.world.bot)
        may_delete_others = chat.type == "private" or bot.rights.get("can_delete_messages", False)
        if key not in self.bot_messages and not may_delete_others:
            raise bad_request("message can't be deleted")
        del chat.messages[message["message_id"]]
        self.bot_messages.discard(key)
        self.deleted.append(key)
        return True

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self.queries.pop(query_id, None) is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self.answers.append(
            CallbackAnswer(query_id, params.get("text"), bool(params.get("show_alert")), params.get("url"))
        )
        return True

    # --- chats ---------------------------------------------------------------------------------------------

    def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(params.get("chat_id"))
        gifts = (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        )
        return chat.to_api() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(gifts, False),
        }

    def get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(params.get("chat_id"))
        user = self.world.find_user(params.get("user_id"))
        return self.world.member_to_api(chat, self.world.member(chat, user))

    def get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self.world.find_chat(params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = [m for m in chat.members.values() if m.status in ("creator", "administrator")]
        return [self.world.member_to_api(chat, member) for member in admins]

    def get_chat_member_count(self, params: dict[str, Any]) -> int:
        chat = self.world.find_chat(params.get("chat_id"))
        present = ("creator", "administrator", "member", "restricted")
        return sum(member.status in present for member in chat.members.values())

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        self.world.check_can_post(self.world.find_chat(params.get("chat_id")))
        return True

    def leave_chat(self, params: dict[str, Any]) -> bool:
        chat = self.world.find_chat(params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.world.check_can_post(chat)
        old = self.world.member_to_api(chat, self.world.member(chat, self.world.bot))
        self.world.add_member(chat.id, self.world.bot, "left")
        new = self.world.member_to_api(chat, self.world.member(chat, self.world.bot))
        self.emit(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": self.world.bot.to_api(),
                "date": self.world.now(),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )
        return True


def api_error_for(exc: Exception) -> ApiError:
    """Anything a handler raised, as an answer (a bug in the fake becomes a 500 the test will see)."""
    return exc if isinstance(exc, ApiError) else ApiError(500, f"Internal Server Error: fake failed: {exc!r}")
