"""The platform-neutral alert: everything a message about one item version shows, in one language.

Built from the event snapshot an outbox row keeps (`alert_from_event`); every formatter in `bot.formatting`
renders this one model, so Telegram, Discord and the console say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from parsers.countries import CountryError, country_name, flag
from parsers.times import LOCAL_ZONE
from storage.models import EventKind, ItemEvent, Language, MessageStyle

__all__ = [
    "COMMON_COUNTRIES",
    "LOCAL_TZ",
    "Alert",
    "alert_from_event",
    "country_label",
    "country_name_or_code",
    "dateline",
    "display_country",
]

# The sources are Dutch news sites; times are shown as their readers see them.
LOCAL_TZ = LOCAL_ZONE
MAX_FLAGS = 3
# The countries Dutch news readers ask for most: offered first where a chat lets people pick.
COMMON_COUNTRIES = ("NL", "BE", "DE", "FR", "GB", "US", "UA", "RU", "IL", "PS", "CN", "TR")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # everything but tab and newline


@dataclass(frozen=True, slots=True)
class Alert:
    """One item version as a message shows it. Text fields are raw news text: formatters escape them."""

    kind: EventKind
    version: int
    source: str
    uid: str
    title: str | None
    lead: str
    place: str | None
    agencies: tuple[str, ...]
    countries: tuple[str, ...]
    country_names: tuple[str, ...]  # in `language`
    flags: str  # up to three flag emoji
    url: str | None
    published_at: datetime | None
    approximate: bool  # the time comes from a relative label ("5 minutes ago")
    time_label: str | None
    language: Language = "nl"
    style: MessageStyle = "full"
    seen_at: datetime | None = None  # when wirewatch first queued this version
    regions: tuple[str, ...] = ()  # such as EU, beside the countries
    zone: tzinfo = LOCAL_TZ  # the time zone times are shown in
    show_zone: bool = False  # say which (`14:05 CET`): where readers may be elsewhere (the console)

    @property
    def edited(self) -> bool:
        return self.kind == "updated"

    @property
    def dateline(self) -> str:
        """`KYIV (ANP/AFP)`, `KYIV`, or empty."""
        return dateline(self.place, self.agencies)

    @property
    def headline(self) -> str:
        """The title, or the lead (on one line) when the item has none."""
        return self.title or " ".join(self.lead.split())

    def local_time(self) -> str | None:
        """`14:05` (`~14:05` when approximate), with the date (`26-11 14:05`) when not published the day it was
        seen; falls back to the source's own time label; None when nothing is known."""
        if self.published_at is None:
            return self.time_label
        local = self.published_at.astimezone(self.zone)
        text = f"{local:%H:%M}"
        if self.seen_at is not None and self.seen_at.astimezone(self.zone).date() != local.date():
            text = f"{local:%d-%m} {text}"
        if self.show_zone:
            text = f"{text} {local:%Z}"
        return f"~{text}" if self.approximate else text


def alert_from_event(
    event: ItemEvent,
    *,
    language: Language = "nl",
    style: MessageStyle = "full",
    seen_at: datetime | None = None,
) -> Alert:
    """The alert for `event` as a destination in `language` with message `style` sees it."""
    item = event.item
    return Alert(
        kind=event.kind,
        version=event.version,
        source=_line(event.source),
        uid=item.uid,
        title=_line(item.title) if item.title else None,
        lead=_CONTROL.sub("", item.text),
        place=_line(item.place) if item.place else None,
        agencies=tuple(_line(a) for a in item.agencies),
        countries=item.countries,
        country_names=tuple(country_name_or_code(code, language) for code in item.countries),
        flags="".join(_flag(code) for code in item.countries[:MAX_FLAGS]),
        url=item.url,
        published_at=item.published_at,
        approximate=item.published_precision is not None,
        time_label=_line(item.time_label) if item.time_label else None,
        language=language,
        style=style,
        seen_at=seen_at,
        regions=item.regions,
    )


def _line(text: str) -> str:
    """One line of text: control characters gone, every run of whitespace one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def dateline(place: str | None, agencies: tuple[str, ...]) -> str:
    """`KYIV (ANP/AFP)`, `KYIV`, or empty."""
    if not place:
        return ""
    return f"{place} ({'/'.join(agencies)})" if agencies else place


def country_name_or_code(code: str, language: str) -> str:
    """`Oekraïne`; the code itself for a code the country list no longer knows."""
    try:
        return country_name(code, "en" if language == "en" else "nl")
    except CountryError:
        return code


def display_country(code: str, language: str) -> str:
    """`Oekraïne (UA)`; the bare code for a code the country list no longer knows."""
    name = country_name_or_code(code, language)
    return code if name == code else f"{name} ({code})"


def country_label(code: str, language: str) -> str:
    """`🇺🇦 Oekraïne (UA)`."""
    mark = _flag(code)
    return f"{mark} {display_country(code, language)}" if mark else display_country(code, language)


def _flag(code: str) -> str:
    try:
        return flag(code)
    except CountryError:
        return ""
