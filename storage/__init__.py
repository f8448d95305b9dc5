"""SQLite through sqlite-utils: sources, items, events, subscriptions, outbox. Knows nothing of chat platforms."""
