"""The operator's commands and the mistakes users make, through the CLI: `status`, `subscriptions`, a second
`run`, databases that are not usable, bad inputs, and secrets inside URLs."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.demo.site import LocalSite
from storage.db import open_db
from storage.destinations import ensure_destination, get_destination
from storage.models import ItemEvent, SubscriptionMode
from storage.outbox import enqueue_alerts
from storage.sources import list_sources
from storage.subscriptions import set_subscription
from storage.transactions import transaction
from tests.bot.run_support import start_run
from tests.factories import build_item
from tests.test_cli import GLUED, NOW, ThreadedSite
from tests.wirepage import SEED, wire_page

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with ThreadedSite() as running:
        yield running


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database with two Telegram chats (one paused), a Discord channel stopped by a refusal, and alerts."""
    path = tmp_path / "w.db"
    db = open_db(path)
    with transaction(db):
        subs = []
        chats: tuple[tuple[str, SubscriptionMode], ...] = (
            ("telegram:42", "filtered"),
            ("telegram:-100123", "all"),
            ("discord:987654321", "filtered"),
        )
        for key, mode in chats:
            ensure_destination(db, key, now=T0, created_by="test")
            subs.append(
                set_subscription(db, key, now=T0, mode=mode, include=("iran",) if mode == "filtered" else ())
            )
        event = ItemEvent("new", "anp", build_item("TEHERAN (ANP) - Iran test.", place="TEHERAN"), 1)
        enqueue_alerts(db, [event], lambda e: [s.id for s in subs], now=T0)
    from storage.destinations import disable_destination, set_destination_paused

    set_destination_paused(db, "telegram:-100123", True, now=T0)
    with transaction(db):
        disable_destination(db, "discord:987654321", "Discord HTTP 403: Missing Access (50001)", now=T0)
    db.close()
    return path


def test_status_counts_chats_per_platform_and_mode(db_path: Path) -> None:
    code, out, _ = invoke("status", "--db", str(db_path))
    assert code == 0
    assert "platform" in out and "filtered" in out  # a table with headers
    telegram = next(line for line in out.splitlines() if line.startswith("telegram"))
    assert telegram.split()[1:] == ["1", "0", "1", "0"]  # filtered, all, paused, stopped
    discord = next(line for line in out.splitlines() if line.startswith("discord"))
    assert discord.split()[1:] == ["0", "0", "0", "1"]
    code, out, _ = invoke("status", "--db", str(db_path), "--format", "json")
    data = json.loads(out)
    assert data["subscriptions"] == {"telegram": {"filtered": 1, "paused": 1}, "discord": {"stopped": 1}}
    assert data["outbox"]["pending"] == 2 and data["http"] is None


def test_status_names_the_http_address_from_the_config(tmp_path: Path, db_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\npath = "{db_path}"\n\n[http]\nenabled = true\nport = 9333\n', encoding="utf-8"
    )
    code, out, _ = invoke("status", "--config", str(config))
    assert code == 0 and "http://127.0.0.1:9333/healthz" in out


def test_subscriptions_list_show_pause_resume_remove(db_path: Path) -> None:
    code, listed, _ = invoke("subscriptions", "list", "--db", str(db_path))
    assert code == 0 and listed.splitlines()[0].split()[:3] == ["destination", "state", "queued"]
    assert "stopped: Discord HTTP 403: Missing Access (50001)" in listed
    code, only, _ = invoke(
        "subscriptions", "list", "--db", str(db_path), "--platform", "discord", "--format", "json"
    )
    assert [s["key"] for s in json.loads(only)] == ["discord:987654321"]

    code, shown, _ = invoke("subscriptions", "show", "telegram:42", "--db", str(db_path))
    assert code == 0 and "keywords: iran" in shown and "1 pending" in shown and "TEHERAN" in shown

    assert invoke("subscriptions", "pause", "telegram:42", "--db", str(db_path))[0] == 0
    db = open_db(db_path)
    dest = get_destination(db, "telegram:42")
    db.close()
    assert dest is not None and dest.paused
    assert "active again" in invoke("subscriptions", "resume", "telegram:42", "--db", str(db_path))[1]

    code, _, err = invoke("subscriptions", "remove", "telegram:nope", "--db", str(db_path))
    assert code == 1 and "no chat or channel 'telegram:nope'" in err
    code, out, _ = invoke("subscriptions", "remove", "telegram:42", "--db", str(db_path), "--yes")
    assert code == 0 and "Removed telegram:42" in out
    db = open_db(db_path)
    assert get_destination(db, "telegram:42") is None
    db.close()


def test_db_and_config_together_are_refused(tmp_path: Path, db_path: Path) -> None:
    code, _, err = invoke("sources", "--db", str(db_path), "--config", str(tmp_path / "c.toml"))
    assert code == 2 and "--db or --config, not both" in err


@pytest.mark.parametrize("problem", ["not sqlite", "missing folder", "a folder"])
def test_poll_with_an_unusable_database_is_one_line_and_leaves_the_file_alone(
    tmp_path: Path, site: LocalSite, problem: str
) -> None:
    site.set_page("/a", wire_page(SEED))
    if problem == "not sqlite":
        db = tmp_path / "notes.db"
        db.write_bytes(b"these are my notes, not a database\n")
    elif problem == "missing folder":
        db = tmp_path / "missing" / "w.db"
    else:
        db = tmp_path / "folder.db"
        db.mkdir()
    before = db.read_bytes() if db.is_file() else None
    result = CliRunner().invoke(cli, ["poll", "--once", "--url", site.url("/a"), "--db", str(db)])
    assert result.exit_code in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert str(db) in result.stderr or "directory" in result.stderr
    if before is not None:
        assert db.read_bytes() == before
    assert not (tmp_path / "missing").exists()


def test_poll_with_a_database_locked_longer_than_the_busy_timeout(tmp_path: Path, site: LocalSite) -> None:
    site.set_page("/a", wire_page(SEED))
    db = tmp_path / "w.db"
    open_db(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = invoke("poll", "--once", "--url", site.url("/a"), "--db", str(db))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and "locked" in err and len(err.strip().splitlines()) == 1


async def test_a_second_run_on_the_same_database_refuses_and_names_the_first(tmp_path: Path) -> None:
    async with LocalSite() as local:
        local.set_page("/a", wire_page(SEED))
        config = tmp_path / "config.toml"
        config.write_text(f'[[sources]]\nname = "a"\nurl = "{local.url("/a")}"\n', encoding="utf-8")
        first = await start_run(config, {"NO_COLOR": "1"})
        try:
            await local.wait_for_requests(1, path="/a", timeout=20)
            second = await start_run(config, {"NO_COLOR": "1"})
            _, err = await asyncio.wait_for(second.communicate(), timeout=20)
        finally:
            first.terminate()
            await asyncio.wait_for(first.communicate(), timeout=20)
    assert second.returncode == 1
    assert f"pid {first.pid}" in err.decode() and "is using" in err.decode()
    assert first.returncode == 0


def test_parse_reads_standard_input_and_refuses_empty_folders_and_other_schemes(tmp_path: Path) -> None:
    code, out, _ = invoke("parse", "-", "--now", NOW, "--format", "json", stdin=GLUED.read_bytes())
    assert code == 0 and len(json.loads(out)) == 7
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"  \n")
    for target, expected in (
        (str(empty), "is empty"),
        (str(tmp_path), "is a folder"),
        ("ftp://example.org/feed.xml", "only http:// and https://"),
        ("-", "standard input is empty"),
    ):
        code, _, err = invoke("parse", target, stdin=b"")
        assert code == 1 and expected in err, (target, err)


@pytest.mark.parametrize("now", ["1970-01-01T00:00:00Z", "1989-12-31", "2999-01-01"])
def test_a_now_no_page_can_be_read_at_is_refused(now: str) -> None:
    code, _, err = invoke("parse", str(GLUED), "--now", now)
    assert code == 2 and "from 1990 to tomorrow" in err
    tomorrow = (datetime.now(UTC) + timedelta(hours=20)).isoformat()
    assert invoke("parse", str(GLUED), "--now", tomorrow)[0] == 0


def test_secrets_in_urls_never_reach_output_or_the_database(tmp_path: Path, site: LocalSite) -> None:
    site.set_page("/feed", wire_page(SEED))
    url = site.url("/feed").replace("http://", "http://reader:hunter2@") + "?token=s3cr3tvalue&lang=nl"
    missing = site.url("/none").replace("http://", "http://reader:hunter2@") + "?api_key=s3cr3tvalue"
    db = tmp_path / "w.db"

    outputs = [
        invoke("parse", missing),
        invoke("poll", "--once", "--url", missing, "--db", str(db)),
        invoke("poll", "--once", "--url", url, "--db", str(db)),
        invoke("sources", "--db", str(db)),
        invoke("sources", "--db", str(db), "--format", "json"),
    ]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\npath = "w.db"\n\n[telegram]\napi_base_url = "https://bot:hunter2@api.example.org"\n\n'
        f'[[sources]]\nname = "a"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    outputs.append(invoke("check-config", "--config", str(config)))

    text = "\n".join(out + err for _, out, err in outputs)
    assert "hunter2" not in text and "s3cr3tvalue" not in text
    assert "reader:***@" in text and "token=***" in text and "lang=nl" in text
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert "hunter2" not in dump and "s3cr3tvalue" not in dump


def test_poll_now_reads_labels_then_but_stamps_health_with_the_real_time(
    tmp_path: Path, site: LocalSite
) -> None:
    site.set_page("/a", wire_page(SEED))
    db = tmp_path / "w.db"
    assert (
        invoke("poll", "--once", "--url", site.url("/a"), "--db", str(db), "--now", "2020-01-01T12:00:00Z")[0]
        == 0
    )
    conn = open_db(db)
    (state,) = list_sources(conn)
    conn.close()
    assert state.last_attempt_at is not None
    assert abs((datetime.now(UTC) - state.last_attempt_at).total_seconds()) < 120
    _, out, _ = invoke("sources", "--db", str(db))
    assert "just now" in out or "m ago" in out


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            '[[sources]]\nname = "a"\nurl = "https://x.nl"\ninterval = 100000000000\n',
            "sources[0].interval: must be at most",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x.nl"\n[sources.selectors]\nitem = "li["\n',
            "not a CSS selector",
        ),
        ('[storage]\npath = "nowhere/w.db"\n', "the folder"),
    ],
)
def test_check_config_catches_what_run_would_trip_over(tmp_path: Path, table: str, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(table, encoding="utf-8")
    code, _, err = invoke("check-config", "--config", str(config))
    assert code == 1 and expected in err


def test_check_config_reads_a_file_saved_by_a_windows_editor_and_names_a_wrong_encoding(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    text = '[storage]\r\npath = "w.db"\r\n\r\n[[sources]]\r\nname = "café"\r\nurl = "https://example.org/nieuws"\r\n'
    config.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # UTF-8 with a byte order mark, CRLF line ends
    code, out, err = invoke("check-config", "--config", str(config))
    assert code == 0, err
    assert "café" in out and "https://example.org/nieuws" in out

    config.write_bytes(text.encode("cp1252"))
    code, _, err = invoke("check-config", "--config", str(config))
    assert code == 1 and "not UTF-8 text (save it as UTF-8)" in err and len(err.strip().splitlines()) == 1
