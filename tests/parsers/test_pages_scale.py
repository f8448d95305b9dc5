"""Big wire lists and the time budget: a list of megabytes reads back whole, and a deadline stops a parse.

No test here measures a duration (that is `benchmarks/bench_parse.py`): the lists are checked item by item,
and the deadline is driven by a fake clock that counts how often the parser looks at it.
"""

from __future__ import annotations

import html
import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.deadline import NEVER, Deadline
from parsers.errors import ParseError, ParseTimeout
from parsers.models import Item
from parsers.pages import Selectors, parse_wire_page
from parsers.pages._items import text_items
from parsers.pages._layout import layout

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PLACES = ["DEN HAAG", "NEW DELHI", "TEHERAN/JERUZALEM", "GAZA-STAD", "GENÈVE", "MÜNCHEN"]
AGENCIES = ["ANP", "ANP/AFP", "ANP/RTR/DPA", "ANP/BLOOMBERG"]


def _seed() -> list[Item]:
    return parse_wire_page((PAGES / "zeelandnet_seed_elements.html").read_bytes(), now=NOW)


def _wire(index: int, seed: list[Item]) -> tuple[str, str, str, str, int]:
    """The `index`-th item of a generated list: dateline, title, lead, url and age in minutes."""
    item = seed[index % len(seed)]
    dateline = f"{PLACES[index % len(PLACES)]} ({AGENCIES[index % len(AGENCIES)]}) - "
    return (
        dateline,
        f"{item.title} ({index})",
        f"Bericht {index}: {item.text}",
        f"{item.url}-{index}",
        index + 2,
    )


def _label(minutes: int) -> str:
    return f"{minutes} minuten geleden" if minutes < 60 else f"{minutes // 60} uur geleden"


def _render(markup: str, wire: tuple[str, str, str, str, int]) -> str:
    dateline, title, lead, url, minutes = (html.escape(str(part)) for part in wire)
    label = _label(int(minutes))
    if markup == "elements":
        return (
            f'<li class="news-item"><span class="news-item__label">ANP</span>\n'
            f'<a href="{url}"><h3>{title}</h3></a>\n<p>{dateline}{lead}</p>\n'
            f'<span class="news-item__date">{label.replace(" ", "&nbsp;", 1)}</span>\n'
            f'<a href="{url}">Lees meer</a></li>\n'
        )
    if markup == "divs":
        return f"<div>\n<div>{label}</div>\n<div>{dateline}{lead}</div>\n</div>\n"
    return f"{dateline}{lead}\n{label}"  # glued: the label runs into the next dateline


def _page(markup: str, size: int) -> tuple[str, list[tuple[str, str, str, str, int]]]:
    """A page of about `size` characters: the seed's page around a generated list, and the list's items."""
    seed = _seed()
    wires, parts, used = [], [], 0
    for index in itertools.count():
        if used >= size:
            break
        wires.append(_wire(index, seed))
        parts.append(_render(markup, wires[-1]))
        used += len(parts[-1])
    opener, closer = {
        "elements": ("<ul>", "</ul>"),
        "divs": ("<div>", "</div>"),
        "glued": ("<div>", "</div>"),
    }[markup]
    body = (
        '<header><nav><a href="/nieuws">Nieuws</a> <a href="/sport">Sport</a></nav></header>'
        "<main><article><h1>Blinken: aanwijzingen</h1><p>BEIJING (ANP) - De Verenigde Staten zeggen iets."
        "</p><p>Concrete details besprak Blinken niet.</p></article>"
        f"<section><h2>Meer uit Buitenland</h2>{opener}{''.join(parts)}{closer}</section></main>"
        "<footer>© 2026 ZeelandNet</footer>"
    )
    return f"<!DOCTYPE html><html><head><title>x</title></head><body>{body}</body></html>", wires


@pytest.mark.parametrize(
    ("markup", "size"),
    [("elements", 2_000_000), ("divs", 500_000), ("glued", 2_000_000)],
)
def test_a_list_of_megabytes_reads_back_whole(markup: str, size: int) -> None:
    page, wires = _page(markup, size)
    items = parse_wire_page(page, now=NOW, base_url="https://www.zeelandnet.nl/nieuws/buitenland")
    assert len(items) == len(wires) > 1000
    for item, (dateline, title, lead, url, minutes) in zip(items, wires, strict=True):
        assert (item.place, "/".join(item.agencies)) == tuple(dateline[: -len(") - ")].split(" ("))
        assert item.text == lead
        assert item.time_label == _label(minutes)
        age = timedelta(minutes=minutes) if minutes < 60 else timedelta(hours=minutes // 60)
        assert item.published_at == NOW - age
        if markup == "elements":
            assert (item.title, item.url) == (title, url)
        else:
            assert item.title is None and item.url is None


class CountingClock:
    """A clock that reads `start` until it has been read `expire_after` times, then `start + 1`."""

    def __init__(self, expire_after: int | None = None) -> None:
        self.reads = 0
        self.expire_after = expire_after

    def __call__(self) -> float:
        self.reads += 1
        return 1.0 if self.expire_after is not None and self.reads > self.expire_after else 0.0


def test_a_passed_deadline_stops_the_parse_at_once() -> None:
    page, _ = _page("glued", 20_000)
    with pytest.raises(ParseTimeout) as caught:
        parse_wire_page(page, now=NOW, deadline=time.monotonic() - 1)
    error = caught.value
    assert isinstance(error, ParseError)
    assert error.stage == "starting" and error.overrun >= 1.0 and error.deadline > 0
    assert "past its deadline" in str(error)


@pytest.mark.parametrize("selectors", [None, Selectors(item="li", lead="p", time=".news-item__date")])
def test_a_distant_deadline_changes_nothing(selectors: Selectors | None) -> None:
    page, _ = _page("elements", 50_000)
    expected = parse_wire_page(page, now=NOW, selectors=selectors)
    assert expected
    assert parse_wire_page(page, now=NOW, selectors=selectors, deadline=time.monotonic() + 3600) == expected


@pytest.mark.parametrize("markup", ["elements", "divs", "glued"])
def test_the_deadline_is_read_inside_the_loops(markup: str) -> None:
    page, wires = _page(markup, 300_000)
    root = LexborHTMLParser(page).body
    assert root is not None
    clock = CountingClock()
    items = text_items(root, NOW, None, Deadline(0.5, clock=clock, every=16))
    assert len(items) == len(wires)
    # one look per stage would be a handful; inside the loops it is one per 16 steps (1,024 nodes)
    assert clock.reads > len(wires) // 16
    for expire_after in (1, clock.reads // 3, clock.reads // 2, clock.reads - 1):
        with pytest.raises(ParseTimeout) as caught:
            text_items(root, NOW, None, Deadline(0.5, clock=CountingClock(expire_after), every=16))
        assert caught.value.overrun == 0.5


def test_the_layout_looks_at_the_deadline_every_thousand_nodes() -> None:
    page, _ = _page("divs", 300_000)
    root = LexborHTMLParser(page).body
    assert root is not None
    nodes = sum(1 for _ in root.traverse(include_text=True))
    clock = CountingClock()
    layout(root, Deadline(0.5, clock=clock))
    assert clock.reads == nodes // 1024
    with pytest.raises(ParseTimeout, match="reading the page's text"):
        layout(root, Deadline(0.5, clock=CountingClock(expire_after=2)))


def test_a_text_node_of_megabytes_is_read_in_pieces() -> None:
    page, wires = _page("glued", 2_000_000)
    root = LexborHTMLParser(page).body
    assert root is not None
    clock = CountingClock()
    lay = layout(root, Deadline(0.5, clock=clock))
    assert clock.reads >= 2_000_000 // (1 << 18) - 1  # the one big node, a look per 256 K characters
    assert lay.text == layout(root).text
    assert len(text_items(root, NOW, None, NEVER)) == len(wires)
