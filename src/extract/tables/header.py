"""A table's header in lines of text: the first block of header-like lines that names the
spec's columns (or some of them), and the value columns below it given their roles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import regex

from extract import tolerances
from extract.model import Line
from extract.patterns import GRAND_TOTAL, TOTAL, YEAR
from extract.tables.header_words import header_key
from extract.tables.lines import VALUE, split_values
from extract.tables.roles import Roles, assign, text_hints
from extract.tables.spec import TableSpec
from extract.textutil import CONNECTORS, fold_ws, key

_WORD = regex.compile(r"[\w%]+")
_YEARISH = regex.compile(rf"^(?:{YEAR}|\d{{1,2}})$")
_YEAR = regex.compile(rf"^{YEAR}$")
_HEADING = regex.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\p{L}")
_DIGIT = regex.compile(r"\d")


class HeaderMatch:
    """Where a spec's header was found: its line span and text."""

    def __init__(self, first: int, last: int, text: str, partial: bool = False) -> None:
        self.first, self.last, self.text = first, last, text
        self.partial = partial  # its words name some of the table's columns, not all


def header_like(text: str, spec: TableSpec) -> bool:
    """A line of header words (and years), not a heading, a sentence, a data row or a label."""
    stripped = text.strip()
    if _HEADING.match(stripped) or stripped.endswith(":"):
        return False
    if any(VALUE.match(t) and not _YEAR.match(t) for t in stripped.split()):
        return False
    words = [w for w in _WORD.findall(header_key(text)) if w not in CONNECTORS]
    if not words:
        return False
    ok = sum(spec.knows(w) or bool(_YEARISH.match(w)) for w in words)
    return ok / len(words) >= tolerances.HEADER_WORD_SHARE


def _short_words(text: str) -> bool:
    """A short line without values: a header word the spec does not know (`Gasto`), kept in an
    unfinished header block."""
    tokens = text.split()
    return len(tokens) <= tolerances.HEADER_SHORT_LINE_WORDS and not any(VALUE.match(t) for t in tokens)


def find_header(spec: TableSpec, lines: list[Line],
                columnwise: Callable[[list[str]], str] | None = None) -> HeaderMatch | None:
    """The first block of header-like lines that names the spec's header words and columns;
    else the first that names some of them (a column named in words no spec knows: the values
    below it tell its role, `roles.assign`). Until the block names them, a short line of
    unknown words does not end it. With `columnwise`, the block's text is also read column by
    column (`Monto` / `acumulado` / `Dic-2024` printed on three lines is one column's name)."""
    found = _header(spec, lines, columnwise, _names_columns)
    if found is None:
        found = _header(spec, lines, columnwise, _names_some)
        if found is not None:
            found.partial = True
    return found


def _header(spec: TableSpec, lines: list[Line], columnwise: Callable[[list[str]], str] | None,
            names: Callable[[TableSpec, str], bool]) -> HeaderMatch | None:
    for i, line in enumerate(lines):
        if not line.text.strip() or not header_like(line.text, spec):
            continue
        block, last, count = [line.text], i, 1
        done = names(spec, line.text)
        kept = {i}  # lines that are header words: header-like, naming a column, or going on from one
        j = i + 1
        while j < len(lines) and count < tolerances.HEADER_MAX_LINES:
            t = lines[j].text.strip()
            if t:
                if _header_words(spec, t, last in kept):
                    kept.add(j)
                elif done or not _short_words(t):
                    break
                block.append(t)
                last, count = j, count + 1
                done = done or names(spec, " ".join(block)) or bool(
                    columnwise and names(spec, columnwise([ln.text for ln in lines[i:j + 1]])))
            j += 1
        while last > i and last not in kept:
            block.pop()  # unknown words at the end belong to the first row's label
            last -= 1
            while last > i and not lines[last].text.strip():
                last -= 1
        text = fold_ws(" ".join(block))
        if names(spec, text):
            return _with_label_header(spec, lines, HeaderMatch(i, last, text))
        if columnwise:
            text = columnwise([ln.text for ln in lines[i:last + 1]])
            if names(spec, text):
                return HeaderMatch(i, last, text)
    return None


def _header_words(spec: TableSpec, text: str, after_header: bool) -> bool:
    """A line of a header: header-like, or naming one of the spec's columns without values
    (`Variación interanual`), or going on in lowercase from a header line (`absoluta`); a group
    label (`General (IVM)`) names none."""
    if header_like(text, spec):
        return True
    if any(VALUE.match(t) and not _YEAR.match(t) for t in text.split()):
        return False
    return bool(spec.columns_from_header(text)) or (after_header and text[:1].islower() and _short_words(text))


def _with_label_header(spec: TableSpec, lines: list[Line], found: HeaderMatch) -> HeaderMatch:
    """A header whose label column is named in words the spec does not know (`Modalidad`),
    printed on a short line of its own just above: that line is the header's too (never the
    first row's label)."""
    if not spec.header_missing(header_key(found.text)):
        return found
    k = found.first - 1
    while k >= 0 and not lines[k].text.strip():
        k -= 1
    text = lines[k].text.strip() if k >= 0 else ""
    if (text and len(text.split()) <= tolerances.HEADER_SHORT_LINE_WORDS and not _DIGIT.search(text)
            and not text.endswith((":", ".")) and not _HEADING.match(text)):
        return HeaderMatch(k, found.last, f"{text} {found.text}")
    return found


def _names_columns(spec: TableSpec, text: str) -> bool:
    complete = spec.complete(spec.columns_from_header(text))
    return complete and spec.header_named(header_key(text), columns_named=True)


def _names_some(spec: TableSpec, text: str) -> bool:
    """A header that has some of its spec's header words and names a column the contract keeps."""
    some = len(spec.header_missing(header_key(text))) < len(spec.header)
    return some and any(c.keep for c in spec.columns_from_header(text))


def body_columns(spec: TableSpec, header_text: str, body: list[Line]) -> Roles:
    """The value columns' roles (`roles.assign`) from the first value lines below the header:
    as many columns as those lines most often have values, the header's words as evidence."""
    rows: list[list[str]] = []
    for line in body:
        if spec.ends(key(line.text.strip())):
            break
        label, values = split_values(line.text, tolerances.MAX_VALUE_COLUMNS)
        if label and GRAND_TOTAL.match(key(label)):
            break
        if values and not (label and TOTAL.match(key(label))):
            rows.append(values)
        if len(rows) >= tolerances.BODY_SAMPLE_ROWS:
            break
    counts = Counter(len(r) for r in rows if len(r) >= 2) or Counter(len(r) for r in rows)
    if not counts:
        return assign(spec, [], text_hints(spec, header_text, 0))
    width = max(counts, key=lambda n: (counts[n], n))
    sample = [r for r in rows if len(r) == width]
    return assign(spec, sample, text_hints(spec, header_text, width))
