"""Turn a fetched body into tagged items, by the source's kind (or by sniffing, for `wirewatch parse`)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from parsers.countries import tag_item
from parsers.deadline import NEVER, Deadline
from parsers.errors import NotHtmlError, ParseError
from parsers.feeds import looks_like_feed, parse_feed
from parsers.models import Item
from parsers.pages import Selectors, looks_like_html, parse_wire_page
from parsers.times import LOCAL_ZONE

__all__ = ["extract_items"]


def extract_items(
    body: bytes,
    text: str,
    *,
    now: datetime,
    base_url: str | None,
    kind: str | None = None,
    selectors: Selectors | None = None,
    zone: tzinfo = LOCAL_ZONE,
    deadline: float | None = None,
) -> list[Item]:
    """Parse and tag. `kind` is "wire-page", "feed", or "auto"/None to sniff. Raises `ParseError` for a wrong body
    (`ParseTimeout` past `deadline`, a `time.monotonic()` reading). `zone`: the source's time zone, for clock
    labels (a feed's dates carry their own offsets)."""
    if kind in (None, "auto"):
        if looks_like_feed(body):
            kind = "feed"
        elif looks_like_html(body):
            kind = "wire-page"
        else:
            raise NotHtmlError("the body is neither an HTML page nor an RSS, Atom or JSON feed")
    clock = NEVER if deadline is None else Deadline(deadline)
    if kind == "feed":
        items = parse_feed(body, now=now, base_url=base_url)  # feedparser is one call: looked at after it
        clock.check("reading the feed")
    elif kind == "wire-page":
        items = parse_wire_page(
            text, now=now, base_url=base_url, selectors=selectors, deadline=deadline, zone=zone
        )
    else:
        raise ParseError(f"unknown source kind {kind!r}")
    tagged = []
    for item in items:
        clock.tick("tagging countries")
        tagged.append(tag_item(item))
    return tagged
