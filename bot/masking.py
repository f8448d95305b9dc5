"""Secrets inside URLs: a password in `user:password@`, a token or key in the query string.

`mask_url` keeps what identifies a source (scheme, host, path, the user name, harmless query values) and replaces
the secrets with `***`; `mask_urls` does it to every URL in a text. Output, logs and the database only ever hold
masked URLs; the config file keeps the real one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["MASK", "mask_url", "mask_urls"]

MASK = "***"
_SECRET_KEY = re.compile(
    r"(?i)(token|secret|passw|pwd|pass$|key|auth|sig|session|credential|bearer|^code$|^ticket$|private)"
)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)
_TRAILING = ".,:;!?)]}"
_WEBHOOK_PATH = re.compile(r"(/webhooks/\d+/)[^/?#]+")


def mask_url(url: str) -> str:
    """`url` with its password and secret-looking query values replaced by `***`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return url
    if not parts.netloc:
        return url
    netloc = parts.netloc
    if parts.username is not None or parts.password is not None:
        user = parts.username or ""
        hostport = netloc.rpartition("@")[2]
        netloc = f"{user}:{MASK}@{hostport}" if parts.password is not None else f"{user}@{hostport}"
        if parts.password is None and host is None and port is None:
            netloc = hostport
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_SECRET_KEY.search(key) for key, _ in pairs):
            query = urlencode([(k, MASK if _SECRET_KEY.search(k) else v) for k, v in pairs], safe="*")
    path = _WEBHOOK_PATH.sub(rf"\g<1>{MASK}", parts.path)
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))


def mask_urls(text: str) -> str:
    """`text` with every URL in it masked."""
    return _URL.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    url = match.group(0)
    stripped = url.rstrip(_TRAILING)
    return mask_url(stripped) + url[len(stripped) :]
