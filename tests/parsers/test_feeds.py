"""parsers.feeds: the real feeds of the shared corpus, hand-written fixtures, and fuzzing."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.errors import NotFeedError, ParseError
from parsers.feeds import looks_like_feed, parse_feed
from parsers.identity import content_hash, text_uid
from parsers.models import Item

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"

CORPUS_COUNTS = {
    "feed_de_heise.atom": 15,
    "feed_en_craigslist_rdf.rss": 25,
    "feed_en_feedburner_blogger.atom": 25,
    "feed_en_guardian.rss": 55,
    "feed_en_medium_content-encoded.rss": 7,
    "feed_en_npr.jsonfeed.json": 25,
    "feed_en_reddit.rss": 24,
    "feed_pt_jn_iso-8859-1.rss": 40,
    "feed_pt_uolNoticias.rss": 15,
}


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def rss(items: str, *, channel_link: str = "https://example.org/") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>{channel_link}</link><description>d</description>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def corpus(shared_dir: Path) -> Path:
    folder = shared_dir / "corpus" / "feeds"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/feeds is not present")
    return folder


def corpus_feed(corpus: Path, name: str, now: datetime) -> list[Item]:
    path = corpus / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus")
    return parse_feed(path.read_bytes(), now=now)


# --- the real corpus -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "count"), CORPUS_COUNTS.items(), ids=list(CORPUS_COUNTS))
def test_corpus_feed_parses_to_manifest_count(corpus: Path, now: datetime, name: str, count: int) -> None:
    items = corpus_feed(corpus, name, now)
    assert looks_like_feed((corpus / name).read_bytes())
    assert len(items) == count
    assert all(item.uid for item in items)
    assert all(item.title or item.text for item in items)
    assert len({item.uid for item in items}) == count
    assert all(item.url is None or item.url.startswith(("http://", "https://")) for item in items)
    for item in items:
        assert item.published_at is None or item.published_at.utcoffset() == timedelta(0)
        assert item.content_hash == content_hash(item.title, item.text)
        assert len(item.text) <= 1000


def test_uol_latin1_title_and_localised_date(corpus: Path, now: datetime) -> None:
    items = corpus_feed(corpus, "feed_pt_uolNoticias.rss", now)
    first = items[0]
    assert first.title == "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    assert first.text.startswith("Líder na pesquisa Ibope de intenção de voto")
    assert first.time_label == "Seg, 24 Set 2018 19:42:40 -0300"
    assert first.published_at == utc(2018, 9, 24, 22, 42, 40)
    assert all(item.published_at is not None for item in items)
    assert (
        items[1].title == "Promotoria abre inquérito para apurar suspeita de improbidade de Skaf no Sebrae-SP"
    )


def test_jn_iso_8859_1_and_trailing_whitespace_in_dates(corpus: Path, now: datetime) -> None:
    items = corpus_feed(corpus, "feed_pt_jn_iso-8859-1.rss", now)
    first = items[0]
    assert first.title == "Mãe de utente é a nova presidente da Raríssimas"
    assert first.text.startswith("Sónia Laygue, profissional na área da Recursos Humanos")
    assert first.published_at == utc(2018, 1, 3, 13, 47)
    assert first.time_label == "Wed, 03 Jan 2018 13:47:00 GMT"
    # FeedBurner's redirect is replaced by the publisher's own link.
    assert (
        first.url
        == "https://www.jn.pt/nacional/interior/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html"
    )
    assert first.uid == first.url


def test_npr_json_feed_offset_and_article_number(corpus: Path, now: datetime) -> None:
    first = corpus_feed(corpus, "feed_en_npr.jsonfeed.json", now)[0]
    assert first.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert first.published_at == utc(2021, 10, 29, 14, 26)
    assert first.time_label == "2021-10-29T10:26:00-04:00"
    assert first.uid == "npr.org#1050315385"
    assert first.url is not None and first.url.startswith("https://www.npr.org/2021/10/29/1050315385/")
    assert first.text.startswith("In rural areas, basic health care can be out of reach.")


def test_heise_atom_prefers_published_over_updated(corpus: Path, now: datetime) -> None:
    first = corpus_feed(corpus, "feed_de_heise.atom", now)[0]
    assert first.title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert first.published_at == utc(2016, 2, 1, 16, 22)
    assert first.time_label == "2016-02-01T17:22:00+01:00"
    # The tracking query stays in the url but not in the uid.
    assert first.url is not None and "?wt_mc=" in first.url
    assert first.uid == first.url.split("?")[0]


def test_craigslist_double_escaped_entities_in_title(corpus: Path, now: datetime) -> None:
    first = corpus_feed(corpus, "feed_en_craigslist_rdf.rss", now)[0]
    assert first.title is not None
    assert "$4300" in first.title
    assert "&#x" not in first.title
    assert first.published_at == utc(2017, 6, 21, 17, 33, 10)


def test_medium_long_content_is_bounded(corpus: Path, now: datetime) -> None:
    items = corpus_feed(corpus, "feed_en_medium_content-encoded.rss", now)
    assert any(item.text.endswith("…") for item in items)
    assert all("source=" not in item.uid for item in items)
    assert items[0].text.startswith("Using Wild Ingredients in the Kitchen")


# --- hand-written fixtures ---------------------------------------------------------------------------------------


def test_anp_feed_datelines_article_numbers_and_dates(now: datetime) -> None:
    items = parse_feed(fixture("anp_nu.rss"), now=now)
    assert [item.uid for item in items] == [f"nu.nl#630000{n}" for n in range(1, 6)]
    by_uid = {item.uid: item for item in items}

    cabinet = by_uid["nu.nl#6300001"]
    assert (cabinet.place, cabinet.agencies) == ("DEN HAAG", ("ANP",))
    assert cabinet.text == "Het kabinet is dinsdagavond gevallen na een conflict over de asielwet."
    assert cabinet.title == "Kabinet valt over asielwet"  # the later duplicate (same number) is dropped
    assert cabinet.published_at == utc(2026, 11, 24, 9, 15)
    assert cabinet.published_precision is None

    gaza = by_uid["nu.nl#6300002"]
    assert (gaza.place, gaza.agencies) == ("TEHERAN/JERUZALEM", ("ANP", "AFP"))
    assert gaza.text == "Het bestand tussen de partijen loopt vrijdag af, melden bronnen."
    assert gaza.url is not None and gaza.url.endswith("?utm_source=rss&utm_medium=feed")

    seal = by_uid["nu.nl#6300003"]
    assert (seal.place, seal.agencies) == ("DOMBURG", ())
    assert seal.time_label == "di, 24 nov 2026 08:05:00 +0100"
    assert seal.published_at == utc(2026, 11, 24, 7, 5)

    markets = by_uid["nu.nl#6300004"]
    assert (markets.place, markets.agencies) == ("NEW DELHI", ("ANP", "RTR", "DPA"))
    assert markets.published_at is None
    assert markets.time_label is None

    live = by_uid["nu.nl#6300005"]
    assert (live.place, live.agencies) == (None, ())
    assert live.text == "Volg hier de laatste ontwikkelingen."


def test_changed_guids_and_slugs_keep_uids(now: datetime) -> None:
    before = parse_feed(fixture("anp_nu.rss"), now=now)
    after = parse_feed(fixture("anp_nu_new_guids.rss"), now=now)
    assert [item.uid for item in after] == [item.uid for item in before]
    assert [item.content_hash for item in after] == [item.content_hash for item in before]
    assert before[2].url != after[2].url  # the slug changed; the article number did not


def test_rss_091_without_dates(now: datetime) -> None:
    items = parse_feed(fixture("rss091.xml"), now=now)
    assert [item.title for item in items] == ["Eerste bericht", "Tweede bericht"]
    assert items[0].uid == "https://example.org/nieuws/eerste-bericht"
    assert (items[0].place, items[0].agencies, items[0].text) == (
        "AMSTERDAM",
        ("ANP",),
        "Een eerste bericht zonder datum.",
    )
    assert all(item.published_at is None and item.time_label is None for item in items)


def test_rss_10_rdf_dc_date(now: datetime) -> None:
    items = parse_feed(fixture("rss10.rdf"), now=now)
    assert [item.uid for item in items] == ["example.org#100200300", "example.org#100200301"]
    assert items[0].published_at == utc(2026, 11, 25, 13, 30)
    assert (items[0].place, items[0].agencies) == ("BRUSSEL", ("ANP", "BELGA"))


def test_atom_html_title_xml_base_content_fallback_and_id(now: datetime) -> None:
    storm, content_only, no_link = parse_feed(fixture("atom.xml"), now=now)
    assert storm.title == "Storm Bert raast over Ierland"
    assert storm.url == "https://example.com/news/storm-bert-ierland"
    assert storm.published_at == utc(2026, 11, 26, 7, 30)
    assert (storm.place, storm.agencies) == ("DUBLIN", ("ANP", "RTR"))
    assert content_only.text == "First paragraph. Second paragraph."
    assert content_only.published_at == utc(2026, 11, 26, 7)
    assert no_link.url is None
    assert no_link.uid == "guid:tag:example.com,2026:no-link"


def test_json_feed_1_1(now: datetime) -> None:
    items = parse_feed(fixture("jsonfeed11.json"), now=now)
    assert [item.title for item in items] == [
        "Aardbeving in Japan",
        "Klimaattop verlengd",
        "Geen link, geen datum",
    ]
    quake, summit, bare = items
    assert quake.url == "https://example.net/wereld/7001234/aardbeving-japan"
    assert quake.uid == "example.net#7001234"
    assert quake.published_at == utc(2026, 11, 26, 1)
    assert (quake.place, quake.agencies) == ("TOKIO", ("ANP", "AFP"))
    assert summit.text == "De klimaattop is met een dag verlengd."
    assert summit.uid == "https://example.net/artikel.php?id=42"  # a script's query names the article
    assert summit.published_at == utc(2026, 11, 26, 8)
    assert (bare.uid, bare.url, bare.published_at) == ("guid:3", None, None)


def test_entities_cdata_and_relative_links(now: datetime) -> None:
    first, second, guid_only, text_only = parse_feed(fixture("entities_cdata.rss"), now=now)
    assert first.title == 'Rutte & Wilders: "geen akkoord" over €2 miljard'
    assert first.text == "De coalitie bereikte geen akkoord over het cafébeleid."
    assert first.url == "https://www.nu.nl/binnenland/6300100/geen-akkoord.html"
    assert first.uid == "nu.nl#6300100"
    assert second.title == "Zorg & welzijn: wachtlijsten groeien"
    assert second.text == "Wachtlijsten in de zorg groeien opnieuw."
    assert second.uid == second.url == "https://www.nu.nl/zorg/wachtlijsten-groeien"
    assert guid_only.uid == "guid:wire-2026-11-25-0042"
    assert text_only.title is None
    assert text_only.uid.startswith("h:")
    assert text_only.uid == text_uid("ROTTERDAM", ("ANP",), "Een bericht zonder titel, link of guid.")


def test_base_url_resolves_relative_links(now: datetime) -> None:
    items = parse_feed(fixture("entities_cdata.rss"), now=now, base_url="https://mirror.example/rss/all")
    assert items[1].url == "https://mirror.example/zorg/wachtlijsten-groeien"


def test_relative_link_without_any_base_gives_no_url(now: datetime) -> None:
    data = b'<rss version="2.0"><channel><item><title>T</title><link>/a/b</link><guid>g1</guid></item></channel></rss>'
    (item,) = parse_feed(data, now=now)
    assert (item.url, item.uid) == (None, "guid:g1")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", utc(2018, 9, 24, 22, 42, 40)),
        ("Dom, 05 Mai 2019 08:00:00 -0300", utc(2019, 5, 5, 11)),
        ("wo, 3 okt 2018 10:00:00 +0200", utc(2018, 10, 3, 8)),
        ("vr, 01 mrt 2019 12:30:00 +0100", utc(2019, 3, 1, 11, 30)),
        ("Do, 01 Mär 2018 12:00:00 +0100", utc(2018, 3, 1, 11)),
        ("Mo, 17 Dez 2018 09:15:00 MEZ", utc(2018, 12, 17, 8, 15)),
        ("mer., 12 févr. 2020 10:00:00 +0100", utc(2020, 2, 12, 9)),
        ("jeu., 04 juil. 2019 18:00:00 +0200", utc(2019, 7, 4, 16)),
        ("mié, 10 ene 2018 08:00:00 -0500", utc(2018, 1, 10, 13)),
        ("sáb, 31 dic 2022 23:30:00 -0100", utc(2023, 1, 1, 0, 30)),
        ("Seg, 24 Set 2018 19:42:40 -0300\r\n   ", utc(2018, 9, 24, 22, 42, 40)),
    ],
)
def test_localised_rfc822_dates(now: datetime, label: str, expected: datetime) -> None:
    data = rss(f"<item><title>T</title><link>https://example.org/a</link><pubDate>{label}</pubDate></item>")
    (item,) = parse_feed(data, now=now)
    assert item.published_at == expected
    assert item.time_label == label.strip()


def test_unreadable_date_keeps_label(now: datetime) -> None:
    data = rss("<item><title>T</title><link>https://example.org/a</link><pubDate>gisteren</pubDate></item>")
    (item,) = parse_feed(data, now=now)
    assert (item.published_at, item.time_label) == (None, "gisteren")


def test_future_dates_are_kept_unclamped(now: datetime) -> None:
    data = rss(
        "<item><title>T</title><link>https://example.org/a</link><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
    )
    (item,) = parse_feed(data, now=now)
    assert item.published_at == utc(2100, 1, 1)


def test_long_text_cut_on_word_boundary(now: datetime) -> None:
    words = [f"woord{n}" for n in range(600)]
    data = rss(
        f"<item><title>T</title><link>https://example.org/a</link><description>{' '.join(words)}</description></item>"
    )
    (item,) = parse_feed(data, now=now)
    assert len(item.text) <= 1000
    assert item.text.endswith("…")
    kept = item.text.removesuffix("…").split(" ")
    assert kept == words[: len(kept)]


def test_str_input_ignores_declared_encoding(now: datetime) -> None:
    text = (
        fixture("rss091.xml")
        .decode("iso-8859-1")
        .replace("Eerste bericht</title>", "Eerste bericht: café</title>")
    )
    items = parse_feed(text, now=now)
    assert items[0].title == "Eerste bericht: café"


def test_feeds_without_entries_give_empty_lists(now: datetime) -> None:
    assert parse_feed(rss(""), now=now) == []
    assert parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', now=now) == []
    assert (
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}', now=now)
        == []
    )


def test_duplicate_uids_keep_the_first(now: datetime) -> None:
    data = rss(
        "<item><title>Eerste</title><link>https://example.org/x?utm_source=a</link></item>"
        "<item><title>Tweede</title><link>https://example.org/x?utm_source=b</link></item>"
    )
    assert [item.title for item in parse_feed(data, now=now)] == ["Eerste"]


NOT_FEEDS = {
    "html page": fixture("page.html"),
    "garbage": fixture("garbage.bin"),
    "empty": b"",
    "whitespace": b" \r\n\t ",
    "bare item": b"<item><title>x</title></item>",
    "broken json": b'{"version": "https://jsonfeed.org/version/1", "items": [',
    "json without version": b'{"title": "x", "items": []}',
    "json feed with items not a list": b'{"version": "https://jsonfeed.org/version/1", "items": {}}',
    "json array": b"[1, 2, 3]",
    "a url, never fetched": b"https://example.org/feed.xml",
}


@pytest.mark.parametrize("data", NOT_FEEDS.values(), ids=list(NOT_FEEDS))
def test_not_a_feed(now: datetime, data: bytes) -> None:
    with pytest.raises(NotFeedError, match=r"^not a feed: [^\n]+$"):
        parse_feed(data, now=now)


@pytest.mark.parametrize("name", ["page.html", "garbage.bin"])
def test_looks_like_feed_rejects(name: str) -> None:
    assert not looks_like_feed(fixture(name))


@pytest.mark.parametrize("name", ["anp_nu.rss", "rss091.xml", "rss10.rdf", "atom.xml", "jsonfeed11.json"])
def test_looks_like_feed_accepts(name: str) -> None:
    assert looks_like_feed(fixture(name))
    assert looks_like_feed(fixture(name).decode("utf-8"))


def test_looks_like_feed_sees_through_bom_comments_and_utf16() -> None:
    feed = b'<?xml version="1.0"?>\n<!-- generated -->\n<?xml-stylesheet href="s.xsl"?>\n<rss version="2.0"></rss>'
    assert looks_like_feed(b"\xef\xbb\xbf" + feed)
    assert looks_like_feed(feed.decode().encode("utf-16"))
    assert not looks_like_feed(b'<?xml version="1.0"?><html></html>')


def test_a_file_path_is_data_not_a_file_to_open(tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(fixture("anp_nu.rss"))
    with pytest.raises(NotFeedError):
        parse_feed(str(path).encode(), now=now)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_feed(fixture("anp_nu.rss"), now=datetime(2026, 11, 27, 12))


# --- fuzzing -----------------------------------------------------------------------------------------------------

FEED_STARTS = [
    b"",
    b"<rss version='2.0'><channel><item><title>",
    b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><title>",
    b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><item>",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
    b"<!DOCTYPE rss [<!ENTITY a 'b'>]><rss>",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(FEED_STARTS), tail=st.binary(max_size=600))
def test_arbitrary_bytes_only_raise_parse_errors(start: bytes, tail: bytes) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    try:
        items = parse_feed(start + tail, now=now)
    except ParseError as exc:
        assert isinstance(exc, NotFeedError)
        return
    assert all(isinstance(item, Item) and item.uid for item in items)
    assert len({item.uid for item in items}) == len(items)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_only_raises_parse_errors(text: str) -> None:
    with contextlib.suppress(NotFeedError):
        parse_feed(text, now=datetime(2026, 11, 27, 12, tzinfo=UTC))


XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\ufffe\uffff"
    ),
    max_size=80,
)
WORD = st.from_regex(r"[A-Za-zÀ-ÖØ-öø-ÿ]{1,12}", fullmatch=True)
ENTRY = st.tuples(WORD, XML_TEXT, XML_TEXT)


def build_feed(kind: str, entries: list[tuple[str, str, str]]) -> bytes:
    if kind == "json":
        items = [
            {
                "id": str(n),
                "url": f"https://example.org/n/{n}",
                "title": f"{word} {title}",
                "content_text": body,
            }
            for n, (word, title, body) in enumerate(entries)
        ]
        return json.dumps(
            {"version": "https://jsonfeed.org/version/1.1", "title": "f", "items": items}
        ).encode()
    if kind == "atom":
        body = "".join(
            f"<entry><id>urn:n:{n}</id><title>{escape(word + ' ' + title)}</title>"
            f'<link href="https://example.org/n/{n}"/><summary>{escape(text)}</summary></entry>'
            for n, (word, title, text) in enumerate(entries)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'.encode()
    body = "".join(
        f"<item><title>{escape(word + ' ' + title)}</title><link>https://example.org/n/{n}</link>"
        f"<description>{escape(text)}</description></item>"
        for n, (word, title, text) in enumerate(entries)
    )
    return rss(body)


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(["rss", "atom", "json"]), entries=st.lists(ENTRY, max_size=8))
def test_generated_feeds_round_trip(kind: str, entries: list[tuple[str, str, str]]) -> None:
    items = parse_feed(build_feed(kind, entries), now=datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert len(items) == len(entries)
    assert [item.url for item in items] == [f"https://example.org/n/{n}" for n in range(len(entries))]
    for item, (word, _, _) in zip(items, entries, strict=True):
        assert item.title is not None and item.title.startswith(word)


def test_malformed_markup_in_json_content_text(now: datetime) -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "items": [
            {
                "id": "1",
                "url": "https://example.org/1",
                "content_text": "<![foo bar Echte <b>tekst</b> &amp; meer",
            }
        ],
    }
    (item,) = parse_feed(json.dumps(doc), now=now)
    assert item.text.endswith("tekst & meer")
    assert "<b>" not in item.text


@pytest.mark.parametrize(
    ("link", "uid"),
    [
        ("https://www.nu.nl/buitenland/6080021/slug.html", "nu.nl#6080021"),
        ("https://example.org/2026/11/24/12345/slug?utm_source=x", "example.org#12345"),
        ("https://example.org/20261124/slug", "https://example.org/20261124/slug"),
        ("https://example.org/news/abc-123456.html?x=1", "https://example.org/news/abc-123456.html"),
        ("https://Example.ORG:443/a/b?x=1#frag", "https://example.org/a/b"),
        ("https://example.org/?p=42&amp;utm_medium=rss", "https://example.org/?p=42"),
        ("https://example.org/show.php?b=2&amp;a=1&amp;fbclid=z", "https://example.org/show.php?a=1&b=2"),
    ],
)
def test_uid_from_link(now: datetime, link: str, uid: str) -> None:
    data = rss(f"<item><title>T</title><link>{link}</link><guid>same-guid-for-all</guid></item>")
    (item,) = parse_feed(data, now=now)
    assert item.uid == uid
