"""Stage 3, tables: find each spec's table in the sections its headings point to."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from extract.model import Document, Line, Sink
from extract.sections import Section
from extract.tables.base import RawTable, Strategy
from extract.tables.fit import ACCEPT, score
from extract.tables.pdf import CamelotLattice, CamelotStream, Plumber
from extract.tables.spec import TableSpec, load_specs
from extract.tables.text import TextRecords, TextRows
from extract.textutil import key

log = logging.getLogger("extract.tables")

Strategies = dict[str, list[Strategy]]


def strategies_for(doc: Document) -> Strategies:
    """The strategies to try per spec layout, cheapest-that-fits first for PDFs."""
    if doc.kind != "pdf":
        return {"rows": [TextRows()], "records": [TextRecords()]}
    return {
        "rows": [CamelotLattice(doc.path), CamelotStream(doc.path), Plumber(doc.path), TextRows()],
        "records": [TextRecords()],
    }


@dataclass
class Found:
    """The outcome for one dataset: its table, or why there is none."""

    dataset: str
    table: RawTable | None
    expected: bool  # a section for it exists, so a missing table is an anomaly
    stated_none: bool = False


def section_ranges(spec: TableSpec, sections: list[Section]) -> list[Section]:
    """Sections whose heading matches the spec, in document order."""
    return [s for s in sections if any(regex.search(p, key(s.titulo)) for p in spec.sections)]


def find_tables(doc: Document, sections: list[Section], sink: Sink,
                strategies: Strategies | None = None) -> list[Found]:
    """One result per dataset: the first spec variant whose table is found wins."""
    by_dataset: dict[str, list[TableSpec]] = {}
    for spec in load_specs():
        by_dataset.setdefault(spec.dataset, []).append(spec)
    strategies = strategies or strategies_for(doc)
    try:
        return [_find_dataset(doc, sections, dataset, variants, sink, strategies)
                for dataset, variants in by_dataset.items()]
    finally:
        for group in strategies.values():
            for strategy in group:
                if isinstance(strategy, Plumber):
                    strategy.close()


def _find_dataset(doc: Document, sections: list[Section], dataset: str,
                  variants: list[TableSpec], sink: Sink, strategies: Strategies) -> Found:
    matched = {s.start: s for spec in variants for s in section_ranges(spec, sections)}
    regions = [doc.lines[s.start:s.end] for s in sorted(matched.values(), key=lambda s: s.start)]
    for region in regions:
        for spec in variants:
            table = _read(spec, region, sink, strategies)
            if table:
                return Found(dataset, table, True)
    if regions and any(_states_none(spec, region) for spec in variants for region in regions):
        log.info("%s: %s: the report states there is nothing to report", doc.report_id, dataset)
        return Found(dataset, None, True, stated_none=True)
    # No matching heading (or nothing under it): look through the whole report's text only,
    # never the costly strategies on every page.
    text_only = {"rows": [TextRows()], "records": [TextRecords()]}
    for spec in variants:
        table = _read(spec, doc.lines, sink, text_only)
        if table:
            log.info("%s: %s: table found outside its expected section", doc.report_id, dataset)
            return Found(dataset, table, True)
    if regions:
        first = regions[0][0]
        tried = ", ".join(sorted({m for v in variants for m in _methods(v, strategies)}))
        sink.add("tables", f"table not found (tried {tried})", dataset=dataset,
                 location=first.location, raw_text=first.text.strip()[:200])
    else:
        log.info("%s: %s: no section for this table in the report", doc.report_id, dataset)
    return Found(dataset, None, bool(regions))


def _methods(spec: TableSpec, strategies: Strategies) -> list[str]:
    return [s.method for s in strategies[spec.layout]]


def _read(spec: TableSpec, lines: list[Line], sink: Sink, strategies: Strategies) -> RawTable | None:
    """The first candidate that fits the spec well enough, else the best one found."""
    best: tuple[float, RawTable, Sink] | None = None
    tried: list[dict] = []
    for strategy in strategies[spec.layout]:
        trial = sink.trial()
        table = strategy.find(spec, lines, trial)
        if table is None:
            tried.append({"method": strategy.method, "score": None})
            continue
        fit = score(table)
        tried.append({"method": strategy.method, "score": round(fit, 4), "rows": len(table.rows)})
        if best is None or fit > best[0]:
            best = (fit, table, trial)
        if fit >= ACCEPT:
            break
    if best is None or best[0] <= 0:
        return None
    fit, table, trial = best
    sink.merge(trial)
    table.score, table.tried = fit, tried
    return table


def _states_none(spec: TableSpec, lines: list[Line]) -> bool:
    return bool(spec.none) and any(
        regex.search(p, key(line.text)) for line in lines for p in spec.none
    )
