"""PDF table strategies: camelot lattice (ruled tables), camelot stream (whitespace tables)
and pdfplumber's table finder. Each reads only the pages it is asked for, once per page."""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from extract.model import Line, Sink
from extract.tables.base import RawTable, Strategy
from extract.tables.grid import Grid, read_grids
from extract.tables.header_words import header_key
from extract.tables.record_grids import read_record_grids
from extract.tables.spec import TableSpec

log = logging.getLogger("extract.tables")


def camelot_read(pdf: bytes, pages: list[int], flavor: str) -> dict[int, list[Grid]]:
    """Camelot's tables of `pages` of the PDF `pdf` (its bytes, read once by ingest) as grids
    per page, in page order."""
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns on pages without tables
        tables = camelot.read_pdf(pdf, pages=",".join(map(str, pages)), flavor=flavor)
    out: dict[int, list[Grid]] = {p: [] for p in pages}
    for t in tables:
        out.setdefault(int(t.page), []).append(Grid(t.df.values.tolist(), int(t.page),
                                                    _confidence(t.parsing_report)))
    return out


def _confidence(report: dict[str, Any]) -> float:
    """Camelot's parsing report as a 0..100 confidence: its accuracy, lowered a little by the
    share of empty cells (whitespace tables have many; a wrong grid has more)."""
    accuracy = float(report.get("accuracy", 100.0))
    whitespace = float(report.get("whitespace", 0.0))
    return accuracy * (1 - 0.2 * whitespace / 100)


def table_pages(spec: TableSpec, lines: list[Line]) -> list[int]:
    """The pages of a section worth a grid strategy: from the first page whose text carries
    the spec's header words on (a table may continue on the next pages); all of them when
    no page's text does (a text layer too poor to tell)."""
    pages = sorted({ln.page for ln in lines if ln.page is not None})
    for i, page in enumerate(pages):
        if spec.header_named(header_key(" ".join(ln.text for ln in lines if ln.page == page))):
            return pages[i:]
    return pages


class PdfGrids(Strategy):
    """Base of the grid strategies: the pages that may hold the table, each read once."""

    costly = True

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf  # the input's bytes, as ingest read them: the file is not opened again
        self._pages: dict[int, list[Grid]] = {}

    def read_pages(self, pages: list[int]) -> dict[int, list[Grid]]:
        raise NotImplementedError

    def grids(self, pages: list[int]) -> list[Grid]:
        missing = [p for p in pages if p not in self._pages]
        if missing:
            self._pages.update(self.read_pages(missing))
        return [g for p in pages for g in self._pages.get(p, [])]

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        pages = table_pages(spec, lines)
        if not pages:
            return None
        read = read_record_grids if spec.layout == "records" else read_grids
        return read(spec, self.grids(pages), self.method)


class CamelotLattice(PdfGrids):
    name = method = "camelot-lattice"

    def read_pages(self, pages: list[int]) -> dict[int, list[Grid]]:
        return camelot_read(self.pdf, pages, "lattice")


class CamelotStream(PdfGrids):
    name = method = "camelot-stream"

    def read_pages(self, pages: list[int]) -> dict[int, list[Grid]]:
        return camelot_read(self.pdf, pages, "stream")


class Plumber(PdfGrids):
    """pdfplumber's table finder (ruling lines), the PDF opened once for all pages."""

    name = method = "pdfplumber"

    def __init__(self, pdf: bytes) -> None:
        super().__init__(pdf)
        self._pdf: Any = None

    def read_pages(self, pages: list[int]) -> dict[int, list[Grid]]:
        import pdfplumber

        if self._pdf is None:
            self._pdf = pdfplumber.open(io.BytesIO(self.pdf))
        return {p: [Grid(t, p) for t in self._pdf.pages[p - 1].extract_tables()] for p in pages}

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
