"""OCR of PDF pages without a usable text layer: words with their boxes and confidence.

The engine is Tesseract through `tesserocr` (the `ocr` extra: its wheel carries the Tesseract
library) with the Spanish model shipped in `extract/tessdata/`, so OCR needs no system package
and downloads nothing. A page is rendered at `tolerances.OCR_DPI`, straightened by the skew
Tesseract's layout analysis finds, and read as sparse text (every word wherever it stands,
tables included); `wordlines.layout_lines` then lays the words out as text lines.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

from extract import tolerances
from extract.model import PageOcr, Word

LANGUAGE = "spa"
INSTALL_HINT = "install the `ocr` extra: pip install 'iess-extract[ocr]' (or '.[ocr]' in a checkout)"


def unavailable() -> str | None:
    """Why OCR cannot run here (the `ocr` extra is not installed), or None when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return f"OCR is not installed; {INSTALL_HINT}"
    return None


def _tessdata() -> str:
    return str(resources.files("extract") / "tessdata") + "/"


class Reader:
    """Tesseract instances, reused for every page of a report (loading the model costs ~0.2 s):
    one reads the page as sparse text, one finds its layout (for the skew), one reads a
    single line (a cell the page pass missed or doubted)."""

    def __init__(self) -> None:
        from tesserocr import PSM, PyTessBaseAPI

        self._page = PyTessBaseAPI(path=_tessdata(), lang=LANGUAGE, psm=PSM.SPARSE_TEXT)
        self._layout = PyTessBaseAPI(path=_tessdata(), lang=LANGUAGE, psm=PSM.AUTO_ONLY)
        self._cell = PyTessBaseAPI(path=_tessdata(), lang=LANGUAGE, psm=PSM.SINGLE_LINE)
        self._digits = PyTessBaseAPI(path=_tessdata(), lang=LANGUAGE, psm=PSM.SINGLE_LINE)
        self._digits.SetVariable("tessedit_char_whitelist", "0123456789.,%-")

    def close(self) -> None:
        for api in (self._page, self._layout, self._cell, self._digits):
            api.End()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, image: Any, page: int, dpi: int) -> PageOcr:
        """The words of one page image (a PIL image): straightened when skewed, its ruling
        lines taken out, read as sparse text; then the ink no word covers (a lone `1` in a
        table cell, which sparse reading drops) and doubtful short words are read again as
        single lines."""
        import time

        start = time.perf_counter()
        skew = self._skew(image)
        image = straightened(image, skew)
        clean = without_rules(image, dpi)
        words = _words(self._page, clean)
        words = self._second_look(clean, words)
        doubtful = {w.text: w.confidence for w in words if w.confidence < tolerances.OCR_LOW_CONFIDENCE}
        return PageOcr(page, words, dpi, skew, time.perf_counter() - start, doubtful)

    def _second_look(self, image: Any, words: list[Word]) -> list[Word]:
        """`words` with the page's uncovered ink read, and doubtful short words read again,
        as single lines; a new reading replaces a word only when more confident."""
        out = [self._again(image, w) if self._doubtful_short(w) else w for w in words]
        for box in _uncovered(image, out):
            w = self._line(self._cell, image, box)
            if w is None or self._doubtful_short(w):
                w = self._again(image, w or Word("", *box, 0.0))
            if not w.text:
                continue
            k = _claimed_by(w, out)
            if k is None:
                out.append(w)
            else:  # the neighbour's text already holds this ink (`A` beside `ALOS`): its box
                n = out[k]  # left it out, so its reading is in doubt
                out[k] = Word(n.text, n.x0, n.y0, n.x1, n.y1, min(n.confidence, tolerances.OCR_LOW_CONFIDENCE - 1))
        return out

    @staticmethod
    def _doubtful_short(w: Word) -> bool:
        return w.confidence < tolerances.OCR_LOW_CONFIDENCE and len(w.text) <= tolerances.OCR_SHORT_WORD

    def _again(self, image: Any, w: Word) -> Word:
        """A doubtful short word read again: as a line, then as digits only (a lone `1` read
        `de`), kept when the new reading is more confident."""
        box = (w.x0, w.y0, w.x1, w.y1)
        again = self._line(self._cell, image, box)
        if again and again.confidence > w.confidence:
            w = again
        if w.confidence < tolerances.OCR_LOW_CONFIDENCE:
            digits = self._line(self._digits, image, box)
            if digits and digits.confidence >= tolerances.OCR_DIGITS_CONFIDENCE:
                return digits
        return w

    @staticmethod
    def _line(api: Any, image: Any, box: tuple[float, float, float, float]) -> Word | None:
        """The text in one box of the page, read as a single line by `api`: the box is cut a
        few ways (`tolerances.OCR_CELL_CROPS`; a lone digit's reading changes with its white
        border) and the most confident reading wins."""
        from PIL import ImageOps

        x0, y0, x1, y1 = box
        best: Word | None = None
        for margin, border in tolerances.OCR_CELL_CROPS:
            crop = image.crop((int(x0) - margin, int(y0) - margin, int(x1) + margin, int(y1) + margin))
            api.SetImage(ImageOps.expand(crop, border=border, fill=255))
            text = fold_spaces(api.GetUTF8Text() or "")
            if not text or len(text.split()) > tolerances.OCR_SHORT_WORD:
                continue
            word = Word(text, x0, y0, x1, y1, float(api.MeanTextConf()))
            if best is None or word.confidence > best.confidence:
                best = word
        return best

    def _skew(self, image: Any) -> float:
        """The page's skew in degrees (positive: text rising to the right), from the slope of
        its text lines' baselines."""
        from tesserocr import RIL

        self._layout.SetImage(image)
        it = self._layout.AnalyseLayout()
        slopes: list[tuple[float, float]] = []
        while it is not None:
            base = it.Baseline(RIL.TEXTLINE)
            if base:
                (x1, y1), (x2, y2) = base
                if x2 - x1 > tolerances.OCR_SKEW_MIN_LINE_PX:
                    slopes.append((math.degrees(math.atan2(y1 - y2, x2 - x1)), x2 - x1))
            if not it.Next(RIL.TEXTLINE):
                break
        if not slopes:
            return 0.0
        slopes.sort()
        half, acc = sum(w for _, w in slopes) / 2, 0.0
        for angle, width in slopes:  # the length-weighted median
            acc += width
            if acc >= half:
                return angle
        return 0.0


def straightened(image: Any, skew: float) -> Any:
    """The page image turned back by its skew (unchanged below `OCR_MIN_SKEW_DEGREES`); word
    boxes are in this image's pixels."""
    from PIL import Image

    if abs(skew) < tolerances.OCR_MIN_SKEW_DEGREES:
        return image
    return image.rotate(-skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _claimed_by(w: Word, words: list[Word]) -> int | None:
    """The word beside `w` on its line (within one word height) whose text already begins
    (right of `w`) or ends (left of it) with `w`'s text, if any."""
    height = w.y1 - w.y0
    for k, n in enumerate(words):
        if min(n.y1, w.y1) - max(n.y0, w.y0) <= 0:
            continue
        if 0 <= n.x0 - w.x1 <= height and n.text.startswith(w.text) and len(n.text) > len(w.text):
            return k
        if 0 <= w.x0 - n.x1 <= height and n.text.endswith(w.text) and len(n.text) > len(w.text):
            return k
    return None


def fold_spaces(text: str) -> str:
    return " ".join(text.split())


def _words(api: Any, image: Any) -> list[Word]:
    from tesserocr import RIL

    api.SetImage(image)
    api.Recognize()
    words: list[Word] = []
    it = api.GetIterator()
    while it is not None:
        try:
            text = it.GetUTF8Text(RIL.WORD)
        except RuntimeError:  # "No text returned": a page without words (a blank image)
            text = ""
        if text.strip():
            x0, y0, x1, y1 = it.BoundingBox(RIL.WORD)
            words.append(Word(text.strip(), x0, y0, x1, y1, it.Confidence(RIL.WORD)))
        if not it.Next(RIL.WORD):
            break
    return words


def _uncovered(image: Any, words: list[Word]) -> list[tuple[float, float, float, float]]:
    """Boxes of ink that no word covers and that are the size of text (a digit the sparse
    reading dropped), neighbours on one line joined."""
    import cv2
    import numpy as np

    if not words:
        return []
    ink = (np.asarray(image.convert("L")) < tolerances.OCR_INK_LEVEL).astype(np.uint8)
    pad = tolerances.OCR_WORD_PAD
    for w in words:
        ink[max(int(w.y0) - pad, 0):int(w.y1) + pad, max(int(w.x0) - pad, 0):int(w.x1) + pad] = 0
    height = sorted(w.y1 - w.y0 for w in words)[len(words) // 2]
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = sorted(
        (float(x), float(y), float(x + bw), float(y + bh))
        for x, y, bw, bh, area in stats[1:n]
        if tolerances.OCR_BLOB_MIN_HEIGHT * height <= bh <= tolerances.OCR_BLOB_MAX_HEIGHT * height
        and area >= tolerances.OCR_BLOB_MIN_AREA
    )
    boxes: list[list[float]] = []
    for x0, y0, x1, y1 in blobs:
        for b in boxes:
            if x0 - b[2] <= height and min(y1, b[3]) - max(y0, b[1]) > 0:
                b[:] = [min(b[0], x0), min(b[1], y0), max(b[2], x1), max(b[3], y1)]
                break
        else:
            boxes.append([x0, y0, x1, y1])
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def without_rules(image: Any, dpi: int) -> Any:
    """The page image with a table's ruling lines whitened: a rule beside a digit is read as
    `1` or `|` (`2|`, `1)`). A rule is a straight run of ink longer than
    `tolerances.OCR_RULE_INCHES`, vertical or horizontal (no letter or digit is that long),
    whitened with its grey edge."""
    import cv2
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L"))
    ink = (pixels < tolerances.OCR_RULE_LEVEL).astype(np.uint8)
    length = max(int(tolerances.OCR_RULE_INCHES * dpi), 2)
    rules = cv2.bitwise_or(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)),
                           cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)))
    if not rules.any():
        return image
    halo = 2 * tolerances.OCR_RULE_HALO + 1
    rules = cv2.dilate(rules, np.ones((halo, halo), np.uint8))
    return Image.fromarray(np.where(rules > 0, 255, pixels).astype(np.uint8))
