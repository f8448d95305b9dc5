"""Items found by their datelines: each slot with a label becomes an item with its title and link.

Inside a container the title is its first heading (else link) outside the lead; for loose slots it is the
heading or link between the previous item and this dateline. The link is the one around the title, else
around the lead, else the first one in the container.
"""

from __future__ import annotations

from datetime import datetime

from selectolax.lexbor import LexborNode

from parsers.datelines import find_datelines
from parsers.identity import canonical_url, content_hash, normalize_space, text_uid
from parsers.models import Item
from parsers.pages._layout import Layout, layout
from parsers.pages._shared import READ_MORE, absolute
from parsers.pages._slots import (
    Slot,
    find_labels,
    find_slots,
    label_after,
    label_before,
    order_score,
    too_much_text,
)
from parsers.times import find_time_labels, parse_time_label

__all__ = ["text_items"]


def text_items(root: LexborNode, now: datetime, base_url: str | None) -> list[Item]:
    """The dateline items under `root`, in page order; `now` is aware UTC."""
    lay = layout(root)
    text = lay.text
    spans = find_time_labels(text)
    datelines = find_datelines(text, boundaries=lay.boundaries, labels=spans)
    if not datelines:
        return []
    labels = find_labels(lay, spans)
    slots = find_slots(lay, datelines, labels)
    inside = [slot.container for slot in slots if slot.container]
    loose = [lab for lab in labels if not any(c[0] <= lab.start and lab.end <= c[1] for c in inside)]
    unlabelled = [slot for slot in slots if slot.label is None]
    after = [label_after(text, slot, loose) for slot in unlabelled]
    before = [label_before(text, slot, loose) for slot in unlabelled]
    # the order the page uses gives more items a label; on a tie, the one with labels closer to the leads
    time_first = order_score(text, unlabelled, before, True) > order_score(text, unlabelled, after, False)
    for slot, lab in zip(unlabelled, before if time_first else after, strict=True):
        slot.label, slot.loose = lab, lab is not None
    items: list[Item] = []
    for index, slot in enumerate(slots):
        if slot.label is None or (slot.container and too_much_text(text, slot)):
            continue
        if slot.loose:
            slot.title = _loose_title(lay, slot, slots[index - 1] if index else None, time_first)
        item = _item(lay, slot, now, base_url)
        if item is not None:
            items.append(item)
    return items


def _loose_title(lay: Layout, slot: Slot, previous: Slot | None, time_first: bool) -> tuple[int, int] | None:
    """A heading or link after the previous item's lead (or its label, when labels follow leads)."""
    if previous and previous.loose and previous.label:
        start = slot.gap_start if time_first else max(previous.label.end, slot.gap_start)
    elif slot.scope:  # the first item of a list: only what the list itself holds
        start = max(slot.scope[0], slot.gap_start)
    else:
        return None
    found = [(s, e) for s, e in lay.headings if start <= s and e <= slot.dateline.start]
    found += [(s, e) for s, e, _ in lay.links if start <= s and e <= slot.dateline.start]
    found = [span for span in found if _title_text(lay.text, span)]
    return max(found) if found else None


def _title_text(text: str, span: tuple[int, int]) -> str | None:
    title = normalize_space(text[span[0] : span[1]])
    if not title or len(title) > 300 or READ_MORE.fullmatch(title) or find_time_labels(title):
        return None
    return title


def _item(lay: Layout, slot: Slot, now: datetime, base_url: str | None) -> Item | None:
    text, dateline, label = lay.text, slot.dateline, slot.label
    lead = normalize_space(text[dateline.end : slot.lead_end])
    if not lead or label is None:
        return None
    if label.exact is not None:
        published_at, precision = min(label.exact, now), None
    else:
        stamp = parse_time_label(label.text, now)
        if stamp is None:
            return None
        published_at, precision = stamp.published_at, stamp.precision
    lead_span = (dateline.start, slot.lead_end)
    title_span = slot.title
    if slot.container and title_span is None:
        first, last = slot.container
        for candidates in (lay.headings, [(s, e) for s, e, _ in lay.links]):
            found = [
                (s, e)
                for s, e in candidates
                if first <= s
                and e <= last
                and not (s < lead_span[1] and lead_span[0] < e)
                and _title_text(text, (s, e))
            ]
            if found:
                title_span = found[0]
                break
    title = _title_text(text, title_span) if title_span else None
    url = _link(lay, slot, title_span, base_url)
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


def _link(lay: Layout, slot: Slot, title: tuple[int, int] | None, base_url: str | None) -> str | None:
    """The link around the title, else around the lead, else the first one in the container."""
    places = [p for p in (title[0] if title else None, slot.dateline.start) if p is not None]
    candidates = [href for s, e, href in lay.links for p in places if s <= p < e]
    if slot.container:
        first, last = slot.container
        candidates += [href for s, e, href in lay.links if first <= s and e <= last]
    for href in candidates:
        url = absolute(href, base_url)
        if url:
            return url
    return None
