"""Pacing before the platform complains: sliding windows per platform and per chat, on the engine's clock.

The limiter never sleeps. `try_acquire` either takes a slot and returns None, or says when a slot frees up,
so a one-pass `deliver_due` with an injected clock can be tested without waiting.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence

from bot.adapters.base import RateLimit
from storage.models import Destination

__all__ = ["RateLimiter"]


class RateLimiter:
    """Counts sends per rule and key (the chat id, or one key for the whole platform)."""

    def __init__(self, limits: Sequence[RateLimit]) -> None:
        self.limits = tuple(limits)
        self._windows: dict[tuple[int, str], deque[float]] = {}

    def ready_at(self, destination: Destination, now: float) -> float:
        """The earliest moment (clock seconds) a message to `destination` keeps within every rule."""
        ready = now
        for index, key, rule in self._rules(destination):
            window = self._window(index, key, rule, now)
            if window is not None and len(window) >= rule.count:
                ready = max(ready, window[-rule.count] + rule.period)
        return ready

    def try_acquire(self, destination: Destination, now: float) -> float | None:
        """Take a slot for one message now (None), or return when one frees up (nothing is taken)."""
        ready = self.ready_at(destination, now)
        if ready > now:
            return ready
        for index, key, _ in self._rules(destination):
            self._windows.setdefault((index, key), deque()).append(now)
        return None

    def _rules(self, destination: Destination) -> Iterator[tuple[int, str, RateLimit]]:
        for index, rule in enumerate(self.limits):
            if rule.applies is None or rule.applies(destination):
                yield index, (destination.chat_id if rule.per_chat else ""), rule

    def _window(self, index: int, key: str, rule: RateLimit, now: float) -> deque[float] | None:
        window = self._windows.get((index, key))
        if window is None:
            return None
        while window and window[0] <= now - rule.period:
            window.popleft()
        if not window:
            del self._windows[(index, key)]
            return None
        return window
