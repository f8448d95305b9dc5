"""Telegram's flood control, as the fake enforces it when asked (`FakeTelegram(flood=FloodControl())`).

The Bot FAQ's limits for one bot, as sliding windows over the moments requests arrive:

- 30 messages per second over all chats (1,000 for messages sent with `allow_paid_broadcast`; a free message
  still needs the window to hold fewer than 30, paid ones included); a paid message that arrives when 30 or
  more were sent in the last second is `charged` (0.1 Star in Telegram);
- 1 message per second in one chat (forum topics share their chat's budget);
- 20 messages per minute in one group, supergroup or channel.

A message over a limit is answered `429 Too Many Requests: retry after N` with `parameters.retry_after` (whole
seconds, at least 1, until the window that refused it has room) and does not count; only messages that were
sent count. Which methods count: every `send*` but `sendChatAction`, `copyMessage`, `forwardMessage` and the
`editMessage*` family (Telegram meters edits too).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import ApiError

__all__ = ["FloodControl", "Metered", "counts_as_message"]

_EXTRA_METHODS = frozenset(["copyMessage", "forwardMessage"])


def counts_as_message(method: str) -> bool:
    """Whether a Bot API method sends (or edits) a message, so flood control meters it."""
    if method == "sendChatAction":
        return False
    return method.startswith(("send", "editMessage")) or method in _EXTRA_METHODS


@dataclass(frozen=True, slots=True)
class Metered:
    """One message as flood control sees it: its chat, whether that is a group or channel, whether it is paid."""

    chat_id: int
    group: bool
    paid: bool


@dataclass(slots=True)
class _Window:
    count: int
    period: float
    times: deque[float] = field(default_factory=deque)

    def wait(self, now: float, limit: int | None = None) -> float:
        """Seconds until one more fits (0: it fits now)."""
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        limit = self.count if limit is None else limit
        if len(self.times) < limit:
            return 0.0
        return self.times[-limit] + self.period - now


@dataclass(slots=True)
class FloodControl:
    """The limits above; `refused` counts the 429 answers, `paid` the messages sent as paid broadcasts, `charged`
    those of them over the free 30 a second."""

    per_second: int = 30
    paid_per_second: int = 1000
    per_chat: int = 1
    chat_period: float = 1.0
    per_group: int = 20
    group_period: float = 60.0
    clock: Callable[[], float] = time.monotonic
    refused: int = 0
    accepted: int = 0
    paid: int = 0
    charged: int = 0
    _all: _Window = field(init=False)
    _chats: dict[int, _Window] = field(init=False, default_factory=dict)
    _groups: dict[int, _Window] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._all = _Window(self.paid_per_second, 1.0)

    def check(self, message: Metered) -> None:
        """Raise the 429 Telegram would answer for `message` now (counted in `refused`)."""
        now = self.clock()
        waits = [self._all.wait(now, self.paid_per_second if message.paid else self.per_second)]
        waits.append(self._chat(message.chat_id).wait(now))
        if message.group:
            waits.append(self._group(message.chat_id).wait(now))
        wait = max(waits)
        if wait > 0:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    def record(self, message: Metered) -> None:
        """Count `message`, which was sent (after `check` let it through)."""
        now = self.clock()
        if message.paid and self._all.wait(now, self.per_second) > 0:
            self.charged += 1
        windows = [self._all, self._chat(message.chat_id)]
        if message.group:
            windows.append(self._group(message.chat_id))
        for window in windows:
            window.times.append(now)
        self.accepted += 1
        self.paid += message.paid

    def _chat(self, chat_id: int) -> _Window:
        return self._chats.setdefault(chat_id, _Window(self.per_chat, self.chat_period))

    def _group(self, chat_id: int) -> _Window:
        return self._groups.setdefault(chat_id, _Window(self.per_group, self.group_period))
