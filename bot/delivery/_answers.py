"""What the platform's answer to one message means for its rows: the outcome to record, and what to count.

By the adapter's error type (pure: the clock reading and the backoff come in as arguments):

- success: `sent` (`edited`, `digest`, `not modified`) with the message ref;
- `RateLimited`: back to `pending`, due after `retry_after` (at least `MIN_RETRY_AFTER`); this destination waits;
- `Transient` (and any unexpected exception): back to `pending` with exponential backoff and jitter, until
  `transient_max_age` after the alert was queued, then `expired`;
- `TargetMoved`: the destination is re-keyed and the alert goes again at once (as a new message if it was an
  edit), unless it keeps moving;
- `TargetGone`: `failed`, the destination is disabled with the reason (the worker tells the admin);
- `Rejected`: an edit is retried as a new message, a message in plain form; rejected in plain form, `failed`;
- any other `Permanent`: `failed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.adapters.base import SentRef
from bot.adapters.errors import (
    DeliveryError,
    NotModified,
    Permanent,
    RateLimited,
    Rejected,
    TargetGone,
    TargetMoved,
    Transient,
)
from bot.delivery._plan import Unit
from bot.delivery._settings import DeliverySettings
from bot.delivery._storage import Final, Gone, Moved, Outcome, Retry, Sent
from storage.models import Destination
from storage.outbox import REASON_DIGEST

__all__ = [
    "MAX_MOVES",
    "MIN_RETRY_AFTER",
    "Decision",
    "Tally",
    "decide",
    "gone_notice",
    "keeps_moving",
    "unusable_move",
]

log = logging.getLogger("bot.delivery")

MIN_RETRY_AFTER = 1.0  # a 429 saying "retry after 0" still waits a second
MAX_MOVES = 5  # a destination that keeps moving is given up on

Tally = Literal[
    "sent",
    "edited",
    "digest",
    "not_modified",
    "failed",
    "expired",
    "rate_limited",
    "retried",
    "again",
    "moved",
]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome to record for one unit, and which count of `DeliveryStats` it adds to."""

    outcome: Outcome
    tally: Tally


def decide(
    answer: SentRef | BaseException,
    *,
    destination: Destination,
    unit: Unit,
    now: datetime,
    settings: DeliverySettings,
    platform: str,
    backoff: Callable[[int], float],
) -> Decision:
    """What to record for `unit` after the platform answered `answer` (a ref, or what the adapter raised)."""
    ids = tuple(unit.ids)
    if isinstance(answer, SentRef):
        tally: Tally = "digest" if unit.kind == "digest" else "edited" if unit.kind == "edit" else "sent"
        return Decision(Sent(ids, answer.message_id, _success_reason(unit), now), tally)
    if isinstance(answer, NotModified):
        return Decision(Sent(ids, unit.ref, "not modified", now), "not_modified")
    if not isinstance(answer, DeliveryError):
        log.error("%s adapter raised an unexpected error for %s", platform, destination.key, exc_info=answer)
        answer = Transient(f"{type(answer).__name__}: {answer}")
    error = f"{type(answer).__name__}: {answer}"
    head = unit.rows[0]
    if isinstance(answer, TargetMoved):
        if keeps_moving(destination, unit, answer):
            reason = f"destination keeps moving ({destination.key} -> {answer.new_key})"
            return Decision(Final(ids, "failed", reason, error, now), "failed")
        return Decision(Moved(destination.key, answer.new_key, ids, error, unit.kind == "edit", now), "moved")
    if isinstance(answer, TargetGone):
        return Decision(Gone(destination.key, ids, str(answer), now), "failed")
    if isinstance(answer, Rejected):
        if unit.kind == "edit" and not head.as_new:
            return Decision(Retry(ids, error, now, as_new=True), "again")
        if not any(row.plain for row in unit.rows):
            return Decision(Retry(ids, error, now, plain=True), "again")
        reason = f"rejected by {platform} even in plain form: {answer}"
        return Decision(Final(ids, "failed", reason, error, now), "failed")
    if isinstance(answer, Permanent):
        return Decision(Final(ids, "failed", f"refused by {platform}: {answer}", error, now), "failed")
    # Retryable, or an unknown DeliveryError: try again later, within the max age.
    oldest = min(row.created_at for row in unit.rows)
    age = now - oldest
    max_age = timedelta(seconds=settings.transient_max_age)
    if age >= max_age:
        reason = f"gave up after {head.attempts} attempt(s) over {_duration(age)}: {error}"
        return Decision(Final(ids, "expired", reason, error, now), "expired")
    if isinstance(answer, RateLimited):
        due = now + timedelta(seconds=max(answer.retry_after, MIN_RETRY_AFTER))
        return Decision(Retry(ids, error, due), "rate_limited")
    due = min(now + timedelta(seconds=backoff(head.attempts)), oldest + max_age)
    return Decision(Retry(ids, error, due), "retried")


def keeps_moving(destination: Destination, unit: Unit, answer: TargetMoved) -> bool:
    """A move to the same key, or one move too many for these rows."""
    return answer.new_key == destination.key or unit.rows[0].attempts > MAX_MOVES


def unusable_move(decision: Decision, problem: Exception) -> Decision:
    """The destination said it moved to a key storage refuses (malformed): fail the rows instead."""
    moved = decision.outcome
    assert isinstance(moved, Moved)
    reason = f"destination moved to an unusable key {moved.new_key!r}: {problem}"
    return Decision(Final(moved.ids, "failed", reason, moved.error, moved.at), "failed")


def gone_notice(dest: Destination, reason: str) -> str:
    """What the admin of a destination that is gone is told (in the destination's language)."""
    if dest.language == "en":
        return f"Wirewatch stopped sending alerts to {dest.key}: {reason}. Set it up again to resume."
    return f"Wirewatch stuurt geen berichten meer naar {dest.key}: {reason}. Stel het opnieuw in om verder te gaan."


def _success_reason(unit: Unit) -> str:
    if unit.kind == "digest":
        return REASON_DIGEST
    if unit.kind == "edit":
        return "edited"
    head = unit.rows[0]
    reason = "sent as a new message" if head.kind == "updated" else "sent"
    return f"{reason} (plain form)" if head.plain else reason


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
