"""Which channel a `/news` command is about, who may change it, and the language to answer in.

A command is about the channel it is used in, or the `channel:` it names, which must be a text channel, an
announcement channel or a thread of the same server. Changing a setting takes Manage Server (or Administrator)
in that channel, re-checked from the interaction's member permissions because a server may open the commands to
more members. Replies are in the channel's language once it is subscribed, else in the server's (nl or en;
English for any other).
"""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from bot.chat import ChatCommands, Refused
from bot.discord.keys import channel_key
from bot.discord.settings import DiscordSettings
from storage.models import Language

__all__ = ["POSTING", "Here", "check_admin", "is_operator", "language_of", "locate", "reply_language"]

_TEXT_TYPES = (discord.ChannelType.text, discord.ChannelType.news)
_THREAD_TYPES = (
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
)
# What the bot needs in a channel to post alerts there: (permission, its name in nl and en).
POSTING = (
    ("view_channel", "Kanalen bekijken", "View Channel"),
    ("embed_links", "Links insluiten", "Embed Links"),
)
_SEND = ("send_messages", "Berichten verzenden", "Send Messages")
_SEND_IN_THREADS = ("send_messages_in_threads", "Berichten verzenden in threads", "Send Messages in Threads")


@dataclass(frozen=True, slots=True)
class Here:
    """The channel a command is about."""

    channel_id: int
    is_thread: bool
    current: bool  # the channel the command was used in (the bot's permissions there are known)

    @property
    def key(self) -> str:
        return channel_key(self.channel_id)

    @property
    def mention(self) -> str:
        return f"<#{self.channel_id}>"

    def check_bot_can_post(self, interaction: discord.Interaction) -> None:
        """In the channel the command was used in, refuse when the bot lacks a permission it needs to post."""
        if not self.current:
            return  # unknown from here: a refusal by Discord later disables the channel, with the reason
        granted = interaction.app_permissions
        if granted.administrator:
            return
        needed = (*POSTING, _SEND_IN_THREADS if self.is_thread else _SEND)
        for flag, dutch, english in needed:
            if not getattr(granted, flag):
                raise Refused(
                    "bot_cannot_post",
                    channel=self.mention_text(),
                    missing=dutch if language_of(interaction) == "nl" else english,
                )

    def mention_text(self) -> str:
        return self.mention


def locate(
    interaction: discord.Interaction,
    channel: app_commands.AppCommandChannel | app_commands.AppCommandThread | None = None,
) -> Here:
    """The channel the command is about (`channel` when given)."""
    if interaction.guild_id is None:
        raise Refused("guild_only")
    if channel is not None:
        if channel.guild_id != interaction.guild_id or not _in_guild(interaction, channel):
            raise Refused("other_guild")
        kind, channel_id = channel.type, channel.id
        current = channel.id == interaction.channel_id
    else:
        found = interaction.channel
        if interaction.channel_id is None:
            raise Refused("guild_only")
        kind = getattr(found, "type", discord.ChannelType.text)
        channel_id, current = interaction.channel_id, True
    if kind not in _TEXT_TYPES and kind not in _THREAD_TYPES:
        raise Refused("not_text_channel")
    return Here(channel_id, kind in _THREAD_TYPES, current)


def _in_guild(
    interaction: discord.Interaction, channel: app_commands.AppCommandChannel | app_commands.AppCommandThread
) -> bool:
    """Whether the server the command is used in has this channel (or, for a thread, its parent), as far as
    the bot's view of the server tells. Discord only offers a server's own channels; a crafted request may not."""
    guild = interaction.guild
    if guild is None:
        return True  # the server is not in the bot's cache: Discord's own check stands
    if guild.get_channel_or_thread(channel.id) is not None:
        return True
    parent = getattr(channel, "parent_id", None)
    return parent is not None and guild.get_channel(parent) is not None


def check_admin(interaction: discord.Interaction) -> None:
    """Refuse unless the member has Manage Server (or is an Administrator) in this channel."""
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise Refused("not_admin")


def language_of(interaction: discord.Interaction) -> Language:
    """Dutch for a Dutch server (or, outside a server, a Dutch client); English otherwise."""
    locale = interaction.guild_locale or interaction.locale
    return "nl" if locale is not None and str(locale.value).lower().startswith("nl") else "en"


async def reply_language(
    interaction: discord.Interaction, commands: ChatCommands, here: Here | None = None
) -> Language:
    """The channel's stored language once it is subscribed, else the server's."""
    channel_id = here.channel_id if here is not None else interaction.channel_id
    if channel_id is not None:
        stored = await commands.language(channel_key(channel_id))
        if stored is not None:
            return stored
    return language_of(interaction)


def is_operator(settings: DiscordSettings, interaction: discord.Interaction) -> bool:
    """Whether the user is one of `operators` (they see every source in `/news status`)."""
    return interaction.user.id in settings.operators
