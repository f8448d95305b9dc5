"""`FakeTelegram`: a Bot API server on 127.0.0.1 that the real python-telegram-bot talks to over HTTP.

    async with FakeTelegram() as tg:
        tg.add_chat(-100, "supergroup", title="Nieuws", is_forum=True)
        app = Application.builder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)...
        tg.send_command(-100, alice, "/start", thread_id=7)
        [reply] = await tg.wait_for_sent(1, chat_id=-100)
        tg.fail("sendMessage", -100, **retry_after(30))
        tg.hold = asyncio.Event()       # messages wait until `tg.hold.set()`; `tg.holding` counts them

`FakeTelegram(flood=FloodControl())` enforces Telegram's rate limits with 429 answers (see `flood.py`).

Requests go to `/bot<token>/<method>` (form, multipart or JSON bodies; GET with a query works too) and are
answered `{"ok": true, "result": ...}` or Telegram's error body with the matching HTTP status. A wrong token is
401 Unauthorized, an unknown method 404 Not Found. Every call is recorded in `calls`, failed ones included.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.demo.site import serve_on_loopback

from .api import BotApi, CallbackAnswer, CommandsKey, api_error_for
from .flood import FloodControl, Metered, counts_as_message
from .inject import Scripting
from .model import ApiError, Call, Edit, SentMessage, User
from .params import decode_params
from .updates import UpdateQueue, Webhook
from .world import ChatState, World

__all__ = ["DEFAULT_TOKEN", "FakeTelegram"]

HOST = "127.0.0.1"
DEFAULT_TOKEN = "123456789:AAFakeTokenForWirewatchTests_0123456"


@dataclass(slots=True)
class _Failure:
    method: str
    chat_id: int | str | None
    error: ApiError
    times: int | None


class FakeTelegram(Scripting):
    """The fake Bot API server; script it with the `Scripting` helpers, inspect it with `sent`, `calls`..."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "wirewatch_test_bot",
        bot_name: str = "Wirewatch",
        clock: Callable[[], datetime] | None = None,
        flood: FloodControl | None = None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"a bot token looks like '123456:secret', not {token!r}")
        self.token = token
        self.bot = User(int(bot_id), bot_name, username=bot_username, is_bot=True)
        self.world = World(self.bot, clock or (lambda: datetime.now(UTC)))
        self.queue = UpdateQueue(self._changed)
        self.api = BotApi(self.world, self.queue.push)
        self.calls: list[Call] = []
        self.internal_errors: list[BaseException] = []
        self.flood = flood  # Telegram's rate limits, enforced with 429s when set
        # Set to an unset event to hold every message-sending call until the test sets it; `holding` counts them.
        self.hold: asyncio.Event | None = None
        self.holding = 0
        self._failures: list[_Failure] = []
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            **self.api.handlers,
            "getUpdates": self.queue.get_updates,
            "setWebhook": self.queue.set_webhook,
            "deleteWebhook": self.queue.delete_webhook,
            "getWebhookInfo": self.queue.webhook_info,
        }
        self._by_lower = {name.lower(): name for name in self._handlers}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # --- life ----------------------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/{prefix}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner, self._port = await serve_on_loopback(app)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.queue.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._port = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` while the server runs."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not running; use `async with FakeTelegram() as tg`")
        return f"http://{HOST}:{self._port}"

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder.base_url` / `Bot(base_url=...)`: PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- HTTP ----------------------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").to_api(), status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        prefix, name = request.match_info["prefix"], request.match_info["method"]
        if not prefix.startswith("bot"):
            return await self._not_found(request)
        if prefix.removeprefix("bot") != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_api(), status=401)
        method = self._by_lower.get(name.lower(), name)
        params: dict[str, Any] = {}
        result: Any = None
        try:
            params = decode_params(await _read_params(request))
            handler = self._handlers.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            if self.hold is not None and counts_as_message(method):
                await self._held()
            failure = self._take_failure(method, params)
            if failure is not None:
                raise failure
            message = self._metered(method, params)
            if self.flood is not None and message is not None:
                self.flood.check(message)
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            if self.flood is not None and message is not None:
                self.flood.record(message)
            error = None
        except ApiError as exc:
            error = exc
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test to see
            self.internal_errors.append(exc)
            error = api_error_for(exc)
        self.calls.append(Call(method, params, error, result, at=arrived))
        self._changed()
        if error is not None:
            return web.json_response(error.to_api(), status=error.error_code)
        return web.json_response({"ok": True, "result": result})

    # --- failure injection ---------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        chat_id: int | str | None = None,
        *,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, or any chat) with this error instead;
        `times=None` keeps failing until `clear_failures()`. Scripted failures are used in order."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        if isinstance(chat_id, str):  # `@name`: match calls by the chat's id as well
            chat_id = self._resolve(chat_id)
        self._failures.append(_Failure(method, chat_id, ApiError(error_code, description, parameters), times))

    async def _held(self) -> None:
        assert self.hold is not None
        self.holding += 1
        self._changed()
        try:
            await self.hold.wait()
        finally:
            self.holding -= 1

    def _metered(self, method: str, params: dict[str, Any]) -> Metered | None:
        """The message flood control counts for this call, if it counts one."""
        if self.flood is None or not counts_as_message(method):
            return None
        try:
            chat = self.world.find_chat(params.get("chat_id"))
        except ApiError:
            return None  # the handler answers "chat not found"
        return Metered(chat.id, chat.type != "private", bool(params.get("allow_paid_broadcast")))

    def clear_failures(self) -> None:
        self._failures.clear()

    def _take_failure(self, method: str, params: dict[str, Any]) -> ApiError | None:
        target = params.get("chat_id")
        if isinstance(target, str):
            target = self._resolve(target)
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, target):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times == 0:
                        self._failures.remove(failure)
                return failure.error
        return None

    def _resolve(self, ref: str) -> int | str:
        try:
            return self.world.find_chat(ref).id
        except ApiError:
            return ref

    # --- inspection ----------------------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent successfully, oldest first."""
        return [m for m in self.api.sent if chat_id is None or m.chat_id == chat_id]

    def edits(self, chat_id: int | None = None, message_id: int | None = None) -> list[Edit]:
        """Successful edits (text and reply markup), oldest first."""
        return [
            e
            for e in self.api.edits
            if (chat_id is None or e.chat_id == chat_id)
            and (message_id is None or e.message_id == message_id)
        ]

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Recorded calls of one method (failed ones too), optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    @property
    def deleted(self) -> list[tuple[int, int]]:
        """(chat_id, message_id) of every message the bot deleted."""
        return list(self.api.deleted)

    @property
    def answers(self) -> list[CallbackAnswer]:
        return list(self.api.answers)

    @property
    def commands_set(self) -> dict[CommandsKey, list[tuple[str, str]]]:
        """Commands per (scope, language_code); scope is `default`, `all_private_chats`, `chat:<id>`..."""
        return dict(self.api.commands)

    def commands(self, scope: str = "default", language_code: str = "") -> list[tuple[str, str]]:
        return list(self.api.commands.get((scope, language_code), []))

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as it is now (after edits) as a Bot API dict, or None (unknown or deleted)."""
        return self.world.chat(chat_id).messages.get(message_id)

    def chat(self, chat_id: int) -> ChatState:
        return self.world.chat(chat_id)

    def member_status(self, chat_id: int, user_id: int) -> str:
        chat = self.world.chat(chat_id)
        member = chat.members.get(user_id)
        return member.status if member else "left"

    @property
    def webhook(self) -> Webhook | None:
        return self.queue.webhook

    @property
    def polling(self) -> bool:
        """Whether a long poll (`getUpdates` with a timeout) is waiting right now."""
        return self.queue.polling

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by the bot."""
        return list(self.queue.pending)

    # --- waiting -------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        for predicate, future in self._waiters:
            if future.done():
                continue
            try:
                if predicate():
                    future.set_result(None)
            except Exception as exc:
                future.set_exception(exc)

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5, what: str = "it"
    ) -> None:
        """Return once `predicate()` holds (checked after every change); AssertionError after `timeout`."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            seen = ", ".join(f"{c.method}{'' if c.ok else '!'}" for c in self.calls[-12:]) or "none"
            raise AssertionError(f"waited {timeout}s for {what}; last calls: {seen}") from None
        finally:
            self._waiters.remove(entry)

    async def wait_for_sent(
        self, count: int, chat_id: int | None = None, *, timeout: float = 5
    ) -> list[SentMessage]:
        """Wait until the bot sent at least `count` messages (to `chat_id`); returns them all."""
        where = "" if chat_id is None else f" to chat {chat_id}"
        await self.wait_until(
            lambda: len(self.sent(chat_id)) >= count, timeout=timeout, what=f"{count} sent{where}"
        )
        return self.sent(chat_id)

    async def wait_for_edits(
        self, count: int, chat_id: int | None = None, *, timeout: float = 5
    ) -> list[Edit]:
        await self.wait_until(
            lambda: len(self.edits(chat_id)) >= count, timeout=timeout, what=f"{count} edits"
        )
        return self.edits(chat_id)

    async def wait_for_call(
        self, method: str, *, count: int = 1, chat_id: int | None = None, timeout: float = 5
    ) -> Call:
        """Wait for the `count`-th call of `method` (to `chat_id`), failed or not, and return it."""
        await self.wait_until(
            lambda: len(self.calls_to(method, chat_id)) >= count, timeout=timeout, what=f"{count}x {method}"
        )
        return self.calls_to(method, chat_id)[count - 1]

    async def wait_confirmed(self, *, timeout: float = 5) -> None:
        """Wait until the bot has confirmed (fetched past) every queued update."""
        await self.wait_until(lambda: not self.queue.pending, timeout=timeout, what="updates confirmed")

    def redeliver(self) -> None:
        """Retry webhook delivery after a failure."""
        self.queue.redeliver()


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON object expected")
        return params | body
    form = await request.post()
    for name, value in form.items():
        params[name] = value if isinstance(value, str) else f"<file {getattr(value, 'filename', '?')}>"
    return params
