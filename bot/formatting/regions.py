"""Which part of the world an alert is about, for the colour of its Discord embed (a glance tells Europe from
the Middle East). The first of an alert's countries decides; an alert about the EU counts as Europe."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["REGION_COLOURS", "region_colour", "region_of"]

_REGIONS: dict[str, str] = {
    "home": "NL",
    "europe": (
        "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM IS IT JE LI LT LU "
        "LV MC MD ME MK MT NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
    ),
    "middle_east": "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "africa": (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ "
        "NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW"
    ),
    "americas": (
        "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GT GY HN HT JM KN KY LC MF "
        "MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"
    ),
    "asia_pacific": (
        "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN JP KG KH KI KP KR KZ LA LK MH MM MN MO MP MV MY NC NF "
        "NP NR NU NZ PF PG PH PK PN PW SB SG TH TJ TK TL TM TO TV TW UZ VN VU WF WS"
    ),
}
_REGION_OF: dict[str, str] = {code: name for name, codes in _REGIONS.items() for code in codes.split()}
_REGION_TAGS = {"EU": "europe", "EUROPE": "europe", "MIDDLE_EAST": "middle_east", "AFRICA": "africa"}
REGION_COLOURS: dict[str, int] = {
    "home": 0xF28C28,  # orange
    "europe": 0x2B7BB9,  # blue
    "middle_east": 0xC0392B,  # red
    "africa": 0x27AE60,  # green
    "americas": 0x8E44AD,  # purple
    "asia_pacific": 0xD4AC0D,  # gold
    "world": 0x7F8C8D,  # grey: no country known
}


def region_of(countries: Sequence[str], regions: Sequence[str] = ()) -> str:
    """The region of the first country that has one, else of the first known region tag, else `world`."""
    for code in countries:
        if code in _REGION_OF:
            return _REGION_OF[code]
    for tag in regions:
        if tag.upper() in _REGION_TAGS:
            return _REGION_TAGS[tag.upper()]
    return "world"


def region_colour(countries: Sequence[str], regions: Sequence[str] = ()) -> int:
    """The embed colour for an alert about `countries` (and `regions`)."""
    return REGION_COLOURS[region_of(countries, regions)]
