"""Content-Encoding through the real httpx client against a real LocalSite: bodies decoded, and a compressed
body never inflated past the size limit in memory."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import httpx
import pytest

from bot.demo.site import LocalSite
from bot.fetch import BadResponse, TooLarge, fetch

MB = 1024 * 1024
PAGE = b"<html><body><p>DEN HAAG (ANP) - Het kabinet is gevallen.</p></body></html>" * 50


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(PAGE)),
        ("x-gzip", gzip.compress(PAGE)),
        ("GZIP", gzip.compress(PAGE)),
        ("deflate", zlib.compress(PAGE)),
        ("deflate", _raw_deflate(PAGE)),  # what some servers send as deflate
        ("identity", PAGE),
        ("deflate, gzip", gzip.compress(zlib.compress(PAGE))),  # deflated, then gzipped
        ("gzip, identity", gzip.compress(PAGE)),
    ],
)
async def test_encoded_bodies_are_decoded(
    site: LocalSite, client: httpx.AsyncClient, coding: str, body: bytes
) -> None:
    site.set_page("/p", body, headers={"Content-Encoding": coding})

    result = await fetch(client, site.url("/p"))

    assert (result.body, result.status) == (PAGE, 200)
    assert "DEN HAAG (ANP)" in result.text


async def test_a_gzip_bomb_is_refused_without_inflating_it(
    site: LocalSite, client: httpx.AsyncClient
) -> None:
    bomb = gzip.compress(b"\0" * (200 * MB), compresslevel=9)  # about 200 KB on the wire
    site.set_page("/bomb", bomb, headers={"Content-Encoding": "gzip"})

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as caught:
            await fetch(client, site.url("/bomb"), max_bytes=1 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert (caught.value.limit, caught.value.received) == (MB, MB + 1)
    assert "too large" in str(caught.value)
    # httpx inflated each 64 KB read whole: about 140 MB held before the limit was looked at
    assert peak < 8 * MB, f"{peak / MB:.0f} MB held to refuse a 1 MB limit"


async def test_an_encoded_body_at_the_limit_is_fine_and_one_byte_more_is_not(
    site: LocalSite, client: httpx.AsyncClient
) -> None:
    site.set_page("/p", gzip.compress(b"y" * 1000), headers={"Content-Encoding": "gzip"})

    assert len((await fetch(client, site.url("/p"), max_bytes=1000)).body) == 1000
    with pytest.raises(TooLarge):
        await fetch(client, site.url("/p"), max_bytes=999)


async def test_an_encoding_wirewatch_cannot_read_is_named(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", b"\x1b\x00\x00", headers={"Content-Encoding": "br"})

    with pytest.raises(BadResponse, match="unsupported Content-Encoding 'br'"):
        await fetch(client, site.url("/p"))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (gzip.compress(PAGE)[:-20], "truncated"),
        (b"this is not gzip", "does not match"),
        (gzip.compress(PAGE)[:12] + b"garbage" * 10, "does not match"),
    ],
    ids=["truncated", "not gzip", "garbage inside"],
)
async def test_a_body_that_does_not_match_its_encoding_is_a_bad_response(
    site: LocalSite, client: httpx.AsyncClient, body: bytes, reason: str
) -> None:
    site.set_page("/p", body, headers={"Content-Encoding": "gzip"})

    with pytest.raises(BadResponse, match=f"Content-Encoding.*{reason}|{reason}.*Content-Encoding"):
        await fetch(client, site.url("/p"))


async def test_the_client_asks_only_for_the_codings_it_reads(
    site: LocalSite, client: httpx.AsyncClient
) -> None:
    site.set_page("/p", PAGE)

    await fetch(client, site.url("/p"))

    assert site.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


async def test_an_empty_encoded_body_is_an_empty_body(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", b"", headers={"Content-Encoding": "gzip"})

    assert (await fetch(client, site.url("/p"))).body == b""
