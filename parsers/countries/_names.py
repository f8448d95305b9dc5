"""When a place name in running text does not stand for its place.

- **Part of another name.** A person's ("Kamerlid Jan Polen", "minister Van Engeland", "Peter van Engeland",
  "woordvoerder Holland"), an organisation's, club's or publication's ("Washington Post", "Real Madrid",
  "Paris Saint-Germain", "Times of India", "Universiteit van Amsterdam"), or a bigger place's
  ("Nieuw-Amsterdam", "New Holland"): a capitalised word that is no function word, title, compass point or
  country word stands right before or after the place, or a hyphenated prefix does.
- **A cited source.** The nationality of a news agency, paper or broadcaster that the news comes from
  ("volgens het Britse persbureau Reuters", "Israeli media reported", "Israel's Haaretz newspaper") says
  nothing about what the news is about.

`judge` answers for one match: `None` (the place counts), `"person"` (a surname: later bare mentions of it
are that person too), `"name"` (part of another name) or `"source"` (a cited source's nationality).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from parsers.countries._text import fold_key, word_set

__all__ = ["NEUTRAL", "judge", "title_case", "word_after", "word_before"]

# Capitalised words that may stand next to a place without making it part of a name ("in Jordan",
# "President of Chad", "Jordan's"), lower-cased.
NEUTRAL = word_set(
    """
    de het een en in op van voor naar uit met bij door over tegen tussen na om aan als dat die dit deze toen
    ook maar nu zo wel niet volgens sinds tijdens zowel noch of want dus toch zelfs alleen buurland
    the a an and in on of for to from with at by as but or nor while after before since during also both
    neighbouring neighboring northern southern eastern western central president premier minister king
    queen prince koning koningin prins regering government army leger state staat republic republiek
    foreign buitenlandse defence defense interior prime crown police politie
    """
)
# ... and more that may stand before a place: compass points, parts of a city or country, eras, titles.
_NEUTRAL_BEFORE = NEUTRAL | word_set(
    """
    noord zuid oost west midden centraal noordoost noordwest zuidoost zuidwest north south east
    northeast northwest southeast southwest downtown midtown uptown lower upper inner outer greater old
    nazi communist soviet sovjet imperial mainland occupied tsarist ottoman colonial hartje regio provincie
    kingdom koninkrijk emirate emiraat sultanate sultanaat principality vorstendom federation federatie
    duchy union unie leader leiders ruler emir sultan sheikh shah chancellor kanselier ambassador
    ambassadeur embassy ambassade consulate envoy gezant governor gouverneur mayor burgemeester senator
    secretary duke duchess princess archbishop patriarch pope paus vice deputy chief speaker parliament
    parlement people citizens residents inwoners rest part parts deel delen region province county city
    capital hoofdstad island islands eiland coast kust heel all whole across throughout within outside
    inside near beyond toward towards against despite without about into onto upon under over
    one two three some many most much several few each any none half
    prix gp open spelen games kampioenschap kampioenschappen championship championships tour ronde rally
    marathon race classic
    station luchthaven vliegveld haven centrum binnenstad gemeente rechtbank gerechtshof hof brandweer
    veiligheidsregio waterschap lake meer mount
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    """
)
# Capitalised words that may follow a place: institutions and parts of the country, geography, dates.
_NEUTRAL_AFTER = NEUTRAL | word_set(
    """
    city stad island islands eiland eilanden state province provincie region regio county oblast district
    governorate valley strait peninsula coast border grens river sea zee gulf bay mountains
    ministry ministerie health defense defence foreign interior justice finance forces army navy air
    coast guard police embassy ambassade consulate government parliament senate congress military
    national central supreme federal armed special presidential prime president minister cabinet
    war oorlog crisis conflict peace talks summit deal election elections
    mayor governor senator senators attorney general secretary chief commander commissioner ambassador
    envoy spokesman spokeswoman representative congressman congresswoman republicans democrats lieutenant
    legislature assembly council court judge sheriff department officials authorities airport centraal
    station harbour harbor port
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    """
)
# Words that make the place before them part of a name wherever it stands: publications, clubs, companies.
_NAME_TAILS = word_set(
    """
    post times journal herald tribune gazette chronicle globe daily mail independent star sun courant
    express telegraph observer guardian standard examiner inquirer review today news courier dispatch
    united rovers wanderers athletic hotspur albion fc sc commanders lakers knicks airlines airways telecom
    exchange
    """
)
# Words before a place after which a capitalised word may be a name of its own, not part of the place:
# "heeft in München Inter verslagen", "ontving in Washington Zelensky".
_PREPOSITIONS = word_set(
    """
    in op van voor naar uit met bij door over tegen tussen na om aan rond nabij vanuit richting via
    in on of for to from with at by near into via across toward towards against around outside inside
    """
)
# Dutch and English surname particles; capitalised mid-sentence they open a surname ("minister Van Engeland").
_PARTICLES = word_set("ter ten von vander")
_CAPITAL_PARTICLES = frozenset({"Van", "Ter", "Ten", "Von", "Vander"})
_PARTICLE_SECONDS = word_set("der den de")
_OF = word_set("of van")
# Heads of organisation and publication names that may open a sentence: "Times of India meldt ..."
_ORG_HEADS = word_set(
    """
    times voice bank church kerk university universiteit hogeschool college academie academy museum
    institute instituut republic
    """
)
# Words for people by their job, right before a surname: "woordvoerder Polen", "Kamerlid Holland".
_ROLES = word_set(
    """
    woordvoerder woordvoerster minister staatssecretaris kamerlid senator wethouder burgemeester rechter
    advocaat advocate officier agent inspecteur commissaris directeur voorzitter hoogleraar professor
    dokter arts schrijver schrijfster zanger zangeres acteur actrice presentator presentatrice journalist
    verslaggever correspondent trainer coach bondscoach spits aanvaller verdediger middenvelder doelman
    keeper wielrenner schaatser renner coureur piloot kapitein generaal kolonel majoor luitenant
    mevrouw meneer heer mr dr ir prof drs ing spokesman spokeswoman lawyer attorney judge mayor
    manager striker defender midfielder goalkeeper author singer actor actress reporter mr. mrs. ms. dr.
    sir lord lady
    """
)
# Clubs whose name opens with a word before their city, even at the start of a sentence.
_CLUB_WORDS = word_set(
    """
    real atlético atletico inter bayern borussia eintracht hertha union sporting dynamo dinamo olympique
    olympiakos sparta slavia lokomotiv spartak zenit celtic racing red ajax feyenoord galatasaray
    fenerbahçe fenerbahce besiktas beşiktaş shakhtar benfica
    """
)
# Prefixes that make another place of a place name: "Nieuw-Amsterdam", "Klein-Brittannië", "Saint-Denis";
# so does a Dutch place adjective ("Zeeuws-Vlaanderen"). A noun before a hyphen pairs two things
# ("Trump-Russia investigation", "Rusland-Oekraïne"), and compass points keep the place ("Noord-Israël").
_PLACE_PREFIXES = word_set(
    """
    nieuw new neu nouvelle nouveau nova novo nuevo nueva klein little petit petite saint sint sankt san santa
    sao são port porto fort bad mount mont monte kaap cape
    """
)
# A cited news source: optional modifiers, then a word for a news medium (Dutch compounds included).
_MODIFIERS = (
    r"(?:(?:staats|state|state-run|state-owned|state-controlled|government-run|government|public|publieke|"
    r"openbare|official|semi-official|officiële|regime|pro-government|regeringsgezinde|conservatieve|"
    r"conservative|liberal|liberale|linkse|rechtse|populaire|popular|leading|toonaangevende|grootste|"
    r"largest|biggest|main|major|independent|onafhankelijke)[ \t-]+)*"
)
_MEDIUM = (
    r"(?:\w*(?:persbureau|nieuwsagentschap|krant|dagblad|zender|omroep|televisie|tv|media|nieuwssite|"
    r"nieuwswebsite|website|weekblad|tijdschrift|nieuwsdienst|radio)|news[ \t]+agenc(?:y|ies)|agency|"
    r"wire[ \t]+service|newspapers?|daily|broadcasters?|network|outlets?|television|tv|radio|magazine|"
    r"paper|tabloid|news[ \t]+(?:web)?site|website|channel)(?![\w-])"
)
# ... but "American television host Jimmy Kimmel" is a person, "de Britse krantenmarkt" no source
_NOT_A_SOURCE = (
    r"(?![ \t]+(?:host|hosts|presenter|presenters|anchor|anchors|star|stars|personality|journalist|journalists|"
    r"reporter|reporters|producer|producers|executive|executives|company|companies|group|industry|market|"
    r"regulator|watchdog|rights|ban|licence|license|deal|presentator|presentatrice|ster|sterren|maker|makers|"
    r"journalisten|verslaggever|verslaggevers|bedrijf|concern|markt|toezichthouder)(?!\w))"
)
_SOURCE = re.compile(rf"[ \t]+(?i:{_MODIFIERS}{_MEDIUM}{_NOT_A_SOURCE})")
# "Israel's Haaretz newspaper", "Russia's state news agency TASS", "Israel's Channel 12"
_POSSESSIVE_SOURCE = re.compile(
    rf"['’]s(?:[ \t]+[A-Z0-9][\w.&-]*){{0,3}}[ \t]+(?i:{_MODIFIERS}{_MEDIUM}{_NOT_A_SOURCE})"
)
_LINE_WORDS = re.compile(r"[^\W\d_]+")
_TITLE_STOP = re.compile(r"(?<=[a-zß-öø-ÿ])[.!?](?=\s|$)|[\"“”„:;]")  # a sentence's end, a quote, a colon
_SENTENCE_STARTS = frozenset('.!?:;\n"“„(')


def _previous(text: str, end: int) -> tuple[str, int]:
    """The whitespace-separated word right before `end` and its start; ("", end) if punctuation intervenes."""
    i = end
    while i > 0 and text[i - 1] in " \t\u00a0":
        i -= 1
    if i == end or i == 0:
        return "", end
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "-'’."):
        j -= 1
    return text[j:i], j


def word_before(text: str, start: int) -> str:
    """The whitespace-separated word right before `start`, or "" if punctuation intervenes."""
    return _previous(text, start)[0]


def word_after(text: str, end: int) -> str:
    """The whitespace-separated word right after `end`, or "" if punctuation intervenes."""
    i = end
    while i < len(text) and text[i] in " \t\u00a0":
        i += 1
    if i == end:
        return ""
    j = i
    while j < len(text) and (text[j].isalnum() or text[j] in "-'’"):
        j += 1
    return text[i:j]


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence (or the text, or a line)."""
    i = start
    while i > 0 and text[i - 1] in " \t\u00a0":
        i -= 1
    return i == 0 or text[i - 1] in _SENTENCE_STARTS


def title_case(line: str) -> int:
    """How far a line's opening stretch is in title case ("Brazil Seeks To Copy U.S. Gun Culture"): the
    offset where it ends, or 0. In such a stretch a capitalised neighbour says nothing about a name."""
    stop = _TITLE_STOP.search(line)
    stretch = line[: stop.start() if stop else len(line)]
    words = [word for word in _LINE_WORDS.findall(stretch)[1:] if len(word) > 3]
    return len(stretch) if len(words) >= 3 and all(word[0].isupper() for word in words) else 0


def judge(
    text: str,
    start: int,
    end: int,
    kind: str,
    abbreviation: bool,
    is_country_word: Callable[[str], bool],
    title_line: Callable[[], bool] = lambda: False,
) -> str | None:
    """Whether the form matched at `text[start:end]`, of evidence kind `kind`, stands for its country: None,
    or why not ("person", "name", "source"). `abbreviation`: an all-capital short form ("VS", "U.S.");
    `title_line()`: whether the match stands in a line in title case (see `title_case`), asked only when
    it matters."""
    if kind in ("adjective", "demonym") or abbreviation:
        # "het Britse persbureau", "the Japanese broadcaster", "US media"
        return "source" if _SOURCE.match(text, end) else None
    if kind == "name" and _POSSESSIVE_SOURCE.match(text, end):
        return "source"
    if kind == "metonym":
        return _after(text, start, end, is_country_word, title_line)  # "Wall Street Journal"
    if kind not in ("name", "capital", "city"):
        return None
    return (
        _prefix(text, start, is_country_word)
        or _before(text, start, kind, is_country_word, title_line)
        or _after(text, start, end, is_country_word, title_line)
    )


def _name_like(word: str, is_country_word: Callable[[str], bool], neutral: frozenset[str]) -> bool:
    """A capitalised word that may be part of a name: no function word, title, compass point or country word;
    no possessive ("Putin's Russia") and no compound ending in lower case ("EU-lidstaat Polen")."""
    if not word or not word[0].isupper() or word.endswith(("'s", "’s")):
        return False
    last = word.rsplit("-", 1)[-1]
    if not last or last[0].islower():
        return False
    key = fold_key(word).strip(".'’")
    return key not in neutral and not is_country_word(word)


def _prefix(text: str, start: int, is_country_word: Callable[[str], bool]) -> str | None:
    """ "Nieuw-Amsterdam", "Zeeuws-Vlaanderen": a hyphenated prefix that makes another place."""
    if start < 2 or text[start - 1] != "-":
        return None
    j = start - 1
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    prefix = text[j : start - 1]
    if not prefix or not prefix[0].isupper() or is_country_word(prefix):
        return None
    key = fold_key(prefix)
    adjective = len(key) > 3 and key.endswith("s")  # "Zeeuws", "Limburgs", "Brabants"
    return "name" if key in _PLACE_PREFIXES or adjective else None


def _before(
    text: str, start: int, kind: str, is_country_word: Callable[[str], bool], title_line: Callable[[], bool]
) -> str | None:
    word, word_start = _previous(text, start)
    if not word:
        return None
    key = fold_key(word).strip(".")
    if kind == "name" and key in _ROLES:
        return "person"  # "woordvoerder Polen", "Kamerlid Holland"
    if word in _CAPITAL_PARTICLES or (key in _PARTICLE_SECONDS and _previous(text, word_start)[0] == "Van"):
        particle_start = word_start if word in _CAPITAL_PARTICLES else _previous(text, word_start)[1]
        return None if _opens_sentence(text, particle_start) else "person"  # "zei minister Van Engeland"
    if key in _PARTICLES or key in _PARTICLE_SECONDS or key in _OF:
        return _owner(text, word, word_start, is_country_word)
    if not _name_like(word, is_country_word, _NEUTRAL_BEFORE):
        return None
    if title_line():
        return "name" if key in _CLUB_WORDS and kind != "name" else None
    if _opens_sentence(text, word_start):
        # "Real Madrid won", "PSV Eindhoven": clubs and all-capital names; "Buurland Polen" stays Poland
        club = key in _CLUB_WORDS or (word.isupper() and len(word) > 1)
        return "name" if club and kind != "name" else None
    return "person" if kind == "name" else "name"  # "rechter Maria Polen", "tegen Real Madrid"


def _owner(text: str, word: str, word_start: int, is_country_word: Callable[[str], bool]) -> str | None:
    """ "Peter van Engeland", "Jan van der Polen", "Times of India", "Universiteit van Amsterdam": a name
    before "van", "of" or a surname particle; "Inwoners van Polen" opening a sentence is no name."""
    key = fold_key(word)
    end = word_start
    if key in _PARTICLE_SECONDS:  # "van der", "van den", "van de"; alone, "de" and "den" are articles
        van, van_start = _previous(text, word_start)
        if van != "van":
            return None
        end = van_start
    owner, owner_start = _previous(text, end)
    if not _name_like(owner, is_country_word, _NEUTRAL_BEFORE):
        return None
    if _opens_sentence(text, owner_start) and fold_key(owner) not in _ORG_HEADS:
        return None
    return "name" if key in _OF else "person"


def _after(
    text: str, start: int, end: int, is_country_word: Callable[[str], bool], title_line: Callable[[], bool]
) -> str | None:
    """ "de Washington Post", "Paris Saint-Germain won", "Israel Katz zei": a capitalised word after the place
    makes a name, unless a preposition before the place makes the next word a name of its own ("heeft in
    München Inter verslagen"); publications, clubs, companies and double names always do."""
    word = word_after(text, end)
    if not _name_like(word, is_country_word, _NEUTRAL_AFTER):
        return None
    if fold_key(word) in _NAME_TAILS or ("-" in word and word.rsplit("-", 1)[-1][:1].isupper()):
        return "name"
    if title_line():
        return None
    before = fold_key(_previous(text, start)[0])
    return None if before in _PREPOSITIONS else "name"
