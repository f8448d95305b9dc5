"""Titles: which text of the page names each item, whatever element holds it.

In order, the first that exists:

1. for a loose slot (its label found outside any container), a heading or link between the previous item
   and its dateline;
2. the last heading in its container before the dateline, else the first after the lead;
3. the last short *block* before its dateline: the text between line breaks and time labels, inside the
   container (for a loose slot: after the previous item), that is no kicker in capitals
   ("ANP"), no credit ("Foto: ANP"), no "lees meer", no list heading ("Meer uit Buitenland", "Net
   binnen"), and no text that stands before other items too ("Buitenland");
4. the last link in its container before the dateline, else the first after the lead.

For a loose slot, "before its dateline" reaches back to the previous item: its container, if any, is only
part of the item. Titles found there count only when every loose slot has a title: otherwise what stands
between one item's label and the next dateline ("Delen", a list heading) would pass for one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from parsers.deadline import NEVER, Deadline
from parsers.identity import fold, normalize_space
from parsers.pages._labels import Labels
from parsers.pages._layout import Layout, spans_within
from parsers.pages._shared import LIST_HEADING, READ_MORE
from parsers.pages._slots import Slot
from parsers.times import find_time_labels

__all__ = ["assign_titles", "title_text"]

_EDGES = " \t\n\u00a0·•|-–—"
_LONGEST = 300
# credits, captions and lead-ins: "Foto: ANP", "© Reuters", "Lees ook:"
_NO_TITLE = re.compile(r"(?i:foto|beeld|photo|image|bron|source|credit)s?\s*:|©|.*:\s*$", re.DOTALL)


def assign_titles(
    lay: Layout,
    slots: list[Slot],
    labels: Labels,
    time_first: bool,
    items: set[int],
    deadline: Deadline = NEVER,
) -> None:
    """Fill in `slot.title` for the slots at the indices `items` (those that become items)."""
    blocks: dict[int, list[tuple[int, int]]] = {}
    between: set[int] = set()  # slots whose title comes from the text between items, not their container
    for index in sorted(items):
        deadline.tick("finding titles")
        slot = slots[index]
        start = _loose_start(slot, slots[index - 1] if index else None, time_first) if slot.loose else None
        if start is not None:
            slot.title = _heading_or_link(lay, start, slot.dateline.start)
            between.add(index)
        if slot.title is None and slot.container:
            slot.title = _container_title(lay, slot, lay.heading_starts, lay.headings)
            if slot.title:
                between.discard(index)
        if slot.title is None:
            # a label outside the container shows the container is only part of the item
            first = start if start is not None else (slot.container[0] if slot.container else None)
            if first is not None:
                blocks[index] = _blocks(lay, first, slot.dateline.start, labels)
    deadline.check("finding titles")
    _drop_repeated(lay, blocks, deadline)
    deadline.check("finding titles")
    for index in sorted(items):
        slot = slots[index]
        if slot.title is None and blocks.get(index):
            slot.title = blocks[index][-1]
        if slot.title is None and slot.container:
            slot.title = _container_title(lay, slot, lay.link_starts, lay.link_spans)
            between.discard(index)
    if not all(slots[index].title for index in items if slots[index].loose):
        # titles found between items count only when every loose item has one: otherwise what stands
        # between one item's label and the next dateline ("Delen", an ad) would pass for a title
        for index in between:
            slots[index].title = None


def title_text(lay: Layout, span: tuple[int, int]) -> str | None:
    """The title at `span` of the page's text, or None when that text cannot be one (a time label, "lees
    meer", too long). Each span is judged once: the same heading is tried for several items' titles."""
    if span in lay.titles:
        return lay.titles[span]
    title = lay.titles[span] = _title_text(lay.text, span)
    return title


def _title_text(text: str, span: tuple[int, int]) -> str | None:
    title = normalize_space(text[span[0] : span[1]])
    if (
        not title
        or len(title) > _LONGEST
        or READ_MORE.fullmatch(title)
        or LIST_HEADING.fullmatch(title)
        or find_time_labels(title)
    ):
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
    found = [lay.headings[at] for at in spans_within(lay.heading_starts, lay.headings, start, end)]
    found += [lay.link_spans[at] for at in spans_within(lay.link_starts, lay.link_spans, start, end)]
    for span in sorted(found, reverse=True):  # the last one that can be a title
        if title_text(lay, span):
            return span
    return None


def _container_title(
    lay: Layout, slot: Slot, starts: list[int], candidates: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The last of `candidates` (sorted, with their `starts`) in the container before the dateline that can be a
    title, else the first after the lead: a container that also holds its list's heading (a list of one item)
    has the item's own title nearest the dateline."""
    first, last = slot.container or (0, 0)
    lead_start, lead_end = slot.dateline.start, slot.lead_end
    after = None
    for at in reversed(list(spans_within(starts, candidates, first, last))):
        s, e = candidates[at]
        if (s < lead_end and lead_start < e) or not title_text(lay, (s, e)):
            continue
        if e <= lead_start:
            return s, e
        after = s, e
    return after


def _blocks(lay: Layout, start: int, end: int, labels: Labels) -> list[tuple[int, int]]:
    """The spans of text[start:end] between line breaks and labels, without edges and kickers, in order."""
    text = lay.text
    cuts = [(lab.start, lab.end) for lab in labels.within(start, end)]
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
        s, e = _strip(text, s, e)
        s = _after_kickers(text, s, e, lay.boundary_list)
        same_line = "\n" not in text[e:end] and not any(e <= cut for cut, _ in cuts)
        if e <= s or (same_line and end not in lay.boundaries and not _glued(text, e, end)):
            continue  # text on the dateline's own line is a title only when the dateline opens a new node
        found.append((s, e))  # or when the title runs into it: "...burgemeester MinneapolisWASHINGTON (ANP)"
    return found


def _glued(text: str, title_end: int, dateline_start: int) -> bool:
    """Whether a title runs into the dateline: at most a space between them, and it ends in no capital."""
    return dateline_start - title_end <= 1 and not text[title_end - 1].isupper()


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGES:
        start += 1
    while end > start and text[end - 1] in _EDGES:
        end -= 1
    return start, end


def _after_kickers(text: str, start: int, end: int, boundaries: list[int]) -> int:
    """Skip text nodes in capitals that open a block ("<span>ANP</span> <span>Titel</span>")."""
    at = _first_node_end(start, end, boundaries)
    while at < end and not any(ch.islower() for ch in text[start:at]):
        start = _strip(text, at, end)[0]
        at = _first_node_end(start, end, boundaries)
    return start


def _first_node_end(start: int, end: int, boundaries: list[int]) -> int:
    """Where the next text node after the one at `start` begins, or `end` (`boundaries` ascending)."""
    at = bisect_right(boundaries, start)
    return boundaries[at] if at < len(boundaries) and boundaries[at] < end else end


def _reads_as_title(lay: Layout, span: tuple[int, int]) -> bool:
    start, end = span
    text = lay.text
    return (
        any(ch.islower() for ch in text[start:end])
        and not _NO_TITLE.match(text, start, end)
        and title_text(lay, span) is not None
    )


def _drop_repeated(lay: Layout, blocks: dict[int, list[tuple[int, int]]], deadline: Deadline = NEVER) -> None:
    """Remove the text that stands before more than one item (kickers, categories, share buttons): whole
    blocks, and the text nodes that open a block ("<span>Buitenland</span> <span>Titel</span>")."""
    text, boundaries = lay.text, lay.boundary_list
    keys: dict[tuple[int, int], str] = {}  # each span's text, folded once

    def key(start: int, end: int) -> str:
        found = keys.get((start, end))
        if found is None:
            found = keys[start, end] = fold(normalize_space(text[start:end]))
        return found

    for _ in range(3):
        openers: Counter[str] = Counter()
        for spans in blocks.values():
            deadline.tick("finding titles")
            openers.update({key(s, _first_node_end(s, e, boundaries)) for s, e in spans})
        trimmed = False
        for index, spans in blocks.items():
            deadline.tick("finding titles")
            kept = []
            for s, e in spans:
                at = _first_node_end(s, e, boundaries)
                if at < e and openers[key(s, at)] > 1:
                    s, trimmed = _strip(text, at, e)[0], True
                kept.append((s, e))
            blocks[index] = kept
        if not trimmed:
            break
    seen = Counter(k for spans in blocks.values() for k in {key(s, e) for s, e in spans})
    for index, spans in blocks.items():
        deadline.tick("finding titles")
        blocks[index] = [span for span in spans if seen[key(*span)] < 2 and _reads_as_title(lay, span)]
