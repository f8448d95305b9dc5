"""The fake Bot API's state: chats, their members (the bot among them) and the messages in each chat.

Message ids count up per chat and are shared by the messages users send and the bot's own, as in Telegram.
Chats are found by id or by `@username`. The bot's own membership decides whether it may post in a chat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .model import ApiError, ChatType, MemberStatus, User, bad_request

__all__ = ["ChatState", "Member", "World"]

_CHAT_TYPES = ("private", "group", "supergroup", "channel")
_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
_RESTRICTIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass(slots=True)
class Member:
    """A user's standing in one chat."""

    user: User
    status: MemberStatus
    is_anonymous: bool = False
    rights: dict[str, bool] = field(default_factory=dict)


@dataclass(slots=True)
class ChatState:
    """One chat: what `getChat` says about it, its members and its messages (Bot API dicts, by id)."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    members: dict[int, Member] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_message_id: int = 0
    migrated_to: int | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API `Chat` object."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.is_forum:
            data["is_forum"] = True
        return data

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


class World:
    """Chats, members and messages; every API-facing lookup raises `ApiError` the way Telegram would."""

    def __init__(self, bot: User, clock: Callable[[], datetime]) -> None:
        self.bot = bot
        self.clock = clock
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, User] = {bot.id: bot}

    def now(self) -> int:
        return int(self.clock().timestamp())

    def add_chat(
        self,
        chat_id: int,
        type: ChatType,
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        is_forum: bool = False,
        bot_status: MemberStatus | None = None,
    ) -> ChatState:
        if type not in _CHAT_TYPES:
            raise ValueError(f"chat type must be one of {_CHAT_TYPES}, not {type!r}")
        if (type == "private") != (chat_id > 0):
            raise ValueError(f"a {type} chat id must be {'positive' if type == 'private' else 'negative'}")
        if type != "private" and title is None:
            title = f"Chat {chat_id}"
        chat = ChatState(chat_id, type, title, username, first_name, is_forum)
        self.chats[chat_id] = chat
        status = bot_status or ("administrator" if type == "channel" else "member")
        chat.members[self.bot.id] = Member(self.bot, status, rights=_default_rights(type, status))
        return chat

    def add_member(
        self,
        chat_id: int,
        user: User,
        status: MemberStatus,
        *,
        is_anonymous: bool = False,
        rights: Mapping[str, bool] | None = None,
    ) -> None:
        if status not in _STATUSES:
            raise ValueError(f"member status must be one of {_STATUSES}, not {status!r}")
        chat = self.chat(chat_id)
        self.users[user.id] = user
        chat.members[user.id] = Member(
            user, status, is_anonymous, {**_default_rights(chat.type, status), **(rights or {})}
        )

    def chat(self, chat_id: int) -> ChatState:
        """The chat a test means; a test naming an unknown chat is a mistake in the test."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id} in the fake; add it with add_chat()") from None

    def private_chat_for(self, user: User) -> ChatState:
        """The private chat with `user`, created on first use; `user` is its member."""
        self.users[user.id] = user
        chat = self.chats.get(user.id) or self.add_chat(user.id, "private", username=user.username)
        chat.first_name = chat.first_name or user.first_name
        chat.members.setdefault(user.id, Member(user, "member"))
        return chat

    def new_message(
        self,
        chat: ChatState,
        sender: User | None,
        text: str,
        *,
        thread_id: int | None = None,
        sender_chat: ChatState | None = None,
    ) -> dict[str, Any]:
        """Store and return a new text message in `chat` (`sender=None`: the bot, or the channel itself)."""
        message: dict[str, Any] = {"message_id": chat.next_message_id()}
        if chat.type == "channel":
            message["sender_chat"] = chat.to_api()
        else:
            message["from"] = (sender or self.bot).to_api()
            if sender_chat is not None:
                message["sender_chat"] = sender_chat.to_api()
        message |= {"chat": chat.to_api(), "date": self.now(), "text": text}
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        chat.messages[message["message_id"]] = message
        return message

    # --- lookups made by API calls -------------------------------------------------------------------------

    def find_chat(self, ref: Any) -> ChatState:
        """The chat a `chat_id` parameter names (id or `@username`), or 400 "chat not found"."""
        if isinstance(ref, str) and ref.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == ref[1:].lower():
                    return chat
        elif isinstance(ref, int) and ref in self.chats:
            return self.chats[ref]
        raise bad_request("chat not found")

    def find_user(self, ref: Any) -> User:
        if isinstance(ref, int) and ref in self.users:
            return self.users[ref]
        raise bad_request("user not found")

    def member(self, chat: ChatState, user: User) -> Member:
        return chat.members.get(user.id) or Member(user, "left")

    def check_can_post(self, chat: ChatState) -> None:
        """Raise what Telegram answers when the bot may not write in `chat`."""
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": chat.migrated_to}
            )
        status = self.member(chat, self.bot).status
        kind = {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}
        if chat.type == "private":
            if status == "kicked":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if status == "left":
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind[chat.type]}")
        elif status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind[chat.type]}")
        elif chat.type == "channel" and status not in ("administrator", "creator"):
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")

    def message(self, chat: ChatState, message_id: Any, missing: str) -> dict[str, Any]:
        found = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if found is None:
            raise bad_request(missing)
        return found

    def member_to_api(self, chat: ChatState, member: Member) -> dict[str, Any]:
        """The Bot API `ChatMember` object, with every field PTB requires for its status."""
        data: dict[str, Any] = {"status": member.status, "user": member.user.to_api()}
        if member.status == "creator":
            data["is_anonymous"] = member.is_anonymous
        elif member.status == "administrator":
            data |= {"can_be_edited": False, "is_anonymous": member.is_anonymous}
            data |= _default_rights(chat.type, "administrator") | member.rights
        elif member.status == "restricted":
            data |= {"is_member": True, "until_date": 0} | {name: False for name in _RESTRICTIONS}
            data |= member.rights
        elif member.status == "kicked":
            data["until_date"] = 0
        return data


def _default_rights(chat_type: ChatType, status: MemberStatus) -> dict[str, bool]:
    if status != "administrator":
        return {}
    rights = dict.fromkeys(_ADMIN_RIGHTS, True) | {"can_promote_members": False}
    if chat_type == "channel":
        rights |= {"can_post_messages": True, "can_edit_messages": True}
    else:
        rights |= {"can_pin_messages": True}
    if chat_type == "supergroup":
        rights["can_manage_topics"] = True
    return rights
