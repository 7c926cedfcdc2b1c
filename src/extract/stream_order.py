"""Text a PDF extractor wrote in content-stream order (`pdftotext` without `-layout`): each table
cell on lines of its own, in the order the PDF drew them, not the order a reader reads them. A
row's cells can no longer be told from its neighbours', so no table read from such text is
published as sure."""

from __future__ import annotations

import regex

from extract import tolerances
from extract.model import Document
from extract.tables.lines import VALUE

_GUTTER = regex.compile(r"\S {2,}\S")  # two words apart by a run of spaces: aligned columns
_ADVICE = ("text in content-stream order (as `pdftotext` prints without `-layout`): table cells are "
           "not in reading order; give the PDF, or its text from `pdftotext -layout`")


def content_stream_order(doc: Document) -> bool:
    """True for a text input cut into pages (form feeds: a PDF extractor wrote it) with no
    aligned columns anywhere and more lines holding a lone value than lines ending a label with
    values."""
    if doc.kind != "text" or not any(ln.page is not None for ln in doc.lines):
        return False
    filled = [ln.text.strip() for ln in doc.lines if ln.text.strip()]
    if not filled or any(_GUTTER.search(t) for t in filled):
        return False
    lone = sum(bool(VALUE.match(t)) for t in filled)
    rows = sum(len(t.split()) > 1 and bool(VALUE.match(t.split()[-1])) and not VALUE.match(t.split()[0])
               for t in filled)
    return lone > rows and lone >= tolerances.STREAM_ORDER_LONE_SHARE * len(filled)


def advice() -> str:
    """What the anomaly says: what the text is and what to give instead."""
    return _ADVICE
