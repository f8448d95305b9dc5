"""Logging set-up: quiet by default, text or JSON lines, and never a token in a log line.

Bot tokens travel inside request URLs (`https://api.telegram.org/bot<TOKEN>/getUpdates`), which httpx logs at
INFO. Every handler gets a filter that replaces known tokens, and anything shaped like a Telegram token, with
`***` before the line is written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.masking import mask_urls

__all__ = ["JsonFormatter", "RedactTokens", "configure_logging", "one_line", "protect_secrets"]

SECRET_SUFFIXES = ("_TOKEN", "_SECRET")  # TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, ...
TELEGRAM_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
DISCORD_TOKEN_SHAPE = re.compile(r"\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b")
DISCORD_WEBHOOK_SHAPE = re.compile(r"(/webhooks/\d{15,21}/)[A-Za-z0-9_-]{20,}")
NOISY = ("httpx", "httpcore", "telegram", "apscheduler", "discord", "aiohttp.access")
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class RedactTokens(logging.Filter):
    """Rewrites a record's message so no secret survives: the given values and token-shaped strings."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        text = mask_urls(DISCORD_WEBHOOK_SHAPE.sub(r"\1***", text))
        return DISCORD_TOKEN_SHAPE.sub("***", TELEGRAM_TOKEN_SHAPE.sub("***", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in record.__dict__.items() if k not in _RECORD_FIELDS})
        if record.exc_text or record.exc_info:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(verbosity: int, fmt: str = "text", *, stream: TextIO | None = None) -> None:
    """WARNING by default, INFO with -v, DEBUG with -vv; libraries stay at WARNING below -vv."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(
        RedactTokens(value for name, value in os.environ.items() if name.endswith(SECRET_SUFFIXES))
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "wirewatch", False)]:
        root.removeHandler(old)
    handler.wirewatch = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING if verbosity < 2 else logging.DEBUG)


def protect_secrets(secrets: Iterable[str]) -> Callable[[], None]:
    """Redact `secrets` from the `httpx` logger and every handler the root logger has now (so an embedding
    program or a test's log capture never sees them either); returns the function that undoes it."""
    redact = RedactTokens(secrets)
    httpx_logger = logging.getLogger("httpx")
    handlers = list(logging.getLogger().handlers)
    httpx_logger.addFilter(redact)
    for handler in handlers:
        handler.addFilter(redact)

    def remove() -> None:
        httpx_logger.removeFilter(redact)
        for handler in handlers:
            handler.removeFilter(redact)

    return remove


_TAGS = re.compile(r"<[^>]{0,200}>")


def one_line(text: str, limit: int = 300) -> str:
    """`text` fit for one log line: an HTML error page reduced to its words, whitespace collapsed, cut."""
    if "<" in text and ">" in text:
        text = _TAGS.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
