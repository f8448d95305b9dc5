"""Time labels: every form the sources use, floors, clock labels in Amsterdam time, DST and midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parsers.times import TimeStamp, find_time_labels, parse_time_label

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam (CET)
MIN, HOUR, DAY = 60, 3600, 86400


@pytest.mark.parametrize(
    ("label", "age", "precision"),
    [
        ("zojuist", 0, MIN),
        ("Zojuist", 0, MIN),
        ("just now", 0, MIN),
        ("1 minuut geleden", MIN, MIN),
        ("een minuut geleden", MIN, MIN),
        ("8 minuten geleden", 8 * MIN, MIN),
        ("8\u00a0minuten geleden", 8 * MIN, MIN),
        ("8 minuten\u00a0geleden", 8 * MIN, MIN),
        ("a minute ago", MIN, MIN),
        ("12 minutes ago", 12 * MIN, MIN),
        ("39 mins ago", 39 * MIN, MIN),
        ("5 min. geleden", 5 * MIN, MIN),
        ("15 seconds ago", 15, 1),
        ("1 uur geleden", HOUR, HOUR),
        ("een uur geleden", HOUR, HOUR),
        ("één uur geleden", HOUR, HOUR),
        ("1\u00a0uur geleden", HOUR, HOUR),
        ("an hour ago", HOUR, HOUR),
        ("1 hour ago", HOUR, HOUR),
        ("10 hours ago", 10 * HOUR, HOUR),
        ("2 hrs ago", 2 * HOUR, HOUR),
        ("3 uur geleden", 3 * HOUR, HOUR),
        ("1 dag geleden", DAY, DAY),
        ("4 dagen geleden", 4 * DAY, DAY),
        ("2 days ago", 2 * DAY, DAY),
        ("1 week geleden", 7 * DAY, 7 * DAY),
        ("3 weken geleden", 21 * DAY, 7 * DAY),
        ("2 weeks ago", 14 * DAY, 7 * DAY),
        ("1 maand geleden", 30 * DAY, 30 * DAY),
        ("5 maanden geleden", 150 * DAY, 30 * DAY),
        ("a month ago", 30 * DAY, 30 * DAY),
        ("1 jaar geleden", 365 * DAY, 365 * DAY),
        ("2 years ago", 730 * DAY, 365 * DAY),
        ("vor 8 Stunden", 8 * HOUR, HOUR),
        ("VOR 14 STUNDEN", 14 * HOUR, HOUR),
        ("VOR EINER STUNDE", HOUR, HOUR),
        ("vor 5 Minuten", 5 * MIN, MIN),
        ("VOR EINEM TAG", DAY, DAY),
    ],
)
def test_relative_labels_are_floored_ages(label: str, age: int, precision: int) -> None:
    stamp = parse_time_label(label, NOW)
    assert stamp is not None
    assert stamp.published_at == NOW - timedelta(seconds=age)
    assert stamp.published_at.tzinfo == UTC
    assert stamp.precision == precision


def test_the_label_is_kept_whitespace_normalised() -> None:
    stamp = parse_time_label("  · 1\u00a0uur   geleden ", NOW)
    assert stamp == TimeStamp(label="1 uur geleden", published_at=NOW - timedelta(hours=1), precision=HOUR)


def test_one_hour_ago_means_sixty_to_one_hundred_nineteen_minutes() -> None:
    stamp = parse_time_label("1 uur geleden", NOW)
    assert stamp is not None and stamp.precision is not None
    window_start = stamp.published_at - timedelta(seconds=stamp.precision)
    assert NOW - window_start == timedelta(minutes=120)
    assert NOW - stamp.published_at == timedelta(minutes=60)


@pytest.mark.parametrize(
    "label",
    [
        "16.00 uur",
        "om 16:00",
        "vandaag",
        "geleden",
        "een u geleden",
        "11:40 AM",
        "25:10",
        "12:61",
        "",
        "Buitenland",
    ],
)
def test_non_labels(label: str) -> None:
    assert parse_time_label(label, NOW) is None


def test_a_bare_clock_time_is_amsterdam_wall_time_today() -> None:
    stamp = parse_time_label("11:40", NOW)
    assert stamp is not None
    assert stamp.published_at == datetime(2026, 11, 27, 10, 40, tzinfo=UTC)
    assert stamp.precision == MIN


def test_a_clock_time_ahead_of_now_is_yesterday() -> None:
    stamp = parse_time_label("13:30", NOW)  # 30 minutes ahead of 13:00 local
    assert stamp is not None
    assert stamp.published_at == datetime(2026, 11, 26, 12, 30, tzinfo=UTC)


def test_a_clock_time_a_little_ahead_is_today_but_never_after_now() -> None:
    stamp = parse_time_label("13:03", NOW)  # within the five minutes of clock skew
    assert stamp is not None
    assert stamp.published_at == NOW


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("gisteren 14:32", datetime(2026, 11, 26, 13, 32, tzinfo=UTC)),
        ("gisteren om 14:32 uur", datetime(2026, 11, 26, 13, 32, tzinfo=UTC)),
        ("yesterday 23:59", datetime(2026, 11, 26, 22, 59, tzinfo=UTC)),
        ("vandaag 09:15", datetime(2026, 11, 27, 8, 15, tzinfo=UTC)),
        ("09:15 uur", datetime(2026, 11, 27, 8, 15, tzinfo=UTC)),
    ],
)
def test_day_words_with_a_clock_time(label: str, expected: datetime) -> None:
    stamp = parse_time_label(label, NOW)
    assert stamp is not None
    assert stamp.published_at == expected
    assert stamp.precision == MIN


@pytest.mark.parametrize("label", ["gisteren", "Yesterday", "gestern"])
def test_yesterday_alone_covers_the_whole_local_day(label: str) -> None:
    stamp = parse_time_label(label, NOW)
    assert stamp is not None
    assert stamp.published_at == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # midnight in Amsterdam
    assert stamp.precision == DAY


def test_midnight_rollover_of_clock_labels() -> None:
    now = datetime(2026, 11, 27, 23, 10, tzinfo=UTC)  # 00:10 on 28 November in Amsterdam
    before_midnight = parse_time_label("23:55", now)
    after_midnight = parse_time_label("00:05", now)
    later_tonight = parse_time_label("00:20", now)  # ten minutes ahead: yesterday's 00:20
    assert before_midnight and before_midnight.published_at == datetime(2026, 11, 27, 22, 55, tzinfo=UTC)
    assert after_midnight and after_midnight.published_at == datetime(2026, 11, 27, 23, 5, tzinfo=UTC)
    assert later_tonight and later_tonight.published_at == datetime(2026, 11, 26, 23, 20, tzinfo=UTC)


def test_relative_ages_are_counted_in_utc_across_the_spring_switch() -> None:
    now = datetime(2026, 3, 29, 2, 30, tzinfo=UTC)  # 04:30 CEST; the clocks jumped at 01:00 UTC
    stamp = parse_time_label("3 uur geleden", now)
    assert stamp and stamp.published_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)


def test_clock_labels_across_the_spring_switch() -> None:
    now = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST
    winter = parse_time_label("01:30", now)  # still CET: UTC+1
    summer = parse_time_label("03:30", now)  # already CEST: UTC+2
    assert winter and winter.published_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert summer and summer.published_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_yesterday_after_the_spring_switch_was_23_hours_long() -> None:
    stamp = parse_time_label("gisteren", datetime(2026, 3, 30, 10, 0, tzinfo=UTC))
    assert stamp and stamp.published_at == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert stamp.precision == 23 * HOUR


def test_a_repeated_hour_in_autumn_takes_the_later_reading() -> None:
    now = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 CET, after 02:00-03:00 came twice
    stamp = parse_time_label("02:30", now)
    assert stamp and stamp.published_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    ago = parse_time_label("2 uur geleden", now)
    assert ago and ago.published_at == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_now_in_another_zone_gives_utc() -> None:
    from zoneinfo import ZoneInfo

    stamp = parse_time_label("8 minuten geleden", NOW.astimezone(ZoneInfo("America/New_York")))
    assert stamp and stamp.published_at == NOW - timedelta(minutes=8)
    assert stamp.published_at.utcoffset() == timedelta(0)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_time_label("8 minuten geleden", datetime(2026, 11, 27, 12, 0))


def test_absurd_ages_are_no_label_rather_than_an_error() -> None:
    assert parse_time_label("9999 jaar geleden", NOW) is None


def _labels_in(text: str) -> list[str]:
    return [text[start:end] for start, end in find_time_labels(text)]


def test_find_labels_glued_to_leads_and_datelines() -> None:
    text = (
        "Daar neemt Trump aanstoot aan.8 minuten geledenMEITAR (ANP/AFP) - De premier.\n1 uur geledenBRUSSEL"
    )
    assert _labels_in(text) == ["8 minuten geleden", "1 uur geleden"]


def test_find_labels_with_nbsp_and_prefixes() -> None:
    text = "Laatste update: 7\u00a0minuten geleden · Omroep Zeeland · 2 uur geleden · Updated 2 minutes ago"
    assert _labels_in(text) == ["7\u00a0minuten geleden", "2 uur geleden", "2 minutes ago"]


def test_find_labels_skips_times_inside_sentences_and_dates() -> None:
    text = (
        "Het debat begint om 16.00 uur en de stemming om 18:30. Gepubliceerd 26-09-20 12:07, "
        "26 april 2024, 21:14. Buitenland 11:40 Noodweer in Spanje"
    )
    assert _labels_in(text) == ["11:40"]


def test_find_labels_does_not_read_into_words() -> None:
    assert _labels_in("de 8 minutengrens geleden; 3 uurtjes; ago") == []
    assert _labels_in("gisteren om 14:32 uur.") == ["gisteren om 14:32 uur"]


def test_find_labels_in_a_long_text_finds_each_once() -> None:
    text = " ".join(f"Item {n}. {n} minuten geleden" for n in range(1, 200))
    assert _labels_in(text) == [f"{n} minuten geleden" for n in range(1, 200)]
