"""The wire-page extractor on the seed in three markup styles, and on small pages built for one behaviour."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers.errors import NotHtmlError, ParseError, SelectorError
from parsers.identity import canonical_url, content_hash, text_uid
from parsers.models import Item
from parsers.pages import Selectors, looks_like_html, parse_wire_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BASE = "https://www.zeelandnet.nl/nieuws/blinken-aanwijzingen-dat-china-verkiezingen-vs-wil-beinvloeden"

# The "Meer uit Buitenland" list of the seed, newest first: place, agencies, opening of the lead, age.
SEED_ITEMS = [
    ("WASHINGTON", ("ANP",), "De Amerikaanse president Donald Trump waarschuwt", timedelta(minutes=8)),
    ("MEITAR", ("ANP", "AFP"), "De Israëlische premier Benjamin Netanyahu", timedelta(hours=1)),
    ("BRUSSEL", ("ANP",), "De defensieman van de Europese Commissie", timedelta(hours=1)),
    ("PARIJS", ("ANP", "AFP"), "De Franse president Emmanuel Macron", timedelta(hours=1)),
    ("WASHINGTON", ("ANP",), "De militaire vloot die de VS richting Iran", timedelta(hours=1)),
    ("BAGDAD", ("ANP", "RTR"), "De VS moeten zich niet mengen", timedelta(hours=2)),
    ("MOSKOU", ("ANP", "RTR", "AF"), "Er zijn volgens het Kremlin geen 1,2 miljoen", timedelta(hours=3)),
]
SEED_ENDINGS = [
    "Daar neemt Trump aanstoot aan.",
    "agent Ran Gvili (24).",
    "een eerdere 'munitietoer' te herhalen.",
    "Mette Frederiksen en Jens-Frederik Nielsen.",
    '"Hopelijk komt Iran snel om de tafel om een eerlijke en rechtvaardige deal te sluiten", aldus Trump.',
    "als iemand met nauwe banden met Iran.",
    "stelt woensdag dat dergelijke rapportages niet betrouwbaar zijn.",
]
STYLES = [
    "zeelandnet_seed_elements.html",
    "zeelandnet_seed_divs.html",
    "zeelandnet_seed_glued.html",
    # a short article under a banner sentence with a relative time, a cookie notice, a menu entry and a page
    # header that hold labels; the list one element per line, each label at the start of the next item's line
    "zeelandnet_seed_lines.html",
    # a short article under a "last news" bar; the list one text block with the titles glued to the datelines
    "zeelandnet_seed_titled.html",
]
SEED_TITLES = [
    "Trump waarschuwt burgemeester Minneapolis voor 'ernstige schending van de wet'",
    "Netanyahu: vijanden betalen hoge prijs voor aanval",
    "Brussel wil meer raketten, Kubilius op fabriekstoer",
    "Macron: Groenland is wake-upcall voor heel Europa",
    "Trump: armada richting Iran groter dan bij Venezuela",
    "Al-Maliki: VS moeten zich niet mengen in Iraakse politiek",
    "Kremlin verwerpt schatting van 1,2 miljoen Russische slachtoffers",
]
LABEL = re.compile(r"(\d+) (minuten|uur) geleden")


def _parse(name: str, **kwargs: object) -> list[Item]:
    return parse_wire_page((PAGES / name).read_bytes(), now=NOW, base_url=BASE, **kwargs)  # type: ignore[arg-type]


def _seed_list() -> str:
    """The list as the seed renders it: leads with the labels glued to the next dateline."""
    html = (PAGES / "zeelandnet_seed_glued.html").read_text()
    start = html.index("WASHINGTON (ANP)", html.index('class="news-list"'))
    return html[start : html.index("3 uur geleden", start) + len("3 uur geleden")]


@pytest.mark.parametrize("name", STYLES)
def test_the_seed_list_in_every_markup_style(name: str) -> None:
    items = _parse(name)
    assert [(i.place, i.agencies) for i in items] == [(p, a) for p, a, _, _ in SEED_ITEMS]
    for item, (_, _, opening, age), ending in zip(items, SEED_ITEMS, SEED_ENDINGS, strict=True):
        assert item.text.startswith(opening)
        assert item.text.endswith(ending)
        assert item.published_at is not None and NOW - item.published_at == age
        assert item.published_precision == (60 if age < timedelta(hours=1) else 3600)
        assert item.time_label is not None and LABEL.fullmatch(item.time_label)
        assert item.countries == ()
        assert not LABEL.search(item.text) and "(ANP" not in item.text


@pytest.mark.parametrize("name", STYLES)
def test_the_rest_of_the_page_gives_no_items(name: str) -> None:
    items = _parse(name)
    texts = " ".join(f"{i.title} {i.text}" for i in items)
    for outside in [
        "BEIJING",
        "Blinken",
        "Noodweer",
        "Kabinet schuift",
        "Veerdienst",
        "Omroep Zeeland",
        "cookies",
        "voorkeuren",
        "KNMI",
        "Laatst bijgewerkt",
        "Laatste nieuws",
        "debat Tweede Kamer",
    ]:
        assert outside not in texts
    assert "javascript" not in texts  # <noscript> and <template> are stripped
    assert all(item.place != "BEIJING" for item in items)


def test_the_elements_page_gives_titles_and_absolute_links() -> None:
    items = _parse("zeelandnet_seed_elements.html")
    assert items[0].title == "Trump waarschuwt burgemeester Minneapolis voor 'ernstige schending van de wet'"
    assert items[6].title == "Kremlin verwerpt schatting van 1,2 miljoen Russische slachtoffers"
    for item in items:
        assert item.url and item.url.startswith("https://www.zeelandnet.nl/nieuws/")
        assert item.uid == canonical_url(item.url)
        assert item.title and item.content_hash == content_hash(item.title, item.text)
        assert "Lees meer" not in item.text
    assert len({item.url for item in items}) == 7


def test_titles_glued_to_the_datelines_are_kept() -> None:
    items = _parse("zeelandnet_seed_titled.html")
    assert [item.title for item in items] == SEED_TITLES
    assert [item.content_hash for item in items] == [content_hash(i.title, i.text) for i in items]
    assert not any(title in item.text for item in items for title in SEED_TITLES)


@pytest.mark.parametrize(
    "name", ["zeelandnet_seed_divs.html", "zeelandnet_seed_glued.html", "zeelandnet_seed_lines.html"]
)
def test_items_without_links_are_known_by_place_agencies_and_lead(name: str) -> None:
    items = _parse(name)
    for item in items:
        assert item.url is None and item.title is None
        assert item.uid == text_uid(item.place, item.agencies, item.text)
        assert item.content_hash == content_hash(None, item.text)


@pytest.mark.parametrize("name", ["zeelandnet_seed_glued.html", "zeelandnet_seed_lines.html"])
def test_the_linkless_styles_give_the_same_identities(name: str) -> None:
    divs = _parse("zeelandnet_seed_divs.html")
    other = _parse(name)
    assert [i.uid for i in divs] == [i.uid for i in other]
    assert [i.content_hash for i in divs] == [i.content_hash for i in other]
    assert [i.text for i in divs] == [i.text for i in other]


def test_ageing_labels_do_not_change_identity() -> None:
    html = (PAGES / "zeelandnet_seed_glued.html").read_text()
    later = LABEL.sub(lambda m: f"{int(m.group(1)) + 1} uur geleden", html)
    first = parse_wire_page(html, now=NOW)
    second = parse_wire_page(later, now=NOW + timedelta(hours=1))
    assert [i.uid for i in first] == [i.uid for i in second]
    assert [i.content_hash for i in first] == [i.content_hash for i in second]
    assert [i.time_label for i in first] != [i.time_label for i in second]


def test_whitespace_and_nbsp_are_no_edit() -> None:
    html = (PAGES / "zeelandnet_seed_elements.html").read_text()
    spaced = html.replace("De Amerikaanse president", "De\u00a0Amerikaanse \n   president")
    before, after = parse_wire_page(html, now=NOW), parse_wire_page(spaced, now=NOW)
    assert [(i.uid, i.content_hash, i.text) for i in before] == [
        (i.uid, i.content_hash, i.text) for i in after
    ]


def test_a_real_edit_changes_the_hash_not_the_uid() -> None:
    html = (PAGES / "zeelandnet_seed_glued.html").read_text()
    edited = html.replace("Daar neemt Trump aanstoot aan.", "Daar neemt Trump grote aanstoot aan.")
    before, after = parse_wire_page(html, now=NOW)[0], parse_wire_page(edited, now=NOW)[0]
    assert before.uid == after.uid
    assert before.content_hash != after.content_hash


def test_fully_glued_text_as_in_the_issue() -> None:
    glued = _seed_list().replace("\n", "")
    assert "aanstoot aan.8 minuten geledenMEITAR (ANP/AFP) - " in glued
    items = parse_wire_page(
        f"<html><body><h2>Meer uit Buitenland</h2><div>{glued}</div></body></html>", now=NOW
    )
    assert [i.place for i in items] == [p for p, _, _, _ in SEED_ITEMS]
    assert [NOW - i.published_at for i in items if i.published_at] == [a for _, _, _, a in SEED_ITEMS]
    assert items[0].text.endswith("Daar neemt Trump aanstoot aan.")


def test_glued_text_with_the_times_first() -> None:
    seed = _seed_list()
    leads = [part.strip() for part in LABEL.split(seed)[::3] if part.strip()]
    labels = LABEL.findall(seed)
    time_first = "".join(f"{n} {unit} geleden{lead}" for lead, (n, unit) in zip(leads, labels, strict=True))
    items = parse_wire_page(f"<div>{time_first}</div><p>Net binnen</p><p>11:40 Noodweer</p>", now=NOW)
    assert [i.place for i in items] == [p for p, _, _, _ in SEED_ITEMS]
    assert [NOW - i.published_at for i in items if i.published_at] == [a for _, _, _, a in SEED_ITEMS]
    assert items[-1].text.endswith("niet betrouwbaar zijn.")


def test_flat_siblings_with_the_time_first_and_a_list_after_them() -> None:
    seed = _seed_list()
    leads = [part.strip() for part in LABEL.split(seed)[::3] if part.strip()]
    labels = [f"{n} {unit} geleden" for n, unit in LABEL.findall(seed)]
    flat = "".join(f"<div>{label}</div><div>{lead}</div>" for lead, label in zip(leads, labels, strict=True))
    tail = '<h2>Net binnen</h2><ul><li><a href="/x"><time>11:40</time> Noodweer</a></li></ul>'
    items = parse_wire_page(f"<div>{flat}</div>{tail}", now=NOW)
    assert [i.time_label for i in items] == labels


def test_flat_siblings_with_titles_between_the_items() -> None:
    html = (
        "<h2>Meer uit Buitenland</h2><div class='list'>"
        "<h3><a href='/nieuws/een'>Kabinet valt</a></h3><p>DEN HAAG (ANP) - Het kabinet is gevallen.</p>"
        "<span>zojuist</span>"
        "<h3><a href='/nieuws/twee'>Storm in Zeeland</a></h3><p>DOMBURG - Een boom viel op een auto.</p>"
        "<span>12 minuten geleden</span></div>"
    )
    items = parse_wire_page(html, now=NOW, base_url="https://www.zeelandnet.nl/")
    assert [(i.title, i.url, i.place) for i in items] == [
        ("Kabinet valt", "https://www.zeelandnet.nl/nieuws/een", "DEN HAAG"),
        ("Storm in Zeeland", "https://www.zeelandnet.nl/nieuws/twee", "DOMBURG"),
    ]
    assert items[1].agencies == () and items[1].published_at == NOW - timedelta(minutes=12)


def test_the_seed_as_a_plain_text_body() -> None:
    if not (PAGES.parents[2].parent / "shared" / "seeds").is_dir():
        pytest.skip("../shared/ is not present")
    seed = (PAGES.parents[2].parent / "shared" / "seeds" / "000_cfe532f4893c7059.txt").read_bytes()
    items = parse_wire_page(seed, now=NOW)
    assert [i.place for i in items] == [p for p, _, _, _ in SEED_ITEMS]


def test_time_datetime_wins_over_its_visible_label() -> None:
    html = (
        "<ul><li><p>DEN HAAG (ANP) - Het kabinet valt.</p>"
        '<time datetime="2026-11-27T12:58:10+01:00">1 uur geleden</time></li>'
        '<li><p>UTRECHT (ANP) - Trein rijdt weer.</p><time datetime="nonsense">3 uur geleden</time></li></ul>'
    )
    exact, fallback = parse_wire_page(html, now=NOW)
    assert exact.published_at == datetime(2026, 11, 27, 11, 58, 10, tzinfo=UTC)
    assert exact.published_precision is None and exact.time_label == "1 uur geleden"
    assert fallback.published_at == NOW - timedelta(hours=3) and fallback.published_precision == 3600


def test_english_wires_and_a_trailing_read_more() -> None:
    html = (
        "<section><article><p>NEW YORK (Reuters) - Stocks fell. <a href='/markets/1?utm=x'>Read more</a></p>"
        "<span>39 mins ago</span></article>"
        "<article><p>CHICAGO (AP) — Snow closed schools.</p><span>an hour ago</span>"
        "<a href='https://www.facebook.com/sharer/sharer.php?u=x'>Share</a></article></section>"
    )
    reuters, ap = parse_wire_page(html, now=NOW, base_url="https://example.com/world/")
    assert (reuters.place, reuters.agencies, reuters.text) == ("NEW YORK", ("Reuters",), "Stocks fell.")
    assert reuters.url == "https://example.com/markets/1?utm=x"
    assert reuters.uid == "https://example.com/markets/1"
    assert reuters.published_at == NOW - timedelta(minutes=39)
    assert (ap.place, ap.agencies, ap.url) == ("CHICAGO", ("AP",), None)


def test_relative_links_without_a_base_give_no_url() -> None:
    html = "<li><a href='/nieuws/x'><h3>Titel</h3></a><p>DEN HAAG (ANP) - Het.</p><span>zojuist</span></li>"
    (item,) = parse_wire_page(html, now=NOW)
    assert item.title == "Titel" and item.url is None and item.uid.startswith("h:")


def test_duplicates_keep_the_first() -> None:
    html = (
        "<ul><li><p>DEN HAAG (ANP) - Het kabinet valt.</p><span>8 minuten geleden</span></li>"
        "<li><p>UTRECHT (ANP) - Iets anders.</p><span>9 minuten geleden</span></li>"
        "<li><p>DEN  HAAG (ANP) -\u00a0Het  kabinet valt.</p><span>2 uur geleden</span></li></ul>"
    )
    items = parse_wire_page(html, now=NOW)
    assert [(i.place, i.time_label) for i in items] == [
        ("DEN HAAG", "8 minuten geleden"),
        ("UTRECHT", "9 minuten geleden"),
    ]


@pytest.mark.parametrize(
    "html",
    [
        "<p>DEN HAAG (ANP) - Het debat begint om 16.00 uur.</p>",
        "<p>Volgens de NAVO (ANP) - zei hij - is het 8 minuten geleden gebeurd.</p>",
        "<ul><li><a href='/a'>Buitenland <time>11:40</time> Noodweer in Spanje</a></li></ul>",
        "<div>Omroep Zeeland · 2 uur geleden</div><div>LET OP - De A58 is dicht</div>",
        "",
        "<<<>>>",
        "<html><body></body></html>",
    ],
)
def test_pages_without_wire_items(html: str) -> None:
    assert parse_wire_page(html, now=NOW) == []


def test_an_article_body_with_a_dated_header_is_no_item() -> None:
    body = "".join(f"<p>{'Zin met woorden. ' * 12}</p>" for _ in range(3))
    html = (
        "<article><h1>Titel</h1><time datetime='2026-11-27T10:00:00Z'>2 uur geleden</time>"
        f"<p>BEIJING (ANP) - De eerste alinea.</p>{body}</article>"
    )
    assert parse_wire_page(html, now=NOW) == []
    short = html.replace(body, "")
    assert [i.place for i in parse_wire_page(short, now=NOW)] == ["BEIJING"]  # one lead and a time: an item


def test_bytes_in_a_declared_legacy_encoding() -> None:
    html = (
        '<html><head><meta charset="windows-1252"></head><body><ul>'
        "<li><p>GENÈVE (ANP) - De VN vergaderen.</p><span>1 dag geleden</span></li></ul></body></html>"
    )
    (item,) = parse_wire_page(html.encode("cp1252"), now=NOW)
    assert item.place == "GENÈVE" and item.published_at == NOW - timedelta(days=1)


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b'{"items": [{"title": "WASHINGTON (ANP) - x"}]}',
        '[{"a": 1}]',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
        b"%PDF-1.7 ...",
        b"\x1f\x8b\x08\x00gzip",
    ],
)
def test_bodies_that_are_clearly_not_html(body: bytes | str) -> None:
    assert not looks_like_html(body)
    with pytest.raises(NotHtmlError):
        parse_wire_page(body, now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>x</body></html>",
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        "DEN HAAG (ANP) - Gewoon tekst",
        "[Update] DEN HAAG - tekst",
        "",
        b"\xef\xbb\xbf<html></html>",
    ],
)
def test_bodies_that_may_be_html(body: bytes | str) -> None:
    assert looks_like_html(body)


def test_errors_form_one_tree() -> None:
    assert issubclass(NotHtmlError, ParseError) and issubclass(SelectorError, ParseError)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_wire_page("<p>x</p>", now=datetime(2026, 11, 27, 12, 0))


CARDS = (
    "<div class='cards'>"
    "<a class='card' href='/nieuws/1'><h4>Brug dicht</h4><p>Door werkzaamheden is de brug dicht.</p>"
    "<span class='when'>5 minuten geleden</span></a>"
    "<a class='card' href='/nieuws/2'><h4>Kabinet</h4><p class='lead'>DEN HAAG (ANP) - Het kabinet valt.</p>"
    "<time datetime='2026-11-27T10:00:00Z'>2 uur geleden</time></a>"
    "<div class='card'><h4>Zonder tijd</h4></div>"
    "</div>"
)


def test_selectors_for_sites_without_datelines() -> None:
    selectors = Selectors(item=".card", title="h4", lead="p", time=".when, time")
    first, second, third = parse_wire_page(CARDS, now=NOW, base_url="https://e.nl/", selectors=selectors)
    assert (first.title, first.text, first.place, first.agencies) == (
        "Brug dicht",
        "Door werkzaamheden is de brug dicht.",
        None,
        (),
    )
    assert first.url == "https://e.nl/nieuws/1" and first.published_at == NOW - timedelta(minutes=5)
    assert (second.place, second.agencies, second.text) == ("DEN HAAG", ("ANP",), "Het kabinet valt.")
    assert (
        second.published_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
        and second.published_precision is None
    )
    assert (third.title, third.text, third.published_at, third.url) == (
        "Zonder tijd",
        "Zonder tijd",
        None,
        None,
    )


def test_selectors_without_sub_selectors_read_the_whole_item() -> None:
    (item,) = parse_wire_page(
        CARDS, now=NOW, base_url="https://e.nl/", selectors=Selectors(item="a.card:has(.lead)", title="h4")
    )
    assert (item.title, item.place, item.text) == ("Kabinet", "DEN HAAG", "Het kabinet valt.")
    assert item.time_label == "2 uur geleden" and item.published_at == NOW - timedelta(hours=2)
    assert item.url == "https://e.nl/nieuws/2"


@pytest.mark.parametrize(
    "selectors", [Selectors(item="div["), Selectors(item="div", title="h4 >"), Selectors(item="")]
)
def test_bad_selectors(selectors: Selectors) -> None:
    with pytest.raises(SelectorError):
        parse_wire_page(CARDS, now=NOW, selectors=selectors)


def test_a_page_with_a_single_item_takes_its_link_not_the_menus() -> None:
    html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/nieuws'>Nieuws</a></nav><main><h2>Meer uit Buitenland</h2>"
        "<article><h3><a href='/nieuws/kabinet-valt'>Kabinet valt</a></h3>"
        "<p>DEN HAAG (ANP) -\n   \u00a0 Het kabinet is gevallen.</p>\n   \u00a0<span>zojuist</span></article>"
        "</main><footer><a href='/contact'>Contact</a></footer></body></html>"
    )
    (item,) = parse_wire_page(html, now=NOW, base_url="https://www.zeelandnet.nl/nieuws/buitenland")
    assert (item.place, item.text, item.title) == ("DEN HAAG", "Het kabinet is gevallen.", "Kabinet valt")
    assert item.url == "https://www.zeelandnet.nl/nieuws/kabinet-valt"


def test_a_short_article_with_an_updated_label_is_no_item() -> None:
    html = (
        "<nav>Business Markets World</nav><article><div>January 13, 2020 / Updated 2 minutes ago</div>"
        "<h1>Skoda deliveries dip</h1><p>PRAGUE (Reuters) - Deliveries of Skoda Auto dropped slightly in 2019.</p>"
        "<p>Skoda said deliveries in China dropped by 17.3% while shipping to other markets were up 5.3%.</p>"
        "<p>In December alone, deliveries in all markets rose 9.1% to 114,700 units, it added.</p>"
        "<p>Reporting by Jason Hovet</p></article><footer>All Rights Reserved.</footer>"
    )
    assert parse_wire_page(html, now=NOW) == []


def test_a_clock_ticker_glued_into_one_text_node() -> None:
    page = (
        "<p>11:52WASHINGTON (ANP) - Trump waarschuwt de burgemeester.10:58BRUSSEL (ANP/BELGA) - De Commissie"
        " gaat langs.09:01DOMBURG - Op het strand is een bruinvis aangespoeld.</p>"
    )
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    items = parse_wire_page(page, now=now)
    assert [(i.place, i.agencies) for i in items] == [
        ("WASHINGTON", ("ANP",)),
        ("BRUSSEL", ("ANP", "BELGA")),
        ("DOMBURG", ()),
    ]
    assert [i.time_label for i in items] == ["11:52", "10:58", "09:01"]
    assert [i.published_at.strftime("%H:%M") for i in items if i.published_at] == ["10:52", "09:58", "08:01"]
    assert items[2].text == "Op het strand is een bruinvis aangespoeld."
