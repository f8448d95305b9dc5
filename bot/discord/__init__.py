"""The Discord bot (in progress): see `limits`."""
