"""Datelines: every form the wires write, and capitals that are no dateline."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.datelines import Dateline, find_datelines, match_dateline

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_cfe532f4893c7059.txt"


@pytest.mark.parametrize(
    ("text", "place", "agencies"),
    [
        ("DEN HAAG (ANP) - Het kabinet", "DEN HAAG", ("ANP",)),
        ("NEW DELHI (ANP/AFP) - India", "NEW DELHI", ("ANP", "AFP")),
        ("TEHERAN/JERUZALEM (ANP/RTR/DPA) - Iran", "TEHERAN/JERUZALEM", ("ANP", "RTR", "DPA")),
        ("GAZA-STAD (ANP/BLOOMBERG) - Bij", "GAZA-STAD", ("ANP", "BLOOMBERG")),
        ("GENÈVE (ANP) - De VN", "GENÈVE", ("ANP",)),
        ("MÜNCHEN (ANP) – Bayern", "MÜNCHEN", ("ANP",)),
        ("MOSKOU (ANP/RTR/AF) - Er zijn", "MOSKOU", ("ANP", "RTR", "AF")),
        ("LOS ANGELES (Reuters) - A", "LOS ANGELES", ("Reuters",)),
        ("CHICAGO (AP) — The", "CHICAGO", ("AP",)),
        ("CHICAGO (AP) —The", "CHICAGO", ("AP",)),
        ("ST. LOUIS (AP) - A", "ST. LOUIS", ("AP",)),
        ("DEN\u00a0HAAG\u00a0(ANP)\u00a0-\u00a0Het", "DEN HAAG", ("ANP",)),
        ("TEHERAN / JERUZALEM (ANP) - Iran", "TEHERAN / JERUZALEM", ("ANP",)),
        ("DOMBURG - Een strandpaviljoen", "DOMBURG", ()),
        ("'S-HERTOGENBOSCH - De", "'S-HERTOGENBOSCH", ()),
        ('VLISSINGEN – "Het', "VLISSINGEN", ()),
    ],
)
def test_dateline_forms(text: str, place: str, agencies: tuple[str, ...]) -> None:
    dateline = match_dateline(text)
    assert dateline is not None
    assert (dateline.place, dateline.agencies) == (place, agencies)
    assert dateline.start == 0
    assert not text[dateline.end].isspace()
    assert text[: dateline.end].rstrip()[-1] in "-–—"


def test_offsets_index_the_text_searched() -> None:
    text = "Meer\n  WASHINGTON (ANP) - De president"
    dateline = match_dateline(text, 4)
    assert dateline == Dateline(place="WASHINGTON", agencies=("ANP",), start=7, end=26)
    assert text[dateline.end :] == "De president"


@pytest.mark.parametrize(
    "text",
    [
        "LET OP - De weg is dicht",
        "UPDATE - De weg is dicht",
        "LIVE - Alles over de storm",
        "AFP - Geral",
        "Den Haag (ANP) - Het kabinet",
        "DOMBURG - de brand",  # no agencies and no sentence after the dash
        "DOMBURG-Het",
        "A - B",
        "om 16.00 uur - Het debat",
        "WASHINGTON (ANP) -",
        "WASHINGTON (ANP)  De president",
        "zei de NAVO - Het bondgenootschap",
    ],
)
def test_not_datelines(text: str) -> None:
    assert match_dateline(text) is None


def _places(text: str) -> list[str]:
    return [d.place for d in find_datelines(text)]


def test_capitals_inside_a_sentence_are_no_dateline() -> None:
    text = "Volgens de VS (ANP) - en de NAVO - is het zo. Trump zei tegen de EU - Het blok"
    assert find_datelines(text) == []


def test_a_dateline_opens_a_line_or_follows_a_sentence_or_a_label() -> None:
    text = (
        "DEN HAAG (ANP) - Eerste.\nUTRECHT - Tweede. ARNHEM (ANP) - Derde."
        "8 minuten geledenMEITAR (ANP/AFP) - Vierde. 11:40 DOMBURG - Vijfde."
    )
    assert _places(text) == ["DEN HAAG", "UTRECHT", "ARNHEM", "MEITAR", "DOMBURG"]


def test_a_regional_dateline_needs_more_than_a_sentence_end() -> None:
    assert _places("Het waait. DOMBURG - Een boom viel om.") == []


def test_boundaries_mark_text_node_starts() -> None:
    text = "Trump waarschuwt burgemeesterWASHINGTON (ANP) - De president. Kop DOMBURG - Een boom"
    glued_title = text.index("WASHINGTON")
    assert _places(text) == ["WASHINGTON"]  # glued with agencies: a text-node boundary the text shows
    regional = text.index("DOMBURG")
    assert find_datelines(text, boundaries={glued_title, regional})[-1].place == "WASHINGTON"
    assert _places("Kop: DOMBURG - Een boom") == []
    assert [d.place for d in find_datelines("Kop: DOMBURG - Een boom", boundaries={5})] == ["DOMBURG"]


def test_labels_given_by_the_caller_are_used() -> None:
    text = "Nieuws zojuist DEN HAAG - Het kabinet"
    assert _places(text) == ["DEN HAAG"]
    assert find_datelines(text, labels=[]) == []


def test_the_seed_holds_the_article_dateline_and_seven_items() -> None:
    if not SEED.is_file():
        pytest.skip("../shared/ is not present")
    seed = SEED.read_text()
    expected = ["BEIJING", "WASHINGTON", "MEITAR", "BRUSSEL", "PARIJS", "WASHINGTON", "BAGDAD", "MOSKOU"]
    assert _places(seed) == expected
    assert _places(seed.replace("\n", "")) == expected
    moskou = find_datelines(seed)[-1]
    assert moskou.agencies == ("ANP", "RTR", "AF")
    assert seed[moskou.end :].startswith("Er zijn volgens het Kremlin")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Trump waarschuwt burgemeester MinneapolisWASHINGTON (ANP) - De president", "WASHINGTON"),
        ("Kabinet valt?DEN HAAG (ANP) - Het kabinet", "DEN HAAG"),
        ("Aardbeving van 7,1MEXICO-STAD (ANP) - Een beving", "MEXICO-STAD"),
        ("Premier: 'Onaanvaardbaar'PARIJS (ANP/AFP) - De premier", "PARIJS"),
        ("Bruinvis aangespoeldDOMBURG - Op het strand", "DOMBURG"),
        ("Stocks slide on Fed fearsNEW YORK (Reuters) - Wall Street", "NEW YORK"),
        ("Zware beving in de hoofdstad MEXICO-STAD (ANP) - Een beving", "MEXICO-STAD"),
    ],
)
def test_a_title_running_into_a_dateline_is_split_off(text: str, place: str) -> None:
    (dateline,) = find_datelines(text)
    assert dateline.place == place
    assert text[: dateline.start].rstrip()[-1] != place[0]


@pytest.mark.parametrize(
    "place",
    ["MEXICO-STAD", "GAZA-STAD", "ST. ANTON AM ARLBERG", "FT. LAUDERDALE", "MT. VERNON", "ST.-PETERSBURG"],
)
@pytest.mark.parametrize("before", ["", "Lawine: ", "in ", "8 minuten geleden", "x\n", "zei de ", "Titel"])
def test_a_dateline_never_starts_inside_a_place_name(place: str, before: str) -> None:
    found = [d.place for d in find_datelines(f"{before}{place} (ANP) - Er is iets gebeurd.")]
    assert found in ([place], [])  # the whole place, or no dateline at all: never its tail


def test_a_place_after_a_sentence_ending_in_capitals_still_opens() -> None:
    text = "De sancties raken de VS. WASHINGTON (ANP) - Het Witte Huis reageert."
    assert _places(text) == ["WASHINGTON"]


def test_openers_let_a_regional_dateline_follow_an_inline_title() -> None:
    text = "Storm DOMBURG - Een boom viel om."
    assert _places(text) == []
    assert [d.place for d in find_datelines(text, openers={text.index("DOMBURG")})] == ["DOMBURG"]


def test_a_quote_closing_a_title_is_no_part_of_the_place() -> None:
    (dateline,) = find_datelines("Trump: 'ernstige schending van de wet'WASHINGTON (ANP) - De president")
    assert dateline.place == "WASHINGTON"
    assert [d.place for d in find_datelines("'S-HERTOGENBOSCH (ANP) - De gemeente")] == ["'S-HERTOGENBOSCH"]
    assert [d.place for d in find_datelines("Nieuws'T ZANDT - Het dorp")] == ["'T ZANDT"]
