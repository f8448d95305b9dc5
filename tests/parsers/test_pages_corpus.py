"""The extractor on the real pages and feeds of `../shared/corpus/` (skipped when that folder is absent).

None of the twelve pages has a list of dateline + time-label items: the datelines in them open article bodies
(Reuters, AP, KXAN), and their timestamped lists carry titles only. So the default extractor must find nothing
there, must not take an article's own dateline for an item, and must leave NU.nl's "Net binnen" alone. The
configured-selector mode is what reads their lists, and it is checked on four of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from parsers.errors import NotHtmlError
from parsers.models import Item
from parsers.pages import Selectors, looks_like_html, parse_wire_page
from tests.corpus import CORPUS_PAGES, corpus_page

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FEED_NAMES = [
    "feed_de_heise.atom",
    "feed_en_craigslist_rdf.rss",
    "feed_en_feedburner_blogger.atom",
    "feed_en_guardian.rss",
    "feed_en_medium_content-encoded.rss",
    "feed_en_npr.jsonfeed.json",
    "feed_en_reddit.rss",
    "feed_pt_jn_iso-8859-1.rss",
    "feed_pt_uolNoticias.rss",
]
ARTICLE_DATELINES = {
    "en_globalnews_AP_article_emdash_dateline.html": "CHICAGO",
    "en_kxan_article_time-datetime_hours_ago.html": "AUSTIN",
    "en_reuters_article_dateline_LOS-ANGELES.html": "LOS ANGELES",
    "en_reuters_article_dateline_PRAGUE.html": "PRAGUE",
    "en_sfgate_AP_article_dateline.html": "NEW YORK",
    "pt_uol_reuters-wire_article_with_wire_list_2020.html": "WASHINGTON",
}


def _assert_sane(items: list[Item]) -> None:
    for item in items:
        assert item.text.strip()
        assert item.place is None or item.place == item.place.upper()
        assert item.published_at is None or item.published_at <= NOW
        assert item.published_at is None or item.published_at.utcoffset() is not None
        assert item.url is None or item.url.startswith(("http://", "https://"))
    assert len({item.uid for item in items}) == len(items)


@pytest.mark.parametrize("name", CORPUS_PAGES)
def test_real_pages_parse_to_sane_items(shared_dir: Path, name: str) -> None:
    body = corpus_page(shared_dir, name)
    assert looks_like_html(body)
    items = parse_wire_page(body, now=NOW, base_url="https://example.com/")
    _assert_sane(items)
    assert all(item.published_at is not None and item.place for item in items)


@pytest.mark.parametrize("name", sorted(ARTICLE_DATELINES))
def test_an_article_dateline_is_no_item(shared_dir: Path, name: str) -> None:
    body = corpus_page(shared_dir, name)
    text = LexborHTMLParser(body).body.text()  # type: ignore[union-attr]
    assert ARTICLE_DATELINES[name] in text
    items = parse_wire_page(body, now=NOW)
    assert ARTICLE_DATELINES[name] not in {item.place for item in items}


def test_nu_nl_net_binnen_titles_are_not_items(shared_dir: Path) -> None:
    body = corpus_page(shared_dir, "nl_nu-nl_article_netbinnen_2020.html")
    tree = LexborHTMLParser(body)
    titles = [n.text(strip=True) for n in tree.css("li.list__item--timestamp span.item-title__title")]
    assert len(titles) == 4
    items = parse_wire_page(body, now=NOW)
    seen = " ".join(f"{item.title} {item.text}" for item in items)
    assert not any(title[:30] in seen for title in titles)


@pytest.mark.parametrize(
    ("name", "selectors", "least", "exact"),
    [
        (
            "en_kxan_article_time-datetime_hours_ago.html",
            Selectors(item="div.article-list__article-text:has(time)", title="h4", time="time"),
            30,
            True,
        ),
        (
            "en_timesofisrael_article_liveblog_relative_times.html",
            Selectors(item="li.item:has(div.date)", title="div.headline", time="div.date"),
            20,
            False,
        ),
        (
            "en_urdupoint_article_minutes_ago_lists.html",
            Selectors(item="a.relc_box", title="p", time="div.date_line"),
            5,
            False,
        ),
        (
            "de_eurosport_article_VOR_N_STUNDEN.html",
            Selectors(
                item="a:has([data-testid=content-card-display-date])",
                time="[data-testid=content-card-display-date]",
            ),
            3,
            False,
        ),
    ],
)
def test_configured_selectors_read_real_lists(
    shared_dir: Path, name: str, selectors: Selectors, least: int, exact: bool
) -> None:
    items = parse_wire_page(
        corpus_page(shared_dir, name), now=NOW, selectors=selectors, base_url="https://example.com/"
    )
    _assert_sane(items)
    timed = [item for item in items if item.published_at is not None]
    assert len(timed) >= least
    assert all((item.published_precision is None) == exact for item in timed)
    assert all(item.time_label and item.time_label not in item.text for item in timed)
    assert sum(item.url is not None for item in items) >= least // 2


def test_selectors_find_the_reuters_dateline_on_uol(shared_dir: Path) -> None:
    body = corpus_page(shared_dir, "pt_uol_reuters-wire_article_with_wire_list_2020.html")
    selectors = Selectors(item="a:has(.thumb-caption)", title="h3.thumb-title", lead="p.thumb-description")
    items = parse_wire_page(body, now=NOW, selectors=selectors)
    _assert_sane(items)
    assert len(items) >= 40
    assert ("WASHINGTON", ("Reuters",)) in {(item.place, item.agencies) for item in items}
    assert all(item.url and item.url.startswith(("https://", "http://")) for item in items)
    assert all(item.uid == item.url for item in items if item.url and "?" not in item.url)


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feeds_are_not_html(shared_dir: Path, name: str) -> None:
    path = shared_dir / "corpus" / "feeds" / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/corpus/feeds/")
    body = path.read_bytes()
    assert not looks_like_html(body)
    with pytest.raises(NotHtmlError):
        parse_wire_page(body, now=NOW)
