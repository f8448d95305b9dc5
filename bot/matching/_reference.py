"""The plain rule for one subscription: the reference `MatchIndex` must agree with, and the base of `explain`."""

from __future__ import annotations

from collections.abc import Iterable

from bot.matching._text import keyword_pattern, padded
from parsers.models import Item
from storage.models import Subscription

__all__ = ["item_text", "matches", "norm_countries", "norm_source", "norm_sources", "patterns"]


def norm_source(source: str) -> str:
    return source.strip().casefold()


def norm_sources(sources: Iterable[str]) -> frozenset[str]:
    return frozenset(norm_source(s) for s in sources)


def norm_countries(codes: Iterable[str]) -> frozenset[str]:
    return frozenset(code.strip().upper() for code in codes)


def patterns(keywords: Iterable[str]) -> tuple[str, ...]:
    """The distinct patterns of `keywords`, dropping those that can never match."""
    found = (keyword_pattern(k) for k in keywords)
    return tuple(dict.fromkeys(p for p in found if p is not None))


def item_text(item: Item) -> str:
    """Title and lead in searchable form. The double space between them keeps phrases from spanning both."""
    return padded(item.title) + padded(item.text)


def mentions(keywords: tuple[str, ...], title: str | None, text: str) -> bool:
    """Whether any of `keywords` (chat syntax) is in `title` or `text`, by the same rules as the filters."""
    haystack = padded(title) + padded(text)
    return any(p in haystack for p in patterns(keywords))


def matches(item: Item, source: str, sub: Subscription) -> bool:
    """Whether `sub` wants `item` from `source`, checked directly (one subscription, no index)."""
    if sub.paused:
        return False
    if sub.sources and norm_source(source) not in norm_sources(sub.sources):
        return False
    text = item_text(item)
    if any(p in text for p in patterns(sub.exclude)):
        return False
    if sub.mode == "all":
        return True
    if sub.include and not any(p in text for p in patterns(sub.include)):
        return False
    return not (sub.countries and not norm_countries(sub.countries) & norm_countries(item.countries))
