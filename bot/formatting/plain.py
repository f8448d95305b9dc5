"""Plain text: the console sink, and the "plainer form" Telegram and Discord fall back to after a rejection.

`escape` is applied to every piece of news text (Discord passes its markdown escaper) and `link` to every URL
(Discord wraps links in `<...>` to keep previews off); both default to leaving the text as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from bot.alerts import Alert
from bot.formatting._common import (
    DATELINE_BUDGET,
    META_BUDGET,
    TITLE_BUDGET,
    clip,
    digest_heading,
    fit_lines,
    fit_variants,
    label,
    safe_url,
    same,
    truncate,
)
from storage.models import Language

__all__ = ["COMPACT_HEADLINE", "DIGEST_HEADLINE", "plain_alert", "plain_digest"]

COMPACT_HEADLINE = 300  # characters of title (or lead) in a one-line alert
DIGEST_HEADLINE = 200  # characters of title (or lead) per digest line, at most
NO_LIMIT = 10**9

Escape = Callable[[str], str]
Measure = Callable[[str], int]


def plain_alert(
    alert: Alert,
    *,
    limit: int | None = None,
    escape: Escape = same,
    link: Escape = same,
    measure: Measure = len,
) -> str:
    """The alert as plain lines (or one line for the compact style), at most `limit` long (lead cut first)."""
    limit = limit or NO_LIMIT
    if alert.style == "compact":
        variants = _line_variants(escape, link, measure)
        builders: list[Callable[[int], str]] = [partial(v, alert) for v in variants]
        return fit_variants(builders, COMPACT_HEADLINE, limit, measure)
    marker = f"[{label(alert.language, 'edited' if alert.edited else 'new').upper()}]"
    head = " ".join(
        p for p in (marker, alert.flags, clip(alert.dateline, DATELINE_BUDGET, escape, measure)) if p
    )
    if alert.title:
        head += (":" if alert.dateline else "") + " " + clip(alert.title, TITLE_BUDGET, escape, measure)
    url = safe_url(alert.url, link, measure)
    meta = [clip(p, META_BUDGET, escape, measure) for p in (alert.local_time(), alert.source) if p]

    def build(n: int, extra: list[str]) -> str:
        return "\n".join(p for p in (head, escape(truncate(alert.lead, n)), " · ".join(meta + extra)) if p)

    builders = [lambda n: build(n, [link(url)] if url else []), lambda n: build(n, [])]
    return fit_variants(builders, len(alert.lead), limit, measure)


def plain_digest(
    alerts: Sequence[Alert],
    *,
    language: Language,
    limit: int | None = None,
    escape: Escape = same,
    link: Escape = same,
    measure: Measure = len,
) -> str:
    """A heading (`12 more items:`) and one line per alert, headlines cut evenly to fit `limit`."""
    heading = f"{digest_heading(len(alerts), language)}:"
    variants = [
        lambda a, n, v=v: f"• {v(a, n)}" for v in _line_variants(escape, link, measure, with_time=True)
    ]
    return fit_lines(
        heading, variants, alerts, full=DIGEST_HEADLINE, limit=limit or NO_LIMIT, measure=measure
    )


def _line_variants(
    escape: Escape, link: Escape, measure: Measure, *, with_time: bool = False
) -> list[Callable[[Alert, int], str]]:
    """One-line forms of an alert, richest first: with its link, without, the headline alone."""

    def rich(alert: Alert, n: int) -> str:
        url = safe_url(alert.url, link, measure)
        line = _line(alert, n, escape, measure, with_time=with_time)
        return f"{line} — {link(url)}" if url else line

    def bare(alert: Alert, n: int) -> str:
        return _line(alert, n, escape, measure, with_time=with_time)

    def headline(alert: Alert, n: int) -> str:
        return escape(truncate(alert.headline, n))

    return [rich, bare, headline]


def _line(alert: Alert, n: int, escape: Escape, measure: Measure, *, with_time: bool) -> str:
    parts = []
    if with_time and (when := alert.local_time()):
        parts.append(clip(when, META_BUDGET, escape, measure))
    if alert.edited:
        parts.append(f"[{label(alert.language, 'edited').upper()}]")
    if alert.flags:
        parts.append(alert.flags)
    if alert.dateline:
        parts.append(clip(alert.dateline, DATELINE_BUDGET, escape, measure) + ":")
    parts.append(escape(truncate(alert.headline, n)))
    return " ".join(p for p in parts if p)
