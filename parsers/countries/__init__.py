"""Which countries a news item is about: ISO 3166-1 alpha-2 codes, the dateline's country first.

`tag_text` and `tag_item` find Dutch and English country names, short forms, adjectives, demonyms, capitals,
cities, metonyms ("Kremlin", "Witte Huis") and organisations that stand for a territory ("Hamas",
"Hezbollah") in running text, skip places that are part of another name ("Washington Post", "minister Van
Engeland") or only a cited source's nationality ("het Britse persbureau Reuters"), and resolve dateline
places, including small towns, through a compact GeoNames gazetteer. Regions and international
organisations (EU, NATO, UN, Midden-Oosten) are kept apart from countries. `lookup_country`,
`suggest_countries`, `country_name` and `flag` serve user input and display. Data: `parsers/data/` (see SOURCES.md there); everything is loaded lazily, once.
"""

from __future__ import annotations

from parsers.countries._errors import CountryDataError, CountryError, UnknownCountry, UnsupportedLanguage
from parsers.countries._lookup import country_name, flag, lookup_country, suggest_countries
from parsers.countries._tagger import Tags, tag_text
from parsers.models import Item

__all__ = [
    "CountryDataError",
    "CountryError",
    "Tags",
    "UnknownCountry",
    "UnsupportedLanguage",
    "country_name",
    "flag",
    "lookup_country",
    "suggest_countries",
    "tag_item",
    "tag_text",
    "tagged_text",
]


def tagged_text(item: Item) -> str:
    """The text `tag_item` reads: the title, a newline, then the lead; evidence offsets index it."""
    return f"{item.title}\n{item.text}" if item.title else item.text


def tag_item(item: Item) -> Item:
    """`item` with its countries, regions and evidence, from its dateline place, title and lead."""
    tags = tag_text(tagged_text(item), place=item.place)
    return item.with_tags(tags.countries, tags.regions, tags.evidence)
