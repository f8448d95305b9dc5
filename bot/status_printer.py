"""Status lines on the console: what the watcher itself is doing (baseline taken, a source failing), and
whether the console gets colour.

Alerts do not come through here: they go through the outbox to `bot.adapters.console.ConsoleAdapter`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from bot.alerts import LOCAL_TZ

__all__ = ["StatusPrinter", "use_color"]

DIM, RESET = "\033[2m", "\033[0m"


class StatusPrinter:
    """Writes dimmed, timestamped lines about the watcher to a text stream."""

    def __init__(self, stream: TextIO, *, color: bool = False, zone: tzinfo = LOCAL_TZ) -> None:
        self.stream = stream
        self.color = color
        self.zone = zone

    def note(self, text: str, *, when: datetime | None = None) -> None:
        stamp = (when or datetime.now(UTC)).astimezone(self.zone).strftime("%H:%M:%S")
        line = f"{stamp} {text}"
        self.stream.write((f"{DIM}{line}{RESET}" if self.color else line) + "\n")
        self.stream.flush()


def use_color(stream: TextIO, setting: str = "auto") -> bool:
    """Colour on a terminal, plain when piped; `NO_COLOR` and `FORCE_COLOR` are honoured."""
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()
