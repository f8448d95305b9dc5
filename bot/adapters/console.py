"""The console as a delivery adapter: plain text on a stream, message refs are counters.

Used by `wirewatch run` without chat platforms and by the demo, so the console goes through the same
outbox, digests and edit policy as the chats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TextIO

from sqlite_utils import Database

from bot.adapters.base import RateLimit, SentRef
from bot.alerts import LOCAL_TZ, Alert
from bot.formatting.plain import plain_alert, plain_digest
from storage.destinations import ensure_destination, get_destination, set_destination_paused
from storage.models import Destination, Language, Subscription
from storage.subscriptions import get_subscription, set_subscription
from storage.transactions import write_scope

__all__ = ["CONSOLE_KEY", "ConsoleAdapter", "ensure_console_subscription", "set_console_active"]

CONSOLE_KEY = "console"


def ensure_console_subscription(db: Database, *, now: datetime, language: Language = "nl") -> Subscription:
    """The console's destination and subscription, created (taking everything) if missing; run on the DB thread.

    An existing console subscription is returned as it is, so filters set on it are kept.
    """
    with write_scope(db):
        ensure_destination(db, CONSOLE_KEY, now=now, language=language, created_by="wirewatch")
        existing = get_subscription(db, CONSOLE_KEY)
        if existing is not None:
            return existing
        return set_subscription(db, CONSOLE_KEY, now=now, mode="all")


def set_console_active(db: Database, active: bool, *, now: datetime) -> None:
    """Switch console alerts on (creating its subscription if missing) or off (pausing it, so that no alert
    waits for a console that is not there); run on the DB thread."""
    with write_scope(db):
        if active:
            ensure_console_subscription(db, now=now)
            set_destination_paused(db, CONSOLE_KEY, False, now=now)
        elif get_destination(db, CONSOLE_KEY) is not None:
            set_destination_paused(db, CONSOLE_KEY, True, now=now)


class ConsoleAdapter:
    """Writes alerts to `stream`; an edit is printed as a new block that names the message it replaces."""

    platform = "console"
    rate_limits: Sequence[RateLimit] = ()
    digest_capacity = 50

    def __init__(self, stream: TextIO, *, color: bool = False, zone: tzinfo = LOCAL_TZ) -> None:
        self.stream = stream
        self.color = color
        self.zone = zone
        self.count = 0

    def _here(self, alert: Alert) -> Alert:
        """The alert with its times in the console's zone, named."""
        return replace(alert, zone=self.zone, show_zone=True)

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return self._write(plain_alert(self._here(alert)))

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        return self._write(f"(replaces #{ref.message_id}) {plain_alert(self._here(alert))}")

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        return self._write(plain_digest([self._here(a) for a in alerts], language=destination.language))

    async def notify_admin(self, destination: Destination, text: str) -> None:
        self.stream.write(f"! {destination.key}: {text}\n")
        self.stream.flush()

    def _write(self, text: str) -> SentRef:
        self.count += 1
        if self.color:
            head, _, rest = text.partition("\n")
            text = f"\033[1m{head}\033[0m" + (f"\n{rest}" if rest else "")
        self.stream.write(f"#{self.count} {text}\n")
        self.stream.flush()
        return SentRef(str(self.count))
