"""Sniffing and decoding bodies: is this an HTML page at all, and which text does it hold."""

from __future__ import annotations

import json
import re
from html import escape

__all__ = ["looks_like_html", "parser_input", "plain_text_page"]

_FEED_ROOT = re.compile(r"<(?!!)(?!\?)([A-Za-z][\w:.-]*)")
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS", b"ID3")


def looks_like_html(data: bytes | str) -> bool:
    """False for bodies that are clearly no HTML page: binary, JSON, RSS/Atom or other XML."""
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return looks_like_html(_decode(data))
        if data.startswith(_MAGIC) or b"\x00" in data[:4096]:
            return False
        text = data[:4096].decode("utf-8", "replace")
    else:
        text = data[:4096]
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "["):
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return True
        return False
    if head.startswith("<?xml") or head.startswith(("<rss", "<feed", "<rdf:RDF")):
        root = _FEED_ROOT.search(head)
        return root is not None and root.group(1).lower() == "html"
    return True


def plain_text_page(body: str | bytes) -> str:
    """A text/plain body as HTML whose line breaks are `<br>`s."""
    text = _decode(body) if isinstance(body, bytes) else body
    return "<body>" + escape(text).replace("\n", "<br>") + "</body>"


def parser_input(html: str | bytes) -> str | bytes:
    """UTF-8 bytes go to lexbor as they are; other encodings are decoded here."""
    if isinstance(html, str):
        return html
    if html.startswith(b"\xef\xbb\xbf"):
        html = html[3:]
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(html)
    return html


def _decode(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    return data.decode("cp1252", "replace")
