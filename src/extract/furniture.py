"""Page furniture: running headers and footers and page numbers, which belong to no table
and no sentence."""

from __future__ import annotations

import regex

from extract import tolerances
from extract.model import Line
from extract.textutil import key

PAGE_NUMBER = regex.compile(r"\d{1,3}")


def running_lines(lines: list[Line], min_pages: int = 3) -> set[int]:
    """Indexes of running headers and footers: the first or last line of a page whose text
    (digits aside, so `Página 3 de 17` counts) starts or ends at least `min_pages` pages."""
    edges: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.page is not None and line.text.strip():
            edges.setdefault(line.page, []).append(i)
    if len(edges) < min_pages:
        return set()
    shape = {i: _DIGITS.sub("#", key(lines[i].text)) for idx in edges.values() for i in (idx[0], idx[-1])}
    counts: dict[str, int] = {}
    for text in shape.values():
        counts[text] = counts.get(text, 0) + 1
    return {i for i, text in shape.items() if counts[text] >= min_pages and text != "#"}


_PAGE_LINE = regex.compile(r"(?:p[aá]g(?:ina)?\.?\s*)?(\d{1,3})(?:\s*(?:de|/)\s*\d{1,3})?", regex.IGNORECASE)
_DIGITS = regex.compile(r"\d+")


def counted_pages(lines: list[Line]) -> set[int]:
    """Indexes of page-number lines in a text without page marks (pages joined by a newline):
    lines holding only a number (`7`, `Pág. 7`) that count up one by one through the text."""
    chain: dict[int, list[int]] = {}  # page number -> longest run of line indexes ending there
    for i, line in enumerate(lines):
        m = _PAGE_LINE.fullmatch(line.text.strip()) if line.page is None else None
        if m:
            n = int(m[1])
            run = [*chain.get(n - 1, []), i]
            if len(run) > len(chain.get(n, [])):
                chain[n] = run
    best = max(chain.values(), key=len, default=[])
    return set(best) if len(best) >= tolerances.MIN_PAGE_RUN else set()


def furniture(lines: list[Line]) -> set[int]:
    """Indexes of running headers and footers, and of page numbers at the foot of a page (or,
    in a text without page marks, counting up through it)."""
    last: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.page is not None and line.text.strip():
            last[line.page] = i
    numbers = {i for i in last.values() if PAGE_NUMBER.fullmatch(lines[i].text.strip())}
    return running_lines(lines) | numbers | counted_pages(lines)
