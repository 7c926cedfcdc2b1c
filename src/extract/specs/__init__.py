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


def table_specs() -> list[dict[str, Any]]:
    """Every table spec (files named `table-*.toml`), in name order."""
    names = sorted(p.name for p in resources.files(__name__).iterdir() if p.name.startswith("table-"))
    return [load(n.removesuffix(".toml")) for n in names]
