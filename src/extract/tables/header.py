"""A table's header in lines of text: the first block of header-like lines that names the
spec's columns (or some of them), and the value columns below it given their roles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache

import regex

from extract import tolerances
from extract.model import Line
from extract.patterns import GRAND_TOTAL, TOTAL, YEAR
from extract.tables.group_rows import labels_known
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
_GUTTER = regex.compile(r"\S {2,}\S")  # cells of a laid-out line stand apart
_MARK = regex.compile(rf"%|\$|\b(?:usd|dolares|miles|millones|{YEAR})\b")  # a header's own: a year, a unit


class HeaderMatch:
    """Where a spec's header was found: its line span and text."""

    def __init__(self, first: int, last: int, text: str, partial: bool = False, blind: bool = False,
                 unsure: str | None = None) -> None:
        self.first, self.last, self.text = first, last, text
        self.partial = partial  # its words name some of the table's columns, not all
        self.blind = blind  # its words name none: the block of short lines above the first rows
        self.unsure = unsure  # lines below a blind header that may be its words or the first row's label


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
    below it tell its role, `roles.assign`); else the short lines without values just above
    the first rows of values (`blind`: a header of words no spec knows, the table to be read
    only where what it holds says it is the spec's, `held_out`). Until the block names them, a
    short line of unknown words does not end it. With `columnwise`, the block's text is also
    read column by column (`Monto` / `acumulado` / `Dic-2024` on three lines is one column's
    name)."""
    found = _header(spec, lines, columnwise, _names_columns)
    if found is None:
        found = _header(spec, lines, columnwise, _names_some)
        if found is not None:
            found.partial = True
    return found or _blind(spec, lines)


def blind(spec: TableSpec, text: str) -> bool:
    """A header that has none of its spec's header words and names no column the contract keeps."""
    return not _names_some(spec, text) and len(spec.header_missing(header_key(text))) == len(spec.header)


def held_out(spec: TableSpec, roles: Roles, labels: list[str]) -> bool:
    """What a table holds says it is the spec's, whatever its header: the spec's checks of
    equality hold on `tolerances.BLIND_MIN_EQUATIONS` rows, or most of its `labels` are its
    label column's categories (`group_rows.labels_known`) and every value column is one the
    spec holds (none to take for another)."""
    best = roles.best
    return best is not None and (best.equations >= tolerances.BLIND_MIN_EQUATIONS
                                 or (None not in best.slots and labels_known(spec, labels)))


def _blind(spec: TableSpec, lines: list[Line]) -> HeaderMatch | None:
    """The block of lines without values just above the first of `tolerances.MIN_VALUE_LINES`
    lines ending in two values or more, or above that row's coded label (`201 Administradora`;
    a heading, a sentence, a line ending in `:` or another label above it ends the block), to
    its last line with a year, a unit or a percent sign; lines below that one may be header
    words or the first row's label (`unsure`). None without such a line."""
    first = _first_rows(lines)
    block: list[int] = []
    for k in range(first - 1 if first is not None else -1, -1, -1):
        t = lines[k].text.strip()
        if not t:
            continue
        if not block and spec.label_code is not None and spec.label_code.pattern.match(t):
            continue  # the first row's coded label, printed above its values
        if len(block) >= tolerances.HEADER_MAX_LINES or not _header_line(spec, t):
            break
        block.insert(0, k)
    marked = [k for k in block if _MARK.search(header_key(lines[k].text))]
    if not marked:
        return None
    head, rest = [k for k in block if k <= marked[-1]], [k for k in block if k > marked[-1]]
    return HeaderMatch(head[0], head[-1], fold_ws(" ".join(lines[k].text for k in head)), partial=True, blind=True,
                       unsure=fold_ws(" ".join(lines[k].text for k in rest)) or None)


def _header_line(spec: TableSpec, text: str) -> bool:
    """A line a header of unknown words may have: no heading, no line ending in `:`, no value
    but years, no coded label, and no sentence (a long line, or one ending in a period, unless
    its cells stand apart: `Quursian (USD)   % Rondelcia zeimquipla.`)."""
    apart = bool(_GUTTER.search(text))
    return not (_HEADING.match(text) or text.endswith(":")
                or any(VALUE.match(w) and not _YEAR.match(w) for w in text.split())
                or (spec.label_code is not None and spec.label_code.pattern.match(text))
                or (not apart and (len(text) >= tolerances.PROSE_LEN or text.endswith("."))))


def _first_rows(lines: list[Line]) -> int | None:
    """The first line ending in two values or more that `tolerances.MIN_VALUE_LINES` such lines
    begin, among the next lines with text."""
    rows = [i for i, ln in enumerate(lines) if ln.text.strip()]
    valued = {i for i in rows if _row_of_values(lines[i].text)}
    for n, i in enumerate(rows):
        if i in valued and sum(j in valued for j in rows[n:n + 2 * tolerances.MIN_VALUE_LINES]) >= \
                tolerances.MIN_VALUE_LINES:
            return i
    return None


@lru_cache(maxsize=1 << 16)
def _row_of_values(text: str) -> bool:
    return len(split_values(text, tolerances.MAX_VALUE_COLUMNS)[1]) >= 2


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
