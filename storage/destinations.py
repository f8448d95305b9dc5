"""Destinations: the chats, forum topics and channels alerts go to, with their delivery settings.

A destination is keyed by an opaque string the adapters own, `platform[:chat[:thread]]`:
`telegram:-1001234`, `telegram:-1001234:56` (a forum topic), `discord:987654321`, `console`. Each function
here is one small write that joins the caller's `transaction(db)` when one is open and is atomic on its own
otherwise.

Disabling a destination (the bot was blocked, kicked, the channel deleted) ends every alert still waiting for
it as `failed` with the reason, so nothing waits forever for a chat that is gone. Re-keying (a Telegram group
became a supergroup) keeps the destination's id, so its subscription and queued alerts follow it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from sqlite_utils import Database

from storage.errors import InvalidArgument, UnknownDestination
from storage.models import Destination, EditPolicy, Language, MessageStyle
from storage.rows import ts_parse, ts_text
from storage.transactions import write_scope

__all__ = [
    "DestinationKey",
    "current_key",
    "destination_from_row",
    "disable_destination",
    "enable_destination",
    "ensure_destination",
    "get_destination",
    "get_destination_by_id",
    "list_destinations",
    "parse_destination_key",
    "rekey_destination",
    "set_destination_paused",
    "update_destination",
]

_PLATFORM = re.compile(r"[a-z][a-z0-9_-]*")
_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class DestinationKey:
    """The parts of a destination key: `telegram:-1001234:56` -> (`telegram`, `-1001234`, `56`)."""

    platform: str
    chat_id: str
    thread_id: str | None = None


def parse_destination_key(key: str) -> DestinationKey:
    """Split `platform[:chat[:thread]]`; `InvalidArgument` for an empty part or a malformed platform."""
    parts = key.split(":")
    if len(parts) > 3 or not _PLATFORM.fullmatch(parts[0]) or any(not p.strip() for p in parts[1:]):
        raise InvalidArgument(
            f"a destination key looks like platform[:chat[:thread]] (e.g. telegram:-1001234:56), got {key!r}"
        )
    return DestinationKey(
        platform=parts[0],
        chat_id=parts[1] if len(parts) > 1 else "",
        thread_id=parts[2] if len(parts) > 2 else None,
    )


def ensure_destination(
    db: Database,
    key: str,
    *,
    now: datetime,
    guild_id: str | None = None,
    language: Language = "nl",
    style: MessageStyle = "full",
    edit_policy: EditPolicy = "edit",
    created_by: str | None = None,
) -> Destination:
    """The destination `key`, created with these settings if it does not exist (an existing one is unchanged)."""
    parts = parse_destination_key(key)
    _check_settings(language, style, edit_policy)
    stamp = ts_text(now, "now")
    with write_scope(db):
        existing = get_destination(db, key)
        if existing is not None:
            return existing
        db.execute(
            """
            INSERT INTO destinations (key, platform, chat_id, thread_id, guild_id, language, style,
                edit_policy, created_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                key,
                parts.platform,
                parts.chat_id,
                parts.thread_id,
                guild_id,
                language,
                style,
                edit_policy,
                created_by,
                stamp,
                stamp,
            ],
        )
        return _require(db, key)


def get_destination(db: Database, key: str) -> Destination | None:
    """The destination stored under `key`, or None."""
    row = next(db.query("SELECT * FROM destinations WHERE key = ?", [key]), None)
    return None if row is None else destination_from_row(row)


def get_destination_by_id(db: Database, destination_id: int) -> Destination | None:
    """The destination with this row id (it survives re-keying), or None."""
    row = next(db.query("SELECT * FROM destinations WHERE id = ?", [destination_id]), None)
    return None if row is None else destination_from_row(row)


def list_destinations(db: Database, *, platform: str | None = None) -> list[Destination]:
    """Every destination (of one platform if given), oldest first."""
    if platform is None:
        rows = db.query("SELECT * FROM destinations ORDER BY id")
    else:
        rows = db.query("SELECT * FROM destinations WHERE platform = ? ORDER BY id", [platform])
    return [destination_from_row(row) for row in rows]


def update_destination(
    db: Database,
    key: str,
    *,
    now: datetime,
    language: Language = _UNSET,
    style: MessageStyle = _UNSET,
    edit_policy: EditPolicy = _UNSET,
    guild_id: str | None = _UNSET,
    mention_role: str | None = _UNSET,
    mention_keywords: tuple[str, ...] = _UNSET,
) -> Destination:
    """Change the given settings of destination `key` (the others stay); return it as stored now."""
    changes = {
        name: value
        for name, value in (
            ("language", language),
            ("style", style),
            ("edit_policy", edit_policy),
            ("guild_id", guild_id),
            ("mention_role", mention_role),
            (
                "mention_keywords",
                _UNSET if mention_keywords is _UNSET else json.dumps(list(mention_keywords)),
            ),
        )
        if value is not _UNSET
    }
    current = _require(db, key)
    _check_settings(
        str(changes.get("language", current.language)),
        str(changes.get("style", current.style)),
        str(changes.get("edit_policy", current.edit_policy)),
    )
    if not changes:
        return current
    assignments = ", ".join(f"{name} = ?" for name in changes)
    with write_scope(db):
        db.execute(
            f"UPDATE destinations SET {assignments}, updated_at = ? WHERE key = ?",
            [*changes.values(), ts_text(now, "now"), key],
        )
        return _require(db, key)


def set_destination_paused(db: Database, key: str, paused: bool, *, now: datetime) -> Destination:
    """Pause (no new alerts are queued, queued ones wait) or resume destination `key`."""
    with write_scope(db):
        _require(db, key)
        db.execute(
            "UPDATE destinations SET paused = ?, updated_at = ? WHERE key = ?",
            [int(paused), ts_text(now, "now"), key],
        )
        return _require(db, key)


def disable_destination(db: Database, key: str, reason: str, *, now: datetime) -> int:
    """Disable destination `key` with `reason`; end its waiting alerts as `failed`; return how many.

    Rows being sent right now are left to the worker that holds them, which records its own outcome.
    """
    if not reason.strip():
        raise InvalidArgument("disabling a destination needs a reason")
    stamp = ts_text(now, "now")
    with write_scope(db):
        dest = _require(db, key)
        db.execute(
            "UPDATE destinations SET disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ?",
            [reason, stamp, stamp, dest.id],
        )
        return _fail_waiting(db, dest.id, f"destination disabled: {reason}", stamp)


def enable_destination(db: Database, key: str, *, now: datetime) -> Destination:
    """Clear the disabled reason of destination `key` (the bot was added back); alerts flow again."""
    with write_scope(db):
        _require(db, key)
        db.execute(
            "UPDATE destinations SET disabled_reason = NULL, disabled_at = NULL, updated_at = ? WHERE key = ?",
            [ts_text(now, "now"), key],
        )
        return _require(db, key)


def rekey_destination(db: Database, old_key: str, new_key: str, *, now: datetime) -> Destination:
    """Move destination `old_key` to `new_key` (a group that became a supergroup); return where it is now.

    Normally the row is renamed in place: its id, settings, subscription and queued alerts stay with it. If
    `new_key` already has a destination of its own (someone set the new chat up already), that one wins: the
    old one's waiting alerts move over (those already queued there end `dropped`, with the reason), its
    subscription moves over if the new one has none, and the old destination is disabled as moved.
    """
    parts = parse_destination_key(new_key)
    stamp = ts_text(now, "now")
    with write_scope(db):
        old = _require(db, old_key)
        if new_key == old_key:
            return old
        db.execute(
            "INSERT OR REPLACE INTO destination_moves (old_key, new_key, moved_at) VALUES (?, ?, ?)",
            [old_key, new_key, stamp],
        )
        existing = get_destination(db, new_key)
        if existing is None:
            db.execute(
                """
                UPDATE destinations SET key = ?, platform = ?, chat_id = ?, thread_id = ?, updated_at = ?
                WHERE id = ?
                """,
                [new_key, parts.platform, parts.chat_id, parts.thread_id, stamp, old.id],
            )
            return _require(db, new_key)
        db.execute(
            """
            UPDATE OR IGNORE outbox SET destination_id = ?
            WHERE destination_id = ? AND status = 'pending'
            """,
            [existing.id, old.id],
        )
        db.execute(
            """
            UPDATE outbox SET status = 'dropped', reason = ?, finished_at = ?
            WHERE destination_id = ? AND status = 'pending'
            """,
            [f"moved to {new_key}, where it was already queued", stamp, old.id],
        )
        has_own = db.execute("SELECT 1 FROM subscriptions WHERE destination_id = ?", [existing.id]).fetchone()
        if has_own is None:
            db.execute(
                "UPDATE subscriptions SET destination_id = ?, updated_at = ? WHERE destination_id = ?",
                [existing.id, stamp, old.id],
            )
        db.execute(
            "UPDATE destinations SET disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ?",
            [f"moved to {new_key}", stamp, stamp, old.id],
        )
        if existing.disabled_reason is not None:
            _fail_waiting(db, existing.id, f"destination disabled: {existing.disabled_reason}", stamp)
        return _require(db, new_key)


def current_key(db: Database, key: str) -> str:
    """Where destination `key` lives now: the key it moved to (after every move), or `key` itself."""
    seen = {key}
    while True:
        row = db.execute("SELECT new_key FROM destination_moves WHERE old_key = ?", [key]).fetchone()
        if row is None or row[0] in seen:
            return key
        key = row[0]
        seen.add(key)


def destination_from_row(row: dict[str, Any]) -> Destination:
    """The `Destination` stored in a `destinations` row."""
    return Destination(
        id=row["id"],
        key=row["key"],
        platform=row["platform"],
        chat_id=row["chat_id"],
        thread_id=row["thread_id"],
        guild_id=row["guild_id"],
        language=row["language"],
        style=row["style"],
        edit_policy=row["edit_policy"],
        paused=bool(row["paused"]),
        disabled_reason=row["disabled_reason"],
        created_by=row["created_by"],
        created_at=ts_parse(row["created_at"]),
        updated_at=ts_parse(row["updated_at"]),
        mention_role=row.get("mention_role"),
        mention_keywords=tuple(json.loads(row.get("mention_keywords") or "[]")),
    )


def _require(db: Database, key: str) -> Destination:
    dest = get_destination(db, key)
    if dest is None:
        raise UnknownDestination(key)
    return dest


def _fail_waiting(db: Database, destination_id: int, reason: str, stamp: str) -> int:
    cursor = db.execute(
        """
        UPDATE outbox SET status = 'failed', reason = ?, finished_at = ?
        WHERE destination_id = ? AND status = 'pending'
        """,
        [reason, stamp, destination_id],
    )
    return cursor.rowcount


def _check_settings(language: str, style: str, edit_policy: str) -> None:
    for what, value, allowed in (
        ("language", language, get_args(Language)),
        ("style", style, get_args(MessageStyle)),
        ("edit_policy", edit_policy, get_args(EditPolicy)),
    ):
        if value not in allowed:
            raise InvalidArgument(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
