"""Helpers for the reliability suite: a real `wirewatch run` child against the local news site and fake Bot API.

- `stories(prefix, n)`: wire items whose lead carries a tag (`kd01`), so every alert can be told apart;
- `seed(url, db)`: the first poll of a source, as `wirewatch poll --once` does it (silent baseline), so the
  child's first poll alerts at once instead of after one 10-second interval;
- `gated(body, gate)`: a page that stays in flight (half sent) until the test opens the gate;
- `write_config(...)`: config.toml with the fakes' addresses, small backoffs and no digests;
- `Child`: the process with its output read as it comes (`wait_for_line`), SIGKILL, SIGTERM, exit status;
- `DatabaseLock`: `BEGIN EXCLUSIVE` from a second connection; `outbox_states`: the outbox after the run;
- `tally` / `assert_delivered`: what each chat received, counted from the fake's records (`tg.sent(chat)`);
- `get_json`, `get_metrics`, `metric`, `until`: the child's `/healthz` and `/metrics`.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import poll_once
from tests.bot.run_support import start_run
from tests.fakes.telegram import FakeTelegram
from tests.wirepage import wire_page

__all__ = [
    "Child",
    "DatabaseLock",
    "Story",
    "assert_delivered",
    "free_port",
    "gated",
    "get_json",
    "get_metrics",
    "metric",
    "outbox_states",
    "page",
    "private_chats",
    "seed",
    "stories",
    "tags",
    "tally",
    "until",
    "wait_delivered",
    "write_config",
]

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")  # the default log format

PLACES = (
    "KYIV",
    "TOKIO",
    "OTTAWA",
    "PARIJS",
    "BERLIJN",
    "MADRID",
    "ROME",
    "WENEN",
    "LONDEN",
    "DUBLIN",
    "ATHENE",
    "OSLO",
)


@dataclass(frozen=True, slots=True)
class Story:
    """One wire item; `tag` (e.g. `kd01`) is a word of its lead, so it shows in the alert's text."""

    tag: str
    place: str

    @property
    def entry(self) -> tuple[str, str, str]:
        return (
            f"{self.place} (ANP)",
            f"Bericht {self.tag} meldt dat er vandaag in {self.place.title()} iets is gebeurd.",
            "3 minuten geleden",
        )


def stories(prefix: str, count: int) -> list[Story]:
    """`count` distinct stories tagged `<prefix>01`, `<prefix>02`, ..."""
    return [Story(f"{prefix}{n:02d}", PLACES[(n - 1) % len(PLACES)]) for n in range(1, count + 1)]


def page(*groups: Sequence[Story]) -> str:
    """A wire page listing the stories, newest (first given) on top."""
    return wire_page([story.entry for group in groups for story in group])


def tags(items: Iterable[Story]) -> list[str]:
    return [story.tag for story in items]


def gated(body: str, gate: asyncio.Event) -> Callable[[], AsyncIterator[bytes]]:
    """For `LocalSite.set_stream`: the first half of `body` at once, the rest when the test sets `gate` (a poll
    that stays in flight for as long as the test wants)."""
    data = body.encode("utf-8")

    async def chunks() -> AsyncIterator[bytes]:
        yield data[: len(data) // 2]
        await gate.wait()
        yield data[len(data) // 2 :]

    return chunks


async def seed(url: str, db: Path) -> None:
    """The source's first poll (what `wirewatch poll --once --url URL --db DB` does): its items are stored as
    already seen, without alerts. The config names the source by its URL, as `poll --once` does."""
    events = await poll_once(url, str(db), now=None, baseline=True, kind="wire-page")
    assert events == [], events


def private_chats(tg: FakeTelegram, first: int, count: int) -> list[int]:
    """`count` private chats with ids from `first`, known to the fake (for `[[telegram.destinations]]`)."""
    chats = list(range(first, first + count))
    for chat in chats:
        tg.add_chat(chat, "private", first_name=f"Lezer {chat}")
    return chats


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(
    folder: Path,
    tg: FakeTelegram,
    *,
    sources: Sequence[str],
    chats: Sequence[int] = (),
    keywords: Mapping[int, Sequence[str]] | None = None,
    port: int | None = None,
    read_timeout: float = 10,
) -> Path:
    """config.toml beside `w.db` in `folder`: one source per URL (named by it, polled every 10 s without jitter),
    the fake Bot API, `chats` as `[[telegram.destinations]]` (mode "all", or "filtered" on their `keywords`),
    fast retries, no digests."""
    keywords = keywords or {}
    parts = [
        '[storage]\npath = "w.db"\n',
        # Small backoffs keep a storm short; a high digest threshold and alert age keep one message per item.
        "[delivery]\nbackoff_base = 0.2\nbackoff_cap = 1.0\ndigest_threshold = 1000\nmax_alert_age = 86400\n",
        f"[fetch]\nconnect_timeout = 2\nread_timeout = {read_timeout}\nbackoff_base = 1\nbackoff_max = 2\n",
        f'[telegram]\napi_base_url = "{tg.url}"\n',
    ]
    if port is not None:
        parts.append(f"[http]\nenabled = true\nport = {port}\n")
    for chat in chats:
        if chat in keywords:  # only items with one of these words
            words = ", ".join(f'"{word}"' for word in keywords[chat])
            parts.append(
                f'[[telegram.destinations]]\nchat = {chat}\nmode = "filtered"\nkeywords = [{words}]\n'
            )
        else:
            parts.append(f'[[telegram.destinations]]\nchat = {chat}\nmode = "all"\n')
    parts += [f'[[sources]]\nname = "{url}"\nurl = "{url}"\ninterval = 10\njitter = 0\n' for url in sources]
    config = folder / "config.toml"
    config.write_text("\n".join(parts), encoding="utf-8")
    return config


class Child:
    """A `wirewatch run --config CONFIG` process; stdout and stderr are read line by line as they come."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = asyncio.Condition()
        assert proc.stdout is not None and proc.stderr is not None
        self._readers = [
            asyncio.ensure_future(self._read(proc.stdout, self.out)),
            asyncio.ensure_future(self._read(proc.stderr, self.err)),
        ]

    @classmethod
    async def start(cls, config: Path, tg: FakeTelegram) -> Child:
        return cls(await start_run(config, {"TELEGRAM_BOT_TOKEN": tg.token, "NO_COLOR": "1"}))

    async def _read(self, stream: asyncio.StreamReader, lines: list[str]) -> None:
        async for raw in stream:
            lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
            async with self._changed:
                self._changed.notify_all()

    @property
    def stdout(self) -> str:
        return "\n".join(self.out)

    @property
    def stderr(self) -> str:
        return "\n".join(self.err)

    async def wait_for_line(self, pattern: str, *, stream: str = "err", timeout: float = 10) -> str:
        """The first line of stdout (`stream="out"`) or stderr matching the regex `pattern`."""
        lines = self.out if stream == "out" else self.err
        regex = re.compile(pattern)

        def found() -> str | None:
            return next((line for line in lines if regex.search(line)), None)

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: found() is not None or self.proc.returncode is not None)
        except TimeoutError:
            raise AssertionError(
                f"no {stream} line matching {pattern!r} in {timeout}s:\n{self.stderr}"
            ) from None
        line = found()
        assert line is not None, f"exited ({self.proc.returncode}) before {pattern!r}:\n{self.stderr}"
        return line

    async def wait_up(self, port: int, *, timeout: float = 15) -> dict[str, Any]:
        """Poll `/healthz` until it answers with the scheduler running (200 healthy or 503 degraded); its
        JSON. (The listener opens before the platforms and the scheduler have started.)"""
        async with httpx.AsyncClient(trust_env=False) as client, asyncio.timeout(timeout):
            while True:
                assert self.proc.returncode is None, f"exited early:\n{self.stderr}"
                try:
                    answer = await client.get(f"http://127.0.0.1:{port}/healthz")
                    document = dict(answer.json())
                    if document.get("scheduler") == "running":
                        return document
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL, and wait for the process to be gone."""
        self.proc.kill()
        await self.exited(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL

    async def stop(self, *, within: float = 10) -> float:
        """SIGTERM; the seconds it took to exit (it must exit with status 0 within `within` seconds)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        await self.exited(timeout=within)
        took = time.monotonic() - started
        assert self.proc.returncode == 0, f"exit status {self.proc.returncode}:\n{self.stderr}"
        return took

    async def exited(self, *, timeout: float) -> int:
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout=timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(f"did not exit within {timeout}s:\n{self.stderr}") from None
        await asyncio.gather(*self._readers)
        return code

    async def ensure_gone(self) -> None:
        """For `finally`: kill the process if a failed test left it running."""
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)

    def assert_no_crash(self) -> None:
        """No traceback, and every line of the log a log record of its own (one line per failure)."""
        assert "Traceback" not in self.stderr, self.stderr
        strays = [line for line in self.err if not LOG_LINE.match(line)]
        assert not strays, self.stderr


def tally(tg: FakeTelegram, chat: int, wanted: Iterable[str]) -> Counter[str]:
    """How often each tag in `wanted` reached `chat`, from the fake's record of messages it accepted."""
    patterns = {tag: re.compile(rf"\b{re.escape(tag)}\b") for tag in wanted}
    counts: Counter[str] = Counter()
    for message in tg.sent(chat):
        for tag, pattern in patterns.items():
            if pattern.search(message.plain):
                counts[tag] += 1
    return counts


def delivered(tg: FakeTelegram, chats: Iterable[int], wanted: Sequence[str]) -> bool:
    """Every tag reached every chat at least once."""
    return all(all(tally(tg, chat, wanted)[tag] for tag in wanted) for chat in chats)


async def wait_delivered(
    tg: FakeTelegram, chats: Sequence[int], wanted: Sequence[str], *, timeout: float = 20
) -> None:
    await tg.wait_until(
        lambda: delivered(tg, chats, wanted),
        timeout=timeout,
        what=f"{len(wanted)} alerts in each of {len(chats)} chats",
    )


def assert_delivered(
    tg: FakeTelegram,
    chats: Iterable[int],
    wanted: Sequence[str],
    *,
    repeats: int = 0,
    never: Sequence[str] = (),
) -> dict[int, int]:
    """Every tag in `wanted` reached every chat, with at most `repeats` repeated messages per chat, and no
    tag in `never` reached any; the repeats per chat."""
    found: dict[int, int] = {}
    for chat in chats:
        counts = tally(tg, chat, [*wanted, *never])
        missing = [tag for tag in wanted if counts[tag] == 0]
        assert not missing, f"chat {chat} never got {missing}"
        extra = sum(counts[tag] - 1 for tag in wanted if counts[tag] > 1)
        assert extra <= repeats, f"chat {chat} got {extra} repeated message(s): {counts}"
        unwanted = {tag: counts[tag] for tag in never if counts[tag]}
        assert not unwanted, f"chat {chat} was alerted again of old items: {unwanted}"
        found[chat] = extra
    return found


class DatabaseLock:
    """`BEGIN EXCLUSIVE` on the database from a second sqlite3 connection: every write of the child waits (up
    to its busy timeout, then fails) until `release`."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._conn: sqlite3.Connection | None = None

    async def take(self) -> None:
        def take() -> sqlite3.Connection:
            conn = sqlite3.connect(self.db, timeout=20, isolation_level=None, check_same_thread=False)
            conn.execute("BEGIN EXCLUSIVE")
            return conn

        self._conn = await asyncio.to_thread(take)

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await asyncio.to_thread(_rollback_and_close, conn)


def _rollback_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK")
    conn.close()


def outbox_states(db: Path) -> dict[str, int]:
    """Outbox rows by state, read after the child stopped."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    finally:
        conn.close()


async def get_json(port: int, path: str) -> dict[str, Any]:
    async with httpx.AsyncClient(trust_env=False) as client:
        answer = await client.get(f"http://127.0.0.1:{port}{path}")
    return dict(answer.json())


async def get_metrics(port: int) -> str:
    async with httpx.AsyncClient(trust_env=False) as client:
        answer = await client.get(f"http://127.0.0.1:{port}/metrics")
    return answer.text


async def until(check: Callable[[], Awaitable[bool]], what: str, *, timeout: float = 10) -> None:
    """Poll `check` (an HTTP endpoint: nothing to wait on) every 50 ms until it holds."""
    try:
        async with asyncio.timeout(timeout):
            while not await check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited {timeout}s for {what}") from None


def metric(text: str, name: str, **labels: str) -> float:
    """One sample of Prometheus text (0 when absent)."""
    wanted = sorted(f'{key}="{value}"' for key, value in labels.items())
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        key, _, value = line.rpartition(" ")
        sample, _, rest = key.partition("{")
        if sample == name and sorted(filter(None, rest.rstrip("}").split(","))) == wanted:
            return float(value)
    return 0.0
