"""Plain data passed between layers: what a parser makes of a page or feed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

__all__ = ["CountryEvidence", "Item", "iso_utc", "item_to_json"]


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    """Why an item was tagged with a country: which words, of what kind, where."""

    code: str  # ISO 3166-1 alpha-2
    kind: str  # dateline | name | adjective | demonym | capital | city | metonym | organisation
    text: str  # the words as they stand in the item
    start: int = -1  # offset in the text the tagger read, -1 for the dateline


@dataclass(frozen=True, slots=True)
class Item:
    """One news item as a source shows it at one moment.

    `uid` is stable across polls (never derived from the time label); `content_hash` changes only when the
    title or lead is really edited. `published_at` is timezone-aware UTC: for a relative label it is the latest
    moment the label allows, and `published_precision` (seconds) the width of the window the site floored
    to, so the item was published in `(published_at - precision, published_at]`.
    """

    uid: str
    place: str | None
    agencies: tuple[str, ...]
    title: str | None
    text: str
    url: str | None
    published_at: datetime | None
    time_label: str | None
    content_hash: str
    published_precision: int | None = None
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    evidence: tuple[CountryEvidence, ...] = field(default=(), compare=False)

    def with_tags(
        self, countries: tuple[str, ...], regions: tuple[str, ...], evidence: tuple[CountryEvidence, ...]
    ) -> Item:
        return replace(self, countries=countries, regions=regions, evidence=evidence)


def item_to_json(item: Item) -> dict[str, Any]:
    """The item as the CLI prints it (`wirewatch parse --format json`)."""
    return {
        "uid": item.uid,
        "place": item.place,
        "agencies": list(item.agencies),
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "published_at": iso_utc(item.published_at),
        "published_precision": item.published_precision,
        "time_label": item.time_label,
        "countries": list(item.countries),
        "regions": list(item.regions),
        "content_hash": item.content_hash,
    }


def iso_utc(moment: datetime | None) -> str | None:
    """`2026-11-27T11:52:00Z` for an aware UTC moment; None stays None."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")
