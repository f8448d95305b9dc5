"""A small JSON Feed (https://jsonfeed.org, versions 1 and 1.1) reader."""

from __future__ import annotations

import json
import re
from typing import Any

from parsers.errors import NotFeedError
from parsers.feeds._dates import from_iso
from parsers.feeds._entry import RawEntry, RawFeed
from parsers.feeds._text import html_to_text

__all__ = ["read_json_feed"]

_VERSION = re.compile(r"https?://jsonfeed\.org/version/", re.I)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _entry(item: dict[str, Any]) -> RawEntry:
    body = _string(item.get("content_text")) or _string(item.get("summary"))
    if body is None and (content_html := _string(item.get("content_html"))):
        body = html_to_text(content_html)
    guid = item.get("id")
    if isinstance(guid, int | float) and not isinstance(guid, bool):
        guid = str(guid)
    label = _string(item.get("date_published")) or _string(item.get("date_modified"))
    return RawEntry(
        title=_string(item.get("title")),
        body=body,
        link=_string(item.get("url")) or _string(item.get("external_url")),
        guid=_string(guid),
        date_label=label.strip() if label else None,
        published_at=from_iso(label) if label else None,
    )


def read_json_feed(raw: bytes) -> RawFeed:
    """The entries of a JSON Feed document; anything else raises `NotFeedError`."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise NotFeedError(f"not a feed: invalid JSON ({type(exc).__name__})") from exc
    if not isinstance(doc, dict):
        raise NotFeedError("not a feed: the JSON document is not an object")
    version = doc.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise NotFeedError("not a feed: JSON without a jsonfeed.org version")
    items = doc.get("items", [])
    if not isinstance(items, list):
        raise NotFeedError("not a feed: JSON Feed 'items' is not a list")
    base = _string(doc.get("feed_url")) or _string(doc.get("home_page_url"))
    return RawFeed(tuple(_entry(item) for item in items if isinstance(item, dict)), base)
