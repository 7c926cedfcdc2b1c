"""The reconciliation rows of a report, without GX: each printed total and subtotal against
the detail rows it covers (per year and state), and each printed derived value (budget
execution, a change between years, a share of the total) against the figures it derives
from. `validate` checks these rows with the `conciliaciones` suite."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from extract import tolerances


def where(row: dict[str, Any]) -> str | None:
    if row.get("source_page") is not None:
        return f"page {row['source_page']}"
    return f"line {row['source_line']}" if row.get("source_line") is not None else None


def row_name(row: dict[str, Any]) -> str:
    """A detail row as a reader finds it in the report: `Campesino / Vejez`."""
    parts = [row.get(k) for k in ("seguro", "sector", "prestacion", "tipo_afiliado", "unidad")]
    return " / ".join(str(p) for p in parts if p)


def checks(data: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per reconciliation of a report: the detail rows against each printed total and
    subtotal (per year and state), and each printed derived value against the figures it
    derives from (`impreso`, `calculado`, their `diferencia` and its `tolerancia`)."""
    out: list[dict[str, Any]] = []

    def add(ds: str, check: str, label: str, printed: Any, computed: Decimal, tolerance: Decimal,
            row: dict[str, Any]) -> None:
        out.append({"dataset": ds, "check": check, "etiqueta": label, "impreso": Decimal(printed),
                    "calculado": computed, "diferencia": abs(computed - Decimal(printed)),
                    "tolerancia": tolerance, "location": where(row)})

    for total in data.get("totales", []):
        ds, medida = total["dataset"], total["medida"]
        if medida.endswith("_pct"):
            continue
        rows = [r for r in covered(data, total)
                if ("anio" not in r or r.get("anio") == total["anio"])
                and ("estado" not in r or r.get("estado") == total["estado"])]
        if not rows or medida not in rows[0]:
            continue
        detail = sum((Decimal(r[medida] or 0) for r in rows), Decimal(0))
        add(ds, f"reconcile_total:{medida}",
            f"{total['etiqueta']} anio={total['anio']} estado={total['estado']}", total["valor"], detail,
            tolerances.TOTAL, total)
    for r in data.get("presupuesto", []):
        cod, dev, pct = r.get("codificado_usd"), r.get("devengado_usd"), r.get("ejecucion_pct")
        if cod and dev is not None and pct is not None:
            computed = (Decimal(dev) / Decimal(cod) * 100).quantize(Decimal("0.01"))
            add("presupuesto", "derived:ejecucion_pct", row_name(r), pct, computed, tolerances.PERCENT, r)
    for ds, rows in data.items():
        for check, label, printed, computed, tolerance, row in _derived(ds, rows, data.get("totales", [])):
            add(ds, check, label, printed, computed, tolerance, row)
    return out


def covered(data: dict[str, list[dict[str, Any]]], total: dict[str, Any]) -> list[dict[str, Any]]:
    """The detail rows a (sub)total covers: a subtotal, those since the previous subtotal of
    its table; a grand total, all of them."""
    ds, seq = total["dataset"], total.get("_seq")
    rows = data.get(ds, [])
    if seq is None or not total["etiqueta"].lower().startswith("sub"):
        return rows
    before = [t.get("_seq", -1) for t in data.get("totales", [])
              if t["dataset"] == ds and t.get("_seq", -1) < seq]
    start = max(before, default=-1)
    return [r for r in rows if start < r.get("_seq", -1) < seq]


def _derived(ds: str, rows: list[dict[str, Any]], totals: list[dict[str, Any]]) -> list[tuple]:
    """Printed variación (last year minus first) and % participación (share of the last
    year's grand total) of tables with one column per year: (check, label, printed,
    computed, tolerance, row) each."""
    measure = next((k for k in ("afiliados", "pensionistas", "monto_usd") if rows and k in rows[0]), None)
    if measure is None:
        return []
    years: dict[int, dict[int, Decimal]] = defaultdict(dict)
    printed: dict[int, dict[str, Any]] = {}
    source: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r.get("anio") is not None and r.get(measure) is not None and "_seq" in r:
            years[r["_seq"]][r["anio"]] = Decimal(r[measure])
            printed[r["_seq"]] = r.get("_derived") or {}
            source[r["_seq"]] = r
    grand = {t["anio"]: Decimal(t["valor"]) for t in totals
             if t["dataset"] == ds and t["medida"] == measure and not t["etiqueta"].lower().startswith("sub")}
    out: list[tuple] = []
    for seq, by_year in years.items():
        if len(by_year) < 2:
            continue
        first, last = min(by_year), max(by_year)
        shown, row = printed[seq], source[seq]
        if "variacion" in shown:
            out.append(("derived:variacion", row_name(row), shown["variacion"], by_year[last] - by_year[first],
                        tolerances.TOTAL, row))
        if "participacion_pct" in shown and grand.get(last):
            computed = (by_year[last] / grand[last] * 100).quantize(Decimal("0.01"))
            out.append(("derived:participacion_pct", row_name(row), shown["participacion_pct"], computed,
                        tolerances.SHARE, row))
    return out
