"""What both ways of finding items use: the "read more" and list-heading patterns, usable links and exact
`<time>` values."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from urllib.parse import urljoin, urlsplit

from parsers.times import LOCAL_ZONE

__all__ = ["LIST_HEADING", "READ_MORE", "absolute", "exact_datetime"]

READ_MORE = re.compile(
    r"[\s\-–—|·•»›>]*(?i:lees (?:meer|verder)|meer lezen|read more|continue reading|weiterlesen)[\s»›>…→.]*$"
)
# what a list of items is called, never the title of one ("Meer uit Buitenland", the source's own)
LIST_HEADING = re.compile(
    r"(?i:meer (?:uit|over) \w+(?: \w+)?|meer nieuws|net binnen|laatste nieuws|ander nieuws|ook interessant"
    r"|gerelateerd(?:e artikelen)?|more (?:from|in) \w+(?: \w+)?|more news|latest news|related(?: articles)?"
    r"|mehr (?:aus|zu) \w+(?: \w+)?|neueste nachrichten)[\s:]*"
)
_SHARE = re.compile(r"(?i)^(?:#|javascript:|mailto:|tel:|whatsapp:)|sharer|/intent/|/share\b|wa\.me/")


def absolute(href: str, base_url: str | None) -> str | None:
    """`href` as an absolute http(s) URL; None for anchors, share buttons and other schemes."""
    href = href.strip()
    if not href or _SHARE.search(href):
        return None
    try:
        url = urljoin(base_url, href) if base_url else href
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def exact_datetime(value: str, zone: tzinfo = LOCAL_ZONE) -> datetime | None:
    """A `<time datetime>` value with a time of day, in UTC (wall time in `zone` when it has no offset)."""
    value = value.strip()
    if len(value) < 16:
        return None  # a date alone says nothing exact
    if not value.endswith("Z"):
        value = value.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").strip()  # "...+02:00CET"
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
