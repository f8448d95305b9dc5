"""The wire-page extractor on markups it was not built from: the same items in cards, tickers, tables, definition
lists, `<hr>`-separated runs, React-style spans, with kickers, categories, "lees meer" and English labels.

Each page says what a reader sees: a place and agencies, a title (or none), a lead, a link and a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.models import Item
from parsers.pages import parse_wire_page
from parsers.times import LOCAL_ZONE

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BASE = "https://www.zeelandnet.nl/nieuws/buitenland"
SITE = "https://www.zeelandnet.nl"


def ago(**delta: int) -> datetime:
    return NOW - timedelta(**delta)


def amsterdam(hour: int, minute: int) -> datetime:
    """Wall-clock time in Amsterdam on NOW's day, in UTC."""
    return datetime(2026, 11, 27, hour, minute, tzinfo=LOCAL_ZONE).astimezone(UTC)


# (place, agencies, title, lead, url, published_at, time_label)
Expected = tuple[str, tuple[str, ...], str | None, str, str | None, datetime, str]

TRUMP = "De Amerikaanse president Donald Trump waarschuwt de burgemeester."
BRUINVIS = "Op het strand is een bruinvis aangespoeld."

CASES: list[object] = [
    pytest.param(  # each card is one link around title, lead and time, all in plain divs
        """<html><body><header><nav>Nieuws Sport Regio</nav></header>
        <main><article><h1>Blinken: aanwijzingen</h1><p>BEIJING (ANP) - De Verenigde Staten is bewijs onder de
        aandacht gekomen dat China ...</p><p>Concrete details besprak Blinken niet.</p></article>
        <section><h2>Meer uit Buitenland</h2>
        <a class="card" href="/nieuws/buitenland/123/trump"><div class="card__title">Trump waarschuwt
        burgemeester</div><div class="card__lead">WASHINGTON (ANP) - De Amerikaanse president Donald Trump
        waarschuwt de burgemeester.</div><div class="card__meta">8 minuten geleden</div></a>
        <a class="card" href="/nieuws/buitenland/124/netanyahu"><div class="card__title">Netanyahu
        waarschuwt</div><div class="card__lead">MEITAR (ANP/AFP) - De Israëlische premier heeft
        gewaarschuwd.</div><div class="card__meta">1 uur geleden</div></a>
        </section></main><footer>© 2026</footer></body></html>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt burgemeester",
                TRUMP,
                f"{SITE}/nieuws/buitenland/123/trump",
                ago(minutes=8),
                "8 minuten geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu waarschuwt",
                "De Israëlische premier heeft gewaarschuwd.",
                f"{SITE}/nieuws/buitenland/124/netanyahu",
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="A-card-links-around-divs",
    ),
    pytest.param(  # a ul ticker: the clock and the lead are sibling spans with a space between them
        """<html><body><ul class="ticker">
        <li><span class="t">11:52</span> <span class="d">WASHINGTON (ANP) – De Amerikaanse president Donald
        Trump waarschuwt.</span></li>
        <li><span class="t">10:58</span> <span class="d">BRUSSEL (ANP/BELGA) – De Europese Commissie gaat
        langs bij fabrieken.</span></li>
        <li><span class="t">09:01</span> <span class="d">DOMBURG – Op het strand is een bruinvis
        aangespoeld.</span></li>
        </ul></body></html>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                None,
                "De Amerikaanse president Donald Trump waarschuwt.",
                None,
                amsterdam(11, 52),
                "11:52",
            ),
            (
                "BRUSSEL",
                ("ANP", "BELGA"),
                None,
                "De Europese Commissie gaat langs bij fabrieken.",
                None,
                amsterdam(10, 58),
                "10:58",
            ),
            ("DOMBURG", (), None, BRUINVIS, None, amsterdam(9, 1), "09:01"),
        ],
        id="B-ticker-spans",
    ),
    pytest.param(  # a table: the label in one cell, a bold title, <br> and the lead in the next
        """<html><body><table><tr><td>8 minuten geleden</td><td><b>Trump</b><br>WASHINGTON (ANP) - Trump
        waarschuwt.</td></tr>
        <tr><td>1 uur geleden</td><td><b>Netanyahu</b><br>MEITAR (ANP/AFP) - Netanyahu waarschuwt.</td></tr>
        </table></body></html>""",
        [
            ("WASHINGTON", ("ANP",), "Trump", "Trump waarschuwt.", None, ago(minutes=8), "8 minuten geleden"),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu",
                "Netanyahu waarschuwt.",
                None,
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="C-table-bold-title",
    ),
    pytest.param(  # <time datetime> glued after the lead in bare divs: the attribute wins
        """<div class="list"><div>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.<time
        datetime="2026-11-27T11:52:00Z">8 minuten geleden</time></div><div>MOSKOU (ANP/RTR/AF) - Het Kremlin
        verwerpt de schatting.<time datetime="2026-11-27T09:00:00+01:00">3 uur geleden</time></div></div>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                None,
                "Trump waarschuwt de burgemeester.",
                None,
                datetime(2026, 11, 27, 11, 52, tzinfo=UTC),
                "8 minuten geleden",
            ),
            (
                "MOSKOU",
                ("ANP", "RTR", "AF"),
                None,
                "Het Kremlin verwerpt de schatting.",
                None,
                datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
                "3 uur geleden",
            ),
        ],
        id="D-time-datetime-in-bare-divs",
    ),
    pytest.param(  # the time in a <small> between the title and the lead, all inside the link
        """<ul class="list"><li><a href="/n/1"><strong>Trump waarschuwt</strong><small>8 minuten
        geleden</small><p>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</p></a></li>
        <li><a href="/n/2"><strong>Netanyahu dreigt</strong><small>1 uur geleden</small><p>MEITAR (ANP/AFP) -
        Netanyahu heeft gewaarschuwd.</p></a></li></ul>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                ago(minutes=8),
                "8 minuten geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                f"{SITE}/n/2",
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="E-small-time-between-title-and-lead",
    ),
    pytest.param(  # a definition list: the clock in <dt>, the linked title, <br> and lead in <dd>
        """<dl class="wire"><dt>11:52</dt><dd><a href="/n/1">Trump waarschuwt</a><br>WASHINGTON (ANP) - Trump
        waarschuwt de burgemeester.</dd>
        <dt>10:58</dt><dd><a href="/n/2">Kubilius naar fabrieken</a><br>BRUSSEL (ANP) - De Europese Commissie
        gaat langs bij fabrieken.</dd></dl>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                amsterdam(11, 52),
                "11:52",
            ),
            (
                "BRUSSEL",
                ("ANP",),
                "Kubilius naar fabrieken",
                "De Europese Commissie gaat langs bij fabrieken.",
                f"{SITE}/n/2",
                amsterdam(10, 58),
                "10:58",
            ),
        ],
        id="F-dl-dt-time-dd-item",
    ),
    pytest.param(  # one container, items separated only by <hr>, title / lead / label on <br> lines
        """<div class="feed">Trump waarschuwt<br>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.<br>8
        minuten geleden<hr>Bruinvis aangespoeld<br>DOMBURG - Op het strand is een bruinvis aangespoeld.<br>1
        uur geleden<hr>Kremlin verwerpt schatting<br>MOSKOU (ANP/RTR/AF) - Het Kremlin verwerpt de
        schatting.<br>3 uur geleden</div>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                ago(minutes=8),
                "8 minuten geleden",
            ),
            ("DOMBURG", (), "Bruinvis aangespoeld", BRUINVIS, None, ago(hours=1), "1 uur geleden"),
            (
                "MOSKOU",
                ("ANP", "RTR", "AF"),
                "Kremlin verwerpt schatting",
                "Het Kremlin verwerpt de schatting.",
                None,
                ago(hours=3),
                "3 uur geleden",
            ),
        ],
        id="G-hr-separated-runs",
    ),
    pytest.param(  # one paragraph, items separated by <br><br>, "HH:MM - title" lines before the leads
        """<h2>Meer uit Buitenland</h2><p class="ticker">11:52 - Trump waarschuwt<br>WASHINGTON (ANP) - Trump
        waarschuwt de burgemeester.<br><br>10:58 - Kubilius naar fabrieken<br>BRUSSEL (ANP) - De Europese
        Commissie gaat langs bij fabrieken.<br><br>09:01 - Bruinvis aangespoeld<br>DOMBURG - Op het strand is
        een bruinvis aangespoeld.</p>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                amsterdam(11, 52),
                "11:52",
            ),
            (
                "BRUSSEL",
                ("ANP",),
                "Kubilius naar fabrieken",
                "De Europese Commissie gaat langs bij fabrieken.",
                None,
                amsterdam(10, 58),
                "10:58",
            ),
            ("DOMBURG", (), "Bruinvis aangespoeld", BRUINVIS, None, amsterdam(9, 1), "09:01"),
        ],
        id="H-br-br-separated-time-first",
    ),
    pytest.param(  # an "ANP" kicker in its own block before a title in a plain div
        """<section><div class="card"><span class="kicker">ANP</span><div class="title">Trump waarschuwt</div>
        <div class="lead">WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</div><span>zojuist</span></div>
        <div class="card"><span class="kicker">ANP</span><div class="title">Netanyahu dreigt</div>
        <div class="lead">MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</div><span>2 uur geleden</span>
        </div></section>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                NOW,
                "zojuist",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                None,
                ago(hours=2),
                "2 uur geleden",
            ),
        ],
        id="I-kicker-block-before-title",
    ),
    pytest.param(  # the kicker on the title's own line, in a span beside it
        """<section><div class="card"><div><span class="kicker">ANP</span> <span>Trump waarschuwt</span></div>
        <div>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</div><span>zojuist</span></div>
        <div class="card"><div><span class="kicker">ANP/AFP</span> <span>Netanyahu dreigt</span></div>
        <div>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</div><span>2 uur geleden</span></div></section>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                NOW,
                "zojuist",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                None,
                ago(hours=2),
                "2 uur geleden",
            ),
        ],
        id="I2-kicker-inline-before-title",
    ),
    pytest.param(  # "Lees meer" links, inside the lead's paragraph and after it: the link, not the lead
        """<main><article><h2>Trump waarschuwt</h2><p>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.
        <a href="/n/1">Lees meer »</a></p><span>1 uur geleden</span></article>
        <article><h2>Netanyahu dreigt</h2><p>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</p>
        <a href="/n/2">Lees meer</a><span>2 uur geleden</span></article></main>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                ago(hours=1),
                "1 uur geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                f"{SITE}/n/2",
                ago(hours=2),
                "2 uur geleden",
            ),
        ],
        id="J-lees-meer-after-the-lead",
    ),
    pytest.param(  # English relative labels first, then a linked title, then the lead
        """<div class="river"><div class="story"><span class="age">5 mins ago</span><a href="/world/1">Stocks
        fall</a><p>LONDON (Reuters) - Stocks fell on Friday.</p></div>
        <div class="story"><span class="age">an hour ago</span><a href="/world/2">Snow closes schools</a>
        <p>CHICAGO (AP) — Snow closed schools across the city.</p></div></div>""",
        [
            (
                "LONDON",
                ("Reuters",),
                "Stocks fall",
                "Stocks fell on Friday.",
                f"{SITE}/world/1",
                ago(minutes=5),
                "5 mins ago",
            ),
            (
                "CHICAGO",
                ("AP",),
                "Snow closes schools",
                "Snow closed schools across the city.",
                f"{SITE}/world/2",
                ago(hours=1),
                "an hour ago",
            ),
        ],
        id="K-english-labels-first",
    ),
    pytest.param(  # React-style spans with no whitespace at all between time, title and lead
        "<ul><li><span>11:52</span><span>Trump waarschuwt</span><span>WASHINGTON (ANP) – Trump waarschuwt de "
        "burgemeester.</span></li><li><span>09:01</span><span>Bruinvis aangespoeld</span><span>DOMBURG – Op "
        "het strand is een bruinvis aangespoeld.</span></li></ul>",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                amsterdam(11, 52),
                "11:52",
            ),
            ("DOMBURG", (), "Bruinvis aangespoeld", BRUINVIS, None, amsterdam(9, 1), "09:01"),
        ],
        id="L-glued-sibling-spans",
    ),
    pytest.param(  # a table with the linked title first and the clock in the last cell
        """<table><tr><td><a href="/n/1">Trump waarschuwt</a></td><td>WASHINGTON (ANP) - Trump waarschuwt de
        burgemeester.</td><td>11:52</td></tr><tr><td><a href="/n/2">Netanyahu dreigt</a></td><td>MEITAR
        (ANP/AFP) - Netanyahu heeft gewaarschuwd.</td><td>10:30</td></tr></table>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                amsterdam(11, 52),
                "11:52",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                f"{SITE}/n/2",
                amsterdam(10, 30),
                "10:30",
            ),
        ],
        id="M-table-time-in-last-cell",
    ),
    pytest.param(  # the title in <strong> on the lead's own line
        """<ol><li><p><strong>Trump waarschuwt</strong> WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</p>
        <p class="meta">8 minuten geleden</p></li><li><p><strong>Netanyahu dreigt</strong> MEITAR (ANP/AFP) -
        Netanyahu heeft gewaarschuwd.</p><p class="meta">1 uur geleden</p></li></ol>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                ago(minutes=8),
                "8 minuten geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                None,
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="N-strong-title-on-the-lead-line",
    ),
    pytest.param(  # every item links its category: that link and label are no item's link or title
        """<ul><li><a class="cat" href="/buitenland">Buitenland</a><div>Trump waarschuwt</div><p>WASHINGTON
        (ANP) - Trump waarschuwt de burgemeester.</p><span>8 minuten geleden</span></li><li><a class="cat"
        href="/buitenland">Buitenland</a><div>Netanyahu dreigt</div><p>MEITAR (ANP/AFP) - Netanyahu heeft
        gewaarschuwd.</p><span>1 uur geleden</span></li></ul>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                ago(minutes=8),
                "8 minuten geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                None,
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="O-category-link-per-item",
    ),
    pytest.param(  # <time datetime> with a clock, then a linked title, each in its own paragraph
        """<div class="list"><p><time datetime="2026-11-27T11:52:00+01:00">11:52</time> <a href="/n/1">Trump
        waarschuwt</a></p><p>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</p><p><time
        datetime="2026-11-27T10:58:00+01:00">10:58</time> <a href="/n/2">Kubilius naar fabrieken</a></p>
        <p>BRUSSEL (ANP) - De Europese Commissie gaat langs.</p></div>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                amsterdam(11, 52),
                "11:52",
            ),
            (
                "BRUSSEL",
                ("ANP",),
                "Kubilius naar fabrieken",
                "De Europese Commissie gaat langs.",
                f"{SITE}/n/2",
                amsterdam(10, 58),
                "10:58",
            ),
        ],
        id="P-time-element-and-title-line-first",
    ),
    pytest.param(  # <hr> runs with the lead in a <p>: the title line and label stand outside that element
        """<div class="feed">Trump waarschuwt<br>8 minuten geleden<br><p>WASHINGTON (ANP) - Trump waarschuwt de
        burgemeester. <a href="/n/1">Lees meer</a></p><hr>Bruinvis aangespoeld<br>1 uur geleden<br><p>DOMBURG
        - Op het strand is een bruinvis aangespoeld. <a href="/n/2">Lees meer</a></p></div>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/n/1",
                ago(minutes=8),
                "8 minuten geleden",
            ),
            ("DOMBURG", (), "Bruinvis aangespoeld", BRUINVIS, f"{SITE}/n/2", ago(hours=1), "1 uur geleden"),
        ],
        id="R-hr-runs-with-lead-paragraphs",
    ),
    pytest.param(  # inline card links: time, category and title spans glued together before the lead
        "<section><a href='/c/1'><time>8 minuten geleden</time><span>Buitenland</span><span>Trump "
        "waarschuwt</span><span>WASHINGTON (ANP) - Trump waarschuwt de burgemeester.</span></a><a "
        "href='/c/2'><time>1 uur geleden</time><span>Buitenland</span><span>Bruinvis aangespoeld</span>"
        "<span>DOMBURG - Op het strand is een bruinvis aangespoeld.</span></a></section>",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                f"{SITE}/c/1",
                ago(minutes=8),
                "8 minuten geleden",
            ),
            ("DOMBURG", (), "Bruinvis aangespoeld", BRUINVIS, f"{SITE}/c/2", ago(hours=1), "1 uur geleden"),
        ],
        id="S-inline-card-links-with-category",
    ),
    pytest.param(  # a section page: a "Net binnen" list (no datelines) beside ANP cards without headings
        """<main><aside><h2>Net binnen</h2><ul><li><a href="/a">Buitenland <time>11:40</time> Noodweer in
        Spanje</a></li><li><a href="/b">Binnenland <time>11:30</time> Brug dicht</a></li></ul></aside>
        <section><div class="card"><span>ANP</span><div>Trump waarschuwt</div><div>WASHINGTON (ANP) - Trump
        waarschuwt de burgemeester.</div><div>8 minuten geleden</div></div><div class="card"><span>ANP</span>
        <div>Netanyahu dreigt</div><div>MEITAR (ANP/AFP) - Netanyahu heeft gewaarschuwd.</div><div>1 uur
        geleden</div></div></section></main>""",
        [
            (
                "WASHINGTON",
                ("ANP",),
                "Trump waarschuwt",
                "Trump waarschuwt de burgemeester.",
                None,
                ago(minutes=8),
                "8 minuten geleden",
            ),
            (
                "MEITAR",
                ("ANP", "AFP"),
                "Netanyahu dreigt",
                "Netanyahu heeft gewaarschuwd.",
                None,
                ago(hours=1),
                "1 uur geleden",
            ),
        ],
        id="Q-net-binnen-beside-cards",
    ),
]


def _seen(items: list[Item]) -> list[Expected]:
    return [
        (i.place or "", i.agencies, i.title, i.text, i.url, i.published_at or NOW, i.time_label or "")
        for i in items
    ]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_markups_give_what_a_reader_sees(html: str, expected: list[Expected]) -> None:
    items = parse_wire_page(html, now=NOW, base_url=BASE)
    assert _seen(items) == expected
    assert all(item.published_at is not None for item in items)


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(  # a plain list heading inside the run is no title when the items have none
            "<div class='feed'><div>Meer uit Buitenland</div>WASHINGTON (ANP) - Trump waarschuwt.<br>8 minuten "
            "geleden<hr>MEITAR (ANP/AFP) - Netanyahu waarschuwt.<br>1 uur geleden</div>",
            id="list-heading",
        ),
        pytest.param(  # share links between one item's label and the next lead
            "<div class='feed'>WASHINGTON (ANP) - Trump waarschuwt.<br>8 minuten geleden<br><a "
            "href='https://facebook.com/sharer?u=1'>Delen</a><hr>MEITAR (ANP/AFP) - Netanyahu waarschuwt.<br>1 uur "
            "geleden<br><a href='https://facebook.com/sharer?u=2'>Delen</a></div>",
            id="share-links",
        ),
        pytest.param(  # photo credits above each lead
            "<ul><li><figure><figcaption>Foto: ANP</figcaption></figure><p>WASHINGTON (ANP) - Trump waarschuwt."
            "</p><span>8 minuten geleden</span></li><li><figure><figcaption>Foto: Reuters</figcaption></figure>"
            "<p>MEITAR (ANP/AFP) - Netanyahu waarschuwt.</p><span>1 uur geleden</span></li></ul>",
            id="photo-credits",
        ),
        pytest.param(  # a kicker in capitals is all there is before each lead
            "<ul><li><span>ANP</span><p>WASHINGTON (ANP) - Trump waarschuwt.</p><span>8 minuten geleden</span>"
            "</li><li><span>ANP/AFP</span><p>MEITAR (ANP/AFP) - Netanyahu waarschuwt.</p><span>1 uur geleden"
            "</span></li></ul>",
            id="kickers-only",
        ),
    ],
)
def test_what_stands_before_a_lead_is_not_always_a_title(html: str) -> None:
    items = parse_wire_page(html, now=NOW, base_url=BASE)
    assert [(i.place, i.title, i.url) for i in items] == [("WASHINGTON", None, None), ("MEITAR", None, None)]
    assert [i.text for i in items] == ["Trump waarschuwt.", "Netanyahu waarschuwt."]


@pytest.mark.parametrize("joint", ["", " ", "\n  ", "&nbsp;"])
def test_a_ticker_reads_the_same_whatever_separates_its_spans(joint: str) -> None:
    html = (
        f"<ul><li><span>11:52</span>{joint}<span>WASHINGTON (ANP) – De <b>VS</b> <i>waarschuwen</i>.</span></li>"
        f"<li><span>09:01</span>{joint}<span>DOMBURG – Op het strand is een bruinvis aangespoeld.</span></li></ul>"
    )
    items = parse_wire_page(html, now=NOW)
    assert [(i.place, i.text, i.published_at) for i in items] == [
        ("WASHINGTON", "De VS waarschuwen.", amsterdam(11, 52)),
        ("DOMBURG", BRUINVIS, amsterdam(9, 1)),
    ]


# Random list markups: every item is a title (or none), a lead with a dateline and a label, in one order,
# wrapped in list items, cards, table rows, card links, definition lists or <hr>-separated runs.
PLACES = ["DEN HAAG", "WASHINGTON", "GAZA-STAD", "GENÈVE", "MOSKOU", "TEHERAN/JERUZALEM"]
AGENCIES = [("ANP",), ("ANP", "AFP"), ("ANP", "RTR", "AF"), ()]
WORDS = st.lists(
    st.sampled_from(["het", "kabinet", "valt", "storm", "brug", "dicht", "zee", "strand", "bruinvis"]),
    max_size=6,
)
ORDERS = {"first": (0, 1, 2), "after_title": (1, 0, 2), "after_lead": (1, 2, 0)}  # label, title, lead


@dataclass(frozen=True)
class Shape:
    wrap: str  # li, div, article, tr, a, dl, hr
    title_tag: str | None  # None: no title; "": bare text
    lead_tag: str
    label_tag: str
    order: tuple[int, int, int]
    kicker: str | None
    read_more: bool
    english: bool
    joint: str


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    wrap = draw(st.sampled_from(["li", "div", "article", "tr", "a", "dl", "hr"]))
    bare = wrap == "hr"
    return Shape(
        wrap=wrap,
        title_tag=draw(
            st.sampled_from([None, "", "b"] if bare else [None, "h3", "div", "strong", "a", "span"])
        ),
        lead_tag=draw(st.sampled_from(["", "p"] if bare else ["p", "div", "span"])),
        label_tag=draw(st.sampled_from(["", "span"] if bare else ["span", "small", "div", "time"])),
        order=ORDERS[draw(st.sampled_from(sorted(ORDERS)))],
        kicker=None if bare else draw(st.sampled_from([None, "ANP", "Buitenland"])),
        read_more=draw(st.booleans()),
        english=draw(st.booleans()),
        joint=draw(st.sampled_from(["", " ", "\n"])),
    )


def _element(tag: str, body: str) -> str:
    return f"<{tag}>{body}</{tag}>" if tag else body


def _render(
    shape: Shape, index: int, wire: tuple[str, tuple[str, ...], str, str, str]
) -> tuple[str, str | None]:
    """One item's markup and its link."""
    place, agencies, dash, lead, label = wire
    dateline = f"{place} ({'/'.join(agencies)}) {dash} " if agencies else f"{place} {dash} "
    title, url = f"Titel {index}", None
    if shape.title_tag is None:
        title_html = ""
    elif shape.title_tag == "a" and shape.wrap != "a":
        title_html, url = f"<a href='/n/{index}'>{title}</a>", f"{SITE}/n/{index}"
    else:
        title_html = _element("div" if shape.title_tag == "a" else shape.title_tag, title)
    if shape.kicker and title_html:
        title_html = f"<span>{shape.kicker}</span>{shape.joint}{title_html}"
    more = ""
    if shape.read_more:
        more = " Lees meer" if shape.wrap == "a" else f" <a href='/m/{index}'>Lees meer</a>"
        url = url or (None if shape.wrap == "a" else f"{SITE}/m/{index}")
    parts = [_element(shape.label_tag, label), title_html, _element(shape.lead_tag, dateline + lead + more)]
    ordered = [parts[i] for i in shape.order if parts[i]]
    if shape.wrap == "tr":
        return "<tr>" + "".join(f"<td>{part}</td>" for part in ordered) + "</tr>", url
    if shape.wrap == "a":
        return f"<a href='/c/{index}'>{shape.joint.join(ordered)}</a>", f"{SITE}/c/{index}"
    if shape.wrap == "dl":
        rest = [part for part in ordered if part != parts[0]]
        return f"<dt>{parts[0]}</dt><dd>{shape.joint.join(rest)}</dd>", url
    if shape.wrap == "hr":
        return "<br>".join(ordered), url
    return _element(shape.wrap, shape.joint.join(ordered)), url


@given(
    shapes(),
    st.lists(
        st.tuples(
            st.sampled_from(PLACES),
            st.sampled_from(AGENCIES),
            st.sampled_from(["-", "–", "—"]),
            WORDS,
            st.integers(1, 59),
        ),
        min_size=2,
        max_size=5,
    ),
)
@settings(max_examples=200, deadline=None)
def test_any_list_markup_reads_back(
    shape: Shape, drawn: list[tuple[str, tuple[str, ...], str, list[str], int]]
) -> None:
    rendered, expected = [], []
    for index, (place, agencies, dash, words, minutes) in enumerate(drawn):
        place = place if agencies else "DOMBURG"
        lead = " ".join([f"Bericht {index}", *words]) + "."
        label = f"{minutes} mins ago" if shape.english else f"{minutes} minuten geleden"
        html, url = _render(shape, index, (place, agencies, dash, lead, label))
        rendered.append(html)
        title = None if shape.title_tag is None else f"Titel {index}"
        expected.append((place, agencies, title, lead, url, ago(minutes=minutes)))
    outer = {"li": "ul", "div": "section", "article": "main", "tr": "table", "a": "section", "dl": "dl"}
    body = (
        "<div class='feed'>" + "<hr>".join(rendered) + "</div>"
        if shape.wrap == "hr"
        else f"<{outer[shape.wrap]}>{''.join(rendered)}</{outer[shape.wrap]}>"
    )
    html = f"<h2>Meer uit Buitenland</h2>{body}<p>Net binnen</p>"
    items = parse_wire_page(html, now=NOW, base_url=SITE + "/")
    assert [(i.place, i.agencies, i.title, i.text, i.url, i.published_at) for i in items] == expected
