"""How fast `parse_wire_page` reads the seed fixtures and the real corpus pages.

Run: `uv run python -m benchmarks.bench_parse [ROUNDS]`. Each page is parsed ROUNDS times (default 50) after
one warm-up; the corpus pages are read from `../shared/corpus/pages/` when that folder exists.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from parsers.pages import parse_wire_page

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "data" / "pages"
CORPUS = REPO.parent / "shared" / "corpus" / "pages"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _pages() -> list[Path]:
    pages = sorted(FIXTURES.glob("*.html"))
    if CORPUS.is_dir():
        pages += sorted(CORPUS.glob("*.html"))
    return pages


def main(rounds: int | None = None) -> None:
    if rounds is None:
        rounds = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 50
    total_seconds, total_pages = 0.0, 0
    print(f"{'page':<56} {'KiB':>6} {'items':>5} {'ms/page':>8}")
    for path in _pages():
        body = path.read_bytes()
        items = parse_wire_page(body, now=NOW)
        started = time.perf_counter()
        for _ in range(rounds):
            parse_wire_page(body, now=NOW)
        elapsed = time.perf_counter() - started
        total_seconds += elapsed
        total_pages += rounds
        print(f"{path.name:<56} {len(body) / 1024:>6.0f} {len(items):>5} {elapsed / rounds * 1000:>8.2f}")
    if total_pages:
        print(
            f"{total_pages} parses in {total_seconds:.2f} s: {total_pages / total_seconds:.0f} pages/s, "
            f"{total_seconds / total_pages * 1000:.2f} ms/page"
        )


if __name__ == "__main__":
    main()
