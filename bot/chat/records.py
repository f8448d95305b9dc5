"""What the chat commands answer with: plain records a platform renders in its own words and markup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.matching import Explanation
from parsers.models import Item
from storage.models import Destination, SourceState, Subscription

__all__ = [
    "CONFIG_CREATOR",
    "ChatSettings",
    "FilterList",
    "HealthNotice",
    "ListAction",
    "ListChange",
    "Probe",
    "StaticSubscription",
    "Status",
    "Subscribed",
]

CONFIG_CREATOR = "config"  # `created_by` of the destinations the config file sets up
FilterList = Literal["include", "exclude", "countries"]
ListAction = Literal["add", "remove", "clear"]


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A destination and its subscription (None when it never subscribed)."""

    destination: Destination
    subscription: Subscription | None

    @property
    def active(self) -> bool:
        """Subscribed and not stopped or disabled (it may be paused)."""
        return self.subscription is not None and self.destination.disabled_reason is None

    @property
    def managed_by_config(self) -> bool:
        return self.destination.created_by == CONFIG_CREATOR


@dataclass(frozen=True, slots=True)
class Subscribed:
    """What `/start` did: `created` a new subscription, `reenabled` a stopped one, or neither (already on)."""

    settings: ChatSettings
    created: bool
    reenabled: bool
    resumed: bool


@dataclass(frozen=True, slots=True)
class ListChange:
    """A change to one filter list: what was added, removed, or asked for but not there; the list after."""

    field: FilterList
    action: ListAction
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()  # added but already there, or removed but not there
    current: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Probe:
    """`/test`: the item built from the text and whether (and why) this chat would get it."""

    item: Item
    source: str
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Status:
    """`/status`: every source's health, and this chat's subscription and waiting alerts."""

    sources: tuple[SourceState, ...]
    settings: ChatSettings | None
    queued: int


@dataclass(frozen=True, slots=True)
class StaticSubscription:
    """A destination the config file sets up, with its key resolved."""

    key: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    mode: Literal["all", "filtered"] = "filtered"
    language: Literal["nl", "en"] = "nl"
    mention_role: str | None = None
    mention_keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HealthNotice:
    """A source started failing (`failures` polls in a row) or recovered."""

    source: str
    kind: Literal["failing", "recovered"]
    failures: int
    error: str | None = None
