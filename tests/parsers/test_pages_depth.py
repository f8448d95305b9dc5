"""Pages that nest their elements past what any browser renders are refused as broken, before lexbor would spend
minutes on them; real markup, however sloppy, is not: unclosed paragraphs, list items, cells and scripts full
of tags read as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.errors import ParseError, TooDeep
from parsers.pages import parse_wire_page
from parsers.pages._depth import MAX_DEPTH, SCAN_TAGS, check_block_depth
from tests.wirepage import SEED, wire_page

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MANY = SCAN_TAGS + 5_000  # enough tags that the page is scanned before lexbor reads it
LIST = wire_page(SEED)  # three wire items in articles, inside <main>


def _with_list(filler: str) -> str:
    """The seed's list after `filler`, inside the same body."""
    return LIST.replace("<main>", filler + "<main>", 1)


def _places(page: str) -> list[str | None]:
    return [item.place for item in parse_wire_page(page, now=NOW)]


@pytest.mark.parametrize(
    "nesting",
    [
        "<div>x " * MANY,  # the worst case for lexbor: 30 s at 100,000
        "<div>" * MANY + "</div>" * MANY,  # closed, but only after all of them opened
        "<ul><li>x " * MANY,
        "<section><blockquote>" * (MANY // 2),
        "<td><div>x " * 10 + "<div><ol><li><dl><dd>" * MANY,
    ],
    ids=["divs", "closed divs", "lists", "sections", "mixed"],
)
def test_a_page_nesting_blocks_past_the_limit_is_refused_before_it_is_read(nesting: str) -> None:
    page = _with_list(nesting)

    with pytest.raises(TooDeep, match=f"nests its block elements more than {MAX_DEPTH} deep") as caught:
        parse_wire_page(page, now=NOW)

    assert isinstance(caught.value, ParseError)  # the source's problem, reported like any unreadable page


def test_the_limit_is_that_of_browsers_and_a_page_just_within_it_reads() -> None:
    within = "<div>" * (MAX_DEPTH - 10)
    filler = "<span>x</span>" * MANY  # the page is scanned, and passes
    page = _with_list(filler + within) + "</div>" * (MAX_DEPTH - 10)

    check_block_depth(page)
    assert _places(page) == ["WASHINGTON", "MEITAR", "BRUSSEL"]
    with pytest.raises(TooDeep):
        check_block_depth(filler + "<div>" * (MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "sloppy",
    [
        "<p>x " * MANY,  # a new paragraph closes the open one
        "<ul>" + "<li>x " * MANY + "</ul>",  # so does a list item
        "<ul>" + "<li><div>x " * MANY + "</ul>",  # even through the divs left open in it
        "<dl>" + "<dt>x <dd>y " * (MANY // 2) + "</dl>",
        "<h3>x " * MANY,  # a heading closes an open heading
        "<table>" + "<tr><td><div>x " * MANY + "</table>",  # a cell closes what was left open in the last
        "<table>" + "<tr><td><div><p>x</td>" * MANY + "</table>",  # and so does a cell's end tag
        "<section>" + "<div>x " * 400 + "</section>" + "<section><div>y</section>" * MANY,
        "<script>" + "document.write('<div>');" * MANY + "</script>",  # a script's text holds no elements
        "<!--" + "<div>" * MANY + "-->",
        "<div>" + "<br><img src=a.png><hr>" * MANY + "</div>",
        "<div>" + "<span>x</span>" * MANY + "</div>",
        "<form><input name=q>" * MANY,  # a form inside a form is dropped
    ],
    ids=[
        "paragraphs",
        "list items",
        "items holding divs",
        "definitions",
        "headings",
        "cells",
        "closed cells",
        "sections",
        "script",
        "comment",
        "void elements",
        "inline elements",
        "forms",
    ],
)
def test_sloppy_markup_with_many_tags_is_not_mistaken_for_deep_nesting(sloppy: str) -> None:
    page = _with_list(sloppy)
    assert page.count("<") > SCAN_TAGS

    check_block_depth(page)
    check_block_depth(page.encode())  # as lexbor gets a UTF-8 page: bytes
    assert _places(page) == ["WASHINGTON", "MEITAR", "BRUSSEL"]


def test_inline_elements_nested_deep_around_text_are_refused_by_the_layout() -> None:
    # unclosed <font>s: lexbor nests them cheaply, but every text node inside keeps all of them open
    page = _with_list("<font>x " * 10_000)
    assert page.count("<") <= SCAN_TAGS  # not scanned: this is the layout's own limit

    with pytest.raises(TooDeep, match="too deep to read"):
        parse_wire_page(page, now=NOW)


def test_a_few_thousand_unclosed_inline_tags_still_read() -> None:
    page = _with_list("<font>x " * 2_000) + "</font>" * 2_000
    assert _places(page) == ["WASHINGTON", "MEITAR", "BRUSSEL"]
