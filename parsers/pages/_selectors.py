"""Configured selectors: for sites whose items have no datelines, CSS selectors say where each item is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from parsers.datelines import match_dateline
from parsers.deadline import NEVER, Deadline
from parsers.errors import SelectorError
from parsers.identity import canonical_url, content_hash, normalize_space, text_uid
from parsers.models import Item
from parsers.pages._shared import READ_MORE, absolute, exact_datetime
from parsers.times import LOCAL_ZONE, find_time_labels, parse_time_label

__all__ = ["Selectors", "check_selectors", "selector_items"]


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors for a site whose items have no datelines: each `item` element is one item."""

    item: str
    title: str | None = None
    lead: str | None = None
    time: str | None = None
    link: str | None = None


def check_selectors(selectors: Selectors) -> None:
    """Raise `SelectorError` for a selector lexbor cannot parse."""
    probe = LexborHTMLParser("<p></p>")
    for name in ("item", "title", "lead", "time", "link"):
        selector = getattr(selectors, name)
        if selector is None:
            continue
        try:
            probe.css(selector)
        except (SelectolaxError, ValueError, TypeError) as exc:
            raise SelectorError(f"invalid CSS selector for {name}: {selector!r}") from exc


def selector_items(
    root: LexborNode,
    sel: Selectors,
    now: datetime,
    base_url: str | None,
    deadline: Deadline = NEVER,
    zone: tzinfo = LOCAL_ZONE,
) -> list[Item]:
    """An item per `sel.item` element under `root` that holds any text, in page order."""
    items: list[Item] = []
    for node in root.css(sel.item):
        deadline.tick("reading the selected items")
        title_node = node.css_first(sel.title) if sel.title else None
        lead_node = node.css_first(sel.lead) if sel.lead else None
        time_node = node.css_first(sel.time) if sel.time else None
        title = normalize_space(title_node.text(separator=" ")) if title_node else ""
        lead = normalize_space((lead_node or node).text(separator=" "))
        label, published_at, precision = _selector_time(
            time_node, lead if time_node is None else "", now, zone
        )
        shown = normalize_space(time_node.text(separator=" ")) if time_node else label
        # without a lead selector the lead is what the item holds besides its title and time
        for part in [title, shown] if lead_node is None else [shown if time_node is None else None]:
            if part:
                lead = normalize_space(lead.replace(part, " ", 1))
        dateline = match_dateline(lead)
        body = normalize_space(READ_MORE.sub("", lead[dateline.end :] if dateline else lead)) or title
        if not body:
            continue
        url = _selector_link(node, sel.link, base_url)
        place, agencies = (dateline.place, dateline.agencies) if dateline else (None, ())
        items.append(
            Item(
                uid=canonical_url(url) if url else text_uid(place, agencies, body),
                place=place,
                agencies=agencies,
                title=title or None,
                text=body,
                url=url,
                published_at=published_at,
                time_label=label,
                content_hash=content_hash(title or None, body),
                published_precision=precision,
            )
        )
    return items


def _selector_time(
    node: LexborNode | None, fallback: str, now: datetime, zone: tzinfo
) -> tuple[str | None, datetime | None, int | None]:
    visible = normalize_space(node.text(separator=" ")) if node else fallback
    attr = (node.attributes.get("datetime") or "") if node else ""
    moment = exact_datetime(attr, zone) if attr else None
    if moment is not None:
        return visible or attr.strip(), min(moment, now), None
    for start, end in find_time_labels(visible):
        stamp = parse_time_label(visible[start:end], now, zone)
        if stamp:
            return stamp.label, stamp.published_at, stamp.precision
    return None, None, None


def _selector_link(node: LexborNode, selector: str | None, base_url: str | None) -> str | None:
    link = node.css_first(selector) if selector else None
    if link is None and node.tag == "a":
        link = node
    if link is None and not selector:
        link = node.css_first("a[href]")
        parent, hops = node.parent, 0
        while link is None and parent is not None and hops < 3:  # a card wrapped in its link
            link, parent, hops = (parent if parent.tag == "a" else None), parent.parent, hops + 1
    href = (link.attributes.get("href") or "") if link else ""
    return absolute(href, base_url)
