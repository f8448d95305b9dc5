"""A small scriptable HTTP site on 127.0.0.1, for the offline demo and for tests.

    async with LocalSite() as site:
        site.set_page("/nieuws/buitenland", html)
        site.fail_next("/nieuws/buitenland", status=503)
        result = await fetch(client, site.url("/nieuws/buitenland"))

Pages answer conditional requests like a careful server: the ETag is derived from the body, and
`If-None-Match` (or, without it, `If-Modified-Since`) gets a 304. Failures are scripted per path: error
statuses, slow answers, dropped connections. `set_stream` serves a chunked body of any size without holding it,
`set_raw` writes raw bytes (garbage, broken chunking) and closes the connection. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict, deque
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from types import TracebackType

from aiohttp import web
from multidict import CIMultiDict

__all__ = ["LocalSite", "RecordedRequest", "chunks_of", "serve_on_loopback"]

HOST = "127.0.0.1"
STREAM_SLICE = 64 * 1024
_SHUTDOWN_TIMEOUT = 1.0

ChunkSource = Callable[[], AsyncIterable[bytes] | Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the site received."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # case-insensitive


@dataclass(frozen=True, slots=True)
class _Page:
    body: bytes
    status: int
    headers: CIMultiDict[str]
    etag: str | None
    last_modified: datetime | None


@dataclass(frozen=True, slots=True)
class _Stream:
    chunks: ChunkSource
    status: int
    headers: CIMultiDict[str]


@dataclass(frozen=True, slots=True)
class _Raw:
    data: bytes


@dataclass(frozen=True, slots=True)
class _Redirect:
    to: str
    status: int


@dataclass(frozen=True, slots=True)
class _Failure:
    status: int | None
    delay: float
    body: bytes
    drop: bool


_Route = _Page | _Stream | _Raw | _Redirect


async def serve_on_loopback(app: web.Application) -> tuple[web.AppRunner, int]:
    """Start `app` on 127.0.0.1 at a free port; the runner (to `cleanup()`) and the port."""
    runner = web.AppRunner(
        app, access_log=None, handler_cancellation=True, shutdown_timeout=_SHUTDOWN_TIMEOUT
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, 0).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, runner.addresses[0][1]


class LocalSite:
    """An aiohttp site on 127.0.0.1 with a free port; scripted with `set_page`, `fail_next`, `redirect`."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._routes: dict[str, _Route] = {}
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = asyncio.Event()
        self._arrived = asyncio.Condition()

    async def __aenter__(self) -> LocalSite:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self._port = await serve_on_loopback(app)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        self._port = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The port the site listens on (only while it runs)."""
        if self._port is None:
            raise RuntimeError("LocalSite is not running; use `async with LocalSite() as site`")
        return self._port

    def url(self, path: str = "/") -> str:
        """The absolute URL of `path` on this site."""
        return f"http://{HOST}:{self.port}/{path.lstrip('/')}"

    def set_page(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        etag: bool = True,
        last_modified: datetime | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` at `path`; a `str` body is encoded with the charset in `content_type` (else UTF-8)."""
        if isinstance(body, str):
            body = body.encode(_charset_of(content_type) or "utf-8")
        all_headers = CIMultiDict({"Content-Type": content_type})
        all_headers.update(headers or {})
        tag = f'"{hashlib.sha256(body).hexdigest()[:20]}"' if etag else None
        stamp = last_modified.astimezone(UTC).replace(microsecond=0) if last_modified else None
        self._routes[path] = _Page(body, status, all_headers, tag, stamp)

    def set_stream(
        self,
        path: str,
        chunks: ChunkSource,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve a chunked body (no Content-Length) produced anew for each request by `chunks()`."""
        all_headers = CIMultiDict({"Content-Type": content_type})
        all_headers.update(headers or {})
        self._routes[path] = _Stream(chunks, status, all_headers)

    def set_raw(self, path: str, data: bytes) -> None:
        """Answer `path` with `data` written straight to the socket, then close: garbage, broken chunking."""
        self._routes[path] = _Raw(data)

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        """Redirect `path` to `to` (a path on this site or an absolute URL)."""
        self._routes[path] = _Redirect(to, status)

    def fail_next(
        self,
        path: str,
        *,
        status: int | None = None,
        delay: float = 0.0,
        body: bytes = b"",
        drop: bool = False,
        times: int = 1,
    ) -> None:
        """Script the next `times` requests to `path`: wait `delay` s, then drop, answer `status`, or serve normally."""
        self._failures[path].extend([_Failure(status, delay, body, drop)] * times)

    async def wait_for_requests(self, count: int, *, path: str | None = None, timeout: float = 5.0) -> None:
        """Wait until at least `count` requests (to `path`, if given) have arrived; TimeoutError after `timeout`."""

        def enough() -> bool:
            return sum(1 for r in self.requests if path is None or r.path == path) >= count

        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(enough)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(request.method, request.path, request.query_string, request.headers)
        )
        async with self._arrived:
            self._arrived.notify_all()
        queue = self._failures.get(request.path)
        if queue:
            failure = queue.popleft()
            if failure.delay > 0:
                await self._pause(failure.delay)
            if failure.drop:
                return _write_raw_and_close(request, b"")
            if failure.status is not None:
                return web.Response(status=failure.status, body=failure.body)
        route = self._routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if isinstance(route, _Redirect):
            return web.Response(status=route.status, headers={"Location": route.to})
        if isinstance(route, _Raw):
            return _write_raw_and_close(request, route.data)
        if isinstance(route, _Stream):
            return await _stream(request, route)
        return _page_response(request, route)

    async def _pause(self, delay: float) -> None:
        """Sleep `delay` seconds, but wake at once when the site closes."""
        try:
            async with asyncio.timeout(delay):
                await self._closing.wait()
        except TimeoutError:
            pass


def _page_response(request: web.Request, page: _Page) -> web.Response:
    headers = CIMultiDict(page.headers)
    if page.etag is not None:
        headers["ETag"] = page.etag
    if page.last_modified is not None:
        headers["Last-Modified"] = format_datetime(page.last_modified, usegmt=True)
    if page.status == 200 and _not_modified(request, page):
        headers.popall("Content-Type", None)
        return web.Response(status=304, headers=headers)
    return web.Response(status=page.status, body=page.body, headers=headers)


def _not_modified(request: web.Request, page: _Page) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since is used only without it."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if page.etag is None:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or page.etag in wanted
    since = request.headers.get("If-Modified-Since")
    if since is None or page.last_modified is None:
        return False
    try:
        parsed = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return page.last_modified <= parsed


async def _stream(request: web.Request, route: _Stream) -> web.StreamResponse:
    response = web.StreamResponse(status=route.status, headers=route.headers)
    response.enable_chunked_encoding()
    try:
        await response.prepare(request)
        source = route.chunks()
        if isinstance(source, AsyncIterable):
            async for chunk in source:
                await response.write(chunk)
        else:
            for chunk in source:
                await response.write(chunk)
        await response.write_eof()
    except ConnectionResetError:
        pass  # the client stopped reading (as a size-limited fetch should)
    return response


def _write_raw_and_close(request: web.Request, data: bytes) -> web.Response:
    transport = request.transport
    if transport is not None and not transport.is_closing():
        if data:
            transport.write(data)
        transport.close()
    return web.Response()  # never sent: the connection is gone


def _charset_of(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def chunks_of(data: bytes, size: int = STREAM_SLICE) -> Iterable[bytes]:
    """`data` in slices of `size` bytes, for `set_stream(path, lambda: chunks_of(data))`."""
    return (data[i : i + size] for i in range(0, len(data), size))
