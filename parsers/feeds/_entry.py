"""What the format readers hand over: one entry, still raw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["RawEntry", "RawFeed"]


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One feed entry as its format gives it: `title` and `body` may hold HTML, `link` may be relative."""

    title: str | None
    body: str | None
    link: str | None
    guid: str | None
    date_label: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class RawFeed:
    """The entries of one feed, in feed order, and the URL its relative links resolve against."""

    entries: tuple[RawEntry, ...]
    base: str | None
