"""Country tagging on wire leads written by someone other than the tagger's author, after it was built.

A second, independent check of the 0.95 precision/recall target (the labelled cases in
`data_countries_cases.toml` were written together with the data).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from parsers.countries import tag_text

CASES = [
    (
        "DEN HAAG",
        "Het kabinet trekt extra geld uit voor de opvang van Oekraïense vluchtelingen, maakte minister Faber bekend.",
        ["NL", "UA"],
    ),
    (
        "BERLIJN",
        "Bondskanselier Merz wil dat de Europese Unie sneller beslist over sancties tegen Rusland.",
        ["DE", "RU"],
    ),
    (
        "ANKARA",
        "De Turkse president Erdogan heeft met zijn Syrische ambtgenoot gesproken over de grens.",
        ["TR", "SY"],
    ),
    ("NEW DELHI", "India en Pakistan hebben opnieuw gevuurd over de bestandslijn in Kasjmir.", ["IN", "PK"]),
    (
        "TEL AVIV",
        "Het Israëlische leger zegt dat het een Hezbollah-commandant in Libanon heeft gedood.",
        ["IL", "LB"],
    ),
    (
        "GENÈVE",
        "Onderhandelaars van Armenië en Azerbeidzjan hebben een akkoord bereikt over de grens.",
        ["CH", "AM", "AZ"],
    ),
    ("CARACAS", "De Venezolaanse oppositie roept op tot nieuwe protesten tegen president Maduro.", ["VE"]),
    (
        "PEKING",
        "China heeft scherp gereageerd op de wapenverkoop van de Verenigde Staten aan Taiwan.",
        ["CN", "US", "TW"],
    ),
    (
        "LONDEN",
        "De Britse premier Starmer ontvangt donderdag de Poolse president in Downing Street.",
        ["GB", "PL"],
    ),
    ("KINSHASA", "Rebellen van M23 hebben volgens de VN een stad in het oosten van Congo ingenomen.", ["CD"]),
    (
        "WARSCHAU",
        "Polen sluit een grensovergang met Wit-Rusland na een nieuwe stroom migranten.",
        ["PL", "BY"],
    ),
    ("BOEDAPEST", "Premier Orbán blokkeert opnieuw Europese steun aan Kyiv.", ["HU", "UA"]),
    ("MEXICO-STAD", "De Mexicaanse regering stuurt duizend soldaten naar de grens met de VS.", ["MX", "US"]),
    ("SEOUL", "Noord-Korea heeft volgens Zuid-Korea opnieuw een ballistische raket afgevuurd.", ["KR", "KP"]),
    (
        "BRUSSEL",
        "De NAVO-landen zijn het eens over hogere defensie-uitgaven, zegt secretaris-generaal Rutte.",
        ["BE"],
    ),
    (
        "MADRID",
        "Spanje erkent een Palestijnse staat, samen met Ierland en Noorwegen.",
        ["ES", "PS", "IE", "NO"],
    ),
    (
        "ROME",
        "Paus Leo heeft in het Vaticaan de Oekraïense president Zelensky ontvangen.",
        ["IT", "VA", "UA"],
    ),
    (
        "KAÏRO",
        "Egypte bemiddelt tussen Hamas en Israël over een nieuw staakt-het-vuren in Gaza.",
        ["EG", "PS", "IL"],
    ),
    ("MIDDELBURG", "De provincie Zeeland krijgt geld voor betere dijken langs de Westerschelde.", ["NL"]),
    (
        "WASHINGTON",
        "Het Witte Huis dreigt met importheffingen op Canadese en Mexicaanse auto's.",
        ["US", "CA", "MX"],
    ),
    (
        "TOKIO",
        "Japan en Australië houden gezamenlijke marine-oefeningen in de Zuid-Chinese Zee.",
        ["JP", "AU"],
    ),
    ("NAIROBI", "Kenia stuurt extra politieagenten naar Haïti voor de internationale missie.", ["KE", "HT"]),
    ("PARIJS", "Het Élysée bevestigt dat Macron volgende week naar Marokko reist.", ["FR", "MA"]),
    (
        "STOCKHOLM",
        "Zweedse en Finse marineschepen onderzoeken een beschadigde kabel in de Oostzee.",
        ["SE", "FI"],
    ),
    ("ATHENE", "Griekenland evacueert dorpen op Rhodos vanwege bosbranden.", ["GR"]),
    ("WASHINGTON", "President Trump says the United States will not send more troops to Europe.", ["US"]),
    (
        "LONDON",
        "Britain's foreign secretary met his Chinese counterpart in Beijing on Tuesday.",
        ["GB", "CN"],
    ),
    ("MOSCOW", "The Kremlin denied that Russian drones had entered Romanian airspace.", ["RU", "RO"]),
    (
        "JERUSALEM",
        "Israeli Prime Minister Benjamin Netanyahu will travel to Washington next week.",
        ["IL", "US"],
    ),
    ("BEIRUT", "Lebanon's army deployed troops along the southern border with Israel.", ["LB", "IL"]),
    ("BRASILIA", "Brazil's president Lula urged Argentina to rejoin the trade talks.", ["BR", "AR"]),
    ("ABUJA", "Nigeria closed its border with Niger after the coup in Niamey.", ["NG", "NE"]),
    (
        "ISLAMABAD",
        "Pakistani officials said talks with the Taliban government in Kabul had stalled.",
        ["PK", "AF"],
    ),
    (
        "OTTAWA",
        "Canadian Prime Minister Mark Carney said Canada would retaliate against U.S. tariffs.",
        ["CA", "US"],
    ),
    (
        "SYDNEY",
        "Australia and New Zealand pledged aid to Tonga after the volcanic eruption.",
        ["AU", "NZ", "TO"],
    ),
    ("NEW YORK", "Michael Jordan's former teammate opened a restaurant in Manhattan.", ["US"]),
    ("ATLANTA", "Georgia officials certified the election results on Friday.", ["US"]),
    ("TBILISI", "Georgia's ruling party won a disputed election, observers from the OSCE said.", ["GE"]),
    (
        "DUBLIN",
        "Irish police arrested two men after a bomb scare near the border with Northern Ireland.",
        ["IE", "GB"],
    ),
    ("CAPE TOWN", "South Africa's parliament passed a new land reform law.", ["ZA"]),
]


def test_precision_and_recall_on_held_out_leads() -> None:
    tp = fp = fn = 0
    for place, text, expected in CASES:
        got = set(tag_text(text, place=place).countries)
        tp += len(got & set(expected))
        fp += len(got - set(expected))
        fn += len(set(expected) - got)
    assert tp / (tp + fp) >= 0.95
    assert tp / (tp + fn) >= 0.95


@pytest.mark.parametrize(
    ("place", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_the_dateline_country_comes_first(place: str, text: str, expected: list[str]) -> None:
    assert tag_text(text, place=place).countries[:1] == tuple(expected[:1])


FRESH = Path(__file__).with_name("data_countries_fresh.toml")


def test_precision_and_recall_on_leads_written_after_the_fixes() -> None:
    """Issue 14: 70 leads written by someone who had seen neither the tagger nor its other cases (surnames,
    clubs, newspapers, compound names, agencies as sources, Hamas/Hezbollah/Houthis, ordinary leads)."""
    cases = tomllib.loads(FRESH.read_text(encoding="utf-8"))["case"]
    tp = fp = fn = 0
    for case in cases:
        got = set(tag_text(case["text"], place=case["place"] or None).countries)
        tp += len(got & set(case["countries"]))
        fp += len(got - set(case["countries"]))
        fn += len(set(case["countries"]) - got)
    assert len(cases) == 70
    assert tp / (tp + fp) >= 0.95, (tp, fp)  # measured 0.97 when the cases were added
    assert tp / (tp + fn) >= 0.95, (tp, fn)  # measured 0.99
