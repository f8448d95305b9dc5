"""The `wirewatch` command line: thin commands over the library, one unit of work each (only `run` lasts)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

import click

from bot.logs import configure_logging
from storage.models import OutboxStatus

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.config import Settings

# Commands import what they use when they run, so `wirewatch --help` or `parse` loads no chat platform,
# scheduler or database layer it does not need.

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


EARLIEST_NOW = 1990


class NowType(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 moment; a naive one is taken as UTC."""

    name = "ISO8601"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-11-27T12:00:00Z", param, ctx)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        latest = datetime.now(UTC) + timedelta(days=1)
        if moment.year < EARLIEST_NOW or moment > latest:
            self.fail(
                f"{value!r} is not a moment wire pages can be read at: give one from {EARLIEST_NOW} "
                "to tomorrow (relative labels such as '8 minuten geleden' are read against it)",
                param,
                ctx,
            )
        return moment


def now_option(f: F) -> F:
    return click.option(
        "--now",
        type=NowType(),
        default=None,
        help="Pretend it is this moment (ISO 8601) when reading relative times. Default: the current time.",
    )(f)


def config_option(f: F) -> F:
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Path to config.toml. Default: ./config.toml if it exists, else built-in defaults.",
    )(f)


def format_option(default: str) -> Callable[[F], F]:
    def decorator(f: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(["json", "table"]),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorator


def _now(value: datetime | None) -> datetime:
    return value or datetime.now(UTC)


def _settings(config_path: Path | None) -> Settings:
    from bot.config import ConfigError, load_settings

    if config_path is None and Path("config.toml").is_file():
        config_path = Path("config.toml")
    try:
        return load_settings(config_path, os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _fail_cleanly(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="wirewatch")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines (on stderr) as text or as one JSON object per line.",
)
def cli(verbose: int, log_format: str) -> None:
    """wirewatch: watch news-wire pages and feeds, and push every new item to the chats that want it."""
    configure_logging(verbose, log_format)


@cli.command()
@click.argument("target", metavar="PATH_OR_URL")
@click.option("--base-url", default=None, help="Resolve relative links against this URL (default: the URL).")
@now_option
@format_option("table")
def parse(target: str, base_url: str | None, now: datetime | None, fmt: str) -> None:
    """Print the items found in a page or feed (a local file or an http(s) URL)."""
    from bot import app
    from bot.cli import output
    from bot.status_printer import use_color

    try:
        items = asyncio.run(app.parse_target(target, base_url=base_url, now=_now(now)))
    except app.AppError as exc:
        raise _fail_cleanly(exc) from None
    if fmt == "json":
        click.echo(output.items_json(items))
    else:
        click.echo(output.items_table(items, now=_now(now), color=use_color(sys.stdout)))


@cli.command()
@click.argument("text")
@click.option("--place", default=None, help="The dateline place, if the text has none of its own.")
@format_option("table")
def tag(text: str, place: str | None, fmt: str) -> None:
    """Print the countries (and regions) TEXT is about, with the evidence for each."""
    from bot.cli import output
    from parsers.countries import tag_text

    tags = tag_text(text, place=place)
    if fmt == "json":
        click.echo(json.dumps(output.tags_json(tags), ensure_ascii=False, indent=2))
    else:
        click.echo(output.tags_table(tags))


@cli.command(name="check-config")
@config_option
def check_config(config_path: Path | None) -> None:
    """Validate the configuration and print it resolved, with secrets masked."""
    settings = _settings(config_path)
    folder = Path(settings.storage.path).parent
    if not folder.is_dir():  # `run` would stop at once on this, so say it now
        raise click.ClickException(
            f"storage.path: the folder {folder} does not exist; create it, or choose another path"
        )
    click.echo(json.dumps(settings.masked(), ensure_ascii=False, indent=2))


@cli.command()
@click.option(
    "--once", is_flag=True, required=True, help="Poll one time and exit (required; `run` polls forever)."
)
@click.option("--url", required=True, help="The page or feed to poll.")
@click.option(
    "--db",
    "db_path",
    required=True,
    help="SQLite database that remembers what was seen (created if missing).",
)
@click.option(
    "--kind",
    type=click.Choice(["auto", "wire-page", "feed"]),
    default="auto",
    show_default=True,
    help="What the URL serves; auto sniffs feeds and pages.",
)
@click.option("--no-baseline", is_flag=True, help="Report everything on a source's first poll as new.")
@now_option
@format_option("json")
def poll(
    once: bool, url: str, db_path: str, kind: str, no_baseline: bool, now: datetime | None, fmt: str
) -> None:
    """Poll URL once against a database and print the new and edited items (JSON: [] when nothing happened)."""
    from bot import app
    from bot.cli import output

    try:
        events = asyncio.run(app.poll_once(url, db_path, now=now, baseline=not no_baseline, kind=kind))
    except app.AppError as exc:
        raise _fail_cleanly(exc) from None
    if fmt == "json":
        click.echo(output.events_json(events))
    elif not events:
        click.echo("Nothing new.")
    else:
        click.echo(output.events_text(events))


@cli.command()
@config_option
def run(config_path: Path | None) -> None:
    """Poll every configured source until interrupted (Ctrl+C or SIGTERM), sending alerts as they come."""
    from bot import app

    settings = _settings(config_path)
    try:
        asyncio.run(app.run_forever(settings))
    except KeyboardInterrupt:
        pass
    except app.AppError as exc:
        raise _fail_cleanly(exc) from None


@cli.command()
@click.option(
    "--interval", type=click.IntRange(1, 10), default=1, show_default=True, help="Seconds between polls."
)
def demo(interval: int) -> None:
    """Play an offline demo: a local site changes over time and wirewatch reports each change once."""
    from bot.demo import run_demo

    asyncio.run(run_demo(interval=interval))


def db_options(f: F) -> F:
    f = click.option(
        "--db",
        "db_path",
        default=None,
        help="SQLite database to read. Default: storage.path of the configuration.",
    )(f)
    return config_option(f)


def _open_existing(db_path: str | None, config_path: Path | None) -> Database:
    from storage.db import open_db
    from storage.errors import StorageError

    if db_path is not None and config_path is not None:
        raise click.UsageError("give --db or --config, not both (--config finds the database itself)")
    path = db_path or _settings(config_path).storage.path
    if not Path(path).is_file():
        raise click.ClickException(f"no database at {path} (wirewatch creates it on its first poll)")
    try:
        return open_db(path)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@db_options
@format_option("table")
def sources(db_path: str | None, config_path: Path | None, fmt: str) -> None:
    """Show each source's health: last poll, last success, failures in a row, last error, items seen."""
    from bot.cli import output
    from storage.sources import list_sources

    db = _open_existing(db_path, config_path)
    try:
        states = list_sources(db)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps([output.source_json(s) for s in states], ensure_ascii=False, indent=2))
    else:
        click.echo(output.sources_table(states, now=datetime.now(UTC)))


@cli.command()
@db_options
@click.option(
    "--status",
    type=click.Choice(list(get_args(OutboxStatus))),
    default=None,
    help="Only alerts in this state.",
)
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="At most this many."
)
@format_option("table")
def outbox(db_path: str | None, config_path: Path | None, status: str | None, limit: int, fmt: str) -> None:
    """Show queued and delivered alerts, newest first, with their state and reason, and counts per state."""
    from bot.cli import output
    from storage.outbox import list_outbox, outbox_counts

    db = _open_existing(db_path, config_path)
    try:
        rows = list_outbox(db, status=status, limit=limit)  # type: ignore[arg-type]
        counts = outbox_counts(db)
    finally:
        db.close()
    if fmt == "json":
        click.echo(
            json.dumps({"counts": counts, "rows": [output.outbox_row_json(r) for r in rows]}, indent=2)
        )
    else:
        click.echo(output.outbox_table(rows, counts))


@cli.command()
@db_options
@format_option("table")
def status(db_path: str | None, config_path: Path | None, fmt: str) -> None:
    """Show the sources and their last polls, subscribed chats per platform and mode, the outbox, the [http]
    address."""
    from bot.cli import output
    from storage.health import subscription_views
    from storage.outbox import outbox_counts
    from storage.sources import list_sources

    http = None
    if db_path is None:
        settings = _settings(config_path)
        if settings.http.enabled:
            http = f"http://{settings.http.listen}:{settings.http.port}"
    db = _open_existing(db_path, config_path)
    try:
        states, views, counts = list_sources(db), subscription_views(db), outbox_counts(db)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps(output.status_json(states, views, counts, http), ensure_ascii=False, indent=2))
    else:
        click.echo(output.status_text(states, views, counts, http, now=datetime.now(UTC)))


@cli.group(invoke_without_command=True)
@click.pass_context
def subscriptions(ctx: click.Context) -> None:
    """See and manage what each chat or channel gets (list, show, pause, resume, remove)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(subscriptions_list)


@subscriptions.command(name="list")
@db_options
@click.option("--platform", default=None, help="Only this platform (telegram, discord, console).")
@format_option("table")
def subscriptions_list(
    db_path: str | None = None,
    config_path: Path | None = None,
    platform: str | None = None,
    fmt: str = "table",
) -> None:
    """Every chat and channel: its state, its queue, its last alert and its filters."""
    from bot.cli import output
    from storage.health import subscription_views

    db = _open_existing(db_path, config_path)
    try:
        views = subscription_views(db, platform=platform)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps([output.subscription_json(v) for v in views], ensure_ascii=False, indent=2))
    else:
        click.echo(output.subscriptions_table(views, now=datetime.now(UTC)))


@subscriptions.command(name="show")
@click.argument("key")
@db_options
@format_option("table")
def subscriptions_show(key: str, db_path: str | None, config_path: Path | None, fmt: str) -> None:
    """Everything about one chat or channel (KEY as `list` shows it), with its latest alerts and why."""
    from bot.cli import output
    from storage.outbox import list_outbox

    db = _open_existing(db_path, config_path)
    try:
        view = _one(db, key)
        recent = list_outbox(db, destination=key, limit=10)
    finally:
        db.close()
    if fmt == "json":
        data = output.subscription_json(view)
        data["latest_alerts"] = [output.outbox_row_json(r) for r in recent]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(output.subscription_detail(view, recent, now=datetime.now(UTC)))


@subscriptions.command(name="pause")
@click.argument("key")
@db_options
def subscriptions_pause(key: str, db_path: str | None, config_path: Path | None) -> None:
    """No new alerts for KEY until `resume` (a running wirewatch sees it at once)."""
    _set_paused(key, True, db_path, config_path)


@subscriptions.command(name="resume")
@click.argument("key")
@db_options
def subscriptions_resume(key: str, db_path: str | None, config_path: Path | None) -> None:
    """Alerts again for KEY."""
    _set_paused(key, False, db_path, config_path)


@subscriptions.command(name="remove")
@click.argument("key")
@db_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def subscriptions_remove(key: str, db_path: str | None, config_path: Path | None, yes: bool) -> None:
    """Delete KEY with its filters and its alerts (a chat can subscribe again; the config file's come back)."""
    from storage.health import delete_destination

    db = _open_existing(db_path, config_path)
    try:
        _one(db, key)
        if not yes:
            click.confirm(f"Delete {key}, its filters and its alerts?", abort=True)
        delete_destination(db, key)
    finally:
        db.close()
    click.echo(f"Removed {key}.")


def _one(db: Database, key: str) -> Any:
    from storage.health import subscription_views

    found = subscription_views(db, key=key)
    if not found:
        raise click.ClickException(
            f"no chat or channel {key!r}; `wirewatch subscriptions list` shows the keys"
        )
    return found[0]


def _set_paused(key: str, paused: bool, db_path: str | None, config_path: Path | None) -> None:
    from storage.destinations import set_destination_paused

    db = _open_existing(db_path, config_path)
    try:
        _one(db, key)
        set_destination_paused(db, key, paused, now=datetime.now(UTC))
    finally:
        db.close()
    click.echo(f"{key} is {'paused' if paused else 'active again'}.")
