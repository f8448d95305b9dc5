"""PageReader with real threads: a read past its budget is given up on time and left to finish alone, one
read per source at a time, errors reach the poll, and shutdown stops every wait."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.reading import PageReader, ReadOverrun
from parsers.errors import NotHtmlError


async def test_a_read_gives_back_what_the_work_returns_and_its_deadline_is_the_budget_away() -> None:
    reader = PageReader()
    started = time.monotonic()

    deadline = await reader.read("a", 7.0, lambda at: at)

    assert started + 7.0 <= deadline <= time.monotonic() + 7.0
    assert not reader.busy("a")


async def test_an_error_of_the_work_reaches_the_caller() -> None:
    def broken(deadline: float) -> None:
        raise NotHtmlError("not a page")

    with pytest.raises(NotHtmlError, match="not a page"):
        await PageReader().read("a", 1.0, broken)


async def test_a_read_past_its_budget_is_given_up_and_its_source_waits_until_it_ends() -> None:
    reader = PageReader(grace=0.05)
    release = threading.Event()
    threads: list[threading.Thread] = []

    def stuck(deadline: float) -> str:  # a library call that never looks at the deadline
        threads.append(threading.current_thread())
        release.wait(30)
        return "late"

    with pytest.raises(ReadOverrun, match=r"took more than 0\.1s"):
        await reader.read("slow", 0.1, stuck)
    assert reader.busy("slow") and threads[0].daemon  # left to finish alone, never holding up the exit
    with pytest.raises(ReadOverrun, match="still being read"):
        await reader.read("slow", 0.1, lambda deadline: "again")
    assert await reader.read("other", 0.1, lambda deadline: "other source") == "other source"

    release.set()
    threads[0].join(5)
    assert not reader.busy("slow")
    assert await reader.read("slow", 0.1, lambda deadline: "next poll") == "next poll"


async def test_abandon_ends_the_waits_at_once() -> None:
    reader = PageReader()
    release = threading.Event()
    waiting = asyncio.ensure_future(reader.read("slow", 60.0, lambda deadline: release.wait(30)))
    await asyncio.sleep(0.05)

    reader.abandon()

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 5)
    release.set()
