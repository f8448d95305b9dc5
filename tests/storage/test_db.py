"""Opening, migrating and transactions, on real database files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage.db import BUSY_TIMEOUT_SECONDS, open_db, set_busy_timeout, transaction
from storage.errors import CannotOpenDatabase, DatabaseBusy, NestedTransaction, SchemaTooNew
from storage.items import load_items
from storage.migrations import MIGRATIONS, apply_migrations, known_migrations, schema_version
from storage.sources import get_source_state, upsert_source
from tests.factories import build_item
from tests.storage.conftest import SOURCE, SOURCE_URL, Poll, story

REPO = Path(__file__).resolve().parents[2]


def applied(db: Database) -> list[tuple[str, str]]:
    return [(m.name, m.applied_at) for m in MIGRATIONS.applied(db)]


def test_open_migrates_an_empty_file(db_path: Path) -> None:
    with open_db(db_path) as db:
        assert {"sources", "items", "item_events"} <= set(db.table_names())
        assert [name for name, _ in applied(db)] == list(known_migrations())
        assert schema_version(db) == len(known_migrations()) >= 3
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.conn.in_transaction is False
    assert db_path.is_file()


def test_reopening_an_up_to_date_file_writes_nothing(db_path: Path) -> None:
    with open_db(db_path) as db:
        first = applied(db)
    with open_db(db_path) as db:
        assert applied(db) == first
        assert db.conn.total_changes == 0
        assert apply_migrations(db) == []


def test_memory_database_is_migrated_too() -> None:
    with open_db(":memory:") as db:
        assert {"sources", "items", "item_events"} <= set(db.table_names())
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_an_older_database_is_brought_forward_keeping_its_data(db_path: Path) -> None:
    last = known_migrations()[-1]
    with Database(db_path) as old:
        MIGRATIONS.apply(old, stop_before=last)
        old.execute("INSERT INTO sources (name, url, kind) VALUES ('kept', 'https://x.example', 'rss')")
        assert last not in {name for name, _ in applied(old)}
    with open_db(db_path) as db:
        assert [name for name, _ in applied(db)] == list(known_migrations())
        assert get_source_state(db, "kept").url == "https://x.example"


def test_a_database_from_a_newer_wirewatch_is_refused(db_path: Path) -> None:
    with open_db(db_path) as db:
        db["_sqlite_migrations"].insert(
            {"migration_set": "wirewatch", "name": "m999_from_the_future", "applied_at": "2030-01-01"}
        )
        tables = db.table_names()
    with pytest.raises(SchemaTooNew, match="m999_from_the_future") as caught:
        open_db(db_path)
    assert caught.value.unknown == ("m999_from_the_future",)
    assert str(db_path) in str(caught.value)
    with Database(db_path) as raw:
        assert raw.table_names() == tables


def test_other_migration_sets_in_the_same_file_are_not_ours_to_judge(db_path: Path) -> None:
    with open_db(db_path) as db:
        db["_sqlite_migrations"].insert({"migration_set": "some-plugin", "name": "m1", "applied_at": "x"})
    with open_db(db_path) as db:
        assert schema_version(db) == len(known_migrations())


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages you are looking for " * 100)
    with pytest.raises(CannotOpenDatabase, match=r"notes\.db"):
        open_db(path)


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CannotOpenDatabase, match="missing"):
        open_db(tmp_path / "missing" / "wirewatch.db")


def test_nested_transactions_are_refused(db: Database) -> None:
    with transaction(db), pytest.raises(NestedTransaction), transaction(db):
        pass
    assert db.conn.in_transaction is False


def test_transaction_commits_on_success(db: Database, db_path: Path) -> None:
    with transaction(db):
        upsert_source(db, "feed", "https://other.example/rss", "rss")
    with open_db(db_path) as other:
        assert get_source_state(other, "feed").kind == "rss"


def test_a_second_writer_is_told_the_database_is_busy(db: Database, db_path: Path) -> None:
    with open_db(db_path) as other:
        other.execute("PRAGMA busy_timeout = 0")
        with transaction(db), pytest.raises(DatabaseBusy), transaction(other):
            pass
        assert other.conn.in_transaction is False


CRASHING_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, UTC
    from storage.db import open_db, transaction
    from storage.items import apply_poll
    from tests.factories import build_item
    from tests.storage.conftest import SOURCE, story

    db = open_db(sys.argv[1])
    db.execute("PRAGMA cache_size = 1")  # spill uncommitted pages to the WAL file before the crash
    later = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
    page = [build_item(story(n, "x" * 400)) for n in range(3, 203)] + [build_item(story(1, "bewerkt"))]
    with transaction(db):
        outcome = apply_poll(db, SOURCE, page, now=later, etag='"new"', last_modified=None)
        print(f"applied {outcome.new} {outcome.updated}", flush=True)
        sys.stdin.readline()  # the parent kills us here, mid-transaction
    print("committed", flush=True)
    """
)


def test_a_process_killed_mid_transaction_leaves_the_poll_unapplied(
    db: Database, db_path: Path, poll: Poll, now: datetime
) -> None:
    poll([build_item(story(1)), build_item(story(2))], now, etag='"old"')
    items_before = load_items(db, SOURCE)
    state_before = get_source_state(db, SOURCE)
    db.close()

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(db_path)],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # returns "" if the child dies first
        assert line.strip() == "applied 200 1", child.stderr.read() if child.stderr else ""
        wal = Path(f"{db_path}-wal")
        assert wal.stat().st_size > 0  # the uncommitted pages really reached the disk
        child.kill()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert child.returncode == -9

    with open_db(db_path) as reopened:
        assert load_items(reopened, SOURCE) == items_before
        assert get_source_state(reopened, SOURCE) == state_before
        assert reopened.execute("SELECT count(*) FROM item_events").fetchone()[0] == 0
        assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_same_writer_left_alone_commits(db: Database, db_path: Path, poll: Poll, now: datetime) -> None:
    """The control for the crash test: without the kill, the child's poll is applied."""
    poll([build_item(story(1)), build_item(story(2))], now, etag='"old"')
    db.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(db_path)],
        cwd=REPO,
        env=env,
        input="go on\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["applied 200 1", "committed"]
    with open_db(db_path) as reopened:
        assert len(load_items(reopened, SOURCE)) == 202
        assert get_source_state(reopened, SOURCE).etag == '"new"'


def test_sqlite_errors_inside_a_transaction_roll_it_back(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), transaction(db):
        upsert_source(db, "feed", "https://other.example/rss", "rss")
        db.execute("INSERT INTO sources (name, url, kind) VALUES (?, ?, ?)", [SOURCE, SOURCE_URL, "rss"])
    assert db.execute("SELECT name FROM sources ORDER BY name").fetchall() == [(SOURCE,)]


def test_the_busy_timeout_can_be_shortened(db_path: Path) -> None:
    with open_db(db_path) as db:
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == int(BUSY_TIMEOUT_SECONDS * 1000)
        set_busy_timeout(db, 0.25)
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 250
        with pytest.raises(ValueError, match="at least 0"):
            set_busy_timeout(db, -1)
