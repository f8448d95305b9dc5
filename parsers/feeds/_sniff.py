"""Cheap checks on raw bytes: is this an XML feed, a JSON Feed, or neither?"""

from __future__ import annotations

import codecs
import re

__all__ = ["as_bytes", "describe_start", "is_json", "looks_like_feed", "looks_like_xml_feed"]

_HEAD = 65536
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?(?:rss|rdf|feed)[\s/>]", re.I)
_JSONFEED = re.compile(rb"jsonfeed\.org\\?/version", re.I)
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""", re.I)


def as_bytes(data: bytes | str) -> bytes:
    """Bytes for the parsers; a str is re-encoded as UTF-8 and any declared encoding is dropped with it."""
    if isinstance(data, str):
        return _XML_ENCODING.sub(r"\1", data, count=1).encode("utf-8", "surrogatepass")
    return bytes(data)


def _head(raw: bytes) -> bytes:
    """The first bytes of `raw` as UTF-8-compatible bytes (UTF-16/32 with a BOM are re-encoded)."""
    head = raw[: _HEAD * 4]
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if head.startswith(bom):
            return head.decode(codec, "ignore")[:_HEAD].encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)[:_HEAD]


def looks_like_xml_feed(raw: bytes) -> bool:
    """The first element, after the XML declaration, comments, PIs and a DOCTYPE, is rss, RDF or feed."""
    head = _head(raw)
    pos = 0
    while match := _PROLOG.match(head, pos):
        if match.end() == pos:
            break
        pos = match.end()
    return _ROOT.match(head, pos) is not None


def is_json(raw: bytes) -> bool:
    """The document starts (after whitespace and a BOM) with a JSON object."""
    return _head(raw).lstrip()[:1] == b"{"


def looks_like_feed(data: bytes | str) -> bool:
    """RSS/RDF/Atom root element, or a JSON object naming a jsonfeed.org version. Does not parse."""
    raw = as_bytes(data)
    if is_json(raw):
        return _JSONFEED.search(raw) is not None
    return looks_like_xml_feed(raw)


def describe_start(raw: bytes) -> str:
    """The first characters of a document, for an error message."""
    start = _head(raw).lstrip()[:40].decode("utf-8", "replace")
    return repr(start) if start else "nothing but whitespace"
