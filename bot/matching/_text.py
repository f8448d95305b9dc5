"""Folding text and keywords into the form the matcher compares.

Every character is case-folded, decomposed and stripped of its marks (`Oekraïne` -> `oekraine`, `Straße` ->
`strasse`, `İ` -> `i`); letters and digits stay, every other character is a separator and each run of
separators becomes one space. The result is padded with a space on both sides, so a word keyword `iran` is the
pattern `" iran "` and finds whole words only (`Iran's` -> `" iran s "`, `Iran-deal` -> `" iran deal "`), a
phrase is `" witte huis "` and a prefix `oekra*` is `" oekra"`. Keywords and text go through the same
function, so whatever a keyword means, the text is read the same way.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from parsers.identity import normalize_space

__all__ = [
    "SMART_QUOTES",
    "compile_keyword",
    "fold_words",
    "keyword_pattern",
    "normalize_snippet",
    "padded",
    "padded_with_offsets",
]

# Letters that do not decompose but that people type without the stroke.
_EXTRA = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ŀ": "l"}
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "＂": '"'})


def _fold_char(ch: str) -> str:
    """One character as letters and digits, or a space for anything else ('' for invisible format chars)."""
    if unicodedata.category(ch) == "Cf":  # soft hyphen, zero-width space and joiners, BOM
        return ""
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold()):
        if unicodedata.category(part).startswith("M"):
            continue
        part = _EXTRA.get(part, part)
        out.append(part if part.isalnum() else " ")
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A `str.translate` table that works out and remembers each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold_words(text: str) -> str:
    """The folded words of `text` separated by single spaces, without padding."""
    return " ".join(text.translate(_TABLE).split())


def padded(text: str | None) -> str:
    """`fold_words(text)` with a space on both sides: the form keyword patterns are searched in."""
    words = fold_words(text or "")
    return f" {words} " if words else " "


def padded_with_offsets(text: str | None) -> tuple[str, list[int]]:
    """`padded(text)` plus, for each of its characters, the index in `text` it came from (-1 for padding).

    Slower than `padded`; used only to quote the original words in explanations.
    """
    chars: list[str] = [" "]
    offsets: list[int] = [-1]
    for index, ch in enumerate(text or ""):
        for part in _TABLE[ord(ch)]:
            if part == " " and chars[-1] == " ":
                continue
            chars.append(part)
            offsets.append(index)
    if chars[-1] != " ":
        chars.append(" ")
        offsets.append(-1)
    return "".join(chars), offsets


def normalize_snippet(text: str, start: int, end: int, limit: int) -> str:
    """`text[start:end]` widened over the marks that follow it, whitespace tidied, cut to `limit` chars."""
    while end < len(text) and _TABLE[ord(text[end])] == "":
        end += 1
    snippet = normalize_space(text[start:end])
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"


def compile_keyword(keyword: str) -> str | None:
    """The padded pattern a stored keyword searches for, or None if it can never match.

    Lenient on purpose (`bot.filters` is the strict gate): quotes are dropped, a trailing `*` makes the last
    word a prefix, any other `*` is a separator. A keyword without letters or digits matches nothing.
    """
    body = keyword.translate(SMART_QUOTES).replace('"', " ").strip()
    prefix = body.endswith("*")
    words = fold_words(body)
    if not words:
        return None
    return f" {words}" if prefix else f" {words} "


# Cached for the chat commands and the plain rule; `MatchIndex` calls `compile_keyword` and keeps its own
# interned patterns, so that a large index does not also fill (and pin) this cache.
keyword_pattern = lru_cache(maxsize=65536)(compile_keyword)
