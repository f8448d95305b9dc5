"""A real crash: the delivering process is SIGKILLed after the platform took a message, before the commit.

After a restart every alert ends `sent`, each destination's alerts reached the platform in queue order, and
the only repeats are the messages that were in flight when the process died (at most one per destination).
The fan-out cases kill a process that claims and records in batches (many destinations' messages taken by the
platform and not yet recorded at once), with a poll queueing more alerts while it delivers, on a connection
with `synchronous=FULL` and with `NORMAL` (a killed process loses nothing its commits wrote either way: those
are in the operating system's cache; what NORMAL risks is a power cut or an OS crash, which SIGKILL is not).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from storage.db import open_db
from tests.bot.delivery_support import T0, add_destination, event, queue, rows_of, uid

REPO = Path(__file__).resolve().parents[2]
DESTINATIONS = ("fake:a", "fake:b")
STORIES = range(1, 8)


def run_child(
    db_path: Path,
    ledger: Path,
    kill_at: int,
    digest_threshold: int,
    *,
    synchronous: str = "FULL",
    poll_at: int = 0,
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
            synchronous,
            str(poll_at),
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


FAN_OUT = tuple(f"fake:{n}" for n in range(24))
FAN_OUT_STORIES = range(1, 4)
POLL_UID = "crash:poll"  # tests.bot.delivery_crash_child.POLL_UID


@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
@pytest.mark.parametrize(
    ("kills", "poll_at"),
    [((30,), 10), ((20, 45), 5)],
    ids=["after-a-poll", "twice"],
)
def test_sigkill_during_a_batched_fan_out_loses_nothing_and_repeats_at_most_one_per_chat_per_crash(
    tmp_path: Path, kills: tuple[int, ...], poll_at: int, synchronous: str
) -> None:
    db_path, ledger = tmp_path / "wirewatch.db", tmp_path / "ledger.txt"
    with open_db(db_path) as db:
        subs = [add_destination(db, key) for key in FAN_OUT]
        queue(db, [event(n) for n in FAN_OUT_STORIES], subs)

    in_flight: Counter[str] = Counter()  # destinations with a message in flight at each crash
    for number, kill_at in enumerate(kills):
        crashed = run_child(
            db_path, ledger, kill_at, 1000, synchronous=synchronous, poll_at=poll_at if number == 0 else 0
        )
        assert crashed.returncode == -9, crashed.stderr
        with open_db(db_path) as db:
            sending = [r for r in rows_of(db) if r.status == "sending"]
        per_destination = Counter(r.destination for r in sending)
        assert sending and all(n == 1 for n in per_destination.values()), per_destination
        in_flight.update(per_destination.keys())
    finished = run_child(db_path, ledger, 0, 1000, synchronous=synchronous)
    assert finished.returncode == 0 and finished.stdout.strip() == "done", finished.stderr

    stories = [uid(n) for n in FAN_OUT_STORIES] + ([POLL_UID] if poll_at else [])
    with open_db(db_path) as db:
        rows = rows_of(db)
    assert {r.status for r in rows} == {"sent"} and len(rows) == len(FAN_OUT) * len(stories)
    messages = ledger_messages(ledger)
    for key in FAN_OUT:
        got = [uids for k, uids in messages if k == key]
        assert all(len(uids) == 1 for uids in got)
        arrived = [uids[0] for uids in got]
        assert list(dict.fromkeys(arrived)) == stories, f"{key}: an alert lost or out of order"
        repeats = len(arrived) - len(set(arrived))
        assert repeats <= in_flight[key], f"{key}: {repeats} repeats, {in_flight[key]} crash(es) in flight"
