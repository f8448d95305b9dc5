"""Error answers the fake gives, and the book of faults a test scripted for the next requests.

    fake.fail("send_message", channel.id, rate_limited(0.2))          # one 429, then normal again
    fake.fail("send_message", channel.id, MISSING_PERMISSIONS, times=None)  # until clear_faults()
    fake.fail("execute_webhook", hook.id, UNKNOWN_WEBHOOK)

How discord.py 2.7 reacts (see `HTTPClient.request` and `AsyncWebhookAdapter.request`):
- 429 with a `Via` header and a JSON body is a rate limit: the client sleeps `retry_after` and retries by
  itself (the bot client raises `discord.RateLimited` instead when `retry_after` exceeds its
  `max_ratelimit_timeout`, which must be >= 30 s). Without `Via` it is a plain `HTTPException` (Cloudflare).
- 403 -> `discord.Forbidden`, 404 -> `discord.NotFound`, with `.code` from the body.
- 500/502/504/524 are retried 5 times, sleeping 1, 3, 5, 7, 9 s (~25 s): do not use them in fast tests.
  503 is NOT retried by the bot client (`discord.DiscordServerError` at once) but IS retried by the webhook
  adapter, which retries every status >= 500: a 503 on a webhook or interaction route (`Webhook.send`,
  `interaction.response`, followups) costs ~25 s before `DiscordServerError`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DISCONNECT",
    "INTERACTION_ACKNOWLEDGED",
    "MISSING_ACCESS",
    "MISSING_PERMISSIONS",
    "SERVICE_UNAVAILABLE",
    "UNAUTHORIZED",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_INTERACTION",
    "UNKNOWN_MESSAGE",
    "UNKNOWN_WEBHOOK",
    "Fault",
    "FaultBook",
    "bad_request",
    "json_body",
    "rate_limited",
    "ratelimit_headers",
]

JSON_TYPE = "application/json"  # exactly: discord.py parses JSON only when the header is exactly this


@dataclass(frozen=True, slots=True)
class Fault:
    """An error answer: status, JSON body (or `text` for a non-JSON one) and extra headers.
    `disconnect=True` drops the connection without answering (an `aiohttp.ClientError` in the client)."""

    status: int
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    text: str | None = None
    disconnect: bool = False

    @property
    def code(self) -> int | None:
        return None if self.body is None else self.body.get("code")


def bad_request(message: str = "Invalid Form Body", code: int = 50035, errors: Any = None) -> Fault:
    """A 400 (`discord.HTTPException`); `errors` is Discord's nested error tree, if any."""
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return Fault(400, body)


def rate_limited(
    retry_after: float = 1.5,
    *,
    is_global: bool = False,
    scope: Literal["user", "global", "shared"] = "user",
    bucket: str = "fakebucket",
    via: bool = True,
) -> Fault:
    """A 429 as Discord sends it (`Via: 1.1 google` makes discord.py treat it as a rate limit)."""
    headers = {
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if is_global else scope,
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    if via:
        headers["Via"] = "1.1 google"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return Fault(429, body, headers)


MISSING_ACCESS = Fault(403, {"message": "Missing Access", "code": 50001})
MISSING_PERMISSIONS = Fault(403, {"message": "Missing Permissions", "code": 50013})
UNAUTHORIZED = Fault(401, {"message": "401: Unauthorized", "code": 0})
UNKNOWN_CHANNEL = Fault(404, {"message": "Unknown Channel", "code": 10003})
UNKNOWN_MESSAGE = Fault(404, {"message": "Unknown Message", "code": 10008})
UNKNOWN_WEBHOOK = Fault(404, {"message": "Unknown Webhook", "code": 10015})
UNKNOWN_INTERACTION = Fault(404, {"message": "Unknown interaction", "code": 10062})
INTERACTION_ACKNOWLEDGED = Fault(
    400, {"message": "Interaction has already been acknowledged.", "code": 40060}
)
SERVICE_UNAVAILABLE = Fault(503, {"message": "Service Unavailable", "code": 0})
DISCONNECT = Fault(0, disconnect=True)


def ratelimit_headers(
    bucket: str, *, limit: int = 50, remaining: int = 49, reset_after: float = 1.0
) -> dict[str, str]:
    """Headers for a normal answer: ample requests left, so discord.py never waits pre-emptively."""
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


def json_body(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(slots=True)
class _Planned:
    route: str
    target: int | None
    fault: Fault
    times: int | None


class FaultBook:
    """Faults scripted per route name (`"*"` for any) and target (channel, webhook, guild or interaction id;
    None for any), used in the order they were added."""

    def __init__(self) -> None:
        self._planned: list[_Planned] = []

    def add(self, route: str, target: int | None, fault: Fault, times: int | None) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        self._planned.append(_Planned(route, target, fault, times))

    def clear(self) -> None:
        self._planned.clear()

    def take(self, route: str, target: int | None) -> Fault | None:
        for planned in self._planned:
            if planned.route in ("*", route) and planned.target in (None, target):
                if planned.times is not None:
                    planned.times -= 1
                    if planned.times == 0:
                        self._planned.remove(planned)
                return planned.fault
        return None

    def __len__(self) -> int:
        return len(self._planned)
