"""Settings declared once, as data: each TOML table is a frozen dataclass whose fields carry their default, type,
bounds and help (`Setting`); validation, `check-config`'s print, the README's reference and the docs tests all
read those declarations.

- `Setting`, `SettingError`, `table`: how a setting is declared (`_declare`);
- `validate(tp, data, where=...)`: a config file's table as that dataclass, or `SettingsInvalid` listing every
  mistake as `key: what is wrong` (`_validate`, on pydantic, imported only then);
- `describe_table`, `dump`: the declarations walked for the reference and for printing (`_describe`).

pydantic was chosen over msgspec because it reports every wrong key in one pass (msgspec stops at the first),
and validates plain dataclasses, so the program passes around dataclasses that tests may build freely.
"""

from bot.settings._declare import Check, Setting, SettingError, shown, table
from bot.settings._describe import (
    REFERENCE_END,
    REFERENCE_START,
    SettingDoc,
    describe_table,
    dump,
    reference_markdown,
)
from bot.settings._validate import SettingsInvalid, describe_type, key_name, validate

__all__ = [
    "REFERENCE_END",
    "REFERENCE_START",
    "Check",
    "Setting",
    "SettingDoc",
    "SettingError",
    "SettingsInvalid",
    "describe_table",
    "describe_type",
    "dump",
    "key_name",
    "reference_markdown",
    "shown",
    "table",
    "validate",
]
