"""A body's Content-Encoding undone under a size limit: a small compressed body never grows past it in memory.

httpx inflates each chunk read from the socket whole, so 200 KB of gzipped zeros made 140 MB before the size
check saw the first chunk. Here every inflating step is capped at the room left under the limit
(`zlib`'s `max_length`), so the limit holds for what is held in memory, not only for what is kept.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

__all__ = ["BadEncoding", "Inflater", "Overflow"]

_GZIP = zlib.MAX_WBITS | 16
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS


class BadEncoding(Exception):
    """The body does not match its Content-Encoding, or names one wirewatch does not read."""


class Overflow(Exception):
    """The decoded body would pass the limit."""


class _Layer:
    """One zlib-based coding: gzip, or deflate (zlib-wrapped as the RFC says, or raw as some servers send)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflate = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """The bytes `data` inflates to; `Overflow` when that is more than `room`."""
        try:
            out = self._inflate.decompress(data, room + 1)
        except zlib.error:
            if self._wbits != _ZLIB or self._started:
                raise
            self._wbits, self._inflate = _RAW_DEFLATE, zlib.decompressobj(_RAW_DEFLATE)
            out = self._inflate.decompress(data, room + 1)
        self._started = self._started or bool(data)
        if len(out) > room:
            raise Overflow
        return out

    def finish(self, room: int) -> bytes:
        out = self._inflate.flush()
        if self._started and not self._inflate.eof:
            raise BadEncoding("the body ends before its Content-Encoding's stream does (truncated)")
        if len(out) > room:
            raise Overflow
        return out


_LAYERS: dict[str, Callable[[], _Layer]] = {
    "gzip": lambda: _Layer(_GZIP),
    "x-gzip": lambda: _Layer(_GZIP),
    "deflate": lambda: _Layer(_ZLIB),
}


class Inflater:
    """Undoes `Content-Encoding` (gzip, deflate, identity; several in a row), chunk by chunk, under a limit."""

    def __init__(self, content_encoding: str | None) -> None:
        names = [name.strip().lower() for name in (content_encoding or "").split(",")]
        unknown = [name for name in names if name and name != "identity" and name not in _LAYERS]
        if unknown:
            raise BadEncoding(f"unsupported Content-Encoding {unknown[0]!r}")
        # the codings are listed in the order they were applied: the last one is undone first
        self._layers = [_LAYERS[name]() for name in reversed(names) if name in _LAYERS]

    def feed(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of the next raw chunk; `Overflow` when inflating would make more than `room`
        (a body without a coding comes back as it is, whatever its size)."""
        try:
            for layer in self._layers:
                data = layer.feed(data, room)
        except zlib.error as exc:
            raise BadEncoding("body does not match its Content-Encoding") from exc
        return data

    def finish(self, room: int) -> bytes:
        """What the layers still hold once the raw body has ended."""
        out = b""
        try:
            for index, layer in enumerate(self._layers):
                out = layer.feed(out, room) + layer.finish(room) if index else layer.finish(room)
        except zlib.error as exc:
            raise BadEncoding("body does not match its Content-Encoding") from exc
        return out
