"""Subscription matching: keyword semantics, the rules of a subscription, the index, and explanations."""

from __future__ import annotations

import sys

import pytest

from bot.filters import parse_keywords
from bot.matching import Explanation, IndexStats, MatchIndex, explain, fold_words, keyword_pattern, matches
from parsers.models import Item
from storage.models import Subscription
from tests.factories import build_item


def make_item(title: str | None, text: str = "", countries: tuple[str, ...] = ()) -> Item:
    """An item without a dateline; matching reads only its title, lead and countries."""
    return build_item(text, title=title, place=None, countries=countries)


def sub(sub_id: int = 1, **fields: object) -> Subscription:
    return Subscription(id=sub_id, destination=f"test:{sub_id}", **fields)  # type: ignore[arg-type]


def wants(item: Item, subscription: Subscription, source: str = "nos") -> bool:
    """The answer of the plain rule, after checking that the index and `explain` give the same one."""
    expected = matches(item, source, subscription)
    assert MatchIndex([subscription]).match(item, source) == ([subscription.id] if expected else [])
    assert explain(item, source, subscription).matched is expected
    return expected


# --- keyword semantics -----------------------------------------------------------------------------------

KEYWORD_CASES = [
    # case and diacritics
    ("oekraine", "Aanval in Oekraïne", True),
    ("Oekraïne", "OEKRAINE IN NOOD", True),
    ("strasse", "Unfall in der Hauptstraße", False),  # a compound: not a whole word
    ("hauptstrasse", "Unfall in der Hauptstraße", True),
    ("istanbul", "Aanslag in İSTANBUL", True),
    ("oekraine", "Oekra\u00adïne", True),  # soft hyphen
    ("oekraïne", "Oekrai\u0308ne", True),  # decomposed diaeresis
    ("kobenhavn", "Storm boven København", True),
    ("sao paulo", "Overstroming in São Paulo", True),  # unquoted words with a space are one phrase keyword
    # word boundaries
    ("iran", "Iraanse raketten", False),
    ("iran", "Iranian drones", False),
    ("iran", "Teheran zwijgt", False),
    ("iran", "Iran's president", True),
    ("iran", "Iran’s president", True),
    ("iran", "De Iran-deal ligt stil", True),
    ("iran", "Gesprekken (Iran) mislukt", True),
    ("iran", "iran", True),
    ("iran-deal", "De Iran deal ligt stil", True),
    ("covid-19", "Nieuwe golf Covid 19", True),
    ("covid-19", "Nieuwe golf covid19", False),
    ("iran's", "Iran s", True),
    # phrases
    ('"witte huis"', "Het Witte Huis reageert", True),
    ('"witte huis"', "Het witte-huis reageert", True),
    ('"witte huis"', "Het Witte  Huis reageert", True),
    ('"witte huis"', "Het Witte\u00a0Huis reageert", True),
    ('"witte huis"', "Een witte, huis-aan-huis krant", True),  # punctuation between the words is allowed
    ('"witte huis"', "Het huis is witte", False),
    ('"witte huis"', "Witte en huis", False),
    ('"witte huis"', "Het Wittehuis", False),
    ('"witte huis"', "Het Witte Huisje", False),
    # prefixes
    ("oekra*", "Oekraïense troepen", True),
    ("oekra*", "Steun voor Oekraïne", True),
    ("oekra*", "Hoekraam", False),
    ("iran*", "Iraniërs demonstreren", True),
    ("iran*", "Iraanse vloot", False),
    ('"witte hui*"', "De Witte Huizen", True),
    ('"witte hui*"', "De Witte Tuin", False),
]


@pytest.mark.parametrize(("keyword", "title", "expected"), KEYWORD_CASES)
def test_keyword_semantics_in_the_title(keyword: str, title: str, expected: bool) -> None:
    assert wants(make_item(title, "Geen trefwoord hier."), sub(include=(keyword,))) is expected


@pytest.mark.parametrize(("keyword", "text", "expected"), KEYWORD_CASES)
def test_keyword_semantics_in_the_lead(keyword: str, text: str, expected: bool) -> None:
    assert wants(make_item(None, text), sub(include=(keyword,))) is expected


def test_a_phrase_does_not_span_the_title_and_the_lead() -> None:
    item = make_item("Reactie van het Witte", "Huis blijft uit")
    assert not wants(item, sub(include=('"witte huis"',)))
    assert wants(item, sub(include=("witte",)))
    assert wants(item, sub(include=("huis",)))


def test_keywords_from_the_filter_parser_match_as_documented() -> None:
    keywords = parse_keywords('iran "witte huis" oekra*, gaza')
    subscription = sub(include=keywords)
    assert wants(make_item("Oekraïense drones"), subscription)
    assert wants(make_item(None, "Reactie van het Witte Huis"), subscription)
    assert not wants(make_item("Iraanse olie", "Witte rook, geen huis"), subscription)


def test_fold_words_reduces_text_to_folded_words() -> None:
    assert fold_words("  Oekraïense  Iran's—Straße!! ") == "oekraiense iran s strasse"


@pytest.mark.parametrize("keyword", ["*", "**", '""', "---", "   "])
def test_a_keyword_without_letters_has_no_pattern(keyword: str) -> None:
    assert keyword_pattern(keyword) is None


# --- the rules of a subscription --------------------------------------------------------------------------

UA_ITEM = make_item("Drones boven Kyiv", "Oekraïne meldt een aanval; sport gaat door.", countries=("UA",))


def test_exclusion_wins_over_an_include_keyword() -> None:
    assert wants(UA_ITEM, sub(include=("oekraïne",)))
    assert not wants(UA_ITEM, sub(include=("oekraïne",), exclude=("sport",)))


def test_exclusion_wins_over_a_country() -> None:
    assert wants(UA_ITEM, sub(countries=("UA",)))
    assert not wants(UA_ITEM, sub(countries=("UA",), exclude=("kyiv",)))


def test_exclusion_wins_in_mode_all() -> None:
    assert wants(UA_ITEM, sub(mode="all"))
    assert not wants(UA_ITEM, sub(mode="all", exclude=("drones",)))


def test_the_same_keyword_to_include_and_exclude_excludes() -> None:
    assert not wants(UA_ITEM, sub(include=("sport",), exclude=("sport",)))


def test_mode_all_ignores_keywords_and_countries() -> None:
    assert not wants(UA_ITEM, sub(include=("gaza",), countries=("US",)))
    assert wants(UA_ITEM, sub(include=("gaza",), countries=("US",), mode="all"))


def test_a_paused_subscription_matches_nothing() -> None:
    assert not wants(UA_ITEM, sub(mode="all", paused=True))
    assert not wants(UA_ITEM, sub(include=("oekraïne",), paused=True))


def test_sources_restrict_and_compare_without_case() -> None:
    restricted = sub(include=("oekraïne",), sources=("NOS", "anp"))
    assert wants(UA_ITEM, restricted, source="nos")
    assert wants(UA_ITEM, restricted, source="ANP")
    assert not wants(UA_ITEM, restricted, source="rtl")
    assert not wants(UA_ITEM, sub(mode="all", sources=("anp",)), source="rtl")


def test_countries_and_keywords_must_both_match() -> None:
    both = sub(include=("oekraïne",), countries=("UA",))
    assert wants(UA_ITEM, both)
    assert not wants(make_item("Oekraïne", "Nieuws", countries=("PL",)), both)
    assert not wants(make_item("Kyiv", "Nieuws", countries=("UA",)), both)


def test_any_of_the_countries_is_enough_and_codes_ignore_case() -> None:
    assert wants(make_item("Grens", "", countries=("PL", "UA")), sub(countries=("ua", "US")))
    assert not wants(make_item("Grens", "", countries=("PL",)), sub(countries=("UA", "US")))
    assert not wants(make_item("Grens", ""), sub(countries=("UA",)))


def test_any_include_keyword_is_enough() -> None:
    assert wants(UA_ITEM, sub(include=("gaza", "kyiv", "navo")))
    assert not wants(UA_ITEM, sub(include=("gaza", "navo")))


def test_a_filtered_subscription_without_keywords_or_countries_takes_everything_from_its_sources() -> None:
    assert wants(make_item("Wat dan ook", "Echt alles."), sub())
    assert wants(make_item(None, ""), sub(sources=("nos",)))
    assert not wants(make_item("Wat dan ook"), sub(sources=("anp",)), source="nos")


def test_an_include_list_of_only_unusable_keywords_matches_nothing() -> None:
    assert not wants(UA_ITEM, sub(include=("*",)))
    assert wants(UA_ITEM, sub(include=("*", "kyiv")))


# --- the index -------------------------------------------------------------------------------------------


def test_the_index_returns_every_matching_id_sorted() -> None:
    subs = [
        sub(7, include=("oekra*",)),
        sub(3, countries=("UA",)),
        sub(5, mode="all", sources=("nos",)),
        sub(2, include=("gaza",)),
        sub(9),
        sub(4, mode="all", sources=("anp",)),
        sub(1, include=("kyiv",), exclude=("sport",)),
        sub(8, include=("kyiv",), countries=("UA",)),
    ]
    assert MatchIndex(subs).match(UA_ITEM, "nos") == [3, 5, 7, 8, 9]
    assert MatchIndex(subs).match(UA_ITEM, "anp") == [3, 4, 7, 8, 9]
    assert MatchIndex().match(UA_ITEM, "nos") == []


def test_adding_an_id_twice_is_refused_and_removing_an_unknown_id_fails() -> None:
    index = MatchIndex([sub(1, include=("kyiv",))])
    with pytest.raises(ValueError, match="replace"):
        index.add(sub(1, include=("gaza",)))
    with pytest.raises(KeyError):
        index.remove(2)
    assert index.match(UA_ITEM, "nos") == [1]


def test_changes_reach_the_next_match() -> None:
    index = MatchIndex([sub(1, include=("gaza",)), sub(2, include=("kyiv",))])
    assert index.match(UA_ITEM, "nos") == [2]
    index.replace(sub(1, include=("drones",)))  # a pattern the automaton has not seen yet
    assert index.match(UA_ITEM, "nos") == [1, 2]
    index.remove(2)
    assert index.match(UA_ITEM, "nos") == [1]
    assert 2 not in index and len(index) == 1
    index.add(sub(2, include=("kyiv",), paused=True))
    assert index.match(UA_ITEM, "nos") == [1]
    index.replace(sub(2, include=("kyiv",)))
    assert index.match(UA_ITEM, "nos") == [1, 2]
    index.replace(sub(3, mode="all"))  # replace of an unknown id adds it
    assert index.match(UA_ITEM, "nos") == [1, 2, 3]
    index.replace(sub(1, include=("gaza",)))
    assert index.match(UA_ITEM, "nos") == [2, 3]


def test_removing_the_last_keyword_then_matching_still_works() -> None:
    index = MatchIndex([sub(1, include=("kyiv",))])
    assert index.match(UA_ITEM, "nos") == [1]
    index.remove(1)
    assert index.match(UA_ITEM, "nos") == []
    index.rebuild()
    assert index.match(UA_ITEM, "nos") == []


def test_the_constructor_builds_the_automaton() -> None:
    index = MatchIndex([sub(1, include=("kyiv", "gaza", "Kyiv")), sub(2, mode="all", exclude=("sport",))])
    assert index.stats() == IndexStats(
        subscriptions=2, filings=4, keys=4, automaton_patterns=3, pending_patterns=0
    )
    assert MatchIndex().stats() == IndexStats(0, 0, 0, 0, 0)


def test_a_new_pattern_is_found_at_once_and_the_automaton_rebuilt_past_the_limit() -> None:
    index = MatchIndex([sub(1, include=("gaza",))], pending_limit=2)
    index.replace(sub(2, include=("drones",)))
    index.add(sub(3, include=("kyiv",)))
    assert index.match(UA_ITEM, "nos") == [2, 3]
    assert (index.stats().automaton_patterns, index.stats().pending_patterns) == (1, 2)
    index.add(sub(4, mode="all", exclude=("sport",)))  # a third: the next match rebuilds
    assert index.match(UA_ITEM, "nos") == [2, 3]
    assert (index.stats().automaton_patterns, index.stats().pending_patterns) == (4, 0)
    index.replace(sub(4, mode="all", exclude=("gaza",)))  # a pattern the automaton has: nothing pending
    assert index.stats().pending_patterns == 0
    assert index.match(UA_ITEM, "nos") == [2, 3, 4]


def test_patterns_no_longer_used_leave_the_automaton_after_many_removals() -> None:
    index = MatchIndex(sub(n, include=(f"woord{n}",)) for n in range(5000))
    assert index.stats().automaton_patterns == 5000
    for n in range(5000):
        index.remove(n)
    assert index.match(make_item("woord1 woord2"), "nos") == []
    assert index.stats() == IndexStats(0, 0, 0, 0, 0)


def test_ids_of_any_size_can_share_a_key() -> None:
    ids = [0, 7, 2**31, 2**32 - 1, 2**32, 2**40, -3]
    index = MatchIndex(sub(n, include=("kyiv",)) for n in ids)
    assert index.match(UA_ITEM, "nos") == sorted(ids)
    for gone in (2**32, 7, -3, 0):
        index.remove(gone)
    index.add(sub(2**50, include=("kyiv",)))
    assert index.match(UA_ITEM, "nos") == [2**31, 2**32 - 1, 2**40, 2**50]


def test_stats_count_filings_per_source_and_paused_subscriptions() -> None:
    index = MatchIndex(
        [
            sub(1, include=("kyiv", "gaza"), sources=("nos", "anp")),  # 2 sources x 2 patterns
            sub(2, include=("kyiv",), countries=("UA",)),  # a pattern and a code
            sub(3, countries=("UA", "PL"), exclude=("voetbal",)),  # 2 codes and an exclusion
            sub(4, mode="all"),  # everything
            sub(5, include=("kyiv",), paused=True),  # nothing
        ]
    )
    assert index.stats() == IndexStats(
        subscriptions=5, filings=10, keys=10, automaton_patterns=3, pending_patterns=0
    )
    assert 5 in index and len(index) == 5
    assert index.match(UA_ITEM, "nos") == [1, 2, 3, 4]


def test_the_index_keeps_no_object_of_the_subscriptions_it_files() -> None:
    """So that the list an index was built from can be freed whole (see the `_index` docstring)."""
    subscriptions = [
        sub(2**40 + n, include=("kyiv", "gaza*"), exclude=("sport",), countries=("UA",), sources=("nos",))
        for n in range(3)
    ]
    parts = [
        part for s in subscriptions for part in (s, s.id, *s.include, *s.exclude, *s.countries, *s.sources)
    ]
    counts = [sys.getrefcount(part) for part in parts]
    index = MatchIndex(subscriptions[:2])
    index.add(subscriptions[2])
    index.replace(subscriptions[0])
    assert index.match(UA_ITEM, "nos") == []  # excluded by "sport"
    assert [sys.getrefcount(part) for part in parts] == counts


# --- explanations ----------------------------------------------------------------------------------------

_NAMES = {("UA", "nl"): "Oekraïne", ("UA", "en"): "Ukraine", ("US", "nl"): "Verenigde Staten"}


def country_name(code: str, lang: str) -> str:
    return _NAMES.get((code, lang), code)


UA_LEAD = make_item(
    "Drones boven Kyiv", "De Oekraïense luchtmacht meldt een aanval. Sport.", countries=("UA", "PL")
)

EXPLAIN_CASES = [
    (
        sub(include=("oekra*",)),
        True,
        ('Matched keyword "oekra*" ("Oekraïense") in the lead',),
        ('Trefwoord "oekra*" gevonden ("Oekraïense") in de tekst',),
    ),
    (
        sub(include=("gaza", "kyiv"), sources=("nos",)),
        True,
        ("Source nos is in your sources", 'Matched keyword "kyiv" ("Kyiv") in the title'),
        ("Bron nos staat in je bronnen", 'Trefwoord "kyiv" gevonden ("Kyiv") in de titel'),
    ),
    (
        sub(countries=("UA",)),
        True,
        ("Country UA (Ukraine) is in your countries",),
        ("Land UA (Oekraïne) staat in je landen",),
    ),
    (
        sub(include=("sport",), exclude=("sport",)),
        False,
        ('Excluded by "sport" ("Sport") in the lead',),
        ('Uitgesloten door "sport" ("Sport") in de tekst',),
    ),
    (sub(mode="all", paused=True), False, ("Paused",), ("Gepauzeerd",)),
    (
        sub(sources=("anp",)),
        False,
        ("Source nos is not in your sources",),
        ("Bron nos staat niet in je bronnen",),
    ),
    (
        sub(include=("iran", "gaza")),
        False,
        ("No keyword matched (iran, gaza)",),
        ("Geen trefwoord gevonden (iran, gaza)",),
    ),
    (
        sub(countries=("US", "IR")),
        False,
        ("None of the item's countries (PL, UA (Ukraine)) is in your countries (IR, US)",),
        (
            "Geen van de landen van het bericht (PL, UA (Oekraïne)) staat in je landen (IR, US (Verenigde Staten))",
        ),
    ),
    (
        sub(mode="all", include=("iran",), exclude=("gaza",)),
        True,
        ("Mode all: you get every item from your sources", "No exclusion matched (gaza)"),
        ("Modus alles: je krijgt elk bericht uit je bronnen", "Geen uitsluiting gevonden (gaza)"),
    ),
    (
        sub(),
        True,
        ("No keywords and no countries set: you get every item from your sources",),
        ("Geen trefwoorden en geen landen ingesteld: je krijgt elk bericht uit je bronnen",),
    ),
    (
        sub(include=("iran",), countries=("US",), sources=("anp",), exclude=("drones",)),
        False,
        (
            "Source nos is not in your sources",
            "No keyword matched (iran)",
            "None of the item's countries (PL, UA (Ukraine)) is in your countries (US)",
            'Excluded by "drones" ("Drones") in the title',
        ),
        (
            "Bron nos staat niet in je bronnen",
            "Geen trefwoord gevonden (iran)",
            "Geen van de landen van het bericht (PL, UA (Oekraïne)) staat in je landen (US (Verenigde Staten))",
            'Uitgesloten door "drones" ("Drones") in de titel',
        ),
    ),
]


@pytest.mark.parametrize(("subscription", "matched", "english", "dutch"), EXPLAIN_CASES)
def test_explanations_in_english_and_dutch(
    subscription: Subscription, matched: bool, english: tuple[str, ...], dutch: tuple[str, ...]
) -> None:
    assert matches(UA_LEAD, "nos", subscription) is matched
    assert explain(UA_LEAD, "nos", subscription, country_name=country_name) == Explanation(matched, english)
    assert explain(UA_LEAD, "nos", subscription, "nl", country_name) == Explanation(matched, dutch)


def test_without_a_country_name_function_codes_are_shown_alone() -> None:
    reasons = explain(UA_LEAD, "nos", sub(countries=("UA",))).reasons
    assert reasons == ("Country UA is in your countries",)


def test_an_item_without_countries_is_explained() -> None:
    item = make_item("Drones", "Geen land.")
    assert explain(item, "nos", sub(countries=("UA",)), "en", country_name).reasons == (
        "The item has no country; your countries: UA (Ukraine)",
    )
    assert explain(item, "nos", sub(countries=("UA",)), "nl", country_name).reasons == (
        "Het bericht heeft geen land; jouw landen: UA (Oekraïne)",
    )


def test_the_quoted_words_are_the_items_own() -> None:
    item = make_item("Het  Witte\u00a0Huis over Oekrai\u0308ense steun", "Reactie uit de Hauptstraße.")
    reasons = explain(item, "nos", sub(include=('"witte huis"', "oekra*", "strasse", "hauptstrasse"))).reasons
    assert reasons == (
        'Matched keyword "witte huis" ("Witte Huis") in the title',
        'Matched keyword "oekra*" ("Oekrai\u0308ense") in the title',
        'Matched keyword "hauptstrasse" ("Hauptstraße") in the lead',
    )


def test_a_long_keyword_list_is_shortened_in_the_explanation() -> None:
    keywords = tuple(f"woord{n}" for n in range(12))
    (reason,) = explain(UA_LEAD, "nos", sub(include=keywords)).reasons
    assert reason == "No keyword matched (" + ", ".join(keywords[:10]) + ", …)"
