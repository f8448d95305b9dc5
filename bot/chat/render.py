"""The answers of `bot.chat` as chat messages: filters, list changes, `/latest`, `/test`, `/status`.

`ChatViews(texts)` words them with a platform's `Texts` (its markup and its names for things); every piece of
user or news text is escaped for that markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from bot.alerts import LOCAL_TZ, Alert, alert_from_event, country_label, dateline
from bot.chat.records import ChatSettings, FilterList, ListChange, Probe, Status
from bot.chat.texts import Rendered, Texts
from storage.models import ItemEvent, Language, SourceState

__all__ = ["ChatViews"]

_ERROR_SHOWN = 300
_FIELDS: tuple[tuple[FilterList, str], ...] = (
    ("include", "any_keyword"),
    ("exclude", "none"),
    ("countries", "any_country"),
)


class ChatViews:
    """The longer answers, in one platform's words and markup."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.t = texts.t

    def _shown(self, field: FilterList, values: Iterable[str], language: str) -> list[str]:
        return [country_label(v, language) if field == "countries" else v for v in values]

    def _listed(self, field: FilterList, values: Iterable[str], language: str) -> Rendered:
        shown = self._shown(field, values, language)
        return self.texts.escape(", ".join(shown)) if shown else self.t(language, "none")

    def change(self, change: ListChange, language: str) -> Rendered:
        """What `keywords add …` and its siblings changed, and the list now."""
        field = self.t(language, change.field)
        if change.action == "clear":
            return self.t(language, "cleared", field=field)
        lines = []
        for values, key in (
            (change.added, "added"),
            (change.removed, "removed"),
            (change.unchanged, "already" if change.action == "add" else "absent"),
        ):
            if values:
                lines.append(self.t(language, key, values=self._listed(change.field, values, language)))
        current = self._listed(change.field, change.current, language)
        lines.append(self.t(language, "now", field=field, values=current))
        return Rendered("\n".join(lines))

    def state(self, settings: ChatSettings | None, language: str) -> Rendered:
        if settings is None or not settings.active:
            return self.t(language, "state_stopped")
        if settings.destination.paused:
            return self.t(language, "state_paused")
        return self.t(language, "state_active")

    def filters(self, settings: ChatSettings, language: str) -> Rendered:
        """Everything that applies to one chat."""
        sub = settings.subscription
        state = self.state(settings if sub is not None else None, language)
        lines = [self.t(language, "filters_title"), self.t(language, "state", state=state)]
        if sub is not None:
            lines.append(self.t(language, "mode", mode=self.t(language, f"mode_name_{sub.mode}")))
            for field, empty in _FIELDS:
                values = self._shown(field, getattr(sub, field), language)
                shown = self.texts.escape(", ".join(values)) if values else self.t(language, empty)
                lines.append(Rendered(f"{self.t(language, field)}: {shown}"))
        lines.append(self.t(language, "language"))
        if sub is not None:
            lines.append(self.texts.wrap("i", Rendered(" ".join(self._summary(settings, language)))))
        if settings.managed_by_config:
            lines.append(self.t(language, "from_config"))
        return Rendered("\n".join(lines))

    def _summary(self, settings: ChatSettings, language: str) -> list[Rendered]:
        sub = settings.subscription
        assert sub is not None
        if sub.mode == "all":
            key = "sum_all"
        elif sub.include and sub.countries:
            key = "sum_both"
        elif sub.include:
            key = "sum_keywords"
        elif sub.countries:
            key = "sum_countries"
        else:
            key = "sum_nothing"
        parts = [self.t(language, key)]
        if sub.exclude:
            parts.append(self.t(language, "sum_exclude"))
        return parts

    def latest(
        self,
        events: Sequence[ItemEvent],
        language: Language,
        *,
        digest: Callable[[Sequence[Alert]], str],
        fits: Callable[[str], bool],
    ) -> Rendered:
        """One line per item (time, flags, dateline, linked headline), newest first; `digest` is the
        platform's digest message (a heading line, then the lines), `fits` its length limit."""
        if not events:
            return self.t(language, "latest_none")
        alerts = [alert_from_event(event, language=language) for event in events]
        whole = digest(alerts)
        body = whole.split("\n", 1)[1] if "\n" in whole else whole
        text = f"{self.t(language, 'latest_title')}\n{body}"
        return Rendered(text if fits(text) else whole)

    def probe(self, probe: Probe, language: str) -> Rendered:
        """`test`: the verdict, what was read from the text, and the reasons."""
        item = probe.item
        facts = []
        if item.place:
            facts.append(self.t(language, "test_place", place=dateline(item.place, item.agencies)))
        if item.countries:
            facts.append(
                self.texts.escape(", ".join(country_label(code, language) for code in item.countries))
            )
        else:
            facts.append(self.t(language, "test_no_country"))
        lines = [
            self.t(language, "test_yes" if probe.explanation.matched else "test_no"),
            self.t(language, "test_read", facts=Rendered(" · ".join(facts))),
            self.t(language, "test_why"),
        ]
        lines += [Rendered(f"• {self.texts.escape(reason)}") for reason in probe.explanation.reasons]
        return Rendered("\n".join(lines))

    def _when(self, moment: datetime | None, language: str) -> str:
        if moment is None:
            return self.t(language, "never")
        return f"{moment.astimezone(LOCAL_TZ):%d-%m %H:%M}"

    def status(self, status: Status, language: str, *, details: bool) -> Rendered:
        """The sources (each one for operators, a summary for everyone else) and this chat's queue."""
        lines: list[str] = []
        sources = status.sources
        if not sources:
            lines.append(self.t(language, "no_sources"))
        elif details:
            lines.append(self.t(language, "sources"))
            lines += [self._source_line(source, language) for source in sources]
        else:
            ok = sum(source.consecutive_failures == 0 for source in sources)
            attempts = [s.last_attempt_at for s in sources if s.last_attempt_at is not None]
            last = self._when(max(attempts) if attempts else None, language)
            lines.append(self.t(language, "sources_summary", ok=ok, total=len(sources), last=last))
        settings = status.settings
        if settings is None or settings.subscription is None:
            lines.append(self.t(language, "chat_status_none"))
        else:
            state = self.state(settings, language)
            lines.append(self.t(language, "chat_status", state=state, queued=status.queued))
        return Rendered("\n".join(lines))

    def _source_line(self, source: SourceState, language: str) -> Rendered:
        if source.consecutive_failures == 0:
            return self.t(
                language,
                "source_ok",
                name=source.name,
                attempt=self._when(source.last_attempt_at, language),
                success=self._when(source.last_success_at, language),
            )
        return self.t(
            language,
            "source_failing",
            name=source.name,
            failures=source.consecutive_failures,
            success=self._when(source.last_success_at, language),
            error=(source.last_error or "?")[:_ERROR_SHOWN],
        )
