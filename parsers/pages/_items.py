"""Items found by their datelines: each slot with a label becomes an item with its title and link.

Titles are chosen by `_titles`. The link is the one around the title, else around the lead, else one in
the lead's line ("lees meer"), else the first one in the container that no other item's container holds
too (a category link is no item's link).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, tzinfo

from selectolax.lexbor import LexborNode

from parsers.datelines import find_datelines
from parsers.deadline import NEVER, Deadline
from parsers.identity import canonical_url, content_hash, normalize_space, text_uid
from parsers.models import Item
from parsers.pages._labels import find_labels
from parsers.pages._layout import Layout, layout, spans_within
from parsers.pages._shared import absolute
from parsers.pages._slots import (
    Slot,
    find_slots,
    label_after,
    label_before,
    loose_labels,
    order_score,
    shrink_to_item,
    too_much_text,
)
from parsers.pages._ties import Ties
from parsers.pages._titles import assign_titles, title_text
from parsers.times import LOCAL_ZONE, TimeStamp, find_time_labels, parse_time_label

__all__ = ["text_items"]


def text_items(
    root: LexborNode,
    now: datetime,
    base_url: str | None,
    deadline: Deadline = NEVER,
    zone: tzinfo = LOCAL_ZONE,
) -> list[Item]:
    """The dateline items under `root`, in page order; `now` is aware UTC."""
    lay = layout(root, deadline)
    text = lay.text
    spans = find_time_labels(text, deadline=deadline)
    if not spans and not lay.times:
        return []  # no item without a label: an article with a dateline and no list
    page_text = lay.dateline_text()
    datelines = find_datelines(
        page_text, boundaries=lay.boundaries, labels=spans, openers=lay.openers, deadline=deadline
    )
    if not datelines:
        return []
    labels = find_labels(lay, spans, page_text, deadline, zone)
    ties = Ties(lay, labels)
    slots = find_slots(lay, datelines, labels, ties, deadline)
    loose = loose_labels(slots, labels)
    # a slot without a label of its own takes one found outside containers only as part of a list of
    # such slots (its neighbour shares its list); an article's lead beside a list takes none
    unlabelled = [slot for index, slot in enumerate(slots) if slot.label is None and _in_run(slots, index)]
    after = [label_after(text, slot, loose, ties, deadline) for slot in unlabelled]
    before = [label_before(text, slot, loose, ties, deadline) for slot in unlabelled]
    # the order the page uses gives more items a label; on a tie, the one with labels closer to the leads
    time_first = order_score(text, unlabelled, before, True) > order_score(text, unlabelled, after, False)
    for slot, lab in zip(unlabelled, before if time_first else after, strict=True):
        slot.label, slot.loose = lab, lab is not None
    deadline.check("matching labels to datelines")
    keep = set()
    for index, slot in enumerate(slots):
        deadline.tick("matching labels to datelines")
        if slot.label is None or _article_lead(lay, slots, index):
            continue
        if slot.container and too_much_text(text, slot):
            shrink_to_item(lay, slot, labels)  # one item among other headlines: what holds lead and label
            if too_much_text(text, slot):
                continue
        keep.add(index)
    assign_titles(lay, slots, labels, time_first, keep, deadline)
    shared = _shared_links(lay, [slot for index, slot in enumerate(slots) if index in keep])
    stamps: dict[str, TimeStamp | None] = {}  # labels repeat ("1 uur geleden"): each is read once
    items = []
    for index, slot in enumerate(slots):
        if index in keep:
            deadline.tick("building items")
            item = _item(lay, slot, now, base_url, shared, stamps, zone)
            if item is not None:
                items.append(item)
    return items


def _article_lead(lay: Layout, slots: list[Slot], index: int) -> bool:
    """Whether the slot is the lead of the page's article beside a list of items: no neighbour shares its
    list, and its container holds the page's title (an h1)."""
    slot = slots[index]
    if slot.scope is None or slot.container is None or _in_run(slots, index):
        return False
    first, last = slot.container
    at = bisect_left(lay.page_titles, first)
    return at < len(lay.page_titles) and lay.page_titles[at] < last


def _in_run(slots: list[Slot], index: int) -> bool:
    scope = slots[index].scope
    return scope is not None and any(
        0 <= other < len(slots) and slots[other].scope == scope for other in (index - 1, index + 1)
    )


def _shared_links(lay: Layout, slots: list[Slot]) -> set[str]:
    """Hrefs found in more than one item's container: a section or category link, not an item's own."""
    seen: Counter[str] = Counter()
    for slot in slots:
        if slot.container:
            first, last = slot.container
            seen.update(
                {lay.links[at][2] for at in spans_within(lay.link_starts, lay.link_spans, first, last)}
            )
    return {href for href, count in seen.items() if count > 1}


def _item(
    lay: Layout,
    slot: Slot,
    now: datetime,
    base_url: str | None,
    shared: set[str],
    stamps: dict[str, TimeStamp | None],
    zone: tzinfo,
) -> Item | None:
    text, dateline, label = lay.text, slot.dateline, slot.label
    lead = normalize_space(text[dateline.end : slot.lead_end])
    if not lead or label is None:
        return None
    if label.exact is not None:
        published_at, precision = min(label.exact, now), None
    else:
        if label.text in stamps:
            stamp = stamps[label.text]
        else:
            stamp = stamps[label.text] = parse_time_label(label.text, now, zone)
        if stamp is None:
            return None
        published_at, precision = stamp.published_at, stamp.precision
    title = title_text(lay, slot.title) if slot.title else None
    url = _link(lay, slot, slot.title, base_url, shared)
    return Item(
        uid=canonical_url(url) if url else text_uid(dateline.place, dateline.agencies, lead),
        place=dateline.place,
        agencies=dateline.agencies,
        title=title,
        text=lead,
        url=url,
        published_at=published_at,
        time_label=label.text,
        content_hash=content_hash(title, lead),
        published_precision=precision,
    )


def _link(
    lay: Layout, slot: Slot, title: tuple[int, int] | None, base_url: str | None, shared: set[str]
) -> str | None:
    """The link around the title, else around the lead, else one in the lead's line ("lees meer"), else the
    first one in the container that no other item's container holds too."""
    for href in _link_candidates(lay, slot, title, shared):
        url = absolute(href, base_url)
        if url:
            return url
    return None


def _link_candidates(
    lay: Layout, slot: Slot, title: tuple[int, int] | None, shared: set[str]
) -> Iterator[str]:
    """The hrefs `_link` tries, in its order; each group found by bisection, never by scanning the page."""
    places = [p for p in (title[0] if title else None, slot.dateline.start) if p is not None]
    around = sorted((at, order) for order, p in enumerate(places) for at in lay.links_at(p))
    for at, _ in around:
        yield lay.links[at][2]
    starts = lay.link_starts
    for at in range(bisect_left(starts, slot.dateline.end), bisect_left(starts, slot.lead_stop)):
        yield lay.links[at][2]
    if slot.container:
        first, last = slot.container
        for at in spans_within(starts, lay.link_spans, first, last):
            if lay.links[at][2] not in shared:
                yield lay.links[at][2]
