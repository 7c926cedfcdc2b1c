"""The text-aligned-rows reader: rebuild table rows from lines of text.

Works on the text input and on a PDF's text layer alike. A data row is a line ending in as
many values as the header has value columns; the text lines before it are its label and,
where the spec has a group column, the group label (`Con relación de / dependencia`).
Lines with a few loose numbers (chart labels printed inside the table), repeated header
rows and page numbers are skipped and kept in `RawTable.skipped`.
"""

from __future__ import annotations

import regex

from extract import tolerances
from extract.model import Line, Sink
from extract.patterns import GRAND_TOTAL, TOTAL
from extract.tables.base import RawRow, RawTable, Strategy
from extract.tables.centring import also_centred, centred_owners
from extract.tables.group_rows import group_prefix, heads_rows
from extract.tables.header import body_columns, find_header, header_like, held_out
from extract.tables.lines import phrases, split_values
from extract.tables.spec import TableSpec
from extract.textutil import CONNECTORS, ends_open, fold_ws, key, starts_lower

_PAGE_NUMBER = regex.compile(r"\d{1,3}")

class _Groups:
    """Group labels with fill-down, including a group printed in fragments beside its rows."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.open = False  # the current group is a fragment that the next fragment continues

    @property
    def current(self) -> int | None:
        return len(self.names) - 1 if self.names else None

    def start(self, name: str, fragment: bool = False) -> None:
        self.names.append(name)
        self.open = fragment and ends_open(name)

    def fragment(self, text: str) -> None:
        if self.open and self.names:
            self.names[-1] = f"{self.names[-1]} {text}"
            self.open = ends_open(self.names[-1])
        else:
            self.start(text, fragment=True)


class TextRows(Strategy):
    """Rows layout: one line of values per row, labels and group labels on the lines above."""

    name = "text-aligned-rows"
    method = "text-aligned"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        header = find_header(spec, lines)
        if header is None:
            return None
        roles = body_columns(spec, header.text, lines[header.last + 1:])
        columns = roles.columns
        if not columns:
            return None
        n = len(columns)
        n_required = sum(c.required for c in columns)
        table = RawTable(spec.dataset, spec.name, self.method, columns, [], header.text,
                         roles=roles.describe(), doubt=roles.doubt, header_at=lines[header.first].location)
        groups = _Groups()
        row_groups: list[int | None] = []
        group_at: dict[int, int] = {}  # group index -> line index where its label starts
        row_at: list[int] = []  # line index of each row's values
        pending: list[str] = []
        pending_at: list[int] = []
        prose = 0
        last_page_line = _last_lines_of_pages(lines)
        centred = not spec.group and _centred(lines[header.last + 1:], n)
        above = below = 0  # label lines of the last row above and below its values (centred labels)
        parts: list[list[str]] = []  # per row: the phrases its label and group were read from
        for idx in range(header.last + 1, len(lines)):
            line = lines[idx]
            text = line.text.strip()
            if not text:
                continue
            folded = key(text)
            if spec.ends(folded):
                break
            if header_like(text, spec) and not _continued(lines, idx):
                pending, pending_at = [], []  # the header printed again (a page break)
                continue
            if n > 1 and _PAGE_NUMBER.fullmatch(text):
                continue  # a page number between a group label and its rows keeps the label
            label, values = split_values(text, n)
            if not values:
                prose = prose + 1 if len(text) >= tolerances.PROSE_LEN else 0
                if prose >= 2:
                    break
                if (centred and below < above or _before_coded(spec, lines, idx, n)) and not pending \
                        and table.rows and not table.rows[-1].total:
                    table.rows[-1].label = f"{table.rows[-1].label} {fold_ws(text)}"
                    below += 1
                    continue
                pending.append(text)
                pending_at.append(idx)
                continue
            prose = 0
            is_total = bool(TOTAL.match(key(label))) if label else False
            complete = len(values) == n or (is_total and len(values) >= n_required)
            if not complete or not (label or pending):
                if not (idx in last_page_line and _PAGE_NUMBER.fullmatch(text)):
                    table.skipped.append(text)
                    if label:
                        table.dropped += 1
                        sink.add("tables", f"row with {len(values)} of {n} values skipped",
                                 dataset=spec.dataset, location=line.location, raw_text=text)
                pending, pending_at = [], []
                continue
            if spec.group and pending and starts_lower(pending[0]) and table.rows and not table.rows[-1].total:
                _reclaim_group(table.rows[-1], pending, groups, row_groups)
            if not spec.group and not is_total and (table.rows or not header.partial) \
                    and heads_rows(spec, pending, label):  # under a partial header: `_first_label`
                table.skipped.extend(pending)  # a group row the contract has no column for
                pending, pending_at = [], []
            known = len(groups.names)
            row = self._row(spec, label, values, pending, groups, is_total, line)
            if len(groups.names) > known:
                group_at[len(groups.names) - 1] = pending_at[0] if pending_at else idx
            row_groups.append(None if is_total else groups.current)
            parts.append([] if is_total else phrases([*pending, label]))
            row_at.append(idx)
            table.rows.append(row)
            above, below = len(pending), 0
            pending, pending_at = [], []
            if is_total and GRAND_TOTAL.match(key(label)):
                break
        if not table.rows or (header.blind and not held_out(spec, roles, [r.label for r in table.rows if not r.total])):
            return None  # a header of no spec's words: what the table holds must say it is this one
        if header.unsure:
            table.doubt = (f"the header's words are no spec's and where it ends is not sure: "
                           f"{header.unsure!r} may be header words or the first row's label")
        elif header.partial:
            _first_label(table, parts)
        if spec.group:
            if _groups_centred(table.rows, row_groups):
                row_groups = _recentred(table.rows, row_groups, row_at, group_at, lines)
            elif not table.doubt:
                table.doubt = _heading_or_centred(table.rows, row_groups, row_at, group_at)
                table.ambiguous = table.doubt is not None
            for row, g in zip(table.rows, row_groups, strict=True):
                row.group = groups.names[g] if g is not None and not row.total else None
        table.pages = sorted({r.page for r in table.rows if r.page is not None})
        return table

    @staticmethod
    def _row(spec: TableSpec, label: str, values: list[str], pending: list[str],
             groups: _Groups, is_total: bool, line: Line) -> RawRow:
        parts = phrases([*pending, label])
        if is_total or not spec.group:
            text = " ".join(parts)
        else:
            text = parts[-1]
            if len(parts) > 1:
                groups.start(" ".join(parts[:-1]))
            elif label and (cut := group_prefix(spec, text))[0]:
                groups.start(cut[0])
                text = cut[1]
            elif label and spec.label_vocabulary:
                prefix, text = _split_vocabulary(text, spec.label_vocabulary)
                if prefix:
                    groups.fragment(prefix)
        return RawRow(fold_ws(text), values, total=is_total, page=line.page, line=line.line)


_OPEN_PREFIX = regex.compile(
    rf"^(?P<group>.+?\s(?:{'|'.join(sorted(CONNECTORS))}))\s+(?P<label>\p{{Lu}}.*)$"
)


def _before_coded(spec: TableSpec, lines: list[Line], idx: int, n: int) -> bool:
    """Line `idx`, without a code, comes before a row whose label opens with its code
    (`General` / `203 Administradora de Salud`): it cannot start that label, it ends the one above."""
    code = spec.label_code.pattern if spec.label_code else None
    nxt = next((ln.text.strip() for ln in lines[idx + 1:] if ln.text.strip()), "")
    return bool(code and not code.match(lines[idx].text.strip()) and code.match(split_values(nxt, n)[0]))


def _continued(lines: list[Line], idx: int) -> bool:
    """The next line with text goes on in lowercase (`Procedimiento` / `especial 1 9.333,40`):
    line `idx` is a label's first part, whatever header word it is."""
    nxt = next((ln.text.strip() for ln in lines[idx + 1:] if ln.text.strip()), "")
    return starts_lower(nxt)


def _first_label(table: RawTable, parts: list[list[str]]) -> None:
    """Under a header that names only some of its columns, phrases read into the first row
    beyond as many as any other row has may be the header's own words for a column it does not
    name (`Importe`) or the first part of a wrapped label (`Administradora Dirección` /
    `Provincial de Loja`): which, nothing tells, so the table is doubtful."""
    extra = len(parts[0]) - max((len(p) for p in parts[1:]), default=1)
    if extra > 0 and not table.rows[0].total:
        table.doubt = (f"the header names only some columns, so where it ends is not sure: "
                       f"{' '.join(parts[0][:extra])!r} may be header words or the first row's label")


def _reclaim_group(previous: RawRow, pending: list[str], groups: _Groups, row_groups: list[int | None]) -> None:
    """A group label printed on the same line as the row beside it (`Sin relación de
    Independientes`) and continued below (`dependencia`, after a page break, say): the
    open-ended head of that row's label is the group's start, and the row is the group's."""
    m = _OPEN_PREFIX.match(previous.label)
    if not m:
        return
    previous.label = m["label"]
    pending[0] = f"{m['group']} {pending[0]}"
    groups.start(" ".join(phrases(pending[:1])))
    row_groups[-1] = groups.current
    del pending[0]


def _heading_or_centred(rows: list[RawRow], row_groups: list[int | None], row_at: list[int],
                        group_at: dict[int, int]) -> str | None:
    """Why the groups are not sure (`centring.also_centred`) when every group label is printed
    on its first row's line, as a heading or a centred label would be; else None."""
    firsts = {g: row_groups.index(g) for g in dict.fromkeys(row_groups) if g is not None}
    if not firsts or any(group_at.get(g) != row_at[i] for g, i in firsts.items()):
        return None
    labels = [(str(g), float(i), i) for g, i in firsts.items()]
    details = [i for i, r in enumerate(rows) if not r.total]
    return also_centred(labels, details, list(range(len(rows))), {i: r.page for i, r in enumerate(rows)})


def _groups_centred(rows: list[RawRow], row_groups: list[int | None]) -> bool:
    """Group labels printed centred beside their rows, on lines of their own (text read down
    the page): the first rows come before any group label."""
    first = next((g for r, g in zip(rows, row_groups, strict=True) if not r.total), 0)
    return first is None and any(g is not None for g in row_groups)


def _recentred(rows: list[RawRow], row_groups: list[int | None], row_at: list[int], group_at: dict[int, int],
               lines: list[Line]) -> list[int | None]:
    """Each row's group by the label its position is centred on (`centring.centred_owners`)."""
    details = [at for r, at in zip(rows, row_at, strict=True) if not r.total]
    labels = [(str(g), float(at), at) for g, at in sorted(group_at.items(), key=lambda kv: kv[1])]
    owner = centred_owners(details, row_at, labels, {i: ln.page for i, ln in enumerate(lines)})
    return [None if r.total or at not in owner else int(owner[at]) for r, at in zip(rows, row_at, strict=True)]


def _centred(body: list[Line], n: int) -> bool:
    """True when the table's labels are centred on their values (text extracted line by line
    down the page, `pdfplumber`): a value line without a label between a label line that ends
    mid-phrase (`Coordinación del Seguro de`) and the rest of it, or followed by a label line
    that starts in lowercase."""
    filled = [ln.text.strip() for ln in body if ln.text.strip()]
    for k in range(1, len(filled) - 1):
        label, values = split_values(filled[k], n)
        if label or len(values) != n:
            continue
        before, after = filled[k - 1], filled[k + 1]
        if split_values(before, n)[1] or split_values(after, n)[1]:
            continue
        if ends_open(before) or starts_lower(after):
            return True
    return False


def _split_vocabulary(text: str, vocabulary: tuple[str, ...]) -> tuple[str, str]:
    """`Riesgos del Incapacidad` -> (`Riesgos del`, `Incapacidad`) when the tail is a known label."""
    folded = key(text)
    if folded in vocabulary:
        return "", text
    for word in sorted(vocabulary, key=len, reverse=True):
        if folded.endswith(" " + word):
            cut = len(text) - len(word)
            return text[:cut].strip(), text[cut:].strip()
    return "", text


def _last_lines_of_pages(lines: list[Line]) -> set[int]:
    """Indexes of the last non-blank line of each page (where page numbers are printed)."""
    last: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.page is not None and line.text.strip():
            last[line.page] = i
    return set(last.values())
