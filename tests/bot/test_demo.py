"""The demo runs the real pipeline: check what it printed and counted, not just that it ran."""

from __future__ import annotations

import io
import re

from bot.demo import run_demo


async def test_demo_reports_each_change_once() -> None:
    out = io.StringIO()
    summary = await run_demo(stream=out, interval=0.2)
    text = out.getvalue()
    assert summary.seeded == 7
    assert summary.new == 5
    assert summary.updated == 1
    assert summary.failures == 1
    assert summary.unchanged_polls == 2  # the reordered list, and the 304
    assert "poll: 304 Not Modified" in text
    assert summary.delivered == 6
    assert text.count("[NIEUW]") == 5
    assert text.count("[BIJGEWERKT]") == 1
    assert "(replaces #1) [BIJGEWERKT]" in text
    assert "KYIV (ANP/RTR)" in text
    assert "VLISSINGEN: Veerdienst" in text
    assert "HTTP 500" in text
    assert "\033[" not in text
    new_places = [re.findall(r"\b[A-Z]{4,}\b", line)[1] for line in text.splitlines() if "[NIEUW]" in line]
    assert new_places == ["KYIV", "TEHERAN", "VLISSINGEN", "OTTAWA", "TOKIO"]
