"""Time labels of news lists ("8 minuten geleden", "an hour ago", "11:40", "gisteren 14:32") -> aware UTC.

Sites floor relative ages: "1 uur geleden" means 60 to 119 minutes ago. A `TimeStamp` keeps the latest moment
the label allows (`published_at`) and the width of the window the site floored to (`precision`, seconds), so
the item was published in `(published_at - precision, published_at]`. Clock labels ("11:40") name a minute:
`published_at` is that minute and `precision` 60. "N ago" arithmetic is done in UTC; clock labels are
Europe/Amsterdam wall time, and a bare clock time more than five minutes ahead of `now` is yesterday's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from parsers.deadline import NEVER, Deadline
from parsers.identity import normalize_space
from parsers.words import word_set

__all__ = ["LOCAL_ZONE", "TimeStamp", "find_time_labels", "parse_time_label"]

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
FUTURE_SLACK = timedelta(minutes=5)


_SECOND, _MINUTE, _HOUR, _DAY = 1, 60, 3600, 86400
# unit -> seconds; Dutch and English units go before "geleden"/"ago", German ones after "vor N".
_AGO_UNIT_SECONDS: dict[str, int] = {}
_DE_UNIT_SECONDS: dict[str, int] = {}
for _seconds, _ago_names, _de_names in (
    (_SECOND, "seconde seconden sec secs second seconds s", "sekunde sekunden sek"),
    (_MINUTE, "minuut minuten min mins minute minutes m", "minute minuten min"),
    (_HOUR, "uur uren u hour hours hr hrs h", "stunde stunden std"),
    (_DAY, "dag dagen d day days", "tag tage tagen"),
    (7 * _DAY, "week weken wk wks weeks w", "woche wochen"),
    (30 * _DAY, "maand maanden mnd month months mo mos", "monat monate monaten"),
    (365 * _DAY, "jaar jaren j year years yr yrs y", "jahr jahre jahren"),
):
    _AGO_UNIT_SECONDS.update(dict.fromkeys(_ago_names.split(), _seconds))
    _DE_UNIT_SECONDS.update(dict.fromkeys(_de_names.split(), _seconds))
_AGO_UNITS = "|".join(sorted(_AGO_UNIT_SECONDS, key=len, reverse=True))
_DE_UNITS = "|".join(sorted(_DE_UNIT_SECONDS, key=len, reverse=True))
_NUMBER = (
    r"(?<!\d)(?<!\d[.,])(?P<{g}n>\d{{1,4}})"
    r"|(?<![^\W\d_])(?P<{g}w>(?i:één|eén|een|an|a|one|einer|einem|eine|ein))"
)
_LOWER = "a-zß-öø-ÿ"
_CLOCK = r"(?P<{g}hh>[01]?\d|2[0-3]):(?P<{g}mm>[0-5]\d)(?![\d:])"

_END = r"(?![" + _LOWER + r"])"  # a label never runs on into a lower-case letter (upper case: glued dateline)
_UHR = r"(?:\s*(?i:uur|uhr)(?![^\W\d_]))?"
_ON = r"\s*,?\s*(?:(?i:om|at|um)\s+)?"
# "8 minuten geleden", "een uur geleden", "39 mins ago", "2u geleden", "a moment ago"
_AGO = (
    r"(?:"
    + _NUMBER.format(g="r")
    + r")\s*(?P<ru>(?i:"
    + _AGO_UNITS
    + r"))\.?\s+(?i:geleden|ago)"
    + _END
    + r"|(?<![^\W\d_])(?P<ago>(?i:moments ago|a moment ago|(?:a )?few seconds ago|enkele seconden geleden))"
    + _END
)
# "vor 8 Stunden", "VOR 14 STUNDEN"
_VOR = (
    r"(?<![^\W\d_])(?i:vor)\s+(?:" + _NUMBER.format(g="d") + r")\s*(?P<du>(?i:" + _DE_UNITS + r"))\.?" + _END
)
# "zojuist", "just now"
_JUST = r"(?<![^\W\d_])(?P<now>(?i:zojuist|zo-even|zoëven|zoeven|just now|gerade eben))" + _END
# "gisteren", "gisteren 14:32", "yesterday at 23:59"
_DAY_WORD = (
    r"(?<![^\W\d_])(?P<day>(?i:eergisteren|gisteren|yesterday|gestern))"
    r"(?:" + _ON + _CLOCK.format(g="day") + _UHR + r")?" + _END
)
# "vandaag om 09:15 uur", "11:40", "11:40 uur"
_TODAY = r"(?<![^\W\d_])(?P<today>(?i:vandaag|today|heute))" + _ON + _CLOCK.format(g="today") + _UHR + _END
_BARE_CLOCK = r"(?<![\d:])" + _CLOCK.format(g="") + _UHR
_PATTERN = re.compile("|".join((_AGO, _VOR, _JUST, _DAY_WORD, _TODAY, _BARE_CLOCK)))
# scanners, one per kind of anchor (see `_candidates`)
_AGO_SCAN = re.compile(_AGO)
_VOR_SCAN = re.compile(_VOR)
_JUST_SCAN = re.compile(_JUST)
_DAY_SCAN = re.compile(_DAY_WORD)
_CLOCK_SCAN = re.compile(_TODAY + "|" + _BARE_CLOCK)
_DAYS_BACK = {"eergisteren": 2, "gisteren": 1, "yesterday": 1, "gestern": 1}
# A clock time right after these words is part of a sentence ("om 16:00"), not a label.
_CLOCK_STOP_WORDS = word_set(
    "om tot van vanaf rond tussen en na voor sinds uiterlijk at to from until till by before after since around "
    "between and um bis ab gegen seit"
)
# Every label holds one of these anchors (lower case) or a clock "H:MM"; only the text around them is matched.
_ANCHORS = {"geleden": _AGO_SCAN, "ago": _AGO_SCAN, "vor": _VOR_SCAN, "gisteren": _DAY_SCAN}
_ANCHORS |= {"yesterday": _DAY_SCAN, "gestern": _DAY_SCAN, "zojuist": _JUST_SCAN, "zo-even": _JUST_SCAN}
_ANCHORS |= {"zoeven": _JUST_SCAN, "zoëven": _JUST_SCAN, "just now": _JUST_SCAN, "gerade eben": _JUST_SCAN}
_REACH = 40  # no label starts further before its anchor or ends further after it
_LONG_TEXT = 1 << 16  # a text long enough to look at the deadline before each scan of it
_LAST_WORD = re.compile(r"(\w+)[\s,]*$")
_AM_PM = re.compile(r"\s*(?i:am|pm|a\.m\.|p\.m\.)(?!\w)")
_EDGE = " \t\n\r\u00a0·•|–—-:,()[]"


@dataclass(frozen=True, slots=True)
class TimeStamp:
    """A parsed time label: the latest moment it allows, and how wide the site's floor window is."""

    label: str  # the label as found, whitespace-normalised
    published_at: datetime  # aware UTC; the LATEST moment the label allows
    precision: int | None  # seconds: the floor window ("1 uur geleden" -> 3600); None = exact


def find_time_labels(text: str, *, deadline: Deadline = NEVER) -> list[tuple[int, int]]:
    """Spans of the time labels in `text`, in order; "16.00 uur" or "om 16:00" inside a sentence are not.
    `deadline` stops a search that runs too long (see `parsers.deadline`)."""
    spans: dict[int, int] = {}
    for match in _candidates(text, deadline):
        if _accept(text, match):
            spans.setdefault(match.start(), match.end())
    found: list[tuple[int, int]] = []
    for start in sorted(spans):
        if not found or start >= found[-1][1]:
            found.append((start, spans[start]))
    return found


def parse_time_label(label: str, now: datetime, zone: tzinfo = LOCAL_ZONE) -> TimeStamp | None:
    """The moment `label` stands for, seen at `now` (aware); None when it is not a time label. A clock time
    (`14:32`, `gisteren 22:10`) is wall time in `zone`, the source's time zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    now = now.astimezone(UTC)
    clean = normalize_space(label).strip(_EDGE)
    match = _PATTERN.fullmatch(clean)
    if match is None or not _accept(clean, match):
        return None
    try:
        moment, precision = _resolve(match, now, zone)
    except (OverflowError, ValueError):
        return None
    return TimeStamp(label=clean, published_at=min(moment, now), precision=precision)


def _candidates(text: str, deadline: Deadline) -> list[re.Match[str]]:
    """Matches around every anchor; each anchor's own scanner covers it whole.

    Anchors are found in the lower-cased text (with "İ" as "I", so that offsets do not shift). Only the
    places a label holding the anchor can start are tried, not the whole window around it: "vor",
    "zojuist" and the like open their label, "gisteren" opens it or ends "eergisteren"; "geleden" and "ago"
    end theirs (`_ago_at`), and a clock's colon has a label around it that the scan may stop after.
    """
    # "İ" is the one letter that grows when lower-cased ("i̇"); as "I" it keeps the offsets of the text
    lower = text.replace("\u0130", "I").lower() if "\u0130" in text else text.lower()
    found: list[re.Match[str]] = []
    size = len(text)
    long = size > _LONG_TEXT
    for word, scanner in _ANCHORS.items():
        if long:
            deadline.check("finding time labels")  # each word is one scan of the whole text
        at = lower.find(word)
        while at >= 0:
            deadline.tick("finding time labels")
            end = at + len(word)
            stop = min(size, end + _REACH)
            if scanner is _AGO_SCAN:
                match = _ago_at(text, at, end, stop)
            elif scanner is _DAY_SCAN and at >= 3:  # "eergisteren" holds "gisteren"
                match = _DAY_SCAN.match(text, at - 3, stop) or _DAY_SCAN.match(text, at, stop)
            else:
                match = scanner.match(text, at, stop)
            if match is not None and match.start() <= at and match.end() >= end:
                found.append(match)
            at = lower.find(word, end)
    at = text.find(":")
    while at >= 0:
        deadline.tick("finding time labels")
        if text[at - 1 : at].isdigit() and text[at + 1 : at + 3].isdigit():
            for match in _CLOCK_SCAN.finditer(text, max(0, at - _REACH), min(size, at + _REACH)):
                if match.start() >= at:
                    break
                if at < match.end():  # matches do not overlap: no later one holds this colon
                    found.append(match)
                    break
        at = text.find(":", at + 1)
    return found


def _ago_at(text: str, at: int, end: int, stop: int) -> re.Match[str] | None:
    """The "N units geleden/ago" label whose last word is `text[at:end]`, if any.

    Such a label ends with its anchor, so the scan stops there: what follows only decides whether the label
    runs on into a word, and the match found is checked again against the whole window. It starts in one of
    the three words before the anchor ("8 minuten", "8min", "a few seconds"), so the scan starts there.
    """
    if not text[at - 1 : at].isspace():
        return None  # "Chicago", "dagorde": the anchor is no word of its own
    pos = max(0, at - _REACH)
    words = text[pos:at].rsplit(None, 3)
    if len(words) == 4:
        pos += len(words[0])
    while True:
        match = _AGO_SCAN.search(text, pos, end)
        if match is None:
            return None
        if match.end() >= end:
            return _AGO_SCAN.match(text, match.start(), stop)
        pos = match.end()


def _accept(text: str, match: re.Match[str]) -> bool:
    groups = match.groupdict()
    if groups.get("rw") is not None and len(groups["ru"]) == 1:
        return False  # "een u geleden" is no label
    if groups.get("hh") is None:
        return True
    if _AM_PM.match(text, match.end()):
        return False
    before = text[max(0, match.start() - 40) : match.start()].rstrip(" \t\u00a0,")
    if before[-1:].isdigit():
        return False  # "26-09-20 12:07", "2024, 15:40": a date, not a clock label
    last = _LAST_WORD.search(before[-24:])
    return not (last and last.end(1) == len(before[-24:]) and last.group(1).lower() in _CLOCK_STOP_WORDS)


def _resolve(match: re.Match[str], now: datetime, zone: tzinfo) -> tuple[datetime, int | None]:
    groups = match.groupdict()
    if groups["now"] is not None or groups["ago"] is not None:
        return now, _MINUTE
    for prefix, unit, table in (
        ("r", groups["ru"], _AGO_UNIT_SECONDS),
        ("d", groups["du"], _DE_UNIT_SECONDS),
    ):
        if unit is not None:
            count = int(groups[prefix + "n"]) if groups[prefix + "n"] is not None else 1
            seconds = table[unit.lower()]
            return now - timedelta(seconds=count * seconds), seconds
    today = now.astimezone(zone).date()
    if groups["day"] is not None:
        day = today - timedelta(days=_DAYS_BACK[groups["day"].lower()])
        if groups["dayhh"] is None:
            start, end = _local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone)
            return end, int((end - start).total_seconds())
        return _local(day, groups["dayhh"], groups["daymm"], zone), _MINUTE
    if groups["today"] is not None:
        return _local(today, groups["todayhh"], groups["todaymm"], zone), _MINUTE
    moment = _local(today, groups["hh"], groups["mm"], zone)
    if moment - now > FUTURE_SLACK:
        moment = _local(today - timedelta(days=1), groups["hh"], groups["mm"], zone)
    return moment, _MINUTE


def _local(day: date, hour: str, minute: str, zone: tzinfo) -> datetime:
    """Wall time in `zone` on `day`, in UTC; of a repeated hour (DST end) the later reading."""
    wall = datetime.combine(day, time(int(hour), int(minute)), tzinfo=zone)
    return max(wall.astimezone(UTC), wall.replace(fold=1).astimezone(UTC))


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)
