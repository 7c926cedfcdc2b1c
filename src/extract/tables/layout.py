"""The text-layout strategy: text whose columns are kept apart by runs of spaces
(`pdftotext -layout`, fixed-width exports) read as a cell grid.

Cells are the runs of text between gutters of two or more spaces. The value columns are the
overlapping spans of value cells down the table; the text columns left of them (group, label,
code) the overlapping spans of the text cells there. Each line becomes a grid row, then the
grid reader names the columns by header words (`grid.read_grids`). A group label printed
centred beside its rows (`Sin relación de / dependencia` half-way down its four rows) is given
to the rows it is centred on (`centred_groups`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from extract import tolerances
from extract.model import Line, Sink
from extract.numbers import is_cell_value
from extract.patterns import TOTAL
from extract.tables.base import RawTable, Strategy
from extract.tables.centring import also_centred, centred_owners
from extract.tables.grid import Grid, read_grids
from extract.tables.header import find_header, header_like
from extract.tables.lines import FOOTNOTE_TOKEN
from extract.tables.spec import TableSpec
from extract.textutil import ends_open, key, starts_lower

_CELL = regex.compile(r"\S+(?: \S+)*")  # a run of words with single spaces inside
_TOKEN = regex.compile(r"\S+")


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str

    @property
    def value(self) -> bool:
        return is_cell_value(self.text) or all(is_cell_value(t) or FOOTNOTE_TOKEN.match(t) for t in self.text.split())


def cells_of(text: str) -> list[Cell]:
    """The cells of one line, with their character columns."""
    return [Cell(m.start(), m.end(), m.group()) for m in _CELL.finditer(text)]


def _split_values(cells: list[Cell]) -> list[Cell]:
    """A run of values with single spaces (`1.234 5.678`) as one cell per value; a footnote
    marker `(1)` stays with its value."""
    out: list[Cell] = []
    for cell in cells:
        tokens = list(_TOKEN.finditer(cell.text))
        if len(tokens) > 1 and cell.value and not FOOTNOTE_TOKEN.match(tokens[-1].group()):
            out.extend(Cell(cell.start + t.start(), cell.start + t.end(), t.group()) for t in tokens)
        else:
            out.append(cell)
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans merged into columns, left to right: spans that overlap or are closer
    than a gutter (an extractor's alignment is a character off here and there)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1] + tolerances.MIN_GUTTER:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _column_of(cell: Cell, columns: list[tuple[int, int]]) -> int:
    """The column a cell overlaps most, else the nearest one."""
    def overlap(col: tuple[int, int]) -> int:
        return min(cell.end, col[1]) - max(cell.start, col[0])

    best = max(range(len(columns)), key=lambda j: overlap(columns[j]))
    if overlap(columns[best]) > 0:
        return best
    mid = (cell.start + cell.end) / 2
    return min(range(len(columns)), key=lambda j: abs((columns[j][0] + columns[j][1]) / 2 - mid))


def columnwise(texts: list[str]) -> str:
    """Header lines read column by column: the cells of overlapping character spans joined
    top to bottom, the columns left to right."""
    cells = [(c, k) for k, t in enumerate(texts) for c in _split_values(cells_of(t))]
    columns = _merge([(c.start, c.end) for c, _ in cells])
    by_column: dict[int, list[tuple[int, str]]] = {}
    for c, k in cells:
        by_column.setdefault(_column_of(c, columns), []).append((k, c.text))
    return " ".join(" ".join(t for _, t in sorted(by_column[j])) for j in sorted(by_column))


def grid_of(spec: TableSpec, lines: list[Line]) -> Grid | None:
    """The spec's table in `lines` as one grid (all its pages), or None when the text has no
    aligned columns there."""
    header = find_header(spec, lines, columnwise)
    if header is None or header.unsure:
        return None  # no header, or its end not sure (the rows reader says so)
    body: list[tuple[Line, list[Cell]]] = []
    prose = 0
    for line in lines[header.last + 1: header.last + 1 + tolerances.MAX_BODY_LINES]:
        text = line.text.rstrip()
        if not text.strip():
            continue
        if spec.ends(key(text)):
            break
        if header_like(text, spec):  # the header printed again on the next page, under its
            while body and body[-1][0].page == line.page and not any(c.value for c in body[-1][1]):
                body.pop()  # caption (`(continuación)`)
            continue
        cells = _split_values(cells_of(text))
        if len(cells) == 1 and len(cells[0].text) >= tolerances.PROSE_LEN:
            prose += 1
            if prose >= 2:
                break
            continue
        prose = 0
        body.append((line, cells))
    value_lines = [cells for _, cells in body if sum(c.value for c in cells) >= 1 and len(cells) >= 2]
    if len(value_lines) < tolerances.MIN_VALUE_LINES:
        return None
    by_page = _columns_by_page(body)
    columns, n_text = next(iter(by_page.values())) if by_page else _columns(body)
    head = [(ln, _split_values(cells_of(ln.text))) for ln in lines[header.first: header.last + 1]
            if ln.text.strip()]
    rows = [_row(cells, by_page[ln.page][0] if ln.page in by_page else columns) for ln, cells in head + body]
    places = [(ln.page, ln.line) for ln, _ in head + body]
    grid = Grid(rows, places[0][0], places=places, merged=False)
    return centred_groups(grid, n_text, len(head)) if spec.group and n_text >= 2 else grid


def _columns(body: list[tuple[Line, list[Cell]]]) -> tuple[list[tuple[int, int]], int]:
    """The character spans of the table's columns (text columns, then value columns) and how
    many are text columns. Lines after the last line of values (notes under the table, which
    run across its columns) are left out."""
    rows = [i for i, (_, cells) in enumerate(body) if sum(c.value for c in cells) >= 1 and len(cells) >= 2]
    values = _merge([(c.start, c.end) for i in rows for c in body[i][1] if c.value])
    if not values:
        return [], 0
    first_value = values[0][0]
    texts = _merge([(c.start, c.end) for _, cells in body[: rows[-1] + 1] for c in cells
                    if not c.value and c.end <= first_value and not TOTAL.match(key(c.text))])
    return texts + values, len(texts)


def _columns_by_page(body: list[tuple[Line, list[Cell]]]
                     ) -> dict[int | None, tuple[list[tuple[int, int]], int]]:
    """Each page's own columns (`_columns`), when the pages of a table over several pages all
    have as many (text read by OCR, or laid out page by page, stands a few characters off from
    one page to the next); none otherwise, and for a table on one page."""
    pages: dict[int | None, list[tuple[Line, list[Cell]]]] = {}
    for line, cells in body:
        pages.setdefault(line.page, []).append((line, cells))
    if len(pages) < 2:
        return {}
    out = {page: _columns(part) for page, part in pages.items()}
    shapes = {(len(columns), n_text) for columns, n_text in out.values()}
    return out if len(shapes) == 1 and next(iter(shapes))[0] else {}


def _row(cells: list[Cell], columns: list[tuple[int, int]]) -> list[str]:
    row = [""] * len(columns)
    for cell in cells:
        j = _column_of(cell, columns)
        row[j] = f"{row[j]} {cell.text}".strip()
    return row


def centred_groups(grid: Grid, n_text: int, body_start: int) -> Grid:
    """The group column rewritten so that every row carries its whole group label.

    A group label printed on the line of its group's first row (top-aligned) is filled down as
    it stands. A label printed centred beside its rows, its lines possibly between or below
    some of them, goes to the consecutive rows its middle is closest to the middle of: each run
    of rows between two totals is cut among that run's labels so that the distance between
    each label's middle and its rows' middle is least. Text below the table's last row of
    values is a note under it, never a group label."""
    g, lab = n_text - 2, n_text - 1
    rows = [list(r) for r in grid.cells]
    value_rows = [i for i in range(body_start, len(rows)) if any(rows[i][n_text:])]
    labels: list[tuple[str, float, int]] = []  # text, middle line, first line
    k = body_start
    while k <= (value_rows[-1] if value_rows else -1):  # a text starting below the last row is a note
        if rows[k][g]:
            first = k
            parts: list[str] = []
            while k < len(rows) and rows[k][g] and not TOTAL.match(key(rows[k][g])) \
                    and not (parts and _starts_another(parts[-1], rows[k][g])):
                parts.append(rows[k][g])
                k += 1
            if parts:
                labels.append((" ".join(parts), (first + k - 1) / 2, first))
                continue
        k += 1
    details = [i for i in value_rows if not TOTAL.match(key(rows[i][lab] or rows[i][g]))]
    if not labels or not details:
        return grid
    pages = [grid.place(i)[0] for i in range(len(rows))]
    if _top_aligned(labels, details, pages):
        doubt = also_centred(labels, details, value_rows, dict(enumerate(pages)))
        return Grid(grid.cells, grid.page, grid.accuracy, grid.places, grid.merged, doubt) if doubt else grid
    owner = centred_owners(details, value_rows, labels, dict(enumerate(pages)))
    for before, after in itertools.pairwise(labels):
        if _continues(before[0], after[0]):  # a label cut by a page break: each part centred on its page
            whole = f"{before[0]} {after[0]}"
            owner = {i: whole if name in (before[0], after[0]) else name for i, name in owner.items()}
    for i in range(body_start, len(rows)):
        if not TOTAL.match(key(rows[i][g])):
            rows[i][g] = ""
    for i, name in owner.items():
        rows[i][g] = name
    return Grid(rows, grid.page, grid.accuracy, grid.places, merged=False)


def _starts_another(line: str, after: str) -> bool:
    """True when the label line `after` starts another label: `line` completed a phrase (it
    starts in lowercase and does not end mid-phrase: `Con relación de` / `dependencia`) and
    `after` does not start in lowercase (`Sin relación de`)."""
    return starts_lower(line) and not ends_open(line) and not starts_lower(after)


def _continues(label: str, after: str) -> bool:
    """True when `after` is the rest of `label` (it ends mid-phrase, or `after` starts in lowercase)."""
    return ends_open(label) or starts_lower(after)


def _top_aligned(labels: list[tuple[str, float, int]], details: list[int], pages: list[int | None]) -> bool:
    """True when every group label starts on a row of values (its group's first), and the rest
    of a label cut by a page break on the first row of values of its page; a label printed
    further down is centred on its rows (`Sin relación de` / page break / a row / `dependencia`)."""
    for n, (text, _, first) in enumerate(labels):
        if first not in details:
            return False
        if n and _continues(labels[n - 1][0], text) and first != min(i for i in details if pages[i] == pages[first]):
            return False
    return True


class TextLayout(Strategy):
    """Text with aligned columns, read as a grid (tables of the rows layout)."""

    name = "text-aligned"
    method = "text-aligned"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        grid = grid_of(spec, lines)
        return read_grids(spec, [grid], self.method) if grid else None
