"""Why a fetch failed, as one small tree, and the single place where httpx errors are translated.

    FetchError                 base: fetching a URL failed (`.url` is the URL without credentials or query)
    ├── HttpStatusError        the site answered 4xx/5xx (`.status`, `.retryable`, `.retry_after`)
    ├── FetchTimeout           connect, read, write, pool or total time ran out (`.phase`)
    ├── ConnectError           no connection: DNS, refused, TLS, proxy (`.reason`)
    ├── TooLarge               the body is larger than the limit (`.limit`, `.received`, `.declared`)
    ├── BadResponse            not usable HTTP: garbage, broken chunking, dropped mid-way, redirect loop
    └── InvalidUrl             the URL we were asked to fetch is not an http(s) URL (also a ValueError)

Every `str()` is one short line meant for a human, and never contains userinfo, query strings or bytes the
site sent.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

__all__ = [
    "BadResponse",
    "ConnectError",
    "FetchError",
    "FetchTimeout",
    "HttpStatusError",
    "InvalidUrl",
    "TooLarge",
    "safe_url",
]

_MAX_SHOWN_PATH = 80
RETRYABLE_STATUSES = frozenset({408, 429})


def safe_url(url: str | httpx.URL) -> str:
    """`url` fit for logs and messages: scheme, host, port and path only (no userinfo, query or fragment)."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    path = parts.path or "/"
    if len(path) > _MAX_SHOWN_PATH:
        path = path[: _MAX_SHOWN_PATH - 3] + "..."
    return f"{parts.scheme}://{netloc}{path}" if parts.scheme else f"{netloc}{path}"


class FetchError(Exception):
    """Fetching a URL failed."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class HttpStatusError(FetchError):
    """The site answered with a 4xx or 5xx status."""

    def __init__(self, status: int, *, url: str, retry_after: str | None = None) -> None:
        super().__init__(f"HTTP {status} from {url}", url=url)
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """True when trying again later may succeed (5xx, 429 Too Many Requests, 408 Request Timeout)."""
        return self.status >= 500 or self.status in RETRYABLE_STATUSES


class FetchTimeout(FetchError):
    """A connect, read, write, pool or total timeout ran out."""

    def __init__(self, phase: str, *, url: str) -> None:
        super().__init__(f"timed out ({phase}) fetching {url}", url=url)
        self.phase = phase


class ConnectError(FetchError):
    """No connection could be made: DNS, refused, TLS or proxy failure."""

    def __init__(self, reason: str, *, url: str) -> None:
        super().__init__(f"could not connect to {url}: {reason}", url=url)
        self.reason = reason


class TooLarge(FetchError):
    """The body is larger than the limit; it was not read past the limit."""

    def __init__(self, limit: int, *, url: str, received: int, declared: int | None = None) -> None:
        size = f"{declared} bytes declared" if received == 0 and declared is not None else "read stopped"
        super().__init__(f"response from {url} is too large ({size}; limit {limit})", url=url)
        self.limit = limit
        self.received = received
        self.declared = declared


class BadResponse(FetchError):
    """The site sent something that is not usable HTTP."""

    def __init__(self, reason: str, *, url: str) -> None:
        super().__init__(f"bad response from {url}: {reason}", url=url)
        self.reason = reason


class InvalidUrl(FetchError, ValueError):
    """The URL to fetch is not an absolute http(s) URL."""

    def __init__(self, *, url: str) -> None:
        super().__init__(f"not an absolute http(s) URL: {url}", url=url)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and everything it wraps: causes, contexts and exceptions passed as arguments (httpcore does)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(a for a in current.args if isinstance(a, BaseException))


def _connect_reason(exc: BaseException) -> str:
    for inner in _chain(exc):
        if isinstance(inner, ssl.SSLCertVerificationError):
            return "TLS certificate not trusted"
        if isinstance(inner, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(inner, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(inner, ConnectionRefusedError):
            return "connection refused"
        if isinstance(inner, ConnectionResetError):
            return "connection reset"
    return "network error"


def _protocol_reason(exc: httpx.RemoteProtocolError) -> str:
    text = str(exc).lower()
    if "without sending a response" in text:
        return "connection closed before a response"
    if "without sending complete message body" in text:
        return "connection closed in the middle of the body"
    return "malformed HTTP"


@contextmanager
def _map_httpx_errors(url: str) -> Iterator[None]:
    """Re-raise httpx (and timeout) errors as the most specific FetchError; let anything else through."""
    try:
        yield
    except FetchError:
        raise
    except httpx.TooManyRedirects as exc:
        raise BadResponse("too many redirects", url=url) from exc
    except httpx.ConnectTimeout as exc:
        raise FetchTimeout("connect", url=url) from exc
    except httpx.ReadTimeout as exc:
        raise FetchTimeout("read", url=url) from exc
    except httpx.WriteTimeout as exc:
        raise FetchTimeout("write", url=url) from exc
    except httpx.PoolTimeout as exc:
        raise FetchTimeout("pool", url=url) from exc
    except httpx.TimeoutException as exc:
        raise FetchTimeout("unknown", url=url) from exc
    except httpx.ProxyError as exc:
        raise ConnectError("proxy error", url=url) from exc
    except httpx.ConnectError as exc:
        raise ConnectError(_connect_reason(exc), url=url) from exc
    except httpx.RemoteProtocolError as exc:
        raise BadResponse(_protocol_reason(exc), url=url) from exc
    except httpx.ProtocolError as exc:
        raise BadResponse("malformed HTTP", url=url) from exc
    except httpx.DecodingError as exc:
        raise BadResponse("body does not match its Content-Encoding", url=url) from exc
    except httpx.NetworkError as exc:  # ReadError, WriteError, CloseError: the connection broke mid-way
        raise BadResponse(f"connection broken ({_connect_reason(exc)})", url=url) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:  # the start URL was checked: a redirect
        raise BadResponse("redirect to an unusable URL", url=url) from exc
    except TimeoutError as exc:  # asyncio.timeout() around the whole fetch
        raise FetchTimeout("total", url=url) from exc
