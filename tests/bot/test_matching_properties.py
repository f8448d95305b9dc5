"""Properties: the index answers exactly what the plain rule answers, through any sequence of changes."""

from __future__ import annotations

import re

from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.matching import MatchIndex, explain, fold_words, matches
from parsers.identity import normalize_space
from parsers.models import Item
from storage.models import Subscription
from tests.factories import build_item

WORDS = [
    "iran",
    "Iran's",
    "Iraanse",
    "Iraniërs",
    "Oekraïne",
    "OEKRAINE",
    "Oekraïense",
    "witte",
    "Witte",
    "huis",
    "Huizen",
    "gaza",
    "Straße",
    "strasse",
    "İstanbul",
    "sport",
    "covid-19",
    "de",
    "navo",
    "São",
    "Paulo",
]
SEPARATORS = [" ", "  ", "-", ", ", "'", "’", "\u00a0", ". ", "/", "\u00ad", ""]
COUNTRIES = ["UA", "ua", "IR", "US", "NL"]
SOURCES = ["nos", "NOS", "anp", "rtl"]

words = st.sampled_from(WORDS)
text = st.lists(st.tuples(words | st.text(max_size=4), st.sampled_from(SEPARATORS)), max_size=10).map(
    lambda parts: "".join(word + sep for word, sep in parts)
)
keyword = st.one_of(
    words,
    st.tuples(words, words).map(lambda pair: f'"{pair[0]} {pair[1]}"'),
    st.tuples(words, st.integers(1, 6)).map(lambda pair: pair[0][: pair[1]] + "*"),
    st.text(max_size=6),
)
keywords = st.lists(keyword, max_size=3).map(tuple)


items = st.builds(
    build_item,
    title=st.none() | text,
    text=text,
    place=st.none(),
    agencies=st.just(()),
    countries=st.lists(st.sampled_from(COUNTRIES), max_size=2).map(tuple),
)


def subscriptions(sub_id: int) -> st.SearchStrategy[Subscription]:
    return st.builds(
        Subscription,
        id=st.just(sub_id),
        destination=st.just(f"test:{sub_id}"),
        include=keywords,
        exclude=st.lists(keyword, max_size=2).map(tuple),
        countries=st.lists(st.sampled_from(COUNTRIES), max_size=2).map(tuple),
        sources=st.lists(st.sampled_from(SOURCES), max_size=2).map(tuple),
        mode=st.sampled_from(["filtered", "filtered", "all"]),
        paused=st.sampled_from([False, False, False, True]),
    )


def naive(subs: dict[int, Subscription], item: Item, source: str) -> list[int]:
    return sorted(sub_id for sub_id, sub in subs.items() if matches(item, source, sub))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_index_equals_the_plain_rule_through_adds_removes_and_replaces(data: st.DataObject) -> None:
    initial = {n: data.draw(subscriptions(n)) for n in range(data.draw(st.integers(0, 8)))}
    index = MatchIndex(initial.values())
    subs = dict(initial)
    next_id = len(subs)
    for _ in range(data.draw(st.integers(1, 12))):
        action = data.draw(st.sampled_from(["add", "remove", "replace", "match", "match"]))
        if action == "add":
            subs[next_id] = data.draw(subscriptions(next_id))
            index.add(subs[next_id])
            next_id += 1
        elif action == "remove" and subs:
            gone = data.draw(st.sampled_from(sorted(subs)))
            del subs[gone]
            index.remove(gone)
        elif action == "replace" and subs:
            changed = data.draw(st.sampled_from(sorted(subs)))
            subs[changed] = data.draw(subscriptions(changed))
            index.replace(subs[changed])
        item = data.draw(items)
        source = data.draw(st.sampled_from(SOURCES))
        expected = naive(subs, item, source)
        event(f"matched {min(len(expected), 3)} of {min(len(subs), 3)}+ subscriptions")
        if any(subs[sub_id].include and subs[sub_id].mode == "filtered" for sub_id in expected):
            event("matched through a keyword")
        assert index.match(item, source) == expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_index_equals_the_plain_rule_however_often_it_rebuilds(data: st.DataObject) -> None:
    """As above, with the automaton rebuilt at any moment (new patterns pending, removed ones still in it)."""
    initial = {n: data.draw(subscriptions(n)) for n in range(data.draw(st.integers(0, 6)))}
    index = MatchIndex(initial.values(), pending_limit=data.draw(st.integers(0, 3)))
    subs = dict(initial)
    for step in range(data.draw(st.integers(1, 12))):
        action = data.draw(st.sampled_from(["add", "remove", "replace", "rebuild"]))
        if action == "add":
            subs[100 + step] = data.draw(subscriptions(100 + step))
            index.add(subs[100 + step])
        elif action == "remove" and subs:
            gone = data.draw(st.sampled_from(sorted(subs)))
            del subs[gone]
            index.remove(gone)
        elif action == "replace" and subs:
            changed = data.draw(st.sampled_from(sorted(subs)))
            subs[changed] = data.draw(subscriptions(changed))
            index.replace(subs[changed])
        elif action == "rebuild":
            index.rebuild()
        item = data.draw(items)
        source = data.draw(st.sampled_from(SOURCES))
        assert index.match(item, source) == naive(subs, item, source)
    assert len(index) == len(subs) and all(sub_id in index for sub_id in subs)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_explain_agrees_with_the_plain_rule(data: st.DataObject) -> None:
    sub = data.draw(subscriptions(1))
    item = data.draw(items)
    source = data.draw(st.sampled_from(SOURCES))
    explanation = explain(item, source, sub, data.draw(st.sampled_from(["en", "nl"])))
    assert explanation.matched is matches(item, source, sub)
    assert explanation.reasons
    assert all(reason.strip() for reason in explanation.reasons)


@given(text)
def test_keywords_taken_from_the_text_match_it(raw: str) -> None:
    """Every word of an item, typed back as a keyword, finds the item (in any case)."""
    item = build_item(raw, place=None, agencies=())
    for word in raw.split():
        sub = Subscription(id=1, destination="test", include=(word.upper(),))
        if any(ch.isalnum() for ch in word):
            assert matches(item, "nos", sub), word
            assert MatchIndex([sub]).match(item, "nos") == [1]


@given(text, st.data())
def test_explain_quotes_the_words_that_matched(raw: str, data: st.DataObject) -> None:
    words = [word for word in raw.split() if fold_words(word) and not word.rstrip('"').endswith("*")]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    item = build_item(raw, place=None, agencies=())
    reasons = explain(item, "nos", Subscription(id=1, destination="test", include=(word,))).reasons
    quoted = re.fullmatch(r'Matched keyword .* \("(.*)"\) in the lead', reasons[0], re.DOTALL)
    assert quoted is not None, reasons
    if not quoted[1].endswith("…"):
        assert f" {fold_words(word)} " in f" {fold_words(quoted[1])} "
        assert normalize_space(quoted[1]) in normalize_space(raw)
