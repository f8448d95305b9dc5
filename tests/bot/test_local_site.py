"""LocalSite as a server, checked with a plain httpx client that follows nothing and retries nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from bot.demo.site import LocalSite, RecordedRequest, chunks_of

STAMP = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2, follow_redirects=False) as client:
        yield client


async def test_serves_a_page_on_loopback(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/nieuws", "<p>hallo</p>")

    response = await http.get(site.url("/nieuws"))

    assert site.url("nieuws") == f"http://127.0.0.1:{site.port}/nieuws"
    assert site.port > 0
    assert (response.status_code, response.text) == (200, "<p>hallo</p>")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


async def test_unknown_path_is_404(site: LocalSite, http: httpx.AsyncClient) -> None:
    assert (await http.get(site.url("/nope"))).status_code == 404


async def test_str_body_is_encoded_with_the_declared_charset(
    site: LocalSite, http: httpx.AsyncClient
) -> None:
    site.set_page("/p", "Genève", content_type="text/html; charset=iso-8859-1")

    assert (await http.get(site.url("/p"))).content == b"Gen\xe8ve"


async def test_etag_follows_the_body(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "one")
    one = (await http.get(site.url("/p"))).headers["ETag"]
    site.set_page("/p", "one")
    same = (await http.get(site.url("/p"))).headers["ETag"]
    site.set_page("/p", "two")
    two = (await http.get(site.url("/p"))).headers["ETag"]

    assert one == same
    assert two != one


@pytest.mark.parametrize(
    ("if_none_match", "expected"),
    [("{current}", 304), ("W/{current}", 304), ('"other", {current}', 304), ("*", 304), ('"stale"', 200)],
)
async def test_if_none_match(
    site: LocalSite, http: httpx.AsyncClient, if_none_match: str, expected: int
) -> None:
    site.set_page("/p", "body")
    current = (await http.get(site.url("/p"))).headers["ETag"]

    response = await http.get(
        site.url("/p"), headers={"If-None-Match": if_none_match.format(current=current)}
    )

    assert response.status_code == expected
    assert response.headers["ETag"] == current
    assert response.content == (b"" if expected == 304 else b"body")


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (format_datetime(STAMP, usegmt=True), 304),
        (format_datetime(STAMP + timedelta(hours=1), usegmt=True), 304),
        (format_datetime(STAMP - timedelta(seconds=1), usegmt=True), 200),
        ("not a date", 200),
    ],
)
async def test_if_modified_since(site: LocalSite, http: httpx.AsyncClient, since: str, expected: int) -> None:
    site.set_page("/p", "body", etag=False, last_modified=STAMP)

    response = await http.get(site.url("/p"), headers={"If-Modified-Since": since})

    assert response.status_code == expected
    assert response.headers["Last-Modified"] == "Fri, 27 Nov 2026 09:30:00 GMT"
    assert "ETag" not in response.headers


async def test_if_none_match_wins_over_if_modified_since(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "body", last_modified=STAMP)

    response = await http.get(
        site.url("/p"),
        headers={"If-None-Match": '"stale"', "If-Modified-Since": format_datetime(STAMP, usegmt=True)},
    )

    assert response.status_code == 200


async def test_status_and_extra_headers(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "busy", status=503, headers={"Retry-After": "30"})

    response = await http.get(site.url("/p"), headers={"If-None-Match": "*"})

    assert (response.status_code, response.headers["Retry-After"], response.text) == (503, "30", "busy")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_redirect(site: LocalSite, http: httpx.AsyncClient, status: int) -> None:
    site.redirect("/old", "/new", status=status)

    response = await http.get(site.url("/old"))

    assert (response.status_code, response.headers["Location"]) == (status, "/new")


async def test_fail_next_then_normal(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "fine")
    site.fail_next("/p", status=500, body=b"boom", times=2)
    site.fail_next("/p", status=429)

    statuses = [(await http.get(site.url("/p"))).status_code for _ in range(4)]

    assert statuses == [500, 500, 429, 200]


async def test_fail_next_drop_closes_without_answer(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "fine")
    site.fail_next("/p", drop=True)

    with pytest.raises(httpx.RemoteProtocolError):
        await http.get(site.url("/p"))
    assert (await http.get(site.url("/p"))).text == "fine"


async def test_closing_wakes_delayed_handlers() -> None:
    async with httpx.AsyncClient(timeout=30) as patient:
        async with LocalSite() as site:
            site.set_page("/slow", "late")
            site.fail_next("/slow", delay=60)
            pending = asyncio.create_task(patient.get(site.url("/slow")))
            await site.wait_for_requests(1, path="/slow")
        # Closing cut the 60 s delay short: the handler served the page before the server went away.
        async with asyncio.timeout(5):
            response = await pending
    assert (response.status_code, response.text) == (200, "late")


async def test_stream_is_chunked_and_complete(site: LocalSite, http: httpx.AsyncClient) -> None:
    data = bytes(range(256)) * 1000
    site.set_stream("/s", lambda: chunks_of(data, 4096), content_type="application/octet-stream")

    async def generated() -> AsyncIterator[bytes]:
        for part in (b"<rss>", b"</rss>"):
            yield part

    site.set_stream("/a", generated, content_type="application/rss+xml")

    plain = await http.get(site.url("/s"))
    asynchronous = await http.get(site.url("/a"))

    assert plain.content == data
    assert plain.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in plain.headers
    assert asynchronous.content == b"<rss></rss>"


async def test_raw_bytes_are_written_verbatim(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_raw("/r", b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 5\r\n\r\nshort")

    response = await http.get(site.url("/r"))

    assert (response.status_code, response.content) == (418, b"short")


async def test_big_page_is_served_whole(site: LocalSite, http: httpx.AsyncClient) -> None:
    big = b"z" * (20 * 1024 * 1024)
    site.set_page("/big", big, content_type="application/octet-stream")

    response = await http.get(site.url("/big"))

    assert int(response.headers["Content-Length"]) == len(big)
    assert response.content == big


async def test_requests_are_recorded(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "x")

    await http.get(site.url("/p?page=2"), headers={"If-None-Match": '"abc"'})
    await http.head(site.url("/p"))

    first, second = site.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.query) == ("GET", "/p", "page=2")
    assert first.headers["if-none-match"] == '"abc"'  # case-insensitive
    assert (second.method, second.path) == ("HEAD", "/p")


async def test_wait_for_requests(site: LocalSite, http: httpx.AsyncClient) -> None:
    site.set_page("/p", "x")
    task = asyncio.create_task(http.get(site.url("/p")))

    await site.wait_for_requests(1, path="/p")
    await task
    with pytest.raises(TimeoutError):
        await site.wait_for_requests(2, path="/p", timeout=0.05)

    assert [r.path for r in site.requests] == ["/p"]


async def test_closed_site_refuses_connections() -> None:
    async with LocalSite() as site:
        url = site.url("/")

    with pytest.raises(RuntimeError, match="not running"):
        site.url("/")
    async with httpx.AsyncClient(timeout=2) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(url)
