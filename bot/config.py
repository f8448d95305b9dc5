"""`config.toml`: the tables declared once (`bot.settings`), loaded and validated into frozen `Settings`.

Each core table is a dataclass here (`storage`, `fetch`, `console`, `sources`; `delivery` is the delivery
engine's own); each chat platform declares its own table (`bot.platforms`). Every mistake is reported, each
naming its key (`sources[1].interval: must be at least 10, got 5`). Tokens come only from the environment
(the platforms' `token_variable`); a `token` written in the file is an error.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery import DELIVERY_TABLE, DeliverySettings
from bot.masking import mask_urls
from bot.platforms import Platform, platforms, secret_variables
from bot.settings import (
    Setting,
    SettingDoc,
    SettingError,
    SettingsInvalid,
    describe_table,
    dump,
    table,
    validate,
)

__all__ = [
    "DEFAULT_SOURCE",
    "KINDS",
    "MIN_INTERVAL",
    "ConfigError",
    "ConsoleSettings",
    "FetchSettings",
    "HttpSettings",
    "SelectorSettings",
    "Settings",
    "SourceKind",
    "SourceSettings",
    "StorageSettings",
    "file_tables",
    "load_settings",
    "parse_settings",
    "reference",
]

SourceKind = Literal["wire-page", "feed", "auto"]
KINDS: tuple[str, ...] = get_args(SourceKind)
MIN_INTERVAL = 10
MAX_INTERVAL = 7 * 24 * 3600


class ConfigError(Exception):
    """The configuration file is missing, unreadable or has bad values; each line names a key."""


def _http_url(value: str, context: Mapping[str, Any]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f"expected an http:// or https:// URL, got {value!r}")
    return value


def _not_blank(value: str | None, context: Mapping[str, Any]) -> str | None:
    if value is not None and not value.strip():
        raise SettingError(f"must not be empty, got {value!r}")
    return value


def _timezone(value: str, context: Mapping[str, Any]) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f'expected an IANA time zone such as "Europe/Amsterdam" or "UTC", got {value!r}'
        ) from None
    return value


def _selector(value: str | None, context: Mapping[str, Any]) -> str | None:
    if value is None:
        return None
    _not_blank(value, context)
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    try:
        LexborHTMLParser("<p></p>").css(value)
    except SelectolaxError:
        raise SettingError(f"{value!r} is not a CSS selector lexbor can read") from None
    return value


def _whole(value: float, context: Mapping[str, Any]) -> float:
    if not float(value).is_integer():
        raise SettingError(f"expected a whole number of seconds, got {value!r}")
    return value


@table
@dataclass(frozen=True, slots=True)
class StorageSettings:
    """[storage]: the SQLite file."""

    path: Annotated[
        str,
        Setting(
            "The SQLite file that remembers sources, items and alerts, created on first start. A relative path "
            "is read from the config file's folder.",
            expected='a file path such as "wirewatch.db"',
            check=_not_blank,
        ),
    ] = "wirewatch.db"
    retention_days: Annotated[
        int,
        Setting(
            "Items not seen on their source for this many days are deleted (never items still on the page).",
            ge=1,
        ),
    ] = 30


@table
@dataclass(frozen=True, slots=True)
class FetchSettings:
    """[fetch]: how sources are fetched."""

    connect_timeout: Annotated[float, Setting("Seconds to wait for a connection.", ge=0.1)] = 5.0
    read_timeout: Annotated[float, Setting("Seconds to wait for each read of the response.", ge=0.1)] = 15.0
    max_bytes: Annotated[
        int,
        Setting(
            "Bodies larger than this many bytes (after undoing gzip or deflate) are refused (a failed poll); "
            "a compressed body is never inflated past it in memory.",
            ge=1024,
        ),
    ] = 5 * 1024 * 1024
    backoff_base: Annotated[
        float, Setting("After failures a source waits about backoff_base * 2^(failures-1) seconds.", ge=1)
    ] = 30.0
    backoff_max: Annotated[float, Setting("The longest wait after failures, in seconds.", ge=1)] = 1800.0
    parse_timeout: Annotated[
        float,
        Setting(
            "Seconds reading one page or feed may take, in a thread of its own; a page over it (plus a second for a "
            "library call that cannot be stopped) is a failed poll, reported, and Ctrl+C never waits for it.",
            gt=0,
            le=600,
        ),
    ] = 10.0


@table
@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """[console]: alerts printed on standard output."""

    enabled: Annotated[
        Literal["auto"] | bool,
        Setting(
            'Print alerts: "auto" only when no chat platform runs; true or false to force it.',
            expected='"auto", true or false',
        ),
    ] = "auto"
    color: Annotated[
        Literal["auto", "always", "never"],
        Setting('"auto" colours on a terminal and is plain when piped; "always" or "never" to force.'),
    ] = "auto"
    timezone: Annotated[
        str,
        Setting(
            "The time zone the console shows times in, named after each time (`14:05 CET`).",
            expected='an IANA time zone such as "Europe/Amsterdam" or "UTC"',
            check=_timezone,
        ),
    ] = "Europe/Amsterdam"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@table
@dataclass(frozen=True, slots=True)
class HttpSettings:
    """[http]: the health and metrics endpoints (and the Telegram webhook, in webhook mode)."""

    enabled: Annotated[
        bool, Setting("Serve GET /healthz and GET /metrics (Prometheus) while `wirewatch run` runs.")
    ] = False
    listen: Annotated[
        str,
        Setting(
            'The address to listen on: "127.0.0.1" for this machine only, "0.0.0.0" for every interface.',
            expected='an address such as "127.0.0.1"',
            check=_not_blank,
        ),
    ] = "127.0.0.1"
    port: Annotated[int, Setting("The port.", expected="a whole number from 1 to 65535", ge=1, le=65535)] = (
        9120
    )
    stale_after: Annotated[
        float,
        Setting(
            "/healthz says degraded when an alert has waited this many seconds for a chat that can receive it.",
            gt=0,
        ),
    ] = 600.0
    source_failures: Annotated[
        int, Setting("/healthz says degraded when a source failed this many polls in a row.", ge=1)
    ] = 3


@table
@dataclass(frozen=True, slots=True)
class SelectorSettings:
    """[sources.selectors]: CSS selectors for a page without datelines; each `item` element is one item."""

    item: Annotated[
        str,
        Setting(
            "The CSS selector of one item.",
            expected='a CSS selector such as "li.news-item"',
            check=_selector,
        ),
    ]
    title: Annotated[str | None, Setting("Inside an item: its title.", check=_selector)] = None
    lead: Annotated[str | None, Setting("Inside an item: its lead.", check=_selector)] = None
    time: Annotated[str | None, Setting("Inside an item: its time label or <time>.", check=_selector)] = None
    link: Annotated[str | None, Setting("Inside an item: its link.", check=_selector)] = None


@table
@dataclass(frozen=True, slots=True)
class SourceSettings:
    """[[sources]]: one page or feed to poll."""

    name: Annotated[
        str,
        Setting(
            "A short unique name; it keys the source's history in the database.",
            expected='a short unique name such as "nos-buitenland"',
            check=_not_blank,
        ),
    ]
    url: Annotated[str, Setting("The page or feed.", expected="an http:// or https:// URL", check=_http_url)]
    kind: Annotated[
        SourceKind,
        Setting(
            '"wire-page": items found by datelines and time labels; "feed": RSS, Atom or JSON Feed; '
            '"auto": told apart by the content.'
        ),
    ] = "wire-page"
    interval: Annotated[
        float,
        Setting(
            f"Seconds between polls (at least {MIN_INTERVAL}).",
            expected=f"a whole number of seconds from {MIN_INTERVAL} to {MAX_INTERVAL} (a week)",
            ge=MIN_INTERVAL,
            le=MAX_INTERVAL,
            check=_whole,
        ),
    ] = 60
    jitter: Annotated[
        int | None,
        Setting(
            "Up to this many seconds of random delay on each poll (default: a quarter of the interval, at most 5).",
            ge=0,
            le=3600,
        ),
    ] = None
    selectors: Annotated[SelectorSettings | None, Setting("CSS selectors, for a page without datelines.")] = (
        None
    )
    timezone: Annotated[
        str,
        Setting(
            "The source's time zone: clock labels such as `14:32` are wall time there (feeds carry offsets).",
            expected='an IANA time zone such as "Europe/Amsterdam" or "UTC"',
            check=_timezone,
        ),
    ] = "Europe/Amsterdam"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def max_jitter(self) -> float:
        """`jitter`, or when not set a quarter of the interval, at most 5 seconds."""
        return self.jitter if self.jitter is not None else min(5, self.interval // 4)


def _unique_names(
    sources: tuple[SourceSettings, ...], context: Mapping[str, Any]
) -> tuple[SourceSettings, ...]:
    seen: set[str] = set()
    for index, source in enumerate(sources):
        if source.name in seen:
            raise SettingError(
                f"{source.name!r} is used by another source; names must be unique", at=(index, "name")
            )
        seen.add(source.name)
    return sources


DEFAULT_SOURCE = SourceSettings(
    name="zeelandnet-buitenland", url="https://www.zeelandnet.nl/nieuws/buitenland", kind="wire-page"
)


def _table(name: str) -> dict[str, Any]:
    return {"table": name}


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole resolved configuration: the core tables, each platform's table, and the environment's secrets."""

    storage: StorageSettings = field(default_factory=StorageSettings, metadata=_table("storage"))
    fetch: FetchSettings = field(default_factory=FetchSettings, metadata=_table("fetch"))
    console: ConsoleSettings = field(default_factory=ConsoleSettings, metadata=_table("console"))
    delivery: DELIVERY_TABLE = field(default_factory=DeliverySettings, metadata=_table("delivery"))
    http: HttpSettings = field(default_factory=HttpSettings, metadata=_table("http"))
    sources: Annotated[
        tuple[SourceSettings, ...],
        Setting(
            "One [[sources]] table per page or feed; without any, the ZeelandNet source.",
            expected="one or more [[sources]] tables with name, url and kind",
            min_items=1,
            check=_unique_names,
        ),
    ] = field(default=(DEFAULT_SOURCE,), metadata=_table("sources"))
    platforms: Mapping[str, Any] = field(default_factory=dict)
    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    path: str | None = None

    def platform(self, name: str) -> Any:
        """The `[name]` table of a registered chat platform (its defaults when the file has none)."""
        if name in self.platforms:
            return self.platforms[name]
        return _platform(name).settings()

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with every secret masked, for `wirewatch check-config`."""
        result: dict[str, Any] = {"config_file": self.path}
        for name in file_tables():
            result[name] = dump(getattr(self, name))
        for platform in platforms():
            result[platform.name] = dump(self.platform(platform.name))
        result = _masked_urls(result)
        names = [*secret_variables(), *(n for n in self.tokens if n not in secret_variables())]
        result["environment"] = {
            name: (
                f"set ({len(self.tokens[name])} characters, hidden)" if name in self.tokens else "(not set)"
            )
            for name in names
        }
        return result


def _masked_urls(value: Any) -> Any:
    """Every URL in the printed settings with its password and secret query values masked."""
    if isinstance(value, str):
        return mask_urls(value)
    if isinstance(value, dict):
        return {key: _masked_urls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_urls(item) for item in value]
    return value


def file_tables() -> dict[str, Any]:
    """The core tables of the file: name -> declared type (as `bot.settings.validate` takes it)."""
    hints = get_type_hints(Settings, include_extras=True)
    return {f.name: hints[f.name] for f in fields(Settings) if f.metadata.get("table")}


def _beside(storage: StorageSettings, config_file: Path) -> StorageSettings:
    """`storage.path` as written, but a relative one is read from the config file's folder, wherever wirewatch
    was started (systemd, cron), so it never silently starts over with an empty database."""
    db = Path(storage.path).expanduser()
    if not db.is_absolute():
        db = config_file.expanduser().resolve().parent / db
    return replace(storage, path=str(db))


def reference() -> list[SettingDoc]:
    """Every setting of the file, core tables first, then each platform's, in declaration order."""
    docs: list[SettingDoc] = []
    for name, declared in file_tables().items():
        docs += describe_table(declared, name)
    for platform in platforms():
        docs += describe_table(platform.settings, platform.name)
    return docs


def _platform(name: str) -> Platform[Any]:
    for platform in platforms():
        if platform.name == name:
            return platform
    raise KeyError(f"no chat platform named {name!r}")


def load_settings(path: str | Path | None, environ: Mapping[str, str]) -> Settings:
    """Read `path` (TOML) and the environment. `None` means the built-in defaults (ZeelandNet, console)."""
    if path is None:
        return parse_settings({}, tokens=environ, path=None)
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"config file {str(file)!r} does not exist (copy config.example.toml to start one)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(file)!r}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # a byte order mark (Windows editors) is no error
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text (save it as UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    return parse_settings(data, tokens=environ, path=str(file))


def parse_settings(data: Mapping[str, Any], *, tokens: Mapping[str, str], path: str | None) -> Settings:
    """Validate the parsed TOML document; see `config.example.toml` for every key.

    `tokens` is the environment (or the part of it with secrets); `Settings.tokens` keeps only the secrets the
    platforms read: their tokens and the variables their tables name.
    """
    tables = file_tables()
    registered = {p.name: p for p in platforms()}
    known = sorted([*tables, *registered])
    problems: list[str] = [
        f"{key}: unknown key; expected one of: {', '.join(known)}"
        for key in data
        if key not in tables and key not in registered
    ]
    values: dict[str, Any] = {}
    for name, declared in tables.items():
        if name in data:
            try:
                values[name] = validate(declared, data[name], where=name)
            except SettingsInvalid as exc:
                problems += exc.problems
    chosen: dict[str, Any] = {}
    for name, platform in registered.items():
        table = data.get(name, {})
        if isinstance(table, dict) and "token" in table:
            problems.append(
                f"{name}.token: tokens are never read from the config file; "
                f"remove the key and set the environment variable {platform.token_variable}"
            )
            table = {k: v for k, v in table.items() if k != "token"}
        try:
            chosen[name] = validate(
                platform.table_type(), table, where=name, context={"environ": dict(tokens)}
            )
        except SettingsInvalid as exc:
            problems += exc.problems
    if problems:
        raise ConfigError("\n".join(problems))
    if path is not None and "storage" in values:
        values["storage"] = _beside(values["storage"], Path(path))
    wanted = [*secret_variables()]
    wanted += [v for name, platform in registered.items() for v in platform.variables(chosen[name])]
    secrets = {name: tokens[name] for name in wanted if tokens.get(name)}
    return Settings(**values, platforms=chosen, tokens=secrets, path=path)
