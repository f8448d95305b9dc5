"""`MatchIndex`: which of many subscriptions want an item, without looping over the subscriptions.

One Aho-Corasick automaton holds the padded pattern of every keyword of every active subscription; a pass of
`iter()` over the item's folded text yields the patterns present (padding makes each hit a whole-word hit, so
no `iter_long`, which drops matches). Plain maps then lead from a pattern to the subscriptions that include or
exclude it, from a country to the subscriptions that follow it, and from a source to the subscriptions that
take everything from it. The work per item grows with the hits and the size of the answer, not with the
number of subscriptions. The automaton is rebuilt lazily, on the first `match` after a change that added a
pattern it lacks; the maps are kept up to date at once. Not thread-safe: use it from one thread or task.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from bot.matching._reference import item_text, norm_countries, norm_source, norm_sources, patterns
from parsers.models import Item
from storage.models import Subscription

__all__ = ["MatchIndex"]


@dataclass(frozen=True, slots=True)
class _Entry:
    """An active subscription as the index files it."""

    include: tuple[str, ...]  # patterns; empty for mode "all", whose keywords do not count
    exclude: tuple[str, ...]
    countries: frozenset[str]  # empty for mode "all"
    sources: frozenset[str]
    needs_keyword: bool
    needs_country: bool

    @property
    def takes_everything(self) -> bool:
        return not (self.needs_keyword or self.needs_country)


def _entry(sub: Subscription) -> _Entry:
    filtered = sub.mode != "all"
    return _Entry(
        include=patterns(sub.include) if filtered else (),
        exclude=patterns(sub.exclude),
        countries=norm_countries(sub.countries) if filtered else frozenset(),
        sources=norm_sources(sub.sources),
        needs_keyword=filtered and bool(sub.include),
        needs_country=filtered and bool(sub.countries),
    )


def _file(table: dict[str, set[int]], key: str, sub_id: int) -> bool:
    """Add `sub_id` under `key`; True when `key` is new."""
    ids = table.get(key)
    if ids is None:
        table[key] = {sub_id}
        return True
    ids.add(sub_id)
    return False


def _unfile(table: dict[str, set[int]], key: str, sub_id: int) -> None:
    ids = table[key]
    ids.discard(sub_id)
    if not ids:
        del table[key]


class MatchIndex:
    """Every subscription, filed so that one item finds the ones that want it."""

    def __init__(self, subscriptions: Iterable[Subscription] = ()) -> None:
        self._subs: dict[int, Subscription] = {}
        self._entries: dict[int, _Entry] = {}  # active (not paused) subscriptions only
        self._include: dict[str, set[int]] = {}
        self._exclude: dict[str, set[int]] = {}
        self._by_country: dict[str, set[int]] = {}
        self._everything_any: set[int] = set()  # take everything, from every source
        self._everything_by_source: dict[str, set[int]] = {}
        self._automaton: ahocorasick.Automaton | None = None
        self._stale = False
        for sub in subscriptions:
            self.add(sub)

    def __len__(self) -> int:
        return len(self._subs)

    def __contains__(self, sub_id: object) -> bool:
        return sub_id in self._subs

    def add(self, sub: Subscription) -> None:
        """File a new subscription; `ValueError` if its id is already here (use `replace`)."""
        if sub.id in self._subs:
            raise ValueError(f"subscription {sub.id} is already in the index; use replace()")
        self._subs[sub.id] = sub
        if sub.paused:
            return
        entry = _entry(sub)
        self._entries[sub.id] = entry
        new_pattern = False
        for pattern in entry.include:
            new_pattern |= _file(self._include, pattern, sub.id) and pattern not in self._exclude
        for pattern in entry.exclude:
            new_pattern |= _file(self._exclude, pattern, sub.id) and pattern not in self._include
        self._stale |= new_pattern
        for code in entry.countries:
            _file(self._by_country, code, sub.id)
        if entry.takes_everything:
            if entry.sources:
                for source in entry.sources:
                    _file(self._everything_by_source, source, sub.id)
            else:
                self._everything_any.add(sub.id)

    def remove(self, sub_id: int) -> None:
        """Forget a subscription; `KeyError` if it is not here."""
        del self._subs[sub_id]
        entry = self._entries.pop(sub_id, None)
        if entry is None:
            return
        # A pattern nobody uses any more stays in the automaton until the next rebuild; its hits find no ids.
        for pattern in entry.include:
            _unfile(self._include, pattern, sub_id)
        for pattern in entry.exclude:
            _unfile(self._exclude, pattern, sub_id)
        for code in entry.countries:
            _unfile(self._by_country, code, sub_id)
        if entry.takes_everything:
            if entry.sources:
                for source in entry.sources:
                    _unfile(self._everything_by_source, source, sub_id)
            else:
                self._everything_any.discard(sub_id)

    def replace(self, sub: Subscription) -> None:
        """File `sub` in place of the subscription with its id (or add it if there is none)."""
        if sub.id in self._subs:
            self.remove(sub.id)
        self.add(sub)

    def rebuild(self) -> None:
        """Build the automaton now instead of on the next `match` (for timing, or to warm up)."""
        keys = self._include.keys() | self._exclude.keys()
        if not keys:
            self._automaton = None
        else:
            automaton = ahocorasick.Automaton()
            for pattern in keys:
                automaton.add_word(pattern, pattern)
            automaton.make_automaton()
            self._automaton = automaton
        self._stale = False

    def match(self, item: Item, source: str) -> list[int]:
        """Ids of the subscriptions that want `item` from `source`, sorted."""
        if self._stale:
            self.rebuild()
        included: set[int] = set()
        excluded: set[int] = set()
        if self._automaton is not None:
            seen: set[str] = set()
            for _end, pattern in self._automaton.iter(item_text(item)):
                if pattern in seen:
                    continue
                seen.add(pattern)
                if ids := self._include.get(pattern):
                    included |= ids
                if ids := self._exclude.get(pattern):
                    excluded |= ids
        by_country: set[int] = set()
        for code in norm_countries(item.countries):
            if ids := self._by_country.get(code):
                by_country |= ids
        src = norm_source(source)
        found: set[int] = set()
        for sub_id in included | by_country:
            entry = self._entries[sub_id]
            if entry.needs_keyword and sub_id not in included:
                continue
            if entry.needs_country and sub_id not in by_country:
                continue
            if entry.sources and src not in entry.sources:
                continue
            found.add(sub_id)
        found |= self._everything_any
        found |= self._everything_by_source.get(src, set())
        found -= excluded
        return sorted(found)
