"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed 1/1.1) to `Item`s.

RSS and Atom go through feedparser (from bytes, so it detects encodings; it never fetches anything), JSON Feed
through a small reader of our own. Identity rests on the link before the GUID, because GUID formats change
(NU.nl's did): the link's article number, else its canonical URL, else the GUID, else the text.
"""

from __future__ import annotations

from datetime import datetime

from parsers.errors import NotFeedError
from parsers.feeds._build import build_items
from parsers.feeds._jsonfeed import read_json_feed
from parsers.feeds._sniff import as_bytes, is_json, looks_like_feed
from parsers.feeds._xmlfeed import read_xml_feed
from parsers.models import Item

__all__ = ["looks_like_feed", "parse_feed"]


def parse_feed(data: bytes | str, *, now: datetime, base_url: str | None = None) -> list[Item]:
    """The items of a feed document, in feed order; `[]` for a feed without entries.

    `base_url` (where the feed was fetched) resolves relative links; without it the feed's own link does.
    Dates are kept as the feed states them, even in the future: `now` is only checked to be aware.
    Raises `NotFeedError` for anything that is not a feed (an HTML page, garbage, an empty body).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = as_bytes(data)
    if not raw.strip():
        raise NotFeedError("not a feed: the document is empty")
    feed = read_json_feed(raw) if is_json(raw) else read_xml_feed(raw, base_url)
    return build_items(feed, base_url)
