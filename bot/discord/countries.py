"""Autocomplete for `country:`: ISO codes and Dutch and English names, the best matches first."""

from __future__ import annotations

import unicodedata
from functools import cache

from bot.alerts import COMMON_COUNTRIES, country_label
from parsers.countries import CountryError, country_name, lookup_country, suggest_countries

__all__ = ["MAX_CHOICES", "country_choices"]

MAX_CHOICES = 25  # Discord shows at most 25
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@cache
def _names() -> tuple[tuple[str, str, str], ...]:
    """(code, folded Dutch name, folded English name) of every country the country list knows."""
    found = []
    for first in _LETTERS:
        for second in _LETTERS:
            code = first + second
            try:
                found.append((code, _fold(country_name(code, "nl")), _fold(country_name(code, "en"))))
            except CountryError:
                continue
    return tuple(found)


def country_choices(current: str, language: str) -> list[tuple[str, str]]:
    """(label, code) pairs for what the user has typed so far; the common countries when nothing yet."""
    query = _fold(current)
    if not query:
        codes = list(COMMON_COUNTRIES)
    else:
        ranked: list[tuple[int, str]] = []
        for code, nl, en in _names():
            if query == code.casefold():
                rank = 0
            elif nl.startswith(query) or en.startswith(query):
                rank = 1
            elif query in nl or query in en:
                rank = 2
            else:
                continue
            ranked.append((rank, code))
        codes = [code for _, code in sorted(ranked)]
        exact = lookup_country(current)
        if exact is not None and exact not in codes:
            codes.insert(0, exact)
        if not codes:
            codes = suggest_countries(current, limit=5)
    return [(country_label(code, language)[:100], code) for code in codes[:MAX_CHOICES]]
