"""PDF table strategies: camelot lattice (ruled tables), camelot stream (whitespace tables)
and pdfplumber's table finder. Each reads only the pages it is asked for, once per page."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from extract.model import Line, Sink
from extract.tables.base import RawTable, Strategy
from extract.tables.grid import Grid, read_grids, read_record_grids
from extract.tables.spec import TableSpec

log = logging.getLogger("extract.tables")


def camelot_read(path: Path, page: int, flavor: str) -> list[Grid]:
    """Camelot's tables of one page as grids, with its parsing accuracy."""
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns on pages without tables
        tables = camelot.read_pdf(str(path), pages=str(page), flavor=flavor)
    return [Grid(t.df.values.tolist(), page, _confidence(t.parsing_report)) for t in tables]


def _confidence(report: dict[str, Any]) -> float:
    """Camelot's parsing report as a 0..100 confidence: its accuracy, lowered a little by the
    share of empty cells (whitespace tables have many; a wrong grid has more)."""
    accuracy = float(report.get("accuracy", 100.0))
    whitespace = float(report.get("whitespace", 0.0))
    return accuracy * (1 - 0.2 * whitespace / 100)


class PdfGrids(Strategy):
    """Base of the grid strategies: pages of the section, grids cached per page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pages: dict[int, list[Grid]] = {}

    def read_page(self, page: int) -> list[Grid]:
        raise NotImplementedError

    def grids(self, pages: list[int]) -> list[Grid]:
        for p in pages:
            if p not in self._pages:
                self._pages[p] = self.read_page(p)
        return [g for p in pages for g in self._pages[p]]

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        pages = sorted({ln.page for ln in lines if ln.page is not None})
        if not pages:
            return None
        read = read_record_grids if spec.layout == "records" else read_grids
        return read(spec, self.grids(pages), self.method)


class CamelotLattice(PdfGrids):
    method = "camelot-lattice"

    def read_page(self, page: int) -> list[Grid]:
        return camelot_read(self.path, page, "lattice")


class CamelotStream(PdfGrids):
    method = "camelot-stream"

    def read_page(self, page: int) -> list[Grid]:
        return camelot_read(self.path, page, "stream")


class Plumber(PdfGrids):
    """pdfplumber's table finder (ruling lines), the PDF opened once for all pages."""

    method = "pdfplumber"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._pdf: Any = None

    def read_page(self, page: int) -> list[Grid]:
        import pdfplumber

        if self._pdf is None:
            self._pdf = pdfplumber.open(self.path)
        return [Grid(t, page) for t in self._pdf.pages[page - 1].extract_tables()]

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
