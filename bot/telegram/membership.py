"""What Telegram itself reports about chats: the bot added, removed, kicked or blocked; a group upgraded.

- The bot leaving a chat, being kicked, blocked by a private chat's user, or losing its administrator rights in a
  channel switches off every destination in that chat (its topics too), with the reason; `/start` switches a
  chat back on once the bot is back.
- The bot added to a group: a short hello saying how to start.
- A group that became a supergroup (`migrate_to_chat_id` in the old chat, `migrate_from_chat_id` in the new one):
  its destinations, subscriptions and queued alerts move to the new id. Either message does it; the other finds
  nothing left to move.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.telegram.context import deps
from bot.telegram.keys import PLATFORM
from bot.telegram.texts import language_of, t

__all__ = ["on_migration", "on_my_chat_member"]

log = logging.getLogger(__name__)

_GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})
_PRESENT = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED})


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot's own membership of a chat changed."""
    change = update.my_chat_member
    if change is None:
        return
    chat, old, new = change.chat, change.old_chat_member.status, change.new_chat_member.status
    reason = None
    if new in _GONE:
        if chat.type == ChatType.PRIVATE:
            reason = "the user blocked the bot"
        else:
            verb = "removed" if new == ChatMember.LEFT else "kicked"
            reason = f"the bot was {verb} from the chat by user {change.from_user.id}"
    elif chat.type == ChatType.CHANNEL and new not in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        reason = "the bot is no longer an administrator of the channel"
    if reason is not None:
        keys = await deps(context).commands.chat_gone(PLATFORM, str(chat.id), reason=reason)
        if keys:
            log.info("switched off %s: %s", ", ".join(keys), reason)
        return
    if old in _GONE and new in _PRESENT and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        language = language_of(change.from_user.language_code)
        try:
            await context.bot.send_message(chat.id, t(language, "hello_group"))
        except Exception:  # a group that does not let the bot speak yet: /start still works
            log.info("could not say hello in chat %s", chat.id, exc_info=True)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its destinations follow it to the new chat id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    moved = await deps(context).commands.chat_moved(PLATFORM, str(old), str(new))
    if moved:
        log.info("chat %s became %s: moved %s", old, new, ", ".join(moved))
