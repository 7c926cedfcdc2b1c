"""The cell-per-line strategy: text that prints each table cell on a line of its own
(`pdftotext` without `-layout`), joined back into rows and read as rows (`TextRows`)."""

from __future__ import annotations

from extract import tolerances
from extract.model import Line, Sink
from extract.tables.base import RawTable, Strategy
from extract.tables.header import body_columns, find_header
from extract.tables.lines import VALUE, split_values
from extract.tables.spec import TableSpec
from extract.tables.text import TextRows


def joined_cells(lines: list[Line]) -> list[Line] | None:
    """Text with a table cell per line (`pdftotext` without `-layout`) as a row per line: each
    run of lone values joined to the line of text before it (`Fondo Salud` / `1.234` / `5.678`
    -> `Fondo Salud 1.234 5.678`); None when the region is not printed that way."""
    filled = [ln for ln in lines if ln.text.strip()]
    lone = [ln for ln in filled if VALUE.match(ln.text.strip())]
    if not filled or len(lone) < tolerances.CELL_LINES_SHARE * len(filled):
        return None
    out: list[Line] = []
    joining = False
    for line in filled:
        text = line.text.strip()
        if VALUE.match(text) and out and (joining or not VALUE.match(out[-1].text.split()[-1])):
            out[-1] = Line(f"{out[-1].text} {text}", out[-1].page, out[-1].line)
            joining = True
        else:
            out.append(Line(text, line.page, line.line))
            joining = False
    return out


class TextCells(Strategy):
    """Rows layout printed a cell per line: the cells joined into rows, then read as rows."""

    name = "text-cells"
    method = "text-cells"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        joined = joined_cells(lines)
        header = find_header(spec, joined) if joined else None
        if joined is None or header is None:
            return None
        width = len(body_columns(spec, header.text, joined[header.last + 1:]).columns)
        return TextRows().find(spec, _labels_after_values(joined, width), sink) if width else None


def _labels_after_values(lines: list[Line], width: int) -> list[Line]:
    """A run of more values than a row holds carries the next row's values, printed before
    its label (`... 84% 12.345.678,90 10.370.370,28` / `Total general`): they go to that label."""
    out: list[Line] = []
    carry: list[str] = []
    for line in lines:
        label, values = split_values(line.text, 10 * width)
        if carry and label and not values:
            out.append(Line(f"{label} {' '.join(carry)}", line.page, line.line))
            carry = []
            continue
        if carry:
            out.append(Line(" ".join(carry), line.page, line.line))
            carry = []
        if label and len(values) > width:
            out.append(Line(f"{label} {' '.join(values[:width])}", line.page, line.line))
            carry = values[width:]
        else:
            out.append(line)
    return out
