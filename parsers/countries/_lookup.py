"""Country codes from what people type, and names and flags from codes."""

from __future__ import annotations

import difflib
from functools import cache

from parsers.countries._data import dataset
from parsers.countries._errors import UnknownCountry, UnsupportedLanguage
from parsers.countries._text import fold_key

__all__ = ["country_name", "flag", "lookup_country", "suggest_countries"]

_REGIONAL_A = 0x1F1E6
_CUTOFF = 0.6  # difflib similarity below which a name is no suggestion at all
_SPREAD = 0.1  # suggestions this much less similar than the best one are noise


def _known(code: str) -> str:
    upper = code.strip().upper()
    if upper not in dataset().countries:
        raise UnknownCountry(f"unknown country code {code!r}")
    return upper


def country_name(code: str, lang: str = "nl") -> str:
    """The country's name in Dutch or English: `country_name("US")` is "Verenigde Staten"."""
    if lang not in ("nl", "en"):
        raise UnsupportedLanguage(f"no country names in {lang!r}; use 'nl' or 'en'")
    country = dataset().countries[_known(code)]
    return country.name_nl if lang == "nl" else country.name_en


def flag(code: str) -> str:
    """The flag emoji of a country code: `flag("US")` is "🇺🇸"."""
    return "".join(chr(_REGIONAL_A + ord(letter) - ord("A")) for letter in _known(code))


def _from_flag(query: str) -> str | None:
    if len(query) == 2 and all(_REGIONAL_A <= ord(ch) < _REGIONAL_A + 26 for ch in query):
        return "".join(chr(ord(ch) - _REGIONAL_A + ord("A")) for ch in query)
    return None


@cache
def _iso3() -> dict[str, str]:
    return {country.iso3: code for code, country in dataset().countries.items() if country.iso3}


def lookup_country(query: str) -> str | None:
    """The country code a user means: "US", "us", "VS", "Verenigde Staten", "🇺🇸", "Oekraine" -> a code.

    Accepts ISO alpha-2 and alpha-3 codes, flags, and Dutch or English names, adjectives and demonyms,
    case- and diacritics-insensitively. None when nothing matches (see `suggest_countries`).
    """
    query = query.strip()
    countries = dataset().countries
    code = _from_flag(query)
    if code in countries:
        return code
    if query.isascii() and query.isalpha() and len(query) in (2, 3):
        code = query.upper() if len(query) == 2 else _iso3().get(query.upper())
        if code in countries:
            return code
    return dataset().lookup.get(fold_key(query))


@cache
def _choices() -> tuple[str, ...]:
    return tuple(dataset().lookup)


def suggest_countries(query: str, limit: int = 3) -> list[str]:
    """Codes of the countries whose names are closest to a mistyped `query`: "Oekriane" -> ["UA"]."""
    if limit <= 0:
        return []
    lookup = dataset().lookup
    folded = fold_key(query)
    found: list[str] = []
    best = 0.0
    for name in difflib.get_close_matches(folded, _choices(), n=limit * 5, cutoff=_CUTOFF):
        score = difflib.SequenceMatcher(None, folded, name).ratio()
        best = max(best, score)
        code = lookup[name]
        if score >= best - _SPREAD and code not in found:
            found.append(code)
    return found[:limit]
