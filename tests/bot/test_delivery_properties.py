"""Property: whatever mix of successes, 429s, transient failures and crashes the platform deals out, every
(item, destination) ends in exactly one terminal state, each destination's alerts arrive in queue order, and
only a message in flight at a crash may arrive twice.

A crash is simulated by an exception that no part of the engine handles (not an `Exception`): the pass is
abandoned with its rows left in `sending`, the platform having taken the message; a new engine then starts
with `recover()`, as after a restart.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.base import SentRef
from bot.adapters.errors import RateLimited, Transient
from bot.alerts import Alert
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.store import Store
from storage.models import Destination
from storage.outbox import FINAL_STATUSES
from tests.bot.delivery_support import add_destination, event, queue, rows_of
from tests.clock import Clock

Outcome = str  # "ok" | "429" | "transient" | "crash"


class SimulatedCrash(BaseException):
    """The process died: nothing after this point of the pass runs."""


class ChaosPlatform:
    """Deals out the scripted outcomes in call order; records what the platform really took."""

    platform = "fake"
    rate_limits = ()
    digest_capacity = 3

    def __init__(self, outcomes: Sequence[Outcome]) -> None:
        self.outcomes = list(outcomes)
        self.accepted: list[tuple[str, tuple[str, ...]]] = []  # (destination, uids) per message taken
        self.crashed: Counter[tuple[str, str]] = Counter()  # (destination, uid) in flight at a crash

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return self._take(destination, [alert])

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return self._take(destination, [alert])

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return self._take(destination, list(alerts))

    async def notify_admin(self, destination: Destination, text: str) -> None:
        return None

    def _take(self, destination: Destination, alerts: list[Alert]) -> SentRef:
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        uids = tuple(a.uid for a in alerts)
        if outcome == "429":
            raise RateLimited(30)
        if outcome == "transient":
            raise Transient("connection reset")
        self.accepted.append((destination.key, uids))
        if outcome == "crash":
            self.crashed.update((destination.key, u) for u in uids)
            raise SimulatedCrash
        return SentRef(str(len(self.accepted)))


async def scenario(
    folder: Path,
    wanted: list[list[int]],
    batches: list[int],
    outcomes: list[Outcome],
    digest_threshold: int,
    concurrency: int,
) -> None:
    keys = [f"fake:{d}" for d in range(len(wanted[0]))]
    platform = ChaosPlatform(outcomes)
    clock = Clock()
    config = DeliverySettings(
        digest_threshold=digest_threshold,
        transient_max_age=3600,
        backoff_base=10,
        backoff_cap=300,
        max_concurrency=concurrency,
    )
    async with Store(folder / "wirewatch.db") as store:
        subs = [await store.run(add_destination, key) for key in keys]
        story = 0
        for size in batches:  # alerts queued in a few polls, a minute apart
            for _ in range(size):
                story += 1
                chosen = [subs[d] for d, on in enumerate(wanted[(story - 1) % len(wanted)]) if on]
                await store.run(queue, [event(story)], chosen, now=clock())
            clock.advance(60)
        engine = DeliveryEngine(store, [platform], settings=config, clock=clock, rng=random.Random(0))
        crashes = 0
        in_flight: Counter[tuple[str, str]] = Counter()
        for _ in range(400):
            try:
                stats = await engine.deliver_due()
            except BaseExceptionGroup as group:
                assert group.subgroup(SimulatedCrash) is not None, group
                crashes += 1
                sending = [r for r in await store.run(rows_of) if r.status == "sending"]
                for row in sending:  # what was in flight when the process "died"
                    in_flight[(row.destination, row.uid)] += 1
                one_message = platform.digest_capacity
                assert all(n <= one_message for n in Counter(r.destination for r in sending).values())
                engine = DeliveryEngine(
                    store, [platform], settings=config, clock=clock, rng=random.Random(crashes)
                )
                await engine.recover()
                continue
            if stats.next_due is None:
                break
            clock.to(stats.next_due)
        rows = await store.run(rows_of)

    # exactly one terminal state per (item, destination)
    assert len({(r.destination, r.uid) for r in rows}) == len(rows)
    assert {r.status for r in rows} <= set(FINAL_STATUSES), Counter(r.status for r in rows)
    assert all(r.reason for r in rows)

    taken = Counter((key, uid) for key, uids in platform.accepted for uid in uids)
    for row in rows:
        got = taken[(row.destination, row.uid)]
        repeats_allowed = in_flight[(row.destination, row.uid)]
        assert got <= 1 + repeats_allowed, (row, got)
        if row.status == "sent":
            assert got >= 1, row
        else:
            assert row.status == "expired" and got <= repeats_allowed, row
    assert platform.crashed.keys() <= in_flight.keys()  # the message a crash hit was always in flight

    # per destination, the first arrival of each alert follows the queue order
    for key in keys:
        arrived = [uid for k, uids in platform.accepted if k == key for uid in uids]
        first = list(dict.fromkeys(arrived))
        queued = [r.uid for r in rows if r.destination == key and r.uid in first]
        assert first == queued, key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    wanted=st.lists(st.lists(st.booleans(), min_size=2, max_size=2), min_size=1, max_size=4),
    batches=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=3),
    outcomes=st.lists(st.sampled_from(["ok", "429", "transient", "crash"]), max_size=30),
    digest_threshold=st.sampled_from([2, 3, 100]),
    concurrency=st.sampled_from([1, 2]),
)
def test_any_interleaving_ends_every_alert_once_and_in_order(
    wanted: list[list[bool]],
    batches: list[int],
    outcomes: list[Outcome],
    digest_threshold: int,
    concurrency: int,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(
            scenario(
                Path(folder),
                [[int(on) for on in row] for row in wanted],
                batches,
                outcomes,
                digest_threshold,
                concurrency,
            )
        )
