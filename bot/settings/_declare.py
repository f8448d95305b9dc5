"""How a setting is declared: a dataclass field whose type is `Annotated[T, Setting(...)]`, with its default.

    @table
    @dataclass(frozen=True, slots=True)
    class FetchSettings:
        read_timeout: Annotated[float, Setting("Seconds to wait for a response.", gt=0)] = 15.0

The dataclass is what the program passes around (constructing one does not validate, so tests and the demo may
use values a config file may not); `Setting` holds the help, the bounds and an optional `check` that only a config
file's validation (`bot.settings.validate`) applies. pydantic, which does that validation, is imported then and
not before: `Setting` hooks into it through `__get_pydantic_core_schema__`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["Check", "Setting", "SettingError", "shown", "table"]

T = TypeVar("T")
Check = Callable[[Any, Mapping[str, Any]], Any]  # (value, context) -> value, or raise SettingError


class SettingError(ValueError):
    """A value is wrong. `at` is where, below the setting being checked (`("webhook_url",)`, `(1, "chat")`);
    `absolute` means `at` is the whole name (an environment variable, say), not a path below the setting."""

    def __init__(self, message: str, *, at: tuple[str | int, ...] = (), absolute: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.at = at
        self.absolute = absolute


@dataclass(frozen=True, slots=True)
class Setting:
    """Help, bounds and checks of one setting.

    `expected` words what a good value looks like ("a whole number from 1 to 65535"); it is derived from the type
    and bounds when not given. `example` is shown in the docs; `check(value, context)` may normalise the value
    or raise `SettingError`; `context` holds the environment's secrets (`{"environ": {...}}`).
    """

    help: str = ""
    expected: str | None = None
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    min_items: int | None = None
    example: str | None = None
    check: Check | None = None
    secret: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.with_info_after_validator_function(self._validate, handler(source))

    def _validate(self, value: Any, info: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            self._check_bounds(value)
        if self.min_items is not None and len(value) < self.min_items:
            raise SettingError(f"expected {self.describe('one or more values')}")
        if self.check is not None:
            value = self.check(value, info.context or {})
        return value

    def _check_bounds(self, value: float) -> None:
        if not math.isfinite(value):
            raise SettingError(f"expected a finite number, got {shown(value)}")
        for bound, bad, words in (
            (self.ge, self.ge is not None and value < self.ge, "at least"),
            (self.le, self.le is not None and value > self.le, "at most"),
            (self.gt, self.gt is not None and value <= self.gt, "more than"),
        ):
            if bad:
                raise SettingError(f"must be {words} {shown(bound)}, got {shown(value)}")

    def describe(self, fallback: str) -> str:
        """What a good value looks like, in words."""
        return self.expected or fallback


def table(cls: type[T]) -> type[T]:
    """Mark a settings dataclass as one TOML table: a key it does not declare is an error."""
    cls.__pydantic_config__ = {"extra": "forbid"}  # type: ignore[attr-defined]
    return cls


def shown(value: Any) -> str:
    """A value as a config file would spell it: `5` rather than `5.0`, strings quoted."""
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return repr(value)
