"""Table specs as typed objects, checked when they load, and the header-to-columns mapping every
strategy shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from extract import specs, tolerances
from extract.patterns import YEAR
from extract.tables.checks import Check
from extract.tables.header_words import (
    FILLER,
    GENERIC_HEADER_WORDS,
    WORDS,
    header_key,
    interleaved,
    loose,
    participles,
)
from extract.textutil import key

FISCAL_YEAR = 0  # Column.year of a column named without a year: the report's fiscal year
_YEAR = regex.compile(rf"(?<!\d)({YEAR})(?!\d)")


def _vocabulary(d: dict[str, Any]) -> frozenset[str]:
    """A spec's header words: its `header_words`, the words of its columns' synonyms, and the
    words of any table header."""
    synonyms = [p for c in [*d.get("columns", ()), d.get("years") or {}] for p in c.get("match", ())]
    words = [*d.get("header_words", ()), *(w for p in synonyms for w in WORDS.findall(header_key(p)))]
    return frozenset(header_key(w) for w in words) | GENERIC_HEADER_WORDS


@dataclass(frozen=True)
class ColumnSpec:
    """A value column the spec knows: the field it fills and the header words that name it."""

    field: str
    kind: str  # count | money | percent
    match: tuple[str, ...] = ()
    keep: bool = True
    required: bool = True


@dataclass(frozen=True)
class Column:
    """A value column found in a table's header, in printed order."""

    field: str
    kind: str
    keep: bool
    required: bool
    year: int | None = None
    span: str | None = None


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

    @classmethod
    def from_dict(cls, spec: str, d: dict[str, Any]) -> Records:
        missing = sorted({"record_start", "text_field", "document", "count"} - set(d))
        if missing:
            raise SpecError(f"specs/table-{spec}.toml: a records table needs {', '.join(missing)}")
        for name in ("document", "count"):
            _known(spec, f"{name}.", d[name], frozenset({"field", "pattern", "start"}))
        grid = d.get("grid", {})
        return cls(tuple(key(p) for p in d["record_start"]), d["text_field"],
                   _field_pattern(spec, "document", d["document"]), _field_pattern(spec, "count", d["count"]),
                   dict(zip(grid, _compiled(spec, "grid", grid.values()), strict=True)))


def _field_pattern(spec: str, name: str, d: dict[str, str]) -> FieldPattern:
    (pattern,) = _compiled(spec, f"{name}.pattern", [d["pattern"]], regex.IGNORECASE)
    start = d.get("start")
    return FieldPattern(d["field"], pattern,
                        _compiled(spec, f"{name}.start", [start], regex.IGNORECASE)[0] if start else None)


def _compiled(spec: str, name: str, patterns: Iterable[str], flags: int = 0) -> tuple[regex.Pattern, ...]:
    """A spec's patterns compiled once, on load; one that is not a regular expression is an
    error naming the spec file, the key and the pattern, never a failure at every report."""
    return tuple(_as_pattern(spec, name, pattern, lambda p: regex.compile(p, flags)) for pattern in patterns)


def _as_pattern(spec: str, name: str, pattern: str, use: Callable[[str], regex.Pattern]) -> regex.Pattern:
    """`use(pattern)`; a pattern that is not a regular expression is a SpecError naming the spec
    file, the key and the pattern."""
    try:
        return use(pattern)
    except (regex.error, TypeError) as err:
        raise SpecError(f"specs/table-{spec}.toml: {name}: {pattern!r} is not a regular expression "
                        f"({err})") from err


def _check_words(spec: str, d: dict[str, Any]) -> None:
    """The header words (`header`, each column's `match`) as the patterns they are used as, so
    that a broken one is an error on load naming its key, like every other pattern."""
    uses = [("header", p, interleaved) for p in d.get("header", ())]
    for i, col in enumerate([*d.get("columns", ()), d.get("years") or {}]):
        uses.extend((f"columns[{i}].match" if i < len(d.get("columns", ())) else "years.match", p, loose)
                    for p in col.get("match", ()))
    for name, pattern, use in uses:
        _as_pattern(spec, name, pattern, use)


@dataclass(frozen=True)
class LabelCode:
    """A code printed before a row's label (`51 Gastos en personal`): `pattern` has the groups
    `code` (to `field`) and `rest` (the label)."""

    field: str
    pattern: regex.Pattern

    @classmethod
    def from_dict(cls, spec: str, d: dict[str, str]) -> LabelCode:
        _known(spec, "label_code.", d, frozenset({"field", "pattern"}))
        (pattern,) = _compiled(spec, "label_code.pattern", [d["pattern"]])
        if not {"code", "rest"} <= set(pattern.groupindex):
            raise SpecError(f"specs/table-{spec}.toml: label_code.pattern needs the groups `code` and `rest`")
        return cls(d["field"], pattern)


@dataclass(frozen=True)
class TableSpec:
    """How to find and read one dataset's table; loaded from `specs/table-*.toml`."""

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
    spans: dict[str, Any] | None  # `values`: span name -> its compiled pattern
    label_code: LabelCode | None
    label_vocabulary: tuple[str, ...]
    none: tuple[regex.Pattern, ...]
    end: tuple[regex.Pattern, ...]
    records: Records | None = None  # the `records` layout's fields
    total_expected: bool = False  # the layout always ends with a grand total row
    checks: tuple[Check, ...] = ()  # arithmetic its rows satisfy, to tell same-kind columns apart

    @classmethod
    def from_dict(cls, name: str, d: dict[str, Any]) -> TableSpec:
        """A spec from its TOML; an unknown key (a typo) is an error naming it, never ignored."""
        _known(name, "", d, _SPEC_KEYS)
        for i, col in enumerate(d.get("columns", ())):
            _known(name, f"columns[{i}].", col, _COLUMN_KEYS)
        if d.get("years"):
            _known(name, "years.", d["years"], _COLUMN_KEYS - {"keep", "required"})
        years = d.get("years")
        _check_words(name, d)
        spans = d.get("spans")
        if spans is not None:
            values = spans.get("values", {})
            patterns = _compiled(name, "spans.values", values.values())
            spans = {**spans, "values": dict(zip(values, patterns, strict=True))}
        return cls(
            name=name,
            dataset=d["dataset"],
            order=d.get("order", 100),
            layout=d.get("layout", "rows"),
            sections=_compiled(name, "sections", d.get("sections", ())),
            header=tuple(d.get("header", ())),
            header_words=_vocabulary(d),
            label=d["label"],
            group=d.get("group"),
            years=ColumnSpec(years["field"], years["kind"], tuple(years.get("match", ()))) if years else None,
            columns=tuple(
                ColumnSpec(c["field"], c["kind"], tuple(c.get("match", ())), c.get("keep", True),
                           c.get("required", True))
                for c in d.get("columns", ())
            ),
            spans=spans,
            label_code=LabelCode.from_dict(name, d["label_code"]) if d.get("label_code") else None,
            label_vocabulary=tuple(key(w) for w in d.get("label_vocabulary", ())),
            none=_compiled(name, "none", d.get("none", ())),
            end=_compiled(name, "end", d.get("end", ()) or DEFAULT_END),
            records=Records.from_dict(name, d) if d.get("layout") == "records" else None,
            total_expected=d.get("total_expected", False),
            checks=_checks(name, d.get("checks", ())),
        )

    def ends(self, folded: str) -> bool:
        """True when a line (folded by `key`) ends the table: a source note, an `end` pattern."""
        return any(p.search(folded) for p in self.end)

    def names_section(self, title: str) -> bool:
        """True when a section heading is one this table is printed under."""
        folded = key(title)
        return any(p.search(folded) for p in self.sections)

    def header_named(self, text: str, columns_named: bool = False) -> bool:
        """True when a header's text (folded by `header_key`) has every `header` pattern; when
        the header names every required column (`columns_named`), one pattern of several may be
        missing: the label column's header in words no spec knows (`Modalidad`)."""
        missing = len(self.header_missing(text))
        return missing == 0 or (columns_named and len(self.header) > 1 and missing == 1)

    def header_missing(self, text: str) -> list[str]:
        """The `header` patterns a header's text (folded by `header_key`) lacks."""
        return [p for p in self.header if not participles(p).search(text) and not interleaved(p).search(text)]

    def unknown_words(self, header_text: str) -> list[str]:
        """The words of a header this spec does not know, in order (for a maintainer to add)."""
        words = [w for w in WORDS.findall(header_key(header_text)) if not w.isdigit()]
        return list(dict.fromkeys(w for w in words if not self.knows(w) and w not in FILLER and len(w) > 2))

    def knows(self, word: str) -> bool:
        """A header word of this spec: listed, or sharing a listed word's stem (`asignación` ~
        `asignado`, `ejecutora` ~ `ejecución`)."""
        return word in self.header_words or (len(word) >= STEM and word[:STEM] in self._stems)

    @property
    def _stems(self) -> frozenset[str]:
        return _stems_of(self.header_words)

    def complete(self, columns: list[Column]) -> bool:
        """True when `columns` name every required column of the spec, none twice."""
        keys = [(c.field, c.year, c.span) for c in columns]
        required = {c.field for c in self.columns if c.required and c.keep}
        if self.years:
            required.add(self.years.field)
        return len(keys) == len(set(keys)) and required <= {c.field for c in columns}

    def columns_from_header(self, header_text: str, extras: bool = False) -> list[Column]:
        """The value columns named in a header, in printed order (header words, not positions).

        Each printed year is a column of the `years` measure; other columns are claimed by the
        longest matching synonym first, so `Valor total` is not also read as `Total`. With
        `extras`, the words between two claimed columns (or after the last) that name none of
        the spec's are a column too, one the contract does not hold (`Comprometido`): a row
        then has a value for it, which is read past, never taken for a wanted column. With a
        spanning header (`Adjudicados | Finalizados`), the columns are shared out among the spans.
        """
        text = header_key(header_text)
        claims: list[tuple[int, int, ColumnSpec | None, int | None]] = []
        taken = [False] * (len(text) + 1)

        def claim(start: int, end: int, col: ColumnSpec | None, year: int | None) -> None:
            if any(taken[start:end]):
                return
            for k in range(start, end):
                taken[k] = True
            claims.append((start, end, col, year))

        if self.years:
            for m in _YEAR.finditer(text):
                claim(m.start(), m.end(), None, int(m.group(1)))
        named = list(self.columns)
        if self.years and self.years.match and not claims:
            named.append(self.years)  # no year printed: a column of the report's fiscal year
        hits = [
            (m.start(), m.end(), col)
            for col in named
            for pattern in col.match
            for m in loose(pattern).finditer(text)
        ]
        for start, end, col in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
            claim(start, end, col, None)
        claims.sort()
        if extras:
            claims = _with_extras(text, claims)
        cols = []
        for start, end, claimed, year in claims:
            if claimed is EXTRA:
                cols.append(Column(f"{EXTRA_PREFIX}{text[start:end]}", "unknown", False, False))
            elif claimed is None or claimed is self.years:
                assert self.years is not None
                cols.append(Column(self.years.field, self.years.kind, True, True,
                                   year=FISCAL_YEAR if year is None else year))
            else:
                cols.append(Column(claimed.field, claimed.kind, claimed.keep, claimed.required))
        return self.spread_spans(text, cols)

    def spread_spans(self, text: str, cols: list[Column]) -> list[Column]:
        """`cols` shared out in order among the spans the header names (`Adjudicados |
        Finalizados`), as many to each; unchanged when they cannot be."""
        if not self.spans or not cols:
            return cols
        found = sorted(
            (m.start(), value)
            for value, pattern in self.spans["values"].items()
            for m in pattern.finditer(text)
        )
        if len(found) < 2 or len(cols) % len(found):
            return cols
        size = len(cols) // len(found)
        cols = _deinterleaved(cols, len(found))
        return [
            Column(c.field, c.kind, c.keep, c.required, c.year, found[i // size][1])
            for i, c in enumerate(cols)
        ]


def _deinterleaved(cols: list[Column], spans: int) -> list[Column]:
    """A grouped header read line by line names each sub-column once per span in a run
    (`Número Número | Valor Valor` under `Adjudicados | Finalizados`): the columns are then
    `Número Valor | Número Valor`. Unchanged when the names do not come in such runs."""
    if spans < 2 or len(cols) % spans:
        return cols
    runs = [cols[i:i + spans] for i in range(0, len(cols), spans)]
    if len(runs) < 2 or any(len({(c.field, c.year) for c in run}) != 1 for run in runs):
        return cols
    return [run[s] for s in range(spans) for run in runs]


class SpecError(ValueError):
    """A table spec that cannot be used as written."""


def _checks(spec: str, texts: Iterable[str]) -> tuple[Check, ...]:
    try:
        return tuple(Check.parse(t) for t in texts)
    except ValueError as err:
        raise SpecError(f"specs/table-{spec}.toml: {err}") from err


_SPEC_KEYS = frozenset({
    "dataset", "order", "layout", "sections", "header", "header_words", "label", "group", "years", "columns",
    "spans", "label_code", "label_vocabulary", "none", "end", "record_start", "text_field", "document", "count",
    "grid", "total_expected", "checks",
})
_COLUMN_KEYS = frozenset({"field", "kind", "match", "keep", "required"})


def _known(spec: str, prefix: str, d: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise SpecError(f"specs/table-{spec}.toml: unknown key(s) {', '.join(prefix + k for k in unknown)}; "
                        f"known: {', '.join(sorted(allowed))}")


EXTRA = ColumnSpec("", "unknown", keep=False, required=False)  # a header column no spec names
EXTRA_PREFIX = "otro:"  # Column.field of an extra column, before its header words


def _with_extras(text: str, claims: list[tuple[int, int, ColumnSpec | None, int | None]]
                 ) -> list[tuple[int, int, ColumnSpec | None, int | None]]:
    """`claims` plus one EXTRA claim per run of unclaimed words after the first value column,
    unless the run is only filler (`(USD)`)."""
    if not claims:
        return claims
    out = [claims[0]]
    bounds = [*(c[0] for c in claims[1:]), len(text)]
    for claim, (prev, nxt) in zip([*claims[1:], None], zip(claims, bounds, strict=True), strict=True):
        gap_start = prev[1]
        words = [m for m in WORDS.finditer(text, gap_start, nxt) if m.group() not in FILLER]
        if words:
            out.append((words[0].start(), words[-1].end(), EXTRA, None))
        if claim is not None:
            out.append(claim)
    return out


STEM = tolerances.STEM


@cache
def _stems_of(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w[:STEM] for w in words if len(w) >= STEM)


DEFAULT_END = (r"(^|\|\s*)fuente\s*:", r"^cifras (acumuladas|en usd)", r"^elaborado por")


@cache
def load_specs() -> tuple[TableSpec, ...]:
    """Every table spec shipped with the package, checked and built once per process, by
    dataset and `order`."""
    loaded = [TableSpec.from_dict(name, d) for name, d in specs.table_specs().items()]
    return tuple(sorted(loaded, key=lambda s: (s.dataset, s.order)))
