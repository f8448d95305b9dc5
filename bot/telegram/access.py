"""Which destination a command is about, and whether its sender may change it.

- In a private chat, a group or a forum topic, a command is about that chat (a topic has its own key). In a
  private chat, a command may name a channel first (`/keywords @kanaal add iran`): then it is about the channel,
  and the sender must be one of its administrators.
- In groups only administrators change settings: members with the status `administrator` or `creator`, and
  anonymous administrators (their messages come from GroupAnonymousBot with `sender_chat` the group itself).
  Someone posting on behalf of a channel is refused.

Refusals are `Refused(text_key, **values)`; the handlers word them with `bot.telegram.texts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Bot, Chat, ChatFullInfo, ChatMember, ChatMemberAdministrator, Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot.chat import Refused
from bot.telegram.keys import telegram_key
from bot.telegram.settings import TelegramSettings

__all__ = [
    "ADMIN_STATUSES",
    "Here",
    "chat_label",
    "check_admin",
    "command_words",
    "is_admin",
    "is_operator",
    "locate",
    "may_manage",
    "resolve_channel",
    "thread_of",
]

ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
_CHANNEL_REF = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,}")
_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


@dataclass(frozen=True, slots=True)
class Here:
    """Where a command applies: its destination key, and the words left after the command (and channel)."""

    key: str
    chat: Chat  # the chat the command was typed in
    words: str
    channel: Chat | ChatFullInfo | None = None  # set when a private chat speaks for a channel

    @property
    def private(self) -> bool:
        return self.chat.type == ChatType.PRIVATE

    @property
    def channel_name(self) -> str | None:
        return None if self.channel is None else chat_label(self.channel)


def chat_label(chat: Chat | ChatFullInfo) -> str:
    """`@name` for a public chat, else its title."""
    return f"@{chat.username}" if chat.username else (chat.title or str(chat.id))


def command_words(message: Message) -> str:
    """The text after the command itself (`/keywords@bot add "witte huis"` -> `add "witte huis"`)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to; replies in ordinary groups have thread ids too, which do not count."""
    return message.message_thread_id if message.is_topic_message else None


async def locate(update: Update, bot: Bot, *, channels: bool = True) -> Here:
    """The destination a command is about (`channels`: a private chat may name a channel first)."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    words = command_words(message)
    if channels and chat.type == ChatType.PRIVATE:
        first, _, rest = words.partition(" ")
        if _CHANNEL_REF.fullmatch(first):
            user = update.effective_user
            assert user is not None
            channel = await resolve_channel(bot, first, user.id)
            return Here(telegram_key(channel.id), chat, rest.strip(), channel)
    return Here(telegram_key(chat.id, thread_of(message)), chat, words)


async def resolve_channel(
    bot: Bot, ref: str | int, user_id: int, *, must_post: bool = False
) -> Chat | ChatFullInfo:
    """The channel `ref` names, after checking that `user_id` administers it (and, with `must_post`, that the
    bot may post there)."""
    shown = str(ref)
    try:
        channel = await bot.get_chat(ref)
        member = await bot.get_chat_member(channel.id, user_id)
    except (BadRequest, Forbidden):
        raise Refused("channel_not_found", channel=shown) from None
    if channel.type != ChatType.CHANNEL:
        raise Refused("not_a_channel", channel=chat_label(channel))
    if member.status not in ADMIN_STATUSES:
        raise Refused("not_channel_admin", channel=chat_label(channel))
    if must_post:
        try:
            me = await bot.get_chat_member(channel.id, bot.id)
        except (BadRequest, Forbidden):
            raise Refused("bot_cannot_post", channel=chat_label(channel)) from None
        can_post = isinstance(me, ChatMemberAdministrator) and bool(me.can_post_messages)
        if not can_post and me.status != ChatMember.OWNER:
            raise Refused("bot_cannot_post", channel=chat_label(channel))
    return channel


async def check_admin(update: Update, bot: Bot, here: Here) -> None:
    """Raise `Refused` unless the sender may change the settings of `here`."""
    if here.private:  # a private chat is its user's own; a channel was checked by `locate`
        return
    message = update.effective_message
    assert message is not None
    if message.sender_chat is not None:
        if message.sender_chat.id == here.chat.id:  # an anonymous administrator of this group
            return
        raise Refused("not_admin")
    user = update.effective_user
    if user is None or not await is_admin(bot, here.chat.id, user.id):
        raise Refused("not_admin")


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    """Whether `user_id` administers chat `chat_id` (False when Telegram will not say)."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden):
        return False
    return member.status in ADMIN_STATUSES


async def may_manage(bot: Bot, user_id: int, chat: Chat, key: str) -> bool:
    """For a button press by `user_id` in `chat`: may they change destination `key`?"""
    target = int(key.split(":")[1])
    if target == chat.id:
        return chat.type == ChatType.PRIVATE or await is_admin(bot, chat.id, user_id)
    if chat.type != ChatType.PRIVATE:
        return False
    try:
        await resolve_channel(bot, target, user_id)
    except Refused:
        return False
    return True


def is_operator(settings: TelegramSettings, user: User | None, chat: Chat) -> bool:
    """Whether the sender (one of `operators`) or the chat (`operator_chat`) may see every source's health."""
    if user is not None and user.id in settings.operators:
        return True
    wanted = settings.operator_chat
    if wanted is None:
        return False
    if isinstance(wanted, int):
        return wanted == chat.id
    return chat.username is not None and wanted.removeprefix("@").lower() == chat.username.lower()
