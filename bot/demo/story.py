"""The story the offline demo plays: a ZeelandNet-like wire page changing over half an hour.

The first seven items are the seed page's "Meer uit Buitenland" list; the later ones are written for the demo.
Each step is what the site serves for one poll; `minutes` is how far the simulated clock moves before it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["STEPS", "DemoItem", "Step", "render_page"]


@dataclass(frozen=True, slots=True)
class DemoItem:
    slug: str
    dateline: str
    title: str
    lead: str
    published: int  # minutes after the demo's start (negative: before it)


@dataclass(frozen=True, slots=True)
class Step:
    minutes: int
    say: str
    items: tuple[str, ...] = ()  # slugs, top to bottom
    status: int = 200  # 304: the page stays as it was (the site answers the conditional GET); 5xx: it fails
    edits: tuple[tuple[str, str], ...] = ()  # (slug, new lead)
    messy: bool = False  # same items, different whitespace


ITEMS = {
    i.slug: i
    for i in (
        DemoItem(
            "trump-minneapolis",
            "WASHINGTON (ANP)",
            "Trump waarschuwt burgemeester Minneapolis",
            'De Amerikaanse president Donald Trump waarschuwt de burgemeester van Minneapolis dat hij een "zeer '
            'ernstige schending van de wet" pleegt. Hij verwijst naar een bericht van burgemeester Jacob Frey op X '
            "waarin die schrijft dat zijn stad geen federale immigratiewetten gaat handhaven. Daar neemt Trump "
            "aanstoot aan.",
            -8,
        ),
        DemoItem(
            "netanyahu-begrafenis",
            "MEITAR (ANP/AFP)",
            "Netanyahu: vijanden betalen hoge prijs",
            "De Israëlische premier Benjamin Netanyahu heeft gewaarschuwd dat de vijanden van zijn land een hoge "
            "prijs zullen betalen voor een aanval. Dat deed hij op de begrafenis van de laatste naar Israël "
            "teruggekeerde gijzelaar, agent Ran Gvili (24).",
            -61,
        ),
        DemoItem(
            "kubilius-raketten",
            "BRUSSEL (ANP)",
            "Kubilius gaat langs bij raketfabrieken",
            "De defensieman van de Europese Commissie gaat langs bij Europese raketfabrieken om de productie van "
            "het schaarse wapentuig op te voeren. Eurocommissaris Andrius Kubilius hoopt het succes van een "
            "eerdere 'munitietoer' te herhalen.",
            -70,
        ),
        DemoItem(
            "macron-groenland",
            "PARIJS (ANP/AFP)",
            "Macron: Groenland is wake-upcall voor Europa",
            'De Franse president Emmanuel Macron heeft de situatie in Groenland "een strategische wake-upcall '
            'voor heel Europa" genoemd. Hij sprak bij het Parijsbezoek van de Deense en Groenlandse premiers, '
            "Mette Frederiksen en Jens-Frederik Nielsen.",
            -80,
        ),
        DemoItem(
            "armada-iran",
            "WASHINGTON (ANP)",
            "Trump: vloot richting Iran groter dan bij Venezuela",
            "De militaire vloot die de VS richting Iran hebben gestuurd, is groter dan die nabij Venezuela lag. "
            "Dat schrijft Donald Trump op zijn socialemediaplatform Truth Social.",
            -95,
        ),
        DemoItem(
            "maliki-irak",
            "BAGDAD (ANP/RTR)",
            "Al-Maliki: VS moeten zich niet mengen in Iraakse politiek",
            "De VS moeten zich niet mengen in de Iraakse politiek. Dat schrijft oud-premier en premierskandidaat "
            "voor de sjiitische coalitie Nouri al-Maliki op X.",
            -125,
        ),
        DemoItem(
            "kremlin-csis",
            "MOSKOU (ANP/RTR/AF)",
            "Kremlin verwerpt schatting van verliezen",
            "Er zijn volgens het Kremlin geen 1,2 miljoen Russische militairen omgekomen, gewondgeraakt of vermist "
            "sinds het uitbreken van de oorlog in Oekraïne.",
            -190,
        ),
        DemoItem(
            "kyiv-aanval",
            "KYIV (ANP/RTR)",
            "Doden bij Russische aanval op Kyiv",
            "Bij een Russische aanval met drones en raketten op de Oekraïense hoofdstad zijn zeker drie mensen "
            "omgekomen, meldt burgemeester Vitali Klitsjko.",
            4,
        ),
        DemoItem(
            "vlissingen-veerboot",
            "VLISSINGEN",
            "Veerdienst Vlissingen-Breskens ligt stil",
            "De fietsvoetveer tussen Vlissingen en Breskens vaart vanmiddag niet vanwege de harde wind. "
            "Reizigers moeten omrijden via de Westerscheldetunnel.",
            12,
        ),
        DemoItem(
            "teheran-atoom",
            "TEHERAN (ANP/AFP)",
            "Iran wil praten over atoomprogramma",
            "Iran is bereid de gesprekken met Europese landen over zijn atoomprogramma te hervatten, zegt de "
            "Iraanse minister van Buitenlandse Zaken Abbas Araghchi na overleg in Genève.",
            13,
        ),
        DemoItem(
            "ottawa-handel",
            "OTTAWA (ANP/RTR)",
            "Canada sluit handelsakkoord met EU",
            "Canada en de Europese Unie hebben een nieuw handelsakkoord gesloten over kritieke grondstoffen. "
            "Premier Mark Carney spreekt van een historische dag.",
            36,
        ),
        DemoItem(
            "tokio-beving",
            "TOKIO (ANP/AFP)",
            "Zware aardbeving voor kust van Japan",
            "Voor de noordoostkust van Japan heeft een aardbeving met een kracht van 6,8 plaatsgevonden. "
            "De Japanse autoriteiten hebben een tsunamiwaarschuwing afgegeven.",
            49,
        ),
    )
}

SEED = (
    "trump-minneapolis",
    "netanyahu-begrafenis",
    "kubilius-raketten",
    "macron-groenland",
    "armada-iran",
    "maliki-irak",
    "kremlin-csis",
)

STEPS = (
    Step(
        0, "The site shows the seed's seven wire items; the first poll remembers them without alerting.", SEED
    ),
    Step(7, "A new item appears at the top.", ("kyiv-aanval", *SEED)),
    Step(
        7,
        "Two more arrive at once, one of them regional copy without an agency.",
        ("teheran-atoom", "vlissingen-veerboot", "kyiv-aanval", *SEED),
    ),
    Step(
        7,
        "The Kyiv item is edited: the death toll rises.",
        ("teheran-atoom", "vlissingen-veerboot", "kyiv-aanval", *SEED),
        edits=(
            (
                "kyiv-aanval",
                "Bij een Russische aanval met drones en raketten op de Oekraïense hoofdstad zijn "
                "zeker zeven mensen omgekomen, meldt burgemeester Vitali Klitsjko. Tientallen raakten gewond.",
            ),
        ),
    ),
    Step(
        7,
        "The list is reordered and re-spaced, and every time label ages: nothing to report.",
        ("vlissingen-veerboot", "teheran-atoom", "kyiv-aanval", *SEED),
        edits=(
            (
                "kyiv-aanval",
                "Bij een Russische aanval met drones en raketten op de Oekraïense hoofdstad zijn "
                "zeker zeven mensen omgekomen, meldt burgemeester Vitali Klitsjko. Tientallen raakten gewond.",
            ),
        ),
        messy=True,
    ),
    Step(1, "Nothing changes: the site answers 304 Not Modified, so nothing is even parsed.", status=304),
    Step(1, "The site breaks: HTTP 500. The failure is recorded and the source backs off.", status=500),
    Step(
        6,
        "The site is back, with a new item.",
        ("ottawa-handel", "teheran-atoom", "vlissingen-veerboot", "kyiv-aanval", *SEED[:5]),
        edits=(
            (
                "kyiv-aanval",
                "Bij een Russische aanval met drones en raketten op de Oekraïense hoofdstad zijn "
                "zeker zeven mensen omgekomen, meldt burgemeester Vitali Klitsjko. Tientallen raakten gewond.",
            ),
        ),
    ),
    Step(
        7,
        "A breaking item; the oldest ones drop off the list (that is not news).",
        ("tokio-beving", "ottawa-handel", "teheran-atoom", "vlissingen-veerboot", "kyiv-aanval", *SEED[:3]),
        edits=(
            (
                "kyiv-aanval",
                "Bij een Russische aanval met drones en raketten op de Oekraïense hoofdstad zijn "
                "zeker zeven mensen omgekomen, meldt burgemeester Vitali Klitsjko. Tientallen raakten gewond.",
            ),
        ),
    ),
)


def _label(age_minutes: int) -> str:
    age = max(0, age_minutes)
    if age < 1:
        return "zojuist"
    if age < 60:
        return "1 minuut geleden" if age == 1 else f"{age} minuten geleden"
    if age < 24 * 60:
        return f"{age // 60} uur geleden"
    days = age // (24 * 60)
    return "1 dag geleden" if days == 1 else f"{days} dagen geleden"


def render_page(step: Step, minute: int) -> str:
    """The HTML the demo site serves at simulated `minute` for `step`."""
    edits = dict(step.edits)
    sep = "\n      " if step.messy else ""
    cards = []
    for slug in step.items:
        item = ITEMS[slug]
        lead = edits.get(slug, item.lead)
        if step.messy:
            lead = lead.replace(" ", "\u00a0", 2).replace(". ", ".  ")
        cards.append(
            f'<article class="news-card">{sep}<h3><a href="/nieuws/{item.slug}">{html.escape(item.title)}</a></h3>'
            f"{sep}<p>{html.escape(item.dateline)} - {html.escape(lead)}</p>"
            f'{sep}<span class="date">{_label(minute - item.published)}</span></article>'
        )
    body = "\n".join(cards)
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Buitenland | ZeelandNet (demo)</title></head>
<body>
<div class="cookiebar">Wij gebruiken cookies. <a href="/privacy">Meer informatie</a></div>
<nav><a href="/">Home</a> <a href="/nieuws">Nieuws</a> <a href="/nieuws/buitenland">Buitenland</a></nav>
<main>
<h2>Meer uit Buitenland</h2>
<section class="list">
{body}
</section>
<aside><h2>Net binnen</h2><ul><li>Buitenland 11:40 <a href="/nieuws/x">Storm raast over Noordzee</a></li></ul>
<p>Omroep Zeeland · 2 uur geleden</p></aside>
</main>
<footer>© ZeelandNet demo · <a href="/contact">Contact</a></footer>
</body></html>
"""
