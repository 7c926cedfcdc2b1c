"""Which pages of a PDF need OCR, and their text lines from it.

A page needs OCR when an image covers much of it and its text layer is thin: a scanned page,
a signed annex, a table pasted as a picture on a page of its own. Every other page keeps its
text layer, so a mixed document is OCR'd only where it must be; on those, only the pictures
that may hold a table are read (`pictures.py`).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import regex

from extract import tolerances
from extract.model import Line, Picture
from extract.ocr import PageOcr, Reader
from extract.pictures import Candidate
from extract.pictures import read as read_pictures
from extract.wordlines import layout_lines

log = logging.getLogger("extract.ocr")


def needs_ocr(page: Any, text: str) -> bool:
    """True when images cover at least `OCR_IMAGE_COVER` of the page (a pypdfium2 page) and
    its text layer has fewer than `OCR_MAX_TEXT_CHARS` characters."""
    if len(text.strip()) >= tolerances.OCR_MAX_TEXT_CHARS:
        return False
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds() if hasattr(obj, "get_bounds") else obj.get_pos()
        covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return width * height > 0 and covered / (width * height) >= tolerances.OCR_IMAGE_COVER


def oversized(pdf: Any, pages: list[int]) -> str | None:
    """The first of `pages` (0-based indexes of a pypdfium2 document) too large to be read by
    OCR, named with its size, or None; told before any page is rendered. A page may take
    `tolerances.OCR_MAX_PAGE_PIXELS`: its bitmap at `tolerances.OCR_DPI` and its images as
    decoded."""
    import pypdfium2.raw as pdfium_c

    scale = tolerances.OCR_DPI / 72
    limit = tolerances.OCR_MAX_PAGE_PIXELS
    for i in pages:
        page = pdf[i]
        width, height = page.get_size()
        images = sum(w * h for w, h in (obj.get_px_size() for obj in page.get_objects(
            filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2)))
        page.close()
        cols, rows = math.ceil(width * scale), math.ceil(height * scale)
        total = cols * rows + images
        if total > limit:
            held = f" and images of {images / 1e6:,.0f} million pixels" if images >= 1e6 else ""
            return (f"page {i + 1} is too large to read by OCR: {width:,.0f} × {height:,.0f} pt, "
                    f"{cols:,} × {rows:,} pixels at {tolerances.OCR_DPI} dpi{held} ({total / 1e6:,.0f} million "
                    f"pixels where a page may take {limit / 1e6:,.0f} million); not rendered")
    return None


def ocr_lines(pdf: Any, pages: list[int], name: str, data: bytes = b"",
              workers: int = 1) -> tuple[dict[int, list[Line]], dict[int, PageOcr]]:
    """The text lines of each page in `pages` (0-based indexes of a pypdfium2 document) read by
    OCR, and what OCR read on each (keyed by page number, 1-based); on up to `workers`
    processes side by side when the document's bytes (`data`) are given."""
    lines: dict[int, list[Line]] = {}
    read: dict[int, PageOcr] = {}
    if workers > 1 and len(pages) > 1 and data:
        results = _in_pool(data, pages, min(workers, len(pages)))
    else:
        with Reader() as reader:
            results = [_page(pdf, i, reader) for i in pages]
    for i, result in results:
        read[i + 1] = result
        lines[i + 1] = [Line(_numbering_mended(t), i + 1, None) for t in layout_lines(result.words)]
        log.info("%s: OCR page %d: %d words, mean confidence %.0f%%, %.1f s%s", name, i + 1,
                 len(result.words), result.confidence, result.seconds,
                 f", straightened {result.skew_degrees:+.1f}°" if result.skew_degrees else "")
    return lines, read


def _page(pdf: Any, i: int, reader: Reader) -> tuple[int, PageOcr]:
    """One page (0-based) rendered at `OCR_DPI` and read."""
    page = pdf[i]
    image = page.render(scale=tolerances.OCR_DPI / 72, grayscale=True).to_pil()
    page.close()
    return i, reader.read(image, i + 1, tolerances.OCR_DPI)


_WORKER: dict[str, Any] = {}  # a pool worker's document and OCR reader


def _start(data: bytes) -> None:
    import pypdfium2 as pdfium

    _WORKER["pdf"] = pdfium.PdfDocument(data)
    _WORKER["reader"] = Reader()


def _in_worker(i: int) -> tuple[int, PageOcr]:
    return _page(_WORKER["pdf"], i, _WORKER["reader"])


def _in_pool(data: bytes, pages: list[int], workers: int) -> list[tuple[int, PageOcr]]:
    """The pages read on `workers` processes, each with the document and a reader of its own;
    on any exit (a time limit), the pages not started are dropped."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start, initargs=(data,))
    try:
        return list(pool.map(_in_worker, pages))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def picture_lines(pdf: Any, found: list[Candidate],
                  name: str) -> tuple[list[Picture], dict[int, list[tuple[int, list[Line]]]]]:
    """The pictures `found` read by OCR (`pictures.read`), and by page number (1-based) the
    text lines of those holding tables with how many text-layer lines of the page stand above
    each (`pictures.placed` puts them there)."""
    with Reader() as reader:
        results = read_pictures(pdf, found, reader, name)
    inserts: dict[int, list[tuple[int, list[Line]]]] = {}
    for picture, texts, after in results:
        if texts:
            lines = [Line(_numbering_mended(t), picture.page, None) for t in texts]
            inserts.setdefault(picture.page, []).append((after, lines))
    return [p for p, _, _ in results], inserts


_COMMA_INSIDE = regex.compile(r"^(\s*\d{1,2}),(\d{1,2}\.\s+\p{Lu})")  # `4,2. Recaudación`
_COMMA_AFTER = regex.compile(r"^(\s*\d{1,2}(?:\.\d{1,2})*),(\s+\p{Lu})")  # `5, Ejecución`


_ROMAN_SLIP = regex.compile(r"^(\s*)([IVX]+[l1|][IVXl1|]*|[l1|]+[IVX][IVXl1|]*)(\.\s+\p{Lu}{2})")  # `Ill. POLÍTICAS`
_LONE_L = regex.compile(r"^(\s*)L(\s+\p{Lu}{2,}\s+\p{Lu}{2})")  # `L COBERTURA INSTITUCIONAL`: `I.`


def _numbering_mended(text: str) -> str:
    """A heading's number as OCR slips on it, mended: a period read as a comma (`4,2.
    Recaudación`, `5, Ejecución`), a Roman numeral's `I` read as `l`, `1` or `|` (`Ill.`,
    `lV.`), and `I.` read as a lone `L` before an upper-case title; a line of prose does not
    open with those and a capitalised title."""
    text = _COMMA_AFTER.sub(r"\1.\2", _COMMA_INSIDE.sub(r"\1.\2", text))
    text = _ROMAN_SLIP.sub(lambda m: m[1] + regex.sub(r"[l1|]", "I", m[2]) + m[3], text)
    return _LONE_L.sub(r"\1I.\2", text)
