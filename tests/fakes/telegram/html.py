"""Telegram's `parse_mode=HTML`, as the Bot API server parses it (after tdlib's `parse_html`).

    rendered = parse_html("<b>Kyiv</b> &amp; more")   # Rendered(text="Kyiv & more", entities=[bold 0..4])
    parse_html("a < b")                                # HtmlError: Unsupported start tag "" at byte offset 2

What Telegram accepts, and so what this accepts: the tags `b strong i em u ins s strike del tg-spoiler
span(class="tg-spoiler") a code pre blockquote tg-emoji`, balanced (`</>` closes anything); the named entities
`&lt; &gt; &amp; &quot;` and numeric ones (the `;` is optional); any other `&` is kept as it is. An `<a>`
without `href` links to its own text. Offsets in errors are UTF-8 byte offsets, entity offsets UTF-16 units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlError", "Rendered", "parse_html", "trim", "utf16_len"]

_TAGS = frozenset(
    [
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ]
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACE = frozenset(b" \t\r\n\v\0")  # tdlib's is_space, NUL included
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://")


class HtmlError(ValueError):
    """The text is not HTML that Telegram accepts; the message is Telegram's own wording."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a user sees: the plain text and its formatting entities (Bot API `MessageEntity` dicts)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 units into the output
    start: int  # byte index into the output


def _decode_entity(data: bytes, pos: int) -> tuple[str, int] | None:
    """The character a `&...` at `pos` stands for and the index after it, or None to keep the `&`."""
    end = pos + 1
    if data[end : end + 1] == b"#":
        end += 1
        hexadecimal = data[end : end + 1] == b"x"
        end += hexadecimal
        digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
        start = end
        while data[end] in digits:
            end += 1
        code = int(data[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        named = _NAMED.get(data[pos + 1 : end])
        if named is None:
            return None
        char = named
    return char, end + (data[end : end + 1] == b";")


def _is_flag(data: bytes, i: int, flag: bytes) -> bool:
    after = data[i + len(flag)]
    return data[i : i + len(flag)].lower() == flag and (after in _SPACE or after == ord(">"))


def _checked_link(url: str) -> str | None:
    url = url.strip()
    if not url or any(c in url for c in " \n<>"):
        return None
    if url.lower().startswith(_URL_SCHEMES):
        return url
    if "://" in url or "." not in url.split("/")[0]:
        return None
    return "http://" + url


class _Parser:
    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8") + b"\0"  # tdlib reads a NUL at the end; so do we
        self.size = len(self.data) - 1
        self.out = bytearray()
        self.units = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def append(self, char: str) -> None:
        self.out += char.encode("utf-8", "surrogatepass")
        self.units += 2 if ord(char) > 0xFFFF else 1

    def run(self) -> Rendered:
        i = 0
        while i < self.size:
            byte = self.data[i]
            if byte == ord("&"):
                decoded = _decode_entity(self.data, i)
                if decoded is not None:
                    self.append(decoded[0])
                    i = decoded[1]
                    continue
            if byte != ord("<"):
                if byte & 0xC0 != 0x80:  # the first byte of a character
                    self.units += 2 if byte >= 0xF0 else 1
                self.out.append(byte)
                i += 1
                continue
            i = self.end_tag(i) if self.data[i + 1] == ord("/") else self.start_tag(i)
        if self.stack:
            raise HtmlError(f"Can't find end tag corresponding to start tag {self.stack[-1].tag}")
        try:
            plain = self.out.decode("utf-8")
        except UnicodeDecodeError:
            raise HtmlError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Rendered(plain, self.entities)

    def start_tag(self, begin: int) -> int:
        data = self.data
        i = begin + 1
        while data[i] not in _SPACE and data[i] != ord(">"):
            i += 1
        if i >= self.size:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while data[i] != ord(">"):
            while i < self.size and data[i] in _SPACE:
                i += 1
            if data[i] == ord(">"):
                break
            if tag == "blockquote" and _is_flag(data, i, b"expandable"):
                argument = "expandable"
                i += len(b"expandable")
                continue
            name_start = i
            while data[i] not in _SPACE and data[i] != ord("="):  # like tdlib, `>` does not end a name
                i += 1
            name = data[name_start:i].decode("utf-8", "replace")
            if not name:
                raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while i < self.size and data[i] in _SPACE:
                i += 1
            if data[i] != ord("="):
                raise HtmlError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}'
                )
            i += 1
            while i < self.size and data[i] in _SPACE:
                i += 1
            if i >= self.size:
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if i >= self.size:
                raise HtmlError(f"Unclosed start tag at byte offset {begin}")
            if (tag, name) in (("a", "href"), ("tg-emoji", "emoji-id")):
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value.removeprefix("language-")
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value.removeprefix("tg-")
        if tag == "span" and argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_Open(tag, argument, self.units, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        data = self.data
        quote = data[i]
        if quote not in b"'\"":
            start = i
            while chr(data[i]).isascii() and (chr(data[i]).isalnum() or data[i] in b".-"):
                i += 1
            if data[i] not in _SPACE and data[i] != ord(">"):
                raise HtmlError(f"Unexpected end of name token at byte offset {start}")
            return data[start:i].decode("ascii").lower(), i
        i += 1
        value = bytearray()
        while i < self.size and data[i] != quote:
            if data[i] == ord("&"):
                decoded = _decode_entity(data, i)
                if decoded is not None:
                    value += decoded[0].encode("utf-8", "surrogatepass")
                    i = decoded[1]
                    continue
            value.append(data[i])
            i += 1
        return value.decode("utf-8", "replace"), i + (data[i] == quote)

    def end_tag(self, begin: int) -> int:
        data = self.data
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while data[i] not in _SPACE and data[i] != ord(">"):
            i += 1
        name = data[begin + 2 : i].decode("utf-8", "replace").lower()
        while i < self.size and data[i] in _SPACE:
            i += 1
        if data[i] != ord(">"):
            raise HtmlError(f"Unclosed end tag at byte offset {begin}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.units > opened.offset:
            self.close(opened)
        return i + 1

    def close(self, opened: _Open) -> None:
        span = {"offset": opened.offset, "length": self.units - opened.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (span["offset"], span["length"])
        if opened.tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[opened.tag], **span})
        elif opened.tag == "blockquote":
            kind = "expandable_blockquote" if opened.argument == "expandable" else "blockquote"
            self.entities.append({"type": kind, **span})
        elif opened.tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": opened.argument})
        elif opened.tag == "a":
            url = opened.argument or self.out[opened.start :].decode("utf-8", "replace")
            link = _checked_link(url)
            if link is not None:
                self.entities.append({"type": "text_link", **span, "url": link})
        elif opened.tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif opened.tag == "code":
            if same_span and last is not None and last["type"] == "pre" and opened.argument:
                last["language"] = opened.argument
            else:
                self.entities.append({"type": "code", **span, "language": opened.argument})


def parse_html(text: str) -> Rendered:
    """Parse `text` like Telegram does with `parse_mode=HTML`; raise `HtmlError` where Telegram refuses it."""
    rendered = _Parser(text).run()
    entities = []
    for entity in rendered.entities:
        if entity["type"] == "code":
            entity = {k: v for k, v in entity.items() if k != "language"}
        entities.append(entity)
    return Rendered(rendered.text, entities)


def trim(rendered: Rendered) -> Rendered:
    """Strip leading and trailing whitespace as Telegram does, moving and clipping the entities."""
    text = rendered.text
    head = len(text) - len(text.lstrip())
    body = text.strip()
    shift = utf16_len(text[:head])
    limit = utf16_len(body)
    entities = []
    for entity in rendered.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return Rendered(body, entities)
