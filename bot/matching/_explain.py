"""`explain`: why one subscription does or does not want an item, in words a chat user understands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.matching._reference import matches, norm_countries, norm_source, norm_sources
from bot.matching._text import keyword_pattern, normalize_snippet, padded_with_offsets
from parsers.models import Item
from storage.models import Subscription

__all__ = ["CountryName", "Explanation", "explain"]

CountryName = Callable[[str, str], str]  # (ISO code, "en" | "nl") -> display name
_LIST_MAX = 10
_QUOTE_MAX = 60

_EN = {
    "paused": "Paused",
    "source_out": "Source {source} is not in your sources",
    "source_in": "Source {source} is in your sources",
    "excluded": 'Excluded by {keyword} ("{found}") in the {field}',
    "no_exclusion": "No exclusion matched ({keywords})",
    "mode_all": "Mode all: you get every item from your sources",
    "no_filters": "No keywords and no countries set: you get every item from your sources",
    "keyword": 'Matched keyword {keyword} ("{found}") in the {field}',
    "no_keyword": "No keyword matched ({keywords})",
    "country_in": "Country {country} is in your countries",
    "country_none": "The item has no country; your countries: {mine}",
    "country_out": "None of the item's countries ({theirs}) is in your countries ({mine})",
    "title": "title",
    "lead": "lead",
}
_NL = {
    "paused": "Gepauzeerd",
    "source_out": "Bron {source} staat niet in je bronnen",
    "source_in": "Bron {source} staat in je bronnen",
    "excluded": 'Uitgesloten door {keyword} ("{found}") in de {field}',
    "no_exclusion": "Geen uitsluiting gevonden ({keywords})",
    "mode_all": "Modus alles: je krijgt elk bericht uit je bronnen",
    "no_filters": "Geen trefwoorden en geen landen ingesteld: je krijgt elk bericht uit je bronnen",
    "keyword": 'Trefwoord {keyword} gevonden ("{found}") in de {field}',
    "no_keyword": "Geen trefwoord gevonden ({keywords})",
    "country_in": "Land {country} staat in je landen",
    "country_none": "Het bericht heeft geen land; jouw landen: {mine}",
    "country_out": "Geen van de landen van het bericht ({theirs}) staat in je landen ({mine})",
    "title": "titel",
    "lead": "tekst",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Whether a subscription wants an item, and the reasons, one short sentence each."""

    matched: bool
    reasons: tuple[str, ...]


def _quoted(keyword: str) -> str:
    """A keyword in quotes, unless it is a phrase that already has them."""
    return keyword if keyword.startswith('"') else f'"{keyword}"'


def _listed(values: Iterable[str]) -> str:
    values = list(values)
    shown = ", ".join(values[:_LIST_MAX])
    return shown + (", …" if len(values) > _LIST_MAX else "")


class _Finder:
    """Finds keywords in an item's title and lead and quotes the words as the item has them."""

    def __init__(self, item: Item) -> None:
        self._fields = [("title", item.title or ""), ("lead", item.text)]
        self._folded = [padded_with_offsets(text) for _, text in self._fields]

    def find(self, keyword: str) -> tuple[str, str] | None:
        """(field, quoted original words) of the first place `keyword` matches, or None."""
        pattern = keyword_pattern(keyword)
        if pattern is None:
            return None
        for (field, original), (folded, offsets) in zip(self._fields, self._folded, strict=True):
            at = folded.find(pattern)
            if at < 0:
                continue
            end = at + len(pattern) - 1  # the last character of the pattern
            while folded[end] == " ":
                end -= 1
            while folded[end + 1] != " ":  # a prefix: quote the whole word
                end += 1
            return field, normalize_snippet(original, offsets[at + 1], offsets[end] + 1, _QUOTE_MAX)
        return None


def explain(
    item: Item,
    source: str,
    sub: Subscription,
    lang: str = "en",
    country_name: CountryName | None = None,
) -> Explanation:
    """Why `sub` does or does not want `item` from `source`; `lang` is "en" or "nl" (anything else: English).

    `matched` always equals `matches(item, source, sub)`. A match lists what let the item through; a miss
    lists every rule that stopped it (for a paused subscription, only that).
    """
    words = _NL if lang.lower().startswith("nl") else _EN
    matched = matches(item, source, sub)
    if sub.paused:
        return Explanation(matched, (words["paused"],))

    def country(code: str) -> str:
        name = country_name(code, "nl" if words is _NL else "en") if country_name else None
        return f"{code} ({name})" if name and name != code else code

    passed: list[str] = []
    failed: list[str] = []
    if sub.sources:
        good = norm_source(source) in norm_sources(sub.sources)
        (passed if good else failed).append(
            words["source_in" if good else "source_out"].format(source=source)
        )
    finder = _Finder(item)
    if sub.mode == "all":
        passed.append(words["mode_all"])
    elif not sub.include and not sub.countries:
        passed.append(words["no_filters"])
    if sub.mode != "all" and sub.include:
        hits = [(k, finder.find(k)) for k in sub.include]
        found = [(k, where) for k, where in hits if where is not None]
        for keyword, (field, quoted) in found:
            passed.append(words["keyword"].format(keyword=_quoted(keyword), found=quoted, field=words[field]))
        if not found:
            failed.append(words["no_keyword"].format(keywords=_listed(sub.include)))
    if sub.mode != "all" and sub.countries:
        mine = sorted(norm_countries(sub.countries))
        theirs = sorted(norm_countries(item.countries))
        common = [code for code in theirs if code in mine]
        for code in common:
            passed.append(words["country_in"].format(country=country(code)))
        if not theirs:
            failed.append(words["country_none"].format(mine=_listed(map(country, mine))))
        elif not common:
            failed.append(
                words["country_out"].format(
                    theirs=_listed(map(country, theirs)), mine=_listed(map(country, mine))
                )
            )
    if sub.exclude:
        excluded = [(k, where) for k in sub.exclude if (where := finder.find(k)) is not None]
        for keyword, (field, quoted) in excluded:
            failed.append(
                words["excluded"].format(keyword=_quoted(keyword), found=quoted, field=words[field])
            )
        if not excluded:
            passed.append(words["no_exclusion"].format(keywords=_listed(sub.exclude)))
    return Explanation(matched, tuple(passed if matched else failed))
