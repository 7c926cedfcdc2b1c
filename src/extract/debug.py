"""`extract debug FILE --page N`: a PNG of one page with the table cells each strategy sees."""

from __future__ import annotations

import warnings
from pathlib import Path


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
