"""A fake Discord (REST API + gateway on 127.0.0.1) for tests that run the real discord.py against it.

See `server.py` for `FakeDiscord`, `events.py` for driving the client through the gateway (guild events,
dropped sessions, slash commands), `fixtures.py` for the pytest fixtures and `running()`, `faults.py` for
error answers and how discord.py reacts to them, `rest.py` for the route names, `interactions.py` for
slash-command payloads.
"""

from .faults import (
    DISCONNECT,
    INTERACTION_ACKNOWLEDGED,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    SERVICE_UNAVAILABLE,
    UNAUTHORIZED,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    Fault,
    bad_request,
    rate_limited,
)
from .fixtures import (
    FAST,
    fake_discord,
    instant_reidentify,
    make_fake_discord,
    point_discord_py_at,
    running,
)
from .messages import EPHEMERAL, Edit, SentMessage
from .model import (
    ANNOUNCEMENT,
    ANNOUNCEMENT_THREAD,
    CATEGORY,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT,
    Channel,
    Guild,
    Member,
    Role,
    User,
    Webhook,
)
from .permissions import (
    ADMINISTRATOR,
    EMBED_LINKS,
    EVERYONE_DEFAULT,
    MANAGE_GUILD,
    MANAGE_WEBHOOKS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Overwrite,
)
from .records import GatewayConnection, InteractionReply, RestCall
from .server import DEFAULT_TOKEN, FakeDiscord
from .world import World

__all__ = [
    "ADMINISTRATOR",
    "ANNOUNCEMENT",
    "ANNOUNCEMENT_THREAD",
    "CATEGORY",
    "DEFAULT_TOKEN",
    "DISCONNECT",
    "EMBED_LINKS",
    "EPHEMERAL",
    "EVERYONE_DEFAULT",
    "FAST",
    "INTERACTION_ACKNOWLEDGED",
    "MANAGE_GUILD",
    "MANAGE_WEBHOOKS",
    "MISSING_ACCESS",
    "MISSING_PERMISSIONS",
    "PRIVATE_THREAD",
    "PUBLIC_THREAD",
    "SEND_MESSAGES",
    "SEND_MESSAGES_IN_THREADS",
    "SERVICE_UNAVAILABLE",
    "TEXT",
    "UNAUTHORIZED",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_INTERACTION",
    "UNKNOWN_MESSAGE",
    "UNKNOWN_WEBHOOK",
    "VIEW_CHANNEL",
    "Channel",
    "Edit",
    "FakeDiscord",
    "Fault",
    "GatewayConnection",
    "Guild",
    "InteractionReply",
    "Member",
    "Overwrite",
    "RestCall",
    "Role",
    "SentMessage",
    "User",
    "Webhook",
    "World",
    "bad_request",
    "fake_discord",
    "instant_reidentify",
    "make_fake_discord",
    "point_discord_py_at",
    "rate_limited",
    "running",
]
