"""The bot's commands: one coroutine each, answered in the chat's language; `register` adds them all.

Handlers find where a command applies (`access.locate`), check who may change it (`access.check_admin`), call
`bot.chat.ChatCommands` and reply with `texts`. A bad argument gets the usage line and an example; a refusal
gets a polite sentence; anything unexpected reaches `on_error`, which logs it and apologises.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeGuard, get_args

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.alerts import country_label
from bot.chat import EXPECTED, LATEST_MAX, FilterList, ListAction, NotSubscribed, Refused, Usage, refusal
from bot.filters import UnknownCountry
from bot.formatting.telegram_html import TELEGRAM_TEXT_LIMIT, telegram_digest, telegram_length
from bot.telegram import buttons, membership
from bot.telegram.access import Here, chat_label, check_admin, is_operator, locate, resolve_channel
from bot.telegram.context import DEPS, Deps, deps, reply, reply_language
from bot.telegram.keys import PLATFORM, USER_PREFIX, telegram_key
from bot.telegram.texts import TEXTS, VIEWS, Rendered, t, usage
from parsers.countries import suggest_countries
from storage.models import ItemEvent, Language, SubscriptionMode

__all__ = ["COMMAND_HANDLERS", "register"]

log = logging.getLogger(__name__)

LATEST_DEFAULT = 5
_MODES = {"all": "all", "alles": "all", "filtered": "filtered", "gefilterd": "filtered", "filter": "filtered"}
_ACTIONS = {"add": "add", "remove": "remove", "clear": "clear", "toevoegen": "add", "verwijderen": "remove"}
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _answers(fn: Handler) -> Handler:
    """Turn the expected refusals of a command into replies; everything else goes on to `on_error`."""

    @functools.wraps(fn)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        try:
            await fn(update, context)
            return
        except EXPECTED as exc:
            text = refusal(exc, await reply_language(update, context), TEXTS, usage)
            if text is None:
                raise
        await reply(message, text)

    return handler


def _prefixed(here: Here, language: str, text: str) -> str:
    """A reply about a channel, sent in the private chat, starts by naming the channel."""
    if here.channel_name is None:
        return text
    return f"{t(language, 'target', channel=here.channel_name)}\n{text}"


def _creator(update: Update) -> str:
    message, user = update.effective_message, update.effective_user
    if message is not None and message.sender_chat is not None:
        return f"{PLATFORM}:anonymous-admin"
    return f"{USER_PREFIX}{user.id}" if user else PLATFORM


def _is_language(text: str) -> TypeGuard[Language]:
    return text in get_args(Language)


# --- commands ------------------------------------------------------------------------------------------------


@_answers
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [nl|en]: subscribe this chat (or topic), or switch it back on; a short how-to."""
    here = await locate(update, context.bot, channels=False)
    await check_admin(update, context.bot, here)
    asked = here.words.lower()
    language: Language = asked if _is_language(asked) else await reply_language(update, context)
    commands = deps(context).commands
    result = await commands.subscribe(here.key, language=language, created_by=_creator(update))
    if _is_language(asked) and result.settings.destination.language != asked:
        await commands.set_language(here.key, language)
    else:
        language = result.settings.destination.language
    if result.reenabled or (result.resumed and not result.created):
        head = t(language, "start_again")
    elif result.created:
        head = t(language, "start_new")
    else:
        head = t(language, "start_already")
    assert update.effective_message is not None
    await reply(update.effective_message, f"{head}\n\n{t(language, 'howto')}")


@_answers
async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: ask to confirm (buttons), then stop alerts here; the filters are kept."""
    here = await locate(update, context.bot)
    await check_admin(update, context.bot, here)
    language = await reply_language(update, context)
    settings = await deps(context).commands.settings(here.key)
    assert update.effective_message is not None
    if settings is None or not settings.active:
        await reply(update.effective_message, _prefixed(here, language, t(language, "stop_not_on")))
        return
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(language, "stop_yes"), callback_data=f"stop:y:{here.key}"),
                InlineKeyboardButton(t(language, "stop_no"), callback_data=f"stop:n:{here.key}"),
            ]
        ]
    )
    await reply(update.effective_message, _prefixed(here, language, t(language, "stop_confirm")), buttons)


@_answers
async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: every command and the keyword syntax."""
    assert update.effective_message is not None
    await reply(update.effective_message, t(await reply_language(update, context), "help"))


@_answers
async def show_filters(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/filters: everything that applies here."""
    here = await locate(update, context.bot)
    language = await reply_language(update, context)
    settings = await deps(context).commands.settings(here.key)
    if settings is None or settings.subscription is None:
        raise NotSubscribed(here.key)
    assert update.effective_message is not None
    await reply(update.effective_message, _prefixed(here, language, VIEWS.filters(settings, language)))


async def _list_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, command: str, field: FilterList
) -> None:
    here = await locate(update, context.bot)
    language = await reply_language(update, context)
    message = update.effective_message
    assert message is not None
    verb, _, rest = here.words.partition(" ")
    if not verb:  # the list as it is, and how to change it
        settings = await deps(context).commands.settings(here.key)
        if settings is None or not settings.active:
            raise NotSubscribed(here.key)
        text = f"{VIEWS.filters(settings, language)}\n\n{usage(language, command)}"
        picker = None
        if field == "countries" and settings.subscription is not None:
            picker = buttons.country_picker(settings.subscription.countries, here.key)
            text += f"\n{t(language, 'picker')}"
        await reply(message, _prefixed(here, language, text), picker)
        return
    action = _ACTIONS.get(verb.lower())
    if action is None or (action != "clear" and not rest.strip()) or (action == "clear" and rest.strip()):
        raise Usage(command)
    await check_admin(update, context.bot, here)
    try:
        change = await deps(context).commands.change_list(
            here.key, field, _action(action), rest, language=language
        )
    except UnknownCountry as exc:
        await _country_typo(message, here, language, exc)
        return
    await reply(message, _prefixed(here, language, VIEWS.change(change, language)))


def _action(name: str) -> ListAction:
    assert name in get_args(ListAction)
    return name  # type: ignore[return-value]


async def _country_typo(message: Message, here: Here, language: str, exc: UnknownCountry) -> None:
    """An unknown country: say so, and offer the closest ones as buttons that add them."""
    codes = suggest_countries(exc.query)
    buttons = [
        [InlineKeyboardButton(country_label(code, language), callback_data=f"cty:{code}:{here.key}")]
        for code in codes
    ]
    text = TEXTS.escape(exc.message(language))
    if codes:
        text = Rendered(f"{text}\n{t(language, 'suggest')}")
    await reply(message, _prefixed(here, language, text), InlineKeyboardMarkup(buttons) if buttons else None)


@_answers
async def keywords(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/keywords add|remove|clear ...: an item must contain one of these words."""
    await _list_command(update, context, "keywords", "include")


@_answers
async def exclude(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/exclude add|remove|clear ...: items with these words never come."""
    await _list_command(update, context, "exclude", "exclude")


@_answers
async def countries(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/countries add|remove|clear ...: only items about these countries (names, codes, flags)."""
    await _list_command(update, context, "countries", "countries")


@_answers
async def mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mode all|filtered."""
    here = await locate(update, context.bot)
    wanted = _MODES.get(here.words.lower())
    if wanted is None:
        raise Usage("mode")
    await check_admin(update, context.bot, here)
    language = await reply_language(update, context)
    chosen: SubscriptionMode = "all" if wanted == "all" else "filtered"
    await deps(context).commands.set_mode(here.key, chosen)
    assert update.effective_message is not None
    await reply(update.effective_message, _prefixed(here, language, t(language, f"mode_{chosen}")))


async def _set_paused(update: Update, context: ContextTypes.DEFAULT_TYPE, paused: bool) -> None:
    here = await locate(update, context.bot)
    await check_admin(update, context.bot, here)
    language = await reply_language(update, context)
    await deps(context).commands.set_paused(here.key, paused)
    assert update.effective_message is not None
    text = t(language, "paused" if paused else "resumed")
    await reply(update.effective_message, _prefixed(here, language, text))


@_answers
async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: no new alerts until /resume."""
    await _set_paused(update, context, True)


@_answers
async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: alerts again."""
    await _set_paused(update, context, False)


@_answers
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lang nl|en: the language of this chat's alerts and replies."""
    here = await locate(update, context.bot)
    wanted = here.words.lower()
    if wanted not in get_args(Language):
        raise Usage("lang")
    await check_admin(update, context.bot, here)
    settings = await deps(context).commands.set_language(here.key, wanted)  # type: ignore[arg-type]
    language = settings.destination.language
    assert update.effective_message is not None
    await reply(update.effective_message, _prefixed(here, language, t(language, "lang_set")))


@_answers
async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/latest [n]: the latest n (1-20, default 5) items this chat's filters let through."""
    here = await locate(update, context.bot)
    words = here.words
    if not words:
        count = LATEST_DEFAULT
    elif words.isdigit() and 1 <= int(words) <= LATEST_MAX:
        count = int(words)
    else:
        raise Usage("latest")
    language = await reply_language(update, context)
    events = await deps(context).commands.latest(here.key, count)
    assert update.effective_message is not None
    await reply(update.effective_message, _prefixed(here, language, _latest(events, language)))


@_answers
async def test(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/test TEXT: would this text, as a news item, alert here, and why."""
    here = await locate(update, context.bot, channels=False)
    if not here.words:
        raise Usage("test")
    language = await reply_language(update, context)
    probe = await deps(context).commands.probe(here.key, here.words, language=language)
    assert update.effective_message is not None
    await reply(update.effective_message, VIEWS.probe(probe, language))


@_answers
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: the sources' health (each source for operators), the last poll, this chat's queue."""
    here = await locate(update, context.bot)
    language = await reply_language(update, context)
    found = deps(context)
    details = is_operator(found.settings, update.effective_user, here.chat)
    view = await found.commands.status(here.key)
    assert update.effective_message is not None
    text = VIEWS.status(view, language, details=details)
    await reply(update.effective_message, _prefixed(here, language, text))


@_answers
async def subscribe_channel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe_channel @name: an administrator of a channel subscribes it, from a private chat."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None
    if chat.type != ChatType.PRIVATE or user is None:
        raise Refused("private_only")
    words = message.text.split()[1:] if message.text else []
    if len(words) != 1 or not (words[0].startswith("@") or words[0].lstrip("-").isdigit()):
        raise Usage("subscribe_channel")
    ref: str | int = words[0] if words[0].startswith("@") else int(words[0])
    channel = await resolve_channel(context.bot, ref, user.id, must_post=True)
    language = await reply_language(update, context)
    result = await deps(context).commands.subscribe(
        telegram_key(channel.id), language=language, created_by=f"{USER_PREFIX}{user.id}"
    )
    name = chat_label(channel)
    key = (
        "channel_subscribed" if result.created else "channel_again" if result.reenabled else "channel_already"
    )
    await reply(message, t(language, key, channel=name))


def _latest(events: Sequence[ItemEvent], language: Language) -> str:
    return VIEWS.latest(
        events,
        language,
        digest=lambda alerts: telegram_digest(alerts, language=language).text,
        fits=lambda text: telegram_length(text) <= TELEGRAM_TEXT_LIMIT,
    )


# --- errors and registration ------------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong (with the traceback) and apologise in the chat, briefly."""
    log.error("handling a Telegram update failed", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        language = await reply_language(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(t(language, "apology"), show_alert=True)
        elif update.effective_message is not None:
            await reply(update.effective_message, t(language, "apology"))
    except Exception:  # the chat may be gone or the failure may repeat: the log already has it
        log.warning("could not apologise for the failed update", exc_info=True)


COMMAND_HANDLERS: dict[str, Handler] = {
    "start": start,
    "stop": stop,
    "help": help_,
    "filters": show_filters,
    "keywords": keywords,
    "exclude": exclude,
    "countries": countries,
    "mode": mode,
    "pause": pause,
    "resume": resume,
    "latest": latest,
    "test": test,
    "status": status,
    "lang": lang,
    "subscribe_channel": subscribe_channel,
}


def register(application: Application[Any, Any, Any, Any, Any, Any], dependencies: Deps) -> None:
    """Add every handler (commands, buttons, membership changes, migrations) and the error handler."""
    application.bot_data[DEPS] = dependencies
    only_new = filters.UpdateType.MESSAGE  # an edited command is not run again
    for name, handler in COMMAND_HANDLERS.items():
        application.add_handler(CommandHandler(name, handler, filters=only_new))
    application.add_handler(CallbackQueryHandler(buttons.on_stop_button, pattern=r"^stop:[yn]:"))
    application.add_handler(CallbackQueryHandler(buttons.on_country_button, pattern=r"^cty:[A-Z]{2}:"))
    application.add_handler(CallbackQueryHandler(buttons.on_country_toggle, pattern=r"^ctt:[A-Z]{2}:"))
    application.add_handler(ChatMemberHandler(membership.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migration))
    application.add_error_handler(on_error)
