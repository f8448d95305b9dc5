"""Telegram messages for the answers of `bot.commands`: filters, list changes, `/latest`, `/test`, `/status`.

Every piece of user or news text is escaped; the fixed words come from `texts`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.alerts import LOCAL_TZ, alert_from_event
from bot.commands import ChatSettings, FilterList, ListChange, Probe, Status, display_country
from bot.formatting.telegram_html import TELEGRAM_TEXT_LIMIT, telegram_digest, telegram_length
from bot.telegram.texts import Html, t
from parsers.countries import CountryError, flag
from storage.models import ItemEvent, Language, SourceState

__all__ = [
    "country_label",
    "render_change",
    "render_filters",
    "render_latest",
    "render_probe",
    "render_status",
]

_ERROR_SHOWN = 300


def _listed(values: Iterable[str], language: str) -> str:
    shown = list(values)
    return ", ".join(shown) if shown else t(language, "none")


def country_label(code: str, language: str) -> str:
    """`🇺🇦 Oekraïne (UA)`."""
    try:
        mark = flag(code) + " "
    except CountryError:
        mark = ""
    return mark + display_country(code, language)


def _shown(field: FilterList, values: Iterable[str], language: str) -> list[str]:
    return [country_label(v, language) if field == "countries" else v for v in values]


def render_change(change: ListChange, language: str) -> str:
    """What `/keywords add …` and its siblings changed, and the list now."""
    field = t(language, change.field)
    if change.action == "clear":
        return t(language, "cleared", field=field)
    lines = []
    if change.added:
        lines.append(t(language, "added", values=", ".join(_shown(change.field, change.added, language))))
    if change.removed:
        lines.append(t(language, "removed", values=", ".join(_shown(change.field, change.removed, language))))
    if change.unchanged:
        kind = "already" if change.action == "add" else "absent"
        lines.append(t(language, kind, values=", ".join(_shown(change.field, change.unchanged, language))))
    current = _listed(_shown(change.field, change.current, language), language)
    lines.append(t(language, "now", field=field, values=current))
    return "\n".join(lines)


def render_latest(events: Sequence[ItemEvent], language: Language) -> str:
    """`/latest`: one line per item (time, flags, dateline, linked headline), newest first."""
    if not events:
        return t(language, "latest_none")
    alerts = [alert_from_event(event, language=language) for event in events]
    digest = telegram_digest(alerts, language=language).text
    body = digest.split("\n", 1)[1] if "\n" in digest else digest
    text = f"{t(language, 'latest_title')}\n{body}"
    return text if telegram_length(text) <= TELEGRAM_TEXT_LIMIT else digest


def render_filters(settings: ChatSettings, language: str) -> str:
    """`/filters`: everything that applies to one chat."""
    dest, sub = settings.destination, settings.subscription
    if not settings.active or sub is None:
        state = t(language, "state_stopped")
    elif dest.paused:
        state = t(language, "state_paused")
    else:
        state = t(language, "state_active")
    lines = [Html(t(language, "filters_title")), t(language, "state", state=state)]
    if sub is not None:
        lines.append(t(language, "mode", mode=t(language, f"mode_name_{sub.mode}")))
        for field, empty in (("include", "any_keyword"), ("exclude", "none"), ("countries", "any_country")):
            values = _shown(field, getattr(sub, field), language)  # type: ignore[arg-type]
            shown = ", ".join(values) if values else t(language, empty)
            lines.append(f"{t(language, field)}: {html.escape(shown, quote=False)}")
    lines.append(t(language, "language"))
    if sub is not None:
        lines.append("<i>" + " ".join(_summary(settings, language)) + "</i>")
    if settings.managed_by_config:
        lines.append(t(language, "from_config"))
    return "\n".join(lines)


def _summary(settings: ChatSettings, language: str) -> list[str]:
    sub = settings.subscription
    assert sub is not None
    if sub.mode == "all":
        parts = [t(language, "sum_all")]
    elif sub.include and sub.countries:
        parts = [t(language, "sum_both")]
    elif sub.include:
        parts = [t(language, "sum_keywords")]
    elif sub.countries:
        parts = [t(language, "sum_countries")]
    else:
        parts = [t(language, "sum_nothing")]
    if sub.exclude:
        parts.append(t(language, "sum_exclude"))
    return parts


def render_probe(probe: Probe, language: str) -> str:
    """`/test`: the verdict, what was read from the text, and the reasons."""
    item = probe.item
    facts = []
    if item.place:
        dateline = f"{item.place} ({'/'.join(item.agencies)})" if item.agencies else item.place
        facts.append(t(language, "test_place", place=dateline))
    if item.countries:
        facts.append(", ".join(country_label(code, language) for code in item.countries))
    else:
        facts.append(t(language, "test_no_country"))
    lines = [
        t(language, "test_yes" if probe.explanation.matched else "test_no"),
        t(language, "test_read", facts=" · ".join(facts)),
        t(language, "test_why"),
    ]
    lines += [f"• {html.escape(reason, quote=False)}" for reason in probe.explanation.reasons]
    return "\n".join(lines)


def _when(moment: datetime | None, language: str) -> str:
    if moment is None:
        return t(language, "never")
    return f"{moment.astimezone(LOCAL_TZ):%d-%m %H:%M}"


def render_status(status: Status, language: str, *, details: bool) -> str:
    """`/status`: the sources (each one for operators, a summary for everyone else) and this chat's queue."""
    lines: list[str] = []
    sources = status.sources
    if not sources:
        lines.append(t(language, "no_sources"))
    elif details:
        lines.append(t(language, "sources"))
        lines += [_source_line(source, language) for source in sources]
    else:
        ok = sum(source.consecutive_failures == 0 for source in sources)
        attempts = [s.last_attempt_at for s in sources if s.last_attempt_at is not None]
        last = _when(max(attempts) if attempts else None, language)
        lines.append(t(language, "sources_summary", ok=ok, total=len(sources), last=last))
    settings = status.settings
    if settings is None or settings.subscription is None:
        lines.append(t(language, "chat_status_none"))
    else:
        if not settings.active:
            state = t(language, "state_stopped")
        elif settings.destination.paused:
            state = t(language, "state_paused")
        else:
            state = t(language, "state_active")
        lines.append(t(language, "chat_status", state=state, queued=status.queued))
    return "\n".join(lines)


def _source_line(source: SourceState, language: str) -> str:
    if source.consecutive_failures == 0:
        return t(
            language,
            "source_ok",
            name=source.name,
            attempt=_when(source.last_attempt_at, language),
            success=_when(source.last_success_at, language),
        )
    return t(
        language,
        "source_failing",
        name=source.name,
        failures=source.consecutive_failures,
        success=_when(source.last_success_at, language),
        error=(source.last_error or "?")[:_ERROR_SHOWN],
    )
