"""What every formatter shares: the words in both languages, truncation, fitting text into a limit, safe links."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.alerts import Alert
from storage.models import Language

__all__ = [
    "DATELINE_MAX",
    "ELLIPSIS",
    "MAX_URL",
    "TITLE_MAX",
    "dateline",
    "digest_heading",
    "fit",
    "label",
    "safe_url",
    "truncate",
]

ELLIPSIS = "…"
MAX_URL = 1024  # longer links are left out rather than let one link eat a message's budget
DATELINE_MAX = 120
TITLE_MAX = 256
_CUT_BACK = 24  # how far truncation may step back to end on a word boundary

_LABELS: dict[Language, dict[str, str]] = {
    "nl": {
        "new": "Nieuw",
        "edited": "Bijgewerkt",
        "link": "Lees meer",
        "countries": "Landen",
        "digest_one": "1 bericht",
        "digest_many": "{n} berichten",
    },
    "en": {
        "new": "New",
        "edited": "Edited",
        "link": "Read more",
        "countries": "Countries",
        "digest_one": "1 more item",
        "digest_many": "{n} more items",
    },
}
_UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def label(language: Language, key: str) -> str:
    """A fixed word of the message in `language` (Dutch when the language is unknown)."""
    return _LABELS.get(language, _LABELS["nl"])[key]


def dateline(alert: Alert) -> str:
    """The alert's dateline (`KYIV (ANP)`), capped at `DATELINE_MAX` characters."""
    return truncate(alert.dateline, DATELINE_MAX)


def digest_heading(count: int, language: Language) -> str:
    """`12 more items` / `12 berichten`."""
    if count == 1:
        return label(language, "digest_one")
    return label(language, "digest_many").format(n=count)


def truncate(text: str, length: int) -> str:
    """`text` cut to at most `length` characters, ending in `…` (on a word boundary when one is near)."""
    if length <= 0:
        return ""
    if len(text) <= length:
        return text
    if length == 1:
        return ELLIPSIS
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - _CUT_BACK):
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def fit(build: Callable[[int], str], full: int, limit: int, measure: Callable[[str], int] = len) -> str:
    """`build(n)` for the largest `n` in `[0, full]` whose result measures at most `limit`.

    `build(n)` must grow with `n` (n is how many characters of the variable text it keeps). When even
    `build(0)` is too long the caller's fixed parts are too big: `build(0)` is returned and the caller's own
    caps must prevent that.
    """
    text = build(full)
    if measure(text) <= limit:
        return text
    low, high = 0, full  # build(low) is the best known to fit (or 0); build(high) does not fit
    while high - low > 1:
        mid = (low + high) // 2
        if measure(build(mid)) <= limit:
            low = mid
        else:
            high = mid
    return build(low)


def safe_url(url: str | None) -> str | None:
    """`url` when it is an http(s) link of sane length without spaces or control characters, else None."""
    if not url or len(url) > MAX_URL or _UNSAFE_URL.search(url):
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return url
