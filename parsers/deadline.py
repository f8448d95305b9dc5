"""A deadline for one parse: a `time.monotonic()` reading past which the parser gives up.

The parser checks it between its stages and, through `tick`, every few hundred steps inside its loops (nodes
of the page, dashes, labels, items), so a check costs a counter decrement and reading the clock is rare.
What lexbor does in C (building the tree from the bytes: a few milliseconds per megabyte) is not
interrupted. This is the only clock `parsers` reads, and only when the caller gives a deadline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from parsers.errors import ParseTimeout

__all__ = ["NEVER", "Deadline"]


class Deadline:
    """Raises `ParseTimeout` from `check` or `tick` once `clock()` is past `at`."""

    __slots__ = ("_clock", "_countdown", "at", "every")

    def __init__(self, at: float, *, clock: Callable[[], float] = time.monotonic, every: int = 256) -> None:
        self.at = at
        self.every = every  # ticks between two readings of the clock
        self._clock = clock
        self._countdown = every

    def check(self, stage: str) -> None:
        """Read the clock now; raise `ParseTimeout` naming `stage` when the deadline has passed."""
        now = self._clock()
        if now > self.at:
            raise ParseTimeout(stage, self.at, now - self.at)

    def tick(self, stage: str) -> None:
        """One step of a loop: every `every` steps, `check`."""
        self._countdown -= 1
        if self._countdown <= 0:
            self._countdown = self.every
            self.check(stage)


class _Never(Deadline):
    """No deadline: checks cost a method call and nothing else."""

    __slots__ = ()

    def check(self, stage: str) -> None:
        pass

    def tick(self, stage: str) -> None:
        pass


NEVER: Deadline = _Never(math.inf)  # the default of every function that takes a deadline
