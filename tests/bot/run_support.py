"""`wirewatch run` as a user starts it: a child process, with pipes, in the config file's folder."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

__all__ = ["REPO", "start_run"]

REPO = Path(__file__).resolve().parents[2]


async def start_run(config: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`wirewatch run --config CONFIG` in a child process, with pipes, in the config's folder."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        cwd=config.parent,
    )
