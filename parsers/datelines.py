"""Datelines: the `PLACE (AGENCY[/AGENCY...]) - ` that opens a wire lead.

A dateline is a place in capitals (several words, slashes, hyphens, diacritics: "DEN HAAG", "TEHERAN/JERUZALEM",
"GAZA-STAD", "GENÈVE"), optionally agencies in brackets ("ANP", "ANP/RTR/AF", "Reuters", "AP"), then a dash
(`-`, `–`, `—`) and the lead. Regional copy has no agencies ("DOMBURG - "); those need a dash with spaces around
it, a lead that opens like a sentence, and a place that is not a common label ("LET OP - ", "UPDATE - ").

`match_dateline` only checks the pattern at one offset. `find_datelines` also demands that the dateline
opens a segment: the text start, a new line, right after a time label ("...8 minuten geledenMEITAR (ANP)"),
a caller-given boundary (the start of a text node), or, for datelines with agencies, right after the end of
a sentence, glued to the text before it, or after a lower-case word when the lead opens like a sentence (a
title before it on its line); a regional dateline opens glued to a lower-case letter (a title running into
it: "Bruinvis aangespoeldDOMBURG - "). Capitals inside a sentence ("zei de NAVO - ") are no
dateline, and neither is the tail of a place name ("STAD" of "MEXICO-STAD", "ANTON AM ARLBERG" of
"ST. ANTON AM ARLBERG"): a dateline never starts right after a hyphen inside a word or after a place-name
abbreviation's period.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from parsers.deadline import NEVER, Deadline
from parsers.identity import normalize_space
from parsers.times import find_time_labels
from parsers.words import word_set

__all__ = ["Dateline", "find_datelines", "has_dateline", "match_dateline"]


_UP = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper())
_SPACE = r"[ \u00a0]"
# a word in capitals; only "'S-" and "'T " open with an apostrophe ("'S-HERTOGENBOSCH"): any other quote
# before capitals closes a title glued to the dateline ("... van de wet'WASHINGTON (ANP) - ")
_WORD = rf"(?:['’](?=[ST][ -]))?[{_UP}](?:[{_UP}]|['’](?=[{_UP}]))*\.?"
_SEP = rf"(?:{_SPACE}+|{_SPACE}?/{_SPACE}?|-)"
_AGENCY = r"[A-Za-z][A-Za-z0-9.&'-]{0,19}(?: [A-Z][A-Za-z0-9.&'-]{0,19}){0,2}"
_DATELINE = re.compile(
    rf"(?<![{_UP}])(?<![{_UP}]['’])(?P<place>{_WORD}(?:{_SEP}{_WORD}){{0,5}})"
    rf"(?:\s*\(\s*(?P<agencies>{_AGENCY}(?:\s*/\s*{_AGENCY})*)\s*\)\s*(?:-\s+|[–—]\s*)"
    rf"|{_SPACE}+[-–—]\s+)"
    r"(?=\S)"
)
# every character a place may hold (see _WORD and _SEP)
_PLACE_CHARS = frozenset(_UP.replace("A-Z", "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "'’. \u00a0/-")
_CANDIDATE = re.compile(rf"(?<![{_UP}'’])['’](?=[ST][ -])|(?<![{_UP}])(?<![{_UP}]['’])[{_UP}]")
_PLACE_MARKS = str.maketrans("", "", "'’. /-")  # what a place holds besides letters (after normalising)
_LONGEST = 160  # no dateline is longer: place, agencies, dash
# Words in capitals that open labels or kickers, not places: "LET OP - ", "UPDATE - ", "AFP - Geral".
_NOT_PLACES = word_set(
    """LET OP LIVE LIVEBLOG UPDATE UPDATED BREAKING NEWS NIEUWS NIEUW VIDEO FOTO FOTO'S PODCAST OPINIE ANALYSE
    COLUMN INTERVIEW CORRECTIE RECTIFICATIE EXCLUSIEF EXCLUSIVE WATCH LISTEN READ MORE LEES MEER ZIE OOK NB PS
    TIP TIPS ALERT URGENT FLASH EILMELDUNG BEKIJK HET DE EEN THE AND EN OF IN VAN TO IS ADVERTENTIE ADVERTORIAL
    SPONSORED GESPONSORD REACTIE WEER VERKEER NET BINNEN EXTRA PREMIUM PLUS AD NOTE EDITOR'S EDITOR’S UPDATE
    ANP AFP AP RTR REUTERS DPA ANSA EFE DW BELGA BLOOMBERG UPI TASS XINHUA NOVUM"""
)
_SENTENCE_END = frozenset('.!?…"”’»)')
# Abbreviations that open a place name in capitals: "ST. ANTON AM ARLBERG", "FT. LAUDERDALE", "MT. VERNON".
_PLACE_ABBREVIATIONS = word_set("ST STE STS SS FT MT PT")
_ABBREVIATION = re.compile(rf"(?<![{_UP}])([{_UP}]{{1,3}})\.$")
_LEAD_OPENERS = frozenset("\"'“‘„«(")
_LINE_BREAKS = frozenset("\n\r\f\v\u2028\u2029")


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
    place = match.group("place")
    if "  " in place or "\u00a0" in place:  # a place opens and ends with a word: only these need work
        place = normalize_space(place)
    raw_agencies = match.group("agencies")
    agencies = (
        tuple(a if a.isalnum() else normalize_space(a) for a in raw_agencies.split("/"))
        if raw_agencies
        else ()
    )
    letters = place.translate(_PLACE_MARKS)
    if (len(letters) if letters.isalpha() else sum(ch.isalpha() for ch in place)) < 2:
        return None
    if not agencies:
        if any(word.rstrip(".") in _NOT_PLACES for word in re.split(r"[ /-]+", place)):
            return None
        if not _opens_lead(text[match.end()]):
            return None
    return Dateline(place=place, agencies=agencies, start=match.start(), end=match.end())


def find_datelines(
    text: str,
    *,
    boundaries: Collection[int] = (),
    labels: Sequence[tuple[int, int]] | None = None,
    openers: Collection[int] = (),
    deadline: Deadline = NEVER,
) -> list[Dateline]:
    """Every dateline in `text` that opens a segment, in order.

    `boundaries` are extra offsets where a segment starts (text-node starts); `labels` are the spans
    `find_time_labels(text)` gives, when the caller already has them; `openers` are offsets where even a
    regional dateline after a word opens a segment (the words before it are a title in their own element:
    "<b>Storm</b> DOMBURG - ..."). `deadline` stops a search that runs too long (see `parsers.deadline`).
    """
    return list(_scan(text, boundaries, labels, openers, deadline))


def has_dateline(text: str, *, deadline: Deadline = NEVER) -> bool:
    """Whether `find_datelines(text)` finds any; it stops at the first."""
    return next(_scan(text, (), None, (), deadline), None) is not None


def _scan(
    text: str,
    boundaries: Collection[int],
    labels: Sequence[tuple[int, int]] | None,
    openers: Collection[int],
    deadline: Deadline,
) -> Iterator[Dateline]:
    """The datelines of `find_datelines`, found from the dashes they end with.

    A dateline that holds a dash (see `_dashes`) ends right after that dash: neither a place nor agencies hold
    one. So for each dash only the places that end where its dateline's place would end are tried: the run of
    place characters before the agencies in brackets, or before the spaces, ending at the dash.
    """
    label_ends: set[int] | None = None if labels is None else {end for _, end in labels}
    done = 0
    for dash in _dashes(text, deadline):
        deadline.tick("finding datelines")
        if dash < done:
            continue
        low = max(done, dash - _LONGEST)
        place_end = _place_end(text, low, dash)
        run = place_end
        while run > low and text[run - 1] in _PLACE_CHARS:
            run -= 1
        if run == place_end:
            continue  # no capitals right before the dash (or its agencies): the usual dash inside a sentence
        for candidate in _CANDIDATE.finditer(text, run, dash):
            if _inside_place(text, candidate.start()):
                continue
            dateline = match_dateline(text, candidate.start())
            if dateline is None or dateline.end <= dash or _ends_a_sentence(dateline.place):
                continue
            opens = True if dateline.start in openers else _opens_segment(text, dateline, boundaries)
            if opens is None:  # only a time label right before it can make this a segment start
                if label_ends is None:
                    label_ends = {end for _, end in find_time_labels(text)}
                opens = _start_after_spaces(text, dateline.start) in label_ends
            if opens:
                yield dateline
                done = dateline.end
                break


def _dashes(text: str, deadline: Deadline) -> list[int]:
    """Offsets of the dashes a dateline can end with: "...) -", "... - ", any en or em dash."""
    found: list[int] = []
    for dash in ("–", "—", " -", "\u00a0-", "\n-", ")-"):
        deadline.check("finding datelines")
        at = text.find(dash)
        while at >= 0:
            deadline.tick("finding datelines")
            found.append(at + len(dash) - 1)
            at = text.find(dash, at + 1)
    return sorted(set(found))


def _place_end(text: str, low: int, dash: int) -> int:
    """Where the place of a dateline ending with the dash at `dash` would end: before the spaces and the
    agencies in brackets ("DEN HAAG (ANP) -", "DOMBURG -"); `low` when that reaches before `low`."""
    end = dash
    while end > low and text[end - 1].isspace():
        end -= 1
    if end > low and text[end - 1] == ")":
        end = text.rfind("(", low, end - 1)  # agencies hold no brackets
        if end < 0:
            return low
        while end > low and text[end - 1].isspace():
            end -= 1
    return end


def _start_after_spaces(text: str, start: int) -> int:
    while start > 0 and text[start - 1] in " \t\u00a0":
        start -= 1
    return start


def _opens_segment(text: str, dateline: Dateline, boundaries: Collection[int]) -> bool | None:
    """True or False when the text around decides; None when only a time label before it could."""
    start = dateline.start
    before = _start_after_spaces(text, start)
    previous = text[before - 1] if before else "\n"
    if previous in _LINE_BREAKS:
        return True
    if start in boundaries and (dateline.agencies or not (previous.isalnum() or previous == ",")):
        return True
    if dateline.agencies and (before == start or previous in _SENTENCE_END):
        return True
    if before == start and previous.islower():  # a title glued to a regional dateline
        return True
    if dateline.agencies and (previous.islower() or previous.isdigit()) and _opens_lead(text[dateline.end]):
        return True  # a title before it on its line: "...Zware beving MEXICO-STAD (ANP) - Een beving"
    return None if previous.isalnum() else False


def _opens_lead(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _LEAD_OPENERS


def _ends_a_sentence(place: str) -> bool:
    """Whether a word inside the place ends a sentence ("VS. WASHINGTON"), unlike "ST." or "U.S."."""
    for word in place.split()[:-1]:
        if word.endswith(".") and "." not in word[:-1] and word[:-1] not in _PLACE_ABBREVIATIONS:
            return True
    return False


def _inside_place(text: str, start: int) -> bool:
    """Whether `start` continues a place name in capitals: right after "MEXICO-", "ST.-" or "ST. "."""
    if start >= 2 and text[start - 1] == "-" and (text[start - 2].isalpha() or text[start - 2] == "."):
        return True
    before = _start_after_spaces(text, start)
    if before == 0 or text[before - 1] != ".":
        return False
    abbreviation = _ABBREVIATION.search(text, max(0, before - 5), before)
    return abbreviation is not None and abbreviation.group(1) in _PLACE_ABBREVIATIONS
