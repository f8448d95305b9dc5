"""Turn a fetched body into text: find the charset the way a browser would, never fail.

Order: a byte-order mark, then the HTTP `Content-Type` charset, then a `<meta charset>` / `http-equiv` or an XML
`encoding=` declaration in the first 2 KB, then UTF-8 if the bytes are valid UTF-8, else cp1252.

The BOM comes before the header, as in the WHATWG encoding-sniffing algorithm: a BOM is a fact about the bytes,
a header is often a server default (and decoding UTF-16 as a header's latin-1 gives garbage). Labels follow
WHATWG too: `iso-8859-1` and `us-ascii` mean cp1252, `gb2312` means gb18030, and so on. Labels that are not
web encodings (`rot13`, `unicode_escape`, unknown names) are ignored.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_body"]

PRESCAN_BYTES = 2048

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codec name (after codecs.lookup) -> the codec browsers actually use for that label.
_WHATWG_REMAP = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# Web labels Python does not know by that name.
_EXTRA_LABELS = {
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-gbk": "gb18030",
}
_WEB_CODECS = frozenset(
    {
        "utf-8",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "cp866",
        "cp874",
        "cp932",
        "cp949",
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "gb18030",
        "big5hkscs",
        "euc_jp",
        "iso2022_jp",
        *(f"cp{n}" for n in range(1250, 1259)),
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    }
)

_LABEL = re.compile(r"[a-z0-9._:-]{1,40}")
_XML_DECL = re.compile(rb"""^\s*<\?xml\s[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def web_codec(label: str | None) -> str | None:
    """The Python codec for a charset label as a browser reads it, or None if it is not a web encoding."""
    if not label:
        return None
    label = label.strip().strip("\"'").strip().lower()
    label = _EXTRA_LABELS.get(label, label)
    if not _LABEL.fullmatch(label):
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    name = _WHATWG_REMAP.get(name, name)
    return name if name in _WEB_CODECS else None


def _declared_in_document(body: bytes) -> str | None:
    head = body[:PRESCAN_BYTES]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    codec = web_codec(match.group(1).decode("ascii"))
    # A declaration readable as ASCII cannot be in UTF-16; browsers take it as UTF-8.
    if codec is not None and codec.startswith("utf-16"):
        return "utf-8"
    return codec


def decode_body(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode `body` and return `(text, codec)`; undecodable bytes become U+FFFD, never an exception."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    declared = web_codec(header_charset) or _declared_in_document(body)
    if declared is not None:
        return body.decode(declared, errors="replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"
