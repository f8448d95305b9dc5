"""The Telegram bot: chat commands that manage a chat's subscription, and the adapter that delivers alerts.

`PLATFORM` registers it with wirewatch (`bot.platforms`); it runs when `TELEGRAM_BOT_TOKEN` is set. Modules:

- `settings`: the `[telegram]` table of config.toml; `limits`: Telegram's rate limits;
- `adapter`: `TelegramAdapter` (the delivery engine's `Adapter`) and `map_telegram_errors()`;
- `handlers`: one coroutine per command, and `register(application, deps)`; `buttons`: the inline keyboards;
  `membership`: the bot added, removed or blocked, and groups that became supergroups;
- `access`: which destination a command is about, who may change it; `keys`: destination keys;
- `texts`: what the bot says in its own syntax (the rest is `bot.chat.texts`); `context`: what handlers share;
- `runtime`: `TelegramRuntime`, python-telegram-bot's `Application` in wirewatch's event loop (long polling, or
  the aiohttp server in `webhook`; the token is kept out of the logs by `bot.logs.protect_secrets`).

Only `settings` and `limits` are imported here: python-telegram-bot loads when the bot starts.
"""

from __future__ import annotations

from bot.platforms import Platform, PlatformContext, PlatformRuntime
from bot.telegram.limits import TELEGRAM_RATE_LIMITS
from bot.telegram.settings import (
    SECRET_VARIABLE,
    TOKEN_VARIABLE,
    TelegramSettings,
    check_telegram,
    configured,
)

__all__ = ["PLATFORM"]


async def start(context: PlatformContext[TelegramSettings]) -> PlatformRuntime:
    """Start the bot (python-telegram-bot is imported now, not before)."""
    from bot.telegram.runtime import TelegramRuntime

    runtime = TelegramRuntime(
        context.settings,
        context.token,
        commands=context.commands,
        webhook_secret=context.secrets.get(SECRET_VARIABLE),
        http=context.http,
    )
    await runtime.start()
    return runtime


PLATFORM: Platform[TelegramSettings] = Platform(
    name="telegram",
    settings=TelegramSettings,
    token_variable=TOKEN_VARIABLE,
    start=start,
    rate_limits=TELEGRAM_RATE_LIMITS,
    secret_variables=(SECRET_VARIABLE,),
    check=check_telegram,
    configured=configured,
)
