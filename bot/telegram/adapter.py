"""`TelegramAdapter`: the delivery engine's way into Telegram, and `map_telegram_errors()`, the one boundary where
python-telegram-bot's errors become the `bot.adapters.errors` tree.

    TelegramError              -> (the engine's DeliveryError tree)
    ├── RetryAfter             -> RateLimited(seconds)
    ├── ChatMigrated           -> TargetMoved("telegram:<new id>[:thread]")
    ├── Forbidden              -> TargetGone (blocked, kicked, not a member)
    └── NetworkError
        ├── BadRequest         -> NotModified ("message is not modified"),
        │                         TargetGone ("chat not found", "not enough rights", ...), else Rejected
        └── TimedOut, others   -> Transient (5xx answers arrive as NetworkError too)

`BadRequest` is a `NetworkError`, so it is checked first; PTB capitalises messages, so they are compared in lower
case. Anything else (InvalidToken, Conflict, a bug) passes through unchanged.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.adapters.base import RateLimit, SentRef
from bot.adapters.errors import NotModified, RateLimited, Rejected, TargetGone, TargetMoved, Transient
from bot.alerts import Alert
from bot.formatting.telegram_html import TelegramText, telegram_alert, telegram_digest
from bot.telegram.keys import chat_of, creator_id, telegram_key
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from storage.models import Destination

__all__ = ["GONE_PHRASES", "TelegramAdapter", "map_telegram_errors", "retry_seconds", "use_timedelta"]

# BadRequest descriptions that mean the chat (or topic) cannot be written to any more.
GONE_PHRASES = (
    "chat not found",
    "not enough rights",
    "have no rights to send",
    "need administrator rights",
    "chat_write_forbidden",
    "chat_restricted",
    "bot was kicked",
    "bot is not a member",
    "user is deactivated",
    "group chat was deactivated",
    "peer_id_invalid",
    "message thread not found",
    "topic_closed",
    "topic_deleted",
)
NOT_MODIFIED = "message is not modified"


def use_timedelta() -> None:
    """Opt in to PTB's `timedelta` periods (`RetryAfter.retry_after`), so no deprecation warning fires.

    PTB reads the `PTB_TIMEDELTA` environment variable when it builds a `RetryAfter`; an explicit setting by the
    operator is left alone (`retry_seconds` reads either form).
    """
    os.environ.setdefault("PTB_TIMEDELTA", "true")


def retry_seconds(exc: RetryAfter) -> float:
    """The wait a `RetryAfter` asks for, in seconds, whether PTB gives an int or a timedelta."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@contextlib.contextmanager
def map_telegram_errors(thread_id: int | None = None) -> Iterator[None]:
    """Re-raise PTB errors inside the block as the most specific `DeliveryError` (`from` the original).

    `thread_id` is the forum topic being written to: a migrated chat keeps it in its new key.
    """
    try:
        yield
    except RetryAfter as exc:
        raise RateLimited(retry_seconds(exc), f"Telegram flood control: {exc}") from exc
    except ChatMigrated as exc:
        raise TargetMoved(telegram_key(exc.new_chat_id, thread_id), str(exc)) from exc
    except Forbidden as exc:
        raise TargetGone(str(exc)) from exc
    except BadRequest as exc:
        text = exc.message.lower()
        if NOT_MODIFIED in text:
            raise NotModified(str(exc)) from exc
        if any(phrase in text for phrase in GONE_PHRASES):
            raise TargetGone(str(exc)) from exc
        raise Rejected(str(exc)) from exc
    except NetworkError as exc:  # TimedOut, connection errors, 5xx answers
        raise Transient(f"{type(exc).__name__}: {exc}") from exc


class TelegramAdapter:
    """Sends and edits alerts as HTML messages (link previews off) in chats, channels and forum topics."""

    platform = "telegram"
    digest_capacity = 50  # telegram_digest fits any 50 alerts in one message

    def __init__(self, bot: Bot, *, rate_limits: Sequence[RateLimit] = TELEGRAM_RATE_LIMITS) -> None:
        use_timedelta()
        self.bot = bot
        self.rate_limits = tuple(rate_limits)

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return await self._send(destination, telegram_alert(alert, plain=plain))

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        chat, thread = chat_of(destination)
        text = telegram_alert(alert, plain=plain)
        with map_telegram_errors(thread):
            await self.bot.edit_message_text(
                text.text,
                chat_id=chat,
                message_id=int(ref.message_id),
                parse_mode=text.parse_mode,
                link_preview_options=_previews(text),
            )
        return ref

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return await self._send(
            destination, telegram_digest(alerts, language=destination.language, plain=plain)
        )

    async def notify_admin(self, destination: Destination, text: str) -> None:
        """Tell the user who set up a group, topic or channel (in a private chat) that it stopped working."""
        user = creator_id(destination)
        chat, _ = chat_of(destination)
        if user is None or user == chat:  # a private chat that is gone has nobody else to tell
            return
        with map_telegram_errors():
            await self.bot.send_message(user, text)

    async def _send(self, destination: Destination, text: TelegramText) -> SentRef:
        chat, thread = chat_of(destination)
        with map_telegram_errors(thread):
            message = await self.bot.send_message(
                chat,
                text.text,
                parse_mode=text.parse_mode,
                link_preview_options=_previews(text),
                message_thread_id=thread,
            )
        return SentRef(str(message.message_id))


def _previews(text: TelegramText) -> LinkPreviewOptions:
    return LinkPreviewOptions(is_disabled=text.disable_link_preview)
