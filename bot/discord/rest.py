"""`DiscordRest`: the few Discord REST calls delivery makes, on httpx, translated into the delivery error tree.

discord.py's HTTP client sleeps through a 429 (up to `max_ratelimit_timeout`, at least 30 s) and before a request
whose bucket is exhausted, which would hold a delivery pass. Alerts therefore go out through this client, which
never sleeps: a 429 becomes `RateLimited(retry_after)` (the outbox pauses that channel only), and a bucket that
Discord says is exhausted (`X-RateLimit-Remaining: 0`) makes the next call to that channel or webhook raise
`RateLimited` until `X-RateLimit-Reset-After` has passed, without a request.

    HTTP answer                     -> DeliveryError
    429 (per route, or global)      -> RateLimited(retry_after)
    403 (50001 Missing Access, 50013 Missing Permissions), 404 10003 Unknown Channel, 10015 Unknown Webhook
                                    -> TargetGone
    404 10008 Unknown Message (an edit) and other 4xx      -> Rejected
    401 (the bot token), 5xx, timeouts, connection errors  -> Transient
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.adapters.errors import RateLimited, Rejected, TargetGone, Transient
from bot.fetch import PROJECT_URL

__all__ = ["GONE_CODES", "DiscordRest"]

GONE_CODES = frozenset({50001, 50013, 10003, 10015, 50007, 10004})
_GLOBAL = "*"


class DiscordRest:
    """POST and PATCH messages in channels and through webhooks. Use `async with` or call `aclose()`."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"User-Agent": f"DiscordBot ({PROJECT_URL}, 1.0) wirewatch"}
        if token:
            headers["Authorization"] = f"Bot {token}"
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self._client = httpx.AsyncClient(
            headers=headers, timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False
        )
        self._blocked: dict[str, float] = {}  # bucket key -> clock time it frees up

    async def __aenter__(self) -> DiscordRest:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def create_message(self, channel_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        return await self._call("POST", f"/channels/{channel_id}/messages", f"c{channel_id}", payload)

    async def edit_message(
        self, channel_id: str, message_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = f"/channels/{channel_id}/messages/{message_id}"
        return await self._call("PATCH", path, f"c{channel_id}", payload)

    async def execute_webhook(
        self, webhook_id: str, token: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = f"/webhooks/{webhook_id}/{token}"
        return await self._call("POST", path, f"w{webhook_id}", payload, params={"wait": "true"})

    async def edit_webhook_message(
        self, webhook_id: str, token: str, message_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = f"/webhooks/{webhook_id}/{token}/messages/{message_id}"
        return await self._call("PATCH", path, f"w{webhook_id}", payload)

    async def _call(
        self,
        method: str,
        path: str,
        bucket: str,
        payload: Mapping[str, Any],
        *,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        self._check_blocked(bucket)
        try:
            response = await self._client.request(method, self.base_url + path, json=payload, params=params)
        except httpx.HTTPError as exc:
            raise Transient(f"Discord unreachable: {type(exc).__name__}") from exc
        if response.is_success:
            self._note_bucket(bucket, response)
            body = _json(response)
            return body if isinstance(body, dict) else {}
        raise self._error(bucket, response)

    def _check_blocked(self, bucket: str) -> None:
        now = self.clock()
        for key in (_GLOBAL, bucket):
            until = self._blocked.get(key)
            if until is not None:
                if now < until:
                    raise RateLimited(
                        until - now, "Discord rate limit: this bucket is used up until it resets"
                    )
                del self._blocked[key]

    def _note_bucket(self, bucket: str, response: httpx.Response) -> None:
        if response.headers.get("X-RateLimit-Remaining") != "0":
            return
        reset_after = _float(response.headers.get("X-RateLimit-Reset-After"))
        if reset_after is not None and reset_after > 0:
            self._blocked[bucket] = self.clock() + reset_after

    def _error(self, bucket: str, response: httpx.Response) -> Exception:
        body = _json(response)
        data = body if isinstance(body, dict) else {}
        code = data.get("code")
        text = f"Discord HTTP {response.status_code}: {data.get('message') or response.reason_phrase}"
        if code is not None:
            text += f" ({code})"
        status = response.status_code
        if status == 429:
            retry_after = (
                _float(data.get("retry_after")) or _float(response.headers.get("Retry-After")) or 1.0
            )
            if data.get("global") or response.headers.get("X-RateLimit-Global") == "true":
                self._blocked[_GLOBAL] = self.clock() + retry_after  # every channel waits, not only this one
            return RateLimited(retry_after, text)
        if status == 401 or status >= 500:
            return Transient(text)
        if status in (403, 404) and (code in GONE_CODES or code is None):
            return TargetGone(text)
        return Rejected(text)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None
