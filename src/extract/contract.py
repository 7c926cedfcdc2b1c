"""The output contract (`CONTRACT.md`) as Arrow schemas: names, types and order of columns."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

# 1.1: anio_fiscal everywhere, tablas, status quarantined; 1.2: tablas reason, unidad, status doubtful;
# 1.3: canonical category ids (`<column>_id`, from specs/vocabularies/) beside each categorical column
CONTRACT_VERSION = "1.3.0"

MONEY = pa.decimal128(18, 2)
PCT = pa.decimal128(7, 2)
COUNT = pa.int64()
YEAR = pa.int16()
TEXT = pa.string()

PROVENANCE = [
    ("source_file", TEXT),
    ("source_page", pa.int32()),
    ("source_line", pa.int32()),
    ("extraction_method", TEXT),
]

_COLUMNS: dict[str, list[tuple[str, pa.DataType]]] = {
    "reports": [
        ("report_id", TEXT), ("entidad", TEXT), ("ambito", TEXT), ("provincia", TEXT),
        ("anio_fiscal", YEAR), ("source_file", TEXT), ("sha256", TEXT), ("pages", COUNT),
        ("status", TEXT), ("tables_found", COUNT), ("extracted_at", pa.timestamp("s", "UTC")),
        ("error", TEXT),
    ],
    "secciones": [
        ("report_id", TEXT), ("numero", TEXT), ("titulo", TEXT), ("nivel", COUNT),
        ("orden", COUNT), ("start_page", pa.int32()), ("start_line", pa.int32()),
    ],
    "afiliados": [
        ("report_id", TEXT), ("sector", TEXT), ("sector_id", TEXT), ("tipo_afiliado", TEXT),
        ("tipo_afiliado_id", TEXT), ("anio", YEAR), ("afiliados", COUNT), *PROVENANCE,
    ],
    "pensionistas": [
        ("report_id", TEXT), ("seguro", TEXT), ("seguro_id", TEXT), ("prestacion", TEXT),
        ("prestacion_id", TEXT), ("anio", YEAR), ("pensionistas", COUNT), *PROVENANCE,
    ],
    "pensiones_montos": [
        ("report_id", TEXT), ("seguro", TEXT), ("seguro_id", TEXT), ("prestacion", TEXT),
        ("prestacion_id", TEXT), ("anio", YEAR), ("monto_usd", MONEY), *PROVENANCE,
    ],
    "contratacion": [
        ("report_id", TEXT), ("tipo_contratacion", TEXT), ("tipo_contratacion_id", TEXT), ("estado", TEXT),
        ("procesos", COUNT), ("valor_usd", MONEY), *PROVENANCE,
    ],
    "presupuesto": [
        ("report_id", TEXT), ("codigo", TEXT), ("unidad", TEXT), ("codificado_usd", MONEY),
        ("devengado_usd", MONEY), ("ejecucion_pct", PCT), *PROVENANCE,
    ],
    "recomendaciones": [
        ("report_id", TEXT), ("ente_control", TEXT), ("ente_control_id", TEXT), ("examen", TEXT),
        ("documento", TEXT), ("recomendaciones", COUNT), *PROVENANCE,
    ],
    "enajenacion": [
        ("report_id", TEXT), ("tipo", TEXT), ("cantidad", COUNT), ("valor_usd", MONEY),
        *PROVENANCE,
    ],
    "indicadores": [
        ("report_id", TEXT), ("indicador", TEXT), ("valor", pa.decimal128(20, 2)),
        ("unidad", TEXT), ("anio", YEAR), ("evidencia", TEXT), *PROVENANCE,
    ],
    "totales": [
        ("report_id", TEXT), ("dataset", TEXT), ("etiqueta", TEXT), ("medida", TEXT),
        ("anio", YEAR), ("estado", TEXT), ("valor", pa.decimal128(20, 2)), *PROVENANCE,
    ],
    "tablas": [
        ("report_id", TEXT), ("dataset", TEXT), ("status", TEXT), ("reason", TEXT), ("method", TEXT),
        ("pages", TEXT), ("rows", COUNT), ("fit", pa.decimal128(5, 4)), ("header", TEXT), ("unidad", TEXT),
    ],
    "validaciones": [
        ("report_id", TEXT), ("dataset", TEXT), ("expectation", TEXT), ("severity", TEXT),
        ("success", pa.bool_()), ("observed_value", TEXT), ("details", TEXT),
    ],
    "anomalias": [
        ("report_id", TEXT), ("stage", TEXT), ("dataset", TEXT), ("location", TEXT),
        ("raw_text", TEXT), ("problem", TEXT),
    ],
}

# Every dataset carries its report's fiscal year, so per-year questions need no join.
SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema(cols if any(c == "anio_fiscal" for c, _ in cols) else [*cols, ("anio_fiscal", YEAR)])
    for name, cols in _COLUMNS.items()
}
DATASETS: tuple[str, ...] = tuple(SCHEMAS)
#: `extraction_method`: the source a table was read from (`specs/strategies.toml`), `ocr` for page
#: images, `text-prose` for a figure stated in a sentence (`indicadores`).
METHODS = ("camelot-lattice", "camelot-stream", "pdfplumber", "text-aligned", "text-cells", "text-delimited", "ocr",
           "text-prose")
TABLE_DATASETS = ("afiliados", "pensionistas", "pensiones_montos", "contratacion", "presupuesto",
                  "recomendaciones", "enajenacion")


def to_table(dataset: str, records: list[dict[str, Any]], fiscal_year: int | None = None) -> pa.Table:
    """Records as an Arrow table with exactly the contract's schema (extra keys dropped); rows
    without `anio_fiscal` get `fiscal_year`."""
    schema = SCHEMAS[dataset]
    columns = {f.name: [r.get(f.name) for r in records] for f in schema}
    if fiscal_year is not None:
        columns["anio_fiscal"] = [fiscal_year if v is None else v for v in columns["anio_fiscal"]]
    return pa.Table.from_pydict(columns, schema=schema)
