"""Properties of the wire-page parser: it never raises on junk, reads any glued list back, ages labels
monotonically, and keeps identities through whitespace and label changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.errors import NotHtmlError
from parsers.models import Item
from parsers.pages import looks_like_html, parse_wire_page
from parsers.times import parse_time_label

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PLACES = ["DEN HAAG", "NEW DELHI", "TEHERAN/JERUZALEM", "GAZA-STAD", "GENÈVE", "MÜNCHEN", "MOSKOU", "BAGDAD"]
AGENCIES = [("ANP",), ("ANP", "AFP"), ("ANP", "RTR", "DPA"), ("ANP", "BLOOMBERG"), ("ANP", "RTR", "AF"), ()]
DASHES = ["-", "–", "—"]
# (Dutch unit, seconds); English has the same ladder
UNITS = [("minuten", 60), ("uur", 3600), ("dagen", 86400), ("weken", 7 * 86400), ("maanden", 30 * 86400)]
EN_UNITS = ["minutes", "hours", "days", "weeks", "months", "years"]
NL_UNITS = ["minuten", "uur", "dagen", "weken", "maanden", "jaar"]
# lowercase words that can never spell a time label ("geleden", "ago", "vor", "zojuist" need g, j, o or v)
WORDS = st.text(alphabet="abcdefhiklmnprstu", min_size=1, max_size=9)
SPACES = st.sampled_from([" ", "\u00a0", "  ", "\n", " \t "])


@dataclass(frozen=True)
class Wire:
    place: str
    agencies: tuple[str, ...]
    dash: str
    lead: str
    count: int
    unit: str
    seconds: int

    def dateline(self) -> str:
        if not self.agencies:  # regional copy: "DOMBURG - "
            return f"{self.place} {self.dash} "
        return f"{self.place} ({'/'.join(self.agencies)}) {self.dash} "

    def label(self) -> str:
        return f"{self.count} {self.unit} geleden"


@st.composite
def wires(draw: st.DrawFn) -> list[Wire]:
    size = draw(st.integers(min_value=1, max_value=8))
    found = []
    for index in range(size):
        words = draw(st.lists(WORDS, min_size=1, max_size=12))
        lead = f"Bericht {index} " + " ".join(words) + "."
        unit, seconds = draw(st.sampled_from(UNITS))
        found.append(
            Wire(
                place=draw(st.sampled_from(PLACES)),
                agencies=draw(st.sampled_from(AGENCIES)),
                dash=draw(st.sampled_from(DASHES)),
                lead=lead,
                count=draw(st.integers(min_value=1, max_value=59)),
                unit=unit,
                seconds=seconds,
            )
        )
    return found


def _glued(items: list[Wire], *, time_first: bool, joint: str) -> str:
    if time_first:
        return joint.join(f"{w.label()}{joint}{w.dateline()}{w.lead}" for w in items)
    return joint.join(f"{w.dateline()}{w.lead}{joint}{w.label()}" for w in items)


def _assert_sane(items: list[Item]) -> None:
    for item in items:
        assert item.text and item.text == item.text.strip()
        assert item.place is None or item.place == item.place.upper()
        assert item.published_at is None or item.published_at <= NOW


@given(wires(), st.booleans(), st.sampled_from(["", "\n", " "]))
@settings(max_examples=150, deadline=None)
def test_any_glued_list_reads_back(items: list[Wire], time_first: bool, joint: str) -> None:
    page = f"<html><body><h2>Meer uit Buitenland</h2><div>{_glued(items, time_first=time_first, joint=joint)}</div>"
    parsed = parse_wire_page(page, now=NOW)
    assert [(i.place, i.agencies, i.text) for i in parsed] == [(w.place, w.agencies, w.lead) for w in items]
    assert [NOW - i.published_at for i in parsed if i.published_at] == [
        timedelta(seconds=w.count * w.seconds) for w in items
    ]


@given(wires(), st.data())
@settings(max_examples=100, deadline=None)
def test_identity_survives_whitespace_and_ageing(items: list[Wire], data: st.DataObject) -> None:
    page = f"<div>{_glued(items, time_first=False, joint='')}</div>"
    respaced = []
    for wire in items:
        lead = "".join(data.draw(SPACES) if ch == " " else ch for ch in wire.lead)
        later = data.draw(st.integers(min_value=1, max_value=59))
        respaced.append(Wire(wire.place, wire.agencies, wire.dash, lead, later, "uur", 3600))
    other = f"<section><p>{_glued(respaced, time_first=False, joint=data.draw(SPACES))}</p></section>"
    first = parse_wire_page(page, now=NOW)
    second = parse_wire_page(other, now=NOW + timedelta(hours=1))
    assert [i.uid for i in first] == [i.uid for i in second]
    assert [i.content_hash for i in first] == [i.content_hash for i in second]


FRAGMENTS = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<li>",
        "<ul>",
        "</ul>",
        "<br>",
        "<h3>",
        "</h3>",
        "<span>",
        "</span>",
        '<a href="/nieuws/x">',
        '<a href="javascript:void(0)">',
        "</a>",
        '<time datetime="2026-11-27T10:00:00Z">',
        '<time datetime="garbage">',
        "</time>",
        "<script>",
        "</script>",
        "<template>",
        "<!-- ",
        " -->",
        "<svg>",
        "&nbsp;",
        "&amp;",
        "DEN HAAG (ANP) - ",
        "MOSKOU (ANP/RTR/AF) – ",
        "DOMBURG - ",
        "LET OP - ",
        "Het kabinet valt.",
        "8 minuten geleden",
        "1\u00a0uur geleden",
        "11:40",
        "gisteren 14:32",
        "zojuist",
        "39 mins ago",
        "VOR 14 STUNDEN",
        "16.00 uur",
        "lees meer",
    ]
)


@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=60))
@settings(max_examples=300, deadline=None)
def test_random_markup_never_raises(parts: list[str]) -> None:
    page = "".join(parts)
    if looks_like_html(page):
        _assert_sane(parse_wire_page(page, now=NOW, base_url="https://www.zeelandnet.nl/nieuws/"))


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
@settings(max_examples=300, deadline=None)
def test_any_body_gives_items_or_not_html(body: str | bytes) -> None:
    try:
        items = parse_wire_page(body, now=NOW)
    except NotHtmlError:
        assert not looks_like_html(body)
    else:
        _assert_sane(items)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500), st.booleans())
def test_larger_counts_are_older(first: int, second: int, english: bool) -> None:
    low, high = sorted((first, second))
    units = EN_UNITS if english else NL_UNITS
    suffix = "ago" if english else "geleden"
    for unit in units:
        younger = parse_time_label(f"{low} {unit} {suffix}", NOW)
        older = parse_time_label(f"{high} {unit} {suffix}", NOW)
        assert younger is not None and older is not None
        assert older.published_at <= younger.published_at


@given(st.integers(min_value=1, max_value=500), st.booleans())
def test_larger_units_are_older(count: int, english: bool) -> None:
    units = EN_UNITS if english else NL_UNITS
    suffix = "ago" if english else "geleden"
    moments = [parse_time_label(f"{count} {unit} {suffix}", NOW) for unit in units]
    assert all(moment is not None for moment in moments)
    ages = [moment.published_at for moment in moments if moment]
    assert ages == sorted(ages, reverse=True)
