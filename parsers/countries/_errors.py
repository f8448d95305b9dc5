"""Errors of the country package.

CountryError (ValueError)
 ├── UnknownCountry      a code or name that names no country
 ├── UnsupportedLanguage a language other than "nl" or "en"
 └── CountryDataError    the packaged data tables are malformed (a bug, caught by the tests)
"""

from __future__ import annotations

__all__ = ["CountryDataError", "CountryError", "UnknownCountry", "UnsupportedLanguage"]


class CountryError(ValueError):
    """Base class of every error this package raises."""


class UnknownCountry(CountryError):
    """The code or name names no country we know."""


class UnsupportedLanguage(CountryError):
    """Country names exist only in Dutch ("nl") and English ("en")."""


class CountryDataError(CountryError):
    """A packaged data table is malformed."""
