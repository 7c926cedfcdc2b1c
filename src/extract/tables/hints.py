"""What a table's header says of its value columns, as evidence for the role search: the
fields its words name per column, their order, the years printed and the spans
(`Adjudicados | Finalizados`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extract.tables.header_words import header_key
from extract.tables.spec import EXTRA_PREFIX, Column, TableSpec

Key = tuple[str, int | None, str | None]  # (field, year, span): what a column is


def key_of(col: Column) -> Key:
    return col.field, col.year, col.span


@dataclass(frozen=True)
class Hints:
    """What the header says of the value columns: per position, the keys its words name
    (`positional`, when the header's columns line up with the values'), else the keys in the
    header's order (`order`); and the spans (`Adjudicados | Finalizados`) by position."""

    positional: tuple[frozenset[Key], ...] | None
    order: tuple[Key, ...]
    spans: tuple[str | None, ...]
    years: tuple[int, ...]


def text_hints(spec: TableSpec, header_text: str, width: int) -> Hints:
    """Hints from a header's text, read as a whole (text readers)."""
    every = spec.columns_from_header(header_text, extras=True)
    named = [c for c in every if not c.field.startswith(EXTRA_PREFIX)]
    aligned = every if len(every) == width else named if len(named) == width else None
    positional = tuple(frozenset() if c.field.startswith(EXTRA_PREFIX) else frozenset({key_of(c)})
                       for c in aligned) if aligned else None
    spans = tuple(c.span for c in aligned) if aligned and all(c.span for c in aligned) else \
        _span_blocks(spec, header_text, width)
    return Hints(positional, tuple(key_of(c) for c in named), spans, _years(named))


def column_hints(spec: TableSpec, header_text: str, texts: Sequence[str]) -> Hints:
    """Hints from each value column's own header text (grids)."""
    per = [spec.columns_from_header(t) for t in texts]
    positional = tuple(frozenset(key_of(c) for c in cols) for cols in per)
    own = [c.span for cols in per for c in cols[:1]]
    spans = tuple(cols[0].span if cols else None for cols in per)
    if not (len(own) == len(texts) and all(own)):
        spans = _span_blocks(spec, header_text, len(texts))
    named = [c for cols in per for c in cols]
    return Hints(positional, tuple(key_of(c) for c in named), spans, _years(named))


def _years(named: Sequence[Column]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(c.year for c in named if c.year is not None))


def _span_blocks(spec: TableSpec, header_text: str, width: int) -> tuple[str | None, ...]:
    """Spans named in the header in order, each over an equal block of the value columns."""
    if not spec.spans:
        return (None,) * width
    text = header_key(header_text)
    found = [v for _, v in sorted((m.start(), v) for v, p in spec.spans["values"].items()
                                  for m in p.finditer(text))]
    found = list(dict.fromkeys(found))
    if len(found) < 2 or width % len(found):
        return (None,) * width
    size = width // len(found)
    return tuple(found[j // size] for j in range(width))
