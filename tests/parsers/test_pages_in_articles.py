"""Wire lists inside real article pages: the twelve pages of `../shared/corpus/pages/` (skipped when absent),
each with a "Meer uit Buitenland" list put where such lists stand (after the article, or among the page's own
headlines), as the real source shows it.

A list of one item is the hard case: the largest element holding its dateline and no other is then the page
around it (a sidebar full of headlines, the article's column), so the item must still be found, with its own
title and link, and the list's heading is never its title.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers.models import Item
from parsers.pages import parse_wire_page
from tests.corpus import CORPUS_PAGES, corpus_page

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# (place and agencies, title, lead, minutes ago)
WIRES = [
    (
        "DEN HAAG (ANP)",
        "Kabinet wil snellere asielprocedure",
        "Het kabinet wil asielaanvragen sneller afhandelen.",
        4,
    ),
    (
        "KYIV (ANP/RTR)",
        "Russische drones treffen energiecentrale",
        "Bij een aanval op een energiecentrale in het oosten van Oekraïne zijn drie doden gevallen.",
        17,
    ),
    (
        "GENÈVE (ANP/AFP)",
        "VN waarschuwt voor voedseltekort in Soedan",
        "De Verenigde Naties waarschuwen voor hongersnood in delen van Soedan.",
        45,
    ),
]
HEADING = "<h2>Meer uit Buitenland</h2>"


def _label(minutes: int) -> str:
    return f"{minutes} minuten geleden"


def _url(title: str) -> str:
    return "https://www.zeelandnet.nl/nieuws/" + title.lower().replace(" ", "-")


def _elements(count: int) -> str:
    """An `<li>` per item: linked title, lead, time."""
    rows = [
        f'<li><a href="{_url(title)}"><h3>{html.escape(title)}</h3></a>'
        f"<p>{html.escape(dateline)} - {html.escape(lead)}</p><span>{_label(minutes)}</span></li>"
        for dateline, title, lead, minutes in WIRES[:count]
    ]
    return f"{HEADING}<ul>{''.join(rows)}</ul>"


def _divs(count: int) -> str:
    """Bare divs, the time before each lead, no titles."""
    rows = [
        f"<div><div>{_label(minutes)}</div><div>{html.escape(dateline)} - {html.escape(lead)}</div></div>"
        for dateline, _, lead, minutes in WIRES[:count]
    ]
    return f"{HEADING}<div>{''.join(rows)}</div>"


def _page(shared_dir: Path, name: str) -> str:
    return corpus_page(shared_dir, name).decode("utf-8", errors="replace")


def _after_article(page: str, block: str) -> bytes:
    end = page.rfind("</body>")
    end = len(page) if end < 0 else end
    return (page[:end] + f"<aside>{block}</aside>" + page[end:]).encode()


def _among_headlines(page: str, block: str) -> bytes:
    """The list after the first paragraph past the middle of the page (or its last paragraph): inside its
    columns and widgets."""
    at = page.find("</p>", len(page) // 2)
    at = page.rfind("</p>") if at < 0 else at
    assert at >= 0, "the page has no paragraph"
    at += len("</p>")
    return (page[:at] + f"<div><div>{block}</div></div>" + page[at:]).encode()


def _ours(items: list[Item]) -> list[Item]:
    """The items of the list (a page's own headlines carry no ANP dateline)."""
    return [item for item in items if item.agencies and item.agencies[0] == "ANP"]


def _check(items: list[Item], count: int, *, titled: bool) -> None:
    assert len(items) == count
    for item, (dateline, title, lead, minutes) in zip(items, WIRES, strict=False):
        assert f"{item.place} ({'/'.join(item.agencies)})" == dateline
        assert item.text == lead
        assert item.published_at == NOW - timedelta(minutes=minutes)
        assert (item.title, item.url) == ((title, _url(title)) if titled else (None, None))


@pytest.mark.parametrize("name", CORPUS_PAGES)
@pytest.mark.parametrize("count", [1, 3])
def test_a_list_after_the_article_keeps_every_item_with_its_title_and_link(
    shared_dir: Path, name: str, count: int
) -> None:
    body = _after_article(_page(shared_dir, name), _elements(count))
    _check(_ours(parse_wire_page(body, now=NOW)), count, titled=True)


@pytest.mark.parametrize("name", CORPUS_PAGES)
@pytest.mark.parametrize("count", [1, 3])
def test_the_list_heading_is_no_title_of_an_untitled_item(shared_dir: Path, name: str, count: int) -> None:
    body = _after_article(_page(shared_dir, name), _divs(count))
    _check(_ours(parse_wire_page(body, now=NOW)), count, titled=False)


# where `_among_headlines` puts the list, these pages have their article's body (an AP and a Reuters story):
# one item there is no different from the article's own lead, so the parser leaves it
INSIDE_ARTICLE = {
    "en_globalnews_AP_article_emdash_dateline.html",
    "pt_uol_reuters-wire_article_with_wire_list_2020.html",
}


@pytest.mark.parametrize("name", sorted(set(CORPUS_PAGES) - INSIDE_ARTICLE))
def test_a_list_of_one_among_the_pages_headlines_is_found(shared_dir: Path, name: str) -> None:
    items = _ours(parse_wire_page(_among_headlines(_page(shared_dir, name), _divs(1)), now=NOW))
    assert [(item.place, item.text, item.time_label) for item in items] == [
        ("DEN HAAG", WIRES[0][2], _label(WIRES[0][3]))
    ]


@pytest.mark.parametrize("h1", ["<h1>Trump zegt iets</h1>", ""])
@pytest.mark.parametrize("label_first", [True, False])
def test_an_articles_lead_beside_its_time_is_no_item(h1: str, label_first: bool) -> None:
    lead = "<p>WASHINGTON (ANP) - De president zei donderdag iets belangrijks over de handel.</p>"
    byline = f"<span>{_label(8)}</span>"
    intro = f'<div class="intro">{byline + lead if label_first else lead + byline}</div>'
    body = "".join(
        f"<p>Alinea {n} van het artikel, met de tekst die een alinea van een bericht heeft.</p>"
        for n in range(20)
    )
    page = f"<html><body><article>{h1}{intro}{body}</article><aside>{_elements(3)}</aside></body></html>"
    _check(parse_wire_page(page, now=NOW), 3, titled=True)
