"""`MatchIndex`: which of many subscriptions want an item, without looping over the subscriptions.

One Aho-Corasick automaton holds the padded pattern of every keyword of every active subscription; one pass of
`iter()` over the item's folded text yields the patterns present (the padding makes every hit a whole-word
hit, so there is no boundary to check afterwards and no need for `iter_long`, which drops matches). Plain maps
then lead from a pattern, a country or a source to subscription ids. The work per item grows with the hits
and the size of the answer, not with the number of subscriptions.

Compact on purpose: the index keeps no `Subscription` and no object per subscription beyond one tuple, its
*record*, which lists where it is filed so that `remove` can take it out again. Patterns, country codes and
sources are interned, so every record and every table shares one string per distinct value; an id filed once
under a key is stored as the bare int, more than once in an `array` of 4-byte ints (8 if an id needs it).
What it holds is about 250 bytes per subscription plus about 300 per distinct pattern (most of that the
automaton's nodes); `benchmarks/bench_matching.py` measures it. The index keeps no object of the
subscriptions it is given (not even their ids), so a list of them can be freed whole after the build; a
generator keeps the peak down as well.

The automaton is built by the constructor and by `rebuild`. After that, changes never rebuild it at once:
the maps change on `add`, `remove` and `replace`, a pattern the automaton lacks is searched on its own
(`str.__contains__`) until more than `pending_limit` of them have come, and a removed pattern stays in the
automaton (its hits find no ids) until many have gone; the next `match` then rebuilds. Not thread-safe: use
it from one thread or task.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import ahocorasick

from bot.matching._reference import item_text, norm_countries, norm_source, norm_sources
from bot.matching._text import compile_keyword
from parsers.models import Item
from storage.models import Subscription

__all__ = ["IndexStats", "MatchIndex"]

# How an active subscription is filed. Each kind has one table per scope (a source, or None for every
# source) that maps a key to the ids filed under it.
_KEYWORD = 0  # needs a keyword and no country: pattern -> ids
_BOTH_KEYWORD = 1  # needs a keyword and a country: pattern -> ids, intersected with _BOTH_COUNTRY
_EXCLUDE = 2  # pattern -> ids, scope None only: an exclusion holds whatever the source; subtracted last
_COUNTRY = 3  # needs a country and no keyword: code -> ids
_BOTH_COUNTRY = 4  # code -> ids
_EVERYTHING = 5  # needs neither: "" -> ids
_PATTERN_KINDS = (_KEYWORD, _BOTH_KEYWORD, _EXCLUDE)
_EVERY_ITEM = ""

PENDING_LIMIT = 64  # patterns searched one by one before the next match rebuilds the automaton
_DROPPED_FLOOR = 4096  # removed patterns tolerated in the automaton: this, or a quarter of it if more
_NARROW_MAX: int = 2 ** (8 * array("I").itemsize) - 1  # ids up to this are kept in 4 bytes, others in 8

Ids: TypeAlias = "int | array[int]"
# Where one subscription is filed: a table number, then the keys filed in that table, then the next table
# number... (table numbers are ints, keys are strs).
Record: TypeAlias = tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class IndexStats:
    """How big a `MatchIndex` is: for logs and benchmarks."""

    subscriptions: int  # paused ones included
    filings: int  # (key, id) pairs over all tables
    keys: int  # distinct (table, key) pairs
    automaton_patterns: int  # patterns in the automaton, removed ones included until the next rebuild
    pending_patterns: int  # patterns searched one by one until the next rebuild


def _fits(sub_id: int) -> bool:
    return 0 <= sub_id <= _NARROW_MAX


def _file(table: dict[str, Ids], key: str, sub_id: int) -> None:
    ids = table.get(key)
    if ids is None:
        table[key] = sub_id
        return
    if isinstance(ids, int):
        ids = table[key] = array("I" if _fits(ids) else "q", (ids,))
    if ids.typecode == "I" and not _fits(sub_id):
        ids = table[key] = array("q", ids)
    ids.append(sub_id)


def _unfile(table: dict[str, Ids], key: str, sub_id: int) -> bool:
    """Take `sub_id` out from under `key`; True if nothing is left there."""
    ids = table[key]
    if isinstance(ids, int):
        del table[key]
        return True
    ids.remove(sub_id)
    if len(ids) == 1:
        table[key] = ids[0]
    return False


def _collect(into: set[int], table: dict[str, Ids], keys: Iterable[str]) -> None:
    for key in keys:
        ids = table.get(key)
        if ids is None:
            continue
        if isinstance(ids, int):
            into.add(ids)
        else:
            into.update(ids)


class MatchIndex:
    """Every subscription, filed so that one item finds the ones that want it.

    How an active subscription is filed depends on what it needs, so that most answers are set unions:
    keyword-only ones under their patterns, country-only ones under their codes, ones that need both under
    the patterns and the codes in two other tables (the two hits are intersected), ones that take everything
    under "" — each in the table of every source they name, or of None if they name none. Exclusions are
    filed by pattern and subtracted last.

    `MatchIndex(subscriptions)` files them all and builds the automaton before it returns, so the first
    `match` pays for nothing; `rebuild()` builds it again on demand.
    """

    def __init__(
        self, subscriptions: Iterable[Subscription] = (), *, pending_limit: int = PENDING_LIMIT
    ) -> None:
        self._records: dict[int, Record] = {}
        self._tables: list[dict[str, Ids]] = []
        self._table_kinds: list[int] = []
        self._table_numbers: dict[tuple[int, str | None], int] = {}
        self._automaton: Any = None  # ahocorasick.Automaton | None (the stubs are missing)
        # Patterns filed since the last build that the automaton lacks, each to itself (to intern them).
        self._pending: dict[str, str] = {}
        self._names: dict[str, str] = {}  # every source and country code filed, to itself (to intern them)
        self._pending_limit = pending_limit
        self._dropped = 0  # pattern keys emptied since the last build (an upper bound on dead patterns)
        self._dropped_limit = _DROPPED_FLOOR
        building = _Interning()
        for sub in subscriptions:
            self._add(sub, building)
        self.rebuild()

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, sub_id: object) -> bool:
        return sub_id in self._records

    def add(self, sub: Subscription) -> None:
        """File a new subscription; `ValueError` if its id is already here (use `replace`)."""
        self._add(sub, None)

    def remove(self, sub_id: int) -> None:
        """Forget a subscription; `KeyError` if it is not here."""
        record = self._records.pop(sub_id)
        table: dict[str, Ids] = {}
        patterns = False
        for part in record:
            if isinstance(part, int):
                table, patterns = self._tables[part], self._table_kinds[part] in _PATTERN_KINDS
            elif _unfile(table, part, sub_id) and patterns:
                self._dropped += 1

    def replace(self, sub: Subscription) -> None:
        """File `sub` in place of the subscription with its id (or add it if there is none)."""
        if sub.id in self._records:
            self.remove(sub.id)
        self.add(sub)

    def rebuild(self) -> None:
        """Build the automaton now over the patterns in use (the constructor already did)."""
        self._automaton = None  # let the old one go first: the two need not fit in memory together
        patterns: set[str] = set()
        for number, table in enumerate(self._tables):
            if self._table_kinds[number] in _PATTERN_KINDS:
                patterns.update(table)
        try:
            if patterns:
                automaton = ahocorasick.Automaton()
                for pattern in patterns:
                    automaton.add_word(pattern, pattern)
                automaton.make_automaton()
                self._automaton = automaton
        except BaseException:  # out of memory, say: search every pattern on its own until a build succeeds
            self._pending.update((pattern, pattern) for pattern in patterns)
            raise
        self._pending.clear()
        self._dropped = 0
        self._dropped_limit = max(_DROPPED_FLOOR, len(patterns) // 4)

    def stats(self) -> IndexStats:
        """Counts of what the index holds (walks every record: not for a hot path)."""
        filings = sum(1 for record in self._records.values() for part in record if isinstance(part, str))
        return IndexStats(
            subscriptions=len(self._records),
            filings=filings,
            keys=sum(len(table) for table in self._tables),
            automaton_patterns=0 if self._automaton is None else len(self._automaton),
            pending_patterns=len(self._pending),
        )

    def match(self, item: Item, source: str) -> list[int]:
        """Ids of the subscriptions that want `item` from `source`, sorted."""
        if len(self._pending) > self._pending_limit or self._dropped > self._dropped_limit:
            self.rebuild()
        scopes = (None, norm_source(source))
        hits = self._hits(item_text(item))
        codes = norm_countries(item.countries)
        found: set[int] = set()
        for table in self._scoped(_KEYWORD, scopes):
            _collect(found, table, hits)
        for table in self._scoped(_COUNTRY, scopes):
            _collect(found, table, codes)
        for table in self._scoped(_EVERYTHING, scopes):
            _collect(found, table, (_EVERY_ITEM,))
        if hits and codes:
            both_keyword: set[int] = set()
            for table in self._scoped(_BOTH_KEYWORD, scopes):
                _collect(both_keyword, table, hits)
            if both_keyword:
                both_country: set[int] = set()
                for table in self._scoped(_BOTH_COUNTRY, scopes):
                    _collect(both_country, table, codes)
                found |= both_keyword & both_country
        if hits and found:
            excluded: set[int] = set()
            for table in self._scoped(_EXCLUDE, (None,)):
                _collect(excluded, table, hits)
            found -= excluded
        return sorted(found)

    def _hits(self, text: str) -> set[str]:
        """The patterns in `text`: through the automaton, and one by one for those it lacks."""
        hits: set[str] = set()
        if self._automaton is not None:
            hits.update(pattern for _end, pattern in self._automaton.iter(text))
        hits.update(pattern for pattern in self._pending if pattern in text)
        return hits

    def _scoped(self, kind: int, scopes: tuple[str | None, ...]) -> list[dict[str, Ids]]:
        numbers = (self._table_numbers.get((kind, scope)) for scope in scopes)
        return [self._tables[number] for number in numbers if number is not None]

    def _table(self, kind: int, scope: str | None) -> int:
        number = self._table_numbers.get((kind, scope))
        if number is None:
            number = self._table_numbers[kind, scope] = len(self._tables)
            self._tables.append({})
            self._table_kinds.append(kind)
        return number

    def _add(self, sub: Subscription, building: _Interning | None) -> None:
        # A new int object: the index keeps nothing of the caller's, so a list of subscriptions it was built
        # from can be freed whole (pymalloc returns an arena only once every object in it is gone; the ids
        # alone kept half a kilobyte per subscription of a dropped list in memory).
        sub_id = sub.id + 0
        if sub_id in self._records:
            raise ValueError(f"subscription {sub_id} is already in the index; use replace()")
        record = () if sub.paused else self._record(sub, building)
        table: dict[str, Ids] = {}
        for part in record:
            if isinstance(part, int):
                table = self._tables[part]
            else:
                _file(table, part, sub_id)
        self._records[sub_id] = record

    def _record(self, sub: Subscription, building: _Interning | None) -> Record:
        """Where an active subscription goes (see the class docstring), as a `Record`."""
        filtered = sub.mode != "all"
        # A keyword list that compiles to nothing still needs a keyword: such a subscription matches nothing.
        needs_keyword = filtered and bool(sub.include)
        needs_country = filtered and bool(sub.countries)
        scopes: list[str | None] = [self._name(source) for source in norm_sources(sub.sources)] or [None]
        include = self._patterns(sub.include, building) if needs_keyword else []
        countries = [self._name(code) for code in norm_countries(sub.countries)] if needs_country else []
        if needs_keyword and needs_country:
            groups = [(_BOTH_KEYWORD, include), (_BOTH_COUNTRY, countries)]
        elif needs_keyword:
            groups = [(_KEYWORD, include)]
        elif needs_country:
            groups = [(_COUNTRY, countries)]
        else:
            groups = [(_EVERYTHING, [_EVERY_ITEM])]
        record: list[int | str] = []
        for kind, keys in groups:
            if keys:
                for scope in scopes:
                    record.append(self._table(kind, scope))
                    record += keys
        if exclude := self._patterns(sub.exclude, building):
            record.append(self._table(_EXCLUDE, None))
            record += exclude
        return tuple(record)

    def _name(self, name: str) -> str:
        return self._names.setdefault(name, name)

    def _patterns(self, keywords: Iterable[str], building: _Interning | None) -> list[str]:
        """The distinct patterns of `keywords` (dropping those that can never match), interned.

        Outside the constructor, a pattern the automaton lacks is interned in (and so added to) `_pending`;
        one it has is interned as the object it holds.
        """
        found: dict[str, None] = {}
        for keyword in keywords:
            if building is not None:
                pattern = building.pattern(keyword)
            elif (pattern := compile_keyword(keyword)) is not None:
                known = None if self._automaton is None else self._automaton.get(pattern, None)
                pattern = known if known is not None else self._pending.setdefault(pattern, pattern)
            if pattern is not None:
                found[pattern] = None
        return list(found)


class _Interning:
    """The patterns of the keywords filed by one constructor call: each compiled once, one object each."""

    def __init__(self) -> None:
        self._compiled: dict[str, str | None] = {}  # keyword -> pattern
        self._patterns: dict[str, str] = {}  # pattern -> itself

    def pattern(self, keyword: str) -> str | None:
        try:
            return self._compiled[keyword]
        except KeyError:
            pattern = compile_keyword(keyword)
            if pattern is not None:
                pattern = self._patterns.setdefault(pattern, pattern)
            self._compiled[keyword] = pattern
            return pattern
