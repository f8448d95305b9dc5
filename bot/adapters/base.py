"""The contract between the delivery engine and a chat platform, and the platforms' published rate limits.

An adapter formats alerts for its platform (`bot.formatting`), sends or edits one message per call, and
raises the `bot.adapters.errors` tree when the platform refuses. It never retries, sleeps or queues: retry
state lives in the outbox, pacing in the engine's rate limiter, which reads `rate_limits`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.alerts import Alert
from storage.models import Destination

__all__ = ["Adapter", "RateLimit", "SentRef"]


@dataclass(frozen=True, slots=True)
class SentRef:
    """The platform's id of a message it accepted (Telegram `message_id`, Discord message id), as text."""

    message_id: str


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `count` messages per `period` seconds, per chat (`per_chat`) or for the whole platform.

    `applies` narrows a rule to some destinations (Telegram's 20 per minute is for groups only). Forum topics
    of one Telegram chat share the chat's budget: the key is the destination's `chat_id`, not its key.
    """

    count: int
    period: float
    per_chat: bool
    applies: Callable[[Destination], bool] | None = None

    def __post_init__(self) -> None:
        if self.count < 1 or not self.period > 0:
            raise ValueError(f"a rate limit needs count >= 1 and period > 0, got {self.count}/{self.period}")


@runtime_checkable
class Adapter(Protocol):
    """One chat platform as the delivery engine sees it.

    `platform` is the first part of the destination keys it serves (`telegram`, `discord`, `console`).
    `digest_capacity` is how many alerts one digest message may list (its formatter guarantees they fit).
    """

    @property
    def platform(self) -> str: ...

    @property
    def rate_limits(self) -> Sequence[RateLimit]: ...

    @property
    def digest_capacity(self) -> int: ...

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        """Post `alert` as a new message; `plain` asks for the form without markup."""
        ...

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        """Replace the message `ref` with `alert`; raise `NotModified` when nothing changed."""
        ...

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        """Post one message listing `alerts` (at most `digest_capacity`)."""
        ...

    async def notify_admin(self, destination: Destination, text: str) -> None:
        """Tell whoever set `destination` up that it stopped working, where the platform allows (best effort)."""
        ...
