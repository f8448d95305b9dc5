"""Keep the bot token out of the logs, however wirewatch's logging was set up.

The Bot API puts the token in every URL (`https://api.telegram.org/bot<token>/getMe`), and httpx logs each
request URL at INFO. `bot.logs.configure_logging` (the CLI) already redacts tokens on its handler; the runtime
also puts the same filter (`bot.logs.RedactTokens`) on the `httpx` logger and on every handler the root logger has
when the bot starts, so an embedding program or a test's log capture never sees the token either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.logs import RedactTokens

__all__ = ["protect_token"]


def protect_token(token: str) -> Callable[[], None]:
    """Install the filter for `token`; returns the function that removes it again."""
    redact = RedactTokens([token])
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
