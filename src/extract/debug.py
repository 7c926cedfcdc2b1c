"""`extract debug FILE --page N`: a PNG of one page with the table cells each strategy sees."""

from __future__ import annotations

import warnings
from pathlib import Path

from extract import tolerances
from extract.model import PageOcr


def page_png(pdf_path: Path, page: int, out_dir: Path) -> Path:
    """Draw pdfplumber's table finder (red/blue) and camelot lattice cells (green) on the page."""
    import camelot
    import pdfplumber

    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"page-{page}.png"
    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ValueError(f"page {page} is outside 1..{len(pdf.pages)}")
        p = pdf.pages[page - 1]
        image = p.to_image(resolution=110)
        image.debug_tablefinder()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tables = camelot.read_pdf(str(pdf_path), pages=str(page), flavor="lattice")
        for table in tables:
            for row in table.cells:
                for cell in row:
                    image.draw_rect((cell.x1, p.height - cell.y2, cell.x2, p.height - cell.y1),
                                    fill=(0, 0, 0, 0), stroke="green", stroke_width=2)
        image.save(out, format="PNG")
    return out


def ocr_png(pdf_path: Path, read: PageOcr, out_dir: Path) -> Path:
    """The page as OCR saw it (straightened), each word's box drawn: green when OCR was sure
    of it, red when not (`tolerances.OCR_LOW_CONFIDENCE`), with what it read."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from extract.ocr import straightened

    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"page-{read.page}-ocr.png"
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        image = pdf[read.page - 1].render(scale=read.dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    image = straightened(image, read.skew_degrees).convert("RGB")
    draw = ImageDraw.Draw(image)
    for w in read.words:
        sure = w.confidence >= tolerances.OCR_LOW_CONFIDENCE
        colour = (0, 160, 0) if sure else (220, 0, 0)
        draw.rectangle((w.x0, w.y0, w.x1, w.y1), outline=colour, width=2)
        if not sure:
            draw.text((w.x0, max(w.y0 - 12, 0)), f"{w.text} {w.confidence:.0f}%", fill=colour)
    image.save(out, format="PNG")
    return out
