"""Slots: per dateline its lead, container and label.

A dateline's *container* is the largest element holding this dateline and no other; when it exists, the label
comes from inside it: the one after the lead, or the one before the dateline when less text lies between. When
that container is a stream of timestamped headlines (a list of one item among them), the item is the smallest
element holding its lead and label (`shrink_to_item`). Without one, the label is picked later by `label_after` or `label_before`, whichever
order the whole page uses more (`order_score`). So is a label glued before the dateline in the dateline's own
element ("<p>8 minuten geledenMEITAR (ANP) - ...</p>"): it may end the item before (it is *released*).
Every label must be tied to its dateline (`_ties`). A lead ends at the first label after its dateline
("...aanstoot aan.8 minuten geledenNetanyahu dreigtMEITAR (ANP/AFP) - ...").
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from parsers.datelines import Dateline
from parsers.deadline import NEVER, Deadline
from parsers.pages._labels import Label, Labels, path_at
from parsers.pages._layout import Layout, common_depth
from parsers.pages._shared import READ_MORE
from parsers.pages._ties import Ties

__all__ = [
    "Slot",
    "find_slots",
    "label_after",
    "label_before",
    "loose_labels",
    "order_score",
    "shrink_to_item",
    "too_much_text",
]

_FILLER_CHARS = " \n\t·•|-–—:,;"
_FILLER = str.maketrans(dict.fromkeys(_FILLER_CHARS))
_MAX_FILLER = 200  # text allowed between a lead and a label outside any container (a title, "lees meer")
_MAX_EXTRA = 500  # text a container may hold besides its lead and label: a title, a kicker, "lees meer"
_MAX_TRAILING = 150  # of which after the lead: "lees meer", share buttons; never another paragraph
_MAX_LINES = 2  # lines between a lone dateline and its label: a kicker and a title
_LONGEST_TITLE = 300
_STREAM = 2  # other time labels in a container that make it a stream of headlines (`shrink_to_item`)


@dataclass(slots=True)
class Slot:
    """One dateline and what belongs to it; `label` and `title` are filled in as they are found."""

    dateline: Dateline
    lead_end: int  # the lead is text[dateline.end:lead_end]
    gap_start: int  # where the text before this dateline starts to be its own
    gap_end: int  # the next dateline's start
    path: tuple[int, ...]  # the elements open around the dateline
    container: tuple[int, int] | None  # the largest element holding this dateline and no other
    scope: tuple[int, int] | None  # the smallest element holding this dateline and a neighbouring one
    label: Label | None = None
    loose: bool = False  # the label was found outside any container, by the page's label order
    title: tuple[int, int] | None = None
    lead_stop: int = 0  # where the lead's line or element ends, before "lees meer" and labels are cut off
    released: Label | None = None  # a label glued before the dateline in its own element (see above)


def find_slots(
    lay: Layout, datelines: list[Dateline], labels: Labels, ties: Ties, deadline: Deadline = NEVER
) -> list[Slot]:
    """A slot per dateline, labelled when its container holds a label tied to it."""
    text = lay.text
    paths = [path_at(lay, d.start) for d in datelines]
    slots: list[Slot] = []
    preceding = 0  # how many open elements this dateline shares with the one before
    for i, dateline in enumerate(datelines):
        deadline.tick("matching labels to datelines")
        gap_end = datelines[i + 1].start if i + 1 < len(datelines) else len(text)
        limit = min(gap_end, _element_end(lay, paths[i], dateline))
        line_end = text.find("\n", dateline.end, limit)  # never past the limit: glued lists have no lines
        stop = line_end if line_end >= 0 else limit
        following = labels.first_from(dateline.end)
        if following < len(labels) and labels.items[following].start < stop:
            stop = labels.items[following].start  # "...aanstoot aan.8 minuten geledenNetanyahu dreigtMEITAR"
        lead_end = _trim_lead(text, dateline.end, stop, labels)
        following = common_depth(paths[i], paths[i + 1]) if i + 1 < len(datelines) else 0
        depth = max(preceding, following)
        preceding = following
        container = lay.ranges.get(paths[i][depth]) if depth < len(paths[i]) else None
        scope = lay.ranges.get(paths[i][depth - 1]) if depth else None
        gap_start = slots[-1].lead_end if slots else 0
        slot = Slot(dateline, lead_end, gap_start, gap_end, paths[i], container, scope, lead_stop=stop)
        if container:
            slot.label = _container_label(text, slot, labels, ties)
        if slot.label and depth and not slot.label.exact and _glued_before(text, slot, slot.label):
            slot.label, slot.released = None, slot.label
        if container and not depth and slot.label and not _near(lay, slot, slot.label):
            slot.label = None  # a lone dateline takes no label from across a banner, a menu and a title
        if container and not depth and slot.label:
            # a lone dateline's container is the whole page: the item is what holds its lead and label
            slot.container = _enclosing(lay, paths[i], slot.label)
        slots.append(slot)
    return slots


def _near(lay: Layout, slot: Slot, label: Label) -> bool:
    """Whether a lone dateline's label is its own: inside the block that holds the dateline and the page's
    title (an h1) if there is one, with at most two lines of text (a kicker and a title, "lees meer") and
    one link between them."""
    text = lay.text
    for ident in reversed(slot.path):
        first, last = lay.ranges.get(ident, (0, 0))
        at = bisect_left(lay.page_titles, first)
        if at < len(lay.page_titles) and lay.page_titles[at] < last:
            if not (first <= label.start and label.end <= last):
                return False  # the article's title and lead stand apart from the label
            break
    start, end = (
        (label.end, slot.dateline.start) if label.end <= slot.dateline.start else (slot.lead_end, label.start)
    )
    links = bisect_left(lay.links, (end,)) - bisect_left(lay.links, (start,))
    return links <= 1 and sum(1 for line in text[start:end].split("\n") if _filler(line)) <= _MAX_LINES


def _glued_before(text: str, slot: Slot, label: Label) -> bool:
    """Whether `label` stands before the dateline on its line in the dateline's own element, with at most a
    title between: the label may end the previous item ("<p>8 minuten geledenMEITAR (ANP) - ...")."""
    if label.end > slot.dateline.start or label.path != slot.path:
        return False
    if slot.dateline.start - label.end > _LONGEST_TITLE:
        return False
    between = text[label.end : slot.dateline.start]
    return "\n" not in between or not _filler(between)


def _element_end(lay: Layout, path: tuple[int, ...], dateline: Dateline) -> int:
    """The end of the smallest element holding the whole dateline: no lead runs past it."""
    for ident in reversed(path):
        last = lay.ranges.get(ident, (0, 0))[1]
        if last > dateline.end:
            return last
    return len(lay.text)


def _enclosing(lay: Layout, path: tuple[int, ...], label: Label) -> tuple[int, int] | None:
    """The smallest element on `path` that also holds `label`."""
    for ident in reversed(path):
        first, last = lay.ranges.get(ident, (0, 0))
        if first <= label.start and label.end <= last:
            return first, last
    return None


def _trim_lead(text: str, start: int, end: int, labels: Labels) -> int:
    """End of the lead proper: without a trailing "lees meer" or a time label glued to its end."""
    for _ in range(2):
        read_more = READ_MORE.search(text, max(start, end - 40), end)
        end = start + len(text[start : read_more.start() if read_more else end].rstrip())
        glued = [lab for lab in labels.within(start + 1, end) if not text[lab.end : end].strip()]
        if not glued:
            break
        end = glued[-1].start
    return start + len(text[start:end].rstrip())


def _container_label(text: str, slot: Slot, labels: Labels, ties: Ties) -> Label | None:
    """The label in the container after the lead, or before the dateline when less text lies between (a
    container that is a whole column also holds the page's own dates)."""
    first, last = slot.container or (0, 0)
    inside = [lab for lab in labels.within(first, last) if ties.tied(lab, slot.path)]
    following = next((lab for lab in inside if lab.start >= slot.lead_end), None)
    preceding = next((lab for lab in reversed(inside) if lab.end <= slot.dateline.start), None)
    if following and preceding:
        after = _filler_in(text, slot.lead_end, following.start)
        return following if after <= _filler_in(text, preceding.end, slot.dateline.start) else preceding
    return following or preceding


def loose_labels(slots: list[Slot], labels: Labels) -> Labels:
    """The labels outside every container, and the released ones (containers never overlap)."""
    taken = {id(lab) for slot in slots if slot.container for lab in labels.within(*slot.container)}
    taken -= {id(slot.released) for slot in slots if slot.released}
    return Labels([lab for lab in labels if id(lab) not in taken])


def label_after(
    text: str, slot: Slot, labels: Labels, ties: Ties, deadline: Deadline = NEVER
) -> Label | None:
    """The first label tied to the slot after its lead, when little but filler lies between them."""
    deadline.tick("matching labels to datelines")
    for at in range(labels.first_from(slot.lead_end), len(labels)):
        lab = labels.items[at]
        if lab.end > slot.gap_end or _filler_in(text, slot.lead_end, lab.start) > _MAX_FILLER:
            return None
        if _in_scope(slot, lab) and ties.tied(lab, slot.path):
            return lab
    return None


def label_before(
    text: str, slot: Slot, labels: Labels, ties: Ties, deadline: Deadline = NEVER
) -> Label | None:
    """The last label tied to the slot before its dateline, when little but filler lies between them."""
    deadline.tick("matching labels to datelines")
    for at in range(labels.first_from(slot.dateline.start) - 1, -1, -1):
        lab = labels.items[at]
        if lab.start < slot.gap_start or _filler_in(text, lab.end, slot.dateline.start) > _MAX_FILLER:
            return None
        if lab.end <= slot.dateline.start and _in_scope(slot, lab) and ties.tied(lab, slot.path):
            return lab
    return None


def _in_scope(slot: Slot, label: Label) -> bool:
    """A label found outside any container is the slot's only inside the list that holds it."""
    first, last = slot.scope or (0, 0)
    return first <= label.start and label.end <= last


def order_score(text: str, slots: list[Slot], labels: list[Label | None], first: bool) -> tuple[int, int]:
    """How well one label order fits: labels found, then (negated) filler between labels and leads."""
    found = [(slot, lab) for slot, lab in zip(slots, labels, strict=True) if lab is not None]
    distance = sum(
        _filler_in(text, lab.end, slot.dateline.start)
        if first
        else _filler_in(text, slot.lead_end, lab.start)
        for slot, lab in found
    )
    return len(found), -distance


def _filler(between: str) -> int:
    return len(between.translate(_FILLER))


def _filler_in(text: str, start: int, end: int) -> int:
    """`_filler(text[start:end])` without copying the slice: long spans are counted character by character
    in C, which is much faster than translating them."""
    end = min(end, len(text))
    if end - start < 256:
        return len(text[start:end].translate(_FILLER)) if end > start else 0
    return end - start - sum(text.count(char, start, end) for char in _FILLER_CHARS)


def shrink_to_item(lay: Layout, slot: Slot, labels: Labels) -> None:
    """Narrow the container of a labelled slot to the smallest element that holds its dateline and its label,
    when the container is a stream of timestamped headlines: it holds `_STREAM` other time labels or more.

    The largest element holding only this dateline can hold much more: a list of one item among headlines
    without datelines, in a sidebar or a column. Its lead and label together still make the item. An article
    (one dateline, a byline time, paragraphs) is no such stream, and stays no item.
    """
    if slot.label is None or slot.container is None:
        return
    others = sum(1 for lab in labels.within(*slot.container) if lab is not slot.label)
    if others >= _STREAM:
        slot.container = _enclosing(lay, slot.path, slot.label) or slot.container


def too_much_text(text: str, slot: Slot) -> bool:
    """An article body, not an item: more around the lead than a title and a kicker, or more after it."""
    first, last = slot.container or (0, 0)
    start, end = slot.dateline.start, slot.lead_end
    if (
        first <= start <= end <= last
        and (start - first) + (last - end) <= _MAX_EXTRA
        and last - end <= _MAX_TRAILING
    ):
        return False  # too little text around the lead to count
    label = slot.label
    inside = label is not None and first <= label.start and label.end <= last
    own = _filler_in(text, label.start, label.end) if label and inside else 0
    after = _filler_in(text, slot.lead_end, last) - (own if label and label.start >= slot.lead_end else 0)
    total = _filler_in(text, first, last) - _filler_in(text, slot.dateline.start, slot.lead_end) - own
    return total > _MAX_EXTRA or after > _MAX_TRAILING
