"""Why a table was not read: the header seen in its section, the columns its words name, what
is missing, and the words no spec knows, so that a maintainer adds the synonym in one go."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract.model import Line
from extract.tables.header import header_like
from extract.tables.header_words import header_key, loose
from extract.tables.spec import TableSpec
from extract.textutil import fold_ws

_MAX_BLOCK = 8  # lines of one candidate header
_SHOWN = 160  # characters of the header text shown


@dataclass(frozen=True)
class Diagnosis:
    """The closest a section came to a spec's header."""

    spec: str
    header: str
    matched: dict[str, str]  # field -> the header words that named it
    missing: list[str]  # required fields and header patterns not found
    unknown: list[str]  # header words no spec knows

    def __str__(self) -> str:
        found = ", ".join(f"{f} <- '{w}'" for f, w in self.matched.items()) or "none"
        text = self.header if len(self.header) <= _SHOWN else self.header[:_SHOWN] + "..."
        parts = [f"header seen: '{text}'", f"columns named: {found}"]
        if self.missing:
            parts.append("missing: " + ", ".join(self.missing))
        if self.unknown:
            parts.append("words no spec knows: " + ", ".join(self.unknown))
        return f"spec {self.spec}: " + "; ".join(parts)


def diagnose(spec: TableSpec, lines: list[Line]) -> Diagnosis | None:
    """The block of header-like lines in `lines` that names most of the spec's columns."""
    best: tuple[int, Diagnosis] | None = None
    i = 0
    while i < len(lines):
        if not lines[i].text.strip() or not header_like(lines[i].text, spec):
            i += 1
            continue
        block = [lines[i].text]
        j = i + 1
        while j < len(lines) and len(block) < _MAX_BLOCK:
            text = lines[j].text
            if text.strip():
                if not header_like(text, spec):
                    break
                block.append(text)
            j += 1
        found = _diagnosis(spec, fold_ws(" ".join(block)))
        weight = len(found.matched) - len(found.missing)
        if best is None or weight > best[0]:
            best = (weight, found)
        i = j
    return best[1] if best else None


def _diagnosis(spec: TableSpec, text: str) -> Diagnosis:
    folded = header_key(text)
    matched: dict[str, str] = {}
    named = [*spec.columns, *([spec.years] if spec.years else [])]
    for col in named:
        for pattern in col.match:
            m = loose(pattern).search(folded)
            if m and col.field not in matched:
                matched[col.field] = m.group()
    missing = [c.field for c in spec.columns if c.required and c.keep and c.field not in matched]
    if spec.years and spec.years.field not in matched and not regex.search(r"(?:19|20)\d\d", folded):
        missing.append(f"{spec.years.field} (a year or '{spec.years.match[0] if spec.years.match else ''}')")
    missing += [f"header '{p}'" for p in spec.header_missing(folded)]
    return Diagnosis(spec.name, text, matched, missing, spec.unknown_words(text))
