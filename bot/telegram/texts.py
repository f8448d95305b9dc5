"""What the Telegram bot says in its own syntax (commands, buttons, channels), on top of `bot.chat.texts`.

`TEXTS.t(language, key, **values)` (or `t`) fills one text in Telegram HTML; values are escaped unless
`Rendered`. `COMMANDS` feeds `setMyCommands`, `USAGE` the replies to bad arguments (a usage line and an example).
"""

from __future__ import annotations

import html

from bot.chat.render import ChatViews
from bot.chat.texts import Markup, Rendered, Texts, language_of

__all__ = ["COMMANDS", "MARKUP", "TEXTS", "USAGE", "VIEWS", "Rendered", "language_of", "t", "usage"]


# (command, Dutch description, English description) for setMyCommands, in menu order.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "Alerts in deze chat aanzetten", "Get alerts in this chat"),
    ("filters", "Laat zien wat er geldt", "Show everything that applies"),
    ("keywords", "Trefwoorden: add, remove, clear", "Keywords: add, remove, clear"),
    ("exclude", "Uitsluitingen: add, remove, clear", "Excluded words: add, remove, clear"),
    ("countries", "Landen: add, remove, clear", "Countries: add, remove, clear"),
    ("mode", "all (alles) of filtered (gefilterd)", "all or filtered"),
    ("latest", "Laatste berichten die passen", "Latest matching items"),
    ("test", "Zou deze tekst hier een alert geven?", "Would this text alert here?"),
    ("pause", "Alerts pauzeren", "Pause alerts"),
    ("resume", "Alerts weer aanzetten", "Resume alerts"),
    ("status", "Bronnen en wachtrij", "Sources and queue"),
    ("lang", "Taal: nl of en", "Language: nl or en"),
    ("subscribe_channel", "Een kanaal abonneren (privé)", "Subscribe a channel (in private)"),
    ("stop", "Alerts in deze chat stoppen", "Stop alerts in this chat"),
    ("help", "Alle commando's", "All commands"),
)

# command -> (usage, example); "{words}" etc. are filled per language from _WORDS.
USAGE: dict[str, tuple[str, str]] = {
    "keywords": ("/keywords add|remove|clear {words}", '/keywords add iran "{phrase}" oekra*'),
    "exclude": ("/exclude add|remove|clear {words}", "/exclude add {sport}"),
    "countries": ("/countries add|remove|clear {countries}", "/countries add {ukraine}, VS, 🇫🇷"),
    "mode": ("/mode all|filtered", "/mode filtered"),
    "latest": ("/latest [{count} 1-20]", "/latest 10"),
    "test": ("/test {text}", "/test KYIV (ANP) - {attack}"),
    "lang": ("/lang nl|en", "/lang en"),
    "subscribe_channel": ("/subscribe_channel @{channel}", "/subscribe_channel @wirewatch_nieuws"),
}
_WORDS = {
    "nl": {
        "words": "woorden",
        "phrase": "witte huis",
        "sport": "voetbal",
        "countries": "landen",
        "ukraine": "Oekraïne",
        "count": "aantal",
        "text": "tekst van een bericht",
        "attack": "Rusland valt Oekraïne aan",
        "channel": "kanaalnaam",
    },
    "en": {
        "words": "words",
        "phrase": "white house",
        "sport": "football",
        "countries": "countries",
        "ukraine": "Ukraine",
        "count": "number",
        "text": "text of a news item",
        "attack": "Russia attacks Ukraine",
        "channel": "channel_name",
    },
}

_OWN: dict[str, dict[str, str]] = {
    "nl": {
        "start_new": "✅ Deze chat krijgt nu breaking news van wirewatch.",
        "start_again": "✅ Welkom terug: deze chat krijgt weer alerts. De filters zijn bewaard gebleven.",
        "start_already": "✅ Deze chat krijgt al alerts.",
        "howto": "Zonder filters krijg je álle berichten. Zo maak je het kleiner:\n"
        '• /keywords add iran "witte huis" — alleen berichten met een van deze woorden\n'
        "• /countries add Oekraïne, VS — alleen berichten over deze landen\n"
        "• /exclude add voetbal — nooit berichten met deze woorden\n"
        "• /mode all — toch alles\n\n"
        'Voorbeeld: <code>/keywords add oekra* "witte huis"</code>\n'
        "/filters laat zien wat er geldt, /help geeft alle commando's.",
        "help": "<b>wirewatch</b> stuurt breaking news naar deze chat, gefilterd zoals jij wilt.\n\n"
        "/start — alerts aanzetten · /stop — stoppen (filters blijven bewaard)\n"
        "/filters — laat zien wat er geldt\n"
        "/keywords add|remove|clear … — trefwoorden: een bericht moet er één bevatten\n"
        "/exclude add|remove|clear … — uitsluitingen: zulke berichten komen nooit\n"
        "/countries add|remove|clear … — landen (naam, code of vlag)\n"
        "/mode all|filtered — alles, of alleen wat door je filters komt\n"
        "/pause, /resume — tijdelijk geen alerts\n"
        "/latest [n] — de laatste n berichten die passen (1-20)\n"
        "/test tekst — zou deze tekst hier een alert geven, en waarom?\n"
        "/status — bronnen en wachtrij · /lang nl|en — taal\n\n"
        "<b>Trefwoorden</b>: gescheiden door spaties of komma's; "
        '"aanhalingstekens" voor een woordgroep; een * aan het eind voor het begin van een woord '
        "(oekra*). Hoofdletters en accenten maken niet uit; alleen hele woorden tellen.\n\n"
        "<b>Groepen</b>: alleen beheerders kunnen instellingen wijzigen. In een forum krijgt elk "
        "onderwerp zijn eigen abonnement.\n"
        "<b>Kanalen</b>: maak mij beheerder van het kanaal (met recht om te posten) en stuur mij privé "
        "<code>/subscribe_channel @kanaal</code>. Daarna werken de commando's met het kanaal erbij, "
        "bv. <code>/keywords @kanaal add iran</code>.",
        "not_admin": "Sorry, alleen beheerders van deze groep kunnen de instellingen wijzigen. "
        "/filters laat zien wat er nu geldt.",
        "not_channel_admin": "Sorry, je bent geen beheerder van {channel}, dus je kunt het niet instellen.",
        "channel_not_found": "Ik kan {channel} niet vinden. Is het een openbaar kanaal en heb je mij er als beheerder "
        "aan toegevoegd?",
        "bot_cannot_post": "Ik mag nog niet posten in {channel}. Maak mij beheerder van het kanaal met het recht om "
        "berichten te plaatsen, en probeer het opnieuw.",
        "not_a_channel": "{channel} is geen kanaal. Stuur /start in de groep zelf.",
        "private_only": "Dit commando werkt in een privégesprek met mij.",
        "channel_subscribed": "✅ {channel} krijgt nu alerts. Stel het in door het kanaal voor het commando te zetten, bv.\n"
        "<code>/keywords {channel} add iran</code> · <code>/filters {channel}</code> · "
        "<code>/stop {channel}</code>",
        "channel_again": "✅ {channel} krijgt weer alerts; de filters zijn bewaard gebleven.",
        "channel_already": "✅ {channel} krijgt al alerts. <code>/filters {channel}</code> laat zien wat er geldt.",
        "target": "📢 {channel}",
        "stop_confirm": "Alerts in deze chat stoppen? De filters blijven bewaard; met /start gaat het weer verder.",
        "stop_yes": "Ja, stoppen",
        "stop_no": "Nee",
        "suggest": "Tik op een land om het toe te voegen:",
        "picker": "Of tik op een land hieronder om het aan of uit te zetten.",
        "country_added": "✅ {country} toegevoegd aan de landen.",
        "hello_group": "Hallo! Een beheerder kan /start sturen om hier breaking news te krijgen.",
    },
    "en": {
        "start_new": "✅ This chat now gets breaking news from wirewatch.",
        "start_again": "✅ Welcome back: this chat gets alerts again. Its filters were kept.",
        "start_already": "✅ This chat already gets alerts.",
        "howto": "Without filters you get every item. To narrow it down:\n"
        '• /keywords add iran "white house" — only items with one of these words\n'
        "• /countries add Ukraine, US — only items about these countries\n"
        "• /exclude add football — never items with these words\n"
        "• /mode all — everything after all\n\n"
        'Example: <code>/keywords add ukrain* "white house"</code>\n'
        "/filters shows what applies, /help lists every command.",
        "help": "<b>wirewatch</b> sends breaking news to this chat, filtered the way you like.\n\n"
        "/start — switch alerts on · /stop — stop (filters are kept)\n"
        "/filters — show everything that applies\n"
        "/keywords add|remove|clear … — keywords: an item must contain one\n"
        "/exclude add|remove|clear … — excluded words: such items never come\n"
        "/countries add|remove|clear … — countries (name, code or flag)\n"
        "/mode all|filtered — everything, or only what passes your filters\n"
        "/pause, /resume — no alerts for a while\n"
        "/latest [n] — the latest n matching items (1-20)\n"
        "/test text — would this text alert here, and why?\n"
        "/status — sources and queue · /lang nl|en — language\n\n"
        "<b>Keywords</b>: separated by spaces or commas; "
        '"quotes" for a phrase; a * at the end for the start of a word (ukrain*). '
        "Case and accents do not matter; only whole words count.\n\n"
        "<b>Groups</b>: only administrators can change settings. In a forum every topic has its own "
        "subscription.\n"
        "<b>Channels</b>: make me an administrator of the channel (allowed to post) and send me, in "
        "private, <code>/subscribe_channel @channel</code>. Then the commands work with the channel "
        "added, e.g. <code>/keywords @channel add iran</code>.",
        "not_admin": "Sorry, only administrators of this group can change its settings. "
        "/filters shows what applies now.",
        "not_channel_admin": "Sorry, you are not an administrator of {channel}, so you cannot set it up.",
        "channel_not_found": "I cannot find {channel}. Is it a public channel, and did you add me as an administrator?",
        "bot_cannot_post": "I may not post in {channel} yet. Make me an administrator of the channel who may post "
        "messages, then try again.",
        "not_a_channel": "{channel} is not a channel. Send /start in the group itself.",
        "private_only": "This command works in a private chat with me.",
        "channel_subscribed": "✅ {channel} now gets alerts. Set it up by putting the channel before a command's words, e.g.\n"
        "<code>/keywords {channel} add iran</code> · <code>/filters {channel}</code> · "
        "<code>/stop {channel}</code>",
        "channel_again": "✅ {channel} gets alerts again; its filters were kept.",
        "channel_already": "✅ {channel} already gets alerts. <code>/filters {channel}</code> shows what applies.",
        "target": "📢 {channel}",
        "stop_confirm": "Stop alerts in this chat? Its filters are kept; /start carries on.",
        "stop_yes": "Yes, stop",
        "stop_no": "No",
        "suggest": "Tap a country to add it:",
        "picker": "Or tap a country below to switch it on or off.",
        "country_added": "✅ {country} added to the countries.",
        "hello_group": "Hello! An administrator can send /start to get breaking news here.",
    },
}


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


MARKUP = Markup(
    escape=_escape, tags={tag: tag for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>")}
)
_NAMES = {
    "nl": {"here": "deze chat", "Here": "Deze chat", "start": "/start", "resume": "/resume"},
    "en": {
        "here": "this chat",
        "Here": "This chat",
        "heres": "this chat's",
        "Heres": "This chat's",
        "start": "/start",
        "resume": "/resume",
    },
}
TEXTS = Texts(markup=MARKUP, words=_NAMES, own=_OWN)
t = TEXTS.t
VIEWS = ChatViews(TEXTS)


def usage(language: str, command: str) -> Rendered:
    """The usage line and an example for `command`."""
    line, example = USAGE[command]
    words = _WORDS["en" if language == "en" else "nl"]
    return t(language, "usage", usage=line.format(**words), example=example.format(**words))
