"""Write the README's settings reference from the declarations (`bot.config.reference`).

uv run python tools/gen_settings_reference.py          # rewrite README.md in place
uv run python tools/gen_settings_reference.py --check  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import reference
from bot.settings import REFERENCE_END, REFERENCE_START, reference_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def updated(text: str) -> str:
    """`text` with the block between the markers replaced by the current reference."""
    head, found, rest = text.partition(REFERENCE_START)
    if not found:
        raise SystemExit(f"README.md has no line {REFERENCE_START!r}")
    _, found, tail = rest.partition(REFERENCE_END)
    if not found:
        raise SystemExit(f"README.md has no line {REFERENCE_END!r}")
    return head + reference_markdown(reference()) + tail


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
