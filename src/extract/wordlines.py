"""Words with positions (OCR) laid out as text lines, the way `pdftotext -layout` prints a page:
one line per row of words, each word at the column its position gives, so table columns stay
apart by runs of spaces and the text strategies read them as they read any layout text."""

from __future__ import annotations

from statistics import median

from extract import tolerances
from extract.model import Word


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows by their vertical centres, top to bottom, each left to right."""
    if not words:
        return []
    height = median(w.y1 - w.y0 for w in words)
    rows: list[list[Word]] = []
    centres: list[float] = []
    for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        c = (w.y0 + w.y1) / 2
        if rows and abs(c - centres[-1]) <= tolerances.OCR_ROW_TOL * height:
            rows[-1].append(w)
            centres[-1] = sum((v.y0 + v.y1) / 2 for v in rows[-1]) / len(rows[-1])
        else:
            rows.append([w])
            centres.append(c)
    return [sorted(r, key=lambda w: w.x0) for r in rows]


def char_width(words: list[Word]) -> float:
    """The width of one character column: the median width per character of longer words."""
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if len(w.text) >= 3]
    return median(widths) if widths else 10.0


def layout_lines(words: list[Word]) -> list[str]:
    """The page as text lines: words of one cell one space apart, and each word after a wider
    gap at the character column of its left edge (at least two spaces, the way columns stand
    apart in `pdftotext -layout`); a wide vertical gap between rows is a blank line."""
    rows = rows_of(words)
    if not rows:
        return []
    cw = char_width(words)
    pitch = median([b[0].y0 - a[0].y0 for a, b in zip(rows, rows[1:], strict=False)] or [0.0])
    left = min(w.x0 for w in words)
    out: list[str] = []
    previous: list[Word] | None = None
    for row in rows:
        if previous and pitch and (row[0].y0 - previous[0].y0) > tolerances.OCR_BLANK_LINE_PITCH * pitch:
            out.append("")
        text = ""
        last: Word | None = None
        for w in row:
            if last is not None and w.x0 - last.x1 <= tolerances.OCR_WORD_GAP * cw:
                text += " " + w.text  # the space between two words of one cell
            else:
                column = round((w.x0 - left) / cw)
                text += " " * max(column - len(text), 2 if text else 0) + w.text
            last = w
        out.append(text)
        previous = row
    return out
