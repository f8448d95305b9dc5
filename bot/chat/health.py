"""`HealthWatch`: decides when the operator hears about a source: after N failed polls in a row, and once it
recovers. One notice per episode, however long the source keeps failing."""

from __future__ import annotations

from bot.chat.records import HealthNotice

__all__ = ["HealthWatch"]


class HealthWatch:
    """Counts failed polls per source (in memory: a restart starts counting afresh)."""

    def __init__(self, threshold: int = 3) -> None:
        if threshold < 1:
            raise ValueError(f"threshold must be at least 1, got {threshold}")
        self.threshold = threshold
        self._failures: dict[str, int] = {}
        self._announced: set[str] = set()

    def observe(self, source: str, *, ok: bool, error: str | None = None) -> HealthNotice | None:
        """Record one poll's outcome; the notice to send, if this poll makes one due."""
        if ok:
            failures = self._failures.pop(source, 0)
            if source in self._announced:
                self._announced.discard(source)
                return HealthNotice(source, "recovered", failures)
            return None
        failures = self._failures.get(source, 0) + 1
        self._failures[source] = failures
        if failures >= self.threshold and source not in self._announced:
            self._announced.add(source)
            return HealthNotice(source, "failing", failures, error)
        return None
