"""Wire pages (HTML) -> items, found by what the text guarantees rather than by CSS classes.

An item is a lead that opens with a dateline (`PLACE (AGENCY) - ...`, see `parsers.datelines`) and carries a
time label (`parsers.times`, or `<time datetime>`) before or after it. The page is flattened into one text:
whitespace inside text nodes collapses to one space, block elements and `<br>` become line breaks, the text
of sibling elements is kept apart (datelines may open there: "<span>11:52</span><span>DOMBURG - ..."), and
the offsets of links, headings, `<time>` elements and every element's range are kept. A relative time inside
a sentence ("het KNMI gaf 20 minuten geleden code oranje af") is no label. Then, per dateline:

- its lead runs to the end of its line, of the element holding the dateline, or to the next label, whichever
  comes first ("...aanstoot aan.8 minuten geledenNetanyahu dreigtMEITAR (ANP/AFP) - ...");
- its *container* is the largest element holding this dateline and no other; when it exists, the label,
  title and link come from inside it, and a container with much more text than one lead (an article body
  whose first paragraph has a dateline) is no item, unless it is a stream of timestamped headlines and
  the smallest element holding the lead and its label is no bigger than an item (a list of one item there);
- without one (leads and labels glued in one text block, or flat sibling lists), or when the only label is
  glued before the dateline in the dateline's own element ("<p>8 minuten geledenMEITAR ..."), the label is
  the one right after the lead or the one right before the dateline, whichever the whole page uses more;
  such a label must lie in the list that holds the dateline and its neighbours;
- a label never reaches a dateline across a section, article, navigation, page header or footer, dialog
  or form, nor from another block of labels (`_ties`); the lead of the page's article (an h1 beside it)
  next to a list is no item;
- its title is a heading, else the last short block of text before the dateline that is no kicker, credit
  or text repeated before other items, including a title glued onto the dateline (`_titles`).

Cost: linear in the page. Lexbor builds the tree and gives the plain text in C; one Python loop over its
nodes builds the layout; datelines are only tried where a place in capitals ends at a dash and time labels
only around their anchor words; titles, links and labels are found per item by bisection over sorted
offsets, never by scanning the page. On a 2-core machine a 5 MB list of 5,000 to 12,000 items parses in
0.6 to 1.2 s, about 100 µs per item, whatever its markup (`benchmarks/bench_parse.py`).

Time budget: `parse_wire_page(..., deadline=time.monotonic() + seconds)` stops a runaway parse. Past the
deadline it raises `parsers.errors.ParseTimeout`, a `ParseError` whose `.stage` says what the parser was
doing ("reading the page's text", "finding datelines", ...), `.deadline` is the value given and `.overrun`
how many seconds late it noticed. The deadline is looked at when the parse starts, after lexbor has built
the tree, between stages, and inside every loop (every 1,024 nodes, every 256 dashes, anchors, datelines,
labels, titles or items: `parsers.deadline`). Only single steps in C run to their end: lexbor building the
tree (a few milliseconds per megabyte), one scan of the page's text for a word, the spaces of 256 K
characters of one text node. So a parse stops within a few milliseconds of its deadline, a few tens of
milliseconds on a page of megabytes. Nothing else changes: no threads, no signals, no partial result, and
without a deadline no clock is read. The caller runs the parse in a thread of its own with the deadline taken
when it submits the page, stops waiting for it a little past the deadline, and reports a `ParseTimeout` as
a problem of the source, like any other `ParseError`.

Depth: a page that nests its block elements more than 512 deep, past where browsers stop, or keeps more
than 20 million open elements around its text nodes is refused with `parsers.errors.TooDeep` (`_depth`):
lexbor's time grows with the square of the nesting, in C, where no deadline reaches.

Modules: `_bytes` (sniffing and decoding bodies), `_depth` (how deep a page may nest), `_layout` (the page
as one text), `_labels` (which time labels count), `_ties` (which label may belong to which dateline),
`_slots` (what belongs to each dateline), `_titles` (which text names each item), `_items` (slots to items),
`_selectors` (configured selectors), `_shared`.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from selectolax.lexbor import LexborHTMLParser

from parsers.datelines import has_dateline
from parsers.deadline import NEVER, Deadline
from parsers.errors import NotHtmlError
from parsers.identity import unique_by_uid
from parsers.models import Item
from parsers.pages._bytes import looks_like_html, parser_input, plain_text_page
from parsers.pages._depth import check_block_depth
from parsers.pages._items import text_items
from parsers.pages._layout import STRIP
from parsers.pages._selectors import Selectors, check_selectors, selector_items
from parsers.times import LOCAL_ZONE

__all__ = ["Selectors", "looks_like_html", "parse_wire_page"]


def parse_wire_page(
    html: str | bytes,
    *,
    now: datetime,
    base_url: str | None = None,
    selectors: Selectors | None = None,
    deadline: float | None = None,
    zone: tzinfo = LOCAL_ZONE,
) -> list[Item]:
    """The items of a wire page in page order (newest first); `[]` when it holds none.

    `deadline` is a `time.monotonic()` reading: past it the parse stops with `ParseTimeout` (see the module
    docstring). `zone` is the source's time zone: clock labels (`14:32`) and `<time>` values without an offset
    are wall time there.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    clock = NEVER if deadline is None else Deadline(deadline)
    clock.check("starting")
    if not looks_like_html(html):
        raise NotHtmlError("the body is not an HTML page")
    if selectors is not None:
        check_selectors(selectors)
    head = html[:65536]
    if not (b"<" in head if isinstance(head, bytes) else "<" in head):
        html = plain_text_page(html)  # text/plain: its line breaks are the only structure it has
    html = parser_input(html)
    check_block_depth(html)
    tree = LexborHTMLParser(html)
    tree.strip_tags(STRIP)
    clock.check("reading the page")
    now = now.astimezone(UTC)
    root = tree.body or tree.root
    if root is None or not (selectors or has_dateline(root.text(separator="\n"), deadline=clock)):
        return []  # the cheap test: without a dateline in the plain text there is no wire item
    if selectors:
        items = selector_items(root, selectors, now, base_url, clock, zone)
    else:
        items = text_items(root, now, base_url, clock, zone)
    return unique_by_uid(items)
