"""Fetching sources over HTTP: one polite conditional GET, a bounded body, charset-aware text, typed errors.

    async with make_client() as client:
        result = await fetch(client, url, etag=previous.etag, last_modified=previous.last_modified)
        if not result.not_modified:
            parse(result.text)  # or result.body for feeds

The error tree is drawn in `bot.fetch._errors`.
"""

from bot.fetch._charset import decode_body
from bot.fetch._client import DEFAULT_USER_AGENT, PROJECT_URL, FetchResult, fetch, make_client
from bot.fetch._errors import (
    BadResponse,
    ConnectError,
    FetchError,
    FetchTimeout,
    HttpStatusError,
    InvalidUrl,
    TooLarge,
    safe_url,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "PROJECT_URL",
    "BadResponse",
    "ConnectError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "HttpStatusError",
    "InvalidUrl",
    "TooLarge",
    "decode_body",
    "fetch",
    "make_client",
    "safe_url",
]
