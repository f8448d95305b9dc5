"""One `wirewatch run` per database: a second one refuses to start, naming the first.

The lock is an advisory `flock` on `<database>.lock`, held for as long as the process runs; the kernel releases
it when the process ends however it ends (SIGKILL too), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["AlreadyRunning", "run_lock"]


class AlreadyRunning(Exception):
    """Another `wirewatch run` holds the database; the message names it."""


@contextlib.contextmanager
def run_lock(db_path: str | Path) -> Iterator[Path]:
    """Hold the lock of the database at `db_path` for the `with` block; `AlreadyRunning` when it is taken."""
    lock_path = Path(f"{db_path}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AlreadyRunning(f"cannot create the lock file {lock_path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"another wirewatch run ({_holder(fd)}) is using {db_path}; stop it first, "
                "or give this one its own storage.path"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_me()).encode())
        try:
            yield lock_path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _me() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _holder(fd: int) -> str:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {data['pid']} on {data['host']}, since {data['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that did not say which"
