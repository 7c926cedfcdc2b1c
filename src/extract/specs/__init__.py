"""Declarative specs: data files that steer the parsers (headings, header words, columns),
checked when they load (the table specs by `tables/spec_load.py`)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import regex

from extract.contract import TABLE_DATASETS
from extract.patterns import YEAR
from extract.specs.schema import INPUT_KINDS, LAYOUTS, STRATEGIES, SpecError, Table


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed TOML spec `name` (without extension) shipped in this package, checked."""
    return parse(name, resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))


def parse(name: str, text: str) -> dict[str, Any]:
    """The text of spec `name` parsed and checked against its file's schema; a syntax error is
    a SpecError naming the file."""
    file = f"specs/{name}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{file}: not valid TOML: {err}") from err
    check = _CHECKS.get(name)
    if check:
        check(file, data)
    return data


def table_specs() -> dict[str, dict[str, Any]]:
    """Every table spec (files named `table-*.toml`) by file stem without `table-`."""
    names = sorted(p.name.removesuffix(".toml") for p in resources.files(__name__).iterdir()
                   if p.name.startswith("table-") and p.name.endswith(".toml"))
    return {n.removeprefix("table-"): load(n) for n in names}


def _strategies(file: str, data: dict[str, Any]) -> None:
    """`accept`, a fit score; `text` and `pdf`, the readers to try for each layout of a table
    on that kind of input."""
    spec = Table.of(file, data, {"accept", *INPUT_KINDS})
    accept = spec.number("accept")
    if not 0 < accept <= 1:
        raise spec.error("accept", f"must be a fit score above 0 and at most 1, got {accept}")
    spec.require(INPUT_KINDS, "the file (a reader list per layout for each kind of input)")
    for kind in INPUT_KINDS:
        order = spec.table(kind, LAYOUTS)
        if order is None:
            raise spec.error(kind, "is missing: a table of layout = [reader names]")
        order.require(LAYOUTS, f"{kind} (a reader list for each layout)")
        for layout in LAYOUTS:
            if not order.strings(layout, STRATEGIES):
                raise order.error(layout, "names no reader: its tables would never be read")


def _sections(file: str, data: dict[str, Any]) -> None:
    """`unnumbered`: the headings known without a number."""
    spec = Table.of(file, data, {"unnumbered"})
    spec.require(["unnumbered"], "the file")
    spec.strings("unnumbered")


#: What `indicators.py` puts for each placeholder of a pattern: the figure (group `v`) or a year.
_PLACEHOLDERS = {"{NUM}": r"(?P<v>\d+)", "{MONEY}": r"(?P<v>\d+)", "{YEAR}": YEAR}
_PLACEHOLDER = regex.compile(r"(?<!\\[pPN])\{[A-Z]{2,}\}")


def _indicator_pattern(pattern: str) -> regex.Pattern:
    for name, fragment in _PLACEHOLDERS.items():
        pattern = pattern.replace(name, fragment)
    return regex.compile(pattern)


def _indicators(file: str, data: dict[str, Any]) -> None:
    """`[[indicator]]`s: a slug, a unit, words the sentence needs (`needs`) or must not have
    (`not`), and patterns, each with the figure it takes (`{NUM}`, `{MONEY}`: group `v`)."""
    spec = Table.of(file, data, {"indicator"})
    spec.require(["indicator"], "the file")
    for item in spec.tables("indicator", {"slug", "unidad", "needs", "not", "patterns"}):
        item.string("slug")
        item.string("unidad")
        item.strings("needs")
        item.strings("not")
        item.require(["patterns"], "an indicator")
        texts = item.strings("patterns")
        for i, (text, pattern) in enumerate(zip(texts, item.compiled("patterns", texts, _indicator_pattern),
                                                strict=True)):
            unknown = [p for p in _PLACEHOLDER.findall(text) if p not in _PLACEHOLDERS]
            if unknown:
                raise item.error(f"patterns[{i}]", f"has the unknown placeholder {unknown[0]} in {text!r}; "
                                                   f"known: {', '.join(_PLACEHOLDERS)}")
            if "v" not in pattern.groupindex:
                raise item.error(f"patterns[{i}]", f"takes no figure: {text!r} has no {{NUM}} or {{MONEY}} "
                                                   f"(a group named `v`)")


def _expected(file: str, data: dict[str, Any]) -> None:
    """`nacional`, `provincial`: the table datasets each kind of report carries."""
    spec = Table.of(file, data, {"nacional", "provincial"})
    spec.require(["nacional", "provincial"], "the file (the tables of each kind of report)")
    for kind in ("nacional", "provincial"):
        spec.strings(kind, TABLE_DATASETS)


_CHECKS: dict[str, Callable[[str, dict[str, Any]], None]] = {
    "strategies": _strategies, "sections": _sections, "indicators": _indicators, "expected": _expected,
}
