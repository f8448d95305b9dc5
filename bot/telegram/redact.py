"""Keep the bot token out of the logs.

The Bot API puts the token in every URL (`https://api.telegram.org/bot<token>/getMe`), and httpx logs each
request URL at INFO. `protect_token` installs a filter that replaces the token with `[token]` in every record
the `httpx` logger makes and in every record reaching the root logger's handlers (tracebacks included), whatever
the log level.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["TokenFilter", "protect_token"]

MASK = "[token]"


class TokenFilter(logging.Filter):
    """Rewrites a record whose message or traceback contains the token; never drops one."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record with broken arguments: leave it to the handler's own error path
            return True
        if self.token in message:
            record.msg = message.replace(self.token, MASK)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, MASK)
        return True


def protect_token(token: str) -> Callable[[], None]:
    """Install the filter; returns the function that removes it again."""
    token_filter = TokenFilter(token)
    httpx_logger = logging.getLogger("httpx")
    handlers = list(logging.getLogger().handlers)
    httpx_logger.addFilter(token_filter)
    for handler in handlers:
        handler.addFilter(token_filter)

    def remove() -> None:
        httpx_logger.removeFilter(token_filter)
        for handler in handlers:
            handler.removeFilter(token_filter)

    return remove
