"""What a spec file may hold, checked on load: each value taken by its type, a mistake a
`SpecError` naming the file, the key and what was expected."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import regex

#: The layouts a table is printed in: a row per line (`rows`), wrapped records (`records`).
LAYOUTS = ("rows", "records")
#: The table readers `specs/strategies.toml` may name (`tables/find.py`'s `READERS`).
STRATEGIES = ("text-delimited", "text-aligned", "text-aligned-groups", "text-aligned-rows", "text-cells",
              "text-aligned-side-by-side", "text-aligned-records", "camelot-lattice", "camelot-stream",
              "pdfplumber")
#: The kinds of input `specs/strategies.toml` orders readers for.
INPUT_KINDS = ("text", "pdf")


class SpecError(ValueError):
    """A spec that cannot be used as written."""


_KINDS = {bool: "a boolean", str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}


def _a(value: object) -> str:
    """A TOML value as a message names it: `a string ('x')`, `a list`."""
    kind = _KINDS.get(type(value), f"a {type(value).__name__}")
    return kind if isinstance(value, list | dict) else f"{kind} ({value!r})"


@dataclass(frozen=True)
class Table:
    """A table of a spec file whose keys are known; its values are taken by the method for
    their type, each checked."""

    file: str  # as messages name it: `specs/strategies.toml`
    data: dict[str, Any]
    path: str = ""  # the table's key in the file, dotted: `columns[0].`

    @classmethod
    def of(cls, file: str, data: object, known: Iterable[str], path: str = "") -> Table:
        """`data` as a table whose keys are all `known`; an unknown key (a typo) is an error."""
        if not isinstance(data, dict):
            raise SpecError(f"{file}: {path.rstrip('.') or 'the file'} must be a table, got {_a(data)}")
        allowed = frozenset(known)
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise SpecError(f"{file}: unknown key(s) {', '.join(path + k for k in unknown)}; "
                            f"known: {', '.join(sorted(allowed))}")
        return cls(file, data, path)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def error(self, key: str, message: str) -> SpecError:
        """An error about `key`, naming the file and the key."""
        return SpecError(f"{self.file}: {self.path}{key} {message}")

    def require(self, keys: Iterable[str], why: str) -> None:
        """Every one of `keys` present, else an error naming those missing and `why` they are needed."""
        missing = [self.path + k for k in keys if k not in self.data]
        if missing:
            raise SpecError(f"{self.file}: {why} needs {', '.join(missing)}")

    def _value(self, key: str, default: object) -> Any:
        if key in self.data:
            return self.data[key]
        if default is None:
            raise SpecError(f"{self.file}: {self.path}{key} is missing")
        return default

    def _typed(self, key: str, default: object, kinds: tuple[type, ...], expected: str) -> Any:
        """The value of `key` (`default` when absent, required when that is None), of one of
        `kinds`: a boolean is no number here, though Python counts it one."""
        value = self._value(key, default)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.error(key, f"must be {expected}, got {_a(value)}")
        return value

    def string(self, key: str, default: str | None = None) -> str:
        """A string; required unless `default` is given."""
        value: str = self._typed(key, default, (str,), "a string")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """`true` or `false`."""
        value: bool = self._typed(key, default, (bool,), "true or false")
        return value

    def integer(self, key: str, default: int) -> int:
        """A whole number."""
        value: int = self._typed(key, default, (int,), "an integer")
        return value

    def number(self, key: str) -> float:
        """A number (integer or decimal); required."""
        value: float = self._typed(key, None, (int, float), "a number")
        return float(value)

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        """One of `allowed`; required unless `default` is given."""
        value = self.string(key, default)
        if value not in allowed:
            raise self.error(key, f"must be one of {', '.join(allowed)}, got {value!r}")
        return value

    def strings(self, key: str, allowed: tuple[str, ...] = ()) -> tuple[str, ...]:
        """A list of strings (each one of `allowed`, when given), empty when absent; a plain
        string instead of a list is said so, with how to write it."""
        value = self._value(key, [])
        if isinstance(value, str):
            raise self.error(key, f"must be a list of strings, got a string: write "
                                  f"{key} = [{json.dumps(value, ensure_ascii=False)}]")
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of strings, got {_a(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{key}[{i}]", f"must be a string, got {_a(item)}")
            if allowed and item not in allowed:
                raise self.error(f"{key}[{i}]", f"must be one of {', '.join(allowed)}, got {item!r}")
        return tuple(value)

    def table(self, key: str, known: Iterable[str]) -> Table | None:
        """A sub-table whose keys are all `known`; None when absent."""
        if key not in self.data:
            return None
        return Table.of(self.file, self.data[key], known, f"{self.path}{key}.")

    def tables(self, key: str, known: Iterable[str]) -> list[Table]:
        """An array of tables (`[[key]]`), each with only `known` keys; empty when absent."""
        value = self._value(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"must be an array of tables ([[{key}]]), got {_a(value)}")
        return [Table.of(self.file, item, known, f"{self.path}{key}[{i}].") for i, item in enumerate(value)]

    def compiled(self, key: str, patterns: Iterable[str],
                 use: Callable[[str], regex.Pattern]) -> tuple[regex.Pattern, ...]:
        """`use(pattern)` for each of `patterns`; one that is not a regular expression is an
        error naming the key and the pattern, never a failure at every report."""
        out = []
        for pattern in patterns:
            try:
                out.append(use(pattern))
            except regex.error as err:
                raise SpecError(f"{self.file}: {self.path}{key}: {pattern!r} is not a regular expression "
                                f"({err})") from err
        return tuple(out)

    def patterns(self, key: str, flags: int = 0) -> tuple[regex.Pattern, ...]:
        """A list of regular expressions, compiled; empty when absent."""
        return self.compiled(key, self.strings(key), lambda p: regex.compile(p, flags))

    def pattern(self, key: str, flags: int = 0) -> regex.Pattern:
        """A regular expression, compiled; required."""
        (compiled,) = self.compiled(key, [self.string(key)], lambda p: regex.compile(p, flags))
        return compiled

    def pattern_table(self, key: str) -> dict[str, regex.Pattern]:
        """A table of name -> regular expression, compiled, in the order written; empty when absent."""
        value = self._value(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table of name = 'pattern', got {_a(value)}")
        for name, item in value.items():
            if not isinstance(item, str):
                raise self.error(f"{key}.{name}", f"must be a string (a pattern), got {_a(item)}")
        return dict(zip(value, self.compiled(key, value.values(), regex.compile), strict=True))
