"""How the CLI prints items and tags: JSON for programs, aligned tables for people."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.alerts import alert_from_event, dateline
from bot.formatting.plain import plain_alert
from parsers.countries import Tags, flag
from parsers.models import Item, iso_utc, item_to_json
from storage.models import ItemEvent, OutboxRow, SourceState

__all__ = [
    "age",
    "events_json",
    "events_text",
    "items_json",
    "items_table",
    "tags_json",
    "tags_table",
]


def items_json(items: Sequence[Item]) -> str:
    return json.dumps([item_to_json(i) for i in items], ensure_ascii=False, indent=2)


def age(published_at: datetime | None, now: datetime) -> str:
    """A short age such as `8m`, `1h`, `3d`; `?` when unknown."""
    if published_at is None:
        return "?"
    seconds = max(0, int((now - published_at).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"


def items_table(items: Sequence[Item], *, now: datetime, color: bool = False) -> str:
    if not items:
        return "No items found."
    width = max(60, shutil.get_terminal_size((120, 24)).columns)
    lines = []
    for item in items:
        flags = "".join(flag(c) for c in item.countries[:3])
        head = _dateline(item)
        when = age(item.published_at, now).rjust(4)
        body = item.title or item.text
        room = max(20, width - len(head) - 18)
        body = body if len(body) <= room else body[: room - 1] + "…"
        if color:
            head = f"\033[1m{head}\033[0m"
            when = f"\033[2m{when}\033[0m"
        lines.append(f"{when}  {flags:<6} {head}  {body}")
    lines.append(f"{len(items)} item{'s' if len(items) != 1 else ''}")
    return "\n".join(lines)


def _dateline(item: Item) -> str:
    return dateline(item.place, item.agencies) or "-"


def tags_json(tags: Tags) -> dict[str, Any]:
    return {
        "countries": list(tags.countries),
        "regions": list(tags.regions),
        "evidence": [
            {"code": e.code, "kind": e.kind, "text": e.text, "start": e.start} for e in tags.evidence
        ],
    }


def tags_table(tags: Tags) -> str:
    if not tags.countries and not tags.regions:
        return "No countries found."
    lines = []
    for code in tags.countries:
        found = [f"{e.kind} {e.text!r}" for e in tags.evidence if e.code == code]
        lines.append(f"{flag(code)} {code}  {', '.join(found)}")
    if tags.regions:
        lines.append("regions: " + ", ".join(tags.regions))
    return "\n".join(lines)


def events_json(events: Sequence[ItemEvent]) -> str:
    return json.dumps(
        [{"event": e.kind, "item": item_to_json(e.item)} for e in events], ensure_ascii=False, indent=2
    )


def events_text(events: Sequence[ItemEvent]) -> str:
    """Events as the console adapter prints alerts, separated by blank lines."""
    return "\n\n".join(plain_alert(alert_from_event(e)) for e in events)


def _when(moment: datetime | None, now: datetime) -> str:
    return "never" if moment is None else f"{age(moment, now)} ago"


def source_json(state: SourceState) -> dict[str, Any]:
    return {
        "name": state.name,
        "url": state.url,
        "kind": state.kind,
        "last_attempt_at": iso_utc(state.last_attempt_at),
        "last_success_at": iso_utc(state.last_success_at),
        "consecutive_failures": state.consecutive_failures,
        "last_error": state.last_error,
        "baselined": state.baselined,
        "last_item_count": state.last_item_count,
    }


def sources_table(states: Sequence[SourceState], *, now: datetime) -> str:
    if not states:
        return "No sources yet."
    lines = []
    for s in states:
        health = "ok" if s.consecutive_failures == 0 else f"FAILING ({s.consecutive_failures} in a row)"
        lines.append(f"{s.name}  [{s.kind}]  {health}")
        lines.append(f"    {s.url}")
        lines.append(
            f"    last poll {_when(s.last_attempt_at, now)}, last success {_when(s.last_success_at, now)}, "
            f"{s.last_item_count if s.last_item_count is not None else '?'} items on the page"
        )
        if s.consecutive_failures and s.last_error:
            lines.append(f"    last error: {s.last_error}")
    return "\n".join(lines)


def outbox_row_json(row: OutboxRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "destination": row.destination,
        "status": row.status,
        "reason": row.reason,
        "source": row.source,
        "uid": row.uid,
        "version": row.version,
        "kind": row.kind,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": iso_utc(row.created_at),
        "finished_at": iso_utc(row.finished_at),
        "sent_ref": row.sent_ref,
        "headline": row.event.item.title or row.event.item.text[:80],
    }


def outbox_table(rows: Sequence[OutboxRow], counts: dict[str, int]) -> str:
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    if not rows:
        return f"No alerts. ({summary})"
    lines = []
    for row in rows:
        item = row.event.item
        headline = item.title or item.text
        headline = headline if len(headline) <= 60 else headline[:59] + "…"
        why = f" ({row.reason})" if row.reason and row.reason != row.status else ""
        lines.append(f"#{row.id:<6} {row.status:<8}{why}  {row.destination}  {item.place or '-'}  {headline}")
    lines.append(summary)
    return "\n".join(lines)
