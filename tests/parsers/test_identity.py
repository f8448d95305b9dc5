from __future__ import annotations

from dataclasses import replace

from parsers.identity import canonical_url, content_hash, normalize_space, text_uid, unique_by_uid
from parsers.models import Item
from tests.factories import build_item


def make(place: str, lead: str, url: str | None = None) -> Item:
    """An item as a wire page gives it: known by its link when it has one."""
    return build_item(lead, place=place, url=url, uid=canonical_url(url) if url else None)


def test_canonical_url_drops_query_fragment_and_default_port() -> None:
    assert canonical_url("HTTPS://WWW.Example.NL:443/nieuws/a?utm=1#top") == "https://www.example.nl/nieuws/a"
    assert canonical_url("http://example.nl:8080/x") == "http://example.nl:8080/x"


def test_whitespace_is_not_an_edit() -> None:
    assert content_hash("T", "a  b\u00a0c\n") == content_hash("T ", "a b c")
    assert content_hash("T", "a b c") != content_hash("T", "a b d")
    assert normalize_space(" a\u00a0\u200bb \n c ") == "a b c"


def test_text_uid_ignores_case_diacritics_and_later_sentences() -> None:
    short = "Bij een aanval op Kyiv zijn doden gevallen."
    assert text_uid("KYIV", ("ANP",), short) == text_uid(
        "KYIV", ("ANP",), short + " Het dodental is opgelopen."
    )
    assert text_uid("KYIV", ("ANP",), short) == text_uid("Kyiv", ("anp",), short.upper())
    assert text_uid("KYIV", ("ANP",), short) != text_uid("LVIV", ("ANP",), short)
    assert text_uid("KYIV", ("ANP",), short) != text_uid("KYIV", ("ANP", "RTR"), short)


def test_text_uid_uses_at_most_twelve_opening_words() -> None:
    words = "een twee drie vier vijf zes zeven acht negen tien elf twaalf"
    assert text_uid("X", (), words + " dertien") == text_uid("X", (), words + " veertien")
    assert text_uid("X", (), words) != text_uid("X", (), "nul " + words)


def test_unique_by_uid_keeps_two_stories_that_open_alike() -> None:
    opening = "De Amerikaanse president Donald Trump heeft gezegd dat hij de komende week"
    first = make("WASHINGTON", opening + " naar Europa reist.")
    second = make("WASHINGTON", opening + " geen nieuwe heffingen invoert.")
    repeat = replace(first)
    assert first.uid == second.uid
    result = unique_by_uid([first, second, repeat])
    assert [i.text for i in result] == [first.text, second.text]
    assert len({i.uid for i in result}) == 2
    assert result[0].uid == first.uid


def test_unique_by_uid_keeps_the_first_of_a_repeated_link() -> None:
    a = make("PARIJS", "Eerste versie.", "https://x.nl/a")
    b = make("PARIJS", "Tweede versie.", "https://x.nl/a?ref=2")
    assert unique_by_uid([a, b]) == [a]
