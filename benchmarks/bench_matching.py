"""How fast `MatchIndex` builds and answers at 1k, 10k and 100k subscriptions of five keywords each.

Run: `uv run python -m benchmarks.bench_matching`. The data is synthetic but shaped like the real thing: a
vocabulary of real Dutch news words plus made-up ones (about 20,000 in all) drawn with a Zipf-like skew,
items of a 12-word title and a 45-word lead full of stop words, subscriptions of five keywords (mostly words,
some `prefix*` and `"two words"`), a tenth of them country-only, a few in mode `all`, a few limited to sources.
"""

from __future__ import annotations

import random
import statistics
import time
from itertools import accumulate

from bot.matching import MatchIndex, matches
from parsers.identity import content_hash
from parsers.models import Item
from storage.models import Subscription

SIZES = (1_000, 10_000, 100_000)
ITEMS = 2_000
KEYWORDS_PER_SUB = 5
SEED = 20261127


def _words(text: str) -> list[str]:
    return text.split()


STOP_WORDS = _words(
    "de het een en van in op te dat die is met voor niet aan er om ook als bij nog door naar maar dan uit "
    "zijn heeft wordt werd over tegen na al meer jaar dit wel zegt volgens sinds"
)
NEWS_WORDS = _words(
    "iran oekraïne rusland israël gaza navo kabinet minister premier president verkiezingen regering "
    "aanslag explosie brand storm overstroming aardbeving politie rechter rechtbank staking vakbond "
    "inflatie rente beurs olie gas stroom energie klimaat stikstof boeren asiel migratie grens leger "
    "drones raketten aanval bestand onderhandelingen gijzelaars vluchtelingen hulp ziekenhuis corona "
    "vaccin school studenten woningen huur hypotheek belasting begroting tweede kamer senaat gemeente "
    "provincie zeeland rotterdam amsterdam utrecht den haag brussel washington moskou kyiv teheran "
    "jeruzalem beijing taiwan china verenigde staten duitsland frankrijk belgië turkije syrië libanon "
    "voetbal ajax feyenoord psv oranje wielrennen formule verstappen olympische spelen sport tennis "
    "schaatsen koning koningin prinses rechtszaak fraude corruptie hack cyberaanval storing trein schiphol "
    "klm vliegtuig ongeluk snelweg file weer hitte sneeuw droogte oogst export handel tarieven sancties"
)
COUNTRIES = _words(
    "UA RU IL PS IR US CN DE FR BE NL TR SY LB GB TW JP KR IN PK AF IQ SA EG LY SD ET KE NG ZA BR AR MX VE "
    "CA AU PL HU IT ES"
)
COUNTRY_WEIGHTS = list(accumulate(1.0 / (rank + 2) for rank in range(len(COUNTRIES))))
SOURCES = ("nos", "anp", "rtl", "zeelandnet")
SYLLABLES = [c + v for c in "bdfghklmnprstvwz" for v in "aeiou"]
TEXT_SKEW = 10  # weight of the word of rank r is 1 / (r + skew)
KEYWORD_SKEW = 300  # people subscribe to topics, not to the commonest words


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = list(dict.fromkeys(NEWS_WORDS))
    seen = set(words) | set(STOP_WORDS)
    while len(words) < size:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) + rng.choice(["", "", "n", "s", "r", "k"])
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Zipf:
    """Draws from `words` with weight 1/(rank+skew): a long tail and a head of adjustable weight."""

    def __init__(self, words: list[str], skew: int) -> None:
        self.words = words
        self.cumulative = list(accumulate(1.0 / (rank + skew) for rank in range(len(words))))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def keyword(rng: random.Random, zipf: Zipf) -> str:
    roll = rng.random()
    if roll < 0.1:
        word = zipf.draw(rng, 1)[0]
        return word[: max(5, len(word) - 2)] + "*"
    if roll < 0.2:
        first, second = zipf.draw(rng, 2)
        return f'"{first} {second}"'
    return zipf.draw(rng, 1)[0]


def subscriptions(rng: random.Random, zipf: Zipf, count: int) -> list[Subscription]:
    subs = []
    for sub_id in range(count):
        roll = rng.random()
        sources = tuple(rng.sample(SOURCES, 2)) if rng.random() < 0.1 else ()
        exclude = (keyword(rng, zipf),) if rng.random() < 0.2 else ()
        if roll < 0.05:
            countries = tuple(rng.sample(COUNTRIES, rng.randint(1, 2)))
            subs.append(Subscription(sub_id, f"bench:{sub_id}", countries=countries, sources=sources))
        elif roll < 0.06:
            subs.append(Subscription(sub_id, f"bench:{sub_id}", exclude=exclude, sources=sources, mode="all"))
        else:
            include = tuple(keyword(rng, zipf) for _ in range(KEYWORDS_PER_SUB))
            countries = (rng.choice(COUNTRIES),) if roll > 0.95 else ()
            subs.append(Subscription(sub_id, f"bench:{sub_id}", include, exclude, countries, sources))
    return subs


def sentence(rng: random.Random, zipf: Zipf, length: int) -> str:
    words = [rng.choice(STOP_WORDS) if rng.random() < 0.45 else zipf.draw(rng, 1)[0] for _ in range(length)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def items(rng: random.Random, zipf: Zipf, count: int) -> list[tuple[Item, str]]:
    made = []
    for _ in range(count):
        title = sentence(rng, zipf, 12)
        lead = " ".join(sentence(rng, zipf, 15) for _ in range(3))
        countries = tuple(
            dict.fromkeys(rng.choices(COUNTRIES, cum_weights=COUNTRY_WEIGHTS, k=rng.randint(0, 2)))
        )
        item = Item(
            uid="b:" + content_hash(title, lead),
            place=None,
            agencies=("ANP",),
            title=title,
            text=lead,
            url=None,
            published_at=None,
            time_label=None,
            content_hash=content_hash(title, lead),
            countries=countries,
        )
        made.append((item, rng.choice(SOURCES)))
    return made


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_size(rng: random.Random, zipf: Zipf, size: int, sample: list[tuple[Item, str]]) -> None:
    subs = subscriptions(rng, zipf, size)
    started = time.perf_counter()
    index = MatchIndex(subs)
    filed = time.perf_counter()
    index.rebuild()
    built = time.perf_counter()

    index.replace(Subscription(size, "bench:new", include=("nieuwwoordxyz",)))  # a pattern it has not seen
    changed = time.perf_counter()
    index.rebuild()
    rebuilt = time.perf_counter()

    for item, source in sample[:50]:  # warm up
        index.match(item, source)
    latencies: list[float] = []
    found = 0
    for item, source in sample:
        begin = time.perf_counter()
        result = index.match(item, source)
        latencies.append((time.perf_counter() - begin) * 1e6)
        found += len(result)

    line = (
        f"{size:>7,} subs | file {1e3 * (filed - started):7.0f} ms + automaton {1e3 * (built - filed):5.0f} ms"
        f" | replace {1e6 * (changed - built):4.0f} µs, rebuild {1e3 * (rebuilt - changed):5.0f} ms"
        f" | match median {statistics.median(latencies):6.0f} µs, p99 {_percentile(latencies, 0.99):6.0f} µs"
        f" | {found / len(sample):6.1f} matches/item"
    )
    print(line, flush=True)
    if size <= 1_000:
        naive = []
        for item, source in sample[:200]:
            begin = time.perf_counter()
            expected = [sub.id for sub in subs if matches(item, source, sub)]
            naive.append((time.perf_counter() - begin) * 1e6)
            assert expected == [i for i in index.match(item, source) if i < size]
        print(
            f"{'':>7}   naive loop over {size:,} subs: median {statistics.median(naive):,.0f} µs", flush=True
        )


def main() -> None:
    rng = random.Random(SEED)
    words = vocabulary(rng)
    sample = items(rng, Zipf(words, TEXT_SKEW), ITEMS)
    print(
        f"bench_matching: {ITEMS:,} items, {KEYWORDS_PER_SUB} keywords per subscription, {len(words):,} words"
    )
    keywords = Zipf(words, KEYWORD_SKEW)
    for size in SIZES:
        run_size(rng, keywords, size, sample)


if __name__ == "__main__":
    main()
