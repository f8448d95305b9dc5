"""Load and validate `config.toml` into frozen settings.

Every mistake raises `ConfigError` naming the key (`sources[1].interval`) and what is expected. Tokens come only
from the environment (`TELEGRAM_BOT_TOKEN`, `DISCORD_BOT_TOKEN`); a token written in the file is an error.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.delivery import DeliverySettings, DeliverySettingsError
from bot.telegram.settings import DESTINATION_KEYS as TELEGRAM_DESTINATION_KEYS
from bot.telegram.settings import KEYS as TELEGRAM_KEYS
from bot.telegram.settings import TelegramSettings, TelegramSettingsError, parse_telegram_settings

__all__ = [
    "DEFAULT_SOURCE",
    "KEYS",
    "KINDS",
    "MIN_INTERVAL",
    "ConfigError",
    "FetchSettings",
    "SelectorSettings",
    "Settings",
    "SourceSettings",
    "load_settings",
    "parse_settings",
]

KINDS = ("wire-page", "feed")
# Every key each table accepts; config.example.toml documents each one (tests/test_docs.py checks).
KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"storage", "fetch", "console", "delivery", "sources", "telegram", "discord"}),
    "storage": frozenset({"path", "retention_days"}),
    "fetch": frozenset({"connect_timeout", "read_timeout", "max_bytes", "backoff_base", "backoff_max"}),
    "console": frozenset({"enabled", "color"}),
    "delivery": frozenset(f.name for f in fields(DeliverySettings)),
    "sources": frozenset({"name", "url", "kind", "interval", "jitter", "selectors"}),
    "sources.selectors": frozenset({"item", "title", "lead", "time", "link"}),
    "telegram": TELEGRAM_KEYS,
    "telegram.destinations": TELEGRAM_DESTINATION_KEYS,
}
MIN_INTERVAL = 10
TOKEN_VARIABLES = ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")


class ConfigError(Exception):
    """The configuration file is missing, unreadable or has a bad value; the message names the key."""


@dataclass(frozen=True, slots=True)
class SelectorSettings:
    """CSS selectors for a page without datelines: each `item` element is one item."""

    item: str
    title: str | None = None
    lead: str | None = None
    time: str | None = None
    link: str | None = None


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """One page or feed to poll."""

    name: str
    url: str
    kind: str = "wire-page"
    interval: float = 60
    jitter: int = 5
    selectors: SelectorSettings | None = None


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How sources are fetched."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_bytes: int = 5 * 1024 * 1024
    backoff_base: float = 30.0
    backoff_max: float = 1800.0


DEFAULT_SOURCE = SourceSettings(
    name="zeelandnet-buitenland", url="https://www.zeelandnet.nl/nieuws/buitenland", kind="wire-page"
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole resolved configuration."""

    db_path: str = "wirewatch.db"
    retention_days: int = 30
    sources: tuple[SourceSettings, ...] = (DEFAULT_SOURCE,)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    console: bool | None = None  # None: only when no chat platform runs
    console_color: str = "auto"
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    path: str | None = None

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with every secret masked, for `wirewatch check-config`."""
        return {
            "config_file": self.path,
            "storage": {"path": self.db_path, "retention_days": self.retention_days},
            "fetch": {
                "connect_timeout": self.fetch.connect_timeout,
                "read_timeout": self.fetch.read_timeout,
                "max_bytes": self.fetch.max_bytes,
                "backoff_base": self.fetch.backoff_base,
                "backoff_max": self.fetch.backoff_max,
            },
            "console": {
                "enabled": "auto" if self.console is None else self.console,
                "color": self.console_color,
            },
            "delivery": {f.name: getattr(self.delivery, f.name) for f in fields(self.delivery)},
            "sources": [_source_dict(s) for s in self.sources],
            "telegram": self.telegram.masked(),
            "environment": {
                name: (_mask(self.tokens[name]) if name in self.tokens else "(not set)")
                for name in TOKEN_VARIABLES
            },
        }


def load_settings(path: str | Path | None, environ: Mapping[str, str]) -> Settings:
    """Read `path` (TOML) and the environment. `None` means the built-in defaults (ZeelandNet, console)."""
    tokens = {name: environ[name] for name in TOKEN_VARIABLES if environ.get(name)}
    if path is None:
        return Settings(tokens=tokens)
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
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    return parse_settings(data, tokens=tokens, path=str(file))


def parse_settings(data: Mapping[str, Any], *, tokens: Mapping[str, str], path: str | None) -> Settings:
    """Validate the parsed TOML document; see `config.example.toml` for every key."""
    _check_keys(data, "", KEYS[""])
    storage = _table(data, "storage")
    _check_keys(storage, "storage.", KEYS["storage"])
    fetch = _table(data, "fetch")
    _check_keys(
        fetch, "fetch.", {"connect_timeout", "read_timeout", "max_bytes", "backoff_base", "backoff_max"}
    )
    console = _table(data, "console")
    _check_keys(console, "console.", KEYS["console"])
    delivery = _table(data, "delivery")
    _check_keys(delivery, "delivery.", KEYS["delivery"])
    for platform in ("telegram", "discord"):
        section = _table(data, platform)
        if "token" in section:
            env = f"{platform.upper()}_BOT_TOKEN"
            raise ConfigError(
                f"{platform}.token: tokens are never read from the config file; "
                f"remove the key and set the environment variable {env}"
            )

    try:
        telegram = parse_telegram_settings(
            _table(data, "telegram"), webhook_secret=tokens.get("TELEGRAM_WEBHOOK_SECRET")
        )
    except TelegramSettingsError as exc:
        raise ConfigError(str(exc)) from None

    defaults = FetchSettings()
    fetch_settings = FetchSettings(
        connect_timeout=_number(fetch, "fetch.", "connect_timeout", defaults.connect_timeout, low=0.1),
        read_timeout=_number(fetch, "fetch.", "read_timeout", defaults.read_timeout, low=0.1),
        max_bytes=int(_number(fetch, "fetch.", "max_bytes", defaults.max_bytes, low=1024, integer=True)),
        backoff_base=_number(fetch, "fetch.", "backoff_base", defaults.backoff_base, low=1),
        backoff_max=_number(fetch, "fetch.", "backoff_max", defaults.backoff_max, low=1),
    )
    color = console.get("color", "auto")
    if color not in ("auto", "always", "never"):
        raise ConfigError(f'console.color: expected "auto", "always" or "never", got {color!r}')
    enabled = console.get("enabled", "auto")
    if enabled == "auto":
        enabled = None
    elif not isinstance(enabled, bool):
        raise ConfigError(f'console.enabled: expected "auto", true or false, got {enabled!r}')
    db_path = storage.get("path", "wirewatch.db")
    if not isinstance(db_path, str) or not db_path.strip():
        raise ConfigError(f'storage.path: expected a file path such as "wirewatch.db", got {db_path!r}')

    return Settings(
        db_path=db_path,
        retention_days=int(_number(storage, "storage.", "retention_days", 30, low=1, integer=True)),
        sources=_sources(data),
        fetch=fetch_settings,
        delivery=_delivery(delivery),
        console=enabled,
        console_color=color,
        telegram=telegram,
        tokens=dict(tokens),
        path=path,
    )


def _sources(data: Mapping[str, Any]) -> tuple[SourceSettings, ...]:
    if "sources" not in data:
        return (DEFAULT_SOURCE,)
    raw = data["sources"]
    if not isinstance(raw, list) or not raw:
        raise ConfigError("sources: expected one or more [[sources]] tables with name, url and kind")
    seen: set[str] = set()
    result = []
    for index, entry in enumerate(raw):
        where = f"sources[{index}]."
        if not isinstance(entry, dict):
            raise ConfigError(f"sources[{index}]: expected a [[sources]] table")
        _check_keys(entry, where, KEYS["sources"])
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f'{where}name: required, a short unique name such as "nos-buitenland"')
        if name in seen:
            raise ConfigError(f"{where}name: {name!r} is used by another source; names must be unique")
        seen.add(name)
        url = entry.get("url")
        if (
            not isinstance(url, str)
            or urlsplit(url).scheme not in ("http", "https")
            or not urlsplit(url).netloc
        ):
            raise ConfigError(f"{where}url: expected an http:// or https:// URL, got {url!r}")
        kind = entry.get("kind", "wire-page")
        if kind not in KINDS:
            raise ConfigError(f'{where}kind: expected "wire-page" or "feed", got {kind!r}')
        interval = int(_number(entry, where, "interval", 60, low=MIN_INTERVAL, integer=True))
        jitter = int(_number(entry, where, "jitter", min(5, interval // 4), low=0, integer=True))
        selectors = None
        if "selectors" in entry:
            selectors = _selectors(entry["selectors"], f"{where}selectors")
        result.append(
            SourceSettings(
                name=name, url=url, kind=kind, interval=interval, jitter=jitter, selectors=selectors
            )
        )
    return tuple(result)


def _selectors(raw: Any, where: str) -> SelectorSettings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table with item, and optionally title, lead, time, link")
    _check_keys(raw, where + ".", KEYS["sources.selectors"])
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}.{key}: expected a CSS selector string, got {value!r}")
    if "item" not in raw:
        raise ConfigError(f'{where}.item: required, the CSS selector of one item, e.g. "li.news-item"')
    return SelectorSettings(**raw)


def _delivery(table: Mapping[str, Any]) -> DeliverySettings:
    try:
        return DeliverySettings(**table)
    except DeliverySettingsError as exc:
        raise ConfigError(str(exc)) from None


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a [{key}] table")
    return value


def _check_keys(table: Mapping[str, Any], where: str, allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"{where}{key}: unknown key; expected one of: {known}")


def _number(
    table: Mapping[str, Any], where: str, key: str, default: float, *, low: float, integer: bool = False
) -> float:
    value = table.get(key, default)
    kind = "a whole number" if integer else "a number"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (integer and not isinstance(value, int))
    ):
        raise ConfigError(f"{where}{key}: expected {kind} (at least {low:g}), got {value!r}")
    if value < low:
        raise ConfigError(f"{where}{key}: must be at least {low:g}, got {value!r}")
    return value


def _mask(secret: str) -> str:
    return f"set ({len(secret)} characters, hidden)"


def _source_dict(source: SourceSettings) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": source.name,
        "url": source.url,
        "kind": source.kind,
        "interval": source.interval,
        "jitter": source.jitter,
    }
    if source.selectors:
        result["selectors"] = {
            k: getattr(source.selectors, k)
            for k in ("item", "title", "lead", "time", "link")
            if getattr(source.selectors, k)
        }
    return result
