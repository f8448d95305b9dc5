"""Build small wire pages for pipeline tests (each entry is (dateline, lead, label[, title, href])), and a feed that
keeps its parser busy."""

from __future__ import annotations

import html
from collections.abc import Sequence

Entry = tuple[str, ...]


def wire_page(entries: Sequence[Entry], *, messy: bool = False) -> str:
    cards = []
    for entry in entries:
        dateline, lead, label = entry[0], entry[1], entry[2]
        title = entry[3] if len(entry) > 3 else None
        href = entry[4] if len(entry) > 4 else None
        gap = "\n   \u00a0" if messy else ""
        heading = ""
        if title:
            inner = html.escape(title)
            heading = f'<h3><a href="{href}">{inner}</a></h3>' if href else f"<h3>{inner}</h3>"
        cards.append(
            f"<article>{gap}{heading}<p>{html.escape(dateline)} -{gap} {html.escape(lead)}</p>"
            f"{gap}<span>{html.escape(label)}</span></article>"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Buitenland</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/nieuws'>Nieuws</a></nav><main><h2>Meer uit Buitenland</h2>"
        + "\n".join(cards)
        + "</main><footer>Contact</footer></body></html>"
    )


def slow_feed(nested: int) -> str:
    """An RSS feed whose one item holds `nested` nested tags: feedparser takes about 50 µs a tag, in one call."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title><item><title>Kop</title>'
        "<link>http://example.org/1</link><description>"
        + "<b>" * nested
        + "DEN HAAG (ANP) - Het kabinet is gevallen."
        + "</b>" * nested
        + "</description></item></channel></rss>"
    )


SEED = [
    (
        "WASHINGTON (ANP)",
        "De Amerikaanse president Donald Trump waarschuwt de burgemeester van Minneapolis.",
        "8 minuten geleden",
    ),
    ("MEITAR (ANP/AFP)", "De Israëlische premier Benjamin Netanyahu heeft gewaarschuwd.", "1 uur geleden"),
    (
        "BRUSSEL (ANP)",
        "De defensieman van de Europese Commissie gaat langs bij raketfabrieken.",
        "1 uur geleden",
    ),
]
KYIV = (
    "KYIV (ANP/RTR)",
    "Bij een Russische aanval op de Oekraïense hoofdstad zijn doden gevallen.",
    "2 minuten geleden",
)
TOKIO = (
    "TOKIO (ANP/AFP)",
    "Voor de kust van Japan heeft een zware aardbeving plaatsgevonden.",
    "1 minuut geleden",
)
OTTAWA = ("OTTAWA (ANP/RTR)", "Canada en de Europese Unie hebben een handelsakkoord gesloten.", "zojuist")
