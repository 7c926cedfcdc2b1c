"""How well a candidate table fits its spec: values that read as numbers, totals that add up,
rows not dropped, a group column where the spec has one, and the strategy's own confidence.
Used to choose among strategies."""

from __future__ import annotations

from decimal import Decimal

from extract import tolerances
from extract.numbers import Convention, NumberError, cell_value, column_convention, is_cell_value
from extract.tables.base import RawTable
from extract.tables.spec import TableSpec


def _num(cell: str, convention: Convention | None) -> Decimal | None:
    try:
        return cell_value(cell, convention)
    except NumberError:
        return None


def score(table: RawTable, spec: TableSpec) -> float:
    """0..1: values that parse x totals that reconcile x rows kept x groups x confidence."""
    details = [r for r in table.rows if not r.total]
    cells = [c for r in details for c in r.values]
    if not details or not cells:
        return 0.0
    parsed = sum(is_cell_value(c) for c in cells) / len(cells)
    kept = len(table.rows) / (len(table.rows) + table.dropped)
    grouped = 0.5 if spec.group and not any(r.group for r in details) else 1.0
    return parsed * (0.75 + 0.25 * _reconciled(table, details)) * kept * grouped * table.score


def _reconciled(table: RawTable, details: list) -> float:
    totals = [r for r in table.rows if r.total and not r.label.lower().startswith("sub")]
    checks = ok = 0
    for total in totals:
        for i, col in enumerate(table.columns):
            if not col.keep or col.kind == "percent" or i >= len(total.values):
                continue
            conv = column_convention((r.values[i] for r in table.rows if i < len(r.values)), None)
            expected = _num(total.values[i], conv)
            read = [_num(r.values[i], conv) for r in details if i < len(r.values)]
            parts = [p for p in read if p is not None]
            if expected is None or len(parts) != len(read):
                continue
            checks += 1
            ok += abs(sum(parts, Decimal(0)) - expected) <= tolerances.FIT_TOTAL
    return ok / checks if checks else 1.0
