"""Errors raised by the parsers.

ParseError               base of everything parsers raise
 +-- NotHtmlError        the body is not an HTML page (binary, JSON, a feed...)
 +-- NotFeedError        the body is not RSS/Atom/JSON Feed
 +-- SelectorError       a configured CSS selector is invalid
"""

from __future__ import annotations

__all__ = ["NotFeedError", "NotHtmlError", "ParseError", "SelectorError"]


class ParseError(Exception):
    """Base of every error a parser raises."""


class NotHtmlError(ParseError):
    """The body is not an HTML page (binary, JSON, a feed...)."""


class NotFeedError(ParseError):
    """The body is not an RSS, Atom or JSON Feed document."""


class SelectorError(ParseError):
    """A configured CSS selector is invalid."""
