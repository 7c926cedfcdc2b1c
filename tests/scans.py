"""Scanned pages made on the fly from the sample PDFs (no OCR needed to make them)."""

from __future__ import annotations

from pathlib import Path

from conftest import RAW


def mixed_pdf(tmp: Path, scanned_page: int, turn: float = 0.0) -> Path:
    """The Loja sample with one page replaced by a 150 dpi picture of itself (no text layer),
    turned by `turn` degrees."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(RAW / "iess-loja-2024.pdf")
    n = len(src)
    width, height = src[scanned_page - 1].get_size()
    picture = src[scanned_page - 1].render(scale=150 / 72, grayscale=True).to_pil()
    if turn:
        picture = picture.rotate(turn, resample=3, fillcolor=255)
    out = pdfium.PdfDocument.new()
    out.import_pages(src, list(range(scanned_page - 1)))
    page = out.new_page(width, height)
    image = pdfium.PdfImage.new(out)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(picture))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    out.import_pages(src, list(range(scanned_page, n)))
    path = tmp / "iess-loja-2024-mixed.pdf"
    out.save(path)
    return path


def page_of(table: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(RAW / "iess-loja-2024.pdf")
    for i in range(len(pdf)):
        if table in pdf[i].get_textpage().get_text_bounded():
            return i + 1
    raise AssertionError(table)


def scanned_pdf(src: Path, tmp: Path, dpi: int = 200) -> Path:
    """`src` with every page replaced by a `dpi` picture of itself (no text layer left)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(src)
    out = pdfium.PdfDocument.new()
    for i in range(len(pdf)):
        width, height = pdf[i].get_size()
        page = out.new_page(width, height)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(pdfium.PdfBitmap.from_pil(pdf[i].render(scale=dpi / 72, grayscale=True).to_pil()))
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
    path = tmp / f"{src.stem}-scanned.pdf"
    out.save(path)
    return path
