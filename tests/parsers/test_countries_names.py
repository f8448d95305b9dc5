"""Country tagging (issue 14): a place inside the name of a person, an organisation, a club, a publication or
another place is no mention of it; neither is the nationality of a cited news source; and organisations that
stand for a territory (Hamas, Hezbollah, the Houthis...) tag it. Each class in several phrasings, Dutch and
English, beside sentences where the same words do stand for their country."""

from __future__ import annotations

import pytest

from parsers.countries import tag_text


def _tags(text: str) -> tuple[str, ...]:
    return tag_text(text).countries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamerlid Jan Polen wil opheldering van de minister.", ()),
        ("Volgens woordvoerder Polen is de zaak gesloten.", ()),
        ("Rechter Maria Polen veroordeelde de man. Polen zei dat de straf passend is.", ()),
        ("Minister Van Engeland zei dat het kabinet geen geld heeft.", ()),
        ("Dat zegt Kamerlid Van der Holland (CDA).", ()),
        ("Schrijver Peter van Engeland kreeg de prijs.", ()),
        ("Advocaat Anne van Ierland zegt dat haar cliënt onschuldig is.", ()),
        ("De Britse acteur Tom Holland speelt opnieuw Spider-Man.", ("GB",)),
        ("Defence Minister Israel Katz said the army would stay.", ()),
        ("Lawyer Justina Ireland said her client would appeal.", ()),
        # ... and where the same words are the country
        ("Polen sluit de grens met Wit-Rusland.", ("PL", "BY")),
        ("Buurland Polen sluit de grens.", ("PL",)),
        ("EU-lidstaat Polen stemt tegen.", ("PL",)),
        ("De koning van Engeland bezoekt Canada.", ("GB", "CA")),
        ("Inwoners van Polen krijgen meer subsidie.", ("PL",)),
        ("Van Engeland tot Japan stijgen de prijzen.", ("GB", "JP")),
        ("Ukraine said on Tuesday Russia had attacked Kyiv overnight.", ("UA", "RU")),
        ("Toen Rusland Oekraïne binnenviel, vluchtten miljoenen.", ("RU", "UA")),
        ("In Kyiv Zelensky ontmoet.", ("UA",)),
        ("Ierland Wales 2-1", ("IE", "GB")),
    ],
)
def test_surnames_and_persons_names(text: str, expected: tuple[str, ...]) -> None:
    assert _tags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dat meldt de Washington Post op basis van ingewijden.", ()),
        ("According to The Washington Post, the talks stalled.", ()),
        ("Dat schrijft de Jerusalem Post.", ()),
        ("Real Madrid heeft de Champions League gewonnen.", ()),
        ("Real Madrid-trainer Ancelotti stapt op.", ()),
        ("Ajax verloor van Paris Saint-Germain.", ()),
        ("Paris St Germain won the final.", ()),
        ("Dat meldt de Times of India.", ()),
        ("The Times of India reported the crash.", ()),
        ("Inter Milan beat Bayern Munich 2-1.", ()),
        ("Hij speelt bij Manchester United.", ()),
        ("Feyenoord speelt tegen Dynamo Kiev.", ()),
        ("The Kyiv Independent and The Moscow Times reported the strike.", ()),
        ("Dat meldt de Amerikaanse krant The New York Times.", ()),
        ("Onderzoekers van de Universiteit van Amsterdam publiceren een studie.", ()),
        ("The Bank of England raised rates.", ()),
        ("Brazil Seeks To Copy U.S. Gun Culture", ("BR", "US")),  # a title-case line: capitals say nothing
        # ... and where the place stands for itself
        ("Bondskanselier Merz ontving in Berlijn Zelensky.", ("DE",)),
        ("Feyenoord won in München Inter met 3-0.", ("DE",)),
        ("Mexico City Mayor Clara Brugada ordered an evacuation.", ("MX",)),
        ("The Gaza Health Ministry said 40 people were killed.", ("PS",)),
        ("China Coast Guard vessels fired water cannon.", ("CN",)),
        ("Officials in Washington Tuesday said the deal was close.", ("US",)),
        ("Max Verstappen won de Grand Prix van Japan.", ("JP",)),
        ("Manchester City beat Arsenal.", ("GB",)),
        ("De Nederlandse ambassade in Teheran gaat dicht.", ("NL", "IR")),
    ],
)
def test_organisations_clubs_and_publications(text: str, expected: tuple[str, ...]) -> None:
    assert _tags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Het incident gebeurde in Nieuw-Amsterdam, Suriname.", ("SR",)),
        ("In Zeeuws-Vlaanderen zijn drie inbrekers opgepakt.", ("NL",)),
        ("The ship sank off New Ireland, an island province.", ()),
        ("Colonists founded New Amsterdam on Manhattan.", ("US",)),
        # ... compounds that keep the place, and pairs of places
        ("Hezbollah vuurde raketten af op Noord-Israël.", ("LB", "IL")),
        ("Verkiezingen in Oost-Duitsland en Nazi-Duitsland.", ("DE",)),
        ("Rusland-Oekraïne: vredesgesprekken in Istanbul.", ("RU", "UA", "TR")),
        ("The Trump-Russia investigation is over.", ("RU",)),
        ("Nederland-Zweden eindigde in 2-1.", ("NL", "SE")),
    ],
)
def test_compound_place_names(text: str, expected: tuple[str, ...]) -> None:
    assert _tags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Volgens het Britse persbureau Reuters zijn er tien doden in Kyiv.", ("UA",)),
        ("Dat meldt het Amerikaanse persbureau AP.", ()),
        ("Dat meldt de Amerikaanse nieuwszender CNN.", ()),
        ("Israëlische media melden dat het leger Zuid-Libanon aanviel.", ("LB",)),
        ("Het Russische staatspersbureau TASS meldt dat Poetin naar China reist.", ("CN",)),
        ("Dat meldt de Russische staats-tv.", ()),
        ("The British news agency Reuters reported the attack.", ()),
        ("Israeli media reported that talks had stalled.", ()),
        ("Iranian state media said the drills would continue.", ()),
        ("Japan's Kyodo news agency and the Japanese broadcaster NHK reported it.", ()),
        ("Israel's Channel 12 said the cabinet would meet.", ()),
        ("Pettersen spoke to the Norwegian newspaper Verdens Gang.", ()),
        ("US media reported the deal.", ()),
        # ... and where the adjective is about the news
        ("De Amerikaanse president en de Britse premier spraken.", ("US", "GB")),
        ("De Amerikaanse tv-presentator Jimmy Kimmel keert terug.", ("US",)),
        ("American television host Jimmy Kimmel returns.", ("US",)),
        ("Israel's army said it struck Gaza.", ("IL", "PS")),
        ("Russia's foreign ministry summoned the ambassador.", ("RU",)),
    ],
)
def test_the_nationality_of_a_cited_source(text: str, expected: tuple[str, ...]) -> None:
    assert _tags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hamas laat drie gijzelaars vrij.", ("PS",)),
        ("Volgens Hamas zijn er 30 doden gevallen.", ("PS",)),
        ("Drie Hamas-strijders zijn gedood.", ("PS",)),
        ("Hezbollah vuurde raketten af.", ("LB",)),
        ("Hezbollah's leader refused to disarm.", ("LB",)),
        ("De Houthi's hebben een schip aangevallen.", ("YE",)),
        ("Houthi-rebellen vuren een raket af.", ("YE",)),
        ("The Houthis fired a missile at a tanker.", ("YE",)),
        ("Houthi rebels claimed the attack.", ("YE",)),
        ("De taliban hebben de macht gegrepen.", ("AF",)),
        ("The Taliban banned women from universities.", ("AF",)),
        ("Al-Shabaab claimt de aanslag.", ("SO",)),
        ("Boko Haram ontvoert opnieuw scholieren.", ("NG",)),
        ("M23-rebellen nemen een stad in.", ("CD",)),
        ("The IDF said it struck a launcher.", ("IL",)),
        ("The Revolutionary Guards seized a tanker.", ("IR",)),
        ("Kataib Hezbollah zegt de aanvallen te staken.", ("IQ",)),  # an Iraqi militia, not Lebanon's
    ],
)
def test_organisations_that_stand_for_a_territory(text: str, expected: tuple[str, ...]) -> None:
    assert _tags(text) == expected


def test_organisation_evidence_names_its_kind() -> None:
    tags = tag_text("Hamas en Hezbollah dreigen.")
    assert [(ev.code, ev.kind, ev.text) for ev in tags.evidence] == [
        ("PS", "organisation", "Hamas"),
        ("LB", "organisation", "Hezbollah"),
    ]


def test_a_surname_hides_only_the_mentions_after_it() -> None:
    text = "Polen kocht wapens. Minister Jan Polen zei later: Polen moet meer doen."
    tags = tag_text(text)
    assert tags.countries == ("PL",)
    assert [ev.start for ev in tags.evidence] == [0]
