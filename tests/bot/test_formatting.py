"""Formatters: news text escaped, platform limits kept, mentions off, both languages."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.alerts import Alert, alert_from_event
from bot.formatting import (
    discord_alert,
    discord_digest,
    embed_length,
    escape_discord,
    plain_alert,
    plain_digest,
    telegram_alert,
    telegram_digest,
    telegram_length,
)
from bot.formatting.discord_embed import CONTENT_LIMIT, EMBED_LIMITS
from bot.formatting.telegram_html import TELEGRAM_TEXT_LIMIT
from storage.models import ItemEvent
from tests.factories import build_item

PUBLISHED = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)  # 14:05 in Amsterdam
NASTY = 'Tom & Jerry <b>bold</b> "quoted" \'single\' <a href="x">link</a> &amp; @everyone **md** 🇺🇦'
SHORT_NASTY = "<i>&\"'</i>"


def make_alert(
    *,
    title: str | None = "Drone attack on Kyiv",
    lead: str = "Russia launched a wave of drones at the capital overnight.",
    place: str | None = "KYIV",
    agencies: tuple[str, ...] = ("ANP", "AFP"),
    url: str | None = "https://news.example/a?b=1&c=2",
    countries: tuple[str, ...] = ("UA", "RU"),
    kind: str = "new",
    version: int = 1,
    language: str = "nl",
    style: str = "full",
    published_at: datetime | None = PUBLISHED,
    precision: int | None = None,
    time_label: str | None = "14:05",
    seen_at: datetime | None = PUBLISHED,
    source: str = "zeelandnet",
) -> Alert:
    item = build_item(
        lead,
        title=title,
        place=place,
        agencies=agencies,
        url=url,
        published_at=published_at,
        label=time_label,
        precision=precision,
        countries=countries,
    )
    event = ItemEvent(kind, source, item, version)  # type: ignore[arg-type]
    return alert_from_event(event, language=language, style=style, seen_at=seen_at)  # type: ignore[arg-type]


class Markup(HTMLParser):
    """Collects the tags and the visible text of Telegram HTML; fails on unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text = ""
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.open.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        self.text += data


def parsed(text: str) -> Markup:
    markup = Markup()
    markup.feed(text)
    markup.close()
    assert markup.open == [], f"unclosed tags {markup.open}"
    assert set(markup.tags) <= {"b", "i", "a"}
    return markup


def test_telegram_html_escapes_every_piece_of_news_text() -> None:
    alert = make_alert(
        title=NASTY,
        lead=NASTY,
        place=SHORT_NASTY,
        agencies=(SHORT_NASTY,),
        time_label=SHORT_NASTY,
        published_at=None,
        source=SHORT_NASTY,
    )
    message = telegram_alert(alert)
    assert (message.parse_mode, message.disable_link_preview) == ("HTML", True)
    markup = parsed(message.text)
    assert markup.tags.count("a") == 1  # our link, none from the news text
    assert markup.hrefs == ["https://news.example/a?b=1&c=2"]
    assert markup.text.count(NASTY) == 2  # title and lead, shown literally
    assert markup.text.count(SHORT_NASTY) == 4  # place, agency, time label, source
    assert html.escape(NASTY) in message.text


def test_telegram_full_message_layout() -> None:
    text = telegram_alert(make_alert(kind="updated", version=2, precision=60)).text
    assert text.splitlines() == [
        "✏️ <i>Bijgewerkt</i> · 🇺🇦🇷🇺 <b>KYIV (ANP/AFP)</b>",
        "<b>Drone attack on Kyiv</b>",
        "Russia launched a wave of drones at the capital overnight.",
        '<i>~14:05 · zeelandnet · <a href="https://news.example/a?b=1&amp;c=2">Lees meer</a></i>',
    ]


def test_telegram_long_lead_is_cut_to_4096_without_breaking_entities() -> None:
    lead = ("Fish & chips <3 🇳🇱 " * 600).strip()
    message = telegram_alert(make_alert(lead=lead))
    assert telegram_length(message.text) <= TELEGRAM_TEXT_LIMIT
    assert telegram_length(message.text) > TELEGRAM_TEXT_LIMIT - 40  # cut, not emptied
    markup = parsed(message.text)
    shown = markup.text.splitlines()[2]
    assert shown.endswith("…") and lead.startswith(shown[:-1].rstrip())
    assert "Lees meer" in markup.text  # the link survives the cut


def test_telegram_length_counts_utf16_units() -> None:
    assert telegram_length("🇳🇱") == 4 and telegram_length("é") == 1


@settings(max_examples=150, deadline=None)
@given(
    title=st.none() | st.text(max_size=400),
    lead=st.text(max_size=6000),
    place=st.none() | st.text(max_size=200),
    url=st.none() | st.text(max_size=50) | st.just("https://x.example/?q=<&>\"'"),
    style=st.sampled_from(["full", "compact"]),
    plain=st.booleans(),
)
def test_telegram_messages_always_fit_and_parse(
    title: str | None, lead: str, place: str | None, url: str | None, style: str, plain: bool
) -> None:
    message = telegram_alert(
        make_alert(title=title, lead=lead, place=place, url=url, style=style), plain=plain
    )
    assert telegram_length(message.text) <= TELEGRAM_TEXT_LIMIT
    if plain:
        assert message.parse_mode is None
    else:
        parsed(message.text)


def test_a_link_that_is_not_http_is_left_out() -> None:
    for url in ('javascript:alert("x")', "https://x.example/a b", "ftp://x.example/"):
        message = telegram_alert(make_alert(url=url))
        assert "<a " not in message.text and "Lees meer" not in message.text


def test_telegram_digest_lists_every_alert_within_the_limit() -> None:
    alerts = [make_alert(title=f"{n} " + "Lange kop met & en < tekens " * 20) for n in range(50)]
    message = telegram_digest(alerts, language="nl")
    assert telegram_length(message.text) <= TELEGRAM_TEXT_LIMIT
    markup = parsed(message.text)
    lines = markup.text.splitlines()
    assert lines[0] == "50 berichten"
    assert [line.split("(ANP/AFP) ")[1].split(" ")[0] for line in lines[1:]] == [str(n) for n in range(50)]
    assert "a" not in markup.tags  # fifty links do not fit beside fifty headlines: the links gave way
    twenty = parsed(telegram_digest(alerts[:20], language="nl").text)
    assert twenty.tags.count("a") == 20
    assert telegram_digest(alerts[:1], language="en", plain=True).text.startswith("1 more item:")


def test_discord_embed_layout_and_no_mentions() -> None:
    message = discord_alert(make_alert(lead="Alarm for @everyone and @here in **Kyiv**", language="en"))
    assert message.content is None and dict(message.allowed_mentions) == {"parse": []}
    (embed,) = message.embeds
    assert embed["author"] == {"name": "🇺🇦🇷🇺 KYIV (ANP/AFP)"}
    assert embed["title"] == "Drone attack on Kyiv"
    assert embed["url"] == "https://news.example/a?b=1&c=2"
    assert embed["description"] == "Alarm for @everyone and @here in \\*\\*Kyiv\\*\\*"
    assert embed["fields"] == [{"name": "Countries", "value": "Ukraine, Russia", "inline": True}]
    assert embed["footer"] == {"text": "zeelandnet · 14:05"}
    assert embed["timestamp"] == "2026-11-27T13:05:00+00:00"


@settings(max_examples=150, deadline=None)
@given(
    title=st.none() | st.text(max_size=600),
    lead=st.text(max_size=9000),
    place=st.none() | st.text(max_size=300),
    url=st.just("https://x.example/" + "a" * 1000) | st.just("https://x.example/"),
    agencies=st.lists(st.text(max_size=100), max_size=4).map(tuple),
    source=st.text(min_size=1, max_size=3000),
    style=st.sampled_from(["full", "compact"]),
)
def test_discord_embeds_always_keep_within_the_limits(
    title: str | None,
    lead: str,
    place: str | None,
    url: str,
    agencies: tuple[str, ...],
    source: str,
    style: str,
) -> None:
    alert = make_alert(
        title=title, lead=lead, place=place, url=url, agencies=agencies, source=source, style=style
    )
    (embed,) = discord_alert(alert).embeds
    assert len(embed.get("title", "")) <= EMBED_LIMITS["title"]
    assert len(embed.get("description", "")) <= EMBED_LIMITS["description"]
    assert len(embed.get("author", {}).get("name", "")) <= EMBED_LIMITS["author"]
    assert len(embed["footer"]["text"]) <= EMBED_LIMITS["footer"]
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed.get("fields", []))
    assert embed_length(embed) <= EMBED_LIMITS["total"]
    plain = discord_alert(alert, plain=True)
    assert plain.content is not None and len(plain.content) <= CONTENT_LIMIT and plain.embeds == ()


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=50),
    url=st.just("https://x.example/" + "&" * 1000) | st.just("https://x.example/a"),
    place=st.text(max_size=300),
)
def test_digests_of_up_to_fifty_always_fit(titles: list[str], url: str, place: str) -> None:
    alerts = [make_alert(title=t, url=url, place=place) for t in titles]
    tg = telegram_digest(alerts, language="nl")
    assert telegram_length(tg.text) <= TELEGRAM_TEXT_LIMIT
    assert len(parsed(tg.text).text.split("\n")) == len(alerts) + 1
    assert telegram_length(telegram_digest(alerts, language="nl", plain=True).text) <= TELEGRAM_TEXT_LIMIT
    (embed,) = discord_digest(alerts, language="en").embeds
    assert len(embed["description"]) <= EMBED_LIMITS["description"] and embed_length(embed) <= 6000
    assert len(embed["description"].split("\n")) == len(alerts)
    content = discord_digest(alerts, language="en", plain=True).content
    assert content is not None and len(content) <= CONTENT_LIMIT


def test_discord_digest_lists_every_alert_within_the_limits() -> None:
    alerts = [make_alert(title=f"T{n} " + "x" * 500, url=f"https://x.example/({n})") for n in range(25)]
    (embed,) = discord_digest(alerts, language="en").embeds
    assert embed["title"] == "25 more items"
    assert len(embed["description"]) <= EMBED_LIMITS["description"] and embed_length(embed) <= 6000
    lines = embed["description"].splitlines()
    assert len(lines) == 25 and all(f"T{n} " in line for n, line in enumerate(lines))
    assert "(https://x.example/%283%29)" in lines[3]  # parentheses cannot end the link early


def test_discord_escaping_leaves_links_and_hashtags_alone() -> None:
    assert (
        escape_discord("# kop\n> citaat\n- lijst\n1. een\n#tag")
        == "\\# kop\n\\> citaat\n\\- lijst\n1\\. een\n#tag"
    )
    assert (
        escape_discord("zie https://x.example/a_b_c en _dit_") == "zie https://x.example/a_b_c en \\_dit\\_"
    )


def test_plain_text_for_the_console() -> None:
    assert plain_alert(make_alert()) == (
        "[NIEUW] 🇺🇦🇷🇺 KYIV (ANP/AFP): Drone attack on Kyiv\n"
        "Russia launched a wave of drones at the capital overnight.\n"
        "14:05 · zeelandnet · https://news.example/a?b=1&c=2"
    )
    assert plain_alert(make_alert(style="compact", language="en", title=None)) == (
        "🇺🇦🇷🇺 KYIV (ANP/AFP): Russia launched a wave of drones at the capital overnight. — "
        "https://news.example/a?b=1&c=2"
    )
    digest = plain_digest([make_alert(), make_alert(kind="updated", version=2)], language="en")
    assert digest.splitlines()[0] == "2 more items:"
    assert digest.splitlines()[2].startswith("• 14:05 [BIJGEWERKT] 🇺🇦🇷🇺 KYIV (ANP/AFP): Drone attack")


@pytest.mark.parametrize(
    ("published", "precision", "label", "expected"),
    [
        (PUBLISHED, None, "14:05", "14:05"),
        (PUBLISHED, 300, "5 min geleden", "~14:05"),
        (datetime(2026, 11, 26, 22, 0, tzinfo=UTC), None, None, "26-11 23:00"),  # the day before it was seen
        (None, None, "gisteren", "gisteren"),
        (None, None, None, None),
    ],
)
def test_publication_time_as_readers_in_the_netherlands_see_it(
    published: datetime | None, precision: int | None, label: str | None, expected: str | None
) -> None:
    alert = make_alert(published_at=published, precision=precision, time_label=label)
    assert alert.local_time() == expected


def test_unknown_country_codes_do_not_break_an_alert() -> None:
    alert = make_alert(countries=("UA", "XX"))
    assert alert.flags == "🇺🇦" and alert.country_names == ("Oekraïne", "XX")
