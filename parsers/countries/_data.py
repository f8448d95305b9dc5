"""The country tables: curated `countries.toml` over generated `countries_generated.toml`, merged once.

Everything here is read lazily on first use and cached for the life of the process. The dateline gazetteer
(`gazetteer.tsv.gz`, about 150,000 places) is loaded separately, only when a dateline is not a place the
country tables already know.
"""

from __future__ import annotations

import gzip
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from parsers.countries._errors import CountryDataError
from parsers.countries._text import fold_key, fold_text

__all__ = [
    "KINDS",
    "Ambiguity",
    "Country",
    "Dataset",
    "Form",
    "dataset",
    "form_conflicts",
    "gazetteer",
    "place_key",
]

CURATED = "countries.toml"
GENERATED = "countries_generated.toml"
GAZETTEER = "gazetteer.tsv.gz"

# Table key -> evidence kind, in order of preference when one form is listed under several kinds.
KINDS = {
    "names": "name",
    "capitals": "capital",
    "cities": "city",
    "metonyms": "metonym",
    "demonyms": "demonym",
    "adjectives": "adjective",
    "organisations": "organisation",
}
_COUNTRY_KEYS = {*KINDS, "datelines", "remove", "nl", "en", "iso3"}
_RULE_KEYS = {"name_risk", "neighbour_risk", "nl_only", "en_only", "needs_article", "block"}
_PLACE_KINDS = ("names", "capitals", "cities", "metonyms")


@dataclass(frozen=True, slots=True)
class Form:
    """One surface form the tagger looks for, and what a match of it means."""

    text: str
    target: str  # a country code, a region id, or "" (blocked phrase, ambiguous form)
    kind: str  # an evidence kind, or "region", "block", "ambiguous"
    exact: bool = False  # the case must match exactly (VS, US, EU, NAVO)
    caps_guard: bool = False  # rejected next to an all-capital word (LET US KNOW)
    name_risk: bool = False  # a person's name next to a capitalised word (Michael Jordan), and after that
    neighbour_risk: bool = False  # rejected next to a capitalised word, nothing more (Isleta Indian Tribe)
    lang: str | None = None  # only in text of this language
    needs_article: bool = False  # only right after "de", "een", "the", "a" ("de Noor", not "Noor zei")


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A form that names different countries (Georgia): by language, else by cue words in the same text."""

    by_lang: Mapping[str, str]
    cues: tuple[tuple[str, tuple[str, ...]], ...]  # (code, folded cue words), in order of preference
    lookup: str | None  # what `lookup_country` answers for the bare form


@dataclass(frozen=True, slots=True)
class Country:
    """A country's code and display names."""

    code: str
    iso3: str
    name_nl: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """All tables merged: what the tagger and the lookups read."""

    countries: Mapping[str, Country]
    forms: tuple[Form, ...]
    places: Mapping[str, str]  # place_key(place) -> code, for datelines
    ambiguous: Mapping[str, Ambiguity]  # folded form -> how to resolve it
    lookup: Mapping[str, str]  # folded name, adjective or demonym -> code
    regions: frozenset[str]


def place_key(name: str) -> str:
    """The key of a place in the dateline tables and the gazetteer: folded, upper-cased, single-spaced."""
    return fold_key(name).upper()


def _read(name: str) -> bytes:
    return files("parsers").joinpath("data", name).read_bytes()


def _load_toml(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(_read(name).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CountryDataError(f"cannot read parsers/data/{name}: {exc}") from exc


def _strings(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise CountryDataError(f"{where}.{key} must be a list of non-empty strings")
    return value


def _flags(text: str, rules: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    letters = [ch for ch in text if ch.isalpha()]
    exact = 2 <= len(letters) <= 4 and all(ch.isupper() for ch in letters)
    folded = fold_key(text)
    lang = "nl" if folded in rules["nl_only"] else "en" if folded in rules["en_only"] else None
    return {
        "exact": exact,
        "caps_guard": exact and len(letters) <= 3 and "." not in text,
        "name_risk": folded in rules["name_risk"],
        "neighbour_risk": folded in rules["neighbour_risk"],
        "lang": lang,
        "needs_article": folded in rules["needs_article"],
    }


def _check_country_table(code: str, table: Any, known: Mapping[str, Any]) -> None:
    if not isinstance(table, dict):
        raise CountryDataError(f"[{code}] must be a table")
    if code not in known:
        raise CountryDataError(f"[{code}] is not a country code of the generated table")
    unknown = set(table) - _COUNTRY_KEYS
    if unknown:
        raise CountryDataError(f"[{code}] has unknown keys {sorted(unknown)}")


@cache
def dataset() -> Dataset:
    """The merged tables (built once)."""
    generated = _load_toml(GENERATED)
    curated = _load_toml(CURATED)
    rules_table = curated.get("_rules", {})
    if set(rules_table) - _RULE_KEYS:
        raise CountryDataError(f"[_rules] has unknown keys {sorted(set(rules_table) - _RULE_KEYS)}")
    rules = {key: frozenset(fold_key(s) for s in _strings(rules_table, key, "_rules")) for key in _RULE_KEYS}
    for code, table in curated.items():
        if not code.startswith("_"):
            _check_country_table(code, table, generated)
    ambiguous = {
        fold_key(text): _ambiguity(text, spec, generated)
        for text, spec in curated.get("_ambiguous", {}).items()
    }
    forms = [Form(text, "", "ambiguous", **_flags(text, rules)) for text in curated.get("_ambiguous", {})]
    forms += [
        Form(text, "", "block", **_flags(text, rules)) for text in _strings(rules_table, "block", "_rules")
    ]
    for region, table in curated.get("_regions", {}).items():
        for text in _strings(table, "names", f"_regions.{region}"):
            forms.append(Form(text, region, "region", **_flags(text, rules)))
    tables = _CountryTables()
    for code, gen in generated.items():
        tables.add(code, gen, curated.get(code, {}), rules, forms)
    for text in (form.text for form in forms if form.kind == "region"):
        tables.lookup.pop(fold_key(text), None)
    for folded, ambiguity in ambiguous.items():
        if ambiguity.lookup:
            tables.lookup[folded] = ambiguity.lookup
    return Dataset(
        countries=tables.countries,
        forms=tuple(forms),
        places=tables.places(),
        ambiguous=ambiguous,
        lookup=tables.lookup,
        regions=frozenset(curated.get("_regions", {})),
    )


class _CountryTables:
    """Accumulates the per-country parts of the dataset, curated entries before generated ones."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {}
        self.lookup: dict[str, str] = {}
        # Dateline places by priority: generated exemplar cities < generated names, capitals and cities <
        # curated ones < curated dateline-only places.
        self._layers: tuple[dict[str, str], ...] = ({}, {}, {}, {})

    def add(
        self,
        code: str,
        gen: Mapping[str, Any],
        cur: Mapping[str, Any],
        rules: Mapping[str, frozenset[str]],
        forms: list[Form],
    ) -> None:
        self.countries[code] = Country(code, gen["iso3"], cur.get("nl", gen["nl"]), cur.get("en", gen["en"]))
        removed = {fold_key(text) for text in _strings(cur, "remove", code)}
        dateline_only = {fold_key(text) for text in _strings(cur, "datelines", code)}
        for text in _strings(gen, "datelines", code):
            self._layers[0].setdefault(place_key(text), code)
        for text in _strings(cur, "datelines", code):
            self._layers[3][place_key(text)] = code
        seen: set[str] = set()
        for key, kind in KINDS.items():
            for source, layer in ((cur, self._layers[2]), (gen, self._layers[1])):
                for text in _strings(source, key, code):
                    folded = fold_key(text)
                    if folded in removed:
                        continue
                    if key in _PLACE_KINDS:
                        layer[place_key(text)] = code
                    if key in ("names", "adjectives", "demonyms"):
                        self.lookup.setdefault(folded, code)
                    if folded not in seen and folded not in dateline_only:
                        seen.add(folded)
                        forms.append(Form(text, code, kind, **_flags(text, rules)))

    def places(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for layer in self._layers:
            merged.update(layer)
        return merged


def _ambiguity(text: str, spec: Any, known: Mapping[str, Any]) -> Ambiguity:
    where = f"_ambiguous.{text}"
    if not isinstance(spec, dict):
        raise CountryDataError(f"[{where}] must be a table")
    by_lang = {lang: spec[lang] for lang in ("nl", "en") if lang in spec}
    lookup = spec.get("lookup")
    cues = []
    for code in spec:
        if code in ("nl", "en", "lookup"):
            continue
        if code not in known:
            raise CountryDataError(f"[{where}] names unknown country {code!r}")
        cues.append((code, tuple(fold_key(word) for word in _strings(spec, code, where))))
    for code in [*by_lang.values(), lookup]:
        if code is not None and code not in known:
            raise CountryDataError(f"[{where}] names unknown country {code!r}")
    return Ambiguity(by_lang, tuple(cues), lookup)


def form_conflicts(data: Dataset) -> dict[str, set[str]]:
    """Folded forms that would name two different countries or regions (the data must have none)."""
    targets: dict[str, set[str]] = {}
    for form in data.forms:
        targets.setdefault(fold_text(form.text), set()).add(form.target)
    return {text: found for text, found in targets.items() if len(found) > 1}


@cache
def gazetteer() -> Mapping[str, str]:
    """place_key(place) -> country code for GeoNames cities of 5,000 people or more (loaded once)."""
    try:
        lines = gzip.decompress(_read(GAZETTEER)).decode("utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise CountryDataError(f"cannot read parsers/data/{GAZETTEER}: {exc}") from exc
    table: dict[str, str] = {}
    for line in lines:
        name, _, code = line.partition("\t")
        table[name] = code
    return table
