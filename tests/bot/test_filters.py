"""Reading filter input: every keyword rule, every kind of bad input, and country lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.filters import (
    MAX_INPUT_CHARS,
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    EmptyFilter,
    FilterError,
    InputTooLong,
    InvalidKeyword,
    KeywordTooLong,
    TooManyKeywords,
    UnknownCountry,
    merge_keywords,
    parse_countries,
    parse_keywords,
)

# --- keywords ---------------------------------------------------------------------------------------------


def test_the_example_from_the_issue() -> None:
    assert parse_keywords('iran "witte huis" oekra*, gaza') == ("iran", '"witte huis"', "oekra*", "gaza")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("iran,gaza", ("iran", "gaza")),
        ("iran ,, gaza ,", ("iran", "gaza")),
        ("iran\ngaza\tnavo", ("iran", "gaza", "navo")),
        ("  Iran  ", ("iran",)),
        ("OEKRAÏNE", ("oekraïne",)),
        ('"Witte    Huis"', ('"witte huis"',)),
        ('"witte\u00a0huis"', ('"witte huis"',)),
        ('"iran"', ("iran",)),
        ("“witte huis” „gaza”", ('"witte huis"', "gaza")),
        ('"witte hui*"', ('"witte hui*"',)),
        ('"witte hui"*', ('"witte hui*"',)),
        ('"washington, dc"', ('"washington, dc"',)),
        ("iran-deal iran's", ("iran-deal", "iran's")),
        ('abc"witte huis"', ("abc", '"witte huis"')),
        ("Oekrai\u0308ne", ("oekraïne",)),  # decomposed input comes back composed (NFC)
    ],
)
def test_keywords_are_split_and_normalised(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_keywords(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Iran iran IRAN", ("iran",)),
        ('iran "iran"', ("iran",)),
        ('iran-deal "iran deal"', ("iran-deal",)),
        ("oekraïne oekraine", ("oekraïne",)),
        ("oekra* oekra", ("oekra*", "oekra")),  # a prefix and a word are different keywords
    ],
)
def test_keywords_that_search_for_the_same_thing_are_kept_once(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_keywords(raw) == expected


_KEYWORD_TEXT = st.text(alphabet=st.sampled_from(list("abcëİß- ,\"*'’“")), max_size=40)


@given(_KEYWORD_TEXT)
def test_normalised_keywords_parse_back_to_themselves(raw: str) -> None:
    try:
        keywords = parse_keywords(raw)
    except FilterError:
        return
    assert parse_keywords(" ".join(keywords)) == keywords


@pytest.mark.parametrize(
    ("raw", "reason", "named"),
    [
        ("*", "lone_star", "*"),
        ("iran **", "lone_star", "**"),
        ("o*", "short_prefix", "o*"),
        ('"witte h*"', "short_prefix", '"witte h*"'),
        ("oe*kra", "star_position", "oe*kra"),
        ("*kra", "star_position", "*kra"),
        ("oekra**", "star_position", "oekra**"),
        ("covid-*", "star_after_punctuation", "covid-*"),
        ('iran "witte huis', "unbalanced_quote", '"witte huis'),
        ('iran ""', "empty_quotes", '""'),
        ('"   "', "empty_quotes", '""'),
        ("iran ---", "no_letters", "---"),
        ("gaza ir\x00an", "control", "ir\ufffdan"),
        ("gaza ir\x1fan", "control", "ir\ufffdan"),
        ("evil\u202egnp", "control", "evil\ufffdgnp"),
    ],
)
def test_invalid_keywords_are_named_with_the_reason(raw: str, reason: str, named: str) -> None:
    with pytest.raises(InvalidKeyword) as caught:
        parse_keywords(raw)
    assert caught.value.reason == reason
    assert f'"{named}"' in str(caught.value)
    assert f'"{named}"' in caught.value.message("nl")
    assert caught.value.message("nl") != str(caught.value)


def test_an_offending_keyword_is_cut_to_40_characters_in_the_message() -> None:
    long_word = "x" * 39 + "YZ" + "\x07"
    with pytest.raises(InvalidKeyword) as caught:
        parse_keywords(long_word)
    assert caught.value.keyword == long_word
    assert '"' + "x" * 39 + '…"' in str(caught.value)
    assert "YZ" not in str(caught.value)


def test_a_keyword_of_100_characters_is_fine_and_101_is_too_long() -> None:
    assert parse_keywords("k" * MAX_KEYWORD_CHARS) == ("k" * MAX_KEYWORD_CHARS,)
    too_long = "k" * (MAX_KEYWORD_CHARS + 1)
    with pytest.raises(KeywordTooLong) as caught:
        parse_keywords(f"iran {too_long}")
    assert caught.value.keyword == too_long
    assert "k" * 39 + "…" in str(caught.value)
    assert str(MAX_KEYWORD_CHARS) in str(caught.value)


def test_a_phrase_counts_its_words_and_spaces_against_the_length_limit() -> None:
    phrase = " ".join(["woord"] * 17)  # 101 characters
    with pytest.raises(KeywordTooLong):
        parse_keywords(f'"{phrase}"')


def test_fifty_keywords_are_fine_and_fifty_one_are_too_many() -> None:
    fifty = " ".join(f"k{n}" for n in range(MAX_KEYWORDS))
    assert len(parse_keywords(fifty)) == MAX_KEYWORDS
    with pytest.raises(TooManyKeywords) as caught:
        parse_keywords(fifty + " extra")
    assert caught.value.count == MAX_KEYWORDS + 1
    assert "51" in str(caught.value) and "50" in str(caught.value)


def test_duplicates_do_not_count_against_the_limit() -> None:
    raw = " ".join(["iran"] * 200 + [f"k{n}" for n in range(MAX_KEYWORDS - 1)])
    assert len(parse_keywords(raw)) == MAX_KEYWORDS


def test_a_ten_thousand_keyword_paste_is_refused_as_too_much() -> None:
    paste = " ".join(f"w{n}" for n in range(10_000))
    with pytest.raises(TooManyKeywords) as caught:
        parse_keywords(paste)
    assert isinstance(caught.value, InputTooLong)
    assert caught.value.length == len(paste)


def test_input_longer_than_2000_characters_is_refused_before_it_is_read() -> None:
    # The control character would be an InvalidKeyword if the text were read at all.
    raw = "\x00" + " " * MAX_INPUT_CHARS
    with pytest.raises(InputTooLong) as caught:
        parse_keywords(raw)
    assert "2,000" in str(caught.value)
    assert "2.000" in caught.value.message("nl")


def test_input_of_exactly_2000_characters_is_read() -> None:
    raw = "iran".ljust(MAX_INPUT_CHARS)
    assert parse_keywords(raw) == ("iran",)


@pytest.mark.parametrize("raw", ["", "   ", " , ,\n", "\t"])
def test_empty_input_asks_for_a_keyword(raw: str) -> None:
    with pytest.raises(EmptyFilter) as caught:
        parse_keywords(raw)
    assert "keyword" in str(caught.value)
    assert "trefwoord" in caught.value.message("nl")


def test_every_filter_error_is_a_value_error_with_a_dutch_message() -> None:
    for error in [
        EmptyFilter(),
        KeywordTooLong("x"),
        TooManyKeywords(60),
        InputTooLong(3000),
        InvalidKeyword("x", "no_letters"),
        UnknownCountry("x"),
    ]:
        assert isinstance(error, FilterError)
        assert isinstance(error, ValueError)
        assert error.message("nl-NL") != error.message("en")
        assert error.message("fr") == str(error)


def test_merge_adds_new_keywords_after_the_existing_ones() -> None:
    merged = merge_keywords(("iran", "gaza"), parse_keywords('Iran "witte huis"'))
    assert merged == ("iran", "gaza", '"witte huis"')


def test_merge_refuses_to_grow_a_list_past_fifty() -> None:
    existing = tuple(f"k{n}" for n in range(MAX_KEYWORDS - 1))
    assert len(merge_keywords(existing, ("extra",))) == MAX_KEYWORDS
    with pytest.raises(TooManyKeywords) as caught:
        merge_keywords(existing, ("extra", "more"))
    assert caught.value.count == MAX_KEYWORDS + 1


# --- countries --------------------------------------------------------------------------------------------

_NAMES = {
    "iran": "IR",
    "oekraïne": "UA",
    "oekraine": "UA",
    "ua": "ua",
    "verenigde staten": "US",
    "verenigde staten van amerika": "US",
    "bosnië en herzegovina": "BA",
    "nederland": "NL",
}


def _lookup(name: str) -> str | None:
    return _NAMES.get(name.casefold())


class _Suggester:
    """Records what it was asked and answers with fixed names."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.asked: list[str] = []

    def __call__(self, query: str) -> list[str]:
        self.asked.append(query)
        return self.names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Iran", ("IR",)),
        ("iran, oekraïne", ("IR", "UA")),
        ("iran; Oekraine\nnederland", ("IR", "UA", "NL")),
        ("iran oekraïne verenigde staten", ("IR", "UA", "US")),
        ("Verenigde Staten van Amerika iran", ("US", "IR")),
        ("bosnië en herzegovina", ("BA",)),
        ("iran en oekraïne", ("IR", "UA")),
        ("iran & nederland", ("IR", "NL")),
        ("UA, oekraïne, iran, Iran", ("UA", "IR")),
        ('"verenigde staten"', ("US",)),
    ],
)
def test_countries_resolve_to_codes_in_order_once_each(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_countries(raw, _lookup, _Suggester([])) == expected


def test_an_unknown_country_carries_the_suggestions() -> None:
    suggest = _Suggester(["Oekraïne", "Oostenrijk"])
    with pytest.raises(UnknownCountry) as caught:
        parse_countries("iran oekrane, nederland", _lookup, suggest)
    assert caught.value.query == "oekrane"
    assert caught.value.suggestions == ("Oekraïne", "Oostenrijk")
    assert suggest.asked == ["oekrane"]
    assert '"oekrane"' in str(caught.value) and "Oekraïne, Oostenrijk" in str(caught.value)
    assert "Bedoel je" in caught.value.message("nl")


def test_an_unknown_name_of_several_words_is_reported_whole() -> None:
    with pytest.raises(UnknownCountry) as caught:
        parse_countries("iran verenigde staaten nederland", _lookup, _Suggester([]))
    assert caught.value.query == "verenigde staaten"
    assert caught.value.suggestions == ()
    assert '"verenigde staaten"' in str(caught.value)


def test_a_long_unknown_country_is_cut_in_the_message() -> None:
    query = "q" * 60
    with pytest.raises(UnknownCountry) as caught:
        parse_countries(query, _lookup, _Suggester([]))
    assert caught.value.query == query
    assert "q" * 39 + "…" in str(caught.value) and "q" * 40 not in str(caught.value)


@pytest.mark.parametrize("raw", ["", " , ; ", "en"])
def test_no_country_at_all_is_an_empty_filter(raw: str) -> None:
    with pytest.raises(EmptyFilter) as caught:
        parse_countries(raw, _lookup, _Suggester([]))
    assert caught.value.what == "country"
    assert "country" in str(caught.value)


def test_country_input_has_the_same_length_and_control_checks() -> None:
    with pytest.raises(InputTooLong):
        parse_countries("iran, " * 400, _lookup, _Suggester([]))
    with pytest.raises(InvalidKeyword) as caught:
        parse_countries("iran, neder\x00land", _lookup, _Suggester([]))
    assert caught.value.reason == "control"
