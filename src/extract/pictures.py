"""Tables pasted as pictures into pages of text (issue 27): found, read by OCR, placed.

On a page that keeps its text layer, an image large enough to hold a table (on the page and
in pixels), with no text layer over it, on white paper (not a photo), without tall blocks of
colour (a chart's bars) and not repeated page after page (a letterhead) is rendered alone and
read by OCR. Its words become text lines at the image's place among the page's lines, so the
table readers see one page; an image whose words give no rows of values (a line chart's axis
labels, a legend) adds nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import regex

from extract import tolerances
from extract.model import Line, PageOcr, Picture, Word
from extract.wordlines import layout_lines

log = logging.getLogger("extract.ocr")

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Candidate:
    """An image of a page (0-based `index`) to read: its box in PDF points (left, bottom,
    right, top), its pixel size, and the text-layer lines of its page above it."""

    index: int
    box: Box
    pixels: tuple[int, int]
    after: int

    @property
    def dpi(self) -> int:
        """The resolution to read it at: `OCR_DPI`, or its own when denser (to a limit)."""
        width_pt = self.box[2] - self.box[0]
        own = self.pixels[0] / width_pt * 72 if width_pt > 0 else 0
        return int(min(max(own, tolerances.OCR_DPI), tolerances.OCR_PICTURE_MAX_DPI))


def candidates(page: Any, textpage: Any, index: int) -> list[Candidate]:
    """The images of a pypdfium2 page that may hold a table pasted as a picture: large enough
    (`OCR_PICTURE_MIN_*`), without text over them (`OCR_PICTURE_MAX_TEXT_CHARS`), on paper
    (`_table_like`). A rotated page is left alone."""
    import pypdfium2.raw as pdfium_c

    if page.get_rotation():
        return []
    width, height = page.get_size()
    boxes: list[tuple[Box, tuple[int, int]]] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds() if hasattr(obj, "get_bounds") else obj.get_pos()
        box = (max(left, 0.0), max(bottom, 0.0), min(right, width), min(top, height))
        px = obj.get_px_size()
        if (box[2] - box[0] >= tolerances.OCR_PICTURE_MIN_WIDTH_PT
                and box[3] - box[1] >= tolerances.OCR_PICTURE_MIN_HEIGHT_PT
                and px[0] >= tolerances.OCR_PICTURE_MIN_WIDTH_PX and px[1] >= tolerances.OCR_PICTURE_MIN_HEIGHT_PX
                and len("".join(textpage.get_text_bounded(*box).split())) <= tolerances.OCR_PICTURE_MAX_TEXT_CHARS):
            boxes.append((box, (int(px[0]), int(px[1]))))
    boxes = [(box, px) for box, px in boxes if _table_like(page, box)]  # not a photo, not a chart's bars
    if not boxes:
        return []
    tops = _line_tops(textpage)
    out = []
    for box, px in boxes:
        middle = (box[1] + box[3]) / 2
        out.append(Candidate(index, box, px, 1 + max((k for k, t in enumerate(tops) if t is not None and t > middle),
                                                      default=-1)))
    return out


def unrepeated(found: list[Candidate]) -> list[Candidate]:
    """The candidates but those drawn with the same size at the same place on
    `OCR_PICTURE_REPEATS` pages or more (page furniture)."""
    def key(c: Candidate) -> tuple[Any, ...]:
        return (c.pixels, *(round(v) for v in c.box))

    seen = Counter(key(c) for c in found)
    return [c for c in found if seen[key(c)] < tolerances.OCR_PICTURE_REPEATS]


def _line_tops(textpage: Any) -> list[float | None]:
    """The vertical centre (PDF points) of each line of a text page's text, as `ingest` splits
    it (CR, LF, CRLF), None for a line without characters."""
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():  # characters outside the BMP: no positions to trust
        return []
    tops: list[float | None] = []
    lo, hi = float("inf"), float("-inf")
    k = 0
    while k <= len(text):
        ch = text[k] if k < len(text) else "\n"
        if ch in "\r\n":
            tops.append((lo + hi) / 2 if hi >= lo else None)
            lo, hi = float("inf"), float("-inf")
            k += 2 if text[k:k + 2] == "\r\n" else 1
            continue
        if not ch.isspace():
            _, bottom, _, top = textpage.get_charbox(k)
            lo, hi = min(lo, bottom), max(hi, top)
        k += 1
    return tops


def _table_like(page: Any, box: Box) -> bool:
    """Whether a region, looked at at `OCR_PICTURE_GLANCE_DPI`, may be a table: mostly white
    paper (`OCR_PICTURE_MIN_PAPER`; a photo, a drawing on a coloured ground are not), and no
    solid block of colour or dark taller than `OCR_PICTURE_MAX_BLOCK_PT` (a bar, a pie's slice;
    a table's shaded header is one or two rows high)."""
    import numpy as np

    dpi = tolerances.OCR_PICTURE_GLANCE_DPI
    width, height = page.get_size()
    image = page.render(scale=dpi / 72, crop=(box[0], box[1], width - box[2], height - box[3])).to_pil()
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    if not rgb.size:
        return False
    grey, colour = rgb.mean(axis=2), rgb.max(axis=2) - rgb.min(axis=2)
    if ((grey >= tolerances.OCR_PICTURE_PAPER_LEVEL) & (colour < tolerances.OCR_PICTURE_COLOUR)).mean() \
            < tolerances.OCR_PICTURE_MIN_PAPER:
        return False
    ink = (grey < tolerances.OCR_PICTURE_INK_LEVEL) | (colour >= tolerances.OCR_PICTURE_COLOUR)
    side = max(round(tolerances.OCR_PICTURE_BLOCK_PT * dpi / 72), 1)  # text and rules are thinner
    return (_tallest_block(ink, side) * 72 / dpi) <= tolerances.OCR_PICTURE_MAX_BLOCK_PT


def _tallest_block(ink: Any, side: int) -> int:
    """The height in pixels of the tallest solid block of `ink` (a boolean array) at least
    `side` pixels thick every way: squares of `side` all ink (summed-area table), the longest
    column of such squares one below the other, plus the square's own height; 0 without one."""
    import numpy as np

    rows, cols = ink.shape
    if rows < side or cols < side:
        return 0
    area = np.pad(ink.astype(np.int32), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    full = (area[side:, side:] - area[:-side, side:] - area[side:, :-side] + area[:-side, :-side]) == side * side
    run = np.zeros(full.shape[1], dtype=np.int32)
    best = 0
    for row in full:
        run = (run + 1) * row
        best = max(best, int(run.max()))
    return best + side - 1 if best else 0


def _render(page: Any, box: Box, dpi: int) -> Any:
    """A region of a page (PDF points) rendered alone in grey at `dpi` (a PIL image)."""
    width, height = page.get_size()
    crop = (box[0], box[1], width - box[2], height - box[3])
    return page.render(scale=dpi / 72, crop=crop, grayscale=True).to_pil().convert("L")


_FIGURE = regex.compile(r"^[(\-$]*\d[\d.,]*%?\)?$")
_YEAR = regex.compile(r"^(?:19|20)\d\d$")
_LABEL = regex.compile(r"\p{L}{3}")


def value_rows(lines: list[str]) -> int:
    """Lines that read as a table's rows: a label (a word of three letters) and, right of it, a
    figure that is not a bare year (a chart's axis ticks stand alone or left of its legend)."""
    count = 0
    for line in lines:
        labelled = False
        for token in line.split():
            if _LABEL.search(token):
                labelled = True
            elif labelled and _FIGURE.match(token) and not _YEAR.match(token):
                count += 1
                break
    return count


def read(pdf: Any, found: list[Candidate], reader: Any, name: str) -> list[tuple[Picture, list[str], int]]:
    """Each candidate read by OCR (`reader`, an `ocr.Reader`): the picture (its words in pixels
    of the page at `OCR_DPI`), its text lines (none for a chart or a photo) and the text-layer
    lines of its page above it."""
    out = []
    for c in found:
        page = pdf[c.index]
        width, height = page.get_size()
        dpi = c.dpi
        cols, rows = (c.box[2] - c.box[0]) * dpi / 72, (c.box[3] - c.box[1]) * dpi / 72
        if cols * rows > tolerances.OCR_MAX_PAGE_PIXELS:
            log.warning("%s: page %d: a picture too large to read by OCR (%.0f million pixels); not read",
                        name, c.index + 1, cols * rows / 1e6)
            page.close()
            continue
        image = _render(page, c.box, dpi)
        page.close()
        result = reader.read(image, c.index + 1, dpi)
        lines = layout_lines(result.words)
        table = value_rows(lines) >= tolerances.OCR_PICTURE_MIN_VALUE_ROWS
        box = (c.box[0], height - c.box[3], c.box[2], height - c.box[1])
        words = [_on_page(w, box, dpi) for w in result.words]
        size = f"{box[2] - box[0]:.0f} × {box[3] - box[1]:.0f} pt"
        if table:
            log.info("%s: OCR picture on page %d (%s): %d words, a table, %.1f s", name, c.index + 1, size,
                     len(words), result.seconds)
        else:
            log.debug("%s: OCR picture on page %d (%s): no rows of values (a chart, a photo), dropped: %s", name,
                      c.index + 1, size, " | ".join(t.strip() for t in lines if t.strip())[:300])
        out.append((Picture(c.index + 1, box, words, table, result.seconds), lines if table else [], c.after))
    return out


def _on_page(w: Word, box: Box, dpi: int) -> Word:
    """A word of a picture read at `dpi`, in pixels of its whole page at `OCR_DPI`."""
    k = tolerances.OCR_DPI / 72
    s = k * 72 / dpi
    return Word(w.text, box[0] * k + w.x0 * s, box[1] * k + w.y0 * s, box[0] * k + w.x1 * s, box[1] * k + w.y1 * s,
                w.confidence)


def page_read(pictures: list[Picture]) -> PageOcr:
    """What OCR read on one page's pictures that hold tables, as a page read by OCR is told
    (its doubtful words are the anomalies of the rows read from them)."""
    words = [w for p in pictures for w in p.words]
    doubtful: dict[str, float] = {}
    for w in words:
        if w.confidence < tolerances.OCR_LOW_CONFIDENCE:
            doubtful[w.text] = min(w.confidence, doubtful.get(w.text, 100.0))
    return PageOcr(pictures[0].page, words, tolerances.OCR_DPI, 0.0, sum(p.seconds for p in pictures), doubtful)


def placed(lines: list[Line], inserts: list[tuple[int, list[Line]]]) -> list[Line]:
    """A page's text-layer lines with each picture's lines after the first `after` of them."""
    out = list(lines)
    for after, picture in sorted(inserts, key=lambda i: i[0], reverse=True):
        out[after:after] = picture
    return out
