"""Plain text: the console sink, and the "plainer form" Telegram and Discord fall back to after a rejection.

`escape` is applied to every piece of news text (Discord passes its markdown escaper) and `link` to every URL
(Discord wraps links in `<...>` to keep previews off); both default to leaving the text as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.alerts import Alert
from bot.formatting._common import TITLE_MAX, dateline, digest_heading, fit, label, safe_url, truncate
from storage.models import Language

__all__ = ["COMPACT_HEADLINE", "DIGEST_HEADLINE", "plain_alert", "plain_digest"]

COMPACT_HEADLINE = 300  # characters of title (or lead) in a one-line alert
DIGEST_HEADLINE = 200  # characters of title (or lead) per digest line, at most


def _same(text: str) -> str:
    return text


def plain_alert(
    alert: Alert,
    *,
    limit: int | None = None,
    escape: Callable[[str], str] = _same,
    link: Callable[[str], str] = _same,
    measure: Callable[[str], int] = len,
) -> str:
    """The alert as plain lines (or one line for the compact style), at most `limit` long (lead cut first)."""
    url = safe_url(alert.url)
    if alert.style == "compact":
        return fit(
            lambda n: _compact_line(alert, n, escape, link(url) if url else None),
            COMPACT_HEADLINE,
            limit or 10**9,
            measure,
        )
    marker = f"[{label(alert.language, 'edited' if alert.edited else 'new').upper()}]"
    head = " ".join(p for p in (marker, alert.flags, escape(dateline(alert))) if p)
    if alert.title:
        head += (":" if alert.dateline else "") + f" {escape(truncate(alert.title, TITLE_MAX))}"
    meta = " · ".join(p for p in (alert.local_time(), alert.source, link(url) if url else None) if p)

    def build(n: int) -> str:
        return "\n".join(p for p in (head, escape(truncate(alert.lead, n)), meta) if p)

    return fit(build, len(alert.lead), limit or 10**9, measure)


def plain_digest(
    alerts: Sequence[Alert],
    *,
    language: Language,
    limit: int | None = None,
    escape: Callable[[str], str] = _same,
    link: Callable[[str], str] = _same,
    measure: Callable[[str], int] = len,
) -> str:
    """A heading (`12 more items:`) and one line per alert, each headline cut evenly to fit `limit`."""
    heading = f"{digest_heading(len(alerts), language)}:"

    def build(n: int) -> str:
        lines = [heading]
        for alert in alerts:
            url = safe_url(alert.url)
            lines.append("• " + _compact_line(alert, n, escape, link(url) if url else None, with_time=True))
        return "\n".join(lines)

    return fit(build, DIGEST_HEADLINE, limit or 10**9, measure)


def _compact_line(
    alert: Alert, n: int, escape: Callable[[str], str], url: str | None, *, with_time: bool = False
) -> str:
    parts = []
    if with_time and (when := alert.local_time()):
        parts.append(when)
    if alert.edited:
        parts.append(f"[{label(alert.language, 'edited').upper()}]")
    if alert.flags:
        parts.append(alert.flags)
    if alert.dateline:
        parts.append(escape(dateline(alert)) + ":")
    parts.append(escape(truncate(alert.headline, n)))
    line = " ".join(p for p in parts if p)
    return f"{line} — {url}" if url else line
