"""Discord messages: one embed per alert within Discord's limits, and no mentions, ever.

An alert's embed: title = the item's title (or its place), linked to the item; the author line = flags and
dateline (and "edited"); description = the lead; a field with the countries; timestamp = published_at;
colour by region (`regions`); footer = source and time.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title 256, description
4096, field name 256 and value 1024, footer 2048, author name 256, 25 fields, and 6000 for all of those
together; message content 2000. News text is markdown-escaped; `allowed_mentions` is `{"parse": []}`, so an
`@everyone` in a lead pings nobody (the discord.py adapter passes `discord.AllowedMentions.none()`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.alerts import Alert
from bot.formatting._common import (
    DATELINE_BUDGET,
    META_BUDGET,
    clip,
    digest_heading,
    fit,
    fit_lines,
    label,
    safe_url,
    truncate,
)
from bot.formatting.plain import DIGEST_HEADLINE, plain_alert, plain_digest
from bot.formatting.regions import region_colour
from storage.models import Language

__all__ = [
    "CONTENT_LIMIT",
    "EMBED_LIMITS",
    "NO_MENTIONS",
    "DiscordMessage",
    "discord_alert",
    "discord_digest",
    "embed_length",
    "escape_discord",
]

CONTENT_LIMIT = 2000
EMBED_LIMITS: Mapping[str, int] = {
    "title": 256,
    "description": 4096,
    "field_name": 256,
    "field_value": 1024,
    "fields": 25,
    "footer": 2048,
    "author": 256,
    "total": 6000,
}
NO_MENTIONS: Mapping[str, list[str]] = {"parse": []}
COLOR_NEW = 0x2B7BB9  # a digest
# Links are left alone (a backslash inside one breaks it); markdown characters elsewhere get a backslash.
_INLINE = re.compile(r"(?P<url>https?://[^\s<]+[^<.,:;\"'\]\s])|(?P<md>[\\*_~`|\[\]])")
_LINE_START = re.compile(r"^(\s*)(?:([#>\-+])|(\d+)\.)(?=\s)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class DiscordMessage:
    """A message payload: `content` (plain form) or `embeds` (dicts as the API takes them), mentions off."""

    content: str | None = None
    embeds: tuple[dict[str, Any], ...] = ()
    allowed_mentions: Mapping[str, list[str]] = field(default_factory=lambda: {"parse": []})


def escape_discord(text: str) -> str:
    """`text` with Discord markdown escaped, including headings, quotes and list markers at line starts."""
    inline = _INLINE.sub(lambda m: m.group("url") or "\\" + m.group("md"), text)
    return _LINE_START.sub(_escape_line_start, inline)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def embed_length(embed: Mapping[str, Any]) -> int:
    """What counts towards Discord's 6000: title, description, field names and values, footer, author."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", ()))
    total += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    return total


def discord_alert(alert: Alert, *, plain: bool = False) -> DiscordMessage:
    """The alert as one embed; `plain=True` gives escaped plain content (within 2000) instead."""
    if plain:
        return DiscordMessage(
            content=plain_alert(alert, limit=CONTENT_LIMIT, escape=escape_discord, link=_no_preview)
        )
    embed: dict[str, Any] = {"type": "rich", "color": region_colour(alert.countries, alert.regions)}
    author = " ".join(
        p
        for p in (
            f"✏️ {label(alert.language, 'edited')} ·" if alert.edited else "",
            alert.flags,
            truncate(alert.dateline, DATELINE_BUDGET),
        )
        if p
    )
    if author:
        embed["author"] = {"name": truncate(author, EMBED_LIMITS["author"])}
    url = safe_url(alert.url)
    if url:
        embed["url"] = url
    footer = " · ".join(truncate(p, META_BUDGET) for p in (alert.source, alert.local_time()) if p)
    embed["footer"] = {"text": truncate(footer, EMBED_LIMITS["footer"])}
    if alert.published_at is not None:
        embed["timestamp"] = alert.published_at.isoformat()
    compact = alert.style == "compact"
    title = alert.headline if compact else (alert.title or alert.place)
    if title:
        embed["title"] = fit(lambda n: escape_discord(truncate(title, n)), len(title), EMBED_LIMITS["title"])
    if not compact and alert.country_names:
        embed["fields"] = [
            {
                "name": label(alert.language, "countries"),
                "value": escape_discord(truncate(", ".join(alert.country_names), 300)),
                "inline": True,
            }
        ]
    if not compact and alert.lead:
        room = min(EMBED_LIMITS["description"], EMBED_LIMITS["total"] - embed_length(embed))
        embed["description"] = fit(lambda n: escape_discord(truncate(alert.lead, n)), len(alert.lead), room)
    return DiscordMessage(embeds=(embed,))


def discord_digest(alerts: Sequence[Alert], *, language: Language, plain: bool = False) -> DiscordMessage:
    """One embed listing `alerts`, a line each, headlines cut evenly to fit the description limit."""
    if plain:
        return DiscordMessage(
            content=plain_digest(
                alerts, language=language, limit=CONTENT_LIMIT, escape=escape_discord, link=_no_preview
            )
        )
    sources = sorted({truncate(a.source, META_BUDGET) for a in alerts})
    embed: dict[str, Any] = {
        "type": "rich",
        "color": COLOR_NEW,
        "title": digest_heading(len(alerts), language),
        "footer": {"text": truncate(" · ".join(sources), EMBED_LIMITS["footer"])},
    }
    room = min(EMBED_LIMITS["description"], EMBED_LIMITS["total"] - embed_length(embed))
    variants = [lambda a, n, v=v: f"• {v(a, n)}" for v in (_linked_line, _bare_line, _headline_line)]
    embed["description"] = fit_lines(None, variants, alerts, full=DIGEST_HEADLINE, limit=room)
    return DiscordMessage(embeds=(embed,))


def _linked_line(alert: Alert, n: int) -> str:
    url = safe_url(alert.url, _link_target)
    line = _bare_line(alert, n)
    return f"{line} [↗]({_link_target(url)})" if url else line


def _bare_line(alert: Alert, n: int) -> str:
    parts = []
    if when := alert.local_time():
        parts.append(clip(when, META_BUDGET, escape_discord))
    if alert.edited:
        parts.append(f"✏️ *{label(alert.language, 'edited')}*")
    if alert.flags:
        parts.append(alert.flags)
    if alert.dateline:
        parts.append(f"**{clip(alert.dateline, DATELINE_BUDGET, escape_discord)}**")
    parts.append(escape_discord(truncate(alert.headline, n)))
    return " ".join(parts)


def _headline_line(alert: Alert, n: int) -> str:
    return escape_discord(truncate(alert.headline, n))


def _link_target(url: str) -> str:
    """A URL that cannot close a markdown link early."""
    return url.replace("(", "%28").replace(")", "%29")


def _no_preview(url: str) -> str:
    return f"<{url}>"
