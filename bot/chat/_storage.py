"""The storage work of the chat commands; each runs on the database thread (`Store.run`).

Every function that changes a subscription also refiles it in the `MatchIndex`, in the same call and after the
transaction committed, so the poller (which reads the index on this thread too) never sees the two disagree.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlite_utils import Database

from bot.chat.errors import ManagedByConfig, NotSubscribed
from bot.chat.records import (
    CONFIG_CREATOR,
    ChatSettings,
    FilterList,
    ListAction,
    ListChange,
    StaticSubscription,
    Status,
    Subscribed,
)
from bot.filters import merge_keywords
from bot.matching import MatchIndex, keyword_pattern, matches
from storage.destinations import (
    current_key,
    disable_destination,
    enable_destination,
    ensure_destination,
    get_destination,
    list_destinations,
    rekey_destination,
    set_destination_paused,
    update_destination,
)
from storage.items import recent_events
from storage.models import Destination, ItemEvent, Language, Subscription, SubscriptionMode
from storage.outbox import pending_count
from storage.sources import list_sources
from storage.subscriptions import get_subscription, set_subscription
from storage.transactions import transaction

__all__ = [
    "change_list",
    "chat_gone",
    "chat_moved",
    "chat_settings",
    "guild_gone",
    "latest_events",
    "set_language",
    "set_mention",
    "set_mode",
    "set_paused",
    "source_names",
    "status",
    "stop",
    "subscribe",
    "sync_static",
]


log = logging.getLogger(__name__)


def refile(db: Database, index: MatchIndex, key: str) -> None:
    """Make the index agree with what is stored for destination `key`."""
    sub = get_subscription(db, key)
    if sub is None:
        return
    dest = get_destination(db, key)
    if dest is None or dest.disabled_reason is not None:
        if sub.id in index:
            index.remove(sub.id)
    else:
        index.replace(sub)


def chat_settings(db: Database, key: str) -> ChatSettings | None:
    dest = get_destination(db, key)
    return None if dest is None else ChatSettings(dest, get_subscription(db, key))


def _active(db: Database, key: str, *, change: bool) -> tuple[Destination, Subscription]:
    settings = chat_settings(db, key)
    if settings is None or not settings.active:
        raise NotSubscribed(key)
    if change and settings.managed_by_config:
        raise ManagedByConfig(key)
    assert settings.subscription is not None
    return settings.destination, settings.subscription


def subscribe(
    db: Database,
    index: MatchIndex,
    key: str,
    *,
    language: Language,
    created_by: str,
    now: datetime,
    guild_id: str | None = None,
) -> Subscribed:
    """Subscribe destination `key` (taking everything until filters are set), or switch a stopped one back on."""
    with transaction(db):
        dest = get_destination(db, key)
        created = dest is None
        dest = ensure_destination(
            db, key, now=now, language=language, created_by=created_by, guild_id=guild_id
        )
        if guild_id is not None and dest.guild_id != guild_id:
            dest = update_destination(db, key, now=now, guild_id=guild_id)
        reenabled = dest.disabled_reason is not None
        if reenabled:
            dest = enable_destination(db, key, now=now)
        resumed = dest.paused
        if resumed:
            dest = set_destination_paused(db, key, False, now=now)
        sub = get_subscription(db, key)
        if sub is None:
            created = True
            sub = set_subscription(db, key, now=now, mode="filtered")
    refile(db, index, key)
    return Subscribed(ChatSettings(dest, sub), created=created, reenabled=reenabled, resumed=resumed)


def stop(db: Database, index: MatchIndex, key: str, *, reason: str, now: datetime) -> bool:
    """Switch destination `key` off (alerts waiting for it end `failed`); its filters are kept for `/start`."""
    dest = get_destination(db, key)
    if dest is None or dest.disabled_reason is not None or get_subscription(db, key) is None:
        return False
    with transaction(db):
        disable_destination(db, key, reason, now=now)
    refile(db, index, key)
    return True


def change_list(
    db: Database,
    index: MatchIndex,
    key: str,
    field: FilterList,
    action: ListAction,
    values: Sequence[str],
    *,
    now: datetime,
) -> ListChange:
    """Add `values` to, remove them from, or clear one filter list of destination `key`."""
    _, sub = _active(db, key, change=True)
    before: tuple[str, ...] = getattr(sub, field)
    same = _same_keyword if field != "countries" else _same_country
    if action == "add":
        after = (
            merge_keywords(before, values)
            if field != "countries"
            else tuple(dict.fromkeys([*before, *values]))
        )
        added = after[len(before) :]
        change = ListChange(field, action, added=added, unchanged=tuple(v for v in values if v not in added))
    elif action == "remove":
        gone = {same(v) for v in values}
        after = tuple(v for v in before if same(v) not in gone)
        kept = {same(v) for v in after}
        removed = tuple(v for v in before if same(v) not in kept)
        present = {same(v) for v in before}
        change = ListChange(
            field, action, removed=removed, unchanged=tuple(v for v in values if same(v) not in present)
        )
    else:
        after = ()
        change = ListChange(field, action, removed=before)
    if after != before:
        with transaction(db):
            set_subscription(db, key, now=now, **{**_lists(sub), field: after}, mode=sub.mode)
        refile(db, index, key)
    return dataclasses.replace(change, current=after)


def _same_keyword(keyword: str) -> str:
    return keyword_pattern(keyword) or keyword


def _same_country(code: str) -> str:
    return code.strip().upper()


def set_mode(
    db: Database, index: MatchIndex, key: str, mode: SubscriptionMode, *, now: datetime
) -> ChatSettings:
    _, sub = _active(db, key, change=True)
    with transaction(db):
        set_subscription(db, key, now=now, **_lists(sub), mode=mode)
    refile(db, index, key)
    settings = chat_settings(db, key)
    assert settings is not None
    return settings


def set_paused(db: Database, index: MatchIndex, key: str, paused: bool, *, now: datetime) -> ChatSettings:
    _active(db, key, change=False)
    with transaction(db):
        set_destination_paused(db, key, paused, now=now)
    refile(db, index, key)
    settings = chat_settings(db, key)
    assert settings is not None
    return settings


def set_language(db: Database, key: str, language: Language, *, now: datetime) -> ChatSettings:
    _active(db, key, change=False)
    with transaction(db):
        update_destination(db, key, now=now, language=language)
    settings = chat_settings(db, key)
    assert settings is not None
    return settings


def latest_events(db: Database, key: str, count: int, *, scan: int) -> list[ItemEvent]:
    """The `count` newest items (latest event each) this chat's filters let through, pause or not."""
    _, sub = _active(db, key, change=False)
    wanted = dataclasses.replace(sub, paused=False)
    found: list[ItemEvent] = []
    seen: set[tuple[str, str]] = set()
    for event in recent_events(db, limit=scan):
        ident = (event.source, event.item.uid)
        if ident in seen:
            continue
        seen.add(ident)
        if matches(event.item, event.source, wanted):
            found.append(event)
            if len(found) == count:
                break
    return found


def active_subscription(db: Database, key: str) -> Subscription:
    return _active(db, key, change=False)[1]


def source_names(db: Database) -> list[str]:
    return [source.name for source in list_sources(db)]


def status(db: Database, key: str | None) -> Status:
    settings = chat_settings(db, key) if key is not None else None
    queued = pending_count(db, settings.destination.id) if settings is not None else 0
    return Status(tuple(list_sources(db)), settings, queued)


def chat_gone(
    db: Database, index: MatchIndex, platform: str, chat_id: str, *, reason: str, now: datetime
) -> list[str]:
    """Disable every destination in one chat (the chat itself and its topics); the keys disabled."""
    keys = [
        dest.key
        for dest in list_destinations(db, platform=platform)
        if dest.chat_id == chat_id and dest.disabled_reason is None
    ]
    with transaction(db):
        for key in keys:
            disable_destination(db, key, reason, now=now)
    for key in keys:
        refile(db, index, key)
    return keys


def guild_gone(
    db: Database, index: MatchIndex, platform: str, guild_id: str, *, reason: str, now: datetime
) -> list[str]:
    """Disable every destination of one server (the bot left it, or was removed); the keys disabled."""
    keys = [
        dest.key
        for dest in list_destinations(db, platform=platform)
        if dest.guild_id == guild_id and dest.disabled_reason is None
    ]
    with transaction(db):
        for key in keys:
            disable_destination(db, key, reason, now=now)
    for key in keys:
        refile(db, index, key)
    return keys


def set_mention(
    db: Database, key: str, role: str | None, keywords: tuple[str, ...], *, now: datetime
) -> ChatSettings:
    """The role alerts to `key` mention when one of `keywords` matches (None: no mention)."""
    _active(db, key, change=True)
    with transaction(db):
        update_destination(db, key, now=now, mention_role=role, mention_keywords=keywords if role else ())
    settings = chat_settings(db, key)
    assert settings is not None
    return settings


def chat_moved(
    db: Database, index: MatchIndex, platform: str, old_chat: str, new_chat: str, *, now: datetime
) -> list[Destination]:
    """Re-key every destination of `old_chat` to `new_chat` (a group became a supergroup); where they are now."""
    old = [dest for dest in list_destinations(db, platform=platform) if dest.chat_id == old_chat]
    moved = []
    with transaction(db):
        for dest in old:
            new_key = ":".join([platform, new_chat, *([dest.thread_id] if dest.thread_id else [])])
            moved.append(rekey_destination(db, dest.key, new_key, now=now))
    for dest, new in zip(old, moved, strict=True):
        refile(db, index, dest.key)
        refile(db, index, new.key)
    return moved


def sync_static(
    db: Database,
    index: MatchIndex,
    platform: str,
    wanted: Sequence[StaticSubscription],
    *,
    prune: bool,
    now: datetime,
) -> list[str]:
    """Make the config file's destinations of `platform` exist with exactly its filters; with `prune`, switch
    off those no longer in the file. Returns the keys switched off.

    A chat that got a new id (a Telegram group that became a supergroup) is found under its new id: the file's
    old id keeps working.
    """
    moved = []
    for entry in wanted:
        now_at = current_key(db, entry.key)
        if now_at != entry.key:
            log.warning("%s is now %s: the config file may name the new id", entry.key, now_at)
        moved.append(dataclasses.replace(entry, key=now_at))
    wanted = moved
    keys = {entry.key for entry in wanted}
    gone = [
        dest.key
        for dest in list_destinations(db, platform=platform)
        if prune
        and dest.created_by == CONFIG_CREATOR
        and dest.key not in keys
        and dest.disabled_reason is None
    ]
    with transaction(db):
        for entry in wanted:
            ensure_destination(db, entry.key, now=now, language=entry.language, created_by=CONFIG_CREATOR)
            dest = update_destination(
                db,
                entry.key,
                now=now,
                language=entry.language,
                mention_role=entry.mention_role,
                mention_keywords=entry.mention_keywords,
            )
            if dest.disabled_reason is not None:
                enable_destination(db, entry.key, now=now)
            set_subscription(
                db,
                entry.key,
                now=now,
                include=entry.include,
                exclude=entry.exclude,
                countries=entry.countries,
                mode=entry.mode,
            )
        for key in gone:
            disable_destination(db, key, "removed from the config file", now=now)
    for key in [*keys, *gone]:
        refile(db, index, key)
    return gone


def _lists(sub: Subscription) -> dict[str, tuple[str, ...]]:
    return {
        "include": sub.include,
        "exclude": sub.exclude,
        "countries": sub.countries,
        "sources": sub.sources,
    }
