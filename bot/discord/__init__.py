"""The Discord bot: `/news` slash commands that route alerts into a server's channels, and webhooks.

`PLATFORM` registers it with wirewatch (`bot.platforms`); the bot runs when `DISCORD_BOT_TOKEN` is set, and the
webhooks of `[[discord.destinations]]` post even without it. Modules:

- `settings`: the `[discord]` table; `limits`: Discord's rate limits; `keys`: destination keys;
- `rest`: `DiscordRest`, the REST calls delivery makes (never sleeping through a rate limit);
- `adapter`: `DiscordAdapter`, alerts as embeds, edits in place, mentions only where asked;
- `commands`: the `/news` group; `access`: which channel a command is about and who may change it;
  `countries`: autocomplete for `country:`; `texts`: what the bot says, and the Dutch command names;
- `runtime`: `DiscordRuntime`, discord.py's client in wirewatch's event loop.

Only `settings`, `limits` and `keys` are imported here: discord.py loads when the bot starts.
"""

from __future__ import annotations

from bot.discord.limits import DISCORD_RATE_LIMITS
from bot.discord.settings import (
    TOKEN_VARIABLE,
    DiscordSettings,
    check_discord,
    configured,
    webhook_variables,
)
from bot.platforms import Platform, PlatformContext, PlatformRuntime

__all__ = ["PLATFORM"]


async def start(context: PlatformContext[DiscordSettings]) -> PlatformRuntime:
    """Start the bot (discord.py is imported now, not before)."""
    from bot.discord.runtime import DiscordRuntime

    runtime = DiscordRuntime(
        context.settings,
        context.token,
        commands=context.commands,
        secrets=context.secrets,
        clock=context.clock,
    )
    await runtime.start()
    return runtime


def _has_webhooks(settings: DiscordSettings) -> bool:
    return bool(webhook_variables(settings))


PLATFORM: Platform[DiscordSettings] = Platform(
    name="discord",
    settings=DiscordSettings,
    token_variable=TOKEN_VARIABLE,
    start=start,
    rate_limits=DISCORD_RATE_LIMITS,
    check=check_discord,
    configured=configured,
    variables=webhook_variables,
    tokenless=_has_webhooks,
)
