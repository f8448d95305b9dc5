"""A real python-telegram-bot `Application` (our runtime and handlers) against `FakeTelegram` on 127.0.0.1,
with a real SQLite store and match index."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.chat import ChatCommands
from bot.matching import MatchIndex
from bot.store import Store
from bot.telegram.runtime import TelegramRuntime
from bot.telegram.settings import TelegramSettings
from bot.web import HttpServer
from parsers.identity import content_hash, text_uid
from parsers.models import Item
from storage.items import apply_poll
from storage.sources import upsert_source
from storage.transactions import transaction
from tests.fakes.telegram import FakeTelegram, SentMessage, User

ALICE = User(1001, "Alice", username="alice", language_code="nl")
BOB = User(1002, "Bob", username="bob", language_code="en")
CAROL = User(1003, "Carol", language_code="de")
OPERATOR = User(1009, "Olga", username="olga", language_code="en")
GROUP = -4001  # a basic group: Alice created it, Bob is a member
FORUM = -1004002  # a forum supergroup: Alice administers it anonymously, Bob is a member
CHANNEL = -1004003  # a channel: Alice is its creator, the bot an administrator
OPS = -1004004  # the operator chat
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=lambda: NOW) as fake:
        fake.add_chat(GROUP, "group", title="Buurt")
        fake.add_member(GROUP, ALICE, "creator")
        fake.add_member(GROUP, BOB, "member")
        fake.add_chat(FORUM, "supergroup", title="Nieuwsforum", username="nieuwsforum", is_forum=True)
        fake.add_member(FORUM, ALICE, "administrator", is_anonymous=True)
        fake.add_member(FORUM, BOB, "member")
        fake.add_chat(CHANNEL, "channel", title="Wirewatch NL", username="wirewatch_nl")
        fake.add_member(CHANNEL, ALICE, "creator")
        fake.add_member(CHANNEL, BOB, "member")
        fake.add_chat(OPS, "supergroup", title="Ops")
        yield fake


@dataclass
class Env:
    """One running bot: the fake it talks to, its store, the poller's match index, the runtime."""

    tg: FakeTelegram
    store: Store
    index: MatchIndex
    commands: ChatCommands
    runtime: TelegramRuntime
    replies: dict[int, int] = field(default_factory=dict)

    async def ask(
        self, chat_id: int, user: User | None, text: str, *, thread: int | None = None
    ) -> SentMessage:
        """Send a command as `user` (None: an anonymous admin of `chat_id`) and return the bot's reply."""
        before = len(self.tg.sent(chat_id))
        if user is None:
            self.tg.send_anonymous(chat_id, text, thread_id=thread)
        else:
            self.tg.send_command(chat_id, user, text, thread_id=thread)
        sent = await self.tg.wait_for_sent(before + 1, chat_id)
        return sent[before]


def settings_for(tg: FakeTelegram, **overrides: object) -> TelegramSettings:
    return TelegramSettings(api_base_url=tg.url, **overrides)  # type: ignore[arg-type]


@asynccontextmanager
async def running(
    tg: FakeTelegram,
    db_path: Path,
    settings: TelegramSettings | None = None,
    *,
    clock: Callable[[], datetime] = lambda: NOW,
    webhook_secret: str | None = None,
    http: HttpServer | None = None,
) -> AsyncIterator[Env]:
    async with Store(db_path) as store:
        index = MatchIndex()
        commands = ChatCommands(store, index, clock=clock)
        runtime = TelegramRuntime(
            settings or settings_for(tg),
            tg.token,
            commands=commands,
            timeout=2,
            poll_timeout=1,
            rate_limits=(),
            webhook_secret=webhook_secret,
            http=http,
        )
        async with runtime:
            yield Env(tg, store, index, commands, runtime)


@pytest.fixture
async def env(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Env]:
    settings = settings_for(tg, operators=frozenset({OPERATOR.id}), operator_chat=OPS)
    async with running(tg, tmp_path / "w.db", settings) as running_env:
        yield running_env


def news(
    lead: str,
    *,
    place: str | None = "KYIV",
    agencies: tuple[str, ...] = ("ANP",),
    title: str | None = None,
    countries: tuple[str, ...] = (),
    url: str | None = None,
) -> Item:
    """A news item as the parser would make it (countries given, not tagged)."""
    return Item(
        uid=text_uid(place, agencies, lead),
        place=place,
        agencies=agencies,
        title=title,
        text=lead,
        url=url,
        published_at=NOW,
        time_label="zojuist",
        content_hash=content_hash(title, lead),
        countries=countries,
    )


def store_items(db: Database, source: str, items: list[Item], *, now: datetime = NOW) -> None:
    """Record a poll of `source` that found `items` (each a new event)."""
    upsert_source(db, source, f"https://example.org/{source}", "wire-page")
    with transaction(db):
        apply_poll(db, source, items, now=now, etag=None, last_modified=None, baseline=False)


def matched(db: Database, index: MatchIndex, item: Item, source: str = "anp") -> list[int]:
    """What the poller's index says, asked on the database thread as the poller asks it."""
    return index.match(item, source)
