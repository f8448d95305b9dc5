"""Pacing before the platform complains: per platform and per chat, on the engine's clock, whatever the delays.

The platform counts a message when the request arrives, which is some time after the engine decided to send
it and some time before the answer comes back; both delays vary (the claim's commit, the connection pool, the
network). So a send occupies its slot from the moment it is granted (`start`) until its answer is in
(`release`), and a rule "at most N per P seconds" grants a new send only when every send at least N places
before it has been answered at least P seconds ago. Then no window of P seconds at the platform can hold N + 1
arrivals: of any N + 1 sends the last started (and arrived) at least P after the first was answered (so after
it arrived). A burst of N is still granted at once; the N + 1st waits for the first answer plus P, not for a
guess about delays.

The limiter never sleeps. `acquire` either grants a `Slot` or says when to ask again: a time, or `None` when
that depends on a send still in flight (ask again when one is answered). So a one-pass `deliver_due` with an
injected clock can be tested without waiting.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.adapters.base import RateLimit
from storage.models import Destination

__all__ = ["RateLimiter", "Slot"]

_SWEEP_EVERY = 1024  # grants between sweeps of the quiet chats' windows


@dataclass(eq=False, slots=True)
class _Send:
    start: float
    end: float | None = None  # None while the request is in flight


@dataclass(eq=False, slots=True)
class Slot:
    """One granted send; hand it back with `RateLimiter.release` when the platform answered."""

    send: _Send
    windows: tuple[deque[_Send], ...] = field(default=())


class RateLimiter:
    """Counts sends per rule and key (the chat id, or one key for the whole platform)."""

    def __init__(self, limits: Sequence[RateLimit]) -> None:
        self.limits = tuple(limits)
        self._platform_rules = [
            (index, rule)
            for index, rule in enumerate(self.limits)
            if not rule.per_chat and rule.applies is None
        ]
        self._windows: dict[tuple[int, str], deque[_Send]] = {}
        self._granted = 0

    def acquire(self, destination: Destination, now: float) -> Slot | float | None:
        """Grant a send to `destination` now (a `Slot`), or say when to ask again (None: after an answer)."""
        ready = self.ready_at(destination, now)
        if ready is None or ready > now:
            return ready
        return self.grant(destination, now)

    def grant(self, destination: Destination | None, now: float) -> Slot:
        """Count a send that starts now whatever the rules say (None: only for the platform-wide rules), e.g.
        one the platform lets through for a fee."""
        self._granted += 1
        if self._granted % _SWEEP_EVERY == 0:
            self._sweep(now)
        send = _Send(now)
        windows = []
        rules = self._rules(destination) if destination is not None else self._platform_keys()
        for index, key, _ in rules:
            window = self._windows.setdefault((index, key), deque())
            window.append(send)
            windows.append(window)
        return Slot(send, tuple(windows))

    def release(self, slot: Slot, now: float) -> None:
        """The platform answered the send of `slot` at `now` (or the request failed on the way)."""
        if slot.send.end is None:
            slot.send.end = max(now, slot.send.start)

    def cancel(self, slot: Slot) -> None:
        """The send of `slot` was never made: forget it."""
        for window in slot.windows:
            with contextlib.suppress(ValueError):  # pruned already
                window.remove(slot.send)

    def ready_at(self, destination: Destination, now: float) -> float | None:
        """The earliest moment (clock seconds) a send to `destination` keeps within every rule.

        `None`: not before a send still in flight is answered.
        """
        ready = now
        for index, key, rule in self._rules(destination):
            wait = self._ready(index, key, rule, now)
            if wait is None:
                return None
            ready = max(ready, wait)
        return ready

    def platform_ready_at(self, now: float) -> float | None:
        """Like `ready_at`, for the rules that hold for every destination (the platform-wide limit)."""
        ready = now
        for index, rule in self._platform_rules:
            wait = self._ready(index, "", rule, now)
            if wait is None:
                return None
            ready = max(ready, wait)
        return ready

    def try_acquire(self, destination: Destination, now: float) -> float | None:
        """A send that is answered at once: None when it was granted, else when to try again."""
        granted = self.acquire(destination, now)
        if isinstance(granted, Slot):
            self.release(granted, now)
            return None
        assert granted is not None  # every earlier send was answered at once
        return granted

    def _sweep(self, now: float) -> None:
        """Forget the windows of chats that have been quiet for a whole period (memory stays bounded)."""
        for (index, key), window in list(self._windows.items()):
            period = self.limits[index].period
            while window and window[0].end is not None and window[0].end + period <= now:
                window.popleft()
            if not window:
                del self._windows[(index, key)]

    def _platform_keys(self) -> Iterator[tuple[int, str, RateLimit]]:
        for index, rule in self._platform_rules:
            yield index, "", rule

    def _rules(self, destination: Destination) -> Iterator[tuple[int, str, RateLimit]]:
        for index, rule in enumerate(self.limits):
            if rule.applies is None or rule.applies(destination):
                yield index, (destination.chat_id if rule.per_chat else ""), rule

    def _ready(self, index: int, key: str, rule: RateLimit, now: float) -> float | None:
        window = self._windows.get((index, key))
        if window is None:
            return now
        while window and window[0].end is not None and window[0].end + rule.period <= now:
            window.popleft()
        if not window:
            del self._windows[(index, key)]
            return now
        settled = len(window) - rule.count + 1  # these must all be answered `period` ago
        if settled <= 0:
            return now
        latest = now
        for position in range(settled):
            end = window[position].end
            if end is None:
                return None
            latest = max(latest, end + rule.period)
        return latest
