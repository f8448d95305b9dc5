"""A real crash: the delivering process is SIGKILLed after the platform took a message, before the commit.

After a restart every alert ends `sent`, each destination's alerts reached the platform in queue order, and
the only repeats are the messages that were in flight when the process died (at most one per destination).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from storage.db import open_db
from tests.bot.delivery_support import T0, add_destination, event, queue, rows_of

REPO = Path(__file__).resolve().parents[2]
DESTINATIONS = ("fake:a", "fake:b")
STORIES = range(1, 8)


def run_child(
    db_path: Path, ledger: Path, kill_at: int, digest_threshold: int
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bot.delivery_crash_child",
            str(db_path),
            str(ledger),
            str(kill_at),
            T0.isoformat(),
            str(digest_threshold),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ledger_messages(ledger: Path) -> list[tuple[str, tuple[str, ...]]]:
    if not ledger.exists():
        return []
    lines = ledger.read_text(encoding="utf-8").splitlines()
    return [(key, tuple(uids.split())) for key, uids in (line.split(" ", 1) for line in lines)]


@pytest.mark.parametrize(
    ("kill_at", "digest_threshold"),
    [(1, 1000), (5, 1000), (9, 1000), (1, 2), (3, 2)],
    ids=["first-message", "middle", "late", "first-digest", "later-digest"],
)
def test_sigkill_between_platform_and_commit_loses_nothing(
    tmp_path: Path, kill_at: int, digest_threshold: int
) -> None:
    db_path, ledger = tmp_path / "wirewatch.db", tmp_path / "ledger.txt"
    with open_db(db_path) as db:
        subs = [add_destination(db, key) for key in DESTINATIONS]
        queue(db, [event(n) for n in STORIES], subs)
        queued = {key: [r.uid for r in rows_of(db, key)] for key in DESTINATIONS}

    crashed = run_child(db_path, ledger, kill_at, digest_threshold)
    assert crashed.returncode == -9, crashed.stderr
    before_restart = ledger_messages(ledger)
    assert len(before_restart) == kill_at  # the platform got the message the process died over
    with open_db(db_path) as db:
        in_flight = [r for r in rows_of(db) if r.status == "sending"]
        assert in_flight, "the killed message must still be marked as being sent"
        in_flight_rows = Counter(r.destination for r in in_flight)
        one_message = 1 if digest_threshold == 1000 else 3  # the child's digest capacity
        assert all(n <= one_message for n in in_flight_rows.values()), in_flight_rows
    killed_key, killed_message = before_restart[-1]
    assert killed_key in in_flight_rows

    restarted = run_child(db_path, ledger, 0, digest_threshold)
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout.strip() == "done"

    with open_db(db_path) as db:
        rows = rows_of(db)
        assert {r.status for r in rows} == {"sent"}
        assert all(r.reason in ("sent", "digest") and r.sent_ref for r in rows)

    messages = ledger_messages(ledger)
    for key in DESTINATIONS:
        got = [m for k, m in messages if k == key]
        repeats = [m for m, n in Counter(got).items() for _ in range(n - 1)]
        assert len(repeats) <= 1, f"{key}: more than the in-flight message repeated: {repeats}"
        if key == killed_key:
            assert repeats == [killed_message]  # sent again after the restart: the one allowed duplicate
        elif repeats:
            assert key in in_flight_rows
        flat = [u for message in got for u in message]
        first_seen = list(dict.fromkeys(flat))
        assert first_seen == queued[key], f"{key}: order or completeness broken"
    assert len(messages) - len({(k, m) for k, m in messages}) <= len(DESTINATIONS)
