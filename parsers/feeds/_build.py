"""Raw feed entries to `Item`s: text cleaning, datelines, absolute links, identity, de-duplication."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsers.datelines import match_dateline
from parsers.feeds._entry import RawEntry, RawFeed
from parsers.feeds._text import bound, html_to_text
from parsers.identity import canonical_url, content_hash, normalize_space, text_uid
from parsers.models import Item

__all__ = ["absolute_url", "build_items", "feed_item_uid"]

_ARTICLE_NUMBER = re.compile(r"\d{5,}")
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "mc_", "wt.", "wt_")
_SCRIPT = re.compile(r"(?:^|\.)(?:php\d?|aspx?|jsp|cfm|cgi|pl|py)$", re.I)
_TRACKING = frozenset({
    "source", "ref", "ref_src", "referrer", "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "cmp",
    "cmpid", "icid", "ito", "xtor", "ocid", "rss", "feed", "from", "src", "share", "partner", "_ga",
})  # fmt: skip


def absolute_url(link: str | None, base: str | None) -> str | None:
    """`link` resolved against `base`; None unless the result is an http(s) URL that parses."""
    if not link or not link.strip():
        return None
    link = normalize_space(link)
    try:
        if base:
            link = urljoin(base, link)
        parts = urlsplit(link)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return link


def _is_date(digits: str) -> bool:
    """YYYYMMDD or YYYYMM: a date folder, not an article number."""
    if len(digits) not in (6, 8):
        return False
    year, month = int(digits[:4]), int(digits[4:6])
    day = int(digits[6:]) if len(digits) == 8 else 1
    return 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _article_uid(url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    for segment in reversed(parts.path.split("/")):
        if _ARTICLE_NUMBER.fullmatch(segment) and not _is_date(segment):
            return f"{host}#{segment}"
    return None


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING or key.startswith(_TRACKING_PREFIXES)


def _url_uid(url: str) -> str:
    """`canonical_url`; but when the path is a script or a folder (`/news.php?id=123`, `/?p=42`) the query
    names the article, so its parameters stay, minus the tracking ones."""
    parts = urlsplit(url)
    last = parts.path.rsplit("/", 1)[-1]
    if last and not _SCRIPT.search(last):
        return canonical_url(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = sorted((key, value) for key, value in query if not _is_tracking(key))
    base = canonical_url(url)
    return f"{base}?{urlencode(kept)}" if kept else base


def feed_item_uid(
    url: str | None, guid: str | None, place: str | None, agencies: tuple[str, ...], text: str
) -> str:
    """The link's article number, else its canonical URL, else the GUID, else the text (see `text_uid`)."""
    if url:
        return _article_uid(url) or _url_uid(url)
    if guid and (guid := normalize_space(guid)):
        return f"guid:{guid}"
    return text_uid(place, agencies, text)


def _item(entry: RawEntry, base: str | None) -> Item | None:
    title = html_to_text(entry.title) or None
    text = html_to_text(entry.body)
    place: str | None = None
    agencies: tuple[str, ...] = ()
    if text and (dateline := match_dateline(text, 0)) is not None:
        place, agencies = dateline.place, dateline.agencies
        text = text[dateline.end :].lstrip()
    text = bound(text)
    if not title and not text:
        return None
    url = absolute_url(entry.link, base)
    return Item(
        uid=feed_item_uid(url, entry.guid, place, agencies, text),
        place=place,
        agencies=agencies,
        title=title,
        text=text,
        url=url,
        published_at=entry.published_at,
        time_label=normalize_space(entry.date_label) if entry.date_label else None,
        content_hash=content_hash(title, text),
    )


def build_items(feed: RawFeed, base_url: str | None) -> list[Item]:
    """Items in feed order; entries without title and text are dropped; of duplicate uids the first stays."""
    base = absolute_url(base_url, None) or absolute_url(feed.base, None)
    items: list[Item] = []
    seen: set[str] = set()
    for entry in feed.entries:
        item = _item(entry, base)
        if item is not None and item.uid not in seen:
            seen.add(item.uid)
            items.append(item)
    return items
