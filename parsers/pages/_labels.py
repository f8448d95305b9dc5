"""The time labels of a flattened page: which matches of `parsers.times` are labels, and where they sit.

A relative time inside a sentence ("de storm raasde 5 minuten geleden over Zeeland", "het kabinet is zojuist
gevallen") is part of the text, not a label: words run on both sides of it on its line. `<time datetime>`
elements are labels whatever surrounds them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from parsers.deadline import NEVER, Deadline
from parsers.identity import normalize_space
from parsers.pages._layout import Layout
from parsers.pages._shared import exact_datetime
from parsers.times import LOCAL_ZONE

__all__ = ["Label", "Labels", "find_labels", "in_sentence", "path_at"]

_SPACES = " \t\u00a0"
_SENTENCE_GOES_ON = frozenset(".!?,;")


@dataclass(frozen=True, slots=True)
class Label:
    """A time label at `text[start:end]`."""

    start: int
    end: int
    text: str  # the visible label, whitespace-normalised
    exact: datetime | None = None  # from <time datetime>
    path: tuple[int, ...] = ()  # the elements open around its text


class Labels:
    """Labels in page order (`items`), with lookups by offset in O(log n)."""

    def __init__(self, labels: Sequence[Label]) -> None:
        self.items = list(labels)
        self._starts = [label.start for label in self.items]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Label]:
        return iter(self.items)

    def first_from(self, offset: int) -> int:
        """The index of the first label starting at or after `offset`."""
        return bisect_left(self._starts, offset)

    def within(self, first: int, last: int) -> list[Label]:
        """The labels wholly inside `[first, last)`, in order."""
        found = self.items[bisect_left(self._starts, first) : bisect_left(self._starts, last)]
        return [label for label in found if label.end <= last]


def find_labels(
    lay: Layout,
    spans: list[tuple[int, int]],
    page_text: str,
    deadline: Deadline = NEVER,
    zone: tzinfo = LOCAL_ZONE,
) -> Labels:
    """The `<time datetime>` labels and the text labels at `spans` that no `<time>` overlaps and that stand
    in no sentence of `page_text` (the layout's text with its soft breaks as line breaks), in page order."""
    exact = []
    for start, end, value in lay.times:
        deadline.tick("finding time labels")
        moment = exact_datetime(value, zone)
        if moment is not None:
            label = normalize_space(lay.text[start:end]) or value.strip()
            exact.append(Label(start, end, label, moment, path_at(lay, start)))
    exact.sort(key=lambda lab: lab.start)
    exact_starts = [lab.start for lab in exact]
    text_labels = []
    for s, e in spans:
        deadline.tick("finding time labels")
        if not _overlaps(exact, exact_starts, s, e) and not in_sentence(page_text, s, e):
            text_labels.append(Label(s, e, normalize_space(lay.text[s:e]), None, path_at(lay, s)))
    return Labels(sorted(exact + text_labels, key=lambda lab: lab.start))


def _overlaps(exact: list[Label], starts: list[int], start: int, end: int) -> bool:
    at = bisect_right(starts, start) - 1  # the last <time> starting at or before `start`
    if at >= 0 and exact[at].end > start:
        return True
    after = at + 1
    return after < len(exact) and exact[after].start < end


def path_at(lay: Layout, at: int) -> tuple[int, ...]:
    """The elements open around the text at offset `at`."""
    return lay.run_paths[max(0, bisect_right(lay.run_starts, at) - 1)] if lay.run_paths else ()


def in_sentence(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` runs on inside a sentence: a word before it on its line, and after it a
    lower-case word or the punctuation that goes on or ends a sentence ("het gebeurde 2 uur geleden.")."""
    before = start
    while before > 0 and text[before - 1] in _SPACES:
        before -= 1
    previous = text[before - 1] if before else "\n"
    after = end
    while after < len(text) and text[after] in _SPACES:
        after += 1
    following = text[after] if after < len(text) else "\n"
    words_before = previous.isalnum() or previous in ",;("
    return words_before and ((following.isalpha() and following.islower()) or following in _SENTENCE_GOES_ON)
