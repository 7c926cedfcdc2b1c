"""Stage 4, normalise: raw table cells to exact typed values in the contract's tidy shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from extract.model import Document, Sink
from extract.numbers import Convention, NumberError, cell_value, column_convention, grouping
from extract.tables.base import RawRow, RawTable
from extract.tables.spec import FISCAL_YEAR, Column, LabelCode, TableSpec
from extract.tables.units import scale

_CENT = Decimal("0.01")

Record = dict[str, Any]


def value(raw: str, kind: str, convention: Convention | None = None) -> int | Decimal | None:
    """A cell as a count (int) or an exact Decimal; a lone dash is zero, `s/d` None.
    Raises NumberError."""
    number = cell_value(raw, convention)
    if number is None:
        return None
    if kind == "count":
        if number != number.to_integral_value():
            raise NumberError(raw, "a count with a fractional part")
        return int(number)
    return number.quantize(_CENT)


def _convention(cells: list[str], col: Column, table_convention: Convention | None) -> Convention | None:
    """A column's convention: its own cells', else, for a count, the one its lone separators
    group thousands in (`1.700` is a count's 1700 in a table of Spanish or unsettled figures: a
    count has no decimals), else the table's."""
    own = column_convention(cells, None)
    if own or col.kind != "count":
        return own or table_convention
    return grouping(cells) or table_convention


def _provenance(doc: Document, row: RawRow, method: str) -> Record:
    return {"source_file": doc.source_file, "source_page": row.page, "source_line": row.line,
            "extraction_method": method}


def normalise(doc: Document, spec: TableSpec, table: RawTable, sink: Sink) -> tuple[list[Record], list[Record]]:
    """Detail records of the dataset and the reported (sub)totals, both tidy.

    Two transient keys, which the writer drops, serve validation: `_seq`, the row's place in
    the table (a subtotal covers the rows since the previous one), and `_derived`, the
    printed values of columns the contract does not keep (variación, % participación).
    """
    details: list[Record] = []
    totals: list[Record] = []
    # a table is printed in one convention: its other columns settle a column that does not
    table_convention = column_convention((v for r in table.rows for v in r.values), doc.convention)
    conventions = [_convention([r.values[i] for r in table.rows if i < len(r.values)], col, table_convention)
                   for i, col in enumerate(table.columns)]
    factor = scale(table.unit)
    for seq, row in enumerate(table.rows):
        cells = [(c, v * factor if c.kind == "money" and v is not None else v)
                 for c, v in _read_cells(spec, table.columns, conventions, row, sink)]
        prov = _provenance(doc, row, "ocr" if row.page in doc.ocr else table.method)
        if row.page in doc.ocr:
            _ocr_doubts(doc, spec, row, {row.page, *table.pages}, sink)
        if row.total:
            totals.extend(
                {"report_id": doc.report_id, "dataset": spec.dataset, "etiqueta": row.label,
                 "medida": col.field, "anio": _year(doc, col.year), "estado": col.span, "valor": val,
                 "_seq": seq, **prov}
                for col, val in cells if col.keep and val is not None
            )
            continue
        base: Record = {"report_id": doc.report_id, spec.label: row.label, "_seq": seq,
                        "_derived": {c.field: v for c, v in cells if not c.keep and v is not None}}
        if spec.group:
            base[spec.group] = row.group
        base.update(row.fields)
        if spec.label_code:
            base.update(_split_code(spec.label_code, row.label, spec.label))
        details.extend(_tidy(spec, base, cells, prov, doc.identity.anio_fiscal))
    return details, totals


def _ocr_doubts(doc: Document, spec: TableSpec, row: RawRow, pages: set[int | None], sink: Sink) -> None:
    """An anomaly for each cell of a row read by OCR that holds a word OCR was not sure of
    (`tolerances.OCR_LOW_CONFIDENCE`) on the table's pages (a row may run onto the next one):
    the value may be misread, so it is never silent."""
    doubtful: dict[str, float] = {}
    for page in pages:
        if page in doc.ocr:
            for word, confidence in doc.ocr[page].doubtful.items():
                doubtful[word] = min(confidence, doubtful.get(word, 100.0))
    cells = [("label", row.label), *(("value", v) for v in row.values),
             *((name, text) for name, text in row.fields.items() if text)]
    for name, text in cells:
        unsure = [w for w in (text or "").split() if w in doubtful]
        if unsure:
            sink.add("normalise", f"OCR not sure of {name} word(s) {', '.join(repr(w) for w in unsure)} "
                     f"(confidence {min(doubtful[w] for w in unsure):.0f}%): check against the page",
                     dataset=spec.dataset, location=row.location, raw_text=(text or "")[:200])


def _read_cells(spec: TableSpec, columns: list[Column], conventions: list[Convention | None], row: RawRow,
                sink: Sink) -> list[tuple[Column, int | Decimal | None]]:
    out: list[tuple[Column, int | Decimal | None]] = []
    for col, conv, raw in zip(columns, conventions, row.values, strict=False):
        if not raw.strip():
            if col.required and not row.total:
                sink.add("normalise", f"empty {col.field} cell", dataset=spec.dataset,
                         location=row.location, raw_text=row.label)
            out.append((col, None))
            continue
        try:
            read = value(raw, col.kind, conv)
            if read is None and col.keep:
                sink.add("normalise", f"{col.field} printed as {raw.strip()!r} (no data): null",
                         dataset=spec.dataset, location=row.location, raw_text=row.label)
            out.append((col, read))
        except NumberError as err:
            sink.add("normalise", f"unreadable {col.field}: {err.reason}", dataset=spec.dataset,
                     location=row.location, raw_text=raw)
            out.append((col, None))
    return out


def _year(doc: Document, year: int | None) -> int | None:
    return doc.identity.anio_fiscal if year == FISCAL_YEAR else year


def _tidy(spec: TableSpec, base: Record, cells: list[tuple[Column, Any]], prov: Record,
          fiscal_year: int) -> list[Record]:
    """One record per (year, span) key; columns without a year or span go on every record."""
    keyed: dict[tuple[int | None, str | None], Record] = {}
    for col, val in cells:
        if not col.keep:
            continue
        keyed.setdefault((col.year, col.span), {})[col.field] = val
    out = []
    for (year, span), measures in keyed.items():
        rec = dict(base)
        if spec.years:
            rec["anio"] = fiscal_year if year == FISCAL_YEAR else year
        if spec.spans:
            rec[spec.spans["field"]] = span
        rec.update(measures)
        rec.update(prov)
        out.append(rec)
    return out


def _split_code(label_code: LabelCode, label: str, field: str) -> Record:
    m = label_code.pattern.match(label)
    if not m:
        return {label_code.field: None}
    return {label_code.field: m["code"], field: m["rest"].strip()}
