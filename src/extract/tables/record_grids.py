"""Grids (camelot, pdfplumber, delimited text) of a records-layout table to RawTable: each
column named by the spec's `[grid]` header words."""

from __future__ import annotations

import regex

from extract.tables.base import RawRow, RawTable
from extract.tables.broken_words import mended_name
from extract.tables.grid import Grid, clean
from extract.tables.header_words import header_key
from extract.tables.spec import Column, TableSpec
from extract.textutil import fold_ws, key


def read_record_grids(spec: TableSpec, grids: list[Grid], method: str) -> RawTable | None:
    """A records-layout table (long wrapped cells, a count such as `Rec. 7`) from grids: each
    column named by the spec's `[grid]` header words; a row with an empty first cell continues
    the text of the row above (a cell broken by a page)."""
    assert spec.records is not None
    fields, count = spec.records.grid, spec.records.count
    text_field, doc_field = spec.records.text_field, spec.records.document.field
    table: RawTable | None = None
    for grid in grids:
        cells = [[clean(c) for c in row] for row in grid.cells]
        if not cells or not spec.header_named(header_key(" ".join(cells[0]))):
            continue
        roles = _record_roles(fields, cells[0])
        if spec.label not in roles.values() or count.field not in roles.values():
            continue
        if table is None:
            table = RawTable(spec.dataset, spec.name, method, [Column(count.field, "count", True, True)],
                             [], fold_ws(" ".join(cells[0])))
        for k, row in enumerate(cells[1:], 1):
            values = {f: row[j] for j, f in roles.items() if j < len(row)}
            if not values.get(spec.label) and table.rows:
                for f in (text_field, doc_field):
                    extra = values.get(f)
                    if extra:
                        table.rows[-1].fields[f] = fold_ws(f"{table.rows[-1].fields.get(f) or ''} {extra}")
                continue
            m = count.pattern.search(values.get(count.field, ""))
            if not values.get(spec.label) or m is None:
                table.skipped.append(" | ".join(row))
                continue
            page, line = grid.place(k)
            table.rows.append(RawRow(
                mended_name(values[spec.label], spec.records.record_start), [m["n"]], page=page, line=line,
                fields={text_field: values.get(text_field) or None, doc_field: values.get(doc_field) or None}))
    if table is None or not table.rows:
        return None
    table.pages = sorted({r.page for r in table.rows if r.page is not None})
    return table


def _record_roles(fields: dict[str, regex.Pattern], header: list[str]) -> dict[int, str]:
    """Grid column -> field, each field claimed once, in the spec's order."""
    roles: dict[int, str] = {}
    for j, text in enumerate(header):
        for field, pattern in fields.items():
            if field not in roles.values() and pattern.search(key(text)):
                roles[j] = field
                break
    return roles
