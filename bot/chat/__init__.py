"""The shared chat layer: what every chat platform does alike, so that a platform keeps only its syntax, its
markup and its API calls.

- `ChatCommands` (`service`): subscribe / stop a destination, change keywords, exclusions, countries, mode,
  pause, language; `/latest`, `/test`, `/status`; a chat that left or moved; the config file's destinations
  (`_storage` holds their work on the database thread);
- `records`: the records it answers with; `errors`: what a command refuses with (`NotSubscribed`,
  `ManagedByConfig`, `Refused`, `Usage`), and `replies.refusal`, which words each of them;
- `texts`: the Dutch and English catalogue in a three-tag markup (`Texts`, `Markup`, `Rendered`);
  `render.ChatViews`: the longer answers (filters, list changes, `/latest`, `/test`, `/status`);
- `static.StaticFilters`: the filters of a destination set up in the config file;
- `HealthWatch` (`health`): when a failing or recovered source is worth a message to the operator;
- `item_from_text` (`probe`): typed text as a news item, for `/test`.
"""

from bot.chat.errors import CommandError, ManagedByConfig, NotSubscribed, Refused, Usage
from bot.chat.health import HealthWatch
from bot.chat.probe import item_from_text
from bot.chat.records import (
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
from bot.chat.replies import EXPECTED, refusal
from bot.chat.service import LATEST_MAX, ChatCommands

__all__ = [
    "CONFIG_CREATOR",
    "EXPECTED",
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
    "Refused",
    "StaticSubscription",
    "Status",
    "Subscribed",
    "Usage",
    "item_from_text",
    "refusal",
]
