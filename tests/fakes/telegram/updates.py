"""The update queue behind `getUpdates` (long polling) and webhooks.

Like Telegram: an update stays queued until a `getUpdates` with a higher `offset` confirms it; a long poll
returns as soon as an update arrives; a newer `getUpdates` ends an older one with 409 Conflict; `getUpdates`
while a webhook is set is a 409 too. With a webhook set, updates are POSTed to it one at a time and confirmed
by a 2xx answer; a failed delivery is retried when the next update arrives or on `redeliver()`. Unlike Telegram,
plain `http://` webhook URLs on any port are accepted (as a self-hosted Bot API server with `--local` does).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from .model import ApiError, bad_request

__all__ = ["UpdateQueue", "Webhook"]

ALL_KINDS = frozenset(
    [
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "my_chat_member",
        "chat_member",
        "message_reaction",
        "message_reaction_count",
        "chat_join_request",
        "inline_query",
    ]
)
DEFAULT_KINDS = ALL_KINDS - {"chat_member", "message_reaction", "message_reaction_count"}
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


@dataclass(frozen=True, slots=True)
class Webhook:
    """The webhook `setWebhook` set."""

    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int


class UpdateQueue:
    """Queued updates, long polls waiting for them, and webhook delivery; `changed` runs after every change."""

    def __init__(self, changed: Callable[[], None], first_update_id: int = 500_000) -> None:
        self.changed = changed
        self.pending: list[dict[str, Any]] = []
        self.last_update_id = first_update_id - 1
        self.allowed = DEFAULT_KINDS
        self.webhook: Webhook | None = None
        self.webhook_errors: list[str] = []
        self.webhook_deliveries = 0
        self._poll: asyncio.Future[str] | None = None
        self._push_wake = asyncio.Event()
        self._pusher: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def polling(self) -> bool:
        """Whether a long poll is waiting for updates right now."""
        return self._poll is not None and not self._poll.done()

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update and wake whoever waits for it; returns its `update_id`."""
        self.last_update_id += 1
        self.pending.append({"update_id": self.last_update_id, kind: payload})
        self._wake("update")
        self._push_wake.set()
        self.changed()
        return self.last_update_id

    def drop_pending(self) -> None:
        self.pending.clear()
        self.changed()

    def _wake(self, reason: str) -> None:
        if self._poll is not None and not self._poll.done():
            self._poll.set_result(reason)

    def _confirm(self, offset: int) -> None:
        if offset < 0:  # -n: forget all but the last n
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        self.pending = [u for u in self.pending if self._kind(u) in self.allowed]
        self.changed()

    @staticmethod
    def _kind(update: dict[str, Any]) -> str:
        return next(key for key in update if key != "update_id")

    # --- getUpdates ----------------------------------------------------------------------------------------

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        offset = params.get("offset", 0)
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed = frozenset(allowed) & ALL_KINDS if allowed else DEFAULT_KINDS
        self._wake("terminated")
        self._confirm(offset)
        if self.pending or timeout == 0 or self._closed:
            return self.pending[:limit]
        poll: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._poll = poll
        self.changed()
        try:
            async with asyncio.timeout(timeout):
                reason = await poll
        except TimeoutError:
            return []
        finally:
            if self._poll is poll:
                self._poll = None
        if reason == "terminated":
            raise ApiError(409, _CONFLICT)
        self._confirm(offset)
        return self.pending[:limit]

    # --- webhooks ------------------------------------------------------------------------------------------

    def set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self.delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get("drop_pending_updates"):
            self.drop_pending()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed = frozenset(allowed) & ALL_KINDS if allowed else DEFAULT_KINDS
        self.webhook = Webhook(
            url, params.get("secret_token"), allowed, int(params.get("max_connections", 40))
        )
        self._wake("terminated")
        if self._pusher is None:
            self._pusher = asyncio.get_running_loop().create_task(self._push_loop())
        self._push_wake.set()
        return True

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.drop_pending()
        return True

    def webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = self.webhook.allowed_updates
        if self.webhook_errors:
            info["last_error_message"] = self.webhook_errors[-1]
        return info

    def redeliver(self) -> None:
        """Try the webhook again after a failed delivery."""
        self._push_wake.set()

    async def _push_loop(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            while True:
                await self._push_wake.wait()
                self._push_wake.clear()
                self._confirm(0)
                while self.webhook is not None and self.pending:
                    if not await self._deliver(session, self.webhook, self.pending[0]):
                        break

    async def _deliver(self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]) -> bool:
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        try:
            async with session.post(hook.url, json=update, headers=headers) as response:
                await response.read()
                ok = 200 <= response.status < 300
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc!r}"
        if not ok:
            self.webhook_errors.append(error)
            self.changed()
            return False
        self.webhook_deliveries += 1
        self._confirm(update["update_id"] + 1)
        return True

    async def close(self) -> None:
        """End waiting long polls (they answer `[]`) and stop webhook delivery."""
        self._closed = True
        self._wake("closing")
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None
