"""One polite GET: a conditional request, a bounded streamed body, text decoded, errors from our tree only."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import httpx

from bot.fetch._charset import decode_body
from bot.fetch._errors import (
    BadResponse,
    HttpStatusError,
    InvalidUrl,
    TooLarge,
    _map_httpx_errors,
    safe_url,
)
from bot.fetch._inflate import BadEncoding, Inflater, Overflow

__all__ = [
    "ACCEPT",
    "ACCEPT_ENCODING",
    "DEFAULT_USER_AGENT",
    "PROJECT_URL",
    "FetchResult",
    "fetch",
    "make_client",
]

PROJECT_URL = "https://github.com/wirewatch/wirewatch"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate"  # what `_inflate` reads, whatever decoders httpx finds installed
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TOTAL_TIMEOUT = 60.0
RETRY_AFTER_STATUSES = frozenset({429, 503})

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^"';\s]+)""", re.IGNORECASE)
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f]")


def _own_version() -> str:
    try:
        return version("wirewatch")
    except PackageNotFoundError:
        return "0+unknown"


DEFAULT_USER_AGENT = f"wirewatch/{_own_version()} (+{PROJECT_URL})"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET produced: the final URL, the raw and decoded body, and the validators for next time."""

    url: str
    status: int
    not_modified: bool
    body: bytes = field(repr=False)
    text: str = field(repr=False)
    encoding: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    elapsed: float


def make_client(
    *,
    user_agent: str = DEFAULT_USER_AGENT,
    connect_timeout: float = 5,
    read_timeout: float = 15,
) -> httpx.AsyncClient:
    """An HTTP/1.1 client with our User-Agent and Accept, timeouts, and at most 5 redirects followed."""
    return httpx.AsyncClient(
        headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        http1=True,
        http2=False,
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
) -> FetchResult:
    """GET `url`, conditionally if validators are given; raise only `FetchError` subclasses for what a site does.

    `total_timeout` bounds the whole exchange, so a server trickling bytes cannot hold a poll forever
    (httpx's read timeout applies to each read only). `None` disables it.
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    shown = safe_url(url)
    _check_url(url, shown)
    headers: dict[bytes, bytes] = {}
    if etag:
        headers[b"If-None-Match"] = _header_value(etag)
    if last_modified:
        headers[b"If-Modified-Since"] = _header_value(last_modified)
    started = time.perf_counter()
    with _map_httpx_errors(shown):
        async with asyncio.timeout(total_timeout), client.stream("GET", url, headers=headers) as response:
            return await _read(response, shown, started, etag, last_modified, max_bytes)


async def _read(
    response: httpx.Response,
    shown: str,
    started: float,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
) -> FetchResult:
    status = response.status_code
    content_type = response.headers.get("content-type")
    new_etag = _raw_header(response, b"etag")
    new_last_modified = _raw_header(response, b"last-modified")
    if status == 304:
        return FetchResult(
            url=str(response.url),
            status=status,
            not_modified=True,
            body=b"",
            text="",
            encoding="",
            content_type=content_type,
            etag=new_etag or etag,
            last_modified=new_last_modified or last_modified,
            elapsed=time.perf_counter() - started,
        )
    if 400 <= status <= 599:
        retry_after = response.headers.get("retry-after") if status in RETRY_AFTER_STATUSES else None
        raise HttpStatusError(status, url=shown, retry_after=retry_after)
    if not 200 <= status <= 299:
        raise BadResponse(f"unexpected status {status}", url=shown)
    declared = _declared_length(response)
    if declared is not None and declared > max_bytes:
        raise TooLarge(max_bytes, url=shown, received=0, declared=declared)
    body = await _read_limited(response, max_bytes, shown, declared)
    text, encoding = decode_body(body, _charset(content_type))
    return FetchResult(
        url=str(response.url),
        status=status,
        not_modified=False,
        body=body,
        text=text,
        encoding=encoding,
        content_type=content_type,
        etag=new_etag,
        last_modified=new_last_modified,
        elapsed=time.perf_counter() - started,
    )


async def _read_limited(response: httpx.Response, max_bytes: int, shown: str, declared: int | None) -> bytes:
    """The decoded body, read chunk by chunk and abandoned as soon as it passes `max_bytes`; no more than
    `max_bytes` of it is ever inflated (see `_inflate`)."""
    try:
        inflater = Inflater(response.headers.get("content-encoding"))
        chunks: list[bytes] = []
        received = 0
        async for raw in response.aiter_raw():
            chunk = inflater.feed(raw, max_bytes - received)
            received += len(chunk)
            if received > max_bytes:  # a body sent as it is: the layers of an encoded one stop at the limit
                raise TooLarge(max_bytes, url=shown, received=received, declared=declared)
            chunks.append(chunk)
        chunks.append(inflater.finish(max_bytes - received))
    except BadEncoding as exc:
        raise BadResponse(str(exc), url=shown) from exc
    except Overflow:
        raise TooLarge(max_bytes, url=shown, received=max_bytes + 1, declared=declared) from None
    return b"".join(chunks)


def _check_url(url: str, shown: str) -> None:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidUrl(url=shown) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidUrl(url=shown)


def _header_value(value: str) -> bytes:
    """A validator as bytes for a request header: latin-1 round-trips what `_raw_header` read."""
    value = _UNSAFE_IN_HEADER.sub("", value).strip()
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _raw_header(response: httpx.Response, name: bytes) -> str | None:
    """A header exactly as sent (decoded latin-1, so any byte survives the trip back), or None."""
    for key, value in response.headers.raw:
        if key.lower() == name:
            return value.decode("latin-1").strip() or None
    return None


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1) if match else None
