"""How deep a page nests its elements, and the limits past which it is no news page but a broken one.

Deep nesting makes two things quadratic. Lexbor looks through the open elements for each new block element:
30,000 nested `<div>`s take it 1.5 s, 50,000 take 5 s, a 5 MB page of them half an hour, in C, where no
deadline reaches. And the layout keeps the open elements around every text node. Browsers stop nesting at 512
elements (Chromium's `kMaximumHTMLParserDOMTreeDepth`), so no page that renders relies on more.

So the parse refuses such a page with `TooDeep` (a `ParseError`: the source's problem, reported):

- before lexbor, a page with more than `SCAN_TAGS` tags (only those can keep lexbor busy for long) is scanned
  for how deep its block elements nest, and refused past `MAX_DEPTH`. The scan follows the tree builder's
  rules that keep real pages shallow (an end tag closes what it holds; a new `<p>`, `<li>`, `<dd>`, `<dt>`,
  heading or table cell closes an open one; a table cell's end closes what was left open in it) and skips
  comments and the text of scripts and styles. It costs about 0.3 µs a tag, on pages that big only;
- the layout counts the open elements it keeps for its text nodes, and stops past `PATH_BUDGET` of them (a
  5 MB wire list keeps about 3 million): unclosed inline tags (`<font>` after `<font>`) nest deep too,
  but cost only where text sits inside them.
"""

from __future__ import annotations

import re
from collections import Counter

from parsers.errors import TooDeep
from parsers.words import word_set

__all__ = ["MAX_DEPTH", "PATH_BUDGET", "SCAN_TAGS", "check_block_depth", "too_deep"]

MAX_DEPTH = 512
SCAN_TAGS = 20_000  # with no more "<" than this, lexbor nests at most 10,000 deep: a fraction of a second
PATH_BUDGET = 20_000_000  # open elements kept for all text nodes together: 160 MB of references

_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)\b[^>]*>.*?</\1\s*>"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
# the elements whose start tag makes lexbor search the open elements ("close a p element" and the like)
_BLOCKS = word_set(
    """address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form
    header hgroup main menu nav ol p pre listing search section summary ul li dd dt h1 h2 h3 h4 h5 h6"""
)
_CELLS = frozenset({"td", "th", "caption", "table"})  # their end tag closes whatever was left open inside
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# a new one closes an open one below it, searching down through the open elements as far as these let it
_SIBLINGS = {
    "li": (frozenset({"li"}), frozenset({"address", "div", "p"})),
    "dd": (frozenset({"dd", "dt"}), frozenset({"address", "div", "p"})),
    "dt": (frozenset({"dd", "dt"}), frozenset({"address", "div", "p"})),
    "td": (frozenset({"td", "th"}), _BLOCKS),
    "th": (frozenset({"td", "th"}), _BLOCKS),
}


def check_block_depth(html: str | bytes) -> None:
    """Raise `TooDeep` when the page's block elements nest more than `MAX_DEPTH` deep; a page with no more
    than `SCAN_TAGS` tags is not scanned (see the module docstring)."""
    tags = html.count(b"<") if isinstance(html, bytes) else html.count("<")
    if tags <= SCAN_TAGS:
        return
    text = html.decode("latin-1") if isinstance(html, bytes) else html  # tag names are ASCII
    stack: list[str] = []
    open_count: Counter[str] = Counter()

    def pop_to(at: int) -> None:
        for name in stack[at:]:
            open_count[name] -= 1
        del stack[at:]

    for match in _TOKEN.finditer(text):
        name = match.group(3)
        if name is None:
            continue  # a comment, or a script or style with its text
        name = name.lower()
        if match.group(2):  # an end tag: it closes what it holds, when it is open at all
            if open_count[name]:
                pop_to(len(stack) - 1 - stack[::-1].index(name))
            continue
        if (name not in _BLOCKS and name not in _CELLS) or (name == "form" and open_count["form"]):
            continue  # a form inside a form is dropped by the tree builder
        if name in _BLOCKS and stack and stack[-1] == "p":
            pop_to(len(stack) - 1)  # a block element closes an open paragraph
        if name in _HEADINGS and stack and stack[-1] in _HEADINGS:
            pop_to(len(stack) - 1)
        elif name in _SIBLINGS:
            closes, passes = _SIBLINGS[name]
            for at in range(len(stack) - 1, -1, -1):
                if stack[at] in closes:
                    pop_to(at)
                    break
                if stack[at] not in passes:
                    break
        stack.append(name)
        open_count[name] += 1
        if len(stack) > MAX_DEPTH:
            raise TooDeep(
                f"the page nests its block elements more than {MAX_DEPTH} deep (no page that renders does)"
            )


def too_deep() -> TooDeep:
    """The error the layout raises when its text nodes sit inside more than `PATH_BUDGET` open elements."""
    return TooDeep(
        f"the page nests its elements too deep to read (past {PATH_BUDGET:,} open elements around its text)"
    )
