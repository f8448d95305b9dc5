"""How fast `parse_wire_page` reads wire pages, against `BeautifulSoup(html, "lxml").get_text()` alone.

Run: `uv run python -m benchmarks.bench_parse [--quick] [--json PATH]`. Both sides parse the same bytes in the
same run, so the ratio (BeautifulSoup's time / wirewatch's time; above 1 means wirewatch is faster, although it
does far more: it finds the items, their titles, links and times) holds whatever the machine.

The pages:

- generated wire lists of about 50 KB, 500 KB, 2 MB and 5 MB in three markups of `tests/data/pages/`:
  `elements` (an `<li>` per item: label, linked `<h3>` title, lead, time, "lees meer"), `divs` (bare divs,
  the time before each lead) and `glued` (one text block: lead, line break, time glued to the next dateline).
  They are built from the seed's items (those of `zeelandnet_seed_elements.html`) repeated with a number in
  each lead and title, other places and ageing labels, inside the fixture's own page (menus, article, sidebar),
  so every generated item is an item: the table shows how many were expected and found;
- *article pages*, the shape of the real source (an article page with a "Meer uit Buitenland" list of about
  twenty items): each real page of `../shared/corpus/pages/` (120-820 KB: an article, menus, comments)
  with `ARTICLE_ITEMS` generated items appended in an aside before `</body>`, in the `elements`, `divs` and
  `glued` markups (`elements` only with `--quick`);
- the seed fixtures themselves, and the real pages of `../shared/corpus/pages/` when that folder exists
  (those hold no dateline items; they measure the cost of finding nothing).

Beside each ratio stands its *ceiling*: BeautifulSoup's time over lexbor building the tree alone
(`LexborHTMLParser(html)`, the first step of every parse). No parse built on selectolax reaches a ratio above
its ceiling, whatever it does after lexbor, so the ceiling tells how much of a gap Python code can close.

Each parse is timed over several rounds after one warm-up, and the best round counts (the least disturbed by
the rest of the machine). Wirewatch's peak memory on each page of the largest size is measured once with
`tracemalloc` (Python's allocations; lexbor's tree in C is not counted).
The table goes to stdout and the figures to `benchmarks/results/parse.json` (or `--json PATH`).
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from parsers.models import Item
from parsers.pages import parse_wire_page
from parsers.pages._bytes import parser_input

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "data" / "pages"
CORPUS = REPO.parent / "shared" / "corpus" / "pages"
RESULTS = REPO / "benchmarks" / "results" / "parse.json"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SIZES = (("50 KB", 50_000), ("500 KB", 500_000), ("2 MB", 2_000_000), ("5 MB", 5_000_000))
QUICK_SIZES = SIZES[:2]
MARKUPS = ("elements", "divs", "glued", "lines", "titled", "flat")
PLACES = ("DEN HAAG", "NEW DELHI", "TEHERAN/JERUZALEM", "GAZA-STAD", "GENÈVE", "MÜNCHEN", "DOMBURG")
AGENCIES = ("ANP", "ANP/AFP", "ANP/RTR/DPA", "ANP/BLOOMBERG", "ANP/RTR/AF")
# the list inside each fixture: where it opens, where it closes, and what the generated items go between
_LISTS = {
    "elements": ('<ul class="news-list">', "</ul>", "", ""),
    "divs": (
        '<h2 id="meer-uit-buitenland">Meer uit Buitenland</h2>\n      <div>',
        "\n      </div>\n    </section>",
        "",
        "",
    ),
    "glued": ('<div class="news-list">', "</div>", "", ""),
    "lines": ('<div class="news-list">', "</div>", "\n        <p>", "</p>\n      "),
    "titled": ('<div class="news-list">', "</div>", "", ""),
    "flat": ('<div class="news-list">', "</div>", "", ""),
}
_FIXTURE = {"flat": "lines"}  # markups without a fixture of their own borrow another's page
ARTICLE_ITEMS = 20
ARTICLE = "article +"  # how the names of article pages open
ARTICLE_MARKUPS = ("elements", "divs", "glued")
_ARTICLE_LISTS = {  # the list an article page gets: how it opens and closes around the generated items
    "elements": ('<ul class="news-list">', "</ul>"),
    "divs": ("<div>", "</div>"),
    "glued": ('<div class="news-list">', "</div>"),
}


# --- generated pages -------------------------------------------------------------------------------


def seed_items() -> list[Item]:
    """The items of the seed's "Meer uit Buitenland" list (each with a title, a link and a label)."""
    return parse_wire_page((FIXTURES / "zeelandnet_seed_elements.html").read_bytes(), now=NOW)


def _label(index: int) -> str:
    minutes = index + 1
    if minutes == 1:
        return "1 minuut geleden"
    if minutes < 60:
        return f"{minutes} minuten geleden"
    if minutes < 24 * 60:
        return f"{minutes // 60} uur geleden"
    return f"{minutes // (24 * 60)} dagen geleden"


def _variant(seeds: list[Item], index: int) -> tuple[str, str, str, str, str]:
    """The `index`-th generated item: (dateline, title, lead, url, label), all unique but the label."""
    seed = seeds[index % len(seeds)]
    round_ = index // len(seeds)
    place = seed.place if round_ == 0 else PLACES[round_ % len(PLACES)]
    agencies = "/".join(seed.agencies) if round_ == 0 else AGENCIES[round_ % len(AGENCIES)]
    dateline = f"{place} ({agencies}) - "
    lead = f"Bericht {index + 1}: {seed.text}"
    title = f"{seed.title} ({index + 1})"
    url = f"{seed.url}-{index + 1}"
    return dateline, title, lead, url, _label(index)


def _render(markup: str, item: tuple[str, str, str, str, str]) -> str:
    dateline, title, lead, url, label = (html.escape(part) for part in item)
    if markup == "elements":
        shown = label.replace(" ", "&nbsp;", 1)
        return (
            '\n        <li class="news-item">\n          <span class="news-item__label">ANP</span>\n'
            f'          <a class="news-item__link" href="{url}"><h3 class="news-item__title">{title}</h3></a>\n'
            f'          <p class="news-item__intro">{dateline}{lead}</p>\n'
            f'          <span class="news-item__date">{shown}</span>\n'
            f'          <a class="news-item__more" href="{url}">Lees meer</a>\n        </li>'
        )
    if markup == "divs":
        return f"\n        <div>\n          <div>{label}</div>\n          <div>{dateline}{lead}</div>\n        </div>"
    if markup == "lines":  # a paragraph per item, each label opening the next item's paragraph
        return f"{dateline}{lead}</p>\n        <p>{label}"
    if markup == "flat":  # siblings in one list element: linked heading, lead, time
        return (
            f'\n        <h3><a href="{url}">{title}</a></h3>\n        <p>{dateline}{lead}</p>'
            f"\n        <span>{label}</span>"
        )
    if markup == "titled":  # one text block: title, dateline, lead and label glued together
        return f"{title}{dateline}{lead}{label}"
    return f"{dateline}{lead}\n{label}"  # glued: the label runs into the next dateline


def wire_page(markup: str, size: int, seeds: list[Item] | None = None) -> tuple[bytes, int]:
    """A page of about `size` bytes in `markup` (see the module docstring) and how many items it holds."""
    seeds = seeds or seed_items()
    page = (FIXTURES / f"zeelandnet_seed_{_FIXTURE.get(markup, markup)}.html").read_text(encoding="utf-8")
    opener, closer, prefix, suffix = _LISTS[markup]
    head, rest = page.split(opener, 1)
    head += opener + prefix
    tail = suffix + rest[rest.index(closer) :]
    budget = size - len((head + tail).encode("utf-8"))
    parts: list[str] = []
    used = 0
    while used < budget or not parts:
        part = _render(markup, _variant(seeds, len(parts)))
        parts.append(part)
        used += len(part.encode("utf-8"))
    return (head + "".join(parts) + tail).encode("utf-8"), len(parts)


def article_page(page: bytes, markup: str, seeds: list[Item], count: int = ARTICLE_ITEMS) -> bytes:
    """`page` (a real article page) with a list of `count` generated items in `markup` before `</body>`."""
    text = page.decode("utf-8", errors="replace")
    opener, closer = _ARTICLE_LISTS[markup]
    items = "".join(_render(markup, _variant(seeds, index)) for index in range(count))
    block = f"<aside><h2>Meer uit Buitenland</h2>{opener}{items}{closer}</aside>"
    end = text.rfind("</body>")
    end = len(text) if end < 0 else end
    return (text[:end] + block + text[end:]).encode("utf-8")


# --- timing ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One page's figures."""

    page: str
    bytes: int
    expected: int | None  # items the generator put in, None for fixtures and corpus pages
    items: int
    wirewatch_ms: float
    bs4_lxml_ms: float
    ratio: float  # bs4_lxml_ms / wirewatch_ms: how many times faster wirewatch is
    lexbor_ms: float  # lexbor building the tree alone, the first step of every parse
    ceiling: float  # bs4_lxml_ms / lexbor_ms: the ratio a parse doing nothing after lexbor would reach
    budget_us: float | None  # per item, what a 10x parse could spend after lexbor: (bs4/10 - lexbor) / items
    build_us: float | None  # per item, constructing the page's `Item` objects alone from their fields
    peak_mib: float | None = None


def _best(run: Callable[[], object], budget: float) -> float:
    """The best of several timed runs after one warm-up, spending about `budget` seconds in all."""
    started = time.perf_counter()
    run()
    once = time.perf_counter() - started
    rounds = max(1, min(50, int(budget / max(once, 1e-6))))
    best = once if rounds == 1 else float("inf")
    for _ in range(rounds if rounds > 1 else 0):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _bs4_text(body: bytes) -> Callable[[], object]:
    from bs4 import BeautifulSoup  # a dev dependency: imported only when the benchmark runs

    return lambda: BeautifulSoup(body, "lxml").get_text()


def measure(name: str, body: bytes, expected: int | None, budget: float, *, memory: bool = False) -> Row:
    found = parse_wire_page(body, now=NOW)
    items = len(found)
    ours = _best(lambda: parse_wire_page(body, now=NOW), budget)
    theirs = _best(_bs4_text(body), budget)
    tree = _best(lambda: LexborHTMLParser(parser_input(body)), budget)
    fields = [tuple(getattr(item, name) for name in Item.__dataclass_fields__) for item in found]
    build = _best(lambda: [Item(*values) for values in fields], budget / 4) if found else None
    peak = None
    if memory:
        tracemalloc.start()
        parse_wire_page(body, now=NOW)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    per_item = (lambda seconds: seconds * 1e6 / items) if items else (lambda seconds: None)
    return Row(
        name,
        len(body),
        expected,
        items,
        ours * 1000,
        theirs * 1000,
        theirs / ours,
        tree * 1000,
        theirs / tree,
        per_item(theirs / 10 - tree),
        None if build is None else per_item(build),
        peak,
    )


def _pages(quick: bool) -> list[tuple[str, bytes, int | None]]:
    seeds = seed_items()
    pages: list[tuple[str, bytes, int | None]] = []
    for label, size in QUICK_SIZES if quick else SIZES:
        for markup in MARKUPS:
            body, count = wire_page(markup, size, seeds)
            pages.append((f"{markup} {label}", body, count))
    corpus = sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else []
    for markup in ARTICLE_MARKUPS[:1] if quick else ARTICLE_MARKUPS:
        for path in corpus:
            body = article_page(path.read_bytes(), markup, seeds)
            pages.append((f"{ARTICLE} {markup} {path.stem}", body, ARTICLE_ITEMS))
    pages += [(path.name, path.read_bytes(), None) for path in sorted(FIXTURES.glob("*.html"))]
    pages += [(path.name, path.read_bytes(), None) for path in corpus]
    return pages


def _print(row: Row) -> None:
    expected = "" if row.expected is None else str(row.expected)
    peak = "" if row.peak_mib is None else f"{row.peak_mib:.0f}"
    print(
        f"{row.page[:52]:<52} {row.bytes / 1024:>7.0f} {expected:>6} {row.items:>6} "
        f"{row.wirewatch_ms:>9.2f} {row.bs4_lxml_ms:>9.2f} {row.ratio:>6.1f}x {row.lexbor_ms:>9.2f} "
        f"{row.ceiling:>6.1f}x {peak:>5}",
        flush=True,
    )


def _summary(rows: list[Row]) -> dict[str, float]:
    def geomean(values: list[float]) -> float:
        product = 1.0
        for value in values:
            product *= value
        return product ** (1 / len(values)) if values else 0.0

    articles = [row for row in rows if row.page.startswith(ARTICLE)]
    generated = [row for row in rows if row.expected is not None and row not in articles]
    others = [row for row in rows if row.expected is None]
    return {
        "ratio_geomean_generated": round(geomean([row.ratio for row in generated]), 2),
        "ratio_geomean_article_pages": round(geomean([row.ratio for row in articles]), 2),
        "ratio_median_article_pages": round(statistics.median(row.ratio for row in articles), 2)
        if articles
        else 0.0,
        "ratio_geomean_fixtures_and_corpus": round(geomean([row.ratio for row in others]), 2),
        "ratio_min": round(min(row.ratio for row in rows), 2),
        "ceiling_geomean_generated": round(geomean([row.ceiling for row in generated]), 2),
        "ceiling_geomean_article_pages": round(geomean([row.ceiling for row in articles]), 2),
        "ceiling_min": round(min(row.ceiling for row in rows), 2),
        "pages_ceiling_under_10x": sum(1 for row in rows if row.ceiling < 10),
        "generated_budget_us_per_item_min": round(min(row.budget_us or 0.0 for row in generated), 2)
        if generated
        else 0.0,
        "generated_build_us_per_item_median": round(
            statistics.median(row.build_us for row in generated if row.build_us is not None), 2
        )
        if generated
        else 0.0,
        "generated_pages": len(generated),
        "generated_pages_budget_under_build": sum(
            1
            for row in generated
            if row.budget_us is not None and row.build_us and row.budget_us < row.build_us
        ),
        "wirewatch_mb_per_s_generated": round(
            sum(row.bytes for row in generated) / 1e6 / (sum(row.wirewatch_ms for row in generated) / 1000), 1
        )
        if generated
        else 0.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_parse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the 50 KB and 500 KB pages, short timings")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the figures ({RESULTS})")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    budget = 0.2 if args.quick else 1.0
    pages = _pages(args.quick)
    largest = (QUICK_SIZES if args.quick else SIZES)[-1][0]
    print(
        f"{'page':<52} {'KiB':>7} {'expect':>6} {'items':>6} {'ours ms':>9} {'bs4 ms':>9} {'ratio':>7} "
        f"{'lexbor ms':>9} {'ceil':>7} {'MiB':>5}"
    )
    rows = []
    for name, body, expected in pages:
        rows.append(measure(name, body, expected, budget, memory=name.endswith(f" {largest}")))
        _print(rows[-1])
    summary = _summary(rows)
    print(
        f"ratio = BeautifulSoup(html, 'lxml').get_text() time / wirewatch parse time (above 1: wirewatch faster); "
        f"geometric mean {summary['ratio_geomean_generated']}x on the generated wire pages, "
        f"{summary['ratio_geomean_article_pages']}x on the article pages with {ARTICLE_ITEMS} items, "
        f"{summary['ratio_geomean_fixtures_and_corpus']}x on the fixtures and corpus pages; "
        f"wirewatch reads {summary['wirewatch_mb_per_s_generated']} MB/s of wire list"
    )
    print(
        f"ceil = BeautifulSoup's time / lexbor building the tree alone: the ratio of a parse that stopped there; "
        f"geometric mean {summary['ceiling_geomean_generated']}x on the generated wire pages, "
        f"{summary['ceiling_geomean_article_pages']}x on the article pages; "
        f"under 10x on {summary['pages_ceiling_under_10x']} of {len(rows)} pages"
    )
    print(
        f"a parse 10x faster than BeautifulSoup would leave as little as {summary['generated_budget_us_per_item_min']} µs per "
        f"item after lexbor on the generated wire pages; building the Item objects alone takes "
        f"{summary['generated_build_us_per_item_median']} µs per item (median): less than that is left on "
        f"{summary['generated_pages_budget_under_build']} of {summary['generated_pages']} of them"
    )
    missing = [row.page for row in rows if row.expected is not None and row.items != row.expected]
    if missing:
        print(f"WARNING: pages with fewer or more items than generated: {', '.join(missing)}")
    report = {
        "benchmark": "parse",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": _cpus(),
        },
        "unit": {
            "wirewatch_ms": "best of rounds",
            "bs4_lxml_ms": "best of rounds",
            "ratio": "bs4 / wirewatch",
        },
        "summary": summary,
        "pages": [asdict(row) for row in rows],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


def _cpus() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return str(platform.machine())
    model = re.search(r"model name\s*:\s*(.+)", info)
    count = len(re.findall(r"^processor\s*:", info, re.MULTILINE))
    return f"{count} x {model.group(1).strip() if model else platform.machine()}"


if __name__ == "__main__":
    main()
