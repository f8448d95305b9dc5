"""`Clock`: the time a test moves by hand, injected wherever wirewatch takes a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["T0", "Clock"]

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)
