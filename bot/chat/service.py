"""`ChatCommands`: what the chat commands do, for any chat platform, addressed by destination key.

    commands = ChatCommands(store, poller.index, clock=clock)
    await commands.subscribe("telegram:42", language="nl", created_by="telegram:user:42")
    change = await commands.change_list("telegram:42", "include", "add", 'iran "witte huis"')

Input is parsed here (raising `bot.filters.FilterError` with English and Dutch messages); storage is reached only
through `Store.run`, and every change to a subscription refiles it in the poller's `MatchIndex` in the same call.
Refusals are `bot.chat.errors`. Rendering the answers is the platform's job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.alerts import country_name_or_code, display_country
from bot.chat import _storage
from bot.chat.probe import item_from_text
from bot.chat.records import (
    ChatSettings,
    FilterList,
    ListAction,
    ListChange,
    Probe,
    StaticSubscription,
    Status,
    Subscribed,
)
from bot.filters import EmptyFilter, parse_countries, parse_keywords
from bot.matching import MatchIndex, explain
from bot.store import Store
from parsers.countries import lookup_country, suggest_countries
from storage.models import ItemEvent, Language, SubscriptionMode

__all__ = ["LATEST_MAX", "LATEST_SCAN", "ChatCommands"]

LATEST_MAX = 20
LATEST_SCAN = 1000  # recent events looked through for `/latest`
PROBE_SOURCE = "test"  # the source a `/test` item comes from when no source is stored yet


class ChatCommands:
    """The chat commands' logic over one store and the poller's match index."""

    def __init__(self, store: Store, index: MatchIndex, *, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.index = index
        self.clock = clock

    async def settings(self, key: str) -> ChatSettings | None:
        """The destination `key` and its subscription, or None when it was never set up."""
        return await self.store.run(_storage.chat_settings, key)

    async def language(self, key: str) -> Language | None:
        """The language stored for destination `key`, or None."""
        settings = await self.settings(key)
        return None if settings is None else settings.destination.language

    async def subscribe(
        self, key: str, *, language: Language, created_by: str, guild_id: str | None = None
    ) -> Subscribed:
        return await self.store.run(
            _storage.subscribe,
            self.index,
            key,
            language=language,
            created_by=created_by,
            now=self.clock(),
            guild_id=guild_id,
        )

    async def stop(self, key: str, *, reason: str) -> bool:
        """Switch alerts off for `key`, keeping its filters; False when it was not on."""
        return await self.store.run(_storage.stop, self.index, key, reason=reason, now=self.clock())

    async def change_list(
        self, key: str, field: FilterList, action: ListAction, raw: str = "", *, language: str = "en"
    ) -> ListChange:
        """Add to, remove from or clear the keywords (`include`), exclusions or countries of `key`."""
        values: tuple[str, ...] = ()
        if action != "clear":
            values = self.parse_countries(raw, language) if field == "countries" else parse_keywords(raw)
        return await self.store.run(
            _storage.change_list, self.index, key, field, action, values, now=self.clock()
        )

    @staticmethod
    def parse_countries(raw: str, language: str = "en") -> tuple[str, ...]:
        """ISO codes of the countries in `raw` (names in Dutch or English, codes, flags); `UnknownCountry` with
        suggestions in `language` for a typo."""
        return parse_countries(
            raw,
            lookup_country,
            lambda query: [display_country(c, language) for c in suggest_countries(query)],
        )

    async def set_mode(self, key: str, mode: SubscriptionMode) -> ChatSettings:
        return await self.store.run(_storage.set_mode, self.index, key, mode, now=self.clock())

    async def set_paused(self, key: str, paused: bool) -> ChatSettings:
        return await self.store.run(_storage.set_paused, self.index, key, paused, now=self.clock())

    async def set_language(self, key: str, language: Language) -> ChatSettings:
        return await self.store.run(_storage.set_language, key, language, now=self.clock())

    async def latest(self, key: str, count: int) -> list[ItemEvent]:
        """Up to `count` (1-20) recent items that this chat's filters let through, newest first."""
        if not 1 <= count <= LATEST_MAX:
            raise ValueError(f"count must be from 1 to {LATEST_MAX}, got {count}")
        return await self.store.run(_storage.latest_events, key, count, scan=LATEST_SCAN)

    async def probe(self, key: str, text: str, *, language: str) -> Probe:
        """Would `text`, as a news item, alert destination `key`, and why."""
        if not text.strip():
            raise EmptyFilter("keyword")
        sub = await self.store.run(_storage.active_subscription, key)
        loop = asyncio.get_running_loop()
        item = await loop.run_in_executor(None, item_from_text, text)  # the country data loads once, slowly
        names = await self.store.run(_storage.source_names)
        source = sub.sources[0] if sub.sources else (names[0] if names else PROBE_SOURCE)
        explanation = explain(item, source, sub, language, country_name_or_code)
        return Probe(item, source, explanation)

    async def status(self, key: str | None) -> Status:
        return await self.store.run(_storage.status, key)

    async def chat_gone(self, platform: str, chat_id: str, *, reason: str) -> list[str]:
        """The bot left, was removed from or blocked in a chat: switch off its destinations (topics too)."""
        return await self.store.run(
            _storage.chat_gone, self.index, platform, chat_id, reason=reason, now=self.clock()
        )

    async def guild_gone(self, platform: str, guild_id: str, *, reason: str) -> list[str]:
        """The bot left or was removed from a server: switch off every destination in it."""
        return await self.store.run(
            _storage.guild_gone, self.index, platform, guild_id, reason=reason, now=self.clock()
        )

    async def set_mention(self, key: str, role: str | None, raw_keywords: str = "") -> ChatSettings:
        """Alerts to `key` mention `role` when one of the keywords in `raw_keywords` matches; None: never."""
        keywords = parse_keywords(raw_keywords) if role is not None else ()
        return await self.store.run(_storage.set_mention, key, role, keywords, now=self.clock())

    async def chat_moved(self, platform: str, old_chat: str, new_chat: str) -> list[str]:
        """A chat got a new id: its destinations follow, subscriptions and queued alerts included."""
        moved = await self.store.run(
            _storage.chat_moved, self.index, platform, old_chat, new_chat, now=self.clock()
        )
        return [dest.key for dest in moved]

    async def sync_static(
        self, platform: str, wanted: Sequence[StaticSubscription], *, prune: bool = True
    ) -> list[str]:
        """Apply the config file's destinations; with `prune`, those that left the file are switched off (their
        keys are returned). Pass `prune=False` when some entries could not be resolved this time."""
        return await self.store.run(
            _storage.sync_static, self.index, platform, wanted, prune=prune, now=self.clock()
        )
