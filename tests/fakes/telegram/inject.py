"""Scripting the fake from a test: chats, members, and the updates users and Telegram would cause.

The helpers are synchronous: they queue an update (waking a long poll at once) and return `Injected`.
A private chat is created on first use when `chat_id` is the user's id; other chats need `add_chat` first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .api import BotApi
from .html import utf16_len
from .model import GROUP_ANONYMOUS_BOT, ChatType, Injected, MemberStatus, User
from .updates import UpdateQueue
from .world import ChatState, Member, World

__all__ = ["CHANNEL_BOT", "Scripting"]

CHANNEL_BOT = User(136817688, "Channel", username="Channel_Bot", is_bot=True)
"""The `from` of a message a user sends in a group on behalf of one of their channels."""

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


class Scripting:
    """Mixed into `FakeTelegram`: everything a test does to the world the bot lives in."""

    world: World
    queue: UpdateQueue
    api: BotApi

    # --- the chat registry ---------------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        type: ChatType,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
        *,
        first_name: str | None = None,
        bot_status: MemberStatus | None = None,
    ) -> ChatState:
        """Register a chat; the bot is a `member` (an `administrator` in channels) unless `bot_status` says."""
        return self.world.add_chat(
            chat_id,
            type,
            title=title,
            username=username,
            first_name=first_name,
            is_forum=is_forum,
            bot_status=bot_status,
        )

    def add_member(
        self,
        chat_id: int,
        user: User,
        status: MemberStatus,
        is_anonymous: bool = False,
        *,
        rights: Mapping[str, bool] | None = None,
    ) -> None:
        """Put `user` in the chat; administrators get the usual rights, which `rights` may override."""
        self.world.add_member(chat_id, user, status, is_anonymous=is_anonymous, rights=rights)

    def _chat_for(self, chat_id: int, user: User | None) -> ChatState:
        if user is not None and chat_id == user.id:
            return self.world.private_chat_for(user)
        chat = self.world.chat(chat_id)
        if user is not None and not user.is_bot:
            self.world.users[user.id] = user
            if self.world.member(chat, user).status == "left":
                self.world.add_member(chat.id, user, "member")
        return chat

    # --- messages from users -------------------------------------------------------------------------------

    def send_text(
        self,
        chat_id: int,
        user: User | None,
        text: str,
        *,
        thread_id: int | None = None,
        sender_chat: int | None = None,
        reply_to: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> Injected:
        """A user's text message. `sender_chat=chat_id` makes it an anonymous admin's (from
        GroupAnonymousBot); another chat id makes it a message sent on behalf of that channel."""
        if sender_chat is not None:
            user = GROUP_ANONYMOUS_BOT if sender_chat == chat_id else CHANNEL_BOT
        elif user is None:
            raise ValueError("a message needs a user or a sender_chat; use post_in_channel for channel posts")
        chat = self._chat_for(chat_id, user)
        if chat.type == "channel":
            raise ValueError("users do not send messages in channels; use post_in_channel")
        on_behalf = self.world.chat(sender_chat) if sender_chat is not None else None
        message = self.world.new_message(chat, user, text, thread_id=thread_id, sender_chat=on_behalf)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            if reply_to not in chat.messages:
                raise KeyError(f"reply_to: no message {reply_to} in chat {chat_id}")
            message["reply_to_message"] = chat.messages[reply_to]
        return Injected(self.queue.push("message", message), message_id=message["message_id"])

    def send_command(
        self,
        chat_id: int,
        user: User | None,
        text: str,
        *,
        thread_id: int | None = None,
        sender_chat: int | None = None,
        reply_to: int | None = None,
    ) -> Injected:
        """A command such as `/keywords add iran` or `/start@botname`, with the `bot_command` entity
        Telegram adds (CommandHandler needs it). Text Telegram would not see as a command gets no entity."""
        match = _COMMAND.match(text)
        entities = (
            [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}] if match else None
        )
        return self.send_text(
            chat_id,
            user,
            text,
            thread_id=thread_id,
            sender_chat=sender_chat,
            reply_to=reply_to,
            entities=entities,
        )

    def send_anonymous(self, chat_id: int, text: str, *, thread_id: int | None = None) -> Injected:
        """An anonymous group admin's message (a command gets its entity): from GroupAnonymousBot,
        `sender_chat` the group itself."""
        return self.send_command(chat_id, None, text, thread_id=thread_id, sender_chat=chat_id)

    def post_in_channel(self, chat_id: int, text: str) -> Injected:
        """A `channel_post` (no `from`; `sender_chat` is the channel)."""
        chat = self.world.chat(chat_id)
        if chat.type != "channel":
            raise ValueError(f"chat {chat_id} is a {chat.type}, not a channel")
        message = self.world.new_message(chat, None, text)
        match = _COMMAND.match(text)
        if match:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]
        return Injected(self.queue.push("channel_post", message), message_id=message["message_id"])

    def press_button(
        self, chat_id: int, user: User, message_id: int, data: str, *, strict: bool = True
    ) -> Injected:
        """A `callback_query` from `user` pressing a button of one of the bot's messages. With `strict`, the
        message must currently show a button with this `callback_data`."""
        chat = self._chat_for(chat_id, user)
        message = self.world.message(chat, message_id, f"no message {message_id} in chat {chat_id}")
        if (chat.id, message_id) not in self.api.bot_messages:
            raise ValueError(f"message {message_id} in chat {chat_id} is not the bot's; it has no buttons")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        offered = [button.get("callback_data") for row in rows for button in row]
        if strict and data not in offered:
            raise ValueError(f"message {message_id} offers no button with callback_data {data!r}: {offered}")
        query_id = f"q{self.queue.last_update_id + 1}"  # unique: the update it rides in is next
        self.api.queries[query_id] = (chat.id, message_id)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": dict(message),
            "chat_instance": str(abs(chat.id) * 7919),
            "data": data,
        }
        return Injected(self.queue.push("callback_query", query), message_id=message_id, query_id=query_id)

    # --- what Telegram itself reports ----------------------------------------------------------------------

    def my_chat_member(
        self, chat_id: int, old_status: MemberStatus, new_status: MemberStatus, *, by: User | None = None
    ) -> Injected:
        """The bot's own membership changed: added (`left` -> `member`/`administrator`), removed or
        kicked (`-> left`/`kicked`), or blocked in a private chat (`member` -> `kicked`). The bot's status in
        the registry follows, so sending there fails afterwards like on Telegram."""
        chat = self.world.chat(chat_id)
        actor = by or self._someone_in_charge(chat)
        bot = self.world.bot
        old = self.world.member_to_api(chat, _with_status(self.world, chat, bot, old_status))
        self.world.add_member(chat.id, bot, new_status)
        new = self.world.member_to_api(chat, self.world.member(chat, bot))
        update = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": self.world.now(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        return Injected(self.queue.push("my_chat_member", update))

    def migrate(self, chat_id: int, new_chat_id: int) -> Injected:
        """The group becomes supergroup `new_chat_id`: a `migrate_to_chat_id` message in the old chat, then a
        `migrate_from_chat_id` message in the new one (update id + 1). Members and the bot move along; sending
        to the old id answers 400 with `migrate_to_chat_id` from then on."""
        old = self.world.chat(chat_id)
        if old.type != "group":
            raise ValueError(f"only a group migrates; chat {chat_id} is a {old.type}")
        new = self.world.add_chat(new_chat_id, "supergroup", title=old.title, username=old.username)
        new.members = dict(old.members)
        old.migrated_to = new_chat_id
        actor = self._someone_in_charge(old)
        first = self._service(old, actor, {"migrate_to_chat_id": new_chat_id})
        self._service(new, actor, {"migrate_from_chat_id": chat_id})
        return first

    def _service(self, chat: ChatState, actor: User, fields: dict[str, Any]) -> Injected:
        message = {
            "message_id": chat.next_message_id(),
            "from": actor.to_api(),
            "chat": chat.to_api(),
            "date": self.world.now(),
            **fields,
        }
        chat.messages[message["message_id"]] = message
        return Injected(self.queue.push("message", message), message_id=message["message_id"])

    def _someone_in_charge(self, chat: ChatState) -> User:
        if chat.type == "private":
            return self.world.users.get(chat.id) or User(chat.id, chat.first_name or "User")
        people = [m for m in chat.members.values() if m.user.id != self.world.bot.id]
        for wanted in ("creator", "administrator", "member"):
            for member in people:
                if member.status == wanted:
                    return member.user
        return User(chat.id if chat.id > 0 else 1000, chat.first_name or "Someone")


def _with_status(world: World, chat: ChatState, user: User, status: MemberStatus) -> Member:
    current = world.member(chat, user)
    return Member(user, status, current.is_anonymous, current.rights if status == current.status else {})
