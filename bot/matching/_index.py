"""`MatchIndex`: which of many subscriptions want an item, without looping over the subscriptions.

One Aho-Corasick automaton holds the padded pattern of every keyword of every active subscription; one pass of
`iter()` over the item's folded text yields the patterns present (the padding makes every hit a whole-word
hit, so there is no boundary to check afterwards and no need for `iter_long`, which drops matches). Plain maps
then lead from a pattern, a country or a source to subscription ids. The work per item grows with the hits
and the size of the answer, not with the number of subscriptions. The maps change at once on `add`, `remove`
and `replace`; the automaton is rebuilt lazily, on the first `match` after a change brought a pattern it
lacks. Not thread-safe: use it from one thread or task.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
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

    @property
    def scopes(self) -> tuple[str | None, ...]:
        """The sources it is filed under; None stands for every source."""
        return tuple(self.sources) if self.sources else (None,)


def _entry(sub: Subscription) -> _Entry:
    filtered = sub.mode != "all"
    return _Entry(
        include=patterns(sub.include) if filtered else (),
        exclude=patterns(sub.exclude),
        countries=norm_countries(sub.countries) if filtered else frozenset(),
        sources=norm_sources(sub.sources),
    )


def _needs(sub: Subscription) -> tuple[bool, bool]:
    """(needs a keyword, needs a country). A keyword list that compiles to nothing still needs a keyword."""
    filtered = sub.mode != "all"
    return filtered and bool(sub.include), filtered and bool(sub.countries)


class _Table(dict[Hashable, set[int]]):
    """key -> ids, with empty sets dropped."""

    def file(self, key: Hashable, sub_id: int) -> None:
        ids = self.get(key)
        if ids is None:
            self[key] = {sub_id}
        else:
            ids.add(sub_id)

    def unfile(self, key: Hashable, sub_id: int) -> None:
        ids = self[key]
        ids.discard(sub_id)
        if not ids:
            del self[key]


class MatchIndex:
    """Every subscription, filed so that one item finds the ones that want it.

    How an active subscription is filed depends on what it needs, so that most answers are set unions:
    keyword-only ones under (source or None, pattern), country-only ones under (source or None, country),
    ones that need both under the pattern and the country (the two hits are intersected, then the sources
    checked), and ones that take everything under their sources or None. Exclusions are filed by pattern and
    subtracted last.
    """

    def __init__(self, subscriptions: Iterable[Subscription] = ()) -> None:
        self._subs: dict[int, Subscription] = {}
        self._entries: dict[int, _Entry] = {}  # active (not paused) subscriptions only
        self._keyword_only = _Table()  # (source | None, pattern) -> ids
        self._country_only = _Table()  # (source | None, code) -> ids
        self._both_keyword = _Table()  # pattern -> ids that also need a country
        self._both_country = _Table()  # code -> ids that also need a keyword
        self._exclude = _Table()  # pattern -> ids
        self._everything = _Table()  # source | None -> ids
        self._pattern_uses: dict[str, int] = {}
        self._built: frozenset[str] = frozenset()  # the patterns in the automaton
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
        if not sub.paused:
            entry = _entry(sub)
            self._entries[sub.id] = entry
            self._file(sub, entry, add=True)

    def remove(self, sub_id: int) -> None:
        """Forget a subscription; `KeyError` if it is not here."""
        sub = self._subs.pop(sub_id)
        entry = self._entries.pop(sub_id, None)
        if entry is not None:
            self._file(sub, entry, add=False)

    def replace(self, sub: Subscription) -> None:
        """File `sub` in place of the subscription with its id (or add it if there is none)."""
        if sub.id in self._subs:
            self.remove(sub.id)
        self.add(sub)

    def _file(self, sub: Subscription, entry: _Entry, *, add: bool) -> None:
        """File (or unfile) an active subscription in every table it belongs in."""
        sub_id = sub.id
        needs_keyword, needs_country = _needs(sub)
        filings: list[tuple[_Table, Hashable]] = [(self._exclude, p) for p in entry.exclude]
        if needs_keyword and needs_country:
            filings += [(self._both_keyword, p) for p in entry.include]
            filings += [(self._both_country, c) for c in entry.countries]
        elif needs_keyword:
            filings += [(self._keyword_only, (s, p)) for s in entry.scopes for p in entry.include]
        elif needs_country:
            filings += [(self._country_only, (s, c)) for s in entry.scopes for c in entry.countries]
        else:
            filings += [(self._everything, s) for s in entry.scopes]
        for table, key in filings:
            if add:
                table.file(key, sub_id)
            else:
                table.unfile(key, sub_id)
        # Count each pattern once per subscription, however many tables it is filed in.
        for pattern in set(entry.include if needs_keyword else ()) | set(entry.exclude):
            uses = self._pattern_uses.get(pattern, 0) + (1 if add else -1)
            if uses:
                self._pattern_uses[pattern] = uses
                self._stale |= pattern not in self._built
            else:
                # Left in the automaton until the next rebuild; its hits then find no ids.
                del self._pattern_uses[pattern]

    def rebuild(self) -> None:
        """Build the automaton now instead of on the next `match` (for timing, or to warm up)."""
        self._built = frozenset(self._pattern_uses)
        if not self._built:
            self._automaton = None
        else:
            automaton = ahocorasick.Automaton()
            for pattern in self._built:
                automaton.add_word(pattern, pattern)
            automaton.make_automaton()
            self._automaton = automaton
        self._stale = False

    def match(self, item: Item, source: str) -> list[int]:
        """Ids of the subscriptions that want `item` from `source`, sorted."""
        if self._stale:
            self.rebuild()
        src = norm_source(source)
        found: set[int] = set()
        excluded: set[int] = set()
        both_keyword: set[int] = set()
        if self._automaton is not None:
            hits = {pattern for _end, pattern in self._automaton.iter(item_text(item))}
            for pattern in hits:
                for key in ((None, pattern), (src, pattern)):
                    if ids := self._keyword_only.get(key):
                        found |= ids
                if ids := self._both_keyword.get(pattern):
                    both_keyword |= ids
                if ids := self._exclude.get(pattern):
                    excluded |= ids
        both_country: set[int] = set()
        for code in norm_countries(item.countries):
            for key in ((None, code), (src, code)):
                if ids := self._country_only.get(key):
                    found |= ids
            if ids := self._both_country.get(code):
                both_country |= ids
        for sub_id in both_keyword & both_country:
            sources = self._entries[sub_id].sources
            if not sources or src in sources:
                found.add(sub_id)
        for everything in (None, src):
            if ids := self._everything.get(everything):
                found |= ids
        found -= excluded
        return sorted(found)
