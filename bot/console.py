"""The console sink: alerts printed for a person, coloured on a terminal and plain when piped."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from parsers.countries import flag
from storage.models import ItemEvent

__all__ = ["ConsoleSink", "format_event"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
KIND_COLORS = {"new": "\033[32m", "updated": "\033[33m"}


def format_event(event: ItemEvent, *, color: bool = False, width: int = 88) -> str:
    """A few lines: marker, flags, dateline, title; the lead wrapped; the link and publication time."""
    item = event.item

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    marker = "NEW" if event.kind == "new" else f"EDITED (v{event.version})"
    flags = "".join(flag(c) for c in item.countries[:3])
    dateline = item.place or ""
    if item.place and item.agencies:
        dateline += f" ({'/'.join(item.agencies)})"
    head = " ".join(
        p for p in (paint(KIND_COLORS.get(event.kind, ""), f"[{marker}]"), flags, paint(BOLD, dateline)) if p
    )
    if item.title:
        head += f" {item.title}"
    lines = [head]
    lines += textwrap.wrap(item.text, width=width, initial_indent="    ", subsequent_indent="    ")
    meta = []
    if item.published_at:
        local = item.published_at.astimezone(AMSTERDAM)
        meta.append(f"published {'~' if item.published_precision else ''}{local:%H:%M} ({item.time_label})")
    elif item.time_label:
        meta.append(item.time_label)
    meta.append(f"source {event.source}")
    if item.url:
        meta.append(item.url)
    lines.append(paint(DIM, "    " + " · ".join(meta)))
    return "\n".join(lines)


class ConsoleSink:
    """Writes each alert to a text stream as it arrives."""

    def __init__(self, stream: TextIO, *, color: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.count = 0

    def emit(self, event: ItemEvent) -> None:
        self.stream.write(format_event(event, color=self.color) + "\n")
        self.stream.flush()
        self.count += 1

    def note(self, text: str, *, when: datetime | None = None) -> None:
        """A line about the watcher itself (baseline taken, source failing), dimmed."""
        stamp = (when or datetime.now(UTC)).astimezone(AMSTERDAM).strftime("%H:%M:%S")
        line = f"{stamp} {text}"
        self.stream.write((f"{DIM}{line}{RESET}" if self.color else line) + "\n")
        self.stream.flush()
