"""Stage 2, sections: detect the report's headings and the lines each section spans.

Numbered headings (`1.`, `1.1.`, `3.1 `) must follow the document's numbering order, which
keeps numbered lists and numbers in prose (`1.977 eventos`) from being taken for headings;
unnumbered top headings come from the `sections` spec.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract import specs, tolerances
from extract.model import Line
from extract.textutil import ends_open, fold_ws, key, starts_lower

_NUMBERED = regex.compile(
    r"^\s*(?:(?i:cap[ií]tulo)\s+(?=[\dIVXL]))?"
    r"(?:(?P<num>\d{1,2}(?:\.\d{1,2})?)(?!\d)\.?(?:\s*[-–):]\s*|\s+)"
    r"|(?P<roman>[IVXL]{1,6})(?:\s*[-–.):]+\s*|\s+(?=\p{Lu}{2}))(?<=\s))"
    r"(?P<title>\p{Lu}[^\n]{2,160})$"
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass(frozen=True)
class Section:
    """A detected heading; `start`/`end` index into the document's lines (end exclusive)."""

    numero: str | None
    titulo: str
    nivel: int
    orden: int
    start: int
    end: int
    start_page: int | None
    start_line: int | None
    title_end: int  # first line after the heading's own (possibly wrapped) title

    @property
    def title_lines(self) -> range:
        return range(self.start, self.title_end)


def _title_continuation(lines: list[Line], i: int, title: str) -> tuple[str, int]:
    """The heading title joined with the lines that continue it (a blank line may intervene),
    and the index of its last line."""
    j, joined = i, 0
    while joined < tolerances.TITLE_MAX_LINES - 1:
        k = j + 1
        if k < len(lines) and not lines[k].text.strip():
            k += 1
        if k >= len(lines):
            break
        nxt = lines[k].text.strip()
        # an upper-case title wrapped at the line's end (`... POR PARTE` / `DE LAS ...`)
        upper = (title.isupper() and nxt.isupper() and len(lines[j].text.strip()) >= tolerances.TITLE_WRAPPED_LEN
                 and not _NUMBERED.match(nxt))
        if not nxt or not (ends_open(title) or starts_lower(nxt) or upper):
            break
        title, j, joined = f"{title} {nxt}", k, joined + 1
    return title, j


def _accept(num: str, state: list[int]) -> bool:
    """True when `num` continues the numbering so far (state = [top, sub]), allowing one
    skipped number (a heading the detector missed or the report skipped); updates state.
    A `n.1` whose `n.` was not seen opens section n."""
    parts = [int(p) for p in num.split(".")]
    top, sub = state
    if len(parts) == 1:
        ok = top < parts[0] <= top + 2 or (top == 0 and parts[0] >= 1)
        if ok:
            state[:] = [parts[0], 0]
        return ok
    same = parts[0] == top
    ok = (same and sub < parts[1] <= sub + 2) or (not same and top < parts[0] <= top + 2 and parts[1] == 1)
    if ok:
        state[:] = [parts[0], parts[1]]
    return ok


def detect(lines: list[Line]) -> list[Section]:
    """Every heading of the document, in order, with the line range of its section."""
    unnumbered = {key(h) for h in specs.load("sections")["unnumbered"]}
    found: list[tuple[str | None, str, int, int, int]] = []  # numero, titulo, nivel, first, last
    state = [0, 0]
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        if key(text).rstrip(" .:") in unnumbered:
            found.append((None, fold_ws(text).rstrip(" .:"), 1, i, i))
            continue
        m = _NUMBERED.match(text)
        if not m or not _looks_like_title(m["title"]):
            continue
        num = m["num"] or _arabic(m["roman"])
        if not num:
            continue
        if not _accept(num, state):
            continue
        title, last = _title_continuation(lines, i, m["title"].strip())
        found.append((num, fold_ws(title).rstrip(" :"), 1 if "." not in num else 2, i, last))
    sections = []
    for k, (numero, titulo, nivel, idx, last) in enumerate(found):
        end = found[k + 1][3] if k + 1 < len(found) else len(lines)
        line = lines[idx]
        sections.append(Section(numero, titulo, nivel, k + 1, idx, end, line.page, line.line, last + 1))
    return sections


def _arabic(roman: str) -> str | None:
    """`VI` -> `6`; None for letters that are not a well-formed Roman numeral (`IIII`, `VX`)."""
    roman = roman.upper()
    values = [_ROMAN[c] for c in roman]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return str(total) if _to_roman(total) == roman else None


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _looks_like_title(title: str) -> bool:
    """A heading title is words, not a sentence with figures or a table row."""
    words = title.split()
    digits = sum(ch.isdigit() for ch in title)
    return len(words) <= 30 and digits <= 4 and not title.rstrip().endswith(("%",))
