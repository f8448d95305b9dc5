"""The inline buttons: confirming `/stop`, adding a suggested country after a typo, and `/countries`' picker of
common countries (a tap adds or removes one).

A button's `callback_data` names the destination it acts on (`stop:y:<key>`, `cty:<code>:<key>`,
`ctt:<code>:<key>`). Telegram does not vouch for that data, so whoever presses is checked again, for that
destination (`access.may_manage`).
"""

from __future__ import annotations

from collections.abc import Collection

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.alerts import COMMON_COUNTRIES, country_label
from bot.chat import EXPECTED, ListAction, refusal
from bot.telegram.access import may_manage
from bot.telegram.context import deps, reply_language
from bot.telegram.texts import TEXTS, VIEWS, t, usage
from parsers.countries import flag

__all__ = ["PICKER_COUNTRIES", "country_picker", "on_country_button", "on_country_toggle", "on_stop_button"]

# The countries most asked for by Dutch news readers; anything else goes by name: /countries add ...
PICKER_COUNTRIES = COMMON_COUNTRIES
_PER_ROW = 3


def country_picker(chosen: Collection[str], key: str) -> InlineKeyboardMarkup:
    """Buttons for the common countries, a tick on those already chosen; each tap toggles one."""
    buttons = [
        InlineKeyboardButton(
            f"{'✅ ' if code in chosen else ''}{flag(code)} {code}", callback_data=f"ctt:{code}:{key}"
        )
        for code in PICKER_COUNTRIES
    ]
    return InlineKeyboardMarkup([buttons[i : i + _PER_ROW] for i in range(0, len(buttons), _PER_ROW)])


async def on_stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to /stop's question: `stop:y:<key>` stops, `stop:n:<key>` leaves everything as it is."""
    pressed = await _pressed(update, context)
    if pressed is None:
        return
    query, choice, key, language = pressed
    if choice == "y":
        stopped = await deps(context).commands.stop(
            key, reason=f"stopped with /stop by user {query.from_user.id}"
        )
        text = t(language, "stopped" if stopped else "stop_not_on")
    else:
        text = t(language, "stop_cancelled")
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


async def on_country_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A suggested country was tapped (`cty:<code>:<key>`): add it to the countries."""
    pressed = await _pressed(update, context)
    if pressed is None:
        return
    query, code, key, language = pressed
    try:
        change = await deps(context).commands.change_list(key, "countries", "add", code, language=language)
    except EXPECTED as exc:
        await query.answer(_refusal(exc, language), show_alert=True)
        return
    await query.answer()
    text = f"{t(language, 'country_added', country=country_label(code, language))}\n{VIEWS.change(change, language)}"
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


async def on_country_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A country of the picker was tapped (`ctt:<code>:<key>`): add it, or remove it when it was chosen."""
    pressed = await _pressed(update, context)
    if pressed is None:
        return
    query, code, key, language = pressed
    commands = deps(context).commands
    try:
        settings = await commands.settings(key)
        chosen = settings.subscription.countries if settings and settings.subscription else ()
        action: ListAction = "remove" if code in chosen else "add"
        change = await commands.change_list(key, "countries", action, code, language=language)
    except EXPECTED as exc:
        await query.answer(_refusal(exc, language), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        VIEWS.change(change, language),
        parse_mode=ParseMode.HTML,
        reply_markup=country_picker(change.current, key),
    )


async def _pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[CallbackQuery, str, str, str] | None:
    """The query, the button's value, its destination key and the reply language; None (after telling the
    presser) when the presser may not manage that destination."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, value, key = query.data.split(":", 2)
    language = await reply_language(update, context)
    message = query.message
    if not isinstance(message, Message) or not await may_manage(
        context.bot, query.from_user.id, message.chat, key
    ):
        await query.answer(t(language, "not_admin"), show_alert=True)
        return None
    return query, value, key, language


def _refusal(exc: Exception, language: str) -> str:
    return refusal(exc, language, TEXTS, usage) or t(language, "apology")
