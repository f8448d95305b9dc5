"""Tag a text with the countries and regions it is about: dateline country first, then order of mention.

Matching runs an Aho-Corasick automaton over the folded text (one character folded to one, so offsets index
the original), keeps matches that stand on word boundaries and pass their form's checks (case, names of
people, language, and `_names.judge`: no place inside another name, no cited source's nationality), then
takes leftmost-longest spans ("Noord-Korea" before "Korea", "Verenigde Naties" before nothing at all).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick  # type: ignore[import-not-found, unused-ignore]  # a C extension without stubs

from parsers.countries._data import Ambiguity, Form, dataset, gazetteer, place_key
from parsers.countries._names import NEUTRAL, judge, title_case, word_after, word_before
from parsers.countries._text import detect_language, fold_key, fold_text, word_set
from parsers.models import CountryEvidence

__all__ = ["Tags", "resolve_place", "tag_text"]

logger = logging.getLogger(__name__)

_ARTICLES = word_set("de een the a an")
_AP_STATES = frozenset(
    fold_key(abbreviation)
    for abbreviation in word_set(
        """Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Kans. Ky. La. Md. Mass. Mich. Minn.
        Miss. Mo. Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. R.I. S.C. S.D. Tenn. Tex. Vt.
        Va. Wash. W.Va. Wis. Wyo. D.C."""
    )
)
_LEADING_DATELINE = re.compile(
    r"\s*([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\- /]{1,40}?)(?:,\s*([^()\n,]{2,30}?))?\s*\([A-Za-z/ .]{2,30}\)\s*[-–—]\s"
)
_PLACE_SUFFIXES = ("-STAD", " STAD", " CITY")


@dataclass(frozen=True, slots=True)
class Tags:
    """What a text is about: ISO 3166-1 alpha-2 codes, region ids, and why."""

    countries: tuple[str, ...]
    regions: tuple[str, ...]
    evidence: tuple[CountryEvidence, ...]


@cache
def _name_risk_words() -> frozenset[str]:
    return frozenset(fold_key(form.text) for form in dataset().forms if form.name_risk)


@cache
def _country_words() -> frozenset[str]:
    """Folded one-word forms of every country and region: words that never make a place part of a name."""
    return frozenset(key for key in (fold_key(form.text) for form in dataset().forms) if " " not in key)


def _is_country_word(word: str) -> bool:
    return fold_key(word).strip(".'’") in _country_words()


@cache
def _automaton() -> ahocorasick.Automaton:
    by_key: dict[str, list[Form]] = {}
    for form in dataset().forms:
        by_key.setdefault(fold_text(form.text), []).append(form)
    automaton = ahocorasick.Automaton()
    for key, forms in by_key.items():
        automaton.add_word(key, (len(key), tuple(forms)))
    automaton.make_automaton()
    return automaton


def _is_capitalised_name(word: str) -> bool:
    return (
        bool(word)
        and word[0].isupper()
        and fold_key(word).strip(".'’") not in NEUTRAL
        and not _is_country_word(word)
    )


def _is_all_caps(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


class _Context:
    """Per-text facts a form's checks may need, computed at most once."""

    __slots__ = ("_lang", "_title_lines", "folded", "persons", "surnames", "text")

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self._lang: str | None = None
        # Folded name-risk forms seen as part of a person's name ("Joaquin Phoenix"): later bare mentions
        # ("Phoenix said") are that person too.
        self.persons: set[str] = set()
        # Folded country names seen as a surname ("Kamerlid Jan Polen") -> where: later bare mentions
        # ("Polen zei") are that person too.
        self.surnames: dict[str, int] = {}
        self._title_lines: dict[int, int] = {}

    def title_line(self, at: int) -> bool:
        """Whether offset `at` stands in the title-case opening of its line (judged once per line)."""
        first = self.text.rfind("\n", 0, at) + 1
        reach = self._title_lines.get(first)
        if reach is None:
            last = self.text.find("\n", at)
            reach = title_case(self.text[first : last if last >= 0 else len(self.text)])
            self._title_lines[first] = reach
        return at < first + reach

    @property
    def lang(self) -> str:
        if self._lang is None:
            self._lang = detect_language(self.folded)
        return self._lang


def _accepts(form: Form, start: int, end: int, ctx: _Context) -> bool:
    text = ctx.text
    if form.exact:
        if text[start:end] != form.text:
            return False
        if form.caps_guard and (
            _is_all_caps(word_before(text, start)) or _is_all_caps(word_after(text, end))
        ):
            return False
    elif form.text[0].isupper() and not text[start].isupper():
        return False
    if form.lang is not None and ctx.lang and form.lang != ctx.lang:  # unknown language: allow
        return False
    if form.needs_article and fold_key(word_before(text, start)) not in _ARTICLES:
        return False
    if (form.name_risk or form.neighbour_risk) and (
        _is_capitalised_name(word_before(text, start)) or _is_capitalised_name(word_after(text, end))
    ):
        if form.name_risk:
            ctx.persons.add(fold_key(form.text))
        return False
    verdict = judge(text, start, end, form.kind, form.exact, _is_country_word, lambda: ctx.title_line(start))
    if verdict == "person" and form.kind == "name":
        ctx.surnames.setdefault(fold_key(form.text), start)
    return verdict is None


def _matches(ctx: _Context, skip_until: int) -> list[tuple[int, int, Form]]:
    """Leftmost-longest accepted matches, in text order."""
    folded = ctx.folded
    size = len(folded)
    found: list[tuple[int, int, Form]] = []
    for last, (length, forms) in _automaton().iter(folded):
        start = last - length + 1
        end = last + 1
        if start < skip_until:
            continue
        if (start > 0 and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum()):
            continue
        for form in forms:
            if _accepts(form, start, end, ctx):
                found.append((start, end, form))
                break
    found.sort(key=lambda match: (match[0], match[0] - match[1]))
    chosen: list[tuple[int, int, Form]] = []
    reached = 0
    for match in found:
        if match[0] >= reached:
            chosen.append(match)
            reached = match[1]
    for key, at in list(ctx.surnames.items()):  # "New Mexico" is a place, not a Mr Mexico
        if any(first <= at < last for first, last, _ in chosen):
            del ctx.surnames[key]
    return chosen


def _resolve_ambiguous(ambiguity: Ambiguity, ctx: _Context) -> str | None:
    code = ambiguity.by_lang.get(ctx.lang)
    if code:
        return code
    for code, cues in ambiguity.cues:
        for cue in cues:
            if re.search(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", ctx.folded):
                return code
    return None


def _lookup_place(name: str) -> str | None:
    key = place_key(name)
    if not key:
        return None
    code = dataset().places.get(key) or gazetteer().get(key)
    if code is None:
        for suffix in _PLACE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 2:
                return _lookup_place(key[: -len(suffix)])
    return code


def _qualifier_codes(qualifier: str) -> set[str]:
    """Countries a dateline qualifier may mean: "Ga." -> {US}; "Ukraine" -> {UA}; "Georgia" -> {US, GE}."""
    folded = fold_key(qualifier)
    if folded in _AP_STATES:
        return {"US"}
    data = dataset()
    ambiguity = data.ambiguous.get(folded)
    if ambiguity is not None:
        return {code for code, _ in ambiguity.cues} | set(ambiguity.by_lang.values())
    code = data.lookup.get(folded) or _lookup_place(qualifier)
    return {code} if code else set()


def resolve_place(place: str) -> str | None:
    """The country of one dateline place ("MEITAR", "KYIV, Ukraine", "SAVANNAH, Ga."), or None."""
    city, _, qualifier = place.partition(",")
    code = _lookup_place(city)
    options = _qualifier_codes(qualifier) if qualifier.strip() else set()
    if options and code not in options and len(options) == 1:
        return next(iter(options))
    return code


def _dateline(place: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in re.split(r"\s*/\s*", place.strip()):
        if not part:
            continue
        code = resolve_place(part)
        if code is None:
            logger.info("unknown dateline place %r", part)
        else:
            out.append((code, part))
    return out


def tag_text(text: str, *, place: str | None = None) -> Tags:
    """Countries, regions and evidence of `text`, whose dateline place is `place`.

    A leading dateline in the text itself ("MEITAR (ANP/AFP) - ...") is never read as running text; without
    `place`, its place is used.
    """
    skip_until = 0
    leading = _LEADING_DATELINE.match(text)
    if leading:
        skip_until = leading.end()
        if place is None:
            place = leading.group(1) + (f", {leading.group(2)}" if leading.group(2) else "")
    countries: dict[str, None] = {}
    evidence: list[CountryEvidence] = []
    for code, part in _dateline(place) if place else ():
        if code not in countries:
            countries[code] = None
            evidence.append(CountryEvidence(code, "dateline", part, -1))
    ctx = _Context(text, fold_text(text))
    regions: dict[str, None] = {}
    seen: set[tuple[str, str]] = set()
    for start, end, code, kind in _mentions(ctx, skip_until):
        if kind == "region":
            regions.setdefault(code)
            continue
        countries.setdefault(code)
        words = text[start:end]
        if (code, fold_key(words)) not in seen:  # each distinct mention once, at its first place
            seen.add((code, fold_key(words)))
            evidence.append(CountryEvidence(code, kind, words, start))
    return Tags(tuple(countries), tuple(regions), tuple(evidence))


def _mentions(ctx: _Context, skip_until: int) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, country code or region id, evidence kind or "region") of every accepted mention."""
    matches = _matches(ctx, skip_until)
    for _, _, form in matches:
        if form.kind == "block":  # "Michael Jordan": a later bare "Jordan" is him too
            ctx.persons.update(word for word in fold_key(form.text).split() if word in _name_risk_words())
    ambiguous = dataset().ambiguous
    for start, end, form in matches:
        if form.kind == "block" or (form.name_risk and fold_key(form.text) in ctx.persons):
            continue
        if form.kind == "name" and start > ctx.surnames.get(fold_key(form.text), len(ctx.text)):
            continue
        if form.kind == "ambiguous":
            code = _resolve_ambiguous(ambiguous[fold_key(form.text)], ctx)
            if code is not None:
                yield start, end, code, "name"
        else:
            yield start, end, form.target, form.kind
