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

Paid broadcasts (`[telegram] paid_broadcast`, enabled for the bot in @BotFather): every message goes with
`allow_paid_broadcast` and the engine's platform-wide limit becomes Telegram's 1,000 messages a second
(`paid_limits`). Telegram charges 0.1 Star for each message over the free 30 a second (from the bot's balance,
which must hold at least 10,000 Stars), so a quiet bot pays nothing.

`AiohttpRequest` is python-telegram-bot's `BaseRequest` on aiohttp's client: the same Bot API calls (the
parameters as a JSON object, uploads as a multipart form), the same errors (`TimedOut`, `NetworkError`), for
about a third of the CPU httpx takes per call (the fan-out ceiling, `benchmarks/bench_fanout.py`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import aiohttp
from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning

from bot.adapters.base import RateLimit, SentRef
from bot.adapters.errors import NotModified, RateLimited, Rejected, TargetGone, TargetMoved, Transient
from bot.alerts import Alert
from bot.formatting.telegram_html import TelegramText, telegram_alert, telegram_digest
from bot.telegram.keys import chat_of, creator_id, telegram_key
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from storage.models import Destination

__all__ = [
    "GONE_PHRASES",
    "PAID_PER_SECOND",
    "AiohttpRequest",
    "TelegramAdapter",
    "map_telegram_errors",
    "paid_limits",
    "retry_seconds",
    "use_timedelta",
]

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
PAID_PER_SECOND = 1000  # with `allow_paid_broadcast`: 0.1 Telegram Star for each message over 30 a second
_JSON_BODY = {"Content-Type": "application/json"}
SEND_NUDGE = r"Please use 'Bot\.sendMessage' instead"  # PTB's advice on `do_api_request("sendMessage")`

warnings.filterwarnings("ignore", message=SEND_NUDGE, category=PTBUserWarning)


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


def paid_limits(limits: Sequence[RateLimit]) -> tuple[RateLimit, ...]:
    """`limits` with the platform-wide rule raised to what paid broadcasts allow (1,000 a second)."""
    return tuple(
        replace(rule, count=max(rule.count, PAID_PER_SECOND))
        if not rule.per_chat and rule.applies is None
        else rule
        for rule in limits
    )


class TelegramAdapter:
    """Sends and edits alerts as HTML messages (link previews off) in chats, channels and forum topics.

    `paid_broadcast`: send with `allow_paid_broadcast` and pace to 1,000 messages a second instead of 30
    (Telegram charges 0.1 Star for each message over the free 30 a second).
    """

    platform = "telegram"
    digest_capacity = 50  # telegram_digest fits any 50 alerts in one message

    def __init__(
        self,
        bot: Bot,
        *,
        rate_limits: Sequence[RateLimit] = TELEGRAM_RATE_LIMITS,
        paid_broadcast: bool = False,
    ) -> None:
        use_timedelta()
        self.bot = bot
        self.paid_broadcast = paid_broadcast
        self.rate_limits = paid_limits(rate_limits) if paid_broadcast else tuple(rate_limits)

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return await self._send(destination, _formatted(alert, plain))

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
            # The raw answer: only its message_id is used, and building PTB's `Message` from it (with
            # its entities) costs about a sixth of a fan-out's CPU. PTB drops the None values.
            message = await self.bot.do_api_request(
                "sendMessage",
                {
                    "chat_id": chat,
                    "text": text.text,
                    "parse_mode": text.parse_mode,
                    "link_preview_options": _previews(text),
                    "message_thread_id": thread,
                    "allow_paid_broadcast": True if self.paid_broadcast else None,
                },
            )
        return SentRef(str(message["message_id"]))


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's requests to the Bot API, made with aiohttp's client (HTTP/1.1, a connection pool).

    Timeouts as PTB's `HTTPXRequest` takes them (per call or these defaults): `connect_timeout` for the TCP
    (and TLS) connection, `pool_timeout` on top of it for a free connection, `read_timeout` between reads of
    the answer, `write_timeout` (or `media_write_timeout` for uploads) for sending the request. Proxies come
    from the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), as with httpx.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
            "media": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # by URL: the Bot API's are few

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        fields = request_data.json_parameters if request_data is not None else None
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            form = aiohttp.FormData(fields or {})
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        elif fields:
            # A JSON object of the same strings a form would carry: the Bot API reads both alike, and
            # encoding it takes 3 µs where aiohttp's urlencoded form takes about 30.
            data, headers = json.dumps(fields).encode(), _JSON_BODY
        read = self._timeout(read_timeout, "read")
        write = self._timeout(write_timeout, "media" if files else "write")
        connect = self._timeout(connect_timeout, "connect")
        pool = self._timeout(pool_timeout, "pool")
        parts = (connect, pool, write, read)
        timeout = aiohttp.ClientTimeout(  # aiohttp has no write timeout: the whole call gets all four
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for `url` (`HTTPS_PROXY`, `NO_PROXY`...), looked up once per URL.

        (aiohttp's `trust_env` would look it up, and read ~/.netrc, in a thread for every request.)
        """
        if url not in self._proxies:
            if len(self._proxies) >= 256:  # file downloads have URLs of their own
                self._proxies.clear()
            parts = urlsplit(url)
            bypass = urllib.request.proxy_bypass(parts.hostname) if parts.hostname else True
            self._proxies[url] = None if bypass else urllib.request.getproxies().get(parts.scheme)
        return self._proxies[url]

    def _timeout(self, given: object, name: str) -> float | None:
        """A timeout PTB passed for this call, or ours (PTB passes a `DefaultValue` when there is none)."""
        if given is None or isinstance(given, int | float):
            return given
        return self._timeouts[name]


@functools.lru_cache(maxsize=64)
def _formatted(alert: Alert, plain: bool) -> TelegramText:
    """`telegram_alert`, remembered: a fan-out sends the same alert to every chat of a language."""
    return telegram_alert(alert, plain=plain)


@functools.cache
def _preview_options(disabled: bool) -> LinkPreviewOptions:
    return LinkPreviewOptions(is_disabled=disabled)  # immutable, so one of each is shared


def _previews(text: TelegramText) -> LinkPreviewOptions:
    return _preview_options(text.disable_link_preview)
