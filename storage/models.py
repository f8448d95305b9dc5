"""Plain records that storage hands to the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from parsers.models import Item

__all__ = [
    "Destination",
    "EditPolicy",
    "EventKind",
    "ItemEvent",
    "Language",
    "MessageStyle",
    "OutboxRow",
    "OutboxStatus",
    "PollOutcome",
    "SourceState",
    "Subscription",
    "SubscriptionMode",
]

EventKind = Literal["new", "updated"]
SubscriptionMode = Literal["all", "filtered"]
Language = Literal["nl", "en"]
MessageStyle = Literal["full", "compact"]
EditPolicy = Literal["edit", "new", "ignore"]
OutboxStatus = Literal["pending", "sending", "sent", "failed", "expired", "dropped"]


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


@dataclass(frozen=True, slots=True)
class Destination:
    """A place alerts go to: a Telegram chat (or forum topic), a Discord channel, the console.

    `key` is the opaque string the adapters own (`telegram:-1001234`, `telegram:-1001234:56`,
    `discord:987654321`, `console`); `chat_id` and `thread_id` are its parts. `edit_policy` says what an edit
    at the source does: `edit` the message already sent, send a `new` one, or `ignore` it. A destination with
    a `disabled_reason` gets nothing until it is enabled again; a `paused` one keeps its settings but gets no
    new alerts.
    """

    id: int
    key: str
    platform: str
    chat_id: str
    thread_id: str | None = None
    guild_id: str | None = None
    language: Language = "nl"
    style: MessageStyle = "full"
    edit_policy: EditPolicy = "edit"
    paused: bool = False
    disabled_reason: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    mention_role: str | None = None  # a role the alerts mention when one of `mention_keywords` matches
    mention_keywords: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """Neither paused nor disabled."""
        return not self.paused and self.disabled_reason is None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One alert for one destination: an item version, its delivery state and the platform's message ref.

    `event` is the snapshot taken when the row was queued, so delivery never needs the item row (which may have
    been pruned). `reason` says why the row is where it is (`sent`, `digest`, `edited`, `superseded by v3`,
    `destination gone: ...`); `plain` asks the next attempt for the plainest form (after a rejected message),
    `as_new` asks for a new message instead of an edit (after a rejected edit).
    """

    id: int
    destination_id: int
    destination: str  # the destination's key at the time the row was read
    event: ItemEvent
    status: OutboxStatus
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    reason: str | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    finished_at: datetime | None = None  # when it reached a terminal state
    sent_ref: str | None = None
    plain: bool = False
    as_new: bool = False

    @property
    def source(self) -> str:
        return self.event.source

    @property
    def uid(self) -> str:
        return self.event.item.uid

    @property
    def version(self) -> int:
        return self.event.version

    @property
    def kind(self) -> EventKind:
        return self.event.kind
