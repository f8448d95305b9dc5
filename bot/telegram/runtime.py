"""`TelegramRuntime`: python-telegram-bot's `Application` inside wirewatch's event loop.

    runtime = TelegramRuntime(settings, token, commands=ChatCommands(store, poller.index, clock=clock))
    async with runtime:                  # getMe, setMyCommands (nl + default English), static destinations,
        engine = DeliveryEngine(store, [runtime.adapter, ...])        # then long polling or the webhook
        ...
        runtime.source_report(name, ok=False, error="HTTP 503")  # source health for the operator chat

Never `run_polling()`, which runs an event loop of its own: `initialize()`, `start()`, then
`updater.start_polling()` (or the webhook server), stopped in the reverse order. The token is kept out of the
logs (`redact`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.adapters.base import RateLimit
from bot.chat import ChatCommands, HealthNotice, HealthWatch, StaticSubscription
from bot.logs import one_line, protect_secrets
from bot.platforms import PlatformStartError
from bot.telegram.adapter import AiohttpRequest, TelegramAdapter, use_timedelta
from bot.telegram.context import Deps
from bot.telegram.handlers import register
from bot.telegram.keys import PLATFORM, telegram_key
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from bot.telegram.settings import StaticDestination, TelegramSettings
from bot.telegram.texts import COMMANDS, t
from bot.telegram.webhook import WebhookServer
from bot.web import HttpServer

__all__ = ["ALLOWED_UPDATES", "TelegramRuntime", "build_application", "http_requests"]

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
POOL_SIZE = 32  # concurrent Bot API calls: the delivery engine's (max_concurrency) plus command replies


def build_application(
    settings: TelegramSettings, token: str, *, requests: tuple[BaseRequest, BaseRequest]
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB application for `token` on `settings.api_base_url`; `requests` are for the Bot API calls and for
    `getUpdates` (see `http_requests`)."""
    api, updates = requests
    return (
        Application.builder()
        .token(token)
        .base_url(settings.bot_url)
        .base_file_url(settings.file_url)
        .request(api)
        .get_updates_request(updates)
        .build()
    )


class Reachability:
    """Whether the Bot API answered the latest call; logs one line when that changes (not one per failure)."""

    def __init__(self) -> None:
        self.ok = True
        self.error: str | None = None

    def succeeded(self) -> None:
        if not self.ok:
            log.warning("the Telegram Bot API answers again")
        self.ok, self.error = True, None

    def failed(self, error: str) -> None:
        error = one_line(error)
        if self.ok:
            log.warning("the Telegram Bot API is unreachable (%s); alerts wait in the outbox", error)
        self.ok, self.error = False, error


class TrackedRequest(AiohttpRequest):
    """`AiohttpRequest` (a third of httpx's CPU per call) that tells a `Reachability` how each call went (a 5xx
    counts as unreachable)."""

    def __init__(self, reachability: Reachability, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reachability = reachability

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            status, payload = await super().do_request(*args, **kwargs)
        except NetworkError as exc:
            self.reachability.failed(f"{type(exc).__name__}: {exc}")
            raise
        if status >= 500:
            self.reachability.failed(f"HTTP {status}")
        else:
            self.reachability.succeeded()
        return status, payload


def http_requests(
    timeout: float = 10.0, reachability: Reachability | None = None
) -> tuple[BaseRequest, BaseRequest]:
    """Connections for the Bot API calls (a pool) and for long polling (one), `timeout` seconds per phase."""
    tracker = reachability or Reachability()
    return _request(POOL_SIZE, timeout, tracker), _request(1, timeout, tracker)


def _request(pool: int, timeout: float, reachability: Reachability) -> BaseRequest:
    return TrackedRequest(
        reachability,
        connection_pool_size=pool,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
    )


class TelegramRuntime:
    """The bot: command handlers, the delivery adapter, and source-health messages to the operator chat."""

    def __init__(
        self,
        settings: TelegramSettings,
        token: str,
        *,
        commands: ChatCommands,
        timeout: float = 10.0,
        poll_timeout: int = 30,
        rate_limits: Sequence[RateLimit] = TELEGRAM_RATE_LIMITS,
        webhook_secret: str | None = None,
        http: HttpServer | None = None,
    ) -> None:
        if not token:
            raise PlatformStartError("no bot token: set TELEGRAM_BOT_TOKEN")
        use_timedelta()
        self.settings = settings
        self.webhook_secret = webhook_secret
        self.commands = commands
        self.poll_timeout = poll_timeout
        self._unprotect = protect_secrets([token])
        self.http = http
        self.reachability = Reachability()
        self._requests = http_requests(timeout, self.reachability)
        self.application = build_application(settings, token, requests=self._requests)
        register(self.application, Deps(commands, settings))
        self.adapter = TelegramAdapter(
            self.application.bot, rate_limits=rate_limits, paid_broadcast=settings.paid_broadcast
        )
        self.health = HealthWatch(settings.source_failures)
        self.webhook: WebhookServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._started: list[str] = []
        self._retry: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """Taking updates, and the Bot API answered the latest call."""
        return ("polling" in self._started or "webhook" in self._started) and self.reachability.ok

    async def __aenter__(self) -> TelegramRuntime:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Connect (getMe), publish the command menus, apply the config's destinations, take updates.

        A token the Bot API refuses is fatal (`PlatformStartError`); an API that cannot be reached is not: the
        bot keeps trying in the background (5 s, doubling up to 5 min) while alerts wait in the outbox.
        """
        await self._sync_destinations(offline=True)  # chats named by id get alerts even if the API is down
        try:
            await self._connect()
        except NetworkError:
            log.info(  # `Reachability` has said it, in one line
                "cannot reach the Telegram Bot API at %s at start (%s); trying again in the background",
                self.settings.api_base_url,
                self.reachability.error,
            )
            self._retry = asyncio.create_task(self._connect_later(), name="wirewatch-telegram-connect")

    async def _connect(self) -> None:
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:
            await self._close_requests()  # initialize() opened the connections before getMe failed
            raise PlatformStartError("Telegram refused the bot token (check TELEGRAM_BOT_TOKEN)") from None
        # A NetworkError goes up with the connections left open: PTB counts them as set up, and a retry of
        # initialize() only repeats getMe.
        self._started.append("initialized")
        try:
            await self._publish_commands()
            await self._sync_destinations()
            await app.start()
            self._started.append("started")
            if self.settings.mode == "webhook":
                await self._start_webhook()
            else:
                assert app.updater is not None
                await app.updater.start_polling(
                    poll_interval=0,
                    timeout=self.poll_timeout,
                    allowed_updates=list(ALLOWED_UPDATES),
                    error_callback=self._polling_failed,
                )
                self._started.append("polling")
        except BaseException:
            await self._teardown()
            raise
        log.info("Telegram bot @%s is running (%s)", app.bot.username, self.settings.mode)

    async def _connect_later(self) -> None:
        delay = 5.0
        while True:
            await asyncio.sleep(delay)
            try:
                await self._connect()
                return
            except PlatformStartError as exc:
                log.error("%s: the Telegram bot is off", exc)
                return
            except NetworkError as exc:
                delay = min(300.0, delay * 2)
                log.warning("the Telegram Bot API is still unreachable (%s); next try in %.0fs", exc, delay)

    def _polling_failed(self, error: TelegramError) -> None:
        """PTB retries a failed getUpdates itself; `Reachability` has logged the outage once."""
        log.debug("getUpdates failed: %s", error)

    async def _close_requests(self) -> None:
        for request in self._requests:
            await request.shutdown()

    async def stop(self) -> None:
        """Stop taking updates, let handlers finish, close the connections; in the reverse order of `start`."""
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
            self._retry = None
        initialized = "initialized" in self._started
        await self._teardown()
        if not initialized:  # never got past getMe: app.shutdown() was not there to close the connections
            await self._close_requests()
        self._unprotect()

    async def _teardown(self) -> None:
        app = self.application
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if "webhook" in self._started and self.webhook is not None:
            await self.webhook.stop()
        if "polling" in self._started and app.updater is not None and app.updater.running:
            await app.updater.stop()
        if "started" in self._started and app.running:
            await app.stop()
        if "initialized" in self._started:
            await app.shutdown()
        self._started.clear()

    async def _start_webhook(self) -> None:
        secret = self.webhook_secret
        url = self.settings.webhook_url
        if not secret or not url:
            raise PlatformStartError("webhook mode needs telegram.webhook_url and TELEGRAM_WEBHOOK_SECRET")
        self.webhook = WebhookServer(
            self.application,
            listen=self.settings.listen,
            port=self.settings.port,
            path=self.settings.webhook_path,
            secret=secret,
        )
        if self.http is not None:  # [http] is on: one listener serves the webhook too
            self.http.route("POST", self.settings.webhook_path, self.webhook.handle)
        else:
            await self.webhook.start()
        self._started.append("webhook")
        await self.application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def _publish_commands(self) -> None:
        """The command menu in Dutch (`language_code` nl) and English (the default for everyone else)."""
        bot = self.application.bot
        try:
            await bot.set_my_commands([BotCommand(c, nl) for c, nl, _ in COMMANDS], language_code="nl")
            await bot.set_my_commands([BotCommand(c, en) for c, _, en in COMMANDS])
        except TelegramError:
            log.warning("could not publish the command menu; the commands still work", exc_info=True)

    async def _sync_destinations(self, *, offline: bool = False) -> None:
        """Apply `[[telegram.destinations]]`: public `@names` are looked up first. `offline`: only the chats named
        by id, before the Bot API answers, and nothing switched off."""
        wanted: list[StaticSubscription] = []
        complete = not offline
        for entry in self.settings.destinations:
            if offline and not isinstance(entry.chat, int):
                continue
            chat_id = await self._chat_id(entry)
            if chat_id is None:
                complete = False
                continue
            wanted.append(entry.subscription(telegram_key(chat_id, entry.thread)))
        removed = await self.commands.sync_static(PLATFORM, wanted, prune=complete)
        for key in removed:
            log.info("destination %s is no longer in the config file: switched off", key)

    async def _chat_id(self, entry: StaticDestination) -> int | None:
        if isinstance(entry.chat, int):
            return entry.chat
        try:
            chat = await self.application.bot.get_chat(entry.chat)
        except TelegramError as exc:
            log.warning(
                "telegram.destinations: cannot find %s (%s); skipped until the next start", entry.chat, exc
            )
            return None
        return int(chat.id)

    # --- source health ---------------------------------------------------------------------------------------

    def source_report(self, source: str, *, ok: bool, error: str | None = None) -> None:
        """One poll's outcome; the operator chat hears of a source failing N times in a row, and recovering."""
        notice = self.health.observe(source, ok=ok, error=error)
        if notice is None or self.settings.operator_chat is None:
            return
        task = asyncio.get_running_loop().create_task(self._tell_operator(notice))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tell_operator(self, notice: HealthNotice) -> None:
        chat = self.settings.operator_chat
        assert chat is not None
        language = await self.commands.language(telegram_key(chat)) if isinstance(chat, int) else None
        language = language or "nl"
        if notice.kind == "failing":
            text = t(
                language,
                "health_failing",
                source=notice.source,
                failures=notice.failures,
                error=notice.error or "?",
            )
        else:
            text = t(language, "health_recovered", source=notice.source)
        try:
            await self.application.bot.send_message(chat, text, parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning(
                "could not tell the operator chat %s about source %s", chat, notice.source, exc_info=True
            )
