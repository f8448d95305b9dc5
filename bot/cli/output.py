"""How the CLI prints items and tags: JSON for programs, aligned tables for people."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.alerts import alert_from_event, dateline
from bot.formatting.plain import plain_alert
from bot.masking import mask_url
from parsers.countries import Tags, flag
from parsers.models import Item, iso_utc, item_to_json
from storage.health import SubscriptionView
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
    if moment is None:
        return "never"
    ago = age(moment, now)
    return "just now" if ago == "now" else f"{ago} ago"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Aligned columns under a header line; the last column is not padded."""
    cells = [[str(c) for c in headers], *[[("-" if c is None else str(c)) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row[:-1], widths[:-1], strict=True)) + "  " + row[-1]
        for row in cells
    ]
    return "\n".join(line.rstrip() for line in lines)


def source_json(state: SourceState) -> dict[str, Any]:
    return {
        "name": state.name,
        "url": mask_url(state.url),
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
        lines.append(f"    {mask_url(s.url)}")
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
    body = []
    for row in rows:
        item = row.event.item
        headline = item.title or item.text
        headline = headline if len(headline) <= 60 else headline[:59] + "…"
        why = row.reason if row.reason and row.reason != row.status else ""
        body.append((f"#{row.id}", row.status, why, row.destination, item.place, headline))
    return table(("id", "state", "why", "destination", "place", "headline"), body) + f"\n\n{summary}"


def _state(view: SubscriptionView) -> str:
    dest = view.destination
    if view.subscription is None:
        return "never subscribed"
    if dest.disabled_reason is not None:
        return f"stopped: {dest.disabled_reason}"
    return "paused" if dest.paused else "active"


def subscription_json(view: SubscriptionView) -> dict[str, Any]:
    dest, sub = view.destination, view.subscription
    return {
        "key": dest.key,
        "platform": dest.platform,
        "state": _state(view),
        "mode": None if sub is None else sub.mode,
        "keywords": [] if sub is None else list(sub.include),
        "exclude": [] if sub is None else list(sub.exclude),
        "countries": [] if sub is None else list(sub.countries),
        "sources": [] if sub is None else list(sub.sources),
        "language": dest.language,
        "mention_role": dest.mention_role,
        "mention_keywords": list(dest.mention_keywords),
        "created_by": dest.created_by,
        "created_at": iso_utc(dest.created_at),
        "alerts": view.counts,
        "last_sent_at": iso_utc(view.last_sent),
    }


def subscriptions_table(views: Sequence[SubscriptionView], *, now: datetime) -> str:
    if not views:
        return "No subscriptions yet."
    rows = []
    for view in views:
        sub = view.subscription
        filters = "-" if sub is None else _filters(sub.mode, sub.include, sub.countries, sub.exclude)
        waiting = view.counts.get("pending", 0) + view.counts.get("sending", 0)
        rows.append((view.destination.key, _state(view), waiting, _when(view.last_sent, now), filters))
    return table(("destination", "state", "queued", "last alert", "filters"), rows)


def _filters(mode: str, include: Sequence[str], countries: Sequence[str], exclude: Sequence[str]) -> str:
    if mode == "all":
        parts = ["everything"]
    else:
        parts = [
            f"keywords {', '.join(include)}" if include else "",
            f"countries {', '.join(countries)}" if countries else "",
        ]
        parts = [p for p in parts if p] or ["everything (no filters)"]
    if exclude:
        parts.append(f"not {', '.join(exclude)}")
    return "; ".join(parts)


def subscription_detail(view: SubscriptionView, recent: Sequence[OutboxRow], *, now: datetime) -> str:
    data = subscription_json(view)
    lines = [f"{view.destination.key}  ({_state(view)})"]
    for key in (
        "mode",
        "keywords",
        "exclude",
        "countries",
        "sources",
        "language",
        "mention_role",
        "mention_keywords",
        "created_by",
    ):
        value = data[key]
        shown = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"  {key.replace('_', ' ')}: {shown if shown not in (None, '') else '-'}")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(view.counts.items())) or "none"
    lines.append(f"  alerts: {counts}; last sent {_when(view.last_sent, now)}")
    if recent:
        lines += ["", "Latest alerts:", outbox_table(recent, {}).rsplit("\n\n", 1)[0]]
    return "\n".join(lines)


def status_json(
    states: Sequence[SourceState], views: Sequence[SubscriptionView], counts: dict[str, int], http: str | None
) -> dict[str, Any]:
    return {
        "sources": [source_json(s) for s in states],
        "subscriptions": _subscription_counts(views),
        "outbox": counts,
        "http": http,
    }


def _subscription_counts(views: Sequence[SubscriptionView]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for view in views:
        if view.subscription is None:
            continue
        if view.destination.disabled_reason is not None:
            kind = "stopped"
        elif view.destination.paused:
            kind = "paused"
        else:
            kind = view.subscription.mode
        per = found.setdefault(view.destination.platform, {})
        per[kind] = per.get(kind, 0) + 1
    return found


def status_text(
    states: Sequence[SourceState],
    views: Sequence[SubscriptionView],
    counts: dict[str, int],
    http: str | None,
    *,
    now: datetime,
) -> str:
    rows = []
    for s in states:
        health = "ok" if s.consecutive_failures == 0 else f"failing ({s.consecutive_failures} in a row)"
        rows.append(
            (s.name, health, _when(s.last_attempt_at, now), _when(s.last_success_at, now), s.last_item_count)
        )
    lines = [
        "Sources",
        table(("source", "health", "last poll", "last success", "items"), rows) if rows else "  none yet",
    ]
    subs = _subscription_counts(views)
    lines += ["", "Subscriptions"]
    if subs:
        lines.append(
            table(
                ("platform", "filtered", "all", "paused", "stopped"),
                [
                    (p, c.get("filtered", 0), c.get("all", 0), c.get("paused", 0), c.get("stopped", 0))
                    for p, c in sorted(subs.items())
                ],
            )
        )
    else:
        lines.append("  none yet")
    lines += ["", "Outbox: " + (", ".join(f"{n} {status}" for status, n in counts.items()) or "empty")]
    if http:
        lines.append(f"Health and metrics: {http}/healthz, {http}/metrics")
    return "\n".join(lines)
