"""bot.fetch through the real httpx client against a real LocalSite on 127.0.0.1."""

from __future__ import annotations

import asyncio
import codecs
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib.metadata import version

import httpcore
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.backoff import retry_after_seconds
from bot.demo.site import LocalSite
from bot.fetch import (
    DEFAULT_USER_AGENT,
    BadResponse,
    ConnectError,
    FetchError,
    FetchTimeout,
    HttpStatusError,
    InvalidUrl,
    TooLarge,
    decode_body,
    fetch,
    make_client,
)
from bot.fetch._errors import _map_httpx_errors

MB = 1024 * 1024
# Valid UTF-8 for "café": only a declared single-byte charset turns these bytes into "cafÃ©".
CAFE_UTF8_BYTES = b"caf\xc3\xa9"


# -- conditional requests -----------------------------------------------------------------------------------


async def test_etag_then_304_keeps_validators(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/news", "<p>Eerste bericht</p>")

    first = await fetch(client, site.url("/news"))
    second = await fetch(client, site.url("/news"), etag=first.etag)

    assert (first.status, first.not_modified, first.text) == (200, False, "<p>Eerste bericht</p>")
    assert first.etag and first.etag.startswith('"')
    assert (second.status, second.not_modified, second.body, second.etag) == (304, True, b"", first.etag)
    assert site.requests[1].headers["If-None-Match"] == first.etag
    assert "If-None-Match" not in site.requests[0].headers


async def test_changed_page_gets_200_and_a_new_etag(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/news", "<p>one</p>")
    first = await fetch(client, site.url("/news"))
    site.set_page("/news", "<p>two</p>")

    second = await fetch(client, site.url("/news"), etag=first.etag)

    assert (second.status, second.not_modified, second.text) == (200, False, "<p>two</p>")
    assert second.etag not in (None, first.etag)


async def test_last_modified_only(site: LocalSite, client: httpx.AsyncClient) -> None:
    stamp = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    site.set_page("/feed", "<rss/>", etag=False, last_modified=stamp)

    first = await fetch(client, site.url("/feed"))
    second = await fetch(client, site.url("/feed"), last_modified=first.last_modified)
    site.set_page("/feed", "<rss>new</rss>", etag=False, last_modified=stamp + timedelta(minutes=5))
    third = await fetch(client, site.url("/feed"), last_modified=first.last_modified)

    assert first.etag is None
    assert first.last_modified == format_datetime(stamp, usegmt=True)
    assert site.requests[1].headers["If-Modified-Since"] == first.last_modified
    assert (second.not_modified, second.last_modified) == (True, first.last_modified)
    assert (third.not_modified, third.text) == (False, "<rss>new</rss>")
    assert third.last_modified == format_datetime(stamp + timedelta(minutes=5), usegmt=True)


async def test_non_ascii_validator_is_sent_not_crashed_on(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", "x")

    result = await fetch(client, site.url("/p"), etag='"café"\r\n')

    assert result.status == 200
    assert site.requests[0].headers["If-None-Match"].startswith('"caf')


# -- redirects ------------------------------------------------------------------------------------------------


async def test_redirect_chain_reports_final_url(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.redirect("/old", "/moved", status=301)
    site.redirect("/moved", site.url("/new"), status=302)
    site.set_page("/new", "<p>here</p>")

    result = await fetch(client, site.url("/old"))

    assert result.url == site.url("/new")
    assert result.text == "<p>here</p>"
    assert [r.path for r in site.requests] == ["/old", "/moved", "/new"]


async def test_redirect_loop_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a", status=302)

    with pytest.raises(BadResponse, match="too many redirects"):
        await fetch(client, site.url("/a"))
    assert len(site.requests) == 6  # the first request and 5 redirects followed


async def test_redirect_to_other_scheme_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.redirect("/a", "ftp://files.example/news")

    with pytest.raises(BadResponse, match="unusable URL"):
        await fetch(client, site.url("/a"))


async def test_3xx_without_location_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/choices", "pick one", status=300)

    with pytest.raises(BadResponse, match="unexpected status 300"):
        await fetch(client, site.url("/choices"))


# -- status errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (500, True),
        (503, True),
        (502, True),
        (429, True),
        (408, True),
        (404, False),
        (403, False),
        (410, False),
    ],
)
async def test_error_status(site: LocalSite, client: httpx.AsyncClient, status: int, retryable: bool) -> None:
    site.set_page("/p", "<p>ok</p>")
    site.fail_next("/p", status=status, body=b"oops")

    with pytest.raises(HttpStatusError) as caught:
        await fetch(client, site.url("/p"))
    after = await fetch(client, site.url("/p"))

    assert (caught.value.status, caught.value.retryable) == (status, retryable)
    assert str(caught.value) == f"HTTP {status} from {site.url('/p')}"
    assert after.text == "<p>ok</p>"  # fail_next fails once only


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_carried(site: LocalSite, client: httpx.AsyncClient, status: int) -> None:
    site.set_page("/p", "slow down", status=status, headers={"Retry-After": "120"})

    with pytest.raises(HttpStatusError) as caught:
        await fetch(client, site.url("/p"))

    assert caught.value.retry_after == "120"
    assert retry_after_seconds(caught.value.retry_after, datetime(2026, 1, 1, tzinfo=UTC)) == 120.0


async def test_retry_after_ignored_on_other_statuses(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", "gone", status=404, headers={"Retry-After": "120"})

    with pytest.raises(HttpStatusError) as caught:
        await fetch(client, site.url("/p"))

    assert caught.value.retry_after is None


# -- timeouts and broken connections --------------------------------------------------------------------------


async def test_read_timeout(site: LocalSite) -> None:
    site.set_page("/slow", "late")
    site.fail_next("/slow", delay=10)

    async with make_client(connect_timeout=2, read_timeout=0.3) as impatient:
        with pytest.raises(FetchTimeout) as caught:
            await fetch(impatient, site.url("/slow"))

    assert caught.value.phase == "read"


async def test_total_timeout_stops_a_trickling_server(site: LocalSite, client: httpx.AsyncClient) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        while True:
            yield b"<p>"
            await asyncio.sleep(0.02)  # server side: each read is quick, the whole never ends

    site.set_stream("/trickle", trickle)

    with pytest.raises(FetchTimeout) as caught:
        await fetch(client, site.url("/trickle"), total_timeout=0.3)

    assert caught.value.phase == "total"


async def test_connection_refused() -> None:
    async with LocalSite() as closed_soon:
        url = closed_soon.url("/p")

    async with make_client(connect_timeout=2, read_timeout=2) as fresh:
        with pytest.raises(ConnectError) as caught:
            await fetch(fresh, url)

    assert caught.value.reason == "connection refused"


async def test_dropped_connection_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", "fine")
    site.fail_next("/p", drop=True)

    with pytest.raises(BadResponse, match="closed before a response"):
        await fetch(client, site.url("/p"))
    assert (await fetch(client, site.url("/p"))).text == "fine"


async def test_garbage_is_bad_response_without_echoing_it(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_raw("/p", b"\x00\xffSECRET-GARBAGE\r\n\r\n")

    with pytest.raises(BadResponse) as caught:
        await fetch(client, site.url("/p"))

    assert caught.value.reason == "malformed HTTP"
    assert "SECRET" not in str(caught.value)


async def test_broken_chunking_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_raw("/p", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly-part")

    with pytest.raises(BadResponse, match="middle of the body"):
        await fetch(client, site.url("/p"))


async def test_bad_gzip_is_bad_response(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", b"this is not gzip", headers={"Content-Encoding": "gzip"})

    with pytest.raises(BadResponse, match="Content-Encoding"):
        await fetch(client, site.url("/p"))


# -- size limits ----------------------------------------------------------------------------------------------


async def test_streamed_body_stops_at_max_bytes(site: LocalSite, client: httpx.AsyncClient) -> None:
    slice_ = b"x" * (64 * 1024)
    site.set_stream("/huge", lambda: (slice_ for _ in range(20 * MB // len(slice_))))

    with pytest.raises(TooLarge) as caught:
        await fetch(client, site.url("/huge"), max_bytes=5 * MB)

    assert (caught.value.limit, caught.value.declared) == (5 * MB, None)
    # Reading stopped at the first chunk past the limit, far from the 20 MB on offer.
    assert 5 * MB < caught.value.received <= 5 * MB + 64 * 1024


async def test_declared_length_over_limit_refused_before_reading(
    site: LocalSite, client: httpx.AsyncClient
) -> None:
    site.set_page("/huge", b"x" * (20 * MB), content_type="application/octet-stream")

    with pytest.raises(TooLarge) as caught:
        await fetch(client, site.url("/huge"), max_bytes=5 * MB)

    assert (caught.value.declared, caught.value.received) == (20 * MB, 0)


async def test_body_exactly_at_limit_is_fine(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", b"y" * 1000, content_type="text/plain")
    site.set_stream("/s", lambda: [b"y" * 500, b"y" * 500], content_type="text/plain")

    assert len((await fetch(client, site.url("/p"), max_bytes=1000)).body) == 1000
    assert len((await fetch(client, site.url("/s"), max_bytes=1000)).body) == 1000
    with pytest.raises(TooLarge):
        await fetch(client, site.url("/s"), max_bytes=999)


# -- charsets -------------------------------------------------------------------------------------------------

MIXED = "Genève – “aanhalingstekens” kost €5"


@pytest.mark.parametrize(
    ("body", "content_type", "expected_text", "expected_encoding"),
    [
        pytest.param(
            b"<p>" + CAFE_UTF8_BYTES + b"</p>",
            "text/html; charset=ISO-8859-1",
            "<p>cafÃ©</p>",
            "cp1252",  # WHATWG: the iso-8859-1 label means windows-1252
            id="header-latin-1",
        ),
        pytest.param(
            b'<html><head><meta charset="windows-1252"></head><p>' + CAFE_UTF8_BYTES,
            "text/html",
            '<html><head><meta charset="windows-1252"></head><p>cafÃ©',
            "cp1252",
            id="meta-charset-windows-1252",
        ),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>'
            + CAFE_UTF8_BYTES,
            "text/html",
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>cafÃ©',
            "cp1252",
            id="meta-http-equiv",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>' + CAFE_UTF8_BYTES + b"</title></rss>",
            "application/rss+xml",
            '<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>cafÃ©</title></rss>',
            "cp1252",
            id="xml-declaration-iso-8859-1",
        ),
        pytest.param(
            '<?xml version="1.0" encoding="iso-8859-7"?><title>Αθήνα</title>'.encode("iso-8859-7"),
            "application/xml",
            '<?xml version="1.0" encoding="iso-8859-7"?><title>Αθήνα</title>',
            "iso8859-7",
            id="xml-declaration-greek",
        ),
        pytest.param(
            b'<meta charset="windows-1252"><p>' + CAFE_UTF8_BYTES,
            "text/html; charset=utf-8",
            '<meta charset="windows-1252"><p>café',
            "utf-8",
            id="header-beats-meta",
        ),
        pytest.param(
            codecs.BOM_UTF8 + "<p>Genève</p>".encode(),
            "text/html",
            "<p>Genève</p>",
            "utf-8",
            id="bom-utf-8-stripped",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + "<p>Genève</p>".encode("utf-16-le"),
            "text/html",
            "<p>Genève</p>",
            "utf-16-le",
            id="bom-utf-16-le",
        ),
        pytest.param(
            codecs.BOM_UTF8 + b"<p>" + CAFE_UTF8_BYTES,
            "text/html; charset=iso-8859-1",
            "<p>café",
            "utf-8",
            id="bom-beats-header",
        ),
        pytest.param(MIXED.encode(), "text/html", MIXED, "utf-8", id="undeclared-utf-8"),
        pytest.param(MIXED.encode("cp1252"), "text/html", MIXED, "cp1252", id="undeclared-cp1252"),
        pytest.param(
            MIXED.encode(), "text/html; charset=x-klingon", MIXED, "utf-8", id="unknown-label-ignored"
        ),
        pytest.param(MIXED.encode(), "text/html; charset=rot13", MIXED, "utf-8", id="non-web-codec-ignored"),
    ],
)
async def test_charset_detection(
    site: LocalSite,
    client: httpx.AsyncClient,
    body: bytes,
    content_type: str,
    expected_text: str,
    expected_encoding: str,
) -> None:
    site.set_page("/p", body, content_type=content_type)

    result = await fetch(client, site.url("/p"))

    assert result.text == expected_text
    assert result.encoding == expected_encoding
    assert result.body == body  # the raw bytes are kept for feed parsers
    assert result.content_type == content_type


@given(body=st.binary(max_size=300), label=st.none() | st.text(max_size=20))
def test_decode_body_never_raises(body: bytes, label: str | None) -> None:
    text, encoding = decode_body(body, label)
    assert isinstance(text, str)
    assert encoding


# -- client identity ------------------------------------------------------------------------------------------


async def test_user_agent_and_accept_reach_the_server(site: LocalSite, client: httpx.AsyncClient) -> None:
    site.set_page("/p", "x")

    await fetch(client, site.url("/p"))

    headers = site.requests[0].headers
    assert headers["User-Agent"] == DEFAULT_USER_AGENT
    assert f"wirewatch/{version('wirewatch')}" in headers["User-Agent"]
    assert "https://github.com/wirewatch/wirewatch" in headers["User-Agent"]
    assert "text/html" in headers["Accept"] and "application/rss+xml" in headers["Accept"]


async def test_custom_user_agent(site: LocalSite) -> None:
    site.set_page("/p", "x")

    async with make_client(user_agent="wirewatch-test/1 (+mailto:ops@example.org)") as custom:
        await fetch(custom, site.url("/p"))

    assert site.requests[0].headers["User-Agent"] == "wirewatch-test/1 (+mailto:ops@example.org)"


# -- messages and bad input -----------------------------------------------------------------------------------


async def test_error_message_hides_credentials_and_query(site: LocalSite, client: httpx.AsyncClient) -> None:
    url = site.url("/missing").replace("http://", "http://user:hunter2@") + "?token=abc123"

    with pytest.raises(HttpStatusError) as caught:
        await fetch(client, url)

    message = str(caught.value)
    assert "hunter2" not in message and "abc123" not in message and "user" not in message
    assert message == f"HTTP 404 from {site.url('/missing')}"
    assert caught.value.url == site.url("/missing")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "example.org/news", "http://", "mailto:x@example.org"]
)
async def test_invalid_url_is_rejected(client: httpx.AsyncClient, url: str) -> None:
    with pytest.raises(InvalidUrl) as caught:
        await fetch(client, url)
    assert isinstance(caught.value, ValueError)


# -- the one translation boundary -----------------------------------------------------------------------------


def _connect_error(inner: BaseException) -> httpx.ConnectError:
    """Shaped like a real one: httpx wraps httpcore, which wraps an OSError caused by the real failure."""
    oserror = OSError("All connection attempts failed")
    oserror.__cause__ = inner
    core = httpcore.ConnectError(oserror)
    outer = httpx.ConnectError(str(core))
    outer.__cause__ = core
    return outer


MAPPING: list[tuple[str, Callable[[], BaseException], type[FetchError], str, str]] = [
    ("connect-timeout", lambda: httpx.ConnectTimeout("t"), FetchTimeout, "phase", "connect"),
    ("read-timeout", lambda: httpx.ReadTimeout("t"), FetchTimeout, "phase", "read"),
    ("write-timeout", lambda: httpx.WriteTimeout("t"), FetchTimeout, "phase", "write"),
    ("pool-timeout", lambda: httpx.PoolTimeout("t"), FetchTimeout, "phase", "pool"),
    ("total-timeout", TimeoutError, FetchTimeout, "phase", "total"),
    ("dns", lambda: _connect_error(socket.gaierror(-2, "Name or service not known")), ConnectError, "reason",
     "DNS lookup failed"),
    ("refused", lambda: _connect_error(ConnectionRefusedError(111, "refused")), ConnectError, "reason",
     "connection refused"),
    ("tls-verify", lambda: _connect_error(ssl.SSLCertVerificationError("bad cert")), ConnectError, "reason",
     "TLS certificate not trusted"),
    ("tls", lambda: _connect_error(ssl.SSLError("handshake")), ConnectError, "reason", "TLS handshake failed"),
    ("proxy", lambda: httpx.ProxyError("p"), ConnectError, "reason", "proxy error"),
    ("garbage", lambda: httpx.RemoteProtocolError("illegal status line: b'secret'"), BadResponse, "reason",
     "malformed HTTP"),
    ("local-protocol", lambda: httpx.LocalProtocolError("x"), BadResponse, "reason", "malformed HTTP"),
    ("decoding", lambda: httpx.DecodingError("zlib"), BadResponse, "reason",
     "body does not match its Content-Encoding"),
    ("reset-mid-body", lambda: httpx.ReadError("reset"), BadResponse, "reason", "connection broken (network error)"),
    ("redirects", lambda: httpx.TooManyRedirects("loop"), BadResponse, "reason", "too many redirects"),
    ("bad-location", lambda: httpx.InvalidURL("x"), BadResponse, "reason", "redirect to an unusable URL"),
    ("bad-scheme", lambda: httpx.UnsupportedProtocol("ftp"), BadResponse, "reason", "redirect to an unusable URL"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "expected", "attribute", "value"), [m[1:] for m in MAPPING], ids=[m[0] for m in MAPPING]
)
def test_httpx_errors_map_to_our_tree(
    make: Callable[[], BaseException], expected: type[FetchError], attribute: str, value: str
) -> None:
    raised = make()

    with pytest.raises(expected) as caught, _map_httpx_errors("https://example.org/p"):
        raise raised

    assert type(caught.value) is expected
    assert getattr(caught.value, attribute) == value
    assert caught.value.__cause__ is raised
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("unrelated", [KeyError("k"), RuntimeError("bug")])
def test_unknown_errors_pass_through(unrelated: Exception) -> None:
    with pytest.raises(type(unrelated)) as caught, _map_httpx_errors("https://example.org/p"):
        raise unrelated
    assert caught.value is unrelated
