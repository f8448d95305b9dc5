"""Chat-command logic shared by every chat platform: a chat subscribes, sets its filters, asks what it would get.

- `ChatCommands` (`service`): subscribe / stop a destination, change keywords, exclusions, countries, mode,
  pause, language; `/latest`, `/test`, `/status`; a chat that left or moved; the config file's destinations;
- `views`: the records it answers with; `errors`: `CommandError` (`NotSubscribed`, `ManagedByConfig`);
- `HealthWatch` (`health`): when a failing or recovered source is worth a message to the operator;
- `item_from_text` (`probe`): typed text as a news item, for `/test`.

Platforms (`bot.telegram`, later Discord) parse their own command syntax and render the answers.
"""

from bot.commands.errors import CommandError, ManagedByConfig, NotSubscribed
from bot.commands.health import HealthWatch
from bot.commands.probe import item_from_text
from bot.commands.service import LATEST_MAX, ChatCommands, display_country
from bot.commands.views import (
    CONFIG_CREATOR,
    ChatSettings,
    FilterList,
    HealthNotice,
    ListAction,
    ListChange,
    Probe,
    StaticSubscription,
    Status,
    Subscribed,
)

__all__ = [
    "CONFIG_CREATOR",
    "LATEST_MAX",
    "ChatCommands",
    "ChatSettings",
    "CommandError",
    "FilterList",
    "HealthNotice",
    "HealthWatch",
    "ListAction",
    "ListChange",
    "ManagedByConfig",
    "NotSubscribed",
    "Probe",
    "StaticSubscription",
    "Status",
    "Subscribed",
    "display_country",
    "item_from_text",
]
