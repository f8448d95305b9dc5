"""The `/news` slash commands: one guild-only group, default permission Manage Server, replies ephemeral.

Every command is about a channel (threads count as channels): the one it is used in, or the `channel:` named.
Whoever changes a setting must have Manage Server in that channel (servers can open the commands to others,
so the bot checks again); reading (`filters`, `keywords list`, `countries list`, `latest`, `test`, `status`) is
open to everyone who can use the commands. The logic is `bot.chat.ChatCommands`; refusals are worded by
`bot.chat.refusal`; anything unexpected is logged and answered with an apology.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.chat import EXPECTED, LATEST_MAX, ChatCommands, FilterList, NotSubscribed, Refused, Usage, refusal
from bot.chat.texts import Rendered
from bot.discord.access import Here, check_admin, is_operator, locate, reply_language
from bot.discord.countries import country_choices
from bot.discord.keys import USER_PREFIX
from bot.discord.settings import DiscordSettings
from bot.discord.texts import TEXTS, VIEWS, t, usage
from bot.formatting.discord_embed import CONTENT_LIMIT, escape_discord
from bot.formatting.plain import plain_digest
from storage.models import Language

__all__ = ["CHANNEL_TYPES", "Deps", "build_news"]

log = logging.getLogger(__name__)

LATEST_DEFAULT = 5
CHANNEL_TYPES = (
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
)
Channel = app_commands.AppCommandChannel | app_commands.AppCommandThread


class ChannelOption(app_commands.Transformer):
    """A `channel:` option that offers only channels alerts can go to (text, announcement, threads)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return list(CHANNEL_TYPES)

    async def transform(self, interaction: discord.Interaction, value: Any) -> Any:
        return value


ChannelArg = app_commands.Transform[Channel, ChannelOption]
F = TypeVar("F", bound=Callable[..., Coroutine[Any, Any, None]])


@dataclass(frozen=True, slots=True)
class Deps:
    """What the commands work with."""

    commands: ChatCommands
    settings: DiscordSettings


async def send(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral reply (or follow-up, after a deferral) that pings nobody, cut to Discord's 2,000."""
    if len(text) > CONTENT_LIMIT:
        text = text[: CONTENT_LIMIT - 1] + "…"
    none = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)


def build_news(deps: Deps) -> app_commands.Group:
    """The `/news` group with every subcommand, bound to `deps`."""
    commands = deps.commands

    def answers(fn: F) -> F:
        """Expected refusals become replies; anything else reaches the tree's error handler."""

        @functools.wraps(fn)
        async def handler(interaction: discord.Interaction, *args: Any, **kwargs: Any) -> None:
            try:
                await fn(interaction, *args, **kwargs)
            except EXPECTED as exc:
                language = await reply_language(interaction, commands)
                text = refusal(exc, language, TEXTS, usage)
                if text is None:
                    raise
                await send(interaction, text)

        return handler  # type: ignore[return-value]

    async def here_for(
        interaction: discord.Interaction, channel: Channel | None = None, *, change: bool = False
    ) -> Here:
        here = locate(interaction, channel)
        if change:
            check_admin(interaction)
        return here

    news = app_commands.Group(
        name=_("news"),
        description=_("Breaking news from wirewatch in this server"),
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    # --- subscribing ------------------------------------------------------------------------------------

    @news.command(name=_("subscribe"), description=_("Alerts in this channel (or the one you name)"))
    @app_commands.describe(channel=_("A text channel, announcement channel or thread (default: this one)"))
    @app_commands.rename(channel=_("channel"))
    @answers
    async def subscribe(interaction: discord.Interaction, channel: ChannelArg | None = None) -> None:
        here = await here_for(interaction, channel, change=True)
        here.check_bot_can_post(interaction)
        language = await reply_language(interaction, commands, here)
        result = await commands.subscribe(
            here.key,
            language=language,
            created_by=f"{USER_PREFIX}{interaction.user.id}",
            guild_id=str(interaction.guild_id),
        )
        language = result.settings.destination.language
        if result.reenabled or (result.resumed and not result.created):
            head = t(language, "subscribed_again", channel=here.mention)
        elif result.created:
            head = t(language, "subscribed", channel=here.mention)
        else:
            head = t(language, "subscribed_already", channel=here.mention)
        await send(interaction, f"{head}\n\n{t(language, 'howto')}")

    @news.command(
        name=_("unsubscribe"),
        description=_("Stop alerts in this channel (or the one you name); the filters are kept"),
    )
    @app_commands.describe(channel=_("A text channel, announcement channel or thread (default: this one)"))
    @app_commands.rename(channel=_("channel"))
    @answers
    async def unsubscribe(interaction: discord.Interaction, channel: ChannelArg | None = None) -> None:
        here = await here_for(interaction, channel, change=True)
        language = await reply_language(interaction, commands, here)
        settings = await commands.settings(here.key)
        if settings is not None and settings.managed_by_config:
            raise Refused("managed_by_config")
        stopped = await commands.stop(
            here.key, reason=f"unsubscribed with /news by user {interaction.user.id}"
        )
        text = t(language, "unsubscribed", channel=here.mention) if stopped else t(language, "stop_not_on")
        await send(interaction, text)

    # --- filter lists -----------------------------------------------------------------------------------

    async def change(
        interaction: discord.Interaction,
        field: FilterList,
        action: Literal["add", "remove"],
        raw: str,
        usage_of: str,
    ) -> None:
        here = await here_for(interaction, change=True)
        language = await reply_language(interaction, commands, here)
        if not raw.strip():
            raise Usage(usage_of)
        result = await commands.change_list(here.key, field, action, raw, language=language)
        await send(interaction, VIEWS.change(result, language))

    async def show(interaction: discord.Interaction) -> None:
        here = await here_for(interaction)
        language = await reply_language(interaction, commands, here)
        settings = await commands.settings(here.key)
        if settings is None or settings.subscription is None:
            raise NotSubscribed(here.key)
        await send(interaction, _with_mention(VIEWS.filters(settings, language), settings, language))

    keywords = app_commands.Group(
        name=_("keywords"), description=_("Keywords: an item must contain one of them"), parent=news
    )
    exclude = app_commands.Group(
        name=_("exclude"), description=_("Excluded words: such items never come"), parent=news
    )
    countries = app_commands.Group(
        name=_("countries"), description=_("Countries: only items about these"), parent=news
    )
    keyword_help = _('Words, "a phrase" or a word start (oekra*); spaces or commas between them')
    country_help = _("A country: its name (Dutch or English), ISO code or flag")

    @keywords.command(name=_("add"), description=_("Add to the list"))
    @app_commands.describe(keyword=keyword_help)
    @app_commands.rename(keyword=_("keyword"))
    @answers
    async def keywords_add(interaction: discord.Interaction, keyword: str) -> None:
        await change(interaction, "include", "add", keyword, "keywords")

    @keywords.command(name=_("remove"), description=_("Remove from the list"))
    @app_commands.describe(keyword=keyword_help)
    @app_commands.rename(keyword=_("keyword"))
    @answers
    async def keywords_remove(interaction: discord.Interaction, keyword: str) -> None:
        await change(interaction, "include", "remove", keyword, "keywords")

    @keywords.command(name=_("list"), description=_("Show the list"))
    @answers
    async def keywords_list(interaction: discord.Interaction) -> None:
        await show(interaction)

    @exclude.command(name=_("add"), description=_("Add to the list"))
    @app_commands.describe(keyword=keyword_help)
    @app_commands.rename(keyword=_("keyword"))
    @answers
    async def exclude_add(interaction: discord.Interaction, keyword: str) -> None:
        await change(interaction, "exclude", "add", keyword, "exclude")

    @exclude.command(name=_("remove"), description=_("Remove from the list"))
    @app_commands.describe(keyword=keyword_help)
    @app_commands.rename(keyword=_("keyword"))
    @answers
    async def exclude_remove(interaction: discord.Interaction, keyword: str) -> None:
        await change(interaction, "exclude", "remove", keyword, "exclude")

    @countries.command(name=_("add"), description=_("Add to the list"))
    @app_commands.describe(country=country_help)
    @app_commands.rename(country=_("country"))
    @answers
    async def countries_add(interaction: discord.Interaction, country: str) -> None:
        await change(interaction, "countries", "add", country, "countries")

    @countries.command(name=_("remove"), description=_("Remove from the list"))
    @app_commands.describe(country=country_help)
    @app_commands.rename(country=_("country"))
    @answers
    async def countries_remove(interaction: discord.Interaction, country: str) -> None:
        await change(interaction, "countries", "remove", country, "countries")

    @countries.command(name=_("list"), description=_("Show the list"))
    @answers
    async def countries_list(interaction: discord.Interaction) -> None:
        await show(interaction)

    async def complete_country(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        language = await reply_language(interaction, commands)
        return [
            app_commands.Choice(name=name, value=code) for name, code in country_choices(current, language)
        ]

    countries_add.autocomplete("country")(complete_country)
    countries_remove.autocomplete("country")(complete_country)

    # --- the rest ---------------------------------------------------------------------------------------

    @news.command(name=_("filters"), description=_("Show everything that applies in this channel"))
    @answers
    async def filters(interaction: discord.Interaction) -> None:
        await show(interaction)

    @news.command(name=_("mode"), description=_("All items, or only those that pass the filters"))
    @app_commands.describe(mode=_("all or filtered"))
    @app_commands.rename(mode=_("mode"))
    @app_commands.choices(
        mode=[
            app_commands.Choice(name=_("filtered"), value="filtered"),
            app_commands.Choice(name=_("all"), value="all"),
        ]
    )
    @answers
    async def mode(interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        here = await here_for(interaction, change=True)
        language = await reply_language(interaction, commands, here)
        chosen: Literal["all", "filtered"] = "all" if mode.value == "all" else "filtered"
        await commands.set_mode(here.key, chosen)
        await send(interaction, t(language, f"mode_{chosen}"))

    async def set_paused(interaction: discord.Interaction, paused: bool) -> None:
        here = await here_for(interaction, change=True)
        language = await reply_language(interaction, commands, here)
        await commands.set_paused(here.key, paused)
        await send(interaction, t(language, "paused" if paused else "resumed"))

    @news.command(name=_("pause"), description=_("No new alerts until resume"))
    @answers
    async def pause(interaction: discord.Interaction) -> None:
        await set_paused(interaction, True)

    @news.command(name=_("resume"), description=_("Alerts again"))
    @answers
    async def resume(interaction: discord.Interaction) -> None:
        await set_paused(interaction, False)

    @news.command(name=_("latest"), description=_("The latest items that pass this channel's filters"))
    @app_commands.describe(count=_("How many (1-20, default 5)"))
    @app_commands.rename(count=_("count"))
    @answers
    async def latest(interaction: discord.Interaction, count: int | None = None) -> None:
        here = await here_for(interaction)
        language = await reply_language(interaction, commands, here)
        wanted = LATEST_DEFAULT if count is None else count
        if not 1 <= wanted <= LATEST_MAX:
            raise Usage("latest")
        await interaction.response.defer(ephemeral=True, thinking=True)
        events = await commands.latest(here.key, wanted)
        text = VIEWS.latest(
            events,
            language,
            digest=lambda alerts: _digest(alerts, language),
            fits=lambda text: len(text) <= CONTENT_LIMIT,
        )
        await send(interaction, text)

    @news.command(name=_("test"), description=_("Would this text alert here, and why?"))
    @app_commands.describe(text=_("The text of a news item, e.g. KYIV (ANP) - ..."))
    @app_commands.rename(text=_("text"))
    @answers
    async def test(interaction: discord.Interaction, text: str) -> None:
        here = await here_for(interaction)
        language = await reply_language(interaction, commands, here)
        if not text.strip():
            raise Usage("test")
        await interaction.response.defer(ephemeral=True, thinking=True)
        probe = await commands.probe(here.key, text, language=language)
        await send(interaction, VIEWS.probe(probe, language))

    @news.command(name=_("status"), description=_("Sources and this channel's queue"))
    @answers
    async def status(interaction: discord.Interaction) -> None:
        here = await here_for(interaction)
        language = await reply_language(interaction, commands, here)
        view = await commands.status(here.key)
        text = VIEWS.status(view, language, details=is_operator(deps.settings, interaction))
        reason = view.settings.destination.disabled_reason if view.settings else None
        if reason:
            text = Rendered(f"{text}\n{t(language, 'disabled_reason', reason=reason)}")
        await send(interaction, text)

    @news.command(name=_("language"), description=_("The language of this channel's alerts and replies"))
    @app_commands.describe(language=_("nl or en"))
    @app_commands.rename(language=_("language"))
    @app_commands.choices(
        language=[app_commands.Choice(name="nl", value="nl"), app_commands.Choice(name="en", value="en")]
    )
    @answers
    async def language_(interaction: discord.Interaction, language: app_commands.Choice[str]) -> None:
        here = await here_for(interaction, change=True)
        chosen: Language = "en" if language.value == "en" else "nl"
        settings = await commands.set_language(here.key, chosen)
        await send(interaction, t(settings.destination.language, "lang_set"))

    mention = app_commands.Group(
        name=_("mention"), description=_("Mention a role when an alert has certain keywords"), parent=news
    )

    @mention.command(name=_("role"), description=_("Mention this role when one of the keywords matches"))
    @app_commands.describe(
        role=_("The role to mention"), keyword=_("Keywords that make an alert mention the role")
    )
    @app_commands.rename(role=_("role"), keyword=_("keyword"))
    @answers
    async def mention_role(interaction: discord.Interaction, role: discord.Role, keyword: str) -> None:
        here = await here_for(interaction, change=True)
        language = await reply_language(interaction, commands, here)
        if role.is_default() or (interaction.guild_id is not None and role.guild.id != interaction.guild_id):
            raise Refused("mention_everyone")
        if not keyword.strip():
            raise Usage("mention")
        settings = await commands.set_mention(here.key, str(role.id), keyword)
        shown = ", ".join(settings.destination.mention_keywords)
        await send(interaction, t(language, "mention_set", keywords=shown, role=Rendered(role.mention)))

    @mention.command(name=_("off"), description=_("Mention no role any more"))
    @answers
    async def mention_off(interaction: discord.Interaction) -> None:
        here = await here_for(interaction, change=True)
        language = await reply_language(interaction, commands, here)
        await commands.set_mention(here.key, None)
        await send(interaction, t(language, "mention_off"))

    return news


def _digest(alerts: Any, language: Language) -> str:
    return plain_digest(
        alerts, language=language, limit=CONTENT_LIMIT, escape=escape_discord, link=lambda u: f"<{u}>"
    )


def _with_mention(text: Rendered, settings: Any, language: str) -> Rendered:
    dest = settings.destination
    if not dest.mention_role:
        return text
    line = t(
        language,
        "mention_line",
        role=Rendered(f"<@&{dest.mention_role}>"),
        keywords=", ".join(dest.mention_keywords),
    )
    return Rendered(f"{text}\n{line}")
