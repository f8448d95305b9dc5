"""What every handler shares: its dependencies (in `application.bot_data`), the reply language, the reply."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.chat import ChatCommands
from bot.telegram.keys import telegram_key
from bot.telegram.settings import TelegramSettings
from bot.telegram.texts import language_of
from storage.models import Language

__all__ = ["DEPS", "Deps", "deps", "reply", "reply_language"]

DEPS = "wirewatch"  # the key of `Deps` in `application.bot_data`


@dataclass(frozen=True, slots=True)
class Deps:
    """What the handlers work with."""

    commands: ChatCommands
    settings: TelegramSettings


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    found: Deps = context.application.bot_data[DEPS]
    return found


async def reply_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Language:
    """The chat's (or topic's) stored language; else the user's `language_code` (English for `en*`, else
    Dutch)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is not None:
        commands = deps(context).commands
        thread = message.message_thread_id if message is not None and message.is_topic_message else None
        stored = await commands.language(telegram_key(chat.id, thread))
        if stored is None and thread is not None:
            stored = await commands.language(telegram_key(chat.id))
        if stored is not None:
            return stored
    user = update.effective_user
    return language_of(user.language_code if user else None)


async def reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Answer `message` in its chat (and topic) in HTML, without link previews."""
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=markup,
    )
