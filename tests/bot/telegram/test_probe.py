"""`/test`'s item: typed text read like a wire item (dateline, countries)."""

from __future__ import annotations

from bot.chat import item_from_text


def test_a_dateline_gives_place_and_agencies_and_the_lead_follows() -> None:
    item = item_from_text("  KYIV (ANP/RTR) -   Russische raketten\ntreffen de hoofdstad ")

    assert (item.place, item.agencies) == ("KYIV", ("ANP", "RTR"))
    assert item.text == "Russische raketten treffen de hoofdstad"
    assert item.countries[0] == "UA" and "RU" in item.countries


def test_text_without_a_dateline_is_all_lead() -> None:
    item = item_from_text("Het Witte Huis reageert op de verkiezingen in Brazilië")

    assert item.place is None and item.agencies == ()
    assert item.text == "Het Witte Huis reageert op de verkiezingen in Brazilië"
    assert set(item.countries) >= {"US", "BR"}


def test_the_same_text_is_the_same_item() -> None:
    first, second = (
        item_from_text("GAZA (AFP) - Nieuwe beschietingen"),
        item_from_text("GAZA (AFP) -  Nieuwe beschietingen"),
    )

    assert first.uid == second.uid and first.content_hash == second.content_hash
