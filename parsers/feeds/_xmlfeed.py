"""RSS 0.9x/1.0/2.0 and Atom through feedparser, which copes with broken XML and encodings."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import feedparser  # type: ignore[import-untyped, unused-ignore]  # ships no type information

from parsers.errors import NotFeedError
from parsers.feeds._dates import from_localised_rfc822, from_struct
from parsers.feeds._entry import RawEntry, RawFeed
from parsers.feeds._sniff import describe_start, looks_like_xml_feed

__all__ = ["read_xml_feed"]


def _field(entry: Any, key: str) -> Any:
    """`entry[key]` as stored: FeedParserDict's own lookup maps missing keys to others and warns about it."""
    return dict.get(entry, key) if isinstance(entry, dict) else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _date(entry: Any) -> tuple[str | None, datetime | None]:
    """The raw published (else updated) date and its UTC instant, with a fallback for localised names."""
    first: str | None = None
    for key in ("published", "updated"):
        label = _string(_field(entry, key))
        if label is None:
            continue
        label = label.strip()
        first = first or label
        moment = from_struct(_field(entry, f"{key}_parsed")) or from_localised_rfc822(label)
        if moment is not None:
            return label, moment
    return first, None


def _body(entry: Any) -> str | None:
    if summary := _string(_field(entry, "summary")):
        return summary
    for content in _field(entry, "content") or ():
        if value := _string(_field(content, "value")):
            return value
    return None


def _entry(entry: Any) -> RawEntry:
    label, moment = _date(entry)
    return RawEntry(
        title=_string(_field(entry, "title")),
        body=_body(entry),
        # FeedBurner wraps links in a redirect and keeps the publisher's own link beside it.
        link=_string(_field(entry, "feedburner_origlink")) or _string(_field(entry, "link")),
        guid=_string(_field(entry, "id")),
        date_label=label,
        published_at=moment,
    )


def read_xml_feed(raw: bytes, base_url: str | None) -> RawFeed:
    """The entries of an RSS/RDF/Atom document; anything feedparser does not see as a feed raises."""
    headers = {"content-location": base_url} if base_url else None
    try:
        # A stream, never bytes or str: feedparser would try bytes as a file name and str as a URL.
        parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers)
    except Exception as exc:  # feedparser's loose parser can fail in many ways on garbage
        raise NotFeedError(f"not a feed: feedparser failed ({type(exc).__name__}: {exc})") from exc
    entries = _field(parsed, "entries") or []
    sniffed = looks_like_xml_feed(raw)
    if not sniffed and not _field(parsed, "version"):
        start = describe_start(raw)
        raise NotFeedError(f"not a feed: no RSS, RDF or Atom root element; it starts with {start}")
    if not _field(parsed, "version") and not entries:
        reason = str(_field(parsed, "bozo_exception") or "no channel or entries found").splitlines()[0]
        raise NotFeedError(f"not a feed: {reason}")
    feed = _field(parsed, "feed") or {}
    return RawFeed(tuple(_entry(entry) for entry in entries), base_url or _string(_field(feed, "link")))
