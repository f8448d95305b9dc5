"""Errors raised by the parsers.

ParseError               base of everything parsers raise
 +-- NotHtmlError        the body is not an HTML page (binary, JSON, a feed...)
 +-- NotFeedError        the body is not RSS/Atom/JSON Feed
 +-- SelectorError       a configured CSS selector is invalid
 +-- ParseTimeout        the parse ran past the deadline its caller gave (.stage, .deadline, .overrun)
 +-- TooDeep             the page nests its elements deeper than any page that renders (a broken page)
"""

from __future__ import annotations

__all__ = ["NotFeedError", "NotHtmlError", "ParseError", "ParseTimeout", "SelectorError", "TooDeep"]


class ParseError(Exception):
    """Base of every error a parser raises."""


class NotHtmlError(ParseError):
    """The body is not an HTML page (binary, JSON, a feed...)."""


class NotFeedError(ParseError):
    """The body is not an RSS, Atom or JSON Feed document."""


class SelectorError(ParseError):
    """A configured CSS selector is invalid."""


class ParseTimeout(ParseError):
    """The parse ran past the deadline its caller gave: the page is too big or too odd to read in time."""

    def __init__(self, stage: str, deadline: float, overrun: float) -> None:
        super().__init__(f"the parse ran {overrun * 1000:.0f} ms past its deadline (while {stage})")
        self.stage = stage  # what the parser was doing: "reading the page", "finding datelines", ...
        self.deadline = deadline  # the `time.monotonic()` reading the caller gave
        self.overrun = overrun  # seconds past the deadline when the parser noticed


class TooDeep(ParseError):
    """The page nests its elements deeper than any page that renders: a broken page, refused before reading
    it would take minutes (see `parsers.pages._depth`)."""
