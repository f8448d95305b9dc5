"""The outbox: one row per (destination, item version), written in the poll's own transaction.

A row's life:

    pending --claim--> sending --> sent                 (with the platform's message ref)
       ^                  |   \\--> failed | expired   (with the reason)
       |                  |
       +--- retry --------+     (rate limited, transient error, moved chat, plainer form; `next_attempt_at`)
    pending --> dropped | failed  (edit ignored by the destination; destination disabled; superseded)

Every terminal row has a `reason`. Rows are claimed in a short transaction of their own (`claim_rows` marks
them `sending` and commits), the platform is called outside any transaction, and the outcome is recorded in
another (`mark_sent`, `mark_retry`, `mark_final`). A crash in between leaves rows in `sending`;
`recover_interrupted` at start-up puts them back to `pending`, so the one message that was in flight for a
destination may be sent twice, and nothing is lost.

`enqueue_alerts` must run inside the caller's `transaction(db)` together with `apply_poll`, so an item is
never recorded as seen without its alerts. The UNIQUE (destination, source, uid, version) key makes queueing
idempotent. The row keeps a JSON snapshot of the event, so delivery never reads `items` (which get pruned).
"""

from storage.outbox._queue import (
    Enqueued,
    MatchLookup,
    OutboxQueue,
    enqueue_alerts,
    in_flight_count,
    in_flight_destinations,
    outbox_queues,
    pending_count,
    pending_rows,
)
from storage.outbox._rows import (
    FINAL_STATUSES,
    REASON_DIGEST,
    REASON_IGNORED_EDIT,
    event_from_json,
    event_to_json,
)
from storage.outbox._states import (
    claim_pending,
    claim_rows,
    earlier_ref,
    mark_final,
    mark_retry,
    mark_sent,
    mark_sent_each,
    recover_interrupted,
    release_orphans,
    release_rows,
)
from storage.outbox._view import list_outbox, outbox_counts, prune_outbox

__all__ = [
    "FINAL_STATUSES",
    "REASON_DIGEST",
    "REASON_IGNORED_EDIT",
    "Enqueued",
    "MatchLookup",
    "OutboxQueue",
    "claim_pending",
    "claim_rows",
    "earlier_ref",
    "enqueue_alerts",
    "event_from_json",
    "event_to_json",
    "in_flight_count",
    "in_flight_destinations",
    "list_outbox",
    "mark_final",
    "mark_retry",
    "mark_sent",
    "mark_sent_each",
    "outbox_counts",
    "outbox_queues",
    "pending_count",
    "pending_rows",
    "prune_outbox",
    "recover_interrupted",
    "release_orphans",
    "release_rows",
]
