"""Text folding that keeps offsets: one character in, one character out.

`fold_text` lower-cases and strips diacritics character by character, so `fold_text(s)[i]` is the folded
form of `s[i]` and a match found in the folded text indexes the original directly. `str.lower()` alone does
not guarantee that ('İ'.lower() is two characters), and NFKD folding of the whole text shifts offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from parsers.words import word_set

__all__ = ["detect_language", "fold_key", "fold_text", "word_set"]

# Characters without a canonical decomposition that still have an obvious Latin base letter.
_EXTRA = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "ŧ": "t",
    # Typographic variants that must compare equal to their plain forms inside names.
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@cache
def _table() -> dict[str, str]:
    """Folded form of every non-ASCII character (up to U+1FFF) whose folded form differs from it."""
    table: dict[str, str] = {}
    for point in range(0x80, 0x2000):
        char = chr(point)
        lower = char.lower()[0]
        base = unicodedata.normalize("NFD", lower)[0]
        folded = base if base.isascii() else lower
        if folded != char:
            table[char] = folded
    for char, plain in _EXTRA.items():
        table[char] = plain
        if len(char.upper()) == 1 and char.upper() != char:
            table[char.upper()] = plain
    return table


def _fold_char(match: re.Match[str]) -> str:
    char = match.group()
    return _table().get(char, char)


def fold_text(text: str) -> str:
    """Lower-case, diacritics-free form of `text` with exactly the same length and offsets."""
    low = text.lower()
    if len(low) != len(text):  # 'İ' lower-cases to two characters
        low = "".join(char.lower()[0] for char in text)
    if low.isascii():
        return low
    # Few characters of a wire text are not ASCII: a regex callback per character beats str.translate.
    return _NON_ASCII.sub(_fold_char, low)


def fold_key(text: str) -> str:
    """Folded, space-collapsed form of a name, for dictionary keys (offsets do not matter here)."""
    return " ".join(fold_text(text).split())


_WORD = re.compile(r"[a-z]+")
_NL_WORDS = word_set(
    "de het een van en op dat niet met voor zijn die er te naar bij ook door om aan heeft werd zei "
    "volgens nog over tegen maar hij zij wordt deze zich hebben moet kan gaat worden waren meer dan"
)
_EN_WORDS = word_set(
    "the of and to a that for on with was as by it at from said has have were after who will its their "
    "but not this been he she his her they are be would could says told than more"
)


def detect_language(folded: str) -> str:
    """'nl', 'en', or '' when folded text has too few common words to tell."""
    nl = en = 0
    for word in _WORD.findall(folded, 0, 800):
        if word in _NL_WORDS:
            nl += 1
        elif word in _EN_WORDS:
            en += 1
    if nl == en:
        return ""
    return "en" if en > nl else "nl"
