"""`/news`: the synced tree, every subcommand with and without Manage Server, autocomplete, bad arguments,
languages. Real discord.py against the fake; real SQLite."""

from __future__ import annotations

from typing import Any

import pytest

from bot.discord.keys import channel_key
from storage.destinations import get_destination
from storage.subscriptions import get_subscription
from tests.bot.discord.conftest import Env
from tests.fakes.discord import ADMINISTRATOR, PUBLIC_THREAD

TREE = {
    "subscribe": ["channel"],
    "unsubscribe": ["channel"],
    "keywords": {"add": ["keyword"], "remove": ["keyword"], "list": []},
    "exclude": {"add": ["keyword"], "remove": ["keyword"]},
    "countries": {"add": ["country"], "remove": ["country"], "list": []},
    "filters": [],
    "mode": ["mode"],
    "pause": [],
    "resume": [],
    "latest": ["count"],
    "test": ["text"],
    "status": [],
    "language": ["language"],
    "mention": {"role": ["role", "keyword"], "off": []},
}


def _shape(options: list[dict[str, Any]]) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for option in options:
        if option["type"] == 2:
            shape[option["name"]] = _shape(option["options"])
        else:
            shape[option["name"]] = [o["name"] for o in option.get("options", [])]
    return shape


async def test_the_tree_is_one_guild_only_group_for_manage_server(env: Env) -> None:
    guild, payload = env.fake.command_syncs[-1]
    assert guild is None  # no guild_ids: synced globally
    (news,) = payload
    assert news["name"] == "news" and news["type"] == 1
    assert int(news["default_member_permissions"]) == 1 << 5  # Manage Server
    assert news.get("contexts") == [0] or news.get("dm_permission") is False
    assert _shape(news["options"]) == TREE
    assert news["name_localizations"]["nl"] == "nieuws"
    subscribe = next(o for o in news["options"] if o["name"] == "subscribe")
    assert subscribe["name_localizations"] == {"nl": "abonneren"}
    assert sorted(subscribe["options"][0]["channel_types"]) == [0, 5, 10, 11, 12]
    mode = next(o for o in news["options"] if o["name"] == "mode")["options"][0]
    assert [c["value"] for c in mode["choices"]] == ["filtered", "all"]
    assert env.fake.identifies[0]["intents"] == 1


async def test_subscribe_then_filters_in_dutch(env: Env) -> None:
    start = await env.news("subscribe")
    keywords = await env.news("keywords add", {"keyword": 'iran "witte huis"'})
    countries = await env.news("countries add", {"country": "UA"})
    excluded = await env.news("exclude add", {"keyword": "voetbal"})
    shown = await env.news("filters")

    assert start.ephemeral and "krijgt nu breaking news" in start.content
    assert f"<#{env.channel.id}>" in start.content
    assert 'Toegevoegd: iran, "witte huis"' in keywords.content
    assert "Toegevoegd: 🇺🇦 Oekraïne (UA)" in countries.content
    assert "Toegevoegd: voetbal" in excluded.content
    assert all(r.ephemeral for r in (keywords, countries, excluded, shown))
    assert 'Trefwoorden: iran, "witte huis"' in shown.content and "Uitsluitingen: voetbal" in shown.content
    sub = await env.store.run(get_subscription, channel_key(env.channel.id))
    assert sub is not None and sub.include == ("iran", '"witte huis"') and sub.countries == ("UA",)
    assert sub.exclude == ("voetbal",)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("unsubscribe", {}),
        ("keywords add", {"keyword": "iran"}),
        ("keywords remove", {"keyword": "iran"}),
        ("exclude add", {"keyword": "voetbal"}),
        ("exclude remove", {"keyword": "voetbal"}),
        ("countries add", {"country": "UA"}),
        ("countries remove", {"country": "UA"}),
        ("mode", {"mode": "all"}),
        ("pause", {}),
        ("resume", {}),
        ("language", {"language": "en"}),
        ("mention off", {}),
    ],
)
async def test_changes_need_manage_server_and_change_nothing_without(
    env: Env, command: str, options: dict[str, Any]
) -> None:
    await env.news("subscribe")
    before = await env.store.run(get_subscription, channel_key(env.channel.id))

    refused = await env.news(command, options, user=env.member, permissions=0)

    assert refused.ephemeral and "Server beheren" in refused.content
    assert await env.store.run(get_subscription, channel_key(env.channel.id)) == before
    dest = await env.store.run(get_destination, channel_key(env.channel.id))
    assert dest is not None and dest.language == "nl" and not dest.paused and dest.disabled_reason is None

    allowed = await env.news(command, options, user=env.member, permissions=ADMINISTRATOR)
    assert "Server beheren" not in allowed.content


async def test_subscribe_and_mention_need_manage_server_too(env: Env) -> None:
    role = env.fake.add_role(env.guild, "breaking")
    refused = await env.news("subscribe", user=env.member, permissions=0)
    assert "Server beheren" in refused.content
    assert await env.store.run(get_destination, channel_key(env.channel.id)) is None
    await env.news("subscribe")
    refused = await env.news(
        "mention role", {"role": role, "keyword": "aardbeving"}, user=env.member, permissions=0
    )
    assert "Server beheren" in refused.content
    dest = await env.store.run(get_destination, channel_key(env.channel.id))
    assert dest is not None and dest.mention_role is None


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("filters", {}, "Status: ✅ actief"),
        ("keywords list", {}, "Trefwoorden: iran"),
        ("countries list", {}, "Landen: geen (alle landen)"),
        ("latest", {"count": 3}, "Er zijn nog geen berichten"),
        ("test", {"text": "KYIV (ANP) - Raketten op de hoofdstad"}, "Deze tekst zou hier een alert geven"),
        ("status", {}, "Dit kanaal"),
    ],
)
async def test_reading_is_open_to_every_member(
    env: Env, command: str, options: dict[str, Any], expected: str
) -> None:
    await env.news("subscribe")
    await env.news("keywords add", {"keyword": "iran"})
    await env.news("mode", {"mode": "all"})

    reply = await env.news(command, options, user=env.member, permissions=0)

    assert reply.ephemeral and expected in reply.content, reply.content


async def test_pause_resume_mode_language_and_unsubscribe(env: Env) -> None:
    await env.news("subscribe")
    paused = await env.news("pause")
    resumed = await env.news("resume")
    mode = await env.news("mode", {"mode": "all"})
    english = await env.news("language", {"language": "en"})
    shown = await env.news("filters")
    stopped = await env.news("unsubscribe")
    again = await env.news("subscribe")

    assert "Gepauzeerd" in paused.content and "weer aan" in resumed.content
    assert "Modus **alles**" in mode.content
    assert "language is now English" in english.content
    assert "Language: English" in shown.content  # the channel's language wins over the server's
    assert "gets no more alerts" in stopped.content
    assert "Welcome back" in again.content


async def test_a_thread_is_a_channel_of_its_own(env: Env) -> None:
    thread = env.fake.add_thread(env.channel, "Oekraïne")
    reply = await env.news("subscribe", channel=thread)
    assert "krijgt nu breaking news" in reply.content
    assert await env.store.run(get_subscription, channel_key(thread.id)) is not None
    assert await env.store.run(get_subscription, channel_key(env.channel.id)) is None
    assert thread.type == PUBLIC_THREAD


async def test_subscribe_names_another_channel_of_this_server(env: Env) -> None:
    other = await env.fake.channel_create(env.guild, "ander-nieuws")
    reply = await env.news("subscribe", {"channel": other})
    assert f"<#{other.id}>" in reply.content
    assert await env.store.run(get_subscription, channel_key(other.id)) is not None


async def test_a_channel_of_another_server_is_refused(env: Env) -> None:
    elsewhere = env.fake.add_guild("Elders")
    foreign = env.fake.add_channel(elsewhere, "news")
    reply = await env.news("subscribe", {"channel": foreign})
    assert reply.ephemeral and "hoort niet bij deze server" in reply.content
    assert await env.store.run(get_destination, channel_key(foreign.id)) is None


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("countries add", {"country": "Oekriane"}, 'Onbekend land "Oekriane". Bedoel je: Oekraïne (UA)?'),
        ("keywords add", {"keyword": "   "}, "Gebruik: **/news keywords add keyword: woorden**"),
        ("keywords add", {"keyword": "x" * 2000}, "is te lang: hooguit 100 tekens"),
        ("keywords add", {"keyword": "a*"}, "a*"),
        ("latest", {"count": 50}, "Gebruik: **/news latest count: 1-20**"),
        ("test", {"text": " "}, "Gebruik"),
    ],
)
async def test_bad_arguments_get_a_helpful_reply(
    env: Env, command: str, options: dict[str, Any], expected: str
) -> None:
    await env.news("subscribe")
    reply = await env.news(command, options)
    assert reply.ephemeral and expected in reply.content.replace("\\", ""), reply.content
    sub = await env.store.run(get_subscription, channel_key(env.channel.id))
    assert sub is not None and sub.include == () and sub.countries == ()


async def test_country_autocomplete_over_codes_and_both_languages(env: Env) -> None:
    dutch = await env.fake.autocomplete(
        env.guild, env.channel, env.admin, "news countries add", {"country": "oekr"}, focused="country"
    )
    english = await env.fake.autocomplete(
        env.guild, env.channel, env.admin, "news countries add", {"country": "ukra"}, focused="country"
    )
    code = await env.fake.autocomplete(
        env.guild, env.channel, env.admin, "news countries add", {"country": "de"}, focused="country"
    )
    empty = await env.fake.autocomplete(
        env.guild, env.channel, env.admin, "news countries remove", {"country": ""}, focused="country"
    )

    assert dutch.choices[0] == {"name": "🇺🇦 Oekraïne (UA)", "value": "UA"}
    assert english.choices[0]["value"] == "UA"
    assert code.choices[0]["value"] == "DE"
    assert [c["value"] for c in empty.choices][:3] == ["NL", "BE", "DE"] and len(empty.choices) <= 25


async def test_replies_follow_the_servers_locale(env: Env) -> None:
    english_guild = env.fake.add_guild("News", preferred_locale="en-US")
    channel = env.fake.add_channel(english_guild, "alerts")
    env.fake.add_member(english_guild, env.admin)
    reply = await env.news("subscribe", guild=english_guild, channel=channel)
    refused = await env.news("pause", guild=english_guild, channel=channel, user=env.member, permissions=0)
    assert "now gets breaking news" in reply.content
    assert "Manage Server" in refused.content


async def test_mention_role_and_off(env: Env) -> None:
    role = env.fake.add_role(env.guild, "breaking")
    await env.news("subscribe")
    everyone = await env.news("mention role", {"role": env.guild.id, "keyword": "x"})
    reply = await env.news("mention role", {"role": role, "keyword": "aardbeving tsunami*"})
    shown = await env.news("filters")
    dest = await env.store.run(get_destination, channel_key(env.channel.id))
    off = await env.news("mention off")
    after = await env.store.run(get_destination, channel_key(env.channel.id))

    assert "@everyone" in everyone.content
    assert f"<@&{role.id}>" in reply.content and "aardbeving" in reply.content
    assert f"<@&{role.id}>" in shown.content
    assert (
        dest is not None
        and dest.mention_role == str(role.id)
        and dest.mention_keywords == ("aardbeving", "tsunami*")
    )
    assert "geen rol meer" in off.content and after is not None and after.mention_role is None
    assert reply.raw is not None
