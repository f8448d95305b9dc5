"""The real pages of `../shared/corpus/pages/`: their names, and a reader that skips a test when one is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["CORPUS_PAGES", "corpus_page"]

CORPUS_PAGES = [
    "de_eurosport_article_VOR_N_STUNDEN.html",
    "de_zeit_article_comments_vor_N_Stunden.html",
    "en-tl_philstar_article_hours_ago_tiles.html",
    "en_globalnews_AP_article_emdash_dateline.html",
    "en_kxan_article_time-datetime_hours_ago.html",
    "en_reuters_article_dateline_LOS-ANGELES.html",
    "en_reuters_article_dateline_PRAGUE.html",
    "en_sfgate_AP_article_dateline.html",
    "en_timesofisrael_article_liveblog_relative_times.html",
    "en_urdupoint_article_minutes_ago_lists.html",
    "nl_nu-nl_article_netbinnen_2020.html",
    "pt_uol_reuters-wire_article_with_wire_list_2020.html",
]


def corpus_page(shared_dir: Path, name: str) -> bytes:
    """The bytes of the corpus page `name`; the test skips when it is not there."""
    path = shared_dir / "corpus" / "pages" / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/corpus/pages/")
    return path.read_bytes()
