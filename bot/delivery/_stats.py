"""`DeliveryStats`: what one pass of the delivery engine did, and when it next has work."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

__all__ = ["DeliveryStats"]


@dataclass(slots=True)
class DeliveryStats:
    """Counts of outbox rows (and messages) by outcome; `next_due` is when the engine next has work."""

    sent: int = 0  # rows sent as a message of their own
    edited: int = 0  # rows delivered by editing the earlier message
    not_modified: int = 0  # edits the platform found unchanged (done)
    digests: int = 0  # digest messages
    digested: int = 0  # rows delivered inside them
    rate_limited: int = 0  # 429s: the destination waits `retry_after`
    retried: int = 0  # transient failures, tried again later
    moved: int = 0  # destinations re-keyed (e.g. group -> supergroup)
    failed: int = 0  # rows ended `failed` (destination gone, rejected twice, ...)
    expired: int = 0  # rows that kept failing past the max age
    dropped: int = 0  # rows ended `dropped` (ignored edit, superseded version)
    disabled: int = 0  # destinations disabled because they are gone
    next_due: datetime | None = None

    @property
    def messages(self) -> int:
        """Messages the platforms accepted (single sends, edits, digests)."""
        return self.sent + self.edited + self.not_modified + self.digests

    def wake_at(self, when: datetime) -> None:
        """Note that there is work at `when` (the earliest note wins)."""
        if self.next_due is None or when < self.next_due:
            self.next_due = when

    def merge(self, other: DeliveryStats) -> None:
        """Add `other`'s counts to these and keep the earlier `next_due`."""
        for f in fields(self):
            if f.name != "next_due":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        if other.next_due is not None:
            self.wake_at(other.next_due)
