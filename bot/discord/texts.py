"""What the Discord bot says in its own syntax (slash commands, permissions), on top of `bot.chat.texts`, in
Discord markdown; and the Dutch names and descriptions of the `/news` commands (`DUTCH`, for the translator).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.chat.render import ChatViews
from bot.chat.texts import Markup, Rendered, Texts
from bot.formatting.discord_embed import escape_discord

__all__ = ["DUTCH", "MARKUP", "TEXTS", "USAGE", "VIEWS", "t", "usage"]

# Code spans show backslashes literally, so the three tags become bold and italics only.
MARKUP = Markup(
    escape=escape_discord,
    tags={"<b>": "**", "</b>": "**", "<i>": "*", "</i>": "*", "<code>": "**", "</code>": "**"},
)
_NAMES = {
    "nl": {
        "here": "dit kanaal",
        "Here": "Dit kanaal",
        "start": "`/news subscribe`",
        "resume": "`/news resume`",
    },
    "en": {
        "here": "this channel",
        "Here": "This channel",
        "heres": "this channel's",
        "Heres": "This channel's",
        "start": "`/news subscribe`",
        "resume": "`/news resume`",
    },
}
_OWN: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "subscribed": "✅ {channel} krijgt nu breaking news van wirewatch.",
        "subscribed_again": "✅ Welkom terug: {channel} krijgt weer alerts. De filters zijn bewaard gebleven.",
        "subscribed_already": "✅ {channel} krijgt al alerts.",
        "howto": (
            "Zonder filters komt álles. Zo maak je het kleiner:\n"
            "• /news keywords add — alleen berichten met een van deze woorden\n"
            "• /news countries add — alleen berichten over deze landen\n"
            "• /news exclude add — nooit berichten met deze woorden\n"
            "• /news mode — alles, of alleen wat door de filters komt\n"
            "/news filters laat zien wat er geldt."
        ),
        "unsubscribed": "⛔ {channel} krijgt geen alerts meer. De filters zijn bewaard; /news subscribe gaat verder.",
        "not_admin": (
            "Sorry, alleen leden met de permissie **Server beheren** kunnen de alerts van deze server "
            "instellen. /news filters laat zien wat er nu geldt."
        ),
        "guild_only": "Dit commando werkt alleen in een server.",
        "other_guild": "Dat kanaal hoort niet bij deze server.",
        "not_text_channel": "Alerts kunnen alleen naar een tekstkanaal, een aankondigingskanaal of een thread.",
        "bot_cannot_post": "Ik kan niet posten in {channel}: geef mij daar de permissie {missing}.",
        "mention_set": "🔔 Alerts met {keywords} noemen nu {role}.",
        "mention_off": "🔕 Alerts noemen geen rol meer.",
        "mention_everyone": "Die rol kan ik niet noemen: kies een gewone rol, niet @everyone.",
        "mention_line": "Vermelding: {role} bij {keywords}",
        "disabled_reason": "Reden: {reason}",
        "webhook": "webhook",
    },
    "en": {
        "subscribed": "✅ {channel} now gets breaking news from wirewatch.",
        "subscribed_again": "✅ Welcome back: {channel} gets alerts again. Its filters were kept.",
        "subscribed_already": "✅ {channel} already gets alerts.",
        "howto": (
            "Without filters everything comes. To narrow it down:\n"
            "• /news keywords add — only items with one of these words\n"
            "• /news countries add — only items about these countries\n"
            "• /news exclude add — never items with these words\n"
            "• /news mode — everything, or only what passes the filters\n"
            "/news filters shows what applies."
        ),
        "unsubscribed": "⛔ {channel} gets no more alerts. Its filters are kept; /news subscribe carries on.",
        "not_admin": (
            "Sorry, only members with the **Manage Server** permission can set up this server's alerts. "
            "/news filters shows what applies now."
        ),
        "guild_only": "This command works in a server only.",
        "other_guild": "That channel is not in this server.",
        "not_text_channel": "Alerts can only go to a text channel, an announcement channel or a thread.",
        "bot_cannot_post": "I cannot post in {channel}: give me the {missing} permission there.",
        "mention_set": "🔔 Alerts with {keywords} now mention {role}.",
        "mention_off": "🔕 Alerts mention no role any more.",
        "mention_everyone": "I cannot mention that role: pick an ordinary role, not @everyone.",
        "mention_line": "Mention: {role} for {keywords}",
        "disabled_reason": "Reason: {reason}",
        "webhook": "webhook",
    },
}

# command -> (usage, example) per language, for replies to bad arguments.
USAGE: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "nl": {
        "keywords": (
            "/news keywords add keyword: woorden",
            '/news keywords add keyword: iran "witte huis" oekra*',
        ),
        "exclude": ("/news exclude add keyword: woorden", "/news exclude add keyword: voetbal"),
        "countries": ("/news countries add country: land", "/news countries add country: Oekraïne"),
        "latest": ("/news latest count: 1-20", "/news latest count: 10"),
        "test": ("/news test text: tekst van een bericht", "/news test text: KYIV (ANP) - Rusland valt aan"),
        "mention": (
            "/news mention role: @rol keyword: woorden",
            "/news mention role: @breaking keyword: aardbeving",
        ),
    },
    "en": {
        "keywords": (
            "/news keywords add keyword: words",
            '/news keywords add keyword: iran "white house" ukrain*',
        ),
        "exclude": ("/news exclude add keyword: words", "/news exclude add keyword: football"),
        "countries": ("/news countries add country: country", "/news countries add country: Ukraine"),
        "latest": ("/news latest count: 1-20", "/news latest count: 10"),
        "test": ("/news test text: text of a news item", "/news test text: KYIV (ANP) - Russia attacks"),
        "mention": (
            "/news mention role: @role keyword: words",
            "/news mention role: @breaking keyword: earthquake",
        ),
    },
}

TEXTS = Texts(markup=MARKUP, words=_NAMES, own=_OWN)
t = TEXTS.t
VIEWS = ChatViews(TEXTS)


def usage(language: str, command: str) -> Rendered:
    """The usage line and an example for `command`."""
    line, example = USAGE["en" if language == "en" else "nl"][command]
    return t(language, "usage", usage=line, example=example)


# The Dutch names and descriptions of the commands and their options (English is the default). Names are
# what Discord shows a Dutch client; interactions always carry the default (English) names.
DUTCH: Mapping[str, str] = {
    "news": "nieuws",
    "Breaking news from wirewatch in this server": "Breaking news van wirewatch in deze server",
    "subscribe": "abonneren",
    "Alerts in this channel (or the one you name)": "Alerts in dit kanaal (of het kanaal dat je noemt)",
    "unsubscribe": "opzeggen",
    "Stop alerts in this channel (or the one you name); the filters are kept": (
        "Geen alerts meer in dit kanaal (of het genoemde); de filters blijven bewaard"
    ),
    "channel": "kanaal",
    "A text channel, announcement channel or thread (default: this one)": (
        "Een tekstkanaal, aankondigingskanaal of thread (standaard: dit kanaal)"
    ),
    "keywords": "trefwoorden",
    "Keywords: an item must contain one of them": "Trefwoorden: een bericht moet er een bevatten",
    "exclude": "uitsluiten",
    "Excluded words: such items never come": "Uitsluitingen: zulke berichten komen nooit",
    "countries": "landen",
    "Countries: only items about these": "Landen: alleen berichten hierover",
    "add": "toevoegen",
    "remove": "verwijderen",
    "list": "lijst",
    "Add to the list": "Aan de lijst toevoegen",
    "Remove from the list": "Uit de lijst halen",
    "Show the list": "De lijst tonen",
    "keyword": "trefwoord",
    'Words, "a phrase" or a word start (oekra*); spaces or commas between them': (
        'Woorden, "een woordgroep" of een woordbegin (oekra*); spaties of komma\'s ertussen'
    ),
    "country": "land",
    "A country: its name (Dutch or English), ISO code or flag": "Een land: naam (Nederlands of Engels), ISO-code of vlag",
    "filters": "filters",
    "Show everything that applies in this channel": "Laat zien wat er in dit kanaal geldt",
    "mode": "modus",
    "All items, or only those that pass the filters": "Alle berichten, of alleen wat door de filters komt",
    "all or filtered": "alles of gefilterd",
    "filtered": "gefilterd",
    "all": "alles",
    "pause": "pauzeren",
    "No new alerts until resume": "Geen nieuwe alerts tot hervatten",
    "resume": "hervatten",
    "Alerts again": "Weer alerts",
    "latest": "laatste",
    "The latest items that pass this channel's filters": "De laatste berichten die door de filters van dit kanaal komen",
    "count": "aantal",
    "How many (1-20, default 5)": "Hoeveel (1-20, standaard 5)",
    "test": "test",
    "Would this text alert here, and why?": "Zou deze tekst hier een alert geven, en waarom?",
    "text": "tekst",
    "The text of a news item, e.g. KYIV (ANP) - ...": "De tekst van een bericht, bv. KYIV (ANP) - ...",
    "status": "status",
    "Sources and this channel's queue": "Bronnen en de wachtrij van dit kanaal",
    "language": "taal",
    "The language of this channel's alerts and replies": "De taal van de alerts en antwoorden in dit kanaal",
    "nl or en": "nl of en",
    "mention": "vermelding",
    "Mention a role when an alert has certain keywords": "Een rol noemen als een alert bepaalde trefwoorden heeft",
    "Mention this role when one of the keywords matches": "Deze rol noemen als een van de trefwoorden past",
    "role": "rol",
    "The role to mention": "De rol die genoemd wordt",
    "Keywords that make an alert mention the role": "Trefwoorden waarbij een alert de rol noemt",
    "off": "uit",
    "Mention no role any more": "Geen rol meer noemen",
}
