"""Telegram messages in HTML parse mode: every piece of news text escaped, within the 4096 limit, no previews.

The limit is checked on the HTML source measured in UTF-16 code units (how Telegram counts), which is never
shorter than the text left after entity parsing, so a message that fits here fits there. Text is only ever
shortened before escaping, so a cut never lands inside a tag or an entity; the lead (or, in a digest, each
headline) gives way first.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

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
    truncate,
)
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
    if alert.style == "compact":
        lines: list[Callable[[int], str]] = [partial(v, alert) for v in _LINE_VARIANTS]
        return TelegramText(
            fit_variants(lines, COMPACT_HEADLINE, TELEGRAM_TEXT_LIMIT, telegram_length), "HTML"
        )
    top = []
    if alert.edited:
        top.append(f"✏️ <i>{_e(label(alert.language, 'edited'))}</i> ·")
    if alert.flags:
        top.append(alert.flags)
    if alert.dateline:
        top.append(f"<b>{_clip(alert.dateline, DATELINE_BUDGET)}</b>")
    title = f"<b>{_clip(alert.title, TITLE_BUDGET)}</b>" if alert.title else ""
    meta = " · ".join(_clip(p, META_BUDGET) for p in (alert.local_time(), alert.source) if p)
    url = _url(alert)
    link = f'<a href="{_e(url)}">{_e(label(alert.language, "link"))}</a>' if url else ""

    def build(n: int, with_link: bool) -> str:
        foot = " · ".join(p for p in (meta, link if with_link else "") if p)
        lead = _e(truncate(alert.lead, n))
        return "\n".join(p for p in (" ".join(top), title, lead, f"<i>{foot}</i>" if foot else "") if p)

    builders: list[Callable[[int], str]] = [lambda n: build(n, True), lambda n: build(n, False)]
    return TelegramText(fit_variants(builders, len(alert.lead), TELEGRAM_TEXT_LIMIT, telegram_length), "HTML")


def telegram_digest(alerts: Sequence[Alert], *, language: Language, plain: bool = False) -> TelegramText:
    """One message listing `alerts` (a heading, then a line each), headlines cut evenly to fit 4096."""
    if plain:
        text = plain_digest(alerts, language=language, limit=TELEGRAM_TEXT_LIMIT, measure=telegram_length)
        return TelegramText(text, None)
    heading = f"<b>{_e(digest_heading(len(alerts), language))}</b>"
    variants = [lambda a, n, v=v: f"• {v(a, n, with_time=True)}" for v in _LINE_VARIANTS]
    text = fit_lines(
        heading, variants, alerts, full=DIGEST_HEADLINE, limit=TELEGRAM_TEXT_LIMIT, measure=telegram_length
    )
    return TelegramText(text, "HTML")


def _linked(alert: Alert, n: int, *, with_time: bool = False) -> str:
    """A one-line alert whose headline links to the item."""
    return _line(alert, n, _url(alert), with_time=with_time)


def _unlinked(alert: Alert, n: int, *, with_time: bool = False) -> str:
    return _line(alert, n, None, with_time=with_time)


def _headline(alert: Alert, n: int, *, with_time: bool = False) -> str:
    return _e(truncate(alert.headline, n))


_LINE_VARIANTS: tuple[Callable[..., str], ...] = (_linked, _unlinked, _headline)


def _line(alert: Alert, n: int, url: str | None, *, with_time: bool) -> str:
    parts = []
    if with_time and (when := alert.local_time()):
        parts.append(_clip(when, META_BUDGET))
    if alert.edited:
        parts.append(f"✏️ <i>{_e(label(alert.language, 'edited'))}</i>")
    if alert.flags:
        parts.append(alert.flags)
    if alert.dateline:
        parts.append(f"<b>{_clip(alert.dateline, DATELINE_BUDGET)}</b>")
    headline = _e(truncate(alert.headline, n))
    parts.append(f'<a href="{_e(url)}">{headline}</a>' if url else headline)
    return " ".join(parts)


def _url(alert: Alert) -> str | None:
    return safe_url(alert.url, _e, telegram_length)


def _clip(text: str, budget: int) -> str:
    return clip(text, budget, _e, telegram_length)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
