"""Plain records that storage hands to the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from parsers.models import Item

__all__ = ["EventKind", "ItemEvent", "PollOutcome", "SourceState", "Subscription", "SubscriptionMode"]

EventKind = Literal["new", "updated"]
SubscriptionMode = Literal["all", "filtered"]


@dataclass(frozen=True, slots=True)
class ItemEvent:
    """A poll found this item for the first time (`new`) or found it edited (`updated`)."""

    kind: EventKind
    source: str
    item: Item
    version: int  # 1 for a new item, +1 for every real edit


@dataclass(frozen=True, slots=True)
class Subscription:
    """What one destination wants to receive.

    `destination` is an opaque key owned by the platform adapters (e.g. `telegram:-1001234:56`,
    `discord:987654321`, `console`). Keywords are kept as the user typed them; the matcher normalises.
    """

    id: int
    destination: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    mode: SubscriptionMode = "filtered"
    paused: bool = False


@dataclass(frozen=True, slots=True)
class SourceState:
    """What storage remembers about one source between polls. Timestamps are aware UTC; None = never."""

    name: str
    url: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header exactly as the server sent it
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None  # latest 200 or 304
    last_page_at: datetime | None = None  # latest poll whose page was applied
    consecutive_failures: int = 0
    last_error: str | None = None
    baselined: bool = False  # the first non-empty page has been stored (silently, unless baseline=False)
    last_item_count: int | None = None  # distinct items on the latest applied page
    next_poll_after: datetime | None = None  # set by the scheduler through `schedule_next_poll`


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one `apply_poll` changed. `events` are in page order; a seeding poll has none.

    `problem` is set when the page was refused (e.g. it suddenly had no items): nothing was stored and the
    source's failure count went up.
    """

    source: str
    events: list[ItemEvent] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    seeded: bool = False
    problem: str | None = None
