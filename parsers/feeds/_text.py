"""HTML fragments from feeds (titles, descriptions, content) to one line of plain text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from parsers.identity import normalize_space

__all__ = ["TEXT_LIMIT", "bound", "html_to_text"]

TEXT_LIMIT = 1000
ELLIPSIS = "…"

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
})  # fmt: skip
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
_TAG = re.compile(r"<[^<>]*>")


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(fragment: str | None) -> str:
    """Tags removed, entities decoded, whitespace collapsed; block elements separate words."""
    if not fragment:
        return ""
    stripper = _Stripper()
    try:
        stripper.feed(fragment)
        stripper.close()
        text = "".join(stripper.parts)
    except AssertionError:
        # html.parser asserts on some malformed declarations (`<![foo`); a plain tag strip is enough then.
        text = html.unescape(_TAG.sub(" ", fragment))
    return normalize_space(text)


def bound(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` cut to at most `limit` characters, on a word boundary when there is one, ending in `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else cut[:-1]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS
