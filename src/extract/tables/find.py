"""Stage 3, tables: find each spec's table in the sections its headings point to."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from extract.model import Document, Line, Sink
from extract.sections import Section
from extract.tables.base import RawTable, Strategy
from extract.tables.spec import TableSpec, load_specs
from extract.tables.text import TextRecords, TextRows
from extract.textutil import key

log = logging.getLogger("extract.tables")

TEXT_STRATEGIES: dict[str, Strategy] = {"rows": TextRows(), "records": TextRecords()}


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
                strategies: dict[str, list[Strategy]] | None = None) -> list[Found]:
    """One result per dataset: the first spec variant whose table is found wins."""
    by_dataset: dict[str, list[TableSpec]] = {}
    for spec in load_specs():
        by_dataset.setdefault(spec.dataset, []).append(spec)
    out = []
    for dataset, variants in by_dataset.items():
        out.append(_find_dataset(doc, sections, dataset, variants, sink, strategies))
    return out


def _find_dataset(doc: Document, sections: list[Section], dataset: str,
                  variants: list[TableSpec], sink: Sink,
                  strategies: dict[str, list[Strategy]] | None) -> Found:
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
    # No matching heading (or nothing under it): look through the whole report.
    for spec in variants:
        table = _read(spec, doc.lines, sink, strategies)
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


def _methods(spec: TableSpec, strategies: dict[str, list[Strategy]] | None) -> list[str]:
    return [s.method for s in _strategies(spec, strategies)]


def _strategies(spec: TableSpec, strategies: dict[str, list[Strategy]] | None) -> list[Strategy]:
    if strategies and spec.layout in strategies:
        return strategies[spec.layout]
    return [TEXT_STRATEGIES[spec.layout]]


def _read(spec: TableSpec, lines: list[Line], sink: Sink,
          strategies: dict[str, list[Strategy]] | None) -> RawTable | None:
    for strategy in _strategies(spec, strategies):
        trial = sink.trial()
        table = strategy.find(spec, lines, trial)
        if table:
            sink.merge(trial)
            return table
    return None


def _states_none(spec: TableSpec, lines: list[Line]) -> bool:
    return bool(spec.none) and any(
        regex.search(p, key(line.text)) for line in lines for p in spec.none
    )
