"""`extract debug FILE --page N`: a PNG of one page with the table cells each strategy sees, or
the words OCR read on it (the page, or its pictures)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extract import tolerances
from extract.model import PageOcr, Picture

if TYPE_CHECKING:
    from PIL.Image import Image

Colour = tuple[int, int, int]
_RED, _BLUE, _GREEN, _GREY = (220, 0, 0), (0, 0, 255), (0, 160, 0), (150, 150, 150)
_DPI = 110  # of the picture: a page read at a glance

#: What the colours of `page_png` mean (pdfplumber's `debug_tablefinder` draws the first two).
_TABLE_LEGEND: list[tuple[Colour, str]] = [
    (_RED, "pdfplumber: a line or rectangle edge it found"),
    (_BLUE, "pdfplumber: a cell of a table it found (filled), a crossing of lines (circle)"),
    (_GREEN, "camelot lattice: a cell of a table ruled on every side"),
]


def page_png(pdf_path: Path, page: int, out_dir: Path) -> Path:
    """Draw pdfplumber's table finder (red/blue) and camelot lattice cells (green) on the page,
    with a legend of the colours (`_TABLE_LEGEND`) below it."""
    import camelot
    import pdfplumber

    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"page-{page}.png"
    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ValueError(f"page {page} is outside 1..{len(pdf.pages)}")
        p = pdf.pages[page - 1]
        pixels = float(p.width) * float(p.height) * (_DPI / 72) ** 2
        if pixels > tolerances.OCR_MAX_PAGE_PIXELS:
            raise ValueError(f"page {page} is too large to draw: {float(p.width):,.0f} × {float(p.height):,.0f} pt "
                             f"({pixels / 1e6:,.0f} million pixels at {_DPI} dpi)")
        image = p.to_image(resolution=_DPI)
        image.debug_tablefinder()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tables = camelot.read_pdf(str(pdf_path), pages=str(page), flavor="lattice")
        for table in tables:
            for row in table.cells:
                for cell in row:
                    image.draw_rect((cell.x1, p.height - cell.y2, cell.x2, p.height - cell.y1),
                                    fill=(0, 0, 0, 0), stroke=_GREEN, stroke_width=2)
        _with_legend(image.annotated, _TABLE_LEGEND).save(out, format="PNG")
    return out


def ocr_png(pdf_path: Path, read: PageOcr | None, out_dir: Path, pictures: Sequence[Picture] = ()) -> Path:
    """The page as OCR saw it (straightened), each word's box drawn: green when OCR was sure
    of it, red when not (`tolerances.OCR_LOW_CONFIDENCE`), with what it read; a legend below.
    A page with a text layer shows its pictures OCR read (`pictures`, blue; a chart's words
    grey, dropped) instead."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from extract.ocr import straightened

    page = read.page if read else pictures[0].page
    dpi, skew = (read.dpi, read.skew_degrees) if read and not pictures else (tolerances.OCR_DPI, 0.0)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"page-{page}-ocr.png"
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        image = pdf[page - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    image = straightened(image, skew).convert("RGB")
    draw = ImageDraw.Draw(image)
    k = dpi / 72
    for pic in pictures:
        draw.rectangle(tuple(v * k for v in pic.box), outline=_BLUE if pic.table else _GREY, width=3)
    words = [(w, True) for w in read.words] if read and not pictures else [
        (w, pic.table) for pic in pictures for w in pic.words]
    for w, kept in words:
        sure = w.confidence >= tolerances.OCR_LOW_CONFIDENCE
        colour = _GREEN if sure and kept else _RED if kept else _GREY
        draw.rectangle((w.x0, w.y0, w.x1, w.y1), outline=colour, width=2)
        if not sure and kept:
            draw.text((w.x0, max(w.y0 - 12, 0)), f"{w.text} {w.confidence:.0f}%", fill=colour)
    legend = [
        (_GREEN, "a word OCR read, sure of it"),
        (_RED, f"a word OCR was unsure of (confidence under {tolerances.OCR_LOW_CONFIDENCE:.0f}%), "
               "with what it read and its confidence"),
    ]
    if pictures:
        legend += [(_BLUE, "a picture read by OCR as a table (its words among the page's lines)"),
                   (_GREY, "a picture read by OCR that gave no rows of values (a chart, a photo): its words dropped")]
    _with_legend(image, legend).save(out, format="PNG")
    return out


def _with_legend(image: Image, legend: list[tuple[Colour, str]]) -> Image:
    """The picture (PIL) with a strip below it saying what each colour drawn on it means."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    size = max(14, image.width // 65)  # the same size on the page whatever its resolution
    font = ImageFont.load_default(size=size)
    line = size * 3 // 2
    out = PILImage.new("RGB", (image.width, image.height + line * len(legend) + size), "white")
    out.paste(image.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(out)
    for i, (colour, meaning) in enumerate(legend):
        y = image.height + size // 2 + i * line
        draw.rectangle((size, y + 2, 3 * size, y + size), outline=colour, width=3)
        draw.text((4 * size, y), meaning, fill=(0, 0, 0), font=font)
    return out
