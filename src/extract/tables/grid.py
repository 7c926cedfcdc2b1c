"""Cell grids (camelot, pdfplumber) to RawTable, mapped by header words, not by position.

A chain of small pure functions: clean the cells, split header rows from body rows, name each
column from its (multi-row) header, then read the body with group labels filled down.
Pieces of one table on consecutive pages are merged; a repeated header row is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract import tolerances
from extract.numbers import is_cell_value
from extract.patterns import TOTAL, YEAR
from extract.tables.base import RawRow, RawTable
from extract.tables.broken_words import mended_name
from extract.tables.header_words import header_key
from extract.tables.spec import Column, TableSpec
from extract.tables.text import ACRONYM, header_like
from extract.textutil import ends_open, fold_ws, join_digit_groups, key, starts_lower

_YEAR_CELL = regex.compile(rf"^(?:[a-z]{{3}}[-/ ]?)?{YEAR}$", regex.IGNORECASE)
_WRAPPED_HYPHEN = regex.compile(r"(?<=\w)-\s*\n\s*(?=\w)")  # `IESS-` / `DPL` in one cell


@dataclass(frozen=True)
class Grid:
    """One table as a strategy found it: cells by row, its page, and the strategy's confidence."""

    cells: list[list[str]]
    page: int | None
    accuracy: float = 100.0
    places: list[tuple[int | None, int | None]] | None = None  # (page, line) per row, for text grids
    merged: bool = True  # an empty header cell right of a named one is part of it (merged cells)

    def place(self, i: int) -> tuple[int | None, int | None]:
        return self.places[i] if self.places else (self.page, None)


@dataclass(frozen=True)
class Layout:
    """Which grid column is the group, the label, and each value column."""

    body_start: int  # index of the first row after the header
    header: str
    label: int
    group: int | None
    values: list[tuple[int, Column]]
    prefix: tuple[int, ...] = ()  # text columns printed before the label (`Código`), joined to it


def clean(cell: str | None) -> str:
    """Cell text with wrapped lines joined (`IESS-` / `DPL` -> `IESS-DPL`), digit groups apart by
    no-break spaces joined, and spaces folded."""
    text = _WRAPPED_HYPHEN.sub("-", join_digit_groups(cell or ""))
    return fold_ws(text)


def _header_row(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return bool(cells) and all(not is_cell_value(c) or _YEAR_CELL.match(c) for c in cells)


def _fill_right(row: list[str]) -> list[str]:
    """A spanning header cell (`Adjudicados` over two columns) named on every column it spans."""
    out, last = [], ""
    for c in row:
        last = c or last
        out.append(c or last)
    return out


def layout(spec: TableSpec, cells: list[list[str]], merged: bool = True) -> Layout | None:
    """The column roles of a grid whose header names the spec's columns, else None.

    The header is the block of rows just above the first row of values (text a strategy took
    in above the table is left out); the smallest block that names the columns wins.
    """
    first = next((i for i, r in enumerate(cells) if not _header_row(r) and any(map(is_cell_value, r))), None)
    if not first:
        return None
    end = first
    while end > 0 and _label_only(cells[end - 1]):
        end -= 1  # wrapped label lines of the first row, not header
    for size in range(1, min(tolerances.GRID_HEADER_MAX_ROWS, end) + 1):
        found = _layout_of(spec, cells[end - size:end], end, merged)
        if found:
            return found
    return None


def _label_only(row: list[str]) -> bool:
    return bool(row) and bool(row[0]) and not any(row[1:])


def _layout_of(spec: TableSpec, head: list[list[str]], body_start: int, merged: bool) -> Layout | None:
    if not all(_header_row(r) for r in head):
        return None
    rows = [_fill_right(r) for r in head[:-1]] + [head[-1]] if merged else head
    width = max(len(r) for r in head)
    col_text = [fold_ws(" ".join(r[j] for r in rows if j < len(r))) for j in range(width)]
    header = fold_ws(" ".join(c for r in head for c in r if c))
    if not spec.header_named(header_key(header)):
        header = fold_ws(" ".join(col_text))  # a header of several rows, read column by column
        if not spec.header_named(header_key(header)):
            return None
    values: list[tuple[int, Column]] = []
    for j, text in enumerate(col_text):
        found = spec.columns_from_header(text)
        if len(found) != 1:
            continue
        col = found[0]
        values.append((j, Column(col.field, col.kind, col.keep, col.required, col.year, _span(spec, text))))
    if spec.spans and any(c.span is None for _, c in values):
        spread = spec.spread_spans(header_key(header), [c for _, c in values])
        values = [(j, c) for (j, _), c in zip(values, spread, strict=True)]
    if not values or not spec.complete([c for _, c in values]):
        return None
    text_cols = [j for j in range(values[0][0]) if j not in {v[0] for v in values}]
    if not text_cols:
        return None
    group = text_cols[-2] if spec.group and len(text_cols) > 1 else None
    extra = [] if spec.group or len(text_cols) < 2 else text_cols[:-1]  # a code column, say
    return Layout(body_start, header, text_cols[-1], group, values, tuple(extra))


def _span(spec: TableSpec, text: str) -> str | None:
    if not spec.spans:
        return None
    folded = key(text)
    hits = [v for v, p in spec.spans["values"].items() if p.search(folded)]
    return hits[0] if len(hits) == 1 else None


def read_grids(spec: TableSpec, grids: list[Grid], method: str) -> RawTable | None:
    """The spec's table from grids in page order: the first whose header fits, plus its
    continuations on the following pages."""
    table: RawTable | None = None
    lay: Layout | None = None
    group: str | None = None
    last_page = None
    for grid in grids:
        cells = [[clean(c) for c in row] for row in grid.cells]
        found = layout(spec, cells, grid.merged)
        if table is None:
            if found is None:
                continue
            lay = found
            table = RawTable(spec.dataset, spec.name, method, [c for _, c in lay.values], [], lay.header)
            body = list(range(lay.body_start, len(cells)))
        else:
            assert lay is not None
            if last_page is None or grid.page != last_page + 1:
                break
            if found is not None:
                if [c for _, c in found.values] != table.columns:
                    break
                lay, body = found, list(range(found.body_start, len(cells)))
            elif max(len(r) for r in cells) == max(lay.label, *(j for j, _ in lay.values)) + 1:
                body = [i for i, r in enumerate(cells) if not header_like(" ".join(r), spec)]
            else:
                break
        group, done = _read_body(spec, lay, [(cells[i], grid.place(i)) for i in body], table, group)
        last_page = grid.page
        table.score = min(table.score, grid.accuracy / 100)
        if done:
            break
    if table is None or not table.rows:
        return None
    table.pages = sorted({r.page for r in table.rows if r.page is not None})
    return table


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


def _cell(row: list[str], j: int | None) -> str:
    return row[j] if j is not None and j < len(row) else ""


def _group_of(rows: list[RawRow], group: str | None, cell: str) -> str:
    """The group a row's group cell names: the cell, or, when it continues the group label of
    the row above (that label ends mid-phrase, or the cell starts in lowercase: `Sin relación
    de` / `dependencia`, a label wrapped over two rows or cut by a page break), the whole label,
    given to the rows above that carried its first part too."""
    if group and group.endswith(cell) and rows and rows[-1].group == group:
        return group  # the label's last part repeated on each row it spans (cells filled down)
    if not (group and rows and rows[-1].group == group and (ends_open(group) or starts_lower(cell))):
        return cell
    whole = f"{group} {cell}"
    for row in reversed(rows):
        if row.group != group:
            break
        row.group = whole
    return whole


def _read_body(spec: TableSpec, lay: Layout, body: list[tuple[list[str], tuple[int | None, int | None]]],
               table: RawTable, group: str | None) -> tuple[str | None, bool]:
    """Append the body rows to `table`; returns the group label to carry and whether a grand
    total ended the table. A row with a label and no values is a wrapped label line (as
    whitespace strategies split them): it ends the label above when it starts in lowercase, is
    a lone acronym (`SSC`), the label above ends mid-phrase (`Voluntarios en el`) or the row
    above has more label lines above its values than below (a label centred on its values:
    `Administradora Dirección` / values / `Provincial de Azuay`); else it starts the label below."""
    pending: list[str] = []
    above = below = 0  # label lines of the last row above and below its values
    for row, (page, line) in body:
        label, grp = _cell(row, lay.label), _cell(row, lay.group)
        if lay.prefix:  # `201` | `Fondo Pensiones`; a total may be printed in the code's cell alone
            label = " ".join([*(_cell(row, j) for j in lay.prefix if _cell(row, j)), label]).strip() \
                if label or any(TOTAL.match(key(_cell(row, j))) for j in lay.prefix) else label
        values = [_cell(row, j) for j, _ in lay.values]
        if not any(values):
            if grp and not label:
                group, pending = grp, []
            elif label and not pending and table.rows and not table.rows[-1].total and (
                    starts_lower(label) or ACRONYM.match(label) or ends_open(table.rows[-1].label)
                    or above > below):
                table.rows[-1].label = f"{table.rows[-1].label} {label}"
                below += 1
            elif label:
                pending.append(label)
            continue
        name = " ".join([*pending, label]).strip() or grp
        above, below = len(pending), 0
        pending = []
        if not name:
            table.skipped.append(" ".join(v for v in values if v))
            continue
        total = bool(TOTAL.match(key(name)))
        if grp and not total:
            group = _group_of(table.rows, group, grp)
        table.rows.append(RawRow(name, values, None if total else group, total=total, page=page, line=line))
        if total and not key(name).startswith("sub"):
            return group, True
    table.skipped.extend(pending)
    return group, False
