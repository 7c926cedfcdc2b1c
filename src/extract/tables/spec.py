"""Table specs as typed objects (their data read and checked on load by `spec_load`), and the
header-to-columns mapping every strategy shares."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from extract import specs, tolerances
from extract.patterns import YEAR
from extract.specs.schema import SpecError as SpecError
from extract.tables.header_words import FILLER, WORDS, expanded, header_key, interleaved, loose, participles
from extract.tables.spec_load import ColumnSpec, SpecData
from extract.tables.spec_load import FieldPattern as FieldPattern
from extract.tables.spec_load import LabelCode as LabelCode
from extract.tables.spec_load import Records as Records
from extract.textutil import key

FISCAL_YEAR = 0  # Column.year of a column named without a year: the report's fiscal year
_YEAR = regex.compile(rf"(?<!\d)({YEAR})(?!\d)")


@dataclass(frozen=True)
class Column:
    """A value column found in a table's header, in printed order."""

    field: str
    kind: str
    keep: bool
    required: bool
    year: int | None = None
    span: str | None = None


class TableSpec(SpecData):
    """How to find and read one dataset's table: what its `specs/table-*.toml` says, checked on
    load (`SpecData.from_dict`), and what it does with a header."""

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

    def _column_words(self, kept: bool = False) -> frozenset[str]:
        """The words of the columns' synonyms (`codificado`, `devengado`, `ejecucion`); with
        `kept`, of the columns the contract keeps only."""
        cols = [*self.columns, *([self.years] if self.years else [])]
        return _words_of(tuple(p for c in cols if c.keep or not kept for p in c.match))

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
        text = expanded(header_key(header_text), self._column_words(kept=True), self._column_words(),
                        self.header_words)
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
def _words_of(patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for p in patterns for w in WORDS.findall(header_key(p)) if w.isalpha())


@cache
def _stems_of(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w[:STEM] for w in words if len(w) >= STEM)


@cache
def load_specs() -> tuple[TableSpec, ...]:
    """Every table spec shipped with the package, checked and built once per process, by
    dataset and `order`."""
    loaded = [TableSpec.from_dict(name, d) for name, d in specs.table_specs().items()]
    return tuple(sorted(loaded, key=lambda s: (s.dataset, s.order)))
