"""Fixtures shared by the tests of `bot/`: the local news site, and wirewatch's own HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.demo.site import LocalSite
from bot.fetch import make_client


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    """A `LocalSite` on 127.0.0.1 for the test's pages."""
    async with LocalSite() as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """wirewatch's fetching client, with short timeouts."""
    async with make_client(connect_timeout=2, read_timeout=2) as made:
        yield made
