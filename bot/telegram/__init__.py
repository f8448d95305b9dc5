"""The Telegram bot: chat commands that manage a chat's subscription, and the adapter that delivers alerts.

- `settings`: the `[telegram]` table of config.toml (`TelegramSettings`, `parse_telegram_settings`);
- `adapter`: `TelegramAdapter` (the delivery engine's `Adapter`) and `map_telegram_errors()`;
- `handlers`: one coroutine per command, and `register(application, deps)`; `buttons`: the inline keyboards;
  `membership`: the bot added, removed or blocked, and groups that became supergroups;
- `access`: which destination a command is about, who may change it; `keys`: destination keys;
- `texts` and `render`: what the bot says, in Dutch and English; `context`: what the handlers share;
- `runtime`: `TelegramRuntime`, python-telegram-bot's `Application` in wirewatch's event loop (long polling, or
  the aiohttp server in `webhook`); `redact`: the token kept out of the logs.

Nothing is imported here: `bot.config` imports `bot.telegram.settings`, which must not pull in the rest.
"""
