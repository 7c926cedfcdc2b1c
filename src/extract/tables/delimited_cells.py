"""Tables whose cells the input itself delimits (Markdown pipe tables, `;`- or tab-separated
rows: `Line.cells`, set by ingest): read as the grids they are, as the PDF grid strategies
read camelot's and pdfplumber's cells (a spanning group cell filled down, a cell's wrapped
lines joined, a table continued in the next one)."""

from __future__ import annotations

from extract.model import Line, Sink
from extract.tables.base import RawTable, Strategy
from extract.tables.grid import Grid, read_grids
from extract.tables.record_grids import read_record_grids
from extract.tables.spec import TableSpec


def grids_of(lines: list[Line]) -> list[Grid]:
    """One grid per run of delimited lines, numbered in order as if each were a page of its
    own, so that a table cut in two (by a page break in the export) reads as one; each row
    keeps its own place (page, line)."""
    grids: list[Grid] = []
    run: list[Line] = []
    for line in [*lines, Line("", None, None)]:
        if line.cells is not None:
            run.append(line)
            continue
        rows = [ln for ln in run if ln.cells]  # a rule (`|---|`) has no cells
        if rows:
            grids.append(Grid([list(ln.cells or ()) for ln in rows], len(grids) + 1,
                              places=[(ln.page, ln.line) for ln in rows]))
        run = []
    return grids


class DelimitedCells(Strategy):
    """The spec's table from the delimited tables of a text input, if it has any."""

    name = "text-delimited"
    method = "text-delimited"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        grids = grids_of(lines)
        if not grids:
            return None
        read = read_record_grids if spec.layout == "records" else read_grids
        return read(spec, grids, self.method)
