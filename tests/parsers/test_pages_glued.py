"""Lists whose parts run together: titles glued onto datelines, place names with hyphens and abbreviations in
glued text, a label at the start of the next item's element, and a regional dateline after an inline title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parsers.pages import parse_wire_page
from parsers.times import LOCAL_ZONE

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _read(html: str) -> list[tuple[str | None, tuple[str, ...], str | None, str, str | None]]:
    return [(i.place, i.agencies, i.title, i.text, i.time_label) for i in parse_wire_page(html, now=NOW)]


# --- titles glued onto datelines ----------------------------------------------------------------------------

TITLED = [
    (
        "Trump waarschuwt burgemeester Minneapolis",
        "WASHINGTON",
        ("ANP",),
        "De president is boos.",
        "8 minuten geleden",
    ),
    (
        "Netanyahu: vijanden betalen hoge prijs",
        "MEITAR",
        ("ANP", "AFP"),
        "Netanyahu dreigt.",
        "1 uur geleden",
    ),
    ("Is dit het einde van de coalitie?", "DEN HAAG", ("ANP",), "Het kabinet wankelt.", "1 uur geleden"),
    ("Aardbeving van 7,1", "MEXICO-STAD", ("ANP",), "Een zware beving trof de stad.", "2 uur geleden"),
    (
        'Premier: "Dit is onaanvaardbaar"',
        "ST. ANTON AM ARLBERG",
        ("ANP", "DPA"),
        "Een lawine.",
        "2 uur geleden",
    ),
    ("Bruinvis aangespoeld", "DOMBURG", (), "Op het strand ligt een bruinvis.", "3 uur geleden"),
]


def _dateline(place: str, agencies: tuple[str, ...]) -> str:
    return f"{place} ({'/'.join(agencies)}) - " if agencies else f"{place} - "


@pytest.mark.parametrize("wrap", ["<div class='news-list'>{}</div>", "<p>{}</p>", "<td>{}</td>"])
def test_titles_glued_after_the_labels_time_last(wrap: str) -> None:
    text = "".join(f"{title}{_dateline(p, a)}{lead}{label}" for title, p, a, lead, label in TITLED)
    assert _read(wrap.format(text)) == [(p, a, t, lead, label) for t, p, a, lead, label in TITLED]


def test_titles_glued_after_the_labels_time_first() -> None:
    text = "".join(f"{label}{title}{_dateline(p, a)}{lead}" for title, p, a, lead, label in TITLED)
    html = f"<h2>Meer uit Buitenland</h2><div>{text}</div>"
    assert _read(html) == [(p, a, t, lead, label) for t, p, a, lead, label in TITLED]


def test_titles_glued_in_english_wire_text() -> None:
    html = (
        "<div>Stocks slide on Fed fearsNEW YORK (Reuters) - Wall Street fell on Friday.5 mins ago"
        "Snow shuts schools across the cityCHICAGO (AP) — Snow closed schools on Monday.an hour ago</div>"
    )
    assert _read(html) == [
        ("NEW YORK", ("Reuters",), "Stocks slide on Fed fears", "Wall Street fell on Friday.", "5 mins ago"),
        (
            "CHICAGO",
            ("AP",),
            "Snow shuts schools across the city",
            "Snow closed schools on Monday.",
            "an hour ago",
        ),
    ]


def test_titles_glued_with_labels_on_their_own_lines() -> None:
    html = (
        "<div class='feed'>Kabinet valtDEN HAAG (ANP) - Het kabinet is gevallen.<br>zojuist<br>"
        "Brug dichtZIERIKZEE - De Zeelandbrug is dicht.<br>12 minuten geleden</div>"
    )
    assert _read(html) == [
        ("DEN HAAG", ("ANP",), "Kabinet valt", "Het kabinet is gevallen.", "zojuist"),
        ("ZIERIKZEE", (), "Brug dicht", "De Zeelandbrug is dicht.", "12 minuten geleden"),
    ]


# --- place names cut at a hyphen or a period ----------------------------------------------------------------


@pytest.mark.parametrize(
    "place",
    [
        "MEXICO-STAD",
        "GAZA-STAD",
        "ST. ANTON AM ARLBERG",
        "FT. LAUDERDALE",
        "'S-HERTOGENBOSCH",
        "ST.-PETERSBURG",
    ],
)
@pytest.mark.parametrize(
    "before",
    ["8 minuten geleden", "Titel van het bericht", "Titel van het bericht ", "11:52", "aan.", "aan. "],
)
def test_a_place_name_is_read_whole_in_glued_text(place: str, before: str) -> None:
    html = f"<div>{before}{place} (ANP) - Er is iets gebeurd.1 uur geledenUTRECHT (ANP) - Iets anders.2 uur geleden</div>"
    assert [i.place for i in parse_wire_page(html, now=NOW)] == [place, "UTRECHT"]


def test_titles_before_datelines_with_a_space_between() -> None:
    text = "".join(f"{title} {_dateline(p, a)}{lead}{label} " for title, p, a, lead, label in TITLED if a)
    expected = [(p, a, t, lead, label) for t, p, a, lead, label in TITLED if a]
    assert _read(f"<div>{text}</div>") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Volgens de VS (ANP) - en de NAVO - is het zo.",
        "Het hoofdkantoor van ANP in DEN HAAG (ANP) - zo meldt het bureau - is dicht.",
        "De storm trof MEXICO-STAD (ANP) - en omgeving.",
    ],
)
def test_capitals_with_agencies_inside_a_sentence_are_no_dateline(sentence: str) -> None:
    assert parse_wire_page(f"<p>{sentence}</p><p>5 minuten geleden</p>", now=NOW) == []


# --- a label at the start of the next item's element --------------------------------------------------------

LINES = [
    ("WASHINGTON", "Trump waarschuwt de burgemeester.", "8 minuten geleden"),
    ("MEITAR", "Netanyahu heeft gewaarschuwd.", "1 uur geleden"),
    ("BRUSSEL", "De Commissie gaat langs bij fabrieken.", "1 uur geleden"),
]


@pytest.mark.parametrize(
    ("line", "joint"),
    [
        ("<p>{}</p>", ""),
        ("<div>{}</div>", " "),
        ("<li>{}</li>", ""),
        ("<p>{}</p>", "<br>"),
        ("<div>{}</div>", "\u00a0"),
    ],
)
def test_a_label_before_a_dateline_in_its_element_ends_the_previous_item(line: str, joint: str) -> None:
    labels = ["", *[label for _, _, label in LINES]]
    lines = [
        line.format(f"{labels[n]}{joint if n else ''}{p} (ANP) - {lead}")
        for n, (p, lead, _) in enumerate(LINES)
    ]
    html = f"<h2>Meer uit Buitenland</h2><div class='list'>{''.join(lines)}{line.format(labels[-1])}</div>"
    outer = "<ul>{}</ul>" if line.startswith("<li>") else "{}"
    items = parse_wire_page(outer.format(html), now=NOW)
    assert [(i.place, i.text, i.time_label) for i in items] == LINES


@pytest.mark.parametrize("joint", ["", " "])
def test_lines_with_titles_glued_between_the_label_and_the_dateline(joint: str) -> None:
    html = (
        f"<div><p>Trump boos{joint}WASHINGTON (ANP) - Trump waarschuwt.</p><p>8 minuten geleden{joint}Netanyahu"
        f" dreigt{joint}MEITAR (ANP/AFP) - Netanyahu dreigt.</p><p>1 uur geleden{joint}Kubilius op toer{joint}"
        "BRUSSEL (ANP) - De Commissie gaat langs.</p><p>3 uur geleden</p></div>"
    )
    assert [(i.place, i.title, i.time_label) for i in parse_wire_page(html, now=NOW)] == [
        ("WASHINGTON", "Trump boos", "8 minuten geleden"),
        ("MEITAR", "Netanyahu dreigt", "1 uur geleden"),
        ("BRUSSEL", "Kubilius op toer", "3 uur geleden"),
    ]


def test_lines_opening_with_their_own_clock_and_title() -> None:
    html = (
        "<ul><li><p>11:52 Trump boos WASHINGTON (ANP) - Trump waarschuwt.</p></li><li><p>10:58 Netanyahu dreigt"
        " MEITAR (ANP) - Netanyahu dreigt.</p></li></ul>"
    )
    assert [(i.place, i.title, i.time_label) for i in parse_wire_page(html, now=NOW)] == [
        ("WASHINGTON", "Trump boos", "11:52"),
        ("MEITAR", "Netanyahu dreigt", "10:58"),
    ]


def test_english_lines_with_the_label_glued_to_the_next_dateline() -> None:
    html = (
        "<div><p>LONDON (Reuters) - Stocks fell on Friday.</p><p>5 mins agoCHICAGO (AP) — Snow closed schools."
        "</p><p>an hour ago</p></div>"
    )
    items = parse_wire_page(html, now=NOW)
    assert [(i.place, i.time_label) for i in items] == [("LONDON", "5 mins ago"), ("CHICAGO", "an hour ago")]
    assert items[0].published_at == NOW - timedelta(minutes=5)


def test_a_label_opening_every_line_is_still_that_lines_own() -> None:
    # every line opens with its label and none trails the list: the labels belong to their own lines
    html = "<ul><li>11:52 WASHINGTON (ANP) - Trump waarschuwt.</li><li>10:58 MEITAR (ANP) - Netanyahu dreigt.</li></ul>"
    items = parse_wire_page(html, now=NOW)
    assert [(i.place, i.time_label) for i in items] == [("WASHINGTON", "11:52"), ("MEITAR", "10:58")]
    assert items[0].published_at == datetime(2026, 11, 27, 11, 52, tzinfo=LOCAL_ZONE).astimezone(UTC)


# --- a regional dateline after inline text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "<b>Storm</b>",
        "<strong>Storm</strong>",
        "<a href='/n/1'>Storm</a>",
        "<span><em>Storm</em></span>",
        "<b>Storm</b>",
    ],
)
@pytest.mark.parametrize("joint", [" ", "", "\u00a0"])
def test_a_regional_dateline_after_an_inline_title(title: str, joint: str) -> None:
    html = (
        f"<ul><li><p>{title}{joint}DOMBURG - Een boom is op het strand gewaaid.</p><span>5 minuten geleden</span>"
        "</li><li><p><b>Brand</b> VLISSINGEN - Een loods is afgebrand.</p><span>1 uur geleden</span></li></ul>"
    )
    assert _read(html) == [
        ("DOMBURG", (), "Storm", "Een boom is op het strand gewaaid.", "5 minuten geleden"),
        ("VLISSINGEN", (), "Brand", "Een loods is afgebrand.", "1 uur geleden"),
    ]


def test_a_lone_regional_item_after_an_inline_title() -> None:
    html = "<p><b>Storm</b> DOMBURG - Op het strand is een boom omgewaaid.</p><p>5 minuten geleden</p>"
    assert _read(html) == [
        ("DOMBURG", (), "Storm", "Op het strand is een boom omgewaaid.", "5 minuten geleden")
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Het <b>kabinet</b> DEN HAAG - Het kabinet valt.",  # the paragraph's own words come first
        "Volgens <i>burgemeester</i> DOMBURG - Het strand is dicht.",
        "<b>Let op</b> UPDATE - De weg is dicht.",  # a label in capitals, not a place
    ],
)
def test_capitals_after_inline_words_inside_a_sentence_are_no_dateline(paragraph: str) -> None:
    assert parse_wire_page(f"<p>{paragraph}</p><p>5 minuten geleden</p>", now=NOW) == []
