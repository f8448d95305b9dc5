"""Telegram messages in HTML parse mode: every piece of news text escaped, within the 4096 limit, no previews.

The limit is checked on the HTML source measured in UTF-16 code units (how Telegram counts), which is never
shorter than the text left after entity parsing, so a message that fits here fits there. Only the lead (or,
in a digest, each headline) is shortened, and always before escaping, so a cut never lands inside a tag or an
entity.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.alerts import Alert
from bot.formatting._common import TITLE_MAX, dateline, digest_heading, fit, label, safe_url, truncate
from bot.formatting.plain import COMPACT_HEADLINE, DIGEST_HEADLINE, plain_alert, plain_digest
from storage.models import Language

__all__ = ["TELEGRAM_TEXT_LIMIT", "TelegramText", "telegram_alert", "telegram_digest", "telegram_length"]

TELEGRAM_TEXT_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class TelegramText:
    """What `sendMessage`/`editMessageText` get: the text, its parse mode (None = plain) and previews off."""

    text: str
    parse_mode: Literal["HTML"] | None
    disable_link_preview: bool = True


def telegram_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def telegram_alert(alert: Alert, *, plain: bool = False) -> TelegramText:
    """The alert as one Telegram message; `plain=True` gives the no-markup form used after a rejection."""
    if plain:
        return TelegramText(plain_alert(alert, limit=TELEGRAM_TEXT_LIMIT, measure=telegram_length), None)
    url = safe_url(alert.url)
    if alert.style == "compact":
        return TelegramText(
            fit(
                lambda n: _compact_line(alert, n, url),
                COMPACT_HEADLINE,
                TELEGRAM_TEXT_LIMIT,
                telegram_length,
            ),
            "HTML",
        )
    top = []
    if alert.edited:
        top.append(f"✏️ <i>{_e(label(alert.language, 'edited'))}</i> ·")
    if alert.flags:
        top.append(alert.flags)
    if alert.dateline:
        top.append(f"<b>{_e(dateline(alert))}</b>")
    title = f"<b>{_e(truncate(alert.title, TITLE_MAX))}</b>" if alert.title else ""
    meta = " · ".join(_e(p) for p in (alert.local_time(), alert.source) if p)
    if url:
        meta += f' · <a href="{_e(url)}">{_e(label(alert.language, "link"))}</a>'

    def build(n: int) -> str:
        lead = _e(truncate(alert.lead, n))
        return "\n".join(p for p in (" ".join(top), title, lead, f"<i>{meta}</i>" if meta else "") if p)

    return TelegramText(fit(build, len(alert.lead), TELEGRAM_TEXT_LIMIT, telegram_length), "HTML")


def telegram_digest(alerts: Sequence[Alert], *, language: Language, plain: bool = False) -> TelegramText:
    """One message listing `alerts` (a heading, then a line each), headlines cut evenly to fit 4096."""
    if plain:
        return TelegramText(
            plain_digest(alerts, language=language, limit=TELEGRAM_TEXT_LIMIT, measure=telegram_length), None
        )
    heading = f"<b>{_e(digest_heading(len(alerts), language))}</b>"

    def build(n: int) -> str:
        lines = [heading]
        for alert in alerts:
            when = alert.local_time()
            prefix = f"{_e(when)} " if when else ""
            lines.append(f"• {prefix}{_compact_line(alert, n, safe_url(alert.url))}")
        return "\n".join(lines)

    return TelegramText(fit(build, DIGEST_HEADLINE, TELEGRAM_TEXT_LIMIT, telegram_length), "HTML")


def _compact_line(alert: Alert, n: int, url: str | None) -> str:
    parts = []
    if alert.edited:
        parts.append(f"✏️ <i>{_e(label(alert.language, 'edited'))}</i>")
    if alert.flags:
        parts.append(alert.flags)
    if alert.dateline:
        parts.append(f"<b>{_e(dateline(alert))}</b>")
    headline = _e(truncate(alert.headline, n))
    parts.append(f'<a href="{_e(url)}">{headline}</a>' if url else headline)
    return " ".join(parts)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
