"""What a table spec (`specs/table-*.toml`) holds, read from its TOML with every key checked:
an unknown key or a value of the wrong type is an error naming the file, the key and what was
expected, on load, never a failure deep inside a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import regex

from extract.contract import TABLE_DATASETS
from extract.specs.schema import LAYOUTS, SpecError, Table
from extract.tables.checks import Check
from extract.tables.header_words import GENERIC_HEADER_WORDS, WORDS, header_key, interleaved, loose
from extract.textutil import key

KINDS = ("count", "money", "percent")
DEFAULT_END = tuple(regex.compile(p) for p in (r"(^|\|\s*)fuente\s*:", r"^cifras (acumuladas|en usd)",
                                               r"^elaborado por"))
_SPEC_KEYS = frozenset({
    "dataset", "order", "layout", "sections", "header", "header_words", "label", "group", "years", "columns",
    "spans", "label_code", "label_vocabulary", "none", "end", "record_start", "text_field", "document", "count",
    "grid", "total_expected", "checks",
})
_COLUMN_KEYS = frozenset({"field", "kind", "match", "keep", "required"})
_RECORDS_NEED = ("record_start", "text_field", "document", "count")


@dataclass(frozen=True)
class ColumnSpec:
    """A value column the spec knows: the field it fills and the header words that name it."""

    field: str
    kind: str  # count | money | percent
    match: tuple[str, ...] = ()
    keep: bool = True
    required: bool = True


@dataclass(frozen=True)
class FieldPattern:
    """A records field found by a pattern in the row's text (`Memorando Nro. ... del 03/02/2025`)."""

    field: str
    pattern: regex.Pattern
    start: regex.Pattern | None = None  # where the field's text begins, when wrapped over lines


@dataclass(frozen=True)
class Records:
    """The `records` layout: long wrapped cells, each row starting with a control body's name."""

    record_start: tuple[str, ...]  # the names a row starts with (folded)
    text_field: str  # the wrapped text cell (the examination)
    document: FieldPattern
    count: FieldPattern  # group `n`: the count; group `rec`: its `Rec.` prefix
    grid: dict[str, regex.Pattern]  # for grid strategies: a field's header words, tried in this order


@dataclass(frozen=True)
class LabelCode:
    """A code printed before a row's label (`51 Gastos en personal`): `pattern` has the groups
    `code` (to `field`) and `rest` (the label)."""

    field: str
    pattern: regex.Pattern


@dataclass(frozen=True)
class SpecData:
    """What a table spec says, checked and compiled (`TableSpec` adds what it does with it)."""

    name: str
    dataset: str
    order: int
    layout: str
    sections: tuple[regex.Pattern, ...]
    header: tuple[str, ...]
    header_words: frozenset[str]
    label: str
    group: str | None
    years: ColumnSpec | None
    columns: tuple[ColumnSpec, ...]
    spans: dict[str, Any] | None  # `field`: the span's field; `values`: span name -> its compiled pattern
    label_code: LabelCode | None
    label_vocabulary: tuple[str, ...]
    none: tuple[regex.Pattern, ...]
    end: tuple[regex.Pattern, ...]
    records: Records | None = None  # the `records` layout's fields
    total_expected: bool = False  # the layout always ends with a grand total row
    checks: tuple[Check, ...] = ()  # arithmetic its rows satisfy, to tell same-kind columns apart

    @classmethod
    def from_dict(cls, name: str, d: dict[str, Any]) -> Self:
        """A spec from its TOML, every key checked: an unknown key (a typo) or a value that is
        not what the key takes is an error naming it, never ignored."""
        spec = Table.of(f"specs/table-{name}.toml", d, _SPEC_KEYS)
        years_table = spec.table("years", _COLUMN_KEYS - {"keep", "required"})
        years = _column(years_table) if years_table else None
        columns = tuple(_column(c) for c in spec.tables("columns", _COLUMN_KEYS))
        _unique_fields(spec, columns, years)
        header = spec.strings("header")
        spec.compiled("header", header, interleaved)
        layout = spec.choice("layout", LAYOUTS, "rows")
        return cls(
            name=name,
            dataset=spec.choice("dataset", TABLE_DATASETS),
            order=spec.integer("order", 100),
            layout=layout,
            sections=spec.patterns("sections"),
            header=header,
            header_words=_vocabulary(spec.strings("header_words"), [*columns, *filter(None, [years])]),
            label=spec.string("label"),
            group=spec.string("group") if "group" in spec else None,
            years=years,
            columns=columns,
            spans=_spans(spec),
            label_code=_label_code(spec),
            label_vocabulary=tuple(key(w) for w in spec.strings("label_vocabulary")),
            none=spec.patterns("none"),
            end=spec.patterns("end") or DEFAULT_END,
            records=_records(spec, layout),
            total_expected=spec.boolean("total_expected", False),
            checks=_checks(spec, columns, years),
        )


def _column(col: Table) -> ColumnSpec:
    """A `[[columns]]` entry or `years`: its header words checked as the patterns they are used as."""
    match = col.strings("match")
    col.compiled("match", match, loose)
    return ColumnSpec(col.string("field"), col.choice("kind", KINDS), match,
                      col.boolean("keep", True), col.boolean("required", True))


def _unique_fields(spec: Table, columns: tuple[ColumnSpec, ...], years: ColumnSpec | None) -> None:
    """Each field named by one column: a spanning header shares every column out per span."""
    named = [*([("years.field", years)] if years else []),
             *((f"columns[{i}].field", c) for i, c in enumerate(columns))]
    seen: dict[str, str] = {}
    for where, col in named:
        if col.field in seen:
            raise SpecError(f"{spec.file}: {where}: {col.field!r} is already {seen[col.field]}; a field is "
                            f"one column (a spanning header shares each column out per span)")
        seen[col.field] = where


def _vocabulary(header_words: tuple[str, ...], columns: list[ColumnSpec]) -> frozenset[str]:
    """A spec's header words: its `header_words`, the words of its columns' synonyms, and the
    words of any table header."""
    synonyms = [w for c in columns for p in c.match for w in WORDS.findall(header_key(p))]
    return frozenset(header_key(w) for w in [*header_words, *synonyms]) | GENERIC_HEADER_WORDS


def _spans(spec: Table) -> dict[str, Any] | None:
    """`spans`: the field a spanning header fills (`estado`) and the pattern of each span."""
    spans = spec.table("spans", {"field", "values"})
    if spans is None:
        return None
    spans.require(("field", "values"), "spans")
    return {"field": spans.string("field"), "values": spans.pattern_table("values")}


def _label_code(spec: Table) -> LabelCode | None:
    code = spec.table("label_code", {"field", "pattern"})
    if code is None:
        return None
    pattern = code.pattern("pattern")
    if not {"code", "rest"} <= set(pattern.groupindex):
        raise code.error("pattern", "needs the groups `code` and `rest`")
    return LabelCode(code.string("field"), pattern)


def _records(spec: Table, layout: str) -> Records | None:
    """The `records` layout's keys, required with it and an error without it."""
    if layout != "records":
        stray = [k for k in (*_RECORDS_NEED, "grid") if k in spec]
        if stray:
            raise spec.error(stray[0], f'is a key of layout = "records" only; this spec\'s layout is "{layout}"')
        return None
    spec.require(_RECORDS_NEED, 'layout = "records"')
    if not spec.strings("header"):
        raise spec.error("header", 'must name a column: layout = "records" finds its table by header[0]')
    count = _field_pattern(spec, "count")
    if not {"n", "rec"} <= set(count.pattern.groupindex):
        raise spec.error("count.pattern", "needs the groups `n` (the count) and `rec` (its `Rec.` prefix)")
    return Records(tuple(key(p) for p in spec.strings("record_start")), spec.string("text_field"),
                   _field_pattern(spec, "document"), count, spec.pattern_table("grid"))


def _field_pattern(spec: Table, name: str) -> FieldPattern:
    d = spec.table(name, {"field", "pattern", "start"})
    assert d is not None  # required by `_records`
    start = d.pattern("start", regex.IGNORECASE) if "start" in d else None
    return FieldPattern(d.string("field"), d.pattern("pattern", regex.IGNORECASE), start)


def _checks(spec: Table, columns: tuple[ColumnSpec, ...], years: ColumnSpec | None) -> tuple[Check, ...]:
    """`checks` parsed, each operand a column of the spec: a field, or a year of the `years`
    measure by its rank (`monto_usd[-1]`)."""
    texts = spec.strings("checks")
    try:
        checks = tuple(Check.parse(t) for t in texts)
    except ValueError as err:
        raise SpecError(f"{spec.file}: {err}") from err
    fields = {c.field for c in columns}
    known = [*sorted(fields), *([f"{years.field}[0]", f"{years.field}[-1]"] if years else [])]
    for text, check in zip(texts, checks, strict=True):
        for operand in filter(None, (check.left, check.right, check.other)):
            field, indexed, _ = operand.partition("[")
            if not (field == years.field if indexed and years else not indexed and field in fields):
                raise SpecError(f"{spec.file}: check {text!r}: {operand!r} is no column of this spec; "
                                f"known: {', '.join(known)}")
    return checks
