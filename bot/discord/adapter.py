"""`DiscordAdapter`: alerts as embeds in channels (through the bot) and through webhooks, edits in place.

Every message carries `allowed_mentions` `{"parse": []}`, so news text never pings anyone; a destination's
`mention_role` is mentioned (and allowed) only when one of its `mention_keywords` is in the alert. Errors come
from `DiscordRest` already in the delivery error tree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.base import RateLimit, SentRef
from bot.adapters.errors import TargetGone
from bot.alerts import Alert
from bot.discord.keys import webhook_id
from bot.discord.limits import DISCORD_RATE_LIMITS
from bot.discord.rest import DiscordRest
from bot.discord.settings import WebhookAddress
from bot.formatting.discord_embed import DiscordMessage, discord_alert, discord_digest
from bot.matching import mentions
from storage.models import Destination

__all__ = ["DiscordAdapter", "payload"]


def payload(message: DiscordMessage, destination: Destination, alerts: Sequence[Alert]) -> dict[str, Any]:
    """The JSON body for `message`, with the destination's role mentioned when one of the alerts calls for it."""
    body: dict[str, Any] = {"allowed_mentions": {"parse": []}}
    content = message.content or ""
    role = destination.mention_role
    if role and any(mentions(destination.mention_keywords, a.title, a.lead) for a in alerts):
        content = f"<@&{role}> {content}".rstrip()
        body["allowed_mentions"] = {"parse": [], "roles": [role]}
    if content:
        body["content"] = content
    body["embeds"] = [dict(embed) for embed in message.embeds]
    return body


class DiscordAdapter:
    """The delivery engine's way into Discord."""

    platform = "discord"
    digest_capacity = 50  # discord_digest fits any 50 alerts in one embed

    def __init__(
        self,
        rest: DiscordRest,
        *,
        webhooks: Mapping[str, WebhookAddress] | None = None,
        rate_limits: Sequence[RateLimit] = DISCORD_RATE_LIMITS,
    ) -> None:
        self.rest = rest
        self.webhooks = dict(webhooks or {})
        self.rate_limits = tuple(rate_limits)

    async def send(self, destination: Destination, alert: Alert, *, plain: bool = False) -> SentRef:
        return await self._post(destination, payload(discord_alert(alert, plain=plain), destination, [alert]))

    async def edit(
        self, destination: Destination, ref: SentRef, alert: Alert, *, plain: bool = False
    ) -> SentRef:
        body = payload(discord_alert(alert, plain=plain), destination, [alert])
        body.setdefault("content", "")  # an edit to the embed form clears a plain form's text
        hook = self._webhook(destination)
        if hook is None:
            await self.rest.edit_message(destination.chat_id, ref.message_id, body)
        else:
            await self.rest.edit_webhook_message(hook.id, hook.token, ref.message_id, body)
        return ref

    async def send_digest(
        self, destination: Destination, alerts: Sequence[Alert], *, plain: bool = False
    ) -> SentRef:
        message = discord_digest(alerts, language=destination.language, plain=plain)
        return await self._post(destination, payload(message, destination, alerts))

    async def notify_admin(self, destination: Destination, text: str) -> None:
        """Discord has no one to tell privately: `/news status` and `wirewatch outbox` show the reason."""

    async def _post(self, destination: Destination, body: dict[str, Any]) -> SentRef:
        hook = self._webhook(destination)
        if hook is None:
            data = await self.rest.create_message(destination.chat_id, body)
        else:
            data = await self.rest.execute_webhook(hook.id, hook.token, body)
        return SentRef(str(data.get("id", "")))

    def _webhook(self, destination: Destination) -> WebhookAddress | None:
        wanted = webhook_id(destination)
        if wanted is None:
            return None
        hook = self.webhooks.get(wanted)
        if hook is None:
            raise TargetGone(f"webhook {wanted} is no longer in the config file")
        return hook
