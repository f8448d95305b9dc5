"""Datelines: the `PLACE (AGENCY[/AGENCY...]) - ` that opens a wire lead.

A dateline is a place in capitals (several words, slashes, hyphens, diacritics: "DEN HAAG", "TEHERAN/JERUZALEM",
"GAZA-STAD", "GENÈVE"), optionally agencies in brackets ("ANP", "ANP/RTR/AF", "Reuters", "AP"), then a dash
(`-`, `–`, `—`) and the lead. Regional copy has no agencies ("DOMBURG - "); those need a real dash with spaces,
a lead that opens like a sentence, and a place that is not a common label ("LET OP - ").

`match_dateline` only checks the pattern at one offset. `find_datelines` also demands that the dateline
opens a segment: the text start, a new line, right after a time label ("...8 minuten geledenMEITAR (ANP)"),
a caller-given boundary (the start of a text node), or, for datelines with agencies, right after the end of
a sentence. Capitals in the middle of a sentence ("zei de NAVO - ") are never a dateline.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from parsers.identity import normalize_space
from parsers.times import find_time_labels

__all__ = ["Dateline", "find_datelines", "match_dateline"]

_UP = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper() and chr(c) != "×")
_WORD = rf"['’]?[{_UP}](?:[{_UP}]|['’](?=[{_UP}]))*\.?"
_SEP = r"(?:[ \u00a0]+|[ \u00a0]?/[ \u00a0]?|-)"
_AGENCY = r"[A-Za-z][A-Za-z0-9.&'-]{0,19}(?: [A-Z][A-Za-z0-9.&'-]{0,19}){0,2}"
_DATELINE = re.compile(
    rf"(?<![{_UP}\d'’])(?P<place>{_WORD}(?:{_SEP}{_WORD}){{0,5}})"
    rf"(?:[ \u00a0]*\([ \u00a0]*(?P<agencies>{_AGENCY}(?:[ \u00a0]*/[ \u00a0]*{_AGENCY})*)[ \u00a0]*\)"
    r"[ \u00a0]*(?:-[ \u00a0]+|[–—][ \u00a0]*)"
    r"|[ \u00a0]+(?:-|–|—)[ \u00a0]+)"
    r"(?=\S)"
)
_CANDIDATE = re.compile(rf"(?<![{_UP}\d'’])['’]?[{_UP}]")
# Words in capitals that open labels, not places: "LET OP - ", "UPDATE - ", "LIVE - ".
_NOT_PLACES = frozenset(
    [
        "LET",
        "OP",
        "LIVE",
        "LIVEBLOG",
        "UPDATE",
        "UPDATED",
        "BREAKING",
        "NEWS",
        "NIEUWS",
        "NIEUW",
        "VIDEO",
        "FOTO",
        "FOTO'S",
        "PODCAST",
        "OPINIE",
        "ANALYSE",
        "COLUMN",
        "INTERVIEW",
        "CORRECTIE",
        "RECTIFICATIE",
        "EXCLUSIEF",
        "EXCLUSIVE",
        "WATCH",
        "LISTEN",
        "READ",
        "MORE",
        "LEES",
        "MEER",
        "ZIE",
        "OOK",
        "NB",
        "PS",
        "TIP",
        "TIPS",
        "ALERT",
        "URGENT",
        "FLASH",
        "EILMELDUNG",
        "BEKIJK",
        "HET",
        "DE",
        "EEN",
        "THE",
        "AND",
        "EN",
        "OF",
        "IN",
        "VAN",
        "TO",
        "IS",
        "ADVERTENTIE",
        "ADVERTORIAL",
        "SPONSORED",
        "GESPONSORD",
        "REACTIE",
        "WEER",
        "VERKEER",
        "NET",
        "BINNEN",
        "UPDATE:",
        "EXTRA",
        "BREAKING:",
        "PREMIUM",
        "PLUS",
        "AD",
    ]
)
_SENTENCE_END = frozenset('.!?…"”’»)')
_LEAD_OPENERS = frozenset("\"'“‘„«(")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found in a text: where, which agencies, and the offsets around it."""

    place: str  # as written, whitespace-normalised: "DEN HAAG", "TEHERAN/JERUZALEM"
    agencies: tuple[str, ...]  # ("ANP", "RTR", "AF"); () for regional "DOMBURG - "
    start: int  # offset of the dateline's first character in the text searched
    end: int  # offset where the lead starts (after the dash and spaces)


def match_dateline(text: str, pos: int = 0) -> Dateline | None:
    """The dateline starting exactly at `pos` (leading whitespace skipped), or None."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    match = _DATELINE.match(text, pos)
    if match is None:
        return None
    place = normalize_space(match.group("place"))
    raw_agencies = match.group("agencies")
    agencies = tuple(normalize_space(a) for a in raw_agencies.split("/")) if raw_agencies else ()
    if sum(ch.isalpha() for ch in place) < 2:
        return None
    if not agencies:
        words = re.split(r"[ /-]+", place)
        if any(word.rstrip(".") in _NOT_PLACES for word in words):
            return None
        opener = text[match.end()]
        if not (opener.isupper() or opener.isdigit() or opener in _LEAD_OPENERS):
            return None
    return Dateline(place=place, agencies=agencies, start=match.start(), end=match.end())


def find_datelines(text: str, *, boundaries: Collection[int] = ()) -> list[Dateline]:
    """Every dateline in `text` that opens a segment, in order; `boundaries` are extra segment starts."""
    label_ends = {end for _, end in find_time_labels(text)}
    found: list[Dateline] = []
    pos = 0
    for candidate in _CANDIDATE.finditer(text):
        start = candidate.start()
        if start < pos:
            continue
        dateline = match_dateline(text, start)
        if dateline is None or not _opens_segment(text, dateline, label_ends, boundaries):
            continue
        found.append(dateline)
        pos = dateline.end
    return found


def _opens_segment(text: str, dateline: Dateline, label_ends: set[int], boundaries: Collection[int]) -> bool:
    start = dateline.start
    if start in boundaries:
        return True
    before = start
    while before > 0 and text[before - 1] in " \t\u00a0":
        before -= 1
    if before == 0 or text[before - 1] in "\n\r\f\v\u2028\u2029":
        return True
    if before in label_ends:
        return True
    return bool(dateline.agencies) and (text[before - 1] in _SENTENCE_END or before == start)
