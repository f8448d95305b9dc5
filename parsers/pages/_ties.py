"""Which time label may belong to which dateline: only one from the same part of the page.

Below the smallest element holding both the label and the dateline, neither may sit inside a *barrier* (a
section, article, aside, navigation, page header or footer, dialog or form: `Layout.barriers`), and the
label's side may not be a block of several labels on several lines (another list: "Net binnen 11:40 ...
11:30 ..."). So no label comes from navigation, a banner, a cookie notice or another section.
"""

from __future__ import annotations

from parsers.pages._labels import Label, Labels
from parsers.pages._layout import Layout, common_depth

__all__ = ["Ties"]


class Ties:
    """Answers `tied(label, path)` for the labels of one page, each block of labels judged once."""

    def __init__(self, lay: Layout, labels: Labels) -> None:
        self._lay = lay
        self._labels = labels
        self._lists: dict[int, bool] = {}

    def tied(self, label: Label, path: tuple[int, ...]) -> bool:
        """Whether `label` may belong to the dateline whose text node sits inside the elements `path`."""
        shared = common_depth(label.path, path)
        barriers = self._lay.barriers
        if not (barriers.isdisjoint(label.path[shared:]) and barriers.isdisjoint(path[shared:])):
            return False
        return shared >= len(label.path) or not self._is_list(label.path[shared])

    def _is_list(self, ident: int) -> bool:
        """Whether the element `ident` holds several labels on different lines."""
        known = self._lists.get(ident)
        if known is None:
            first, last = self._lay.ranges.get(ident, (0, 0))
            at = self._labels.first_from(first)
            two = [lab for lab in self._labels.items[at : at + 2] if lab.end <= last]
            known = len(two) == 2 and self._lay.text.find("\n", two[0].end, two[1].start) >= 0
            self._lists[ident] = known
        return known
