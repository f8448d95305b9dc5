"""The declarations walked: every setting of a table with its default and help (for the README's reference and
the docs tests), and a settings object as plain data (for `wirewatch check-config`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from bot.settings._declare import Setting, shown
from bot.settings._validate import _COLLECTIONS, _optional, describe_type, unwrap

__all__ = ["REFERENCE_END", "REFERENCE_START", "SettingDoc", "describe_table", "dump", "reference_markdown"]

MASK = "set ({n} characters, hidden)"


@dataclass(frozen=True, slots=True)
class SettingDoc:
    """One key of one table: `table` as the file names it (`sources.selectors`), `many` for `[[arrays]]`."""

    table: str
    key: str
    expected: str
    default: Any
    help: str
    many: bool = False
    required: bool = False


def describe_table(declared: Any, name: str, *, many: bool = False) -> list[SettingDoc]:
    """Every setting of the table `declared` (a settings dataclass, or a list of them for `[[name]]`; named
    `name` in the file) and of the tables inside it, in order."""
    cls = _optional(unwrap(declared)[0])
    if get_origin(cls) in _COLLECTIONS:
        return describe_table(get_args(cls)[0], name, many=True)
    docs: list[SettingDoc] = []
    nested: list[SettingDoc] = []
    hints = get_type_hints(cls, include_extras=True)
    for f in dataclasses.fields(cls):
        tp, setting = unwrap(hints[f.name])
        inner = _optional(tp)
        element = unwrap(get_args(inner)[0])[0] if get_origin(inner) in _COLLECTIONS else None
        if dataclasses.is_dataclass(inner) and isinstance(inner, type):
            nested += describe_table(inner, f"{name}.{f.name}", many=False)
            continue
        if dataclasses.is_dataclass(element) and isinstance(element, type):
            nested += describe_table(element, f"{name}.{f.name}", many=True)
            continue
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        docs.append(
            SettingDoc(
                table=name,
                key=f.name,
                expected=_expected(setting, tp),
                default=None if default is dataclasses.MISSING else dump(default),
                help=setting.help if setting else "",
                many=many,
                required=default is dataclasses.MISSING,
            )
        )
    return docs + nested


def _expected(setting: Setting | None, tp: Any) -> str:
    if setting is not None and setting.expected:
        return setting.expected
    words = describe_type(tp)
    if setting is None:
        return words
    bounds = [
        f"{name} {shown(bound)}"
        for name, bound in (("at least", setting.ge), ("at most", setting.le), ("more than", setting.gt))
        if bound is not None
    ]
    return ", ".join([words, *bounds])


def dump(value: Any) -> Any:
    """`value` as plain data (tables as dicts keyed as in the file), secrets masked."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = get_type_hints(type(value), include_extras=True)
        result: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            _, setting = unwrap(hints[f.name])
            item = getattr(value, f.name)
            if setting is not None and setting.secret and item:
                result[f.name] = MASK.format(n=len(str(item)))
            else:
                result[f.name] = dump(item)
        return result
    if isinstance(value, frozenset | set):
        return sorted(dump(v) for v in value)
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {k: dump(v) for k, v in value.items()}
    return value


REFERENCE_START = "<!-- settings reference: `uv run python tools/gen_settings_reference.py` writes it -->"
REFERENCE_END = "<!-- end of the settings reference -->"


def reference_markdown(docs: list[SettingDoc]) -> str:
    """The settings as Markdown tables, one per TOML table, between the README's markers."""
    lines = [REFERENCE_START]
    table = None
    for doc in docs:
        if doc.table != table:
            table = doc.table
            header = f"[[{table}]]" if doc.many else f"[{table}]"
            lines += ["", f"`{header}`", "", "| key | value | default | what it does |", "|---|---|---|---|"]
        cells = (f"`{doc.key}`", doc.expected, _toml(doc), doc.help)
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    lines += ["", REFERENCE_END]
    return "\n".join(lines)


def _toml(doc: SettingDoc) -> str:
    if doc.required:
        return "required"
    if doc.default is None:
        return "not set"
    return f"`{json.dumps(doc.default, ensure_ascii=False)}`"
