"""Validate a config file's table against its declaration, and word every mistake as `key: what is wrong`.

pydantic does the work (types, strictness, unknown keys, every error at once); this module turns its errors into
lines that name the key as the file spells it (`sources[0].interval: must be at least 10, got 5`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from bot.settings._declare import Setting, SettingError, shown

__all__ = ["SettingsInvalid", "describe_type", "key_name", "unwrap", "validate"]

_COLLECTIONS = (tuple, list, frozenset, set)


class SettingsInvalid(ValueError):
    """One or more settings are wrong; `problems` holds one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def validate(tp: Any, data: Any, *, where: str = "", context: Mapping[str, Any] | None = None) -> Any:
    """`data` (plain values from TOML) as an instance of `tp`; `SettingsInvalid` lists every mistake.

    Validation is strict: `"60"` is not a number and `1` is not `true`. `where` is the key of `data` itself
    (`"sources"`), put before every key named in a mistake.
    """
    from pydantic import ValidationError

    try:
        document = json.dumps(data, default=str, allow_nan=True)
        return _adapter(tp).validate_json(document, strict=True, context=dict(context or {}))
    except ValidationError as exc:
        problems: dict[str, None] = {}
        for error in exc.errors(include_url=False):
            problems[_problem(tp, error, where)] = None
        raise SettingsInvalid(list(problems)) from None


@functools.cache
def _adapter(tp: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(tp)


def _problem(tp: Any, error: Mapping[str, Any], where: str) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        _, _, parent = _walk(tp, loc[:-1])
        allowed = ", ".join(sorted(f.name for f in dataclasses.fields(unwrap(parent)[0])))
        return f"{key_name(where, loc)}: unknown key; expected one of: {allowed}"
    path, setting, field_type = _walk(tp, loc)
    cause = (error.get("ctx") or {}).get("error")
    if kind == "value_error" and isinstance(cause, SettingError):
        at = cause.at if cause.absolute else path + cause.at
        name = ".".join(str(p) for p in cause.at) if cause.absolute else key_name(where, at)
        return f"{name}: {cause.message}"
    wanted = setting.expected if setting is not None and setting.expected else describe_type(field_type)
    if kind == "missing":
        return f"{key_name(where, path)}: expected {wanted} (required, missing)"
    return f"{key_name(where, path)}: expected {wanted}, got {shown(error.get('input'))}"


def _walk(tp: Any, loc: tuple[Any, ...]) -> tuple[tuple[str | int, ...], Setting | None, Any]:
    """How far `loc` goes through declared fields: that path, the `Setting` there and the type there."""
    current, setting = unwrap(tp)
    path: list[str | int] = []
    for part in loc:
        inner = _optional(current)
        if dataclasses.is_dataclass(inner) and isinstance(part, str):
            hints = get_type_hints(inner, include_extras=True)
            if part not in hints:
                break
            current, setting = unwrap(hints[part])
        elif get_origin(inner) in _COLLECTIONS and isinstance(part, int):
            element, element_setting = unwrap(get_args(inner)[0])
            if element_setting is None and not dataclasses.is_dataclass(_optional(element)):
                break  # a plain element's mistake is the list's: "expected a list of user ids"
            current, setting = element, element_setting
        else:
            break
        path.append(part)
    return tuple(path), setting, current


def unwrap(tp: Any) -> tuple[Any, Setting | None]:
    """`Annotated[T, Setting(...)]` -> (T, the Setting); anything else -> (it, None)."""
    if get_origin(tp) is Annotated:
        inner, *extras = get_args(tp)
        setting = next((e for e in extras if isinstance(e, Setting)), None)
        return inner, setting
    return tp, None


def _optional(tp: Any) -> Any:
    """`T | None` -> T."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return unwrap(args[0])[0]
    return tp


def describe_type(tp: Any) -> str:
    """What a value of `tp` looks like in a config file, in words."""
    tp = unwrap(tp)[0]
    origin = get_origin(tp)
    if origin is Literal:
        return " or ".join(f'"{v}"' if isinstance(v, str) else json.dumps(v) for v in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(describe_type(a) for a in get_args(tp) if a is not type(None))
    if origin in _COLLECTIONS:
        return f"a list of {_plural(describe_type(get_args(tp)[0]))}"
    if dataclasses.is_dataclass(tp):
        return "a table"
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "text in quotes",
    }.get(tp, getattr(tp, "__name__", str(tp)))


def _plural(words: str) -> str:
    return words.removeprefix("a ").removeprefix("an ") + ("s" if not words.endswith("s") else "")


def key_name(where: str, path: Sequence[str | int]) -> str:
    """`sources` + (0, "interval") -> `sources[0].interval`."""
    name = where
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name
