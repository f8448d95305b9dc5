"""Titles: which text of the page names each item, whatever element holds it.

In order, the first that exists:

1. for a loose slot (its label found outside any container), a heading or link between the previous item
   and its dateline;
2. the first heading in its container, outside the lead;
3. the last short *block* before its dateline: the text between line breaks and time labels, inside the
   container (or, for a loose slot without one, after the previous item), that is no kicker in capitals
   ("ANP"), no "lees meer", and no text that stands before other items too ("Buitenland", "Delen"). Loose
   slots only take block titles when every one of them has one, so a list heading before the first item
   is no title;
4. the first link in its container, outside the lead.
"""

from __future__ import annotations

from collections import Counter

from parsers.identity import fold, normalize_space
from parsers.pages._layout import Layout
from parsers.pages._shared import READ_MORE
from parsers.pages._slots import Label, Slot
from parsers.times import find_time_labels

__all__ = ["assign_titles", "title_text"]

_EDGES = " \t\n\u00a0·•|-–—"
_LONGEST = 300


def assign_titles(
    lay: Layout, slots: list[Slot], labels: list[Label], time_first: bool, items: set[int]
) -> None:
    """Fill in `slot.title` for the slots at the indices `items` (those that become items)."""
    blocks: dict[int, list[tuple[int, int]]] = {}
    for index, slot in enumerate(slots):
        if index not in items:
            continue
        previous = slots[index - 1] if index else None
        start = _loose_start(slot, previous, time_first) if slot.loose else None
        if start is not None:
            slot.title = _heading_or_link(lay, start, slot.dateline.start)
        if slot.title is None and slot.container:
            slot.title = _container_title(lay, slot, lay.headings)
        if slot.title is None:
            first = slot.container[0] if slot.container else start
            if first is not None:
                blocks[index] = _blocks(lay, first, slot.dateline.start, labels)
    _drop_repeated(lay.text, blocks)
    loose = [index for index in items if slots[index].loose and not slots[index].container]
    if loose and not all(blocks.get(index) for index in loose):
        for index in loose:
            blocks.pop(index, None)
    for index in items:
        slot = slots[index]
        if slot.title is None and blocks.get(index):
            slot.title = blocks[index][-1]
        if slot.title is None and slot.container:
            slot.title = _container_title(lay, slot, [(s, e) for s, e, _ in lay.links])


def title_text(text: str, span: tuple[int, int]) -> str | None:
    """The title at `span`, or None when that text cannot be one (a time label, "lees meer", too long)."""
    title = normalize_space(text[span[0] : span[1]])
    if not title or len(title) > _LONGEST or READ_MORE.fullmatch(title) or find_time_labels(title):
        return None
    return title


def _loose_start(slot: Slot, previous: Slot | None, time_first: bool) -> int | None:
    """Where the text that may title a loose slot starts: after the previous item, or the list's start."""
    if previous and previous.loose and previous.label:
        return slot.gap_start if time_first else max(previous.label.end, slot.gap_start)
    if slot.scope:  # the first item of a list: only what the list itself holds
        return max(slot.scope[0], slot.gap_start)
    return None


def _heading_or_link(lay: Layout, start: int, end: int) -> tuple[int, int] | None:
    found = [(s, e) for s, e in lay.headings if start <= s and e <= end]
    found += [(s, e) for s, e, _ in lay.links if start <= s and e <= end]
    found = [span for span in found if title_text(lay.text, span)]
    return max(found) if found else None


def _container_title(lay: Layout, slot: Slot, candidates: list[tuple[int, int]]) -> tuple[int, int] | None:
    first, last = slot.container or (0, 0)
    lead_start, lead_end = slot.dateline.start, slot.lead_end
    for s, e in candidates:
        if (
            first <= s
            and e <= last
            and not (s < lead_end and lead_start < e)
            and title_text(lay.text, (s, e))
        ):
            return s, e
    return None


def _blocks(lay: Layout, start: int, end: int, labels: list[Label]) -> list[tuple[int, int]]:
    """The spans of text[start:end] between line breaks and labels that read as a title, in order."""
    text = lay.text
    cuts = [(lab.start, lab.end) for lab in labels if start <= lab.start and lab.end <= end]
    pieces: list[tuple[int, int]] = []
    for s, e in [*cuts, (end, end)]:
        line = start
        while line < s:
            stop = text.find("\n", line, s)
            stop = s if stop < 0 else stop
            pieces.append((line, stop))
            line = stop + 1
        start = max(start, e)
    found = []
    for s, e in pieces:
        while s < e and text[s] in _EDGES:
            s += 1
        while e > s and text[e - 1] in _EDGES:
            e -= 1
        s = _after_kickers(text, s, e, lay.boundaries)
        if e <= s or not any(ch.islower() for ch in text[s:e]) or not title_text(text, (s, e)):
            continue
        same_line = "\n" not in text[e:end] and not any(e <= cut for cut, _ in cuts)
        if same_line and end not in lay.boundaries:
            continue  # text on the dateline's own line is a title only when the dateline opens a new node
        found.append((s, e))
    return found


def _after_kickers(text: str, start: int, end: int, boundaries: set[int]) -> int:
    """Skip text nodes in capitals that open a block ("<span>ANP</span> <span>Titel</span>")."""
    at = start + 1
    while at < end:
        if at in boundaries:
            if any(ch.islower() for ch in text[start:at]):
                break
            start = at
        at += 1
    return start


def _drop_repeated(text: str, blocks: dict[int, list[tuple[int, int]]]) -> None:
    """Remove blocks whose text stands before more than one item: kickers, categories, share buttons."""
    seen = Counter(
        key for spans in blocks.values() for key in {fold(normalize_space(text[s:e])) for s, e in spans}
    )
    for index, spans in blocks.items():
        blocks[index] = [(s, e) for s, e in spans if seen[fold(normalize_space(text[s:e]))] < 2]
