"""Plain records that storage hands to the layers above."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from parsers.models import Item

__all__ = ["EventKind", "ItemEvent", "Subscription", "SubscriptionMode"]

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
