"""How the CLI prints items and tags: JSON for programs, aligned tables for people."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from bot.alerts import alert_from_event
from bot.formatting.plain import plain_alert
from parsers.countries import Tags, flag
from parsers.models import Item, item_to_json
from storage.models import ItemEvent

__all__ = [
    "age",
    "events_json",
    "events_text",
    "items_json",
    "items_table",
    "tags_json",
    "tags_table",
    "use_color",
]


def use_color(stream: TextIO, setting: str = "auto") -> bool:
    """Colour on a terminal, plain when piped; `NO_COLOR` and `FORCE_COLOR` are honoured."""
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


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
    if not item.place:
        return "-"
    if item.agencies:
        return f"{item.place} ({'/'.join(item.agencies)})"
    return item.place


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
