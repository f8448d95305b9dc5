"""Start-up and rest: `wirewatch --version`, `wirewatch parse --help`, `wirewatch run` to its first poll, and the
CPU one poll costs when nothing changed (a 304, and an unchanged 200).

Run: `uv run python -m benchmarks.bench_startup [--json PATH]`. The table goes to stdout and the figures to
`benchmarks/results/startup.json` (or `--json PATH`).

- **--version**, **parse --help**: wall time of the whole process (interpreter start included), median of 7.
  Every process runs without `PYTHONDONTWRITEBYTECODE`, after a first run that leaves the modules' bytecode
  cached, as on any installation (the Docker image compiles it at build). With that variable set, each start
  compiles some 200 modules again: about 0.3 s more on this machine's figures.
- **run → first poll**: from spawning `wirewatch run --config ...` to the first request reaching a local site,
  median of 5 (each with a fresh database; the first poll seeds it).
- **CPU per poll at rest**: `Poller.poll` in this process against a local site, 60 polls each: the site answers
  the conditional GET with 304, or serves the same body without validators (a full parse and diff that finds
  nothing). `time.process_time` per poll (this process's CPU, the local site's share included).
- **with a history of 100,000 items**: the unchanged 200 again, on a database that already holds `HISTORY`
  items of another source (with their events), as a month of a busy wire leaves it: the CPU per poll, the
  database's size, and this process's resident memory after the polls (the history lives in SQLite, not in
  Python objects, so neither should grow with it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import SourceSettings
from bot.demo.site import LocalSite
from bot.fetch import make_client
from bot.pipeline import Poller
from bot.store import Store
from parsers.identity import content_hash
from parsers.models import Item
from storage.db import open_db
from storage.items import apply_poll
from storage.sources import upsert_source
from storage.transactions import transaction
from tests.wirepage import SEED, wire_page

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "startup.json"
WIREWATCH = str(Path(sys.executable).with_name("wirewatch"))
HISTORY = 100_000  # items already stored for the history case


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _wall(command: list[str], runs: int = 7) -> float:
    subprocess.run(command, check=True, capture_output=True, cwd=REPO, env=ENV)  # bytecode cached
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=REPO, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def _first_poll(runs: int = 5) -> float:
    times = []
    async with LocalSite() as site:
        site.set_page("/a", wire_page(SEED))
        for attempt in range(runs + 1):  # the first run leaves the bytecode cached and is not counted
            with tempfile.TemporaryDirectory() as tmp:
                config = Path(tmp) / "config.toml"
                config.write_text(f'[[sources]]\nname = "a"\nurl = "{site.url("/a")}"\n', encoding="utf-8")
                before = len(site.requests)
                started = time.perf_counter()
                proc = await asyncio.create_subprocess_exec(
                    WIREWATCH,
                    "run",
                    "--config",
                    str(config),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=ENV,
                )
                await site.wait_for_requests(before + 1, path="/a", timeout=30)
                if attempt:
                    times.append(time.perf_counter() - started)
                proc.terminate()
                await proc.wait()
    return statistics.median(times)


def _fill_history(path: Path, count: int) -> None:
    """`count` items of a source "history", stored as polls of 500 items, each with its "new" event."""
    now = datetime.now(UTC)
    lead = (
        "Het kabinet heeft vrijdag een besluit genomen over de noodwet, meldt de regering in een verklaring."
    )
    with open_db(path) as db:
        with transaction(db):
            upsert_source(db, "history", "https://history.example/", "wire-page")
            apply_poll(db, "history", [], now=now, etag=None, last_modified=None, baseline=False)
        for first in range(0, count, 500):
            batch = [
                Item(
                    uid=f"history:{n}",
                    place="DEN HAAG",
                    agencies=("ANP",),
                    title=f"Bericht nummer {n}",
                    text=lead,
                    url=f"https://history.example/{n}",
                    published_at=now - timedelta(seconds=count - n),
                    time_label="1 uur geleden",
                    content_hash=content_hash(f"Bericht nummer {n}", lead),
                    countries=("NL",),
                )
                for n in range(first, min(first + 500, count))
            ]
            with transaction(db):
                apply_poll(db, "history", batch, now=now, etag=None, last_modified=None, baseline=False)


def _rss_mib() -> float:
    """This process's resident memory now (Linux), in MiB; 0 where /proc is not there."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


async def _rest_cpu(polls: int = 60, history: int = 0) -> dict[str, float]:
    figures = {}
    async with LocalSite() as site:
        with tempfile.TemporaryDirectory() as tmp:
            if history:
                await asyncio.to_thread(_fill_history, Path(tmp) / "w.db", history)
            async with Store(Path(tmp) / "w.db") as store, make_client() as client:
                poller = Poller(store=store, client=client, clock=lambda: datetime.now(UTC))
                for case, etag in (("304", True), ("unchanged 200", False)):
                    path = f"/{case.split()[0]}"
                    site.set_page(path, wire_page(SEED), etag=etag)
                    source = SourceSettings(name=case, url=site.url(path), interval=60, jitter=0)
                    await store.run(upsert_source, source.name, source.url, source.kind)
                    await poller.poll(source)  # the seed
                    started = time.process_time()
                    for _ in range(polls):
                        report = await poller.poll(source)
                        assert not report.events
                    figures[case] = (time.process_time() - started) / polls
            figures["db_mib"] = (Path(tmp) / "w.db").stat().st_size / 2**20
            figures["rss_mib"] = _rss_mib()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the figures ({RESULTS})")
    args = parser.parse_args(argv)
    version = _wall([WIREWATCH, "--version"])
    parse_help = _wall([WIREWATCH, "parse", "--help"])
    first = asyncio.run(_first_poll())
    rest = asyncio.run(_rest_cpu())
    full = asyncio.run(_rest_cpu(history=HISTORY))
    rows = [
        ("wirewatch --version", f"{version * 1000:.0f} ms"),
        ("wirewatch parse --help", f"{parse_help * 1000:.0f} ms"),
        ("wirewatch run → first poll", f"{first * 1000:.0f} ms"),
        ("CPU per poll at rest, 304", f"{rest['304'] * 1000:.2f} ms"),
        ("CPU per poll at rest, unchanged 200", f"{rest['unchanged 200'] * 1000:.2f} ms"),
        (
            f"the same with {HISTORY:,} items stored",
            f"{full['unchanged 200'] * 1000:.2f} ms; database {full['db_mib']:.0f} MiB; "
            f"process {full['rss_mib']:.0f} MiB resident (empty: {rest['rss_mib']:.0f} MiB)",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    figures = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "version_seconds": version,
        "parse_help_seconds": parse_help,
        "first_poll_seconds": first,
        "rest_cpu_seconds_per_poll": rest,
        "history": {"items": HISTORY, **full},
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main(sys.argv[1:])
