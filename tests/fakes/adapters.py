"""`ScriptedAdapter`: a chat platform that records every call and fails on cue, per destination.

    adapter = ScriptedAdapter("telegram")
    adapter.script("telegram:-100", RateLimited(30), Transient("timeout"))   # the next two calls fail
    ... engine.deliver_due() ...
    adapter.calls  # every send / edit / digest / notify, in order, with the uids and the message text

A scripted outcome is a `DeliveryError` to raise, or `None` for success; `script_uid` scripts the calls about
one item instead. With the scripts empty every call succeeds. Message refs are `m1`, `m2`, ... across the adapter. Set `gate` to an unset `asyncio.Event` to hold
every call until the test sets it (`entered` is set when a call is waiting there); `holds[key]` does that for
one destination.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.adapters.base import RateLimit, SentRef
from bot.adapters.errors import DeliveryError
from bot.alerts import Alert
from bot.formatting.plain import plain_alert, plain_digest
from storage.models import Destination

__all__ = ["Call", "ScriptedAdapter"]

Op = Literal["send", "edit", "digest", "notify"]


@dataclass(frozen=True, slots=True)
class Call:
    """One call the engine made. `ok` is False when the scripted outcome was an error."""

    op: Op
    destination: str
    uids: tuple[str, ...] = ()
    versions: tuple[int, ...] = ()
    plain: bool = False
    ref: str | None = None  # the message edited (edit) or the ref handed back (send, digest)
    text: str = ""
    ok: bool = True
    error: str | None = None


class ScriptedAdapter:
    """A fake platform: no network, scripted failures, a full call log."""

    def __init__(
        self,
        platform: str = "fake",
        *,
        rate_limits: Sequence[RateLimit] = (),
        digest_capacity: int = 10,
    ) -> None:
        self.platform = platform
        self.rate_limits = tuple(rate_limits)
        self.digest_capacity = digest_capacity
        self.calls: list[Call] = []
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        self.holds: dict[str, asyncio.Event] = {}  # destination key -> its calls wait until the event is set
        self.called = asyncio.Event()  # set after every call (tests clear it before waiting)
        self._scripts: dict[str, deque[DeliveryError | None]] = {}
        self._uid_scripts: dict[str, deque[DeliveryError | None]] = {}
        self._refs = 0

    def script(self, destination: str, *outcomes: DeliveryError | None) -> None:
        """Queue outcomes for the next calls to `destination` (a key), in order."""
        self._scripts.setdefault(destination, deque()).extend(outcomes)

    def script_uid(self, uid: str, *outcomes: DeliveryError | None) -> None:
        """Queue outcomes for the next calls about item `uid` (any destination); these come first."""
        self._uid_scripts.setdefault(uid, deque()).extend(outcomes)

    def clear_scripts(self) -> None:
        """Forget every outcome still queued: from now on every call succeeds."""
        self._scripts.clear()
        self._uid_scripts.clear()

    def delivered(self, destination: str) -> list[Call]:
        """The successful send/edit/digest calls for `destination`, in order."""
        return [c for c in self.calls if c.destination == destination and c.ok and c.op != "notify"]

    def delivered_uids(self, destination: str) -> list[str]:
        """Every uid that reached `destination`, in the order the platform got them (digests flattened)."""
        return [uid for call in self.delivered(destination) for uid in call.uids]

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return await self._call("send", destination, [alert], plain, None, plain_alert(alert))

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return await self._call("edit", destination, [alert], plain, ref.message_id, plain_alert(alert))

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        if len(alerts) > self.digest_capacity:
            raise AssertionError(f"digest of {len(alerts)} alerts exceeds capacity {self.digest_capacity}")
        text = plain_digest(alerts, language=destination.language)
        return await self._call("digest", destination, list(alerts), plain, None, text)

    async def notify_admin(self, destination: Destination, text: str) -> None:
        self.calls.append(Call("notify", destination.key, text=text))

    async def _call(
        self,
        op: Op,
        destination: Destination,
        alerts: list[Alert],
        plain: bool,
        edited: str | None,
        text: str,
    ) -> SentRef:
        if self.gate is not None:
            self.entered.set()
            await self.gate.wait()
        if destination.key in self.holds:
            self.entered.set()
            await self.holds[destination.key].wait()
        uids = tuple(a.uid for a in alerts)
        versions = tuple(a.version for a in alerts)
        script = self._uid_scripts.get(uids[0]) or self._scripts.get(destination.key)
        outcome = script.popleft() if script else None
        try:
            if outcome is not None:
                self.calls.append(
                    Call(
                        op,
                        destination.key,
                        uids,
                        versions,
                        plain,
                        edited,
                        text,
                        ok=False,
                        error=repr(outcome),
                    )
                )
                raise outcome
            if op == "edit":
                assert edited is not None
                ref = edited
            else:
                self._refs += 1
                ref = f"m{self._refs}"
            self.calls.append(Call(op, destination.key, uids, versions, plain, ref, text))
            return SentRef(ref)
        finally:
            self.called.set()
