"""What the bot says on every platform, in Dutch and English, in a markup of three tags: `<b>`, `<i>`, `<code>`.

A platform builds one `Texts` from this catalogue, its own texts (its command syntax: help, usage, buttons), its
`Markup` (Telegram HTML, Discord markdown) and its `words`: the names it gives things, filled into every text
(`{Here}` = "Deze chat" / "Dit kanaal", `{heres}` = "this chat's", `{start}` = "/start" / "/news subscribe"). Everything else put into a text
is escaped for that markup unless it is `Rendered` already.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from storage.models import Language

__all__ = ["SHARED_TEXTS", "TAGS", "Markup", "Rendered", "Texts", "language_of"]

TAGS = ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>")
_TAG = re.compile("|".join(re.escape(tag) for tag in TAGS))
_FORMATTER = string.Formatter()


class Rendered(str):
    """Text already in the platform's markup: `Texts.t` does not escape it again."""


@dataclass(frozen=True, slots=True)
class Markup:
    """A platform's markup: how plain text is escaped and what each of the three tags becomes."""

    escape: Callable[[str], str]
    tags: Mapping[str, str]


def language_of(code: str | None) -> Language:
    """The reply language for a client's language code: English for `en*`, otherwise Dutch."""
    return "en" if (code or "").lower().startswith("en") else "nl"


@dataclass(frozen=True, slots=True)
class Texts:
    """The catalogue as one platform speaks it."""

    markup: Markup
    words: Mapping[str, Mapping[str, str]]  # language -> name -> text, already in `markup`
    own: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # language -> key -> template

    def t(self, language: str, key: str, **values: object) -> Rendered:
        """One text in `language` (Dutch for anything but `en`), `values` escaped unless `Rendered`."""
        lang = "en" if language == "en" else "nl"
        template = self.own.get(lang, {}).get(key)
        if template is None:
            template = SHARED_TEXTS[lang][key]
        filled = {name: Rendered(text) for name, text in self.words[lang].items()}
        filled.update(values)  # type: ignore[arg-type]
        return self.fill(template, filled)

    def fill(self, template: str, values: Mapping[str, object]) -> Rendered:
        """`template` (literal text, tags and `{names}`) in this markup."""
        out: list[str] = []
        position = 0
        for match in _TAG.finditer(template):
            out.append(self._literal(template[position : match.start()], values))
            out.append(self.markup.tags[match.group()])
            position = match.end()
        out.append(self._literal(template[position:], values))
        return Rendered("".join(out))

    def _literal(self, text: str, values: Mapping[str, object]) -> str:
        parts: list[str] = []
        for literal, name, _, _ in _FORMATTER.parse(text):
            parts.append(self.markup.escape(literal))
            if name is not None:
                parts.append(self.escape(values[name]))
        return "".join(parts)

    def escape(self, value: object) -> Rendered:
        """`value` as text in this markup (unchanged when it is `Rendered`)."""
        if isinstance(value, Rendered):
            return value
        return Rendered(self.markup.escape(str(value)))

    def wrap(self, tag: str, text: Rendered) -> Rendered:
        """`text` in bold (`b`), italics (`i`) or code (`code`)."""
        return Rendered(f"{self.markup.tags[f'<{tag}>']}{text}{self.markup.tags[f'</{tag}>']}")


SHARED_TEXTS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "not_subscribed": "{Here} krijgt nog geen alerts. Stuur {start} om te beginnen.",
        "managed_by_config": (
            "De filters van {here} staan in het configuratiebestand van wirewatch; "
            "vraag de beheerder van wirewatch om ze te wijzigen."
        ),
        "usage": "Gebruik: <code>{usage}</code>\nVoorbeeld: <code>{example}</code>",
        "stopped": "⛔ Gestopt: {here} krijgt geen alerts meer. Met {start} gaat het weer verder.",
        "stop_cancelled": "Oké, er verandert niets.",
        "stop_not_on": "{Here} kreeg geen alerts; er is niets te stoppen.",
        "paused": "⏸ Gepauzeerd: er komen geen nieuwe alerts tot {resume}.",
        "resumed": "▶️ De alerts staan weer aan.",
        "lang_set": "De taal van {here} is nu Nederlands.",
        "mode_all": "Modus <b>alles</b>: je krijgt elk bericht (uitsluitingen gelden nog).",
        "mode_filtered": "Modus <b>gefilterd</b>: je krijgt alleen wat door je trefwoorden en landen komt.",
        "added": "Toegevoegd: {values}",
        "removed": "Verwijderd: {values}",
        "already": "Stond er al: {values}",
        "absent": "Stond er niet in: {values}",
        "cleared": "{field}: gewist.",
        "now": "{field} nu: {values}",
        "none": "geen",
        "include": "Trefwoorden",
        "exclude": "Uitsluitingen",
        "countries": "Landen",
        "filters_title": "<b>Filters</b>",
        "state": "Status: {state}",
        "state_active": "✅ actief",
        "state_paused": "⏸ gepauzeerd ({resume})",
        "state_stopped": "⛔ gestopt ({start})",
        "mode": "Modus: {mode}",
        "mode_name_all": "alles",
        "mode_name_filtered": "gefilterd",
        "language": "Taal: Nederlands",
        "from_config": "<i>Ingesteld in het configuratiebestand.</i>",
        "any_keyword": "geen (geen trefwoord nodig)",
        "any_country": "geen (alle landen)",
        "sum_all": "Je krijgt elk bericht.",
        "sum_nothing": "Zonder trefwoorden en landen krijg je elk bericht.",
        "sum_keywords": "Je krijgt berichten met minstens één trefwoord.",
        "sum_countries": "Je krijgt berichten over minstens één van je landen.",
        "sum_both": "Je krijgt berichten met een trefwoord én over een van je landen.",
        "sum_exclude": "Berichten met een uitgesloten woord komen nooit.",
        "latest_title": "<b>De laatste berichten voor {here}</b>",
        "latest_none": "Er zijn nog geen berichten die bij de filters van {here} passen.",
        "test_yes": "✅ Deze tekst zou hier een alert geven.",
        "test_no": "❌ Deze tekst zou hier géén alert geven.",
        "test_read": "Gelezen: {facts}",
        "test_place": "plaats {place}",
        "test_no_country": "geen land herkend",
        "test_why": "Waarom:",
        "sources": "<b>Bronnen</b>",
        "sources_summary": "Bronnen: {ok} van {total} werken · laatste poging {last}",
        "source_ok": "✅ {name} — laatste poging {attempt}, laatst gelukt {success}",
        "source_failing": "⚠️ {name} — {failures}× op rij mislukt, laatst gelukt {success}: {error}",
        "never": "nooit",
        "no_sources": "Er zijn nog geen bronnen.",
        "chat_status": "<b>{Here}</b>: {state} · {queued} alert(s) in de wachtrij",
        "chat_status_none": "<b>{Here}</b>: geen alerts ({start})",
        "apology": "Sorry, er ging iets mis. Probeer het later nog eens.",
        "health_failing": "⚠️ Bron {source} is {failures}× op rij mislukt: {error}",
        "health_recovered": "✅ Bron {source} werkt weer.",
    },
    "en": {
        "not_subscribed": "{Here} does not get alerts yet. Send {start} to begin.",
        "managed_by_config": (
            "{Heres} filters are set in wirewatch's configuration file; ask whoever runs wirewatch to "
            "change them."
        ),
        "usage": "Usage: <code>{usage}</code>\nExample: <code>{example}</code>",
        "stopped": "⛔ Stopped: {here} gets no more alerts. {start} carries on.",
        "stop_cancelled": "OK, nothing changes.",
        "stop_not_on": "{Here} was not getting alerts; there is nothing to stop.",
        "paused": "⏸ Paused: no new alerts until {resume}.",
        "resumed": "▶️ Alerts are on again.",
        "lang_set": "{Heres} language is now English.",
        "mode_all": "Mode <b>all</b>: you get every item (exclusions still apply).",
        "mode_filtered": "Mode <b>filtered</b>: you get only what passes your keywords and countries.",
        "added": "Added: {values}",
        "removed": "Removed: {values}",
        "already": "Already there: {values}",
        "absent": "Not in the list: {values}",
        "cleared": "{field}: cleared.",
        "now": "{field} now: {values}",
        "none": "none",
        "include": "Keywords",
        "exclude": "Excluded words",
        "countries": "Countries",
        "filters_title": "<b>Filters</b>",
        "state": "State: {state}",
        "state_active": "✅ active",
        "state_paused": "⏸ paused ({resume})",
        "state_stopped": "⛔ stopped ({start})",
        "mode": "Mode: {mode}",
        "mode_name_all": "all",
        "mode_name_filtered": "filtered",
        "language": "Language: English",
        "from_config": "<i>Set in the configuration file.</i>",
        "any_keyword": "none (no keyword needed)",
        "any_country": "none (any country)",
        "sum_all": "You get every item.",
        "sum_nothing": "Without keywords and countries you get every item.",
        "sum_keywords": "You get items with at least one keyword.",
        "sum_countries": "You get items about at least one of your countries.",
        "sum_both": "You get items with a keyword and about one of your countries.",
        "sum_exclude": "Items with an excluded word never come.",
        "latest_title": "<b>The latest items for {here}</b>",
        "latest_none": "No items match {heres} filters yet.",
        "test_yes": "✅ This text would alert here.",
        "test_no": "❌ This text would not alert here.",
        "test_read": "Read: {facts}",
        "test_place": "place {place}",
        "test_no_country": "no country found",
        "test_why": "Why:",
        "sources": "<b>Sources</b>",
        "sources_summary": "Sources: {ok} of {total} working · last attempt {last}",
        "source_ok": "✅ {name} — last attempt {attempt}, last success {success}",
        "source_failing": "⚠️ {name} — failed {failures}× in a row, last success {success}: {error}",
        "never": "never",
        "no_sources": "There are no sources yet.",
        "chat_status": "<b>{Here}</b>: {state} · {queued} alert(s) queued",
        "chat_status_none": "<b>{Here}</b>: no alerts ({start})",
        "apology": "Sorry, something went wrong. Please try again later.",
        "health_failing": "⚠️ Source {source} failed {failures}× in a row: {error}",
        "health_recovered": "✅ Source {source} works again.",
    },
}
