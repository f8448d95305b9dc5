"""The page as one text: whitespace inside text nodes collapses to one space, block elements and `<br>`
become line breaks, the text of sibling elements is separated by a space (a *soft break*), and the offsets
of links, headings, `<time>` elements and every element's range are kept.

It also notes the elements that wall off a part of the page (*barriers*: sections, articles, asides,
navigation, page headers and footers, dialogs, forms, and elements with such an ARIA role): a time label
never reaches a dateline across one of them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from parsers.deadline import NEVER, Deadline
from parsers.pages._depth import PATH_BUDGET, too_deep
from parsers.words import word_set

__all__ = ["STRIP", "Layout", "common_depth", "layout", "spans_within"]


STRIP = ["script", "style", "noscript", "template"]  # removed from the tree before anything reads it
_SKIP = frozenset(
    {*STRIP, "head", "title", "svg", "math", "select", "option", "textarea", "iframe", "object"}
)
_BLOCKS = word_set(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup html li main nav ol p pre section summary table tbody td tfoot th thead tr ul"
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SECTIONING = frozenset({"article", "section", "aside", "nav"})
_WALLS = _SECTIONING | {"dialog", "form", "menu"}
_PAGE_PARTS = frozenset({"header", "footer"})  # a wall only for the page, not inside an article or section
_WALL_ROLES = word_set(
    "navigation banner contentinfo complementary dialog alertdialog search region article feed menu menubar"
)
_BREAKS = frozenset({"br", "hr"})
_NODES_PER_CHECK = 1024  # nodes between two looks at the deadline
_LONG_NODE = 1 << 18  # characters of one text node collapsed between two looks at the deadline
_WORD_END = re.compile(r"\S\s")
_BREAKING = _BLOCKS | _BREAKS  # a line break before them
_SECTIONING_MAIN = _SECTIONING | {"main"}
_READ_ATTRIBUTES = frozenset(
    {"a", "time", "div", "section", "ul", "header", "footer"}
)  # href, datetime, role


@dataclass(slots=True)
class Layout:
    """The flattened text of a page and where its elements sit in it."""

    text: str
    run_starts: list[int]  # start offset of every text node, ascending
    run_paths: list[tuple[int, ...]]  # the ids of the elements open around that text node
    boundaries: set[int]  # offsets where a text node's first non-space character sits
    ranges: dict[int, tuple[int, int]]  # element id -> its text range
    links: list[tuple[int, int, str]]  # (start, end, href) of every <a href>
    headings: list[tuple[int, int]]  # text ranges of h1-h6
    page_titles: list[int]  # start offsets of the h1s (an article's title, never a list item's)
    times: list[tuple[int, int, str]]  # (start, end, datetime attribute) of every <time datetime>
    soft_breaks: list[int]  # offsets of the spaces between the text of sibling elements
    barriers: set[int]  # ids of the elements that wall off a part of the page (see the module docstring)
    openers: set[
        int
    ]  # text-node starts after the text of inline elements alone on their line ("<b>Kop</b> X")
    link_starts: list[int] = field(default_factory=list)  # start of each link, as `links` is sorted
    link_spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each link
    link_reach: list[int] = field(default_factory=list)  # the furthest end of the links up to each one
    heading_starts: list[int] = field(default_factory=list)  # start of each heading, as sorted
    titles: dict[tuple[int, int], str | None] = field(default_factory=dict)  # see `_titles.title_text`
    boundary_list: list[int] = field(default_factory=list)  # `boundaries` in ascending order

    def links_at(self, point: int) -> list[int]:
        """The indices of the links whose text holds the offset `point` (start <= point < end), in order."""
        at = bisect_right(self.link_starts, point) - 1
        found = []
        while at >= 0 and self.link_reach[at] > point:  # no link before one whose reach stops short holds it
            if self.link_spans[at][1] > point:
                found.append(at)
            at -= 1
        found.reverse()
        return found

    def dateline_text(self) -> str:
        """The text with a line break at every soft break: where a dateline may open a segment.

        An element's own text may open with a dateline ("<b>Titel</b> <span>DOMBURG - ..."), but the lead
        is not cut there: "<b>het</b> <i>kabinet</i>" inside a lead stays one line of `text`.
        """
        if not self.soft_breaks:
            return self.text
        text, pieces, start = self.text, [], 0
        for at in sorted(set(self.soft_breaks)):  # each holds a space
            pieces.append(text[start:at])
            start = at + 1
        pieces.append(text[start:])
        return "\n".join(pieces)


def layout(root: LexborNode, deadline: Deadline = NEVER) -> Layout:
    """Flatten the tree under `root` into one text, in document order.

    One loop over the nodes lexbor yields, with everything in local variables: it runs once per node of the
    page, so it is written for speed (`last` is the last character of the text so far, "" at the start).
    """
    parts: list[str] = []
    append = parts.append
    size = 0
    lay = Layout("", [], [], set(), {}, [], [], [], [], [], set(), set())
    run_starts, run_paths, boundaries, openers = lay.run_starts, lay.run_paths, lay.boundaries, lay.openers
    soft_breaks, ranges, links, headings, times = (
        lay.soft_breaks,
        lay.ranges,
        lay.links,
        lay.headings,
        lay.times,
    )
    barriers, boundary_list = lay.barriers, lay.boundary_list
    path: list[int] = []  # ids of the open elements
    opened: list[tuple[str, str | None, int]] = []  # their tag, href or datetime, and start
    skipping = 0  # open elements whose text does not count (svg, select...)
    sections = 0  # open sectioning elements (and <main>): a <header> inside one is no page header
    line: tuple[int, ...] | None = None  # the open elements every text node of the current line shares
    last = ""
    previous: tuple[int, ...] = ()  # the open elements of the previous text node
    countdown = _NODES_PER_CHECK
    kept = 0  # open elements kept in `run_paths` (see `_depth`)

    for node in root.traverse(include_text=True):
        countdown -= 1
        if not countdown:
            countdown = _NODES_PER_CHECK
            deadline.check("reading the page's text")
        parent = node.parent
        parent_id = parent.mem_id if parent is not None else None
        while path and path[-1] != parent_id:  # close the elements the node is not inside
            tag, value, start = opened.pop()
            ranges[path.pop()] = (start, size)
            if tag in _SKIP:
                skipping -= 1
            if tag in _SECTIONING_MAIN:
                sections -= 1
            elif tag == "a":
                if value:
                    links.append((start, size, value))
            elif tag in _HEADINGS:
                headings.append((start, size))
                if tag == "h1":
                    lay.page_titles.append(start)
            elif tag == "time" and value:
                times.append((start, size, value))
            if tag in _BLOCKS:
                line = None
                if last and last != "\n":
                    append("\n")
                    size += 1
                    last = "\n"
        if node.is_text_node:
            if skipping:
                continue
            raw = node.text_content
            if not raw:
                continue
            if raw.isspace():  # between inline elements it renders as one space: "<b>11:52</b> <b>DEN HAAG"
                if last and last != " " and last != "\n":
                    append(" ")
                    size += 1
                    last = " "
                continue
            chunk = _collapse(raw) if len(raw) < _LONG_NODE else _collapse_long(raw, deadline)
            if last and last != "\n" and previous:
                # Text of sibling elements ("<span>11:52</span><span>DEN HAAG") is two words even when the
                # source glues them; text continuing a word in its parent or child ("<b>D</b>e") stays glued.
                # Both are stacks of open elements: one holds the other when they share the shorter's last id.
                if len(previous) <= len(path):
                    beside = path[len(previous) - 1] != previous[-1]
                else:
                    beside = previous[len(path) - 1] != path[-1]
                if beside:
                    if last == " ":
                        soft_breaks.append(size - 1)
                    elif chunk[0] == " ":
                        soft_breaks.append(size)
                    else:
                        soft_breaks.append(size)
                        append(" ")
                        size += 1
            here = tuple(path)
            kept += len(here)
            if kept > PATH_BUDGET:
                raise too_deep()
            first = size + 1 if chunk[0] == " " else size
            if line is None:
                line = here
            elif len(line) <= len(here):
                if here[: len(line)] != line:
                    line = line[: common_depth(line, here)]
            elif line[: len(here)] == here:
                openers.add(first)  # "<p><b>Storm</b> DOMBURG - ...": only a child's text before it
                line = here
            else:
                line = line[: common_depth(line, here)]
            run_starts.append(size)
            run_paths.append(here)
            previous = here
            boundaries.add(first)
            boundary_list.append(first)  # ascending: each text node adds at least one character
            append(chunk)
            size += len(chunk)
            last = chunk[-1]
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        if tag in _BREAKING:
            line = None
            if last and last != "\n":
                append("\n")
                size += 1
                last = "\n"
        ident = node.mem_id
        path.append(ident)
        if tag in _READ_ATTRIBUTES:
            attrs = node.attributes
            role = attrs.get("role")
            opened.append((tag, attrs.get("href") if tag == "a" else attrs.get("datetime"), size))
            if tag in _WALLS or (tag in _PAGE_PARTS and not sections) or _wall_role(role):
                barriers.add(ident)
        else:
            opened.append((tag, None, size))
            if tag in _WALLS or (tag in _PAGE_PARTS and not sections):
                barriers.add(ident)
        if tag in _SKIP:
            skipping += 1
        if tag in _SECTIONING_MAIN:
            sections += 1
    while path:
        tag, value, start = opened.pop()
        ranges[path.pop()] = (start, size)
        if tag == "a":
            if value:
                links.append((start, size, value))
        elif tag in _HEADINGS:
            headings.append((start, size))
            if tag == "h1":
                lay.page_titles.append(start)
        elif tag == "time" and value:
            times.append((start, size, value))
        if tag in _BLOCKS and last and last != "\n":
            append("\n")
            size += 1
            last = "\n"
    lay.text = "".join(parts)
    links.sort()
    headings.sort()
    lay.page_titles.sort()
    lay.link_starts = [s for s, _, _ in links]
    lay.link_spans = [(s, e) for s, e, _ in links]
    reach = 0
    for _, end, _ in links:
        reach = max(reach, end)
        lay.link_reach.append(reach)
    lay.heading_starts = [s for s, _ in headings]
    return lay


def _collapse(raw: str) -> str:
    """Every run of whitespace as one space, at the edges too ("\n  Kop\t" -> " Kop ")."""
    chunk = " ".join(raw.split())
    if raw[0].isspace():
        chunk = " " + chunk
    if raw[-1].isspace():
        chunk += " "
    return chunk


def _collapse_long(raw: str, deadline: Deadline) -> str:
    """`_collapse` of a text node of megabytes (a whole list in one node), a piece at a time with a look at
    the deadline between pieces; each piece ends before a run of whitespace, so the pieces join up."""
    pieces, start = [], 0
    while start < len(raw):
        cut = _WORD_END.search(raw, start + _LONG_NODE)
        end = cut.start() + 1 if cut else len(raw)
        pieces.append(_collapse(raw[start:end]))
        start = end
        deadline.check("reading the page's text")
    return "".join(pieces)


def _wall_role(role: str | None) -> bool:
    return bool(role) and any(word in _WALL_ROLES for word in (role or "").lower().split())


def spans_within(starts: list[int], spans: list[tuple[int, int]], first: int, last: int) -> Iterator[int]:
    """The indices of the `spans` (sorted, with their `starts`) wholly inside `[first, last]`, in order."""
    for at in range(bisect_left(starts, first), bisect_right(starts, last)):
        if spans[at][1] <= last:
            yield at


def common_depth(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """How many open elements the paths `a` and `b` share, from the root.

    Both are stacks of the same tree, so one element at the same depth means the same elements above it:
    the walk goes up from the deeper end, where paths of neighbouring text nodes part.
    """
    depth = min(len(a), len(b))
    while depth and a[depth - 1] != b[depth - 1]:
        depth -= 1
    return depth
