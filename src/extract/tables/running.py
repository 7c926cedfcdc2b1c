"""Records read from running text: a records table (`Rec. N` counts, long wrapped cells) whose
cells come one after another, each row starting with a control body's name."""

from __future__ import annotations

import regex

from extract.model import Line, Sink
from extract.tables.base import RawRow, RawTable, Strategy
from extract.tables.broken_words import broken_words, mend
from extract.tables.header_words import participles
from extract.tables.spec import Column, TableSpec
from extract.textutil import fold_same_length, fold_ws, key


def _fold_header(text: str) -> regex.Pattern | None:
    """A pattern for the header text printed again where the table continues on a new page."""
    words = text.split()
    return regex.compile(r"\s+".join(map(regex.escape, words)), regex.IGNORECASE) if words else None


def _drop_repeats(body: str, repeated: regex.Pattern | None) -> str:
    if repeated is None:
        return body
    folded = fold_same_length(body)
    for m in reversed(list(repeated.finditer(folded))):
        body = body[: m.start()] + " " + body[m.end():]
    return body


class TextRecords(Strategy):
    """Records layout: long wrapped cells, each row starting with a control body's name.

    Text between the examination title and its document that lands after the row's last
    cell (a cell continued on the next page) is put back into the examination text.
    """

    name = "text-aligned-records"
    method = "text-aligned"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        records = spec.records
        assert records is not None
        joined, owners = "", []
        for i, line in enumerate(lines):  # page furniture is already left out
            text = line.text.strip()
            if not text:
                continue
            if joined and spec.ends(key(text)):
                break
            sep = "" if joined.endswith("-") or not joined else " "
            joined += sep + text
            owners.extend([i] * (len(sep) + len(text)))
        folded = fold_same_length(joined)
        head = participles(spec.header[0]).search(folded)  # compiled once, as every header pattern
        if head is None:
            return None
        starts = sorted(
            (m.start(), m.end(), p)
            for p in records.record_start
            for m in broken_words(p).finditer(folded, pos=head.end())
        )
        if not starts:
            return None
        repeated = _fold_header(folded[head.start():starts[0][0]])
        doc_re, count_re = records.document.pattern, records.count.pattern
        table = RawTable(spec.dataset, spec.name, self.method, [], [],
                         fold_ws(joined[head.start():starts[0][0]]))
        table.columns = [Column(records.count.field, "count", True, True)]
        for k, (s, e, phrase) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(joined)
            body = _drop_repeats(joined[e:end], repeated)
            doc = doc_re.search(body)
            cnt = next((c for c in count_re.finditer(body, doc.end() if doc else 0) if doc or c["rec"]), None)
            line = lines[owners[s]]
            if cnt is None:
                sink.add("tables", "recommendation row without a count", dataset=spec.dataset,
                         location=line.location, raw_text=fold_ws(joined[s:end])[:200])
                continue
            parts = [body[: doc.start() if doc else cnt.start()], body[cnt.end():]]
            examen = fold_ws(" ".join(parts)) or None
            table.rows.append(RawRow(
                mend(joined[s:e], phrase), [cnt["n"]], page=line.page, line=line.line,
                fields={records.text_field: examen,
                        records.document.field: fold_ws(doc.group(0)) if doc else None},
            ))
        table.pages = sorted({r.page for r in table.rows if r.page is not None})
        return table if table.rows else None
