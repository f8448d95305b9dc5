"""Which subscriptions want a news item, and why.

The rules (the chat help quotes them):

- A **paused** subscription receives nothing.
- **Sources**: if a subscription names sources, only items from those sources count; no sources means all.
- **Exclusions always win**: if any exclude keyword matches, the item is not sent, in either mode.
- Mode **all**: every item from the subscription's sources, except what an exclusion removes. Include
  keywords and countries are kept but not used.
- Mode **filtered**: the item must pass every filter that is set:
  include keywords (any one of them must match; none set = no keyword needed) AND countries (any of the
  item's countries must be one of them; none set = any country, or none) AND no exclusion.
  A filtered subscription with no include keywords and no countries therefore receives everything from its
  sources.

Keywords are looked for in the item's title and lead:

- case and accents do not matter: `Oekraïne` = `oekraine`, `STRASSE` = `Straße`;
- whole words only: `iran` does not match `Iraanse` or `Iranian`, but it does match `Iran's` and `Iran-deal`
  (punctuation, apostrophes and hyphens separate words);
- `"quoted words"` match as a phrase: the words in this order with only spaces or punctuation between them
  (`"witte huis"` matches `Witte Huis` and `witte-huis`, not `witte en huis`). Punctuation inside a keyword
  separates words in the same way, so `covid-19` matches `Covid 19`;
- a trailing `*` matches the start of a word: `oekra*` matches `Oekraïense` and `Oekraïne`; it works on the
  last word of a phrase too (`"witte hui*"`).

`MatchIndex` answers for many subscriptions at once; `matches` is the plain rule for one; `explain` says why.
"""

from bot.matching._explain import CountryName, Explanation, explain
from bot.matching._index import IndexStats, MatchIndex
from bot.matching._reference import matches, mentions
from bot.matching._text import fold_words, keyword_pattern

__all__ = [
    "CountryName",
    "Explanation",
    "IndexStats",
    "MatchIndex",
    "explain",
    "fold_words",
    "keyword_pattern",
    "matches",
    "mentions",
]
