"""What an adapter raises when a platform refuses a message. The delivery engine decides by type alone.

DeliveryError
├── Retryable                  try the same message again later
│   ├── RateLimited            the platform said 429: wait `retry_after` seconds (this destination only)
│   └── Transient              timeout, connection reset, 5xx: back off exponentially, expire after a max age
├── TargetMoved                the chat has a new id (Telegram group -> supergroup): re-key and resend
├── Permanent                  this message will never get through as it is
│   ├── TargetGone             blocked, kicked, channel deleted, missing permissions: disable the destination
│   └── Rejected               bad request (markup, length): retry once in plain form, then give up
└── NotModified                an edit changed nothing ("message is not modified"): counts as done

Adapters translate library errors into these at their boundary (`raise Transient(...) from exc`); any other
exception reaching the engine is treated as `Transient`.
"""

from __future__ import annotations

__all__ = [
    "DeliveryError",
    "NotModified",
    "Permanent",
    "RateLimited",
    "Rejected",
    "Retryable",
    "TargetGone",
    "TargetMoved",
    "Transient",
]


class DeliveryError(Exception):
    """Base class of every error a chat adapter raises about one message."""


class Retryable(DeliveryError):
    """The message may get through if tried again later."""


class RateLimited(Retryable):
    """The platform asked us to wait `retry_after` seconds before sending to this destination again."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(message or f"rate limited: retry after {self.retry_after:g}s")


class Transient(Retryable):
    """A passing failure (network, timeout, server error)."""


class TargetMoved(DeliveryError):
    """The destination now lives under `new_key` (e.g. `telegram:-100987` after a supergroup migration)."""

    def __init__(self, new_key: str, message: str = "") -> None:
        self.new_key = new_key
        super().__init__(message or f"destination moved to {new_key}")


class Permanent(DeliveryError):
    """Trying the same message again will not help."""


class TargetGone(Permanent):
    """The destination cannot be written to any more (blocked, kicked, deleted, no permission)."""


class Rejected(Permanent):
    """The platform refused this message as malformed (bad markup, too long, bad parameters)."""


class NotModified(DeliveryError):
    """An edit left the message as it was; the message is already right."""
