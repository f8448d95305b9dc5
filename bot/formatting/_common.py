"""What every formatter shares: the words in both languages, truncation, fitting text into a limit, safe links.

Every formatter keeps its platform's limit whatever the news text holds. Short parts (title, dateline, time,
source, link) get a fixed budget measured after escaping (`clip`), so together they always leave room; the lead
takes what is left (`fit`). A digest gives its lines an even share when links and datelines alone would not
fit, dropping first the link, then everything but the headline (`fit_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.alerts import Alert
from storage.models import Language

__all__ = [
    "DATELINE_BUDGET",
    "DIGEST_MAX",
    "ELLIPSIS",
    "MAX_URL",
    "META_BUDGET",
    "TITLE_BUDGET",
    "clip",
    "digest_heading",
    "fit",
    "fit_lines",
    "fit_variants",
    "label",
    "safe_url",
    "same",
    "truncate",
]

ELLIPSIS = "…"
MAX_URL = 1024  # links longer than this (after escaping) are left out rather than eat a message's budget
TITLE_BUDGET = 512  # escaped length of a title, at most (256 characters of plain text fit with room)
DATELINE_BUDGET = 160
META_BUDGET = 120  # each of: the time label, the source name
DIGEST_MAX = 50  # digests of up to this many alerts always fit every platform's limit
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


def same(text: str) -> str:
    """No escaping."""
    return text


def clip(
    text: str, budget: int, escape: Callable[[str], str] = same, measure: Callable[[str], int] = len
) -> str:
    """`escape(text)`, cut (before escaping, ending in `…`) so that it measures at most `budget`."""
    return fit(lambda n: escape(truncate(text, n)), len(text), budget, measure)


def fit_variants(
    builders: Sequence[Callable[[int], str]], full: int, limit: int, measure: Callable[[str], int] = len
) -> str:
    """`fit` with the first (richest) builder whose shortest form fits; `ValueError` if none does."""
    for build in builders:
        if measure(build(0)) <= limit:
            return fit(build, full, limit, measure)
    raise ValueError(f"not even the barest form fits in {limit}")


def fit_lines(
    heading: str | None,
    variants: Sequence[Callable[[Alert, int], str]],
    alerts: Sequence[Alert],
    *,
    full: int,
    limit: int,
    measure: Callable[[str], int] = len,
) -> str:
    """`heading` (if any) and one line per alert, within `limit`.

    `variants` build a line keeping `n` characters of the headline, richest first; the last must shrink to
    almost nothing (a bullet). All lines use the first variant with the longest common `n` that fits; failing
    that, each line gets an even share of the room and the richest variant that fits in it. Raises
    `ValueError` when not even bullets fit (never for `DIGEST_MAX` alerts within a platform's limit).
    """
    top = [] if heading is None else [heading]
    first = variants[0]
    text = fit(lambda n: "\n".join([*top, *(first(a, n) for a in alerts)]), full, limit, measure)
    if measure(text) <= limit:
        return text
    share = (limit - measure("\n".join(top))) // max(1, len(alerts)) - 1  # 1 for the newline
    lines = [
        fit_variants([lambda n, v=v, a=alert: v(a, n) for v in variants], full, share, measure)  # type: ignore[misc]
        for alert in alerts
    ]
    return "\n".join([*top, *lines])


def safe_url(
    url: str | None, escape: Callable[[str], str] = same, measure: Callable[[str], int] = len
) -> str | None:
    """`url` when it is an http(s) link without spaces or control characters whose escaped form measures at
    most `MAX_URL`; else None (the message goes without a link)."""
    if not url or _UNSAFE_URL.search(url) or not url.lower().startswith(("http://", "https://")):
        return None
    if measure(escape(url)) > MAX_URL:
        return None
    return url
