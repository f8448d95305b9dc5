"""Wire pages (HTML) -> items, found by what the text guarantees rather than by CSS classes.

An item is a lead that opens with a dateline (`PLACE (AGENCY) - ...`, see `parsers.datelines`) and carries a
time label (`parsers.times`, or `<time datetime>`) before or after it. The page is flattened into one text:
whitespace inside text nodes collapses to one space, block elements and `<br>` become line breaks, and the
offsets of links, headings, `<time>` elements and every element's range are kept. Then, per dateline:

- its *container* is the largest element holding this dateline and no other; when it exists, the label,
  title and link come from inside it, and a container with much more text than one lead (an article body
  whose first paragraph has a dateline) is no item;
- without one (leads and labels glued in one text block, or flat sibling lists), the label is the one
  right after the lead or the one right before the dateline, whichever the whole page uses more.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from parsers.datelines import Dateline, find_datelines, match_dateline
from parsers.errors import NotHtmlError, SelectorError
from parsers.identity import canonical_url, content_hash, normalize_space, text_uid, unique_by_uid
from parsers.models import Item
from parsers.times import LOCAL_ZONE, find_time_labels, parse_time_label

__all__ = ["Selectors", "looks_like_html", "parse_wire_page"]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STRIP = ["script", "style", "noscript", "template"]
_SKIP = frozenset(
    {*_STRIP, "head", "title", "svg", "math", "select", "option", "textarea", "iframe", "object"}
)
_BLOCKS = _word_set(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup html li main nav ol p pre section summary table tbody td tfoot th thead tr ul"
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BREAKS = frozenset({"br", "hr"})
_SPACES = re.compile(r"\s+")
_READ_MORE = re.compile(
    r"[\s\-–—|·•»›>]*(?i:lees (?:meer|verder)|meer lezen|read more|continue reading|weiterlesen)[\s»›>…→.]*$"
)
_FILLER = str.maketrans(dict.fromkeys(" \n\t·•|-–—:,;"))
_MAX_FILLER = 200  # text allowed between a lead and a label outside any container (a title, "lees meer")
_MAX_EXTRA = 500  # text a container may hold besides its lead and label: a title, a kicker, "lees meer"
_MAX_TRAILING = 150  # of which after the lead: "lees meer", share buttons; never another paragraph
_SHARE = re.compile(r"(?i)^(?:#|javascript:|mailto:|tel:|whatsapp:)|sharer|/intent/|/share\b|wa\.me/")
_FEED_ROOT = re.compile(r"<(?!!)(?!\?)([A-Za-z][\w:.-]*)")
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS", b"ID3")


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors for a site whose items have no datelines: each `item` element is one item."""

    item: str
    title: str | None = None
    lead: str | None = None
    time: str | None = None
    link: str | None = None


def looks_like_html(data: bytes | str) -> bool:
    """False for bodies that are clearly no HTML page: binary, JSON, RSS/Atom or other XML."""
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return looks_like_html(_decode(data))
        if data.startswith(_MAGIC) or b"\x00" in data[:4096]:
            return False
        text = data[:4096].decode("utf-8", "replace")
    else:
        text = data[:4096]
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "["):
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return True
        return False
    if head.startswith("<?xml") or head.startswith(("<rss", "<feed", "<rdf:RDF")):
        root = _FEED_ROOT.search(head)
        return root is not None and root.group(1).lower() == "html"
    return True


def parse_wire_page(
    html: str | bytes, *, now: datetime, base_url: str | None = None, selectors: Selectors | None = None
) -> list[Item]:
    """The items of a wire page in page order (newest first); `[]` when it holds none."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    if not looks_like_html(html):
        raise NotHtmlError("the body is not an HTML page")
    if selectors is not None:
        _check_selectors(selectors)
    if (b"<" if isinstance(html, bytes) else "<") not in html[:65536]:
        html = _plain_text_page(html)  # text/plain: its line breaks are the only structure it has
    tree = LexborHTMLParser(_parser_input(html))
    tree.strip_tags(_STRIP)
    now = now.astimezone(UTC)
    root = tree.body or tree.root
    if root is None or not (selectors or find_datelines(root.text(separator="\n"))):
        return []  # the cheap test: without a dateline in the plain text there is no wire item
    items = _selector_items(root, selectors, now, base_url) if selectors else _text_items(root, now, base_url)
    return unique_by_uid(items)


# --- the page as one text ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Layout:
    text: str
    run_starts: list[int]  # start offset of every text node, ascending
    run_paths: list[tuple[int, ...]]  # the ids of the elements open around that text node
    boundaries: set[int]  # offsets where a text node's first non-space character sits
    ranges: dict[int, tuple[int, int]]  # element id -> its text range
    links: list[tuple[int, int, str]]  # (start, end, href) of every <a href>
    headings: list[tuple[int, int]]  # text ranges of h1-h6
    times: list[tuple[int, int, str]]  # (start, end, datetime attribute) of every <time datetime>


def _layout(root: LexborNode) -> _Layout:
    parts: list[str] = []
    size = 0
    lay = _Layout("", [], [], set(), {}, [], [], [])
    path: list[int] = []  # ids of the open elements
    opened: list[tuple[str, dict[str, str | None], int]] = []  # their tag, attributes and start
    skipping = 0  # open elements whose text does not count (svg, select...)

    def line_break() -> None:
        nonlocal size
        if parts and parts[-1] != "\n":
            parts.append("\n")
            size += 1

    def close() -> None:
        nonlocal skipping
        tag, attrs, start = opened.pop()
        lay.ranges[path.pop()] = (start, size)
        if tag in _SKIP:
            skipping -= 1
        elif tag == "a" and attrs.get("href"):
            lay.links.append((start, size, attrs["href"] or ""))
        elif tag in _HEADINGS:
            lay.headings.append((start, size))
        elif tag == "time" and attrs.get("datetime"):
            lay.times.append((start, size, attrs["datetime"] or ""))
        if tag in _BLOCKS:
            line_break()

    for node in root.traverse(include_text=True):
        parent = node.parent
        parent_id = parent.mem_id if parent is not None else None
        while path and path[-1] != parent_id:
            close()
        if node.is_text_node:
            raw = node.text_content or ""
            if skipping or not raw or raw.isspace():
                continue
            chunk = _SPACES.sub(" ", raw)
            lay.run_starts.append(size)
            lay.run_paths.append(tuple(path))
            lay.boundaries.add(size + (1 if chunk[0] == " " else 0))
            parts.append(chunk)
            size += len(chunk)
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        if tag in _BLOCKS or tag in _BREAKS:
            line_break()
        path.append(node.mem_id)
        opened.append((tag, node.attributes if tag in ("a", "time") else {}, size))
        skipping += tag in _SKIP
    while path:
        close()
    lay.text = "".join(parts)
    lay.links.sort()
    lay.headings.sort()
    return lay


# --- labels and items ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Label:
    start: int
    end: int
    text: str  # the visible label, whitespace-normalised
    exact: datetime | None = None  # from <time datetime>


@dataclass(slots=True)
class _Slot:
    dateline: Dateline
    lead_end: int  # the lead is text[dateline.end:lead_end]
    gap_start: int  # where the text before this dateline starts to be its own
    gap_end: int  # the next dateline's start
    path: tuple[int, ...]  # the elements open around the dateline
    container: tuple[int, int] | None  # the largest element holding this dateline and no other
    scope: tuple[int, int] | None  # the smallest element holding this dateline and a neighbouring one
    label: _Label | None = None
    loose: bool = False  # the label was found outside any container, by the page's label order
    title: tuple[int, int] | None = None


def _text_items(root: LexborNode, now: datetime, base_url: str | None) -> list[Item]:
    lay = _layout(root)
    text = lay.text
    spans = find_time_labels(text)
    datelines = find_datelines(text, boundaries=lay.boundaries, labels=spans)
    if not datelines:
        return []
    labels = _labels(lay, spans)
    slots = _slots(lay, datelines, labels)
    inside = [slot.container for slot in slots if slot.container]
    loose = [lab for lab in labels if not any(c[0] <= lab.start and lab.end <= c[1] for c in inside)]
    unlabelled = [slot for slot in slots if slot.label is None]
    after = [_label_after(text, slot, loose) for slot in unlabelled]
    before = [_label_before(text, slot, loose) for slot in unlabelled]
    # the order the page uses gives more items a label; on a tie, the one with labels closer to the leads
    time_first = _order_score(text, unlabelled, before, True) > _order_score(text, unlabelled, after, False)
    for slot, lab in zip(unlabelled, before if time_first else after, strict=True):
        slot.label, slot.loose = lab, lab is not None
    items: list[Item] = []
    for index, slot in enumerate(slots):
        if slot.label is None or (slot.container and _too_much_text(text, slot)):
            continue
        if slot.loose:
            slot.title = _loose_title(lay, slot, slots[index - 1] if index else None, time_first)
        item = _item(lay, slot, now, base_url)
        if item is not None:
            items.append(item)
    return items


def _labels(lay: _Layout, spans: list[tuple[int, int]]) -> list[_Label]:
    exact = []
    for start, end, value in lay.times:
        moment = _exact_datetime(value)
        if moment is not None:
            exact.append(_Label(start, end, normalize_space(lay.text[start:end]) or value.strip(), moment))
    text_labels = [
        _Label(s, e, normalize_space(lay.text[s:e]))
        for s, e in spans
        if not any(x.start <= s < x.end or x.start < e <= x.end for x in exact)
    ]
    return sorted(exact + text_labels, key=lambda lab: lab.start)


def _slots(lay: _Layout, datelines: list[Dateline], labels: list[_Label]) -> list[_Slot]:
    text = lay.text
    paths = [lay.run_paths[max(0, bisect_right(lay.run_starts, d.start) - 1)] for d in datelines]
    slots: list[_Slot] = []
    for i, dateline in enumerate(datelines):
        gap_end = datelines[i + 1].start if i + 1 < len(datelines) else len(text)
        line_end = text.find("\n", dateline.end)
        lead_end = min(gap_end, line_end if line_end >= 0 else len(text))
        lead_end = _trim_lead(text, dateline.end, lead_end, labels)
        depth = max(
            _common(paths[i], paths[i - 1]) if i else 0,
            _common(paths[i], paths[i + 1]) if i + 1 < len(datelines) else 0,
        )
        container = lay.ranges.get(paths[i][depth]) if depth < len(paths[i]) else None
        scope = lay.ranges.get(paths[i][depth - 1]) if depth else None
        gap_start = slots[-1].lead_end if slots else 0
        slot = _Slot(dateline, lead_end, gap_start, gap_end, paths[i], container, scope)
        if container:
            slot.label = _container_label(slot, labels)
        if container and not depth and slot.label:
            # a lone dateline's container is the whole page: the item is what holds its lead and label
            slot.container = _enclosing(lay, paths[i], slot.label)
        slots.append(slot)
    return slots


def _enclosing(lay: _Layout, path: tuple[int, ...], label: _Label) -> tuple[int, int] | None:
    """The smallest element on `path` that also holds `label`."""
    for ident in reversed(path):
        first, last = lay.ranges.get(ident, (0, 0))
        if first <= label.start and label.end <= last:
            return first, last
    return None


def _common(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _trim_lead(text: str, start: int, end: int, labels: list[_Label]) -> int:
    """End of the lead proper: without a trailing "lees meer" or a time label glued to its end."""
    for _ in range(2):
        read_more = _READ_MORE.search(text, max(start, end - 40), end)
        end = start + len(text[start : read_more.start() if read_more else end].rstrip())
        glued = [
            lab for lab in labels if start < lab.start and lab.end <= end and not text[lab.end : end].strip()
        ]
        if not glued:
            break
        end = glued[-1].start
    return start + len(text[start:end].rstrip())


def _container_label(slot: _Slot, labels: list[_Label]) -> _Label | None:
    first, last = slot.container or (0, 0)
    inside = [lab for lab in labels if first <= lab.start and lab.end <= last]
    following = [lab for lab in inside if lab.start >= slot.lead_end]
    preceding = [lab for lab in inside if lab.end <= slot.dateline.start]
    return following[0] if following else (preceding[-1] if preceding else None)


def _label_after(text: str, slot: _Slot, labels: list[_Label]) -> _Label | None:
    for lab in labels:
        if slot.lead_end <= lab.start and lab.end <= slot.gap_end:
            return lab if _filler(text[slot.lead_end : lab.start]) <= _MAX_FILLER else None
    return None


def _label_before(text: str, slot: _Slot, labels: list[_Label]) -> _Label | None:
    for lab in reversed(labels):
        if slot.gap_start <= lab.start and lab.end <= slot.dateline.start:
            return lab if _filler(text[lab.end : slot.dateline.start]) <= _MAX_FILLER else None
    return None


def _order_score(text: str, slots: list[_Slot], labels: list[_Label | None], first: bool) -> tuple[int, int]:
    found = [(slot, lab) for slot, lab in zip(slots, labels, strict=True) if lab is not None]
    distance = sum(
        _filler(text[lab.end : slot.dateline.start] if first else text[slot.lead_end : lab.start])
        for slot, lab in found
    )
    return len(found), -distance


def _filler(between: str) -> int:
    return len(between.translate(_FILLER))


def _too_much_text(text: str, slot: _Slot) -> bool:
    """An article body, not an item: more around the lead than a title and a kicker, or more after it."""
    first, last = slot.container or (0, 0)
    label = slot.label
    inside = label is not None and first <= label.start and label.end <= last
    own = _filler(text[label.start : label.end]) if label and inside else 0
    after = _filler(text[slot.lead_end : last]) - (own if label and label.start >= slot.lead_end else 0)
    total = _filler(text[first:last]) - _filler(text[slot.dateline.start : slot.lead_end]) - own
    return total > _MAX_EXTRA or after > _MAX_TRAILING


def _loose_title(
    lay: _Layout, slot: _Slot, previous: _Slot | None, time_first: bool
) -> tuple[int, int] | None:
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
    if not title or len(title) > 300 or _READ_MORE.fullmatch(title) or find_time_labels(title):
        return None
    return title


def _item(lay: _Layout, slot: _Slot, now: datetime, base_url: str | None) -> Item | None:
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


def _link(lay: _Layout, slot: _Slot, title: tuple[int, int] | None, base_url: str | None) -> str | None:
    """The link around the title, else around the lead, else the first one in the container."""
    places = [p for p in (title[0] if title else None, slot.dateline.start) if p is not None]
    candidates = [href for s, e, href in lay.links for p in places if s <= p < e]
    if slot.container:
        first, last = slot.container
        candidates += [href for s, e, href in lay.links if first <= s and e <= last]
    for href in candidates:
        url = _absolute(href, base_url)
        if url:
            return url
    return None


def _absolute(href: str, base_url: str | None) -> str | None:
    href = href.strip()
    if not href or _SHARE.search(href):
        return None
    try:
        url = urljoin(base_url, href) if base_url else href
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _exact_datetime(value: str) -> datetime | None:
    value = value.strip()
    if len(value) < 16:
        return None  # a date alone says nothing exact
    if not value.endswith("Z"):
        value = value.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").strip()  # "...+02:00CET"
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_ZONE)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# --- configured selectors ------------------------------------------------------------------------------------


def _check_selectors(selectors: Selectors) -> None:
    probe = LexborHTMLParser("<p></p>")
    for name in ("item", "title", "lead", "time", "link"):
        selector = getattr(selectors, name)
        if selector is None:
            continue
        try:
            probe.css(selector)
        except (SelectolaxError, ValueError, TypeError) as exc:
            raise SelectorError(f"invalid CSS selector for {name}: {selector!r}") from exc


def _selector_items(root: LexborNode, sel: Selectors, now: datetime, base_url: str | None) -> list[Item]:
    items: list[Item] = []
    for node in root.css(sel.item):
        title_node = node.css_first(sel.title) if sel.title else None
        lead_node = node.css_first(sel.lead) if sel.lead else None
        time_node = node.css_first(sel.time) if sel.time else None
        title = normalize_space(title_node.text(separator=" ")) if title_node else ""
        lead = normalize_space((lead_node or node).text(separator=" "))
        label, published_at, precision = _selector_time(time_node, lead if time_node is None else "", now)
        shown = normalize_space(time_node.text(separator=" ")) if time_node else label
        # without a lead selector the lead is what the item holds besides its title and time
        for part in [title, shown] if lead_node is None else [shown if time_node is None else None]:
            if part:
                lead = normalize_space(lead.replace(part, " ", 1))
        dateline = match_dateline(lead)
        body = normalize_space(_READ_MORE.sub("", lead[dateline.end :] if dateline else lead)) or title
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
    node: LexborNode | None, fallback: str, now: datetime
) -> tuple[str | None, datetime | None, int | None]:
    visible = normalize_space(node.text(separator=" ")) if node else fallback
    attr = (node.attributes.get("datetime") or "") if node else ""
    moment = _exact_datetime(attr) if attr else None
    if moment is not None:
        return visible or attr.strip(), min(moment, now), None
    for start, end in find_time_labels(visible):
        stamp = parse_time_label(visible[start:end], now)
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
    return _absolute(href, base_url)


# --- bytes ---------------------------------------------------------------------------------------------------


def _plain_text_page(body: str | bytes) -> str:
    text = _decode(body) if isinstance(body, bytes) else body
    return "<body>" + escape(text).replace("\n", "<br>") + "</body>"


def _parser_input(html: str | bytes) -> str | bytes:
    """UTF-8 bytes go to lexbor as they are; other encodings are decoded here."""
    if isinstance(html, str):
        return html
    if html.startswith(b"\xef\xbb\xbf"):
        html = html[3:]
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(html)
    return html


def _decode(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    return data.decode("cp1252", "replace")
