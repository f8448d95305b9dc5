"""An item's time label comes from its own block, or from the block its list ties to it: never from a banner,
the navigation, a cookie notice, the page header, another section or the article body. An article's lead that
starts with a dateline is no ticker item.

Each page pairs one list markup with one source of stray labels around an article whose lead has a dateline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parsers.pages import parse_wire_page

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

ARTICLE = (
    "<article><h1>Blinken: aanwijzingen van inmenging</h1><p>BEIJING (ANP) - De Verenigde Staten zien bewijs"
    " dat China de verkiezingen wil beïnvloeden.</p><p>Concrete details gaf hij niet.</p></article>"
)
# the same article without <article> and without a heading: only its place on the page sets it apart
BARE_ARTICLE = (
    "<div class='story'><p>BEIJING (ANP) - De Verenigde Staten zien bewijs dat China de verkiezingen wil"
    " beïnvloeden.</p></div>"
)
LISTS = {
    "cards": (
        "<section><h2>Meer uit Buitenland</h2><ul>"
        "<li><h3>Trump waarschuwt</h3><p>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</p>"
        "<span>8 minuten geleden</span></li>"
        "<li><h3>Netanyahu dreigt</h3><p>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</p>"
        "<span>1 uur geleden</span></li></ul></section>"
    ),
    "glued": (
        "<div class='news-list'>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.8 minuten geleden"
        "MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.1 uur geleden</div>"
    ),
    "flat-time-first": (
        "<div class='list'><div>8 minuten geleden</div><div>WASHINGTON (ANP) - Trump waarschuwt de"
        " burgemeester.</div><div>1 uur geleden</div><div>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd."
        "</div></div>"
    ),
    "table": (
        "<table><tr><td>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</td><td>8 minuten geleden</td></tr>"
        "<tr><td>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</td><td>1 uur geleden</td></tr></table>"
    ),
}
LIST_ITEMS = [("WASHINGTON", "8 minuten geleden"), ("MEITAR", "1 uur geleden")]

STRAYS = {
    # a banner sentence that happens to hold a relative time, right above the article
    "banner-sentence": "<div class='alert'>Storm op komst: het KNMI gaf 20 minuten geleden code oranje af.</div>",
    # a cookie notice in a dialog, its label standing alone
    "cookie-dialog": (
        "<div role='dialog' aria-label='Cookies'><p>Wij gebruiken cookies.</p><p>Opgeslagen · 2 uur geleden"
        "</p><button>Akkoord</button></div>"
    ),
    # a menu entry with a label of its own
    "navigation": "<nav><a href='/'>Home</a> <a href='/live'>Live: debat (5 minuten geleden)</a></nav>",
    # the page header's "last updated"
    "page-header": "<header><a href='/'>Logo</a><p>Laatst bijgewerkt: 4 minuten geleden</p></header>",
    # an English banner and "updated" line
    "english-banner": (
        "<div class='banner'>Breaking: the quake struck 20 minutes ago off the coast, officials said.</div>"
        "<div class='meta'>Updated 12 mins ago</div>"
    ),
    # another section's list of clock times ("Net binnen"), in plain divs
    "another-list": (
        "<div class='net-binnen'><h2>Net binnen</h2><div>11:40 Noodweer in Spanje</div><div>11:31 Beurs opent"
        " hoger</div></div>"
    ),
}


@pytest.mark.parametrize("stray", sorted(STRAYS))
@pytest.mark.parametrize("markup", sorted(LISTS))
@pytest.mark.parametrize("article", [ARTICLE, BARE_ARTICLE], ids=["article", "bare-article"])
def test_the_list_keeps_its_labels_and_the_article_lead_takes_none(
    markup: str, stray: str, article: str
) -> None:
    html = f"<html><body>{STRAYS[stray]}<main>{article}{LISTS[markup]}</main></body></html>"
    items = parse_wire_page(html, now=NOW)
    assert [(i.place, i.time_label) for i in items] == LIST_ITEMS


@pytest.mark.parametrize("stray", sorted(STRAYS))
def test_strays_after_the_article_give_it_no_label_either(stray: str) -> None:
    html = (
        f"<main>{BARE_ARTICLE}{STRAYS[stray]}{LISTS['cards']}</main><footer>© 2026 · 3 uur geleden</footer>"
    )
    assert [(i.place, i.time_label) for i in parse_wire_page(html, now=NOW)] == LIST_ITEMS


def test_an_article_with_a_time_of_its_own_beside_a_list_is_no_item() -> None:
    article = ARTICLE.replace("<h1>", "<time datetime='2026-11-27T09:00:00Z'>3 uur geleden</time><h1>")
    for markup in LISTS.values():
        items = parse_wire_page(f"<main>{article}{markup}</main>", now=NOW)
        assert [(i.place, i.time_label) for i in items] == LIST_ITEMS


@pytest.mark.parametrize(
    "stray",
    [
        STRAYS["banner-sentence"],
        STRAYS["navigation"],
        STRAYS["page-header"],
        STRAYS["cookie-dialog"],
        "<div class='alert'>Het onweer trok 10 minuten geleden over Vlissingen en Middelburg.</div>",
        # a label standing alone above a menu and the article's title
        "<div class='bar'>Laatste nieuws · 6 minuten geleden</div><div class='menu'><a href='/'>Home</a> <a"
        " href='/sport'>Sport</a></div>",
        "<div class='bar'>Live <time datetime='2026-11-27T11:55:00Z'>5 minuten geleden</time></div><ul><li>"
        "<a href='/'>Home</a></li><li><a href='/sport'>Sport</a></li></ul>",
    ],
)
@pytest.mark.parametrize(
    "article", [ARTICLE, BARE_ARTICLE.replace("<div class='story'>", "<div class='story'><h1>Blinken</h1>")]
)
def test_a_lone_article_takes_no_label_from_around_it(stray: str, article: str) -> None:
    assert parse_wire_page(f"<body>{stray}{article}</body>", now=NOW) == []
    assert parse_wire_page(f"<body>{article}{stray}</body>", now=NOW) == []


def test_a_lone_item_with_its_own_label_is_still_an_item() -> None:
    html = (
        f"<body>{STRAYS['navigation']}<main><h2>Meer uit Buitenland</h2><article><h3>Kabinet valt</h3>"
        "<p>DEN HAAG (ANP) - Het kabinet is gevallen.</p><span>zojuist</span></article></main></body>"
    )
    (item,) = parse_wire_page(html, now=NOW)
    assert (item.place, item.title, item.time_label) == ("DEN HAAG", "Kabinet valt", "zojuist")


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("De aanval begon 5 minuten geleden in het noorden", "8 minuten geleden"),
        ("Het kabinet is zojuist gevallen, meldt de premier", "8 minuten geleden"),
        ("The strike hit the port 20 minutes ago, officials said", "8 mins ago"),
        ("Het gebeurde een uur geleden", "8 minuten geleden"),
    ],
)
def test_a_relative_time_inside_a_lead_neither_cuts_it_nor_labels_it(sentence: str, label: str) -> None:
    html = (
        f"<div class='list'>WASHINGTON (ANP) - {sentence}.{label}MEITAR (ANP/AFP) - Netanyahu heeft"
        " gewaarschuwd.1 uur geleden</div>"
    )
    first, second = parse_wire_page(html, now=NOW)
    assert first.text == f"{sentence}." and first.time_label == label
    assert first.published_at == NOW - timedelta(minutes=8)
    assert (second.place, second.time_label) == ("MEITAR", "1 uur geleden")


def test_a_label_in_a_sentence_of_a_ticker_line_is_no_label() -> None:
    html = (
        "<ul><li><p>DEN HAAG (ANP) - Het kabinet valt.</p><p>Dat werd 10 minuten geleden bekend.</p></li>"
        "<li><p>UTRECHT (ANP) - De trein rijdt weer.</p><span>1 uur geleden</span></li></ul>"
    )
    assert [(i.place, i.time_label) for i in parse_wire_page(html, now=NOW)] == [("UTRECHT", "1 uur geleden")]
