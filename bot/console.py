"""Status lines on the console: what the watcher itself is doing (baseline taken, a source failing).

Alerts do not come through here: they go through the outbox to `bot.adapters.console.ConsoleAdapter`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

__all__ = ["StatusPrinter"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DIM, RESET = "\033[2m", "\033[0m"


class StatusPrinter:
    """Writes dimmed, timestamped lines about the watcher to a text stream."""

    def __init__(self, stream: TextIO, *, color: bool = False) -> None:
        self.stream = stream
        self.color = color

    def note(self, text: str, *, when: datetime | None = None) -> None:
        stamp = (when or datetime.now(UTC)).astimezone(AMSTERDAM).strftime("%H:%M:%S")
        line = f"{stamp} {text}"
        self.stream.write((f"{DIM}{line}{RESET}" if self.color else line) + "\n")
        self.stream.flush()
