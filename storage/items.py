"""The diff: store one poll's items and say which are news.

Rules (per source, keyed by `uid`):
- new: a uid never stored for this source (or pruned since) -> version 1, a `new` event;
- updated: a stored uid whose `content_hash` changed -> the stored fields take the new values, version + 1,
  an `updated` event;
- everything else is unchanged (reordered, whitespace-only edits, items that dropped off the page and came
  back): only `last_seen` moves;
- the first poll that shows items seeds silently (stored, `baselined` set, no events) unless
  `baseline=False`; a page with no items before anything was ever seen is a success with nothing to seed;
- a page with zero items from a source whose last page had items is refused as a source problem: nothing
  is stored, the validators are not kept (so the next poll refetches the page), it counts as a failure;
- duplicate uids in one batch: the first wins;
- `published_at` keeps the most precise estimate ever seen (see `_more_precise`), with its `time_label`.

`apply_poll` never commits: the caller wraps it, and whatever else belongs to the same poll, in
`transaction(db)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from parsers.models import Item
from storage.errors import InvalidArgument
from storage.models import ItemEvent, PollOutcome
from storage.rows import ITEM_COLUMNS, item_from_row, item_to_row, require_aware, ts_parse, ts_text
from storage.sources import get_source_state
from storage.transactions import require_transaction

__all__ = ["EMPTY_PAGE_PROBLEM", "PollOutcome", "apply_poll", "load_items", "recent_events"]

EMPTY_PAGE_PROBLEM = "the page has no items although it had {count} last time; nothing was changed"
_CHUNK = 500  # uids per `IN (...)`, well under SQLite's variable limit


def apply_poll(
    db: Database,
    source: str,
    items: Sequence[Item],
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    baseline: bool = True,
) -> PollOutcome:
    """Store the items of one successful fetch of `source` and return the news (see the module docstring)."""
    require_transaction(db, "apply_poll")
    stamp = ts_text(now, "now")
    state = get_source_state(db, source)
    batch = _first_of_each_uid(items)
    for item in batch:
        if item.published_at is not None:
            require_aware(item.published_at, f"published_at of item {item.uid}")

    if not batch and (state.last_item_count or 0) > 0:
        problem = EMPTY_PAGE_PROBLEM.format(count=state.last_item_count)
        db.execute(
            """
            UPDATE sources SET last_attempt_at = ?, consecutive_failures = consecutive_failures + 1,
                last_error = ?
            WHERE name = ?
            """,
            [stamp, problem, source],
        )
        return PollOutcome(source=source, problem=problem)

    seeding = bool(batch) and baseline and not state.baselined
    stored = _stored(db, source, [item.uid for item in batch])
    events: list[ItemEvent] = []
    new = updated = unchanged = 0
    for item in batch:
        old = stored.get(item.uid)
        if old is None:
            _insert(db, source, item, stamp)
            new += 1
            if not seeding:
                events.append(ItemEvent("new", source, item, 1))
        elif old["content_hash"] != item.content_hash:
            merged = _keep_best_time(item, old)
            version = old["version"] + 1
            _update(db, old["id"], merged, stamp, version)
            updated += 1
            if not seeding:
                events.append(ItemEvent("updated", source, merged, version))
        else:
            _touch(db, old, item, stamp)
            unchanged += 1

    db.conn.executemany(
        "INSERT INTO item_events (source, uid, kind, version, content_hash, at) VALUES (?, ?, ?, ?, ?, ?)",
        [(source, e.item.uid, e.kind, e.version, e.item.content_hash, stamp) for e in events],
    )
    db.execute(
        """
        UPDATE sources SET etag = ?, last_modified = ?, last_attempt_at = ?, last_success_at = ?,
            last_page_at = ?, consecutive_failures = 0, last_error = NULL, last_item_count = ?,
            baselined = baselined OR ?
        WHERE name = ?
        """,
        [etag, last_modified, stamp, stamp, stamp, len(batch), bool(batch), source],
    )
    return PollOutcome(
        source=source, events=events, new=new, updated=updated, unchanged=unchanged, seeded=seeding
    )


def load_items(db: Database, source: str, *, limit: int | None = None) -> list[Item]:
    """The stored items of `source`, most recently discovered first, page order within one poll."""
    get_source_state(db, source)
    if limit is not None and limit < 1:
        raise InvalidArgument(f"limit must be at least 1, got {limit}")
    rows = db.query(
        "SELECT * FROM items WHERE source = ? ORDER BY first_seen DESC, id ASC LIMIT ?",
        [source, -1 if limit is None else limit],
    )
    return [item_from_row(row) for row in rows]


def recent_events(db: Database, *, limit: int, source: str | None = None) -> list[ItemEvent]:
    """The latest `limit` events, newest first, optionally of one source.

    Each event carries its item as it is stored now (an item edited since shows its latest text);
    `version` says which edit the event was.
    """
    if limit < 1:
        raise InvalidArgument(f"limit must be at least 1, got {limit}")
    if source is not None:
        get_source_state(db, source)
    where = "" if source is None else "WHERE e.source = :source"
    rows = db.query(
        f"""
        SELECT e.kind AS event_kind, e.version AS event_version, i.*
        FROM item_events e JOIN items i ON i.source = e.source AND i.uid = e.uid
        {where}
        ORDER BY e.at DESC, e.id DESC
        LIMIT :limit
        """,
        {"source": source, "limit": limit},
    )
    return [
        ItemEvent(row["event_kind"], row["source"], item_from_row(row), row["event_version"]) for row in rows
    ]


def _first_of_each_uid(items: Iterable[Item]) -> list[Item]:
    seen: set[str] = set()
    batch = []
    for item in items:
        if item.uid not in seen:
            seen.add(item.uid)
            batch.append(item)
    return batch


def _stored(db: Database, source: str, uids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(uids), _CHUNK):
        chunk = uids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = db.query(
            "SELECT id, uid, content_hash, version, published_at, published_precision, time_label "
            f"FROM items WHERE source = ? AND uid IN ({marks})",
            [source, *chunk],
        )
        found.update((row["uid"], row) for row in rows)
    return found


def _rank(published_at: object, precision: int | None) -> float:
    """Lower is more precise: no estimate is worst, an exact time (precision None) is best.

    `published_at` is a datetime (incoming item) or text (stored row); only whether it is there matters.
    """
    if published_at is None:
        return float("inf")
    return 0 if precision is None else precision


def _more_precise(item: Item, old: dict[str, Any]) -> bool:
    """Whether `item`'s time estimate beats the stored one (a tie keeps the stored one)."""
    return _rank(item.published_at, item.published_precision) < _rank(
        old["published_at"], old["published_precision"]
    )


def _keep_best_time(item: Item, old: dict[str, Any]) -> Item:
    if _more_precise(item, old):
        return item
    return replace(
        item,
        published_at=ts_parse(old["published_at"]),
        published_precision=old["published_precision"],
        time_label=old["time_label"],
    )


def _insert(db: Database, source: str, item: Item, stamp: str) -> None:
    row = item_to_row(item)
    columns = ", ".join(ITEM_COLUMNS)
    marks = ", ".join("?" * len(ITEM_COLUMNS))
    db.execute(
        f"INSERT INTO items (source, {columns}, first_seen, last_seen, version) VALUES (?, {marks}, ?, ?, 1)",
        [source, *(row[c] for c in ITEM_COLUMNS), stamp, stamp],
    )


def _update(db: Database, item_id: int, item: Item, stamp: str, version: int) -> None:
    row = item_to_row(item)
    assignments = ", ".join(f"{c} = ?" for c in ITEM_COLUMNS)
    db.execute(
        f"UPDATE items SET {assignments}, last_seen = ?, version = ? WHERE id = ?",
        [*(row[c] for c in ITEM_COLUMNS), stamp, version, item_id],
    )


def _touch(db: Database, old: dict[str, Any], item: Item, stamp: str) -> None:
    if _more_precise(item, old):
        row = item_to_row(item)
        db.execute(
            "UPDATE items SET published_at = ?, published_precision = ?, time_label = ?, last_seen = ? "
            "WHERE id = ?",
            [row["published_at"], row["published_precision"], row["time_label"], stamp, old["id"]],
        )
    else:
        db.execute("UPDATE items SET last_seen = ? WHERE id = ?", [stamp, old["id"]])
