"""Benchmark the country tagger: one-time load and build cost, then items per second.

Run: `uv run python -m benchmarks.bench_tagging`. It tags every labelled wire lead of
`tests/parsers/data_countries_cases.toml`, repeating the set for about a second.
"""

from __future__ import annotations

import importlib
import time
import tomllib
from pathlib import Path

CASES_FILE = Path(__file__).resolve().parent.parent / "tests" / "parsers" / "data_countries_cases.toml"
TARGET_SECONDS = 1.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    started = time.perf_counter()
    countries = importlib.import_module("parsers.countries")
    data = importlib.import_module("parsers.countries._data")
    tagger = importlib.import_module("parsers.countries._tagger")
    imported = time.perf_counter()
    dataset = data.dataset()
    loaded = time.perf_counter()
    automaton = tagger._automaton()
    built = time.perf_counter()
    gazetteer = data.gazetteer()
    gazetteer_done = time.perf_counter()

    cases = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
    inputs = [(case["text"], case.get("place")) for case in cases]
    chars = sum(len(text) for text, _ in inputs) / len(inputs)
    tag_text = countries.tag_text
    for text, place in inputs:  # warm the dateline cache paths once
        tag_text(text, place=place)
    items = 0
    begin = time.perf_counter()
    while time.perf_counter() - begin < TARGET_SECONDS:
        for text, place in inputs:
            tag_text(text, place=place)
        items += len(inputs)
    elapsed = time.perf_counter() - begin

    print(f"import:           {_ms(imported - started)}")
    print(
        f"load tables:      {_ms(loaded - imported)} ({len(dataset.forms)} forms, {len(dataset.places)} places)"
    )
    print(f"build automaton:  {_ms(built - loaded)} ({len(automaton)} keys)")
    print(
        f"load gazetteer:   {_ms(gazetteer_done - built)} ({len(gazetteer)} places; loaded on the first dateline"
    )
    print("                  the country tables lack, such as MEITAR)")
    print(f"first-call total: {_ms(built - started)} without the gazetteer")
    print(f"tagging:          {items / elapsed:,.0f} items/s, {elapsed / items * 1e6:.1f} µs/item")
    print(f"                  over {len(inputs)} labelled leads of {chars:.0f} characters on average")
    text, place = max(inputs, key=lambda pair: len(pair[0]))
    rounds = 2000
    begin = time.perf_counter()
    for _ in range(rounds):
        tag_text(text, place=place)
    longest = (time.perf_counter() - begin) / rounds
    print(f"longest lead:     {longest * 1e6:.1f} µs for {len(text)} characters")


if __name__ == "__main__":
    main()
