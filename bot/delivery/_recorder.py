"""`Recorder`: writes what the platform answered, retrying until it is written.

The platform has the message, so its outcome must not be lost: a batch that cannot be written (the database
locked by another process past its busy timeout, a full disk) is tried again with growing pauses (up to
`RETRY_CAP`), one warning when it starts failing and every tenth attempt, one when it gets through. Until then
the destinations stay with their worker (not due, not read again), so nothing is sent twice and nothing waits
behind a row nobody owns. Only while the engine stops (`closing`) is a batch given up on, after
`CLOSING_ATTEMPTS`: its rows stay `sending` and go out again at the next start (`recover`), as after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.delivery._storage import Outcome, record_outcomes
from bot.store import Store

__all__ = ["CLOSING_ATTEMPTS", "RETRY_BASE", "RETRY_CAP", "Recorder"]

log = logging.getLogger("bot.delivery")

RETRY_BASE = 0.05  # seconds before the first retry
RETRY_CAP = 5.0  # the longest wait between retries
CLOSING_ATTEMPTS = 3  # while the engine stops, a batch is tried this often, then left to `recover`


class Recorder:
    """Writes batches of outcomes of one platform's messages (`record_outcomes`) until they are written."""

    def __init__(self, store: Store, platform: str) -> None:
        self.store = store
        self.platform = platform
        self.closing = False

    async def write(self, outcomes: Sequence[Outcome]) -> Sequence[object]:
        """The results of `record_outcomes`, or a None for each outcome when it was given up on (closing)."""
        failures = 0
        while True:
            try:
                results = await self.store.run(record_outcomes, outcomes)
            except Exception as problem:
                failures += 1
                if self.closing and failures >= CLOSING_ATTEMPTS:
                    log.error(
                        "could not record the outcome of %d %s message(s) while stopping (%s); they are sent "
                        "again at the next start",
                        len(outcomes),
                        self.platform,
                        problem,
                    )
                    return [None] * len(outcomes)
                wait = min(RETRY_CAP, RETRY_BASE * 2 ** (failures - 1))
                if failures == 1 or failures % 10 == 0:
                    log.warning(
                        "could not record the outcome of %d %s message(s) (%s: %s); trying again in %.2fs "
                        "(attempt %d); their chats wait until it is written",
                        len(outcomes),
                        self.platform,
                        type(problem).__name__,
                        problem,
                        wait,
                        failures,
                    )
                await asyncio.sleep(wait)
            else:
                if failures:
                    log.warning(
                        "recorded the outcome of %d %s message(s) after %d failed attempt(s)",
                        len(outcomes),
                        self.platform,
                        failures,
                    )
                return results
