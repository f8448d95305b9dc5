"""The console as a delivery adapter: plain text on a stream, message refs are counters.

Used by `wirewatch run` without chat platforms and by the demo, so the console goes through the same
outbox, digests and edit policy as the chats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from bot.adapters.base import RateLimit, SentRef
from bot.alerts import Alert
from bot.formatting.plain import plain_alert, plain_digest
from storage.models import Destination

__all__ = ["CONSOLE_KEY", "ConsoleAdapter"]

CONSOLE_KEY = "console"


class ConsoleAdapter:
    """Writes alerts to `stream`; an edit is printed as a new block that names the message it replaces."""

    platform = "console"
    rate_limits: Sequence[RateLimit] = ()
    digest_capacity = 50

    def __init__(self, stream: TextIO, *, color: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.count = 0

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return self._write(plain_alert(alert))

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return self._write(f"(replaces #{ref.message_id}) {plain_alert(alert)}")

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return self._write(plain_digest(alerts, language=destination.language))

    async def notify_admin(self, destination: Destination, text: str) -> None:
        self.stream.write(f"! {destination.key}: {text}\n")
        self.stream.flush()

    def _write(self, text: str) -> SentRef:
        self.count += 1
        if self.color:
            head, _, rest = text.partition("\n")
            text = f"\033[1m{head}\033[0m" + (f"\n{rest}" if rest else "")
        self.stream.write(f"#{self.count} {text}\n")
        self.stream.flush()
        return SentRef(str(self.count))
