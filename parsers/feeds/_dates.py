"""Feed dates to aware UTC datetimes, including RFC 822 dates with localised day and month names.

feedparser reads RFC 822 and ISO 8601 in English; a UOL feed writes `Seg, 24 Set 2018 19:42:40 -0300`. The
fallback here drops the weekday, maps Portuguese, Dutch, German, French and Spanish month names (and a few
European zone names) to what `email.utils` understands, and parses that.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from parsers.identity import fold, normalize_space

__all__ = ["from_iso", "from_localised_rfc822", "from_struct"]

_ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# First three letters (diacritics folded) of month names in en, pt, nl, de, fr, es -> month number.
_MONTH_PREFIX = {
    "jan": 1, "ene": 1,
    "feb": 2, "fev": 2,
    "mar": 3, "maa": 3, "mrt": 3, "mrz": 3,
    "apr": 4, "abr": 4, "avr": 4,
    "may": 5, "mai": 5, "mei": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8, "ago": 8, "aou": 8,
    "sep": 9, "set": 9,
    "oct": 10, "okt": 10, "out": 10,
    "nov": 11,
    "dec": 12, "dez": 12, "dic": 12,
}  # fmt: skip
_MONTH_FOUR = {"juin": 6, "juil": 7}  # French: June and July share "jui"
_ZONES = {"cet": "+0100", "cest": "+0200", "mez": "+0100", "mesz": "+0200", "wet": "+0000", "west": "+0100",
          "eet": "+0200", "eest": "+0300", "brt": "-0300", "brst": "-0200"}  # fmt: skip
_KNOWN_ZONES = frozenset({"ut", "utc", "gmt", "z", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"})
_WEEKDAY = re.compile(r"^[^\W\d_]+\.?,?\s+(?=\d)")
_WORD = re.compile(r"[^\W\d_]+\.?")


def from_struct(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's `*_parsed` value (already UTC) as an aware datetime."""
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _english(match: re.Match[str]) -> str:
    word = match.group(0)
    key = fold(word).rstrip(".")
    if key in _KNOWN_ZONES:
        return word
    if key in _ZONES:
        return _ZONES[key]
    month = _MONTH_FOUR.get(key[:4]) or _MONTH_PREFIX.get(key[:3])
    return _ENGLISH[month - 1] if month else word


def from_localised_rfc822(label: str) -> datetime | None:
    """An RFC 822 date whose day and month names may be Portuguese, Dutch, German, French or Spanish."""
    text = _WEEKDAY.sub("", normalize_space(label))
    if not text:
        return None
    text = _WORD.sub(_english, text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def from_iso(label: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 date (JSON Feed); without an offset it is taken as UTC."""
    text = normalize_space(label)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return from_localised_rfc822(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
