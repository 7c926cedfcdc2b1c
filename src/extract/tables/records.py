"""Records printed side by side: a records table whose cells an extractor gives line by line
across the columns (`pdftotext -layout`, pdfplumber's `extract_text()`).

Each text line carries a fragment of several cells: the control body's name (`CONTRALORÍA` /
`GENERAL DEL ESTADO`), the examination text, the compliance document and the count
(`Rec. N`). The short cells (name, document, count) are centred on their row, and the
examination text runs through the whole row, so rows are cut where the centring says: a row
wholly on a page is centred on its short cells; the row a page break cuts starts at them, and
the lines at the top of the next page, before the first centred row, continue it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from extract import tolerances
from extract.model import Line, Sink
from extract.tables.base import RawRow, RawTable, Strategy
from extract.tables.broken_words import mended_name
from extract.tables.header_words import header_key
from extract.tables.spec import Column, Records, TableSpec
from extract.textutil import CONNECTORS, fold_ws, key

_WORD = regex.compile(r"[\w%]+")
_DATE = regex.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")
_CODE = regex.compile(r"\S*\d\S*")  # a document number or date: `DZ-2025-0131-M`, `03/02/2025`
_PAGE_NUMBER = regex.compile(r"\d{1,3}")
#: A document's code, its code's first part (`IESS-`) or `del`: its date still to come.
_DATE_DUE = regex.compile(r"(?:\bdel?|\S*\d\S*|\S+-)$", regex.IGNORECASE)


@dataclass
class _Parts:
    """One line cut into its cells' fragments."""

    name: str = ""
    text: str = ""
    document: str = ""
    count: str | None = None

    @property
    def short(self) -> bool:
        return bool(self.name or self.document or self.count)


@dataclass
class _Row:
    parts: list[_Parts] = field(default_factory=list)
    first: Line | None = None


class SideBySideRecords(Strategy):
    """Records whose cells are printed side by side, line by line (see the module)."""

    name = "text-aligned-side-by-side"
    method = "text-aligned"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        records = spec.records
        if records is None or records.document.start is None:
            return None
        start = _header(spec, lines)
        if start is None:
            return None
        first, last = start
        pieces = _fragments(spec, lines[last + 1:])
        cut = _Cutter(records)
        parsed = [[(ln, cut.parts(ln.text)) for ln in piece] for piece in pieces]
        if not any(p.count is not None and (p.text or p.document) for piece in parsed for _, p in piece):
            return None  # not side by side: a cell per line (`TextRecords`)
        rows = _rows(parsed)
        table = RawTable(spec.dataset, spec.name, self.method, [Column(records.count.field, "count", True, True)],
                         [], fold_ws(" ".join(ln.text for ln in lines[first:last + 1])))
        for row in rows:
            counts = [p.count for p in row.parts if p.count is not None]
            name = mended_name(fold_ws(" ".join(p.name for p in row.parts)), records.record_start)
            assert row.first is not None
            if len(counts) != 1 or not name:
                sink.add("tables", f"recommendation row with {len(counts)} counts and name {name!r} left out",
                         dataset=spec.dataset, location=row.first.location,
                         raw_text=fold_ws(" ".join(p.text for p in row.parts))[:200])
                continue
            document = ""
            for p in row.parts:
                if p.document:
                    document += p.document if document.endswith("-") or not document else f" {p.document}"
            table.rows.append(RawRow(
                name, counts, page=row.first.page, line=row.first.line,
                fields={records.text_field: fold_ws(" ".join(p.text for p in row.parts)) or None,
                        records.document.field: document or None}))
        table.pages = sorted({r.page for r in table.rows if r.page is not None})
        return table if table.rows else None


def _header_line(spec: TableSpec, text: str) -> bool:
    """A line that may be of the records header: most words listed header words (not stems:
    `CONTRALORÍA` is not `control`; one misread word, `YIO` for `Y/O`, is allowed)."""
    words = [w for w in _WORD.findall(header_key(text)) if w not in CONNECTORS]
    known = sum(w in spec.header_words for w in words)
    return bool(words) and known / len(words) >= tolerances.HEADER_WORD_SHARE


def _header_run(spec: TableSpec, lines: list[Line], i: int) -> int | None:
    """The last line of the header starting at line `i`: a run of header lines (blank lines
    between) that names the spec's header; None when there is none."""
    if not _header_line(spec, lines[i].text):
        return None
    j = i
    while j + 1 < len(lines) and j + 1 - i < tolerances.RECORD_HEADER_LINES and (
            _header_line(spec, lines[j + 1].text) or not lines[j + 1].text.strip()
            or _completes(spec, lines[i:j + 1], lines[j + 1].text)):
        j += 1
    while j > i and not lines[j].text.strip():
        j -= 1
    if spec.header_missing(header_key(" ".join(ln.text for ln in lines[i:j + 1]))):
        return None
    return j


def _completes(spec: TableSpec, head: list[Line], text: str) -> bool:
    """True when every word of `text` ends a header word begun in the lines above
    (`recomendacio` / `nes`: a narrow header cell broke the word)."""
    begun = set(_WORD.findall(header_key(" ".join(ln.text for ln in head))))
    words = _WORD.findall(header_key(text))
    return bool(words) and all(any(w.endswith(rest) and w[:-len(rest)] in begun for w in spec.header_words)
                               for rest in words)


def _header(spec: TableSpec, lines: list[Line]) -> tuple[int, int] | None:
    """First and last line of the first header of the table."""
    for i in range(len(lines)):
        last = _header_run(spec, lines, i)
        if last is not None:
            return i, last
    return None


def _fragments(spec: TableSpec, lines: list[Line]) -> list[list[Line]]:
    """The table's lines cut at page breaks (a repeated header, a page number, a new page),
    up to its end."""
    pieces: list[list[Line]] = [[]]
    i = 0
    while i < len(lines):
        line, text = lines[i], lines[i].text.strip()
        i += 1
        if not text:
            continue
        if spec.ends(key(text)):
            break
        repeated = _header_run(spec, lines, i - 1)
        if repeated is not None or _PAGE_NUMBER.fullmatch(text) or (
                pieces[-1] and line.page != pieces[-1][-1].page):
            if pieces[-1]:
                pieces.append([])
            if repeated is not None:
                i = repeated + 1
                continue
            if _PAGE_NUMBER.fullmatch(text):
                continue
        pieces[-1].append(line)
    return [p for p in pieces if p]


class _Cutter:
    """Cuts lines into cell fragments, remembering a name or document still being printed."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.count_end = regex.compile(rf"(?:^|\s)(?:{records.count.pattern.pattern})\s*$", regex.IGNORECASE)
        self.name_rest: list[str] = []  # words of a body's name still to come
        self.name_wait = 0
        self.in_document = False

    def parts(self, text: str) -> _Parts:
        out = _Parts()
        text = fold_ws(text)
        m = self.count_end.search(text)
        if m and (m["rec"] or _DATE.search(text[:m.start()])
                  or (len(m["n"]) <= tolerances.RECORD_BARE_COUNT_DIGITS and self._after_document(text[:m.start()]))):
            out.count, text = m["n"], text[:m.start()].rstrip()
        text = self._name(text, out)
        text = self._document(text, out)
        out.text = text.strip()
        return out

    def _after_document(self, before: str) -> bool:
        """True when a bare number ends a line where a document's date was due (`… DPT-2024-
        2627-M del 4`, the date on the next line): the number is the count, not the date."""
        start = self.records.document.start
        printing = self.in_document or (start is not None and start.search(before) is not None)
        return printing and _DATE_DUE.search(before) is not None

    def _name(self, text: str, out: _Parts) -> str:
        words = text.split()
        folded = [key(w) for w in words]
        if self.name_rest:
            n = _common_prefix(self.name_rest, folded)
            if n:
                out.name, self.name_rest = " ".join(words[:n]), self.name_rest[n:]
                return " ".join(words[n:])
            self.name_wait -= 1
            if self.name_wait <= 0:
                self.name_rest = []
            return text
        for phrase in self.records.record_start:
            p = phrase.split()
            n = _common_prefix(p, folded)
            if not n and folded and len(folded[0]) >= tolerances.RECORD_NAME_CUT and p[0].startswith(folded[0]):
                p, n = [folded[0], p[0][len(folded[0]):], *p[1:]], 1  # `SUPERINTENDEN` / `CIA DE BANCOS`
            if n:
                out.name, self.name_rest, self.name_wait = " ".join(words[:n]), p[n:], tolerances.RECORD_NAME_LOOKAHEAD
                return " ".join(words[n:])
        return text

    def _document(self, text: str, out: _Parts) -> str:
        start = self.records.document.start
        assert start is not None
        m = start.search(text)
        if m:
            out.document, text = text[m.start():], text[:m.start()]
            self.in_document = not _DATE.search(out.document)
            return text
        if not self.in_document:
            return text
        words = text.split()
        k = len(words)
        while k > 0 and (_CODE.fullmatch(words[k - 1]) or key(words[k - 1]) in ("de", "del")):
            k -= 1
        tail = words[k:]
        while tail and not _CODE.fullmatch(tail[0]):
            tail.pop(0)
        if not tail:
            return text
        out.document = " ".join(tail)
        self.in_document = not _DATE.search(out.document)
        return " ".join(words[:len(words) - len(tail)])


def _common_prefix(phrase: list[str], words: list[str]) -> int:
    """Words of `phrase` that begin `words` (all of the phrase or all of the line's words)."""
    n = 0
    while n < len(phrase) and n < len(words) and phrase[n] == words[n]:
        n += 1
    return n


def _rows(pieces: list[list[tuple[Line, _Parts]]]) -> list[_Row]:
    """The rows of the table, each row's lines from one or more pages (see the module)."""
    cuts: list[list[tuple[int, int]]] = [[] for _ in pieces]  # per piece: (first, last) of each row
    continued = False  # the next piece starts with the end of a row cut by the page break
    for f in range(len(pieces) - 1, -1, -1):
        clusters = _clusters([p.short for _, p in pieces[f]])
        end = len(pieces[f]) - 1
        spans: list[tuple[int, int]] = []
        for i in range(len(clusters) - 1, -1, -1):
            top, bottom = clusters[i]
            start = top if (i == len(clusters) - 1 and continued) else top + bottom - end
            floor = clusters[i - 1][1] + 1 if i else 0
            start = max(min(start, top), floor)
            spans.insert(0, (start, end))
            end = start - 1
        cuts[f] = spans
        continued = not spans or spans[0][0] > 0
    rows: list[_Row] = []
    lead: list[_Parts] = []  # lines above the first row (none when the centring holds)
    for f, piece in enumerate(pieces):
        head = cuts[f][0][0] if cuts[f] else len(piece)
        if rows:
            rows[-1].parts.extend(p for _, p in piece[:head])
        else:
            lead.extend(p for _, p in piece[:head])
        for first, last in cuts[f]:
            rows.append(_Row([*lead, *(p for _, p in piece[first:last + 1])], piece[first][0]))
            lead = []
    return rows


def _clusters(short: list[bool]) -> list[tuple[int, int]]:
    """Runs of lines with short cells (a row's name, document and count), as (first, last)."""
    out: list[tuple[int, int]] = []
    for i, s in enumerate(short):
        if not s:
            continue
        if out and i - out[-1][1] <= tolerances.RECORD_CLUSTER_GAP:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out
