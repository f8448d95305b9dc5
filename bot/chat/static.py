"""Destinations set up in the config file (`[[telegram.destinations]]`, `[[discord.destinations]]`): the filter
settings every platform shares, declared and checked once. A platform's own table adds where to post.

    @dataclass(frozen=True, slots=True, kw_only=True)
    class StaticDestination(StaticFilters):
        chat: Annotated[int | str, Setting(...)]

Keywords and countries are read in the chat syntax (`bot.filters`) and kept normalised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from bot.alerts import display_country
from bot.chat.records import StaticSubscription
from bot.filters import FilterError, merge_keywords, parse_countries, parse_keywords
from bot.settings import Setting, SettingError, table
from parsers.countries import lookup_country, suggest_countries
from storage.models import Language, SubscriptionMode

__all__ = ["StaticFilters", "check_countries", "check_keywords"]


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def check_keywords(value: str | tuple[str, ...], context: Mapping[str, Any]) -> tuple[str, ...]:
    """Keywords in the chat syntax, one string or a list of them, normalised and merged."""
    keywords: tuple[str, ...] = ()
    try:
        for text in _texts(value):
            keywords = merge_keywords(keywords, parse_keywords(text))
    except FilterError as exc:
        raise SettingError(str(exc)) from None
    return keywords


def check_countries(value: str | tuple[str, ...], context: Mapping[str, Any]) -> tuple[str, ...]:
    """Countries as ISO codes, from codes, Dutch or English names and flags."""
    codes: dict[str, None] = {}
    try:
        for text in _texts(value):
            found = parse_countries(
                text,
                lookup_country,
                lambda query: [display_country(c, "en") for c in suggest_countries(query)],
            )
            codes.update(dict.fromkeys(found))
    except FilterError as exc:
        raise SettingError(str(exc)) from None
    return tuple(codes)


_KEYWORDS = 'a list of keywords such as ["iran", "\\"witte huis\\"", "oekra*"]'


@table
@dataclass(frozen=True, slots=True, kw_only=True)
class StaticFilters:
    """The filters of a destination set up in the config file (the file wins over chat commands)."""

    keywords: Annotated[
        str | tuple[str, ...],
        Setting(
            'Keywords in the chat syntax: an item must contain one of them (mode "filtered").',
            expected=_KEYWORDS,
            check=check_keywords,
        ),
    ] = ()
    exclude: Annotated[
        str | tuple[str, ...],
        Setting("Items with any of these words never come.", expected=_KEYWORDS, check=check_keywords),
    ] = ()
    countries: Annotated[
        str | tuple[str, ...],
        Setting(
            "Countries: ISO codes, Dutch or English names, or flags.",
            expected='a list of countries such as ["UA", "Rusland"]',
            check=check_countries,
        ),
    ] = ()
    mode: Annotated[
        SubscriptionMode,
        Setting(
            '"filtered": keywords and countries must match (none set = everything); "all": all but exclusions.'
        ),
    ] = "filtered"
    language: Annotated[Language, Setting('The language of the alerts: "nl" or "en".')] = "nl"

    def subscription(self, key: str) -> StaticSubscription:
        """What the file asks for destination `key`."""
        return StaticSubscription(
            key=key,
            include=_texts(self.keywords),
            exclude=_texts(self.exclude),
            countries=_texts(self.countries),
            mode=self.mode,
            language=self.language,
        )
