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

__all__ = ["STRIP", "Layout", "layout", "spans_within"]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STRIP = ["script", "style", "noscript", "template"]  # removed from the tree before anything reads it
_SKIP = frozenset(
    {*STRIP, "head", "title", "svg", "math", "select", "option", "textarea", "iframe", "object"}
)
_BLOCKS = _word_set(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup html li main nav ol p pre section summary table tbody td tfoot th thead tr ul"
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SECTIONING = frozenset({"article", "section", "aside", "nav"})
_WALLS = _SECTIONING | {"dialog", "form", "menu"}
_PAGE_PARTS = frozenset({"header", "footer"})  # a wall only for the page, not inside an article or section
_WALL_ROLES = _word_set(
    "navigation banner contentinfo complementary dialog alertdialog search region article feed menu menubar"
)
_BREAKS = frozenset({"br", "hr"})
_SPACES = re.compile(r"\s+")


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
        chars = list(self.text)
        for at in self.soft_breaks:
            chars[at] = "\n"
        return "".join(chars)


def layout(root: LexborNode) -> Layout:
    """Flatten the tree under `root` into one text, in document order."""
    parts: list[str] = []
    size = 0
    lay = Layout("", [], [], set(), {}, [], [], [], [], [], set(), set())
    path: list[int] = []  # ids of the open elements
    opened: list[tuple[str, dict[str, str | None], int]] = []  # their tag, attributes and start
    skipping = 0  # open elements whose text does not count (svg, select...)
    sections = 0  # open sectioning elements (and <main>): a <header> inside one is no page header
    line: tuple[int, ...] | None = None  # the open elements every text node of the current line shares

    def line_break() -> None:
        nonlocal size, line
        line = None
        if parts and parts[-1] != "\n":
            parts.append("\n")
            size += 1

    def close() -> None:
        nonlocal skipping, sections
        tag, attrs, start = opened.pop()
        lay.ranges[path.pop()] = (start, size)
        if tag in _SKIP:
            skipping -= 1
        if tag in _SECTIONING or tag == "main":
            sections -= 1
        elif tag == "a" and attrs.get("href"):
            lay.links.append((start, size, attrs["href"] or ""))
        elif tag in _HEADINGS:
            lay.headings.append((start, size))
            if tag == "h1":
                lay.page_titles.append(start)
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
            if skipping or not raw:
                continue
            if raw.isspace():  # between inline elements it renders as one space: "<b>11:52</b> <b>DEN HAAG"
                if parts and not parts[-1][-1].isspace():
                    parts.append(" ")
                    size += 1
                continue
            chunk = _SPACES.sub(" ", raw)
            if parts and parts[-1][-1] != "\n" and _siblings(path, lay.run_paths):
                # Text of sibling elements ("<span>11:52</span><span>DEN HAAG") is two words even when the
                # source glues them; text continuing a word in its parent or child ("<b>D</b>e") stays glued.
                if parts[-1][-1] == " ":
                    lay.soft_breaks.append(size - 1)
                elif chunk[0] == " ":
                    lay.soft_breaks.append(size)
                else:
                    lay.soft_breaks.append(size)
                    parts.append(" ")
                    size += 1
            here = tuple(path)
            first = size + (1 if chunk[0] == " " else 0)
            if line is not None and len(line) > len(here) and line[: len(here)] == here:
                lay.openers.add(first)  # "<p><b>Storm</b> DOMBURG - ...": only a child's text before it
            line = here if line is None else line[: _shared(line, here)]
            lay.run_starts.append(size)
            lay.run_paths.append(here)
            lay.boundaries.add(first)
            parts.append(chunk)
            size += len(chunk)
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        if tag in _BLOCKS or tag in _BREAKS:
            line_break()
        path.append(node.mem_id)
        attrs = node.attributes if tag in ("a", "time", "div", "section", "ul", "header", "footer") else {}
        opened.append((tag, attrs, size))
        skipping += tag in _SKIP
        if _is_wall(tag, attrs.get("role"), sections):
            lay.barriers.add(node.mem_id)
        if tag in _SECTIONING or tag == "main":
            sections += 1
    while path:
        close()
    lay.text = "".join(parts)
    lay.links.sort()
    lay.headings.sort()
    lay.page_titles.sort()
    lay.link_starts = [s for s, _, _ in lay.links]
    lay.link_spans = [(s, e) for s, e, _ in lay.links]
    reach = 0
    for _, end, _ in lay.links:
        reach = max(reach, end)
        lay.link_reach.append(reach)
    lay.heading_starts = [s for s, _ in lay.headings]
    return lay


def spans_within(starts: list[int], spans: list[tuple[int, int]], first: int, last: int) -> Iterator[int]:
    """The indices of the `spans` (sorted, with their `starts`) wholly inside `[first, last]`, in order."""
    for at in range(bisect_left(starts, first), bisect_right(starts, last)):
        if spans[at][1] <= last:
            yield at


def _is_wall(tag: str, role: str | None, sections: int) -> bool:
    if tag in _WALLS or (tag in _PAGE_PARTS and not sections):
        return True
    return bool(role) and any(word in _WALL_ROLES for word in (role or "").lower().split())


def _shared(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """How many open elements `a` and `b` share, from the root."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _siblings(path: list[int], run_paths: list[tuple[int, ...]]) -> bool:
    """Whether the previous text node sits in an element beside `path`, neither inside nor around it."""
    if not run_paths or not path:
        return False
    previous = run_paths[-1]
    if not previous:
        return False
    # both are stacks of open elements, so one holds the other when they share the shorter one's last id
    if len(previous) <= len(path):
        return path[len(previous) - 1] != previous[-1]
    return previous[len(path) - 1] != path[-1]
