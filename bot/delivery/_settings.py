"""`DeliverySettings`: the knobs of the delivery engine (`[delivery]` in config.toml), declared once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from bot.settings import Setting, SettingError, table

__all__ = ["DeliverySettings"]


def _cap_above_base(settings: DeliverySettings, context: Mapping[str, Any]) -> DeliverySettings:
    if settings.backoff_cap < settings.backoff_base:
        raise SettingError(
            f"must not be below backoff_base ({settings.backoff_base:g}), got {settings.backoff_cap:g}",
            at=("backoff_cap",),
        )
    return settings


@table
@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """[delivery]: how the outbox is drained. Durations are in seconds."""

    digest_threshold: Annotated[
        int,
        Setting(
            "When more than this many alerts wait for one chat, they go out as one digest "
            '("12 more items: ...") instead of one message each.',
            ge=1,
        ),
    ] = 5
    max_alert_age: Annotated[
        float,
        Setting(
            "Items first seen more than this long after they were published, or alerts that waited this long "
            "(after downtime), are listed in a digest instead of alerted one by one.",
            gt=0,
        ),
    ] = 2 * 3600.0
    transient_max_age: Annotated[
        float,
        Setting(
            "How long an alert is retried after timeouts, server errors and rate limits before it is given up "
            "(expired).",
            gt=0,
        ),
    ] = 6 * 3600.0
    backoff_base: Annotated[
        float,
        Setting(
            "After the n-th transient failure the next try waits between half and all of "
            "min(backoff_cap, backoff_base * 2^(n-1)) seconds.",
            gt=0,
        ),
    ] = 10.0
    backoff_cap: Annotated[
        float, Setting("The longest wait between tries (at least backoff_base).", gt=0)
    ] = 1800.0
    max_concurrency: Annotated[
        int, Setting("How many chats of one platform are served at the same time.", ge=1)
    ] = 8
    idle_wait: Annotated[
        float,
        Setting(
            "The longest a delivery worker sleeps before checking the outbox again (alerts queued by another "
            "process, e.g. `wirewatch poll --once`, are picked up within this).",
            gt=0,
        ),
    ] = 30.0


# Checked as a whole after each field (a table-level rule); `bot.config` validates `[delivery]` with it.
DELIVERY_TABLE = Annotated[DeliverySettings, Setting("How alerts are delivered.", check=_cap_above_base)]
