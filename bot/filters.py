"""Reading the keywords and countries a chat user types into filter lists, or saying clearly what is wrong.

Keyword syntax (the chat help quotes it; what a keyword then matches is described in `bot.matching`):

- keywords are separated by spaces or commas: `iran gaza, oekraïne`;
- `"double quotes"` group words into a phrase: `"witte huis"` (curly quotes work too);
- a trailing `*` matches the start of a word: `oekra*`; the part before it needs at least 2 letters, and `*`
  may appear nowhere else;
- at most 50 keywords in a list, 100 characters per keyword, 2,000 characters per message.

Keywords come back normalised (lower case, whitespace tidied, duplicates dropped, quotes only around keywords
that need them) so that `" ".join(parse_keywords(raw))` parses to the same tuple again.

Countries are separated by commas (or semicolons or new lines); within one part, several names separated by
spaces are found too (`iran oekraïne verenigde staten`). Names are resolved by the `lookup` given in.

Errors (each carries an English `str()` and `message("nl")`):

    FilterError
     ├── EmptyFilter
     ├── KeywordTooLong
     ├── TooManyKeywords
     │    └── InputTooLong
     ├── InvalidKeyword
     └── UnknownCountry
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from bot.matching import fold_words, keyword_pattern
from parsers.identity import normalize_space

__all__ = [
    "MAX_INPUT_CHARS",
    "MAX_KEYWORDS",
    "MAX_KEYWORD_CHARS",
    "EmptyFilter",
    "FilterError",
    "InputTooLong",
    "InvalidKeyword",
    "KeywordTooLong",
    "TooManyKeywords",
    "UnknownCountry",
    "merge_keywords",
    "parse_countries",
    "parse_keywords",
]

MAX_INPUT_CHARS = 2000
MAX_KEYWORD_CHARS = 100
MAX_KEYWORDS = 50
MIN_PREFIX_CHARS = 2
_SHOWN_CHARS = 40
_MAX_NAME_WORDS = 6  # longest country name tried when splitting "iran verenigde staten" on spaces
_SUGGESTIONS_SHOWN = 5
_CONNECTORS = frozenset({"en", "and", "&", "+", "/"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "＂": '"'})
_SEPARATORS = frozenset(",")
# Bidirectional overrides and marks can make a keyword display as something else.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(text: str) -> str:
    """`text` as an error message may quote it: control characters replaced, at most 40 characters."""
    text = "".join("\ufffd" if _is_control(ch) else ch for ch in text)
    text = normalize_space(text)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _is_control(ch: str) -> bool:
    return (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") or ch in _BIDI


class FilterError(ValueError):
    """Filter input that cannot be used; `str()` is the English message, `message("nl")` the Dutch one."""

    def __init__(self, en: str, nl: str) -> None:
        super().__init__(en)
        self._nl = nl

    def message(self, lang: str = "en") -> str:
        return self._nl if lang.lower().startswith("nl") else str(self)


class EmptyFilter(FilterError):
    """Nothing usable was typed."""

    def __init__(self, what: str = "keyword") -> None:
        if what == "country":
            super().__init__(
                "Type at least one country, e.g. oekraïne, UA", "Typ minstens één land, bv. oekraïne, UA"
            )
        else:
            super().__init__(
                'Type at least one keyword, e.g. iran "witte huis" oekra*',
                'Typ minstens één trefwoord, bv. iran "witte huis" oekra*',
            )
        self.what = what


class KeywordTooLong(FilterError):
    """One keyword is longer than 100 characters."""

    def __init__(self, keyword: str, limit: int = MAX_KEYWORD_CHARS) -> None:
        shown = _shown(keyword)
        super().__init__(
            f'The keyword "{shown}" is too long: at most {limit} characters',
            f'Het trefwoord "{shown}" is te lang: hooguit {limit} tekens',
        )
        self.keyword = keyword
        self.limit = limit


class TooManyKeywords(FilterError):
    """A list would hold more than 50 keywords."""

    def __init__(self, count: int, limit: int = MAX_KEYWORDS) -> None:
        super().__init__(
            f"That makes {count} keywords; a list holds at most {limit}",
            f"Dat zijn {count} trefwoorden; een lijst bevat er hooguit {limit}",
        )
        self.count = count
        self.limit = limit


class InputTooLong(TooManyKeywords):
    """The message is longer than 2,000 characters; rejected before it is read."""

    def __init__(self, length: int, limit: int = MAX_INPUT_CHARS) -> None:
        FilterError.__init__(
            self,
            f"That is too much at once ({length:,} characters): send at most {limit:,} characters",
            f"Dat is te veel in één keer ({length:,} tekens): stuur hooguit {limit:,} tekens".replace(
                ",", "."
            ),
        )
        self.count = length
        self.length = length
        self.limit = limit


_STAR_SHORT = (
    "does not work: * needs at least 2 letters before it, e.g. oekra*",
    "werkt niet: * heeft minstens 2 letters ervoor nodig, bv. oekra*",
)
_INVALID = {
    "control": ("contains an invisible control character", "bevat een onzichtbaar stuurteken"),
    "lone_star": _STAR_SHORT,
    "short_prefix": _STAR_SHORT,
    "star_position": (
        "does not work: * may only stand at the end of a keyword",
        "werkt niet: * mag alleen aan het eind van een trefwoord staan",
    ),
    "star_after_punctuation": (
        "does not work: * must follow a letter or digit",
        "werkt niet: * moet direct na een letter of cijfer staan",
    ),
    "unbalanced_quote": ('has a " without its closing "', 'heeft een " zonder afsluitende "'),
    "empty_quotes": ("has nothing between the quotes", "heeft niets tussen de aanhalingstekens"),
    "no_letters": ("has no letters or digits", "heeft geen letters of cijfers"),
}


class InvalidKeyword(FilterError):
    """A keyword breaks the syntax: control characters, a misplaced or lone `*`, unbalanced quotes."""

    def __init__(self, keyword: str, reason: str) -> None:
        shown = _shown(keyword)
        en, nl = _INVALID[reason]
        super().__init__(f'The keyword "{shown}" {en}', f'Het trefwoord "{shown}" {nl}')
        self.keyword = keyword
        self.reason = reason


class UnknownCountry(FilterError):
    """A country name was not recognised; `suggestions` holds close names, best first."""

    def __init__(self, query: str, suggestions: Iterable[str] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        shown = _shown(query)
        if self.suggestions:
            names = ", ".join(self.suggestions[:_SUGGESTIONS_SHOWN])
            super().__init__(
                f'Unknown country "{shown}". Did you mean: {names}?',
                f'Onbekend land "{shown}". Bedoel je: {names}?',
            )
        else:
            super().__init__(
                f'Unknown country "{shown}". Use a name such as Oekraïne or a code such as UA',
                f'Onbekend land "{shown}". Gebruik een naam zoals Oekraïne of een code zoals UA',
            )


def _check_raw(raw: str) -> str:
    """Length and control characters, before any other work; returns the text NFC-normalised."""
    if len(raw) > MAX_INPUT_CHARS:
        raise InputTooLong(len(raw))
    for index, ch in enumerate(raw):
        if _is_control(ch):
            start = index
            while start > 0 and not raw[start - 1].isspace() and raw[start - 1] != ",":
                start -= 1
            end = index + 1
            while end < len(raw) and not raw[end].isspace() and raw[end] != ",":
                end += 1
            raise InvalidKeyword(raw[start:end], "control")
    return unicodedata.normalize("NFC", raw).translate(_QUOTES)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(body, quoted) per keyword as typed; a body keeps its `*`s."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in _SEPARATORS:
            i += 1
        elif ch == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise InvalidKeyword(text[i:], "unbalanced_quote")
            body = text[i + 1 : close]
            i = close + 1
            if i < n and text[i] == "*":  # "witte hui"* means "witte hui*"
                body += "*"
                i += 1
            tokens.append((body, True))
        else:
            start = i
            while i < n and not (text[i].isspace() or text[i] in _SEPARATORS or text[i] == '"'):
                i += 1
            tokens.append((text[start:i], False))
    return tokens


def _keyword(body: str, quoted: bool) -> str:
    """One keyword checked and written in its normal form."""
    body = normalize_space(body)
    shown = f'"{body}"' if quoted else body
    if not body:
        raise InvalidKeyword('""', "empty_quotes")
    stem = body.removesuffix("*")
    prefix = stem != body
    if "*" in stem:
        raise InvalidKeyword(shown, "lone_star" if not stem.strip("* ") else "star_position")
    if len(stem) > MAX_KEYWORD_CHARS:
        raise KeywordTooLong(shown)
    words = fold_words(stem)
    if not words:
        raise InvalidKeyword(shown, "lone_star" if prefix and not stem else "no_letters")
    if prefix:
        last = stem.rstrip("".join(ch for ch in stem if unicodedata.combining(ch)))[-1:]
        if not fold_words(last):
            raise InvalidKeyword(shown, "star_after_punctuation")
        if len(words.rsplit(" ", 1)[-1]) < MIN_PREFIX_CHARS:
            raise InvalidKeyword(shown, "short_prefix")
    normal = stem.lower() + ("*" if prefix else "")
    needs_quotes = any(ch.isspace() or ch in _SEPARATORS for ch in normal)
    return f'"{normal}"' if needs_quotes else normal


def _dedupe(keywords: Iterable[str]) -> tuple[str, ...]:
    """Keywords that search for the same thing (`Iran`, `iran`, `"iran"`) kept once, first one wins."""
    seen: dict[str, str] = {}
    for keyword in keywords:
        seen.setdefault(keyword_pattern(keyword) or keyword, keyword)
    return tuple(seen.values())


def parse_keywords(raw: str) -> tuple[str, ...]:
    """The keywords in `raw` (e.g. `iran "witte huis" oekra*, gaza`), normalised; raises a `FilterError`."""
    text = _check_raw(raw)
    keywords = _dedupe(_keyword(body, quoted) for body, quoted in _tokens(text))
    if not keywords:
        raise EmptyFilter("keyword")
    if len(keywords) > MAX_KEYWORDS:
        raise TooManyKeywords(len(keywords))
    return keywords


def merge_keywords(existing: Iterable[str], added: Iterable[str]) -> tuple[str, ...]:
    """`existing` followed by the new ones among `added`; `TooManyKeywords` if that makes more than 50."""
    merged = _dedupe([*existing, *added])
    if len(merged) > MAX_KEYWORDS:
        raise TooManyKeywords(len(merged))
    return merged


def parse_countries(
    raw: str,
    lookup: Callable[[str], str | None],
    suggest: Callable[[str], list[str]],
) -> tuple[str, ...]:
    """ISO codes of the countries named in `raw`, in order, once each.

    `lookup(name)` gives the code of a country name or code (or None); `suggest(name)` gives close names for
    an error message. Raises `UnknownCountry` for the first part no name covers, or another `FilterError`.
    """
    text = _check_raw(raw).replace('"', " ")
    codes: dict[str, None] = {}
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        for code in _countries_in(part.split(), lookup, suggest):
            codes[code.strip().upper()] = None
    if not codes:
        raise EmptyFilter("country")
    return tuple(codes)


def _countries_in(
    words: list[str], lookup: Callable[[str], str | None], suggest: Callable[[str], list[str]]
) -> list[str]:
    """Split `words` into the longest country names `lookup` knows, left to right."""
    found: list[str] = []
    i = 0
    while i < len(words):
        hit = _longest_name(words, i, lookup)
        if hit is not None:
            code, i = hit
            found.append(code)
            continue
        if words[i].casefold() in _CONNECTORS:
            i += 1
            continue
        stop = i + 1
        while stop < len(words) and _longest_name(words, stop, lookup) is None:
            stop += 1
        query = " ".join(words[i:stop])
        raise UnknownCountry(query, suggest(query))
    return found


def _longest_name(
    words: list[str], start: int, lookup: Callable[[str], str | None]
) -> tuple[str, int] | None:
    """(code, end) of the longest run of words from `start` that `lookup` knows."""
    for end in range(min(len(words), start + _MAX_NAME_WORDS), start, -1):
        code = lookup(" ".join(words[start:end]))
        if code:
            return code, end
    return None
