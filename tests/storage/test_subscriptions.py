"""Destinations and subscriptions: keys, settings, pause, disable, re-key, and what the matcher is given."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlite_utils import Database

from storage.db import transaction
from storage.destinations import (
    DestinationKey,
    disable_destination,
    enable_destination,
    ensure_destination,
    get_destination,
    list_destinations,
    parse_destination_key,
    rekey_destination,
    set_destination_paused,
    update_destination,
)
from storage.errors import InvalidArgument, UnknownDestination
from storage.models import ItemEvent
from storage.outbox import enqueue_alerts, list_outbox, outbox_counts
from storage.subscriptions import (
    delete_subscription,
    get_subscription,
    list_active_subscriptions,
    set_subscription,
)
from tests.factories import build_item
from tests.storage.conftest import SOURCE, story

LATER = timedelta(minutes=5)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("console", DestinationKey("console", "", None)),
        ("telegram:-1001234", DestinationKey("telegram", "-1001234", None)),
        ("telegram:-1001234:56", DestinationKey("telegram", "-1001234", "56")),
        ("discord:987654321", DestinationKey("discord", "987654321", None)),
    ],
)
def test_destination_keys_split_into_platform_chat_and_thread(key: str, expected: DestinationKey) -> None:
    assert parse_destination_key(key) == expected


@pytest.mark.parametrize(
    "key", ["", "Telegram:1", "telegram:", "telegram::5", "telegram:1:2:3", "tele gram:1"]
)
def test_malformed_destination_keys_are_refused(key: str) -> None:
    with pytest.raises(InvalidArgument, match="platform"):
        parse_destination_key(key)


def test_ensure_destination_creates_once_and_then_returns_it_unchanged(db: Database, now: datetime) -> None:
    first = ensure_destination(
        db, "telegram:-100:7", now=now, language="en", edit_policy="new", created_by="tg:42", guild_id=None
    )
    assert (first.platform, first.chat_id, first.thread_id) == ("telegram", "-100", "7")
    assert (first.language, first.edit_policy, first.style, first.created_by) == (
        "en",
        "new",
        "full",
        "tg:42",
    )
    assert first.created_at == first.updated_at == now
    again = ensure_destination(db, "telegram:-100:7", now=now + LATER, language="nl")
    assert again == first
    assert [d.key for d in list_destinations(db)] == ["telegram:-100:7"]


def test_update_destination_changes_only_what_is_given(db: Database, now: datetime) -> None:
    ensure_destination(db, "discord:1", now=now, guild_id="g1")
    updated = update_destination(db, "discord:1", now=now + LATER, style="compact")
    assert (updated.style, updated.language, updated.edit_policy, updated.guild_id) == (
        "compact",
        "nl",
        "edit",
        "g1",
    )
    assert updated.updated_at == now + LATER
    assert update_destination(db, "discord:1", now=now, guild_id=None).guild_id is None


def test_bad_settings_and_unknown_destinations_are_typed_errors(db: Database, now: datetime) -> None:
    with pytest.raises(InvalidArgument, match="language"):
        ensure_destination(db, "console", now=now, language="de")  # type: ignore[arg-type]
    ensure_destination(db, "console", now=now)
    with pytest.raises(InvalidArgument, match="edit_policy"):
        update_destination(db, "console", now=now, edit_policy="sometimes")  # type: ignore[arg-type]
    with pytest.raises(UnknownDestination, match="discord:404"):
        set_destination_paused(db, "discord:404", True, now=now)
    with pytest.raises(UnknownDestination):
        set_subscription(db, "discord:404", now=now, include=["iran"])


def test_one_subscription_per_destination_replaced_in_place(db: Database, now: datetime) -> None:
    ensure_destination(db, "telegram:-1", now=now)
    first = set_subscription(
        db, "telegram:-1", now=now, include=["Oekraïne", '"witte huis"'], countries=["UA"]
    )
    second = set_subscription(db, "telegram:-1", now=now + LATER, exclude=["voetbal"], mode="all")
    assert second.id == first.id
    assert (second.include, second.exclude, second.countries, second.mode) == ((), ("voetbal",), (), "all")
    assert first.include == ("Oekraïne", '"witte huis"')
    assert get_subscription(db, "telegram:-1") == second
    assert db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 1


def test_subscription_lists_must_be_lists_of_strings(db: Database, now: datetime) -> None:
    ensure_destination(db, "console", now=now)
    with pytest.raises(InvalidArgument, match="include"):
        set_subscription(db, "console", now=now, include="iran")
    with pytest.raises(InvalidArgument, match="countries"):
        set_subscription(db, "console", now=now, countries=["NL", 3])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="mode"):
        set_subscription(db, "console", now=now, mode="some")  # type: ignore[arg-type]
    assert get_subscription(db, "console") is None


def test_active_subscriptions_leave_out_disabled_and_flag_paused(db: Database, now: datetime) -> None:
    for key in ("console", "telegram:-1", "discord:2"):
        ensure_destination(db, key, now=now)
        set_subscription(db, key, now=now, mode="all")
    set_destination_paused(db, "telegram:-1", True, now=now)
    disable_destination(db, "discord:2", "bot was kicked", now=now)
    active = list_active_subscriptions(db)
    assert [(s.destination, s.paused) for s in active] == [("console", False), ("telegram:-1", True)]
    set_destination_paused(db, "telegram:-1", False, now=now)
    enable_destination(db, "discord:2", now=now)
    assert [s.paused for s in list_active_subscriptions(db)] == [False, False, False]


def test_delete_subscription_keeps_the_destination(db: Database, now: datetime) -> None:
    ensure_destination(db, "console", now=now)
    set_subscription(db, "console", now=now)
    assert delete_subscription(db, "console") is True
    assert delete_subscription(db, "console") is False
    assert get_subscription(db, "console") is None
    assert get_destination(db, "console") is not None


def _queue_one(db: Database, key: str, n: int, now: datetime) -> None:
    sub = get_subscription(db, key)
    assert sub is not None
    event = ItemEvent("new", SOURCE, build_item(story(n)), 1)
    with transaction(db):
        enqueue_alerts(db, [event], lambda e: [sub.id], now=now)


def test_disabling_fails_what_was_waiting_with_the_reason(db: Database, now: datetime) -> None:
    ensure_destination(db, "telegram:-1", now=now)
    set_subscription(db, "telegram:-1", now=now, mode="all")
    _queue_one(db, "telegram:-1", 1, now)
    _queue_one(db, "telegram:-1", 2, now)
    assert disable_destination(db, "telegram:-1", "bot was blocked by the user", now=now + LATER) == 2
    rows = list_outbox(db)
    assert {(r.status, r.reason) for r in rows} == {
        ("failed", "destination disabled: bot was blocked by the user")
    }
    assert all(r.finished_at == now + LATER for r in rows)
    dest = get_destination(db, "telegram:-1")
    assert dest is not None and dest.disabled_reason == "bot was blocked by the user" and not dest.active
    with pytest.raises(InvalidArgument):
        disable_destination(db, "telegram:-1", "  ", now=now)


def test_rekey_moves_subscription_and_queue_with_the_destination(db: Database, now: datetime) -> None:
    old = ensure_destination(db, "telegram:-123", now=now, language="en")
    sub = set_subscription(db, "telegram:-123", now=now, include=["iran"])
    _queue_one(db, "telegram:-123", 1, now)
    moved = rekey_destination(db, "telegram:-123", "telegram:-100123", now=now + LATER)
    assert (moved.id, moved.key, moved.chat_id, moved.language) == (
        old.id,
        "telegram:-100123",
        "-100123",
        "en",
    )
    assert get_destination(db, "telegram:-123") is None
    assert get_subscription(db, "telegram:-100123") == replace(sub, destination="telegram:-100123")
    assert [r.destination for r in list_outbox(db)] == ["telegram:-100123"]
    assert rekey_destination(db, "telegram:-100123", "telegram:-100123", now=now) == moved


def test_rekey_onto_an_existing_destination_merges_into_it(db: Database, now: datetime) -> None:
    ensure_destination(db, "telegram:-1", now=now)
    old_sub = set_subscription(db, "telegram:-1", now=now, include=["iran"])
    new = ensure_destination(
        db, "telegram:-1001", now=now
    )  # set up in the supergroup already, no filters yet
    _queue_one(db, "telegram:-1", 1, now)
    _queue_one(db, "telegram:-1", 2, now)
    set_subscription(db, "telegram:-1001", now=now)  # briefly, to queue story 2 there too
    _queue_one(db, "telegram:-1001", 2, now)
    delete_subscription(db, "telegram:-1001")

    result = rekey_destination(db, "telegram:-1", "telegram:-1001", now=now + LATER)
    assert result.id == new.id
    rows = {(r.destination, r.uid, r.status, r.reason) for r in list_outbox(db)}
    story1, story2 = build_item(story(1)).uid, build_item(story(2)).uid
    assert rows == {
        ("telegram:-1001", story1, "pending", None),
        ("telegram:-1001", story2, "pending", None),
        ("telegram:-1", story2, "dropped", "moved to telegram:-1001, where it was already queued"),
    }
    moved_sub = get_subscription(db, "telegram:-1001")
    assert moved_sub is not None and (moved_sub.id, moved_sub.include) == (old_sub.id, ("iran",))
    old = get_destination(db, "telegram:-1")
    assert old is not None and old.disabled_reason == "moved to telegram:-1001"
    assert outbox_counts(db)["pending"] == 2
