"""Composition root: builds the client, store, poller, scheduler and sinks, and runs the CLI's coroutines."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO, cast

from sqlite_utils import Database

from bot.adapters.base import Adapter
from bot.adapters.console import CONSOLE_KEY, ConsoleAdapter, set_console_active
from bot.chat import ChatCommands
from bot.config import Settings, SourceKind, SourceSettings
from bot.delivery import DeliveryEngine
from bot.extract import extract_items
from bot.fetch import FetchError, decode_body, fetch, make_client
from bot.masking import mask_url
from bot.matching import MatchIndex
from bot.pipeline import Poller, PollReport
from bot.platforms import PlatformContext, PlatformRuntime, PlatformStartError, platforms
from bot.runlock import AlreadyRunning, run_lock
from bot.scheduler import PollScheduler
from bot.status_printer import StatusPrinter, use_color
from bot.store import Store
from parsers.errors import ParseError
from parsers.models import Item
from storage.errors import DatabaseUnavailable, StorageError
from storage.models import ItemEvent
from storage.outbox import prune_outbox
from storage.prune import prune_items
from storage.sources import upsert_source
from storage.subscriptions import get_subscription, iter_active_subscriptions
from storage.transactions import transaction

__all__ = [
    "AppError",
    "ReportHook",
    "Running",
    "parse_target",
    "poll_once",
    "report_status",
    "run_forever",
]

if TYPE_CHECKING:  # imported when `[http]` is on: aiohttp and prometheus_client cost a third of a second
    from bot.metrics import Metrics
    from bot.web import HttpServer

log = logging.getLogger(__name__)
PRUNE_EVERY = timedelta(hours=6)
FINAL_PASS = 1.0  # seconds the last delivery pass may take when wirewatch stops


class AppError(Exception):
    """A command could not do its work; the message says why, in one line."""


async def parse_target(
    target: str, *, base_url: str | None, now: datetime, stdin: BinaryIO | None = None
) -> list[Item]:
    """Items of a local file, an http(s) URL or (`-`) standard input, tagged with countries."""
    scheme = target.partition("://")[0].lower() if "://" in target else None
    if scheme is not None and scheme not in ("http", "https"):
        raise AppError(f"cannot read {mask_url(target)}: only http:// and https:// URLs (or a file, or -)")
    if target == "-":
        body = (stdin or sys.stdin.buffer).read()
        text, _ = decode_body(body, None)
        base: str | None = base_url
    elif scheme is not None:
        async with make_client() as client:
            try:
                result = await fetch(client, target)
            except FetchError as exc:
                raise AppError(f"cannot fetch {mask_url(target)}: {exc}") from None
        body, text = result.body, result.text
        base = base_url or result.url
    else:
        path = Path(target)
        if path.is_dir():
            raise AppError(f"{target} is a folder; give a page or feed file, a URL, or - for standard input")
        if not path.is_file():
            raise AppError(f"no such file: {target}")
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise AppError(f"cannot read {target}: {exc.strerror}") from None
        text, _ = decode_body(body, None)
        base = base_url
    if not text.strip():
        raise AppError(f"{'standard input' if target == '-' else mask_url(target)} is empty: nothing to read")
    try:
        return extract_items(body, text, now=now, base_url=base)
    except ParseError as exc:
        raise AppError(f"{mask_url(target)}: {exc}") from None


async def poll_once(
    url: str, db_path: str, *, now: datetime | None, baseline: bool, kind: str = "auto"
) -> list[ItemEvent]:
    """One poll of `url` against the database at `db_path`; the events it produced.

    Alerts for the database's subscriptions are queued as in `run`, so a running wirewatch delivers them.
    """
    shown = mask_url(url)  # the source's name and stored URL: a password or token in the URL stays out
    source = SourceSettings(name=shown, url=url, kind=cast(SourceKind, kind), interval=60, jitter=0)
    async with _opened(db_path) as store, make_client() as client:
        try:
            await store.run(upsert_source, source.name, shown, source.kind)
            index = await store.run(build_index)
            poller = Poller(store=store, client=client, clock=_utcnow, index=index, labels_at=now)
            report = await poller.poll(source, baseline=baseline)
        except StorageError as exc:
            raise AppError(f"database {db_path}: {exc}") from None
    if report.status == "failed":
        raise AppError(f"poll of {shown} failed: {report.error}")
    if report.status == "problem":
        log.warning("poll of %s: %s", shown, report.error)
    return list(report.events)


@dataclass(frozen=True, slots=True)
class Running:
    """What `run_forever` runs, as a report hook sees it."""

    store: Store
    engine: DeliveryEngine
    adapters: tuple[Adapter, ...]
    status: StatusPrinter


ReportHook = Callable[[PollReport, Running], Awaitable[None]]


async def run_forever(
    settings: Settings,
    *,
    stream: TextIO | None = None,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] | None = None,
    on_report: ReportHook | None = None,
) -> None:
    """Poll every configured source until SIGINT/SIGTERM (or `stop` is set), delivering alerts as they come.

    Every chat platform whose token is set starts in this loop. `on_report`, when given, sees each poll's
    report instead of the default status line, before the delivery engine is woken (the demo drives its story
    with it).
    """
    stream = stream or sys.stdout
    stop = stop or asyncio.Event()
    clock = clock or _utcnow
    color = use_color(stream, settings.console.color)
    status = StatusPrinter(stream, color=color, zone=settings.console.zone)
    metrics = _metrics(settings)
    folder = Path(settings.storage.path).parent
    if not folder.is_dir():
        raise AppError(f"cannot open database {settings.storage.path}: the folder {folder} does not exist")
    try:
        with run_lock(settings.storage.path):
            await _run(settings, stream, stop, clock, on_report, metrics, color, status)
    except AlreadyRunning as exc:
        raise AppError(str(exc)) from None


async def _run(
    settings: Settings,
    stream: TextIO,
    stop: asyncio.Event,
    clock: Callable[[], datetime],
    on_report: ReportHook | None,
    metrics: Metrics | None,
    color: bool,
    status: StatusPrinter,
) -> None:
    async with (
        _opened(settings.storage.path, announce_health=True) as store,
        make_client(
            connect_timeout=settings.fetch.connect_timeout, read_timeout=settings.fetch.read_timeout
        ) as client,
        contextlib.AsyncExitStack() as stack,
    ):
        for source in settings.sources:
            await store.run(upsert_source, source.name, mask_url(source.url), source.kind)
        index = await store.run(build_index)
        poller = Poller(store=store, client=client, clock=clock, fetch_settings=settings.fetch, index=index)
        scheduler: PollScheduler | None = None
        running_platforms: dict[str, PlatformRuntime] = {}
        http = await _start_http(settings, stack)
        if http is not None and metrics is not None:
            from bot.healthcheck import HealthCheck

            health = HealthCheck(
                settings=settings.http,
                store=store,
                metrics=metrics,
                platforms=running_platforms,
                scheduler_running=lambda: scheduler is not None and scheduler.running,
                clock=clock,
            )
            http.route("GET", "/healthz", health.healthz)
            http.route("GET", "/metrics", health.metrics_text)
        commands = ChatCommands(store, index, clock=clock)
        running_platforms.update(await _start_platforms(settings, commands, clock, stack, http))
        runtimes = list(running_platforms.values())
        adapters: list[Adapter] = [runtime.adapter for runtime in runtimes]
        enabled = settings.console.enabled
        console = not runtimes if enabled == "auto" else enabled
        await store.run(_console_active, index, console, now=clock())
        if console:
            adapters.append(ConsoleAdapter(stream, color=color, zone=settings.console.zone))
        if not adapters:
            log.warning("the console is disabled and no chat platform is set up: alerts wait in the outbox")
        engine = DeliveryEngine(
            store,
            adapters,
            settings=settings.delivery,
            clock=clock,
            observer=None if metrics is None else metrics.observe_delivery,
        )
        running = Running(store, engine, tuple(adapters), status)

        intervals = {source.name: source.interval for source in settings.sources}

        async def handle(report: PollReport) -> None:
            if metrics is not None:
                metrics.observe_poll(
                    report.source, report.status, report.duration, report.new, report.updated
                )
            if on_report is not None:
                await on_report(report, running)
            else:
                report_status(status, report, intervals.get(report.source))
            healthy = report.status in ("ok", "not-modified")
            for runtime in runtimes:
                runtime.source_report(report.source, ok=healthy, error=report.error)
            if report.queued:
                engine.notify()

        scheduler = PollScheduler(poller, settings.sources, handle)
        where = f"; health and metrics on {http.url}" if http is not None else ""
        status.note(
            f"wirewatch is watching {len(settings.sources)} source(s); database {settings.storage.path}{where}; "
            "Ctrl+C to stop",
            when=clock(),
        )
        async with engine:
            with _signals_set(stop):
                scheduler.start()
                pruner = asyncio.ensure_future(_prune_periodically(store, settings, clock))
                try:
                    await stop.wait()
                finally:
                    pruner.cancel()
                    await scheduler.stop()
        # The workers are stopped (a send in flight is given up): one last pass sends what is due, within a
        # bound, so a platform that holds a message without answering never keeps a stop from ending.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(engine.deliver_due(), FINAL_PASS)
        status.note("stopped", when=clock())


@contextlib.asynccontextmanager
async def _opened(path: str, *, announce_health: bool = False) -> AsyncIterator[Store]:
    """The store, or an `AppError` naming the file and the problem (not a traceback)."""
    store = Store(path, announce_health=announce_health)
    try:
        await store.__aenter__()
    except StorageError as exc:
        raise AppError(str(exc)) from None
    try:
        yield store
    finally:
        await store.__aexit__(None, None, None)


def _metrics(settings: Settings) -> Metrics | None:
    """The metrics `/metrics` serves, when `[http]` is on."""
    if not settings.http.enabled:
        return None
    from bot.metrics import Metrics

    return Metrics()


async def _start_http(settings: Settings, stack: contextlib.AsyncExitStack) -> HttpServer | None:
    """The `[http]` listener when it is on, running until `stack` closes."""
    if not settings.http.enabled:
        return None
    from bot.web import HttpServer, HttpStartError

    server = HttpServer(settings.http.listen, settings.http.port)
    try:
        await server.start()
    except HttpStartError as exc:
        raise AppError(f"http: {exc}") from None
    stack.push_async_callback(server.stop)
    return server


async def _start_platforms(
    settings: Settings,
    commands: ChatCommands,
    clock: Callable[[], datetime],
    stack: contextlib.AsyncExitStack,
    http: HttpServer | None = None,
) -> dict[str, PlatformRuntime]:
    """Every registered chat platform whose token is set, running until `stack` closes."""
    runtimes: dict[str, PlatformRuntime] = {}
    for platform in platforms():
        platform_settings = settings.platform(platform.name)
        token = settings.tokens.get(platform.token_variable, "")
        if not token and not platform.tokenless(platform_settings):
            if platform.configured(platform_settings):
                log.warning(
                    "[%s] is configured but %s is not set: the %s bot is off",
                    platform.name,
                    platform.token_variable,
                    platform.name,
                )
            continue
        names = (*platform.secret_variables, *platform.variables(platform_settings))
        secrets = {name: settings.tokens[name] for name in names if name in settings.tokens}
        context = PlatformContext(platform_settings, token, secrets, commands, clock, http)
        try:
            runtime = await platform.start(context)
        except PlatformStartError as exc:
            raise AppError(str(exc)) from None
        stack.push_async_callback(runtime.stop)
        runtimes[platform.name] = runtime
    return runtimes


def build_index(db: Database) -> MatchIndex:
    """The match index of every active subscription, built on the database thread (the thread that uses it),
    one row at a time (the whole list never sits in memory beside the index)."""
    return MatchIndex(iter_active_subscriptions(db))


def report_status(status: StatusPrinter, report: PollReport, interval: float | None = None) -> None:
    """A status line for the polls worth a word: the silent first one, and failures.

    The next try is the first scheduled poll after the backoff (polls come every `interval` seconds).
    """
    if report.seeded:
        status.note(
            f"{report.source}: first poll, {report.items} items already there (not alerted)", when=report.at
        )
    elif report.status in ("failed", "problem"):
        wait = report.retry_in or 0.0
        if interval:
            wait = max(1, math.ceil(wait / interval)) * interval
        retry = f"; next try in {wait:.0f}s" if wait else ""
        status.note(f"{report.source}: {report.error}{retry}", when=report.at)


async def _prune_periodically(store: Store, settings: Settings, clock: Callable[[], datetime]) -> None:
    retention = timedelta(days=settings.storage.retention_days)
    while True:
        try:
            removed = await store.run(_prune, now=clock(), retention=retention)
            if removed:
                log.info(
                    "pruned %d items and alerts older than %d days", removed, settings.storage.retention_days
                )
        except DatabaseUnavailable:  # the store has said so, once; the next round tries again
            pass
        except Exception:
            log.exception("pruning old items failed")
        await asyncio.sleep(PRUNE_EVERY.total_seconds())


def _console_active(db: Database, index: MatchIndex, active: bool, *, now: datetime) -> None:
    set_console_active(db, active, now=now)
    subscription = get_subscription(db, CONSOLE_KEY)
    if subscription is not None:
        index.replace(subscription)


def _prune(db: Database, *, now: datetime, retention: timedelta) -> int:
    with transaction(db):
        return prune_items(db, now=now, retention=retention) + prune_outbox(db, now=now, retention=retention)


@contextlib.contextmanager
def _signals_set(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _utcnow() -> datetime:
    return datetime.now(UTC)
