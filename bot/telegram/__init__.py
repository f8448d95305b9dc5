"""The Telegram bot: chat commands that manage a chat's subscription, and the adapter that delivers alerts.

- `settings`: the `[telegram]` table of config.toml (`TelegramSettings`, `parse_telegram_settings`);
- `adapter`: `TelegramAdapter` (the delivery engine's `Adapter`) and `map_telegram_errors()`;
- `handlers`: one coroutine per command, `register(application, ...)`;
- `access`: destination keys for chats and topics, who may change a chat's settings;
- `texts`: what the bot says, in Dutch and English;
- `runtime`: `TelegramRuntime`, python-telegram-bot's `Application` run in wirewatch's event loop (long polling,
  or a webhook served by `webhook`).

Nothing is imported here: `bot.config` imports `bot.telegram.settings`, which must not pull in the rest.
"""
