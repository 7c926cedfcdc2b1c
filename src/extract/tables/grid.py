"""Cell grids (camelot, pdfplumber, delimited and aligned text) of a rows-layout table to
RawTable, the columns' roles from what they hold (`roles.assign`), header words as evidence.

A chain of small pure functions: clean the cells (values glued to a label cell put in their
own), split header rows from body rows, weigh the roles against a header of each size, then
read the body with group labels filled down and group rows the contract has no column for
left out (`group_rows`). Pieces of one table on consecutive pages are merged; a repeated header
row is dropped. Records-layout grids: `record_grids`.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract import tolerances
from extract.model import location
from extract.numbers import is_cell_value
from extract.patterns import TOTAL, YEAR
from extract.tables.base import RawRow, RawTable
from extract.tables.group_rows import heads_rows
from extract.tables.header import blind, header_like, held_out
from extract.tables.header_words import header_key
from extract.tables.lines import ACRONYM, split_values, wrapped_below
from extract.tables.roles import Roles, assign, column_hints
from extract.tables.spec import Column, TableSpec
from extract.textutil import ends_open, fold_ws, join_digit_groups, key, starts_lower, visible

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
    doubt: str | None = None  # why its rows read two ways as printed (`centring.also_centred`)

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
    roles: Roles | None = None  # how the value columns got their fields
    weight: tuple = ()  # how well the header and values bear the roles out (to choose a header's size)


def clean(cell: str | None) -> str:
    """Cell text without invisible characters (PDF cells skip ingest), wrapped lines joined
    (`IESS-` / `DPL` -> `IESS-DPL`), digit groups apart by no-break spaces joined, spaces folded."""
    text = _WRAPPED_HYPHEN.sub("-", join_digit_groups(visible(cell or "")[0]))
    return fold_ws(text)


def unglued(row: list[str]) -> list[str]:
    """A row whose last filled cell ends in as many values as there are empty cells right of it
    (`Sector privado 1.234.567 9.876` | `` | ``: values glued to the label), those values in
    those cells; years stay (`Afiliados 2024`, a header's words)."""
    last = max((j for j, c in enumerate(row) if c), default=len(row) - 1)
    room = len(row) - 1 - last
    if not room:
        return row
    label, values = split_values(row[last], room)
    if not label or len(values) != room or all(_YEAR_CELL.match(v) for v in values):
        return row
    return [*row[:last], label, *values]


def _header_row(row: list[str]) -> bool:
    """No cell holds values (`11,683.98 2`, two values one column took in, is values too)."""
    cells = [c for c in row if c]
    return bool(cells) and all(_YEAR_CELL.match(c) or not all(map(is_cell_value, c.split())) for c in cells)


def _fill_right(row: list[str]) -> list[str]:
    """A spanning header cell (`Adjudicados` over two columns) named on every column it spans."""
    out, last = [], ""
    for c in row:
        last = c or last
        out.append(c or last)
    return out


def layout(spec: TableSpec, cells: list[list[str]], merged: bool = True) -> Layout | None:
    """The column roles of a grid (`roles.assign`), else None.

    The value columns are the ones whose body cells are values; the header is the block of rows
    just above the first row of values (text a strategy took in above the table is left out):
    of its sizes, the one whose words bear the roles out best wins, the smallest on a tie.
    """
    first = next((i for i, r in enumerate(cells) if not _header_row(r) and any(map(is_cell_value, r))), None)
    if not first:
        return None
    end = first
    while end > 0 and _label_only(cells[end - 1]):
        end -= 1  # wrapped label lines of the first row, not header
    value_cols = _value_columns(cells[first:])
    if not value_cols or value_cols[0] == 0:
        return None
    sample = [[_cell(r, j) for j in value_cols] for r in cells[first:first + tolerances.BODY_SAMPLE_ROWS]
              if any(is_cell_value(_cell(r, j)) for j in value_cols)
              and not TOTAL.match(key(" ".join(c for c in r[:value_cols[0]] if c)))]
    labels = [_cell(r, value_cols[0] - 1) for r in cells[first:] if any(is_cell_value(_cell(r, j)) for j in value_cols)]
    best: Layout | None = None
    for size in range(1, min(tolerances.GRID_HEADER_MAX_ROWS, end) + 1):
        found = _layout_of(spec, cells[end - size:end], end, merged, value_cols, sample, labels)
        if found and (best is None or found.weight > best.weight):
            best = found
    return best


def _label_only(row: list[str]) -> bool:
    return bool(row) and bool(row[0]) and not any(row[1:])


def _value_columns(body: list[list[str]]) -> list[int]:
    """Grid columns whose filled body cells are mostly values."""
    filled = [[r[j] for r in body if j < len(r) and r[j]] for j in range(max((len(r) for r in body), default=0))]
    return [j for j, cells in enumerate(filled) if cells and sum(map(is_cell_value, cells)) * 2 > len(cells)]


def _layout_of(spec: TableSpec, head: list[list[str]], body_start: int, merged: bool, value_cols: list[int],
               sample: list[list[str]], labels: list[str]) -> Layout | None:
    if not all(_header_row(r) for r in head):
        return None
    rows = [_fill_right(r) for r in head[:-1]] + [head[-1]] if merged else head
    width = max(len(r) for r in head)
    col_text = [fold_ws(" ".join(r[j] for r in rows if j < len(r))) for j in range(width)]
    header = fold_ws(" ".join(c for r in head for c in r if c))
    if not spec.header_named(header_key(header)) and spec.header_named(header_key(" ".join(col_text))):
        header = fold_ws(" ".join(col_text))  # a header of several rows, read column by column
    found = assign(spec, sample, column_hints(spec, header, [_cell(col_text, j) for j in value_cols]))
    named = spec.header_named(header_key(header))
    if found.best is None or not found.columns:
        return None
    held = held_out(spec, found, labels)
    if not (named or found.best.checked > 0 or held) or (blind(spec, header) and not held):
        return None  # a table of other words whose arithmetic or labels do not say it is this one
    text_cols = list(range(value_cols[0]))
    group = text_cols[-2] if spec.group and len(text_cols) > 1 else None
    extra = [] if spec.group or len(text_cols) < 2 else text_cols[:-1]  # a code column, say
    weight = (found.best.score, named, -len(head))
    return Layout(body_start, header, text_cols[-1], group, list(zip(value_cols, found.columns, strict=True)),
                  tuple(extra), found, weight)


def read_grids(spec: TableSpec, grids: list[Grid], method: str) -> RawTable | None:
    """The spec's table from grids in page order: the first whose header fits and whose columns'
    roles are sure (else the first whose header fits), plus its continuations on the following
    pages."""
    table: RawTable | None = None
    lay: Layout | None = None
    group: str | None = None
    last_page = None
    cleaned = [[unglued([clean(c) for c in row]) for row in grid.cells] for grid in grids]
    layouts = [layout(spec, cells, grid.merged) for cells, grid in zip(cleaned, grids, strict=True)]
    sure = next((i for i, f in enumerate(layouts) if f and f.roles and not f.roles.doubt), None)
    start = sure if sure is not None else next((i for i, f in enumerate(layouts) if f), len(grids))
    for grid, cells, found in list(zip(grids, cleaned, layouts, strict=True))[start:]:
        if table is None:
            if found is None:
                continue
            lay = found
            table = RawTable(spec.dataset, spec.name, method, [c for _, c in lay.values], [], lay.header,
                             roles=lay.roles.describe() if lay.roles else None,
                             doubt=(lay.roles.doubt if lay.roles else None) or grid.doubt,
                             ambiguous=bool(grid.doubt),
                             header_at=location(*grid.place(max(lay.body_start - 1, 0))))
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


Body = list[tuple[list[str], tuple[int | None, int | None]]]  # rows of cells, each with its page and line


def _heads(spec: TableSpec, lay: Layout, text: str, rest: Body) -> bool:
    """`text`, a label alone on its row, heads the rows below it (`group_rows.heads_rows`)."""
    after = next((_cell(row, lay.label) for row, _ in rest if any(_cell(row, j) for j, _ in lay.values)), "")
    return lay.group is not None or heads_rows(spec, [text], after)


def _read_body(spec: TableSpec, lay: Layout, body: Body, table: RawTable, group: str | None
               ) -> tuple[str | None, bool]:
    """Append the body rows to `table`; returns the group label to carry and whether a grand
    total ended the table. A row with a label and no values is a wrapped label line (as
    whitespace strategies split them): it ends the label above when it starts in lowercase, is
    a lone acronym (`SSC`), the label above ends mid-phrase (`Voluntarios en el`) or the row
    above has more label lines above its values than below (a label centred on its values:
    `Administradora Dirección` / values / `Provincial de Azuay`), or the table's labels wrap below
    their values (`lines.wrapped_below`, or each row of values opens with its code: a line without
    one goes on from the row above) and it is no group row; else it starts the label below."""
    pending: list[str] = []
    above = below = 0  # label lines of the last row above and below its values
    labels = [_cell(row, lay.label) if not any(_cell(row, j) for j, _ in lay.values) else None for row, _ in body]
    code = spec.label_code.pattern if spec.label_code else None
    coded = [any(_cell(row, j) for j in lay.prefix) or bool(code and code.match(_cell(row, lay.label)))
             for (row, _), alone in zip(body, labels, strict=True)
             if alone is None and not TOTAL.match(key(_cell(row, lay.label)))]
    top = wrapped_below(labels, [_cell(row, lay.label) for row, _ in body]) or bool(coded and all(coded))
    for k, (row, (page, line)) in enumerate(body):
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
                    or above > below or (top and not _heads(spec, lay, label, body[k + 1:]))):
                table.rows[-1].label = f"{table.rows[-1].label} {label}"
                below += 1
            elif label:
                pending.append(label)
            continue
        if lay.group is None and heads_rows(spec, pending, label):
            table.skipped.extend(pending)  # a group row the contract has no column for
            pending = []
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
