"""Test data factories: `parsers.models.Item`s shaped the way a parser makes them."""

from __future__ import annotations

from datetime import datetime

from parsers.identity import content_hash, text_uid
from parsers.models import CountryEvidence, Item

__all__ = ["build_item"]


def build_item(
    text: str,
    *,
    title: str | None = None,
    place: str | None = "DEN HAAG",
    agencies: tuple[str, ...] = ("ANP",),
    url: str | None = None,
    published_at: datetime | None = None,
    label: str | None = None,
    precision: int | None = None,
    countries: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    evidence: tuple[CountryEvidence, ...] = (),
    uid: str | None = None,
) -> Item:
    """An item whose lead is `text`; `label` and `precision` become `time_label` and `published_precision`.

    The content hash always comes from `parsers.identity.content_hash`. The uid is the text uid of place,
    agencies and lead unless `uid` is given: pass one made by `parsers.identity` (`canonical_url` for an item
    known by its link, or the `text_uid` of a story's first version for its edits).
    """
    return Item(
        uid=uid if uid is not None else text_uid(place, agencies, text),
        place=place,
        agencies=agencies,
        title=title,
        text=text,
        url=url,
        published_at=published_at,
        time_label=label,
        content_hash=content_hash(title, text),
        published_precision=precision,
        countries=countries,
        regions=regions,
        evidence=evidence,
    )
