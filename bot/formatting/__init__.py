"""Alert formatters: one platform-neutral `Alert` in, a platform's message out.

- `telegram_html`: HTML parse mode, news text escaped, 4096 limit, link previews off;
- `discord_embed`: embed dicts within Discord's limits, markdown escaped, mentions disabled;
- `plain`: plain text for the console sink and for the "plainer form" retry after a rejection.

Each has a digest form: one message listing many alerts, a line each.
"""

from bot.formatting.discord_embed import (
    DiscordMessage,
    discord_alert,
    discord_digest,
    embed_length,
    escape_discord,
)
from bot.formatting.plain import plain_alert, plain_digest
from bot.formatting.telegram_html import TelegramText, telegram_alert, telegram_digest, telegram_length

__all__ = [
    "DiscordMessage",
    "TelegramText",
    "discord_alert",
    "discord_digest",
    "embed_length",
    "escape_discord",
    "plain_alert",
    "plain_digest",
    "telegram_alert",
    "telegram_digest",
    "telegram_length",
]
