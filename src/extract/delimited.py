"""Tables whose cells an export separates with a delimiter, found in a text input: Markdown
pipe tables (pymupdf4llm, docling, marker, pandoc), and `;`- or tab-separated rows (a
spreadsheet pasted or saved as text). Their cells are read as grids
(`tables/delimited_cells.py`), and their lines laid out as aligned columns for the other
readers (`tables/layout.py`), so a cell keeps its column even when it is empty or its
neighbour holds spaces.

A block of `;` or tab rows is taken for a table only when its rows have the same number of
cells (at least `tolerances.DELIMITED_MIN_CELLS`) and one of its cells is a value: prose with
semicolons is left as it is.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import regex

from extract import tolerances
from extract.numbers import is_cell_value

_PIPE = regex.compile(r"(?<!\\)\|")  # a cell boundary (an escaped `\|` is a character of the cell)
_SEPARATOR = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")  # `|---|:--:|`
_GRID_BORDER = regex.compile(r"^\s*\+[-=:+]+\+\s*$")  # pandoc grid tables: `+-----+----+`
GUTTER = "   "  # between aligned cells: wider than the layout reader's gutter


@dataclass
class Block:
    """One delimited table: its first line's index and, per line, its cells (None: a rule)."""

    start: int
    rows: list[list[str] | None]


def _pipe_cells(text: str) -> list[str]:
    cells = _PIPE.split(text.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _is_pipe_row(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) > 2 and stripped[0] == stripped[-1] == "|" and bool(_PIPE.search(stripped[1:-1]))


def _is_rule(text: str) -> bool:
    return "-" in text and bool(_SEPARATOR.match(text) or _GRID_BORDER.match(text))


def _pipe_block(texts: list[str], i: int) -> Block | None:
    """The pipe table starting at line `i`: rows with outer pipes, or a header row without them
    anchored by the separator line under it (`a | b` / `--- | ---`)."""
    if "|" not in texts[i]:
        return None
    width = len(_pipe_cells(texts[i]))
    outer = _is_pipe_row(texts[i])
    anchored = not outer and width >= 2 and i + 1 < len(texts) and _is_rule(texts[i + 1]) \
        and len(_pipe_cells(texts[i + 1])) == width  # a rule of as many cells, not a page's `---`
    if not (outer or anchored):
        return None
    rows: list[list[str] | None] = []
    j = i
    while j < len(texts):
        text = texts[j]
        if _is_rule(text) and ("|" in text or "+" in text):
            rows.append(None)
        elif _is_pipe_row(text) or (anchored and _PIPE.search(text) and len(_pipe_cells(text)) <= width):
            cells = _pipe_cells(text)
            rows.append(cells + [""] * (width - len(cells)))  # `| Total | 1.234 |`: its last cells empty
        else:
            break
        j += 1
    return Block(i, rows) if sum(r is not None for r in rows) >= 2 else None


def _split(text: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([text], delimiter=delimiter, quotechar='"'))]


def _separated_block(texts: list[str], i: int) -> Block | None:
    """The `;`- or tab-separated table starting at line `i`."""
    for delimiter in ("\t", ";"):
        if texts[i].count(delimiter) + 1 < tolerances.DELIMITED_MIN_CELLS:
            continue
        width = len(_split(texts[i], delimiter))
        rows: list[list[str] | None] = []
        j = i
        while j < len(texts) and texts[j].count(delimiter) and len(cells := _split(texts[j], delimiter)) == width:
            rows.append(cells)
            j += 1
        if len(rows) >= 2 and any(is_cell_value(c) for row in rows if row for c in row):
            return Block(i, rows)
    return None


def blocks(texts: list[str]) -> list[Block]:
    """The delimited tables of a text, in order."""
    out: list[Block] = []
    i = 0
    while i < len(texts):
        block = _pipe_block(texts, i) or _separated_block(texts, i)
        if block is None:
            i += 1
            continue
        out.append(block)
        i += len(block.rows)
    return out


def aligned(tables: list[list[list[str] | None]]) -> list[list[str]]:
    """Each table's rows as lines of aligned columns (a cell's spaces and line breaks folded;
    a rule as an empty line). Tables with as many columns share their column widths: the
    pieces of a table split across pages line up as the one table they are."""
    cells = [[[" ".join(c.split()) for c in row] if row is not None else None for row in rows]
             for rows in tables]
    widths: dict[int, list[int]] = {}
    for rows in cells:
        for row in rows:
            if row is not None:
                shared = widths.setdefault(len(row), [0] * len(row))
                widths[len(row)] = [max(w, len(c)) for w, c in zip(shared, row, strict=True)]
    return [[GUTTER.join(c.ljust(w) for c, w in zip(row, widths[len(row)], strict=True)).rstrip()
             if row is not None else "" for row in rows] for rows in cells]
