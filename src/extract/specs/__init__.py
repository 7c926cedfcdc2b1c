"""Declarative specs: data files that steer the parsers (headings, header words, columns)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed TOML spec `name` (without extension) shipped in this package."""
    return tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))


def table_specs() -> dict[str, dict[str, Any]]:
    """Every table spec (files named `table-*.toml`) by file stem without `table-`."""
    names = sorted(p.name.removesuffix(".toml") for p in resources.files(__name__).iterdir()
                   if p.name.startswith("table-") and p.name.endswith(".toml"))
    return {n.removeprefix("table-"): load(n) for n in names}
