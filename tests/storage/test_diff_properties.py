"""Any sequence of pages, 304s and failures: one `new` per uid after the baseline, `updated` only on edits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from parsers.models import Item
from storage.db import open_db, transaction
from storage.items import apply_poll, load_items
from storage.sources import get_source_state, record_failure, record_not_modified, upsert_source
from tests.factories import build_item
from tests.storage.conftest import story

SOURCE = "s"

# (story number, text variant, respaced?): the story fixes the uid, the variant the content hash.
entries = st.tuples(st.integers(0, 7), st.integers(0, 2), st.booleans())
pages = st.lists(entries, max_size=8)


def make(story_no: int, variant: int, respaced: bool) -> Item:
    lead = story(story_no, f"stand van zaken {variant}.")
    if respaced:
        lead = "  " + lead.replace(" ", "\u00a0 ", 3) + "\n"
    return build_item(lead)


class PollSequence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.db = open_db(":memory:")
        upsert_source(self.db, SOURCE, "https://news.example/", "anp-ticker")
        self.now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        self.seed_uids: set[str] = set()  # stored by the silent first poll
        self.seen: dict[str, str] = {}  # uid -> content hash of the last applied page it was on
        self.versions: dict[str, int] = {}  # uid -> number of distinct contents seen (1 = never edited)
        self.last_count = 0
        self.baselined = False
        self.new_events: Counter[str] = Counter()

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    @rule(page=pages, baseline=st.booleans())
    def poll(self, page: list[tuple[int, int, bool]], baseline: bool) -> None:
        items = [make(*entry) for entry in page]
        with transaction(self.db):
            outcome = apply_poll(
                self.db, SOURCE, items, now=self.tick(), etag=None, last_modified=None, baseline=baseline
            )
        distinct: dict[str, Item] = {}
        for item in items:
            distinct.setdefault(item.uid, item)

        if not distinct and self.last_count > 0:
            assert outcome.problem is not None and outcome.events == []
            return
        assert outcome.problem is None
        seeding = bool(distinct) and baseline and not self.baselined
        assert outcome.seeded is seeding

        expected = []
        for uid, item in distinct.items():
            if uid not in self.seen:
                self.versions[uid] = 1
                expected.append(("new", uid, 1))
            elif self.seen[uid] != item.content_hash:
                self.versions[uid] += 1
                expected.append(("updated", uid, self.versions[uid]))
            self.seen[uid] = item.content_hash
        if seeding:
            self.seed_uids |= set(distinct)
            expected = []

        assert [(e.kind, e.item.uid, e.version) for e in outcome.events] == expected
        self.new_events.update(e.item.uid for e in outcome.events if e.kind == "new")
        self.baselined = self.baselined or bool(distinct)
        self.last_count = len(distinct)

    @rule()
    def not_modified(self) -> None:
        record_not_modified(self.db, SOURCE, now=self.tick())

    @rule()
    def failure(self) -> None:
        record_failure(self.db, SOURCE, error="HTTP 503", now=self.tick())

    @invariant()
    def exactly_one_new_per_uid_seen_after_the_baseline(self) -> None:
        assert set(self.new_events) == set(self.seen) - self.seed_uids
        assert all(count == 1 for count in self.new_events.values())

    @invariant()
    def the_store_holds_the_latest_content_of_every_uid_seen(self) -> None:
        stored = {item.uid: item.content_hash for item in load_items(self.db, SOURCE)}
        assert stored == self.seen
        assert get_source_state(self.db, SOURCE).baselined is self.baselined

    def teardown(self) -> None:
        self.db.close()


PollSequence.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
TestPollSequence = PollSequence.TestCase
