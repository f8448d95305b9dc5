"""`Schedule`: the destinations of one platform with alerts waiting, by when each is next due.

The worker reads the outbox's queues into it once per pass (after `notify`, or every `idle_wait`) and keeps it
up to date from what it does itself, so a destination waiting for its rate limit, a backoff or a 429 is not
read again until it is due: no busy re-reading of the whole outbox while the platform limit paces the sends.
Ties go to whoever was put in first (the oldest alert at a refresh, then the order of re-queueing).
"""

from __future__ import annotations

import heapq
import itertools
from datetime import datetime

from storage.models import Destination

__all__ = ["Schedule"]


class Schedule:
    """A heap of (due, order, destination id) with lazy deletion; one entry per destination."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, int]] = []
        self._entries: dict[int, tuple[datetime, int, Destination]] = {}
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, destination_id: object) -> bool:
        return destination_id in self._entries

    def put(self, destination: Destination, due: datetime) -> None:
        """`destination` has work at `due`; replaces what was known about it."""
        order = next(self._order)
        self._entries[destination.id] = (due, order, destination)
        heapq.heappush(self._heap, (due, order, destination.id))

    def discard(self, destination_id: int) -> None:
        self._entries.pop(destination_id, None)

    def clear(self) -> None:
        self._heap.clear()
        self._entries.clear()

    def next_due(self) -> datetime | None:
        """When the earliest destination is due, or None when nothing waits."""
        self._settle()
        return self._heap[0][0] if self._heap else None

    def pop(self) -> Destination:
        """Take the earliest destination out (call `next_due` first)."""
        self._settle()
        _, _, destination_id = heapq.heappop(self._heap)
        return self._entries.pop(destination_id)[2]

    def _settle(self) -> None:
        while self._heap:
            _, order, destination_id = self._heap[0]
            entry = self._entries.get(destination_id)
            if entry is not None and entry[1] == order:
                return
            heapq.heappop(self._heap)
