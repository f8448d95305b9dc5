"""Stable identity and edit detection for items.

An item's `uid` must survive everything a live list does to it: the time label ageing, whitespace and NBSP
changes, reordering, small edits at the end of the lead. Its `content_hash` changes only on a real edit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from parsers.models import Item

__all__ = ["canonical_url", "content_hash", "fold", "normalize_space", "text_uid", "unique_by_uid"]

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[\"'“‘(]?[A-ZÀ-Þ0-9])")
OPENING_WORDS = 12


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (NBSP, thin spaces, newlines) to one space and trim."""
    if not text.isascii():  # zero-width spaces, BOMs and soft hyphens go; NBSP and the like are spaces
        text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    return " ".join(text.split())  # `str.split()` splits on exactly the characters `\s` matches


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form of `text`, for comparisons and hashes."""
    folded = normalize_space(text).casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return _NON_ASCII.sub(_drop_combining, decomposed) if not decomposed.isascii() else decomposed


def _drop_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def canonical_url(url: str) -> str:
    """`url` without query or fragment, scheme and host lower-cased, default port dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, "", ""))


def text_uid(place: str | None, agencies: tuple[str, ...], lead: str, *, whole: bool = False) -> str:
    """Identity of an item without a link: its place, agencies and the opening words of its lead.

    The opening words are those of the first sentence, at most `OPENING_WORDS`, so a sentence appended to a
    short lead is an edit, not a new story. `whole=True` hashes every word: for telling apart two different
    stories on one page that open with the same words.
    """
    if whole:
        words = _WORD.findall(fold(lead))
    else:
        head = lead[:400]
        end = _SENTENCE_END.search(head)
        words = _WORD.findall(fold(head[: end.start() + 1] if end else head))[:OPENING_WORDS]
    key = "|".join([_fold_name(place or ""), "/".join(_fold_name(a) for a in agencies), " ".join(words)])
    return "h:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=4096)
def _fold_name(name: str) -> str:
    """`fold` for places and agencies, which repeat from item to item."""
    return fold(name)


def content_hash(title: str | None, lead: str) -> str:
    """Changes when the title or the lead is edited, not when only whitespace changes."""
    key = normalize_space(title or "") + "\n" + normalize_space(lead)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def unique_by_uid(items: list[Item]) -> list[Item]:
    """One item per uid, in order. A repeat with the same content is dropped; a different story that
    happens to share a text uid (same place, agencies and opening words) gets a uid of its whole lead."""
    seen: dict[str, str] = {}
    result = []
    for item in items:
        if item.uid in seen:
            if seen[item.uid] == item.content_hash or not item.uid.startswith("h:"):
                continue
            item = replace(item, uid=text_uid(item.place, item.agencies, item.text, whole=True))
            if item.uid in seen:
                continue
        seen[item.uid] = item.content_hash
        result.append(item)
    return result
