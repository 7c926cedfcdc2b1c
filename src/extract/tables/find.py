"""Stage 3, tables: find each spec's table in the sections its headings point to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from extract import specs, tolerances
from extract.furniture import furniture
from extract.model import Document, Line, Sink
from extract.sections import Section
from extract.tables import verify
from extract.tables.base import RawTable, Strategy
from extract.tables.cells import TextCells
from extract.tables.delimited_cells import DelimitedCells
from extract.tables.diagnose import Diagnosis, diagnose
from extract.tables.fit import score
from extract.tables.header_words import header_key
from extract.tables.layout import TextLayout
from extract.tables.merged import MergedColumns
from extract.tables.pdf import CamelotLattice, CamelotStream, Plumber
from extract.tables.records import SideBySideRecords
from extract.tables.running import TextRecords
from extract.tables.spec import TableSpec, load_specs
from extract.tables.text import TextRows
from extract.tables.units import unit_of
from extract.textutil import key

log = logging.getLogger("extract.tables")

Strategies = dict[str, list[Strategy]]


#: Every table reader by its name in `specs/strategies.toml`: what it is built from.
READERS: dict[str, Callable[[Document], Strategy]] = {
    "text-delimited": lambda doc: DelimitedCells(),
    "text-aligned": lambda doc: TextLayout(),
    "text-aligned-groups": lambda doc: MergedColumns(),
    "text-aligned-rows": lambda doc: TextRows(),
    "text-cells": lambda doc: TextCells(),
    "text-aligned-side-by-side": lambda doc: SideBySideRecords(),
    "text-aligned-records": lambda doc: TextRecords(),
    "camelot-lattice": lambda doc: CamelotLattice(doc.data),
    "camelot-stream": lambda doc: CamelotStream(doc.data),
    "pdfplumber": lambda doc: Plumber(doc.data),
}


def strategies_for(doc: Document, order: dict[str, list[str]] | None = None, ocr: bool = False) -> Strategies:
    """The readers to try per spec layout, in the order `specs/strategies.toml` gives for the
    input's kind: `pdf`, or `text` (a text input; with `ocr`, the pages of a PDF read by OCR)."""
    order = order or specs.load("strategies")["pdf" if doc.kind == "pdf" and not ocr else "text"]
    return {layout: [READERS[name](doc) for name in names] for layout, names in order.items()}


@dataclass
class Found:
    """The outcome for one dataset: its table, or why there is none."""

    dataset: str
    table: RawTable | None
    expected: bool  # a section for it exists, so a missing table is an anomaly
    stated_none: bool = False
    header: str | None = None  # when not found: the closest header seen in its section
    doubt: str | None = None  # read, but not published: why (columns no evidence tells apart)
    withheld: RawTable | None = None  # the table read but not published
    outside: bool = False  # found outside the sections its headings point to
    said: Sink | None = None  # what reading the table found to say: counts only if the table is kept


def section_ranges(spec: TableSpec, sections: list[Section]) -> list[Section]:
    """Sections whose heading matches the spec, in document order."""
    return [s for s in sections if spec.names_section(s.titulo)]


def find_tables(doc: Document, sections: list[Section], sink: Sink,
                strategies: Strategies | None = None) -> list[Found]:
    """One result per dataset: its table (see `_read` for how candidates are chosen), or why
    there is none."""
    by_dataset: dict[str, list[TableSpec]] = {}
    for spec in load_specs():
        by_dataset.setdefault(spec.dataset, []).append(spec)
    strategies = strategies or strategies_for(doc)
    running = furniture(doc.lines)  # once per report, for every dataset
    try:
        found = _one_table_one_dataset(
            [_find_dataset(doc, sections, dataset, variants, sink, strategies, running)
             for dataset, variants in by_dataset.items()], sink)
        for f in found:
            if f.table and f.table.pages and set(f.table.pages) <= doc.ocr.keys():
                f.table.method = "ocr"  # the contract's method for a table read from page images
        return found
    finally:
        for group in strategies.values():
            for strategy in group:
                if isinstance(strategy, Plumber):
                    strategy.close()


def _one_table_one_dataset(found: list[Found], sink: Sink) -> list[Found]:
    """A table read with doubt for one dataset, or found outside its section, that another
    dataset's table holds (the same printed rows) is that one's, not this one's: not found here,
    and what reading it said is dropped. Every other doubtful table is an anomaly saying why it
    is withheld."""
    taken = {(r.page, r.line) for f in found if f.table and not f.outside for r in f.table.rows}
    out = []
    for f in found:
        t = f.withheld or (f.table if f.outside else None)  # the tables of weaker evidence
        theirs = t is not None and any((r.page, r.line) in taken for r in t.rows)
        if f.said and not theirs:
            sink.merge(f.said)  # what reading the table said, now that it is this dataset's
        if t is None:
            out.append(f)
            continue
        first = t.rows[0] if t.rows else None
        where = {"dataset": f.dataset, "location": first.location if first else None, "raw_text": t.header[:200]}
        if theirs:
            sink.add("tables", "table not found: the one of its words here is another dataset's", **where)
            out.append(Found(f.dataset, None, f.expected, header=t.header))
            continue
        if f.withheld:
            sink.add("tables", f"table doubtful, withheld: {f.doubt}", **where)
        out.append(f)
    return out


def _find_dataset(doc: Document, sections: list[Section], dataset: str, variants: list[TableSpec],
                  sink: Sink, strategies: Strategies, running: set[int]) -> Found:
    matched = {s.start: s for spec in variants for s in section_ranges(spec, sections)}
    regions = [[ln for i, ln in enumerate(doc.lines[s.start:s.end], s.start) if i not in running]
               for s in sorted(matched.values(), key=lambda s: s.start)]
    # the text strategies of this document (all of them for a text input), never the costly ones
    text_only: Strategies = {layout: [s for s in group if not s.costly] for layout, group in strategies.items()}
    by_ocr = strategies_for(doc, ocr=True) if doc.ocr else strategies
    stated_none = any(_states_none(spec, region) for spec in variants for region in regions)
    doubtful: RawTable | None = None
    for region in regions:  # where the report says there is nothing, no costly strategies
        said = sink.trial()
        table = _read(variants, region, said, text_only if stated_none
                      else by_ocr if _read_by_ocr(doc, region) else strategies)
        if table and not table.doubt:
            return Found(dataset, table, True, said=said)
        sink.merge(said)
        doubtful = doubtful or table
    if stated_none:
        log.info("%s: %s: the report states there is nothing to report", doc.report_id, dataset)
        return Found(dataset, None, True, stated_none=True)
    # No matching heading (or nothing under it): look through the whole report's text only,
    # never the costly strategies on every page (a report read by OCR: every text strategy).
    whole = [ln for i, ln in enumerate(doc.lines) if i not in running]
    said = sink.trial()
    table = None if doubtful else _read(variants, whole, said,
                                         by_ocr if _read_by_ocr(doc, whole) else text_only)
    if table and not table.doubt and _named_by_header(variants, table):  # outside its section: its words say so
        log.info("%s: %s: table found outside its expected section", doc.report_id, dataset)
        return Found(dataset, table, True, outside=True, said=said)
    doubtful = doubtful or (table if table and table.doubt else None)
    if doubtful:
        return Found(dataset, None, True, header=doubtful.header, doubt=doubtful.doubt, withheld=doubtful)
    if regions:
        first = next((r[0] for r in regions if r), None)
        tried = ", ".join(sorted({m for v in variants for m in _methods(v, strategies)}))
        closest = _closest(variants, [ln for r in regions for ln in r])
        why = str(closest) if closest else "no header of this table's words in its section"
        sink.add("tables", f"table not found (tried {tried}); {why}", dataset=dataset,
                 location=first.location if first else None,
                 raw_text=first.text.strip()[:200] if first else None)
        return Found(dataset, None, True, header=closest.header if closest else None)
    log.info("%s: %s: no section for this table in the report", doc.report_id, dataset)
    return Found(dataset, None, False)


def _named_by_header(variants: list[TableSpec], table: RawTable) -> bool:
    """True when the table's header has its spec's header words (`Tipo de contratación`)."""
    spec = next(v for v in variants if v.name == table.spec)
    return spec.header_named(header_key(table.header))


def _read_by_ocr(doc: Document, lines: list[Line]) -> bool:
    """True when every page of `lines` was read by OCR: its text is laid out by word
    positions, and a PDF table strategy finds no text on the page."""
    pages = {ln.page for ln in lines if ln.text.strip()}
    return bool(doc.ocr) and bool(pages) and pages <= doc.ocr.keys()


def _closest(variants: list[TableSpec], lines: list[Line]) -> Diagnosis | None:
    """The closest header in the section, by the spec variant it comes closest to."""
    found = [d for d in (diagnose(v, lines) for v in variants if v.layout == "rows") if d]
    return max(found, key=lambda d: len(d.matched) - len(d.missing)) if found else None


def _methods(spec: TableSpec, strategies: Strategies) -> list[str]:
    return [s.name for s in strategies[spec.layout]]


def _read(variants: list[TableSpec], lines: list[Line], sink: Sink,
          strategies: Strategies) -> RawTable | None:
    """Cheapest strategies first, across the dataset's spec variants: the first candidate that
    fits well enough wins, else the best one found."""
    accept = specs.load("strategies")["accept"]
    best: tuple[float, RawTable, Sink] | None = None
    doubtful: RawTable | None = None  # a table whose columns no evidence tells apart: never published
    tried: list[dict] = []
    for rank in range(max(len(strategies[v.layout]) for v in variants)):
        for spec in variants:
            if rank >= len(strategies[spec.layout]):
                continue
            strategy = strategies[spec.layout][rank]
            trial = sink.trial()
            try:
                table = strategy.find(spec, lines, trial)
            except Exception as err:  # a strategy failing on an odd page costs only itself
                page = next((ln.location for ln in lines if ln.text.strip()), None)
                sink.add("tables", f"{strategy.name} failed: {type(err).__name__}: {err}"[:300],
                         dataset=spec.dataset, location=page)
                table = None
            if table is None:
                tried.append({"reader": strategy.name, "spec": spec.name, "score": None})
                continue
            table.reader = strategy.name
            table.doubt = table.doubt or verify.doubt(table, spec)
            fit = score(table, spec)
            tried.append({"reader": strategy.name, "spec": spec.name, "score": round(fit, 4),
                          **({"doubt": table.doubt} if table.doubt else {})})
            if table.doubt:
                table.score = fit
                if doubtful is None or fit > doubtful.score:
                    doubtful = table
                continue
            if best is None or fit > best[0]:
                best = (fit, table, trial)
            if fit >= accept:
                break
        if best is not None and best[0] >= accept:
            break
    if best is None or best[0] <= 0 or (doubtful and (doubtful.ambiguous or best[0] < min(accept, doubtful.score))):
        if doubtful:  # what reads two ways, or a better reading found unsure, a weaker one does not settle
            doubtful.tried = tried
        return doubtful
    fit, table, trial = best
    sink.merge(trial)
    table.score, table.tried = fit, tried
    table.unit = unit_of([table.header, *_caption(lines, table)])
    spec = next(v for v in variants if v.name == table.spec)
    if spec.total_expected and not any(r.total and not key(r.label).startswith("sub") for r in table.rows):
        last = table.rows[-1]
        sink.add("tables", "the table ends without its total row: cut short? rows after it may be missing",
                 dataset=spec.dataset, location=last.location, raw_text=last.label)
    unknown = spec.unknown_words(table.header) if spec.layout == "rows" else []
    if unknown:
        sink.add("tables", f"header words no spec knows: {', '.join(unknown)} (columns read by what they "
                 f"hold; add them to specs/table-{spec.name}.toml)", dataset=spec.dataset,
                 location=table.header_at or table.rows[0].location, raw_text=table.header[:200])
    return table


def _caption(lines: list[Line], table: RawTable) -> list[str]:
    """The lines just above the table's first row (its header and caption), nearest first."""
    first = next(((r.page, r.line) for r in table.rows), None)
    at = next((i for i, ln in enumerate(lines) if (ln.page, ln.line) == first), None)
    if at is None:
        return []
    above = [ln.text for ln in reversed(lines[:at]) if ln.text.strip()]
    return above[:tolerances.CAPTION_LINES]


def _states_none(spec: TableSpec, lines: list[Line]) -> bool:
    return bool(spec.none) and any(
        p.search(key(line.text)) for line in lines for p in spec.none
    )
