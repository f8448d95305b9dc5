"""Every `wirewatch` command through click's runner, against real files, a real local site and SQLite."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.adapters.console import ensure_console_subscription
from bot.cli import cli
from bot.demo.site import LocalSite
from storage.db import open_db
from tests.wirepage import KYIV, SEED, wire_page

REPO = Path(__file__).resolve().parent.parent
GLUED = REPO / "tests" / "data" / "pages" / "zeelandnet_seed_glued.html"
ELEMENTS = REPO / "tests" / "data" / "pages" / "zeelandnet_seed_elements.html"
NOW = "2026-11-27T12:00:00Z"


class ThreadedSite:
    """A LocalSite running in its own thread's event loop, so synchronous CLI calls can reach it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.site = LocalSite()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.site.__aenter__(), self.loop).result(timeout=10)
        return self.site

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.site.__aexit__(None, None, None), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with ThreadedSite() as running:
        yield running


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", [[], *[[name] for name in cli.commands]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help(command: list[str], flag: str) -> None:
    code, out, _ = invoke(*command, flag)
    assert code == 0, out
    assert "Usage: " in out


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0
    assert "version" in out


def test_parse_json_gives_the_seven_seed_items() -> None:
    code, out, err = invoke("parse", str(GLUED), "--now", NOW, "--format", "json")
    assert code == 0, err
    items = json.loads(out)
    assert [i["place"] for i in items] == [
        "WASHINGTON",
        "MEITAR",
        "BRUSSEL",
        "PARIJS",
        "WASHINGTON",
        "BAGDAD",
        "MOSKOU",
    ]
    assert items[0]["agencies"] == ["ANP"]
    assert items[6]["agencies"] == ["ANP", "RTR", "AF"]
    assert items[0]["published_at"] == "2026-11-27T11:52:00Z"
    assert items[0]["time_label"] == "8 minuten geleden"
    assert items[1]["countries"][0] == "IL"
    assert items[0]["text"].startswith("De Amerikaanse president Donald Trump waarschuwt")
    assert "geleden" not in items[0]["text"]
    for item in items:
        assert set(item) >= {
            "uid",
            "place",
            "agencies",
            "title",
            "text",
            "url",
            "published_at",
            "time_label",
            "countries",
        }


def test_parse_table_is_readable() -> None:
    code, out, _ = invoke("parse", str(ELEMENTS), "--now", NOW)
    assert code == 0
    assert "MEITAR (ANP/AFP)" in out
    assert "7 items" in out
    assert "\033[" not in out  # not a terminal: no colour codes


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: str(tmp / "missing.html"), "no such file"),
        (lambda tmp: _write(tmp / "x.bin", b"\x00\x01\x02\xff" * 100), "neither an HTML page nor"),
        (lambda tmp: "http://127.0.0.1:9/nothing-listens-here", "cannot fetch"),
        (
            lambda tmp: _write(tmp / "deep.html", b"<html><body>" + b"<div>x " * 30_000),
            "nests its block elements",
        ),
    ],
)
def test_parse_errors_are_one_line_and_exit_1(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = invoke("parse", make(tmp_path))
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("Error: ")


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_parse_a_url(site: LocalSite) -> None:
    site.set_page("/buitenland", wire_page(SEED))
    code, out, err = invoke("parse", site.url("/buitenland"), "--format", "json", "--now", NOW)
    assert code == 0, err
    assert [i["place"] for i in json.loads(out)] == ["WASHINGTON", "MEITAR", "BRUSSEL"]


def test_poll_once_seeds_then_reports_new_items(site: LocalSite, tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    site.set_page("/b", wire_page(SEED))
    args = ["poll", "--once", "--url", site.url("/b"), "--db", db, "--now", NOW]
    code, out, err = invoke(*args)
    assert code == 0, err
    assert json.loads(out) == []
    site.set_page("/b", wire_page([KYIV, *SEED]))
    code, out, _ = invoke(*args)
    events = json.loads(out)
    assert [(e["event"], e["item"]["place"]) for e in events] == [("new", "KYIV")]
    assert "UA" in events[0]["item"]["countries"]
    code, out, _ = invoke(*args)
    assert json.loads(out) == []


def test_poll_once_no_baseline(site: LocalSite, tmp_path: Path) -> None:
    site.set_page("/b", wire_page(SEED))
    code, out, _ = invoke(
        "poll", "--once", "--url", site.url("/b"), "--db", str(tmp_path / "w.db"), "--no-baseline"
    )
    assert code == 0
    assert [e["event"] for e in json.loads(out)] == ["new", "new", "new"]


def test_poll_failure_exits_1(site: LocalSite, tmp_path: Path) -> None:
    site.fail_next("/b", status=500)
    code, _, err = invoke("poll", "--once", "--url", site.url("/b"), "--db", str(tmp_path / "w.db"))
    assert code == 1
    assert "500" in err


def test_poll_requires_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["poll", "--url", "http://127.0.0.1:9/", "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 2
    assert "--once" in result.stderr


def test_tag_prints_countries_with_evidence() -> None:
    code, out, _ = invoke("tag", "Het Kremlin reageert op de Oekraïense aanval.", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["countries"] == ["RU", "UA"]
    assert {e["kind"] for e in data["evidence"]} >= {"metonym"}
    code, out, _ = invoke("tag", "Geen land hier.")
    assert "No countries" in out


def test_check_config_masks_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "987654321:AAFsecret-token-do-not-print"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", secret)
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("check-config", "--config", str(REPO / "config.example.toml"))
    assert code == 0
    assert secret not in out
    data = json.loads(out)
    assert data["sources"][0]["name"] == "zeelandnet-buitenland"
    assert data["environment"]["TELEGRAM_BOT_TOKEN"].startswith("set")


def test_check_config_names_the_bad_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[[sources]]\nname = 'a'\nurl = 'https://x.nl'\ninterval = 5\n", encoding="utf-8")
    code, _, err = invoke("check-config", "--config", str(path))
    assert code == 1
    assert "sources[0].interval" in err


def test_sources_and_outbox_show_what_polls_did(site: LocalSite, tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    site.set_page("/b", wire_page(SEED))
    poll = ["poll", "--once", "--url", site.url("/b"), "--db", db, "--now", NOW]
    assert invoke(*poll)[0] == 0
    handle = open_db(db)
    ensure_console_subscription(handle, now=datetime(2026, 11, 27, 12, tzinfo=UTC))
    handle.close()
    site.set_page("/b", wire_page([KYIV, *SEED]))
    assert invoke(*poll)[0] == 0

    code, out, _ = invoke("outbox", "--db", db, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["counts"]["pending"] == 1
    assert [(r["destination"], r["status"], r["kind"]) for r in data["rows"]] == [
        ("console", "pending", "new")
    ]
    code, out, _ = invoke("outbox", "--db", db, "--status", "sent")
    assert "No alerts." in out

    code, out, _ = invoke("sources", "--db", db)
    assert code == 0
    assert f"{site.url('/b')}  [auto]  ok" in out
    site.fail_next("/b", status=503)
    assert invoke(*poll)[0] == 1
    code, out, _ = invoke("sources", "--db", db, "--format", "json")
    (state,) = json.loads(out)
    assert state["consecutive_failures"] == 1
    assert "503" in state["last_error"]


def test_sources_without_a_database_says_so(tmp_path: Path) -> None:
    code, _, err = invoke("sources", "--db", str(tmp_path / "none.db"))
    assert code == 1
    assert "no database" in err
