"""The console names the time zone of every time, and shows times in the zone it is configured for."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.alerts import alert_from_event
from bot.config import ConfigError, parse_settings
from storage.models import Destination, ItemEvent
from tests.factories import build_item

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CONSOLE = Destination(id=1, key="console", platform="console", chat_id="")


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe/Amsterdam", "13:00 CET"), ("UTC", "12:00 UTC"), ("America/New_York", "07:00 EST")],
)
async def test_console_times_are_in_its_zone_and_say_so(zone: str, shown: str) -> None:
    item = build_item("KYIV (ANP) - Raketten op de hoofdstad.", place="KYIV", published_at=NOON)
    out = io.StringIO()
    adapter = ConsoleAdapter(out, zone=ZoneInfo(zone))
    await adapter.send(CONSOLE, alert_from_event(ItemEvent("new", "anp", item, 1), seen_at=NOON))
    assert shown in out.getvalue()


def test_the_console_timezone_is_checked() -> None:
    assert parse_settings({"console": {"timezone": "UTC"}}, tokens={}, path=None).console.zone == ZoneInfo(
        "UTC"
    )
    with pytest.raises(
        ConfigError,
        match=re.escape('console.timezone: expected an IANA time zone such as "Europe/Amsterdam"'),
    ):
        parse_settings({"console": {"timezone": "Mars/Olympus"}}, tokens={}, path=None)
