"""`MatchIndex` at 1k, 10k and 100k subscriptions: build, rebuild, match, against a fair naive loop, and memory.

Run: `uv run python -m benchmarks.bench_matching [--quick] [--json PATH]` (`--quick`: 1k and 10k only, fewer
items, memory at 10k only). The table goes to stdout and the figures to `benchmarks/results/matching.json`
(or `--json PATH`).

The data is synthetic but shaped like the real thing: a vocabulary of real Dutch news words plus made-up ones
(about 20,000 in all) drawn with a Zipf-like skew, items of a 12-word title and a 45-word lead full of stop
words, subscriptions of five keywords (mostly words, some `prefix*` and `"two words"`), a twentieth of them
country-only, a few in mode `all`, a few limited to sources, a fifth with an exclusion.

- **build**: `MatchIndex(subscriptions)`, which files them and builds the automaton; **rebuild**: `rebuild()`.
- **change → match**: `replace()` with a pattern the automaton lacks, then the first `match` after it.
- **match**: median and 99th percentile over every item, after a warm-up.
- **naive**: the same answer from a loop over the subscriptions that does the same work fairly: the item is
  folded once, each subscription prepared once (patterns compiled, sources and countries normalised) before
  the clock starts, and the loop only compares. Timed on a sample of the items (as many as fit in a time
  budget); the ratio is the naive median over the index's median on those same items, and the answers are
  checked to be equal.
- **memory** (10k and 100k): three fresh subprocesses per size, each holding the subscriptions as rows of JSON
  text (every string a separate object once parsed, as from SQLite) and reporting the process RSS
  (`/proc/self/statm`) before and after the build and the peak between (VmHWM): *streamed* builds from a
  generator that parses one row at a time (as `db.query` yields them), *from a list* parses every row first
  and drops the list after the build (as `list_active_subscriptions` does today: a higher peak, and whatever
  the freed list leaves in the allocator), *traced* builds streamed under `tracemalloc` and reports the bytes
  the index holds. The subprocesses import `bot.matching` only; the whole bot imports about 55 MB more.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

from bot.matching import MatchIndex, fold_words, keyword_pattern
from parsers.identity import content_hash
from parsers.models import Item
from storage.models import Subscription

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "matching.json"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
MEMORY_SIZES = (10_000, 100_000)
QUICK_MEMORY_SIZES = (10_000,)
ITEMS = 2_000
QUICK_ITEMS = 300
NAIVE_BUDGET_S = 3.0  # per size: the naive loop runs on as many items as fit (at least 5, at most 200)
QUICK_NAIVE_BUDGET_S = 0.5
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


# --- synthetic data --------------------------------------------------------------------------------------


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


def subscriptions(rng: random.Random, zipf: Zipf, count: int) -> Iterator[Subscription]:
    for sub_id in range(count):
        roll = rng.random()
        sources = tuple(rng.sample(SOURCES, 2)) if rng.random() < 0.1 else ()
        exclude = (keyword(rng, zipf),) if rng.random() < 0.2 else ()
        if roll < 0.05:
            countries = tuple(rng.sample(COUNTRIES, rng.randint(1, 2)))
            yield Subscription(sub_id, f"bench:{sub_id}", countries=countries, sources=sources)
        elif roll < 0.06:
            yield Subscription(sub_id, f"bench:{sub_id}", exclude=exclude, sources=sources, mode="all")
        else:
            include = tuple(keyword(rng, zipf) for _ in range(KEYWORDS_PER_SUB))
            countries = (rng.choice(COUNTRIES),) if roll > 0.95 else ()
            yield Subscription(sub_id, f"bench:{sub_id}", include, exclude, countries, sources)


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


def bench_subscriptions(size: int) -> Iterator[Subscription]:
    """The same `size` subscriptions in every run (and in the memory subprocesses)."""
    words = vocabulary(random.Random(SEED))
    return subscriptions(random.Random(SEED + size), Zipf(words, KEYWORD_SKEW), size)


def bench_items(count: int) -> list[tuple[Item, str]]:
    """The same items, with their sources, at every size."""
    rng = random.Random(SEED)
    return items(rng, Zipf(vocabulary(rng), TEXT_SKEW), count)


# --- the fair naive loop ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A subscription made ready for the naive loop, once, before any timing."""

    id: int
    paused: bool
    every: bool  # mode all: keywords and countries do not count
    sources: frozenset[str]
    include: tuple[str, ...]
    needs_keyword: bool
    countries: frozenset[str]
    exclude: tuple[str, ...]


def _patterns(keywords: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in map(keyword_pattern, keywords) if p is not None))


def prepare(sub: Subscription) -> Prepared:
    return Prepared(
        id=sub.id,
        paused=sub.paused,
        every=sub.mode == "all",
        sources=frozenset(s.strip().casefold() for s in sub.sources),
        include=_patterns(sub.include),
        needs_keyword=bool(sub.include),
        countries=frozenset(c.strip().upper() for c in sub.countries),
        exclude=_patterns(sub.exclude),
    )


def _padded(text: str | None) -> str:
    words = fold_words(text or "")
    return f" {words} " if words else " "


def naive_match(prepared: list[Prepared], item: Item, source: str) -> list[int]:
    """The rule of `bot.matching` applied to every subscription in turn, the item folded once."""
    text = _padded(item.title) + _padded(item.text)
    src = source.strip().casefold()
    codes = frozenset(c.strip().upper() for c in item.countries)
    found = []
    for sub in prepared:
        if sub.paused or (sub.sources and src not in sub.sources):
            continue
        excluded = False
        for pattern in sub.exclude:
            if pattern in text:
                excluded = True
                break
        if excluded:
            continue
        if not sub.every:
            if sub.needs_keyword:
                for pattern in sub.include:
                    if pattern in text:
                        break
                else:
                    continue
            if sub.countries and sub.countries.isdisjoint(codes):
                continue
        found.append(sub.id)
    return sorted(found)


# --- speed -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeedRow:
    subscriptions: int
    build_ms: float  # MatchIndex(subscriptions): filing and automaton
    rebuild_ms: float  # rebuild() of the automaton alone
    replace_us: float  # replace() bringing a pattern the automaton lacks
    first_match_after_change_us: float
    match_median_us: float
    match_p99_us: float
    matches_per_item: float
    naive_items: int
    naive_median_us: float
    index_median_same_items_us: float
    ratio: float  # naive median / index median, on the same items
    patterns: int
    filings: int


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_size(size: int, item_count: int, naive_budget: float) -> SpeedRow:
    subs = list(bench_subscriptions(size))
    sample = bench_items(item_count)
    gc.collect()
    started = time.perf_counter()
    index = MatchIndex(subs)
    built = time.perf_counter()
    index.rebuild()
    rebuilt = time.perf_counter()
    index.replace(Subscription(size, "bench:new", include=("nieuwwoordxyz",)))
    changed = time.perf_counter()
    index.match(*sample[0])
    first = time.perf_counter()
    index.remove(size)

    for item, source in sample[:50]:  # warm up
        index.match(item, source)
    latencies: list[float] = []
    found = 0
    for item, source in sample:
        begin = time.perf_counter()
        result = index.match(item, source)
        latencies.append((time.perf_counter() - begin) * 1e6)
        found += len(result)

    prepared = [prepare(sub) for sub in subs]
    naive: list[float] = []
    naive_started = time.perf_counter()
    for item, source in sample[:200]:
        begin = time.perf_counter()
        expected = naive_match(prepared, item, source)
        naive.append((time.perf_counter() - begin) * 1e6)
        if expected != index.match(item, source):
            raise AssertionError(f"the index and the naive loop disagree on {item.title!r} from {source}")
        if len(naive) >= 5 and time.perf_counter() - naive_started > naive_budget:
            break
    index_same = statistics.median(latencies[: len(naive)])
    stats = index.stats()
    return SpeedRow(
        subscriptions=size,
        build_ms=round(1e3 * (built - started), 1),
        rebuild_ms=round(1e3 * (rebuilt - built), 1),
        replace_us=round(1e6 * (changed - rebuilt), 1),
        first_match_after_change_us=round(1e6 * (first - changed), 1),
        match_median_us=round(statistics.median(latencies), 1),
        match_p99_us=round(_percentile(latencies, 0.99), 1),
        matches_per_item=round(found / len(sample), 1),
        naive_items=len(naive),
        naive_median_us=round(statistics.median(naive), 1),
        index_median_same_items_us=round(index_same, 1),
        ratio=round(statistics.median(naive) / index_same, 1),
        patterns=stats.automaton_patterns,
        filings=stats.filings,
    )


# --- memory ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemoryRow:
    subscriptions: int
    rss_before_mb: float  # the subprocess after imports, with the subscriptions as rows of JSON text only
    streamed_rss_after_mb: float  # the index built from a generator of rows, each row dropped once filed
    streamed_peak_mb: float
    streamed_rss_per_subscription_b: float
    list_rss_after_mb: float  # the index built from a list of every subscription, then the list dropped
    list_peak_mb: float
    list_rss_per_subscription_b: float
    traced_per_subscription_b: float  # what tracemalloc sees the index hold


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def _peak() -> int:
    """The highest RSS since `_reset_peak` (VmHWM; ru_maxrss would include the parent's, on Linux)."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    found = re.search(r"^VmHWM:\s*(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def _parse(row: str) -> Subscription:
    """A subscription from one row, every string a new object (as from SQLite and `json.loads`)."""
    sub_id, destination, include, exclude, countries, sources, mode, paused = json.loads(row)
    return Subscription(
        sub_id, destination, tuple(include), tuple(exclude), tuple(countries), tuple(sources), mode, paused
    )


def memory_child(size: int, how: str) -> dict[str, float]:
    """Run in a fresh interpreter (`--memory-child SIZE HOW`): RSS around building one index.

    `how` is `streamed` (`MatchIndex` reads a generator that parses one row at a time, as it would from
    `db.query`), `list` (every row parsed into a list first, as `list_active_subscriptions` returns them; the
    list is dropped after) or `traced` (streamed, under `tracemalloc`: the bytes the index holds).
    """
    rows = [json.dumps(list(asdict(sub).values())) for sub in bench_subscriptions(size)]
    gc.collect()
    before = _rss()
    _reset_peak()
    if how == "traced":
        tracemalloc.start()
    if how == "list":
        subs = [_parse(row) for row in rows]
        index = MatchIndex(subs)
        del subs
    else:
        index = MatchIndex(_parse(row) for row in rows)
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] if how == "traced" else 0
    tracemalloc.stop()
    assert len(index) == size
    return {"before": before, "after": _rss(), "peak": _peak(), "traced": traced}


def run_memory(size: int) -> MemoryRow:
    runs: dict[str, dict[str, float]] = {}
    for how in ("streamed", "list", "traced"):
        command = [sys.executable, "-m", "benchmarks.bench_matching", "--memory-child", str(size), how]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
        runs[how] = json.loads(done.stdout)
    streamed, listed = runs["streamed"], runs["list"]
    return MemoryRow(
        subscriptions=size,
        rss_before_mb=round(streamed["before"] / 1e6, 1),
        streamed_rss_after_mb=round(streamed["after"] / 1e6, 1),
        streamed_peak_mb=round(streamed["peak"] / 1e6, 1),
        streamed_rss_per_subscription_b=round((streamed["after"] - streamed["before"]) / size),
        list_rss_after_mb=round(listed["after"] / 1e6, 1),
        list_peak_mb=round(listed["peak"] / 1e6, 1),
        list_rss_per_subscription_b=round((listed["after"] - listed["before"]) / size),
        traced_per_subscription_b=round(runs["traced"]["traced"] / size),
    )


# --- report ----------------------------------------------------------------------------------------------


def _cpus() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return str(platform.machine())
    model = re.search(r"model name\s*:\s*(.+)", info)
    count = len(re.findall(r"^processor\s*:", info, re.MULTILINE))
    return f"{count} x {model.group(1).strip() if model else platform.machine()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_matching", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer items, memory at 10k")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the figures ({RESULTS})")
    parser.add_argument("--memory-child", nargs=2, metavar=("SIZE", "HOW"), help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.memory_child:
        size, how = args.memory_child
        print(json.dumps(memory_child(int(size), how)))
        return
    item_count = QUICK_ITEMS if args.quick else ITEMS
    budget = QUICK_NAIVE_BUDGET_S if args.quick else NAIVE_BUDGET_S
    print(f"bench_matching: {item_count:,} items, {KEYWORDS_PER_SUB} keywords per subscription")
    print(
        f"{'subs':>7} {'build ms':>9} {'rebuild ms':>10} {'change→match µs':>16} {'median µs':>10}"
        f" {'p99 µs':>8} {'matches':>8} {'naive µs':>10} {'ratio':>6} {'patterns':>9}"
    )
    speed: list[SpeedRow] = []
    for size in QUICK_SIZES if args.quick else SIZES:
        row = run_size(size, item_count, budget)
        speed.append(row)
        print(
            f"{size:>7,} {row.build_ms:>9,.0f} {row.rebuild_ms:>10,.0f}"
            f" {row.replace_us + row.first_match_after_change_us:>16,.0f} {row.match_median_us:>10,.0f}"
            f" {row.match_p99_us:>8,.0f} {row.matches_per_item:>8,.0f} {row.naive_median_us:>10,.0f}"
            f" {row.ratio:>5,.0f}× {row.patterns:>9,}",
            flush=True,
        )
    print(
        f"\n{'subs':>7} {'RSS before':>11} | {'streamed: after':>15} {'peak':>6} {'B/sub':>6}"
        f" | {'from a list: after':>18} {'peak':>6} {'B/sub':>6} | {'traced B/sub':>12}   (RSS in MB)"
    )
    memory: list[MemoryRow] = []
    for size in QUICK_MEMORY_SIZES if args.quick else MEMORY_SIZES:
        mem = run_memory(size)
        memory.append(mem)
        print(
            f"{size:>7,} {mem.rss_before_mb:>11.1f} | {mem.streamed_rss_after_mb:>15.1f}"
            f" {mem.streamed_peak_mb:>6.1f} {mem.streamed_rss_per_subscription_b:>6,.0f}"
            f" | {mem.list_rss_after_mb:>18.1f} {mem.list_peak_mb:>6.1f} {mem.list_rss_per_subscription_b:>6,.0f}"
            f" | {mem.traced_per_subscription_b:>12,.0f}",
            flush=True,
        )
    report: dict[str, Any] = {
        "benchmark": "matching",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": _cpus(),
        },
        "unit": {
            "match_median_us": f"median over {item_count} items",
            "ratio": "naive loop median / index median, on the same items",
            "rss": "process RSS of a fresh subprocess (/proc/self/statm)",
            "traced": "bytes held by the index as tracemalloc sees them",
        },
        "summary": {
            "ratio_by_size": {str(row.subscriptions): row.ratio for row in speed},
            "bytes_per_subscription_rss_streamed": {
                str(m.subscriptions): m.streamed_rss_per_subscription_b for m in memory
            },
            "bytes_per_subscription_rss_from_a_list": {
                str(m.subscriptions): m.list_rss_per_subscription_b for m in memory
            },
            "bytes_per_subscription_traced": {
                str(m.subscriptions): m.traced_per_subscription_b for m in memory
            },
        },
        "sizes": [asdict(row) for row in speed],
        "memory": [asdict(mem) for mem in memory],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
