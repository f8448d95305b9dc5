"""`/test TEXT`: the news item a piece of typed text would be, so the matcher can say whether it alerts a chat."""

from __future__ import annotations

from parsers.countries import tag_item
from parsers.datelines import match_dateline
from parsers.identity import content_hash, normalize_space, text_uid
from parsers.models import Item

__all__ = ["item_from_text"]


def item_from_text(text: str) -> Item:
    """An item with the text as its lead; a dateline at the start (`KYIV (ANP) - ...`) gives its place and
    agencies, and its countries are tagged as a polled item's would be."""
    text = normalize_space(text)
    dateline = match_dateline(text)
    place: str | None = None
    agencies: tuple[str, ...] = ()
    lead = text
    if dateline is not None and dateline.end < len(text):
        place, agencies, lead = dateline.place, dateline.agencies, text[dateline.end :]
    item = Item(
        uid=text_uid(place, agencies, lead),
        place=place,
        agencies=agencies,
        title=None,
        text=lead,
        url=None,
        published_at=None,
        time_label=None,
        content_hash=content_hash(None, lead),
    )
    return tag_item(item)
