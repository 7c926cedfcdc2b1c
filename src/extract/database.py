"""`processed/iess.duckdb`: a DuckDB database holding no data, only a view per dataset over its
Parquet files, the vocabularies' canonical names (table `categorias`) and panel views that join
`reports` for province and fiscal year (`panel_presupuesto`, `panel_contratacion`,
`panel_afiliados`, `panel_pensionistas`).

The views name their files relative to `processed/` (`afiliados/report_id=*/*.parquet`), so the
folder can be moved or shared. DuckDB looks a relative path up in the working directory, then
in each folder of its `file_search_path` setting: open the database from inside the folder
(`cd processed && duckdb -readonly iess.duckdb`), or with that setting (`connect` below does).
The file is written in DuckDB's 1.0 storage format, which DuckDB 1.0 and later read.

Each write makes a new file beside the old one (`.iess.duckdb.<pid>.tmp`, removed by the next
write when its process is gone) and renames it over the old one: a reader holding the old one
open (even read-write, with DuckDB's lock) keeps reading it and never blocks a run."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb
import pyarrow as pa

from extract.categories import vocabularies
from extract.contract import SCHEMAS
from extract.lock import alive

DATABASE = "iess.duckdb"
STORAGE_VERSION = "v1.0.0"  # the oldest DuckDB that reads the file: 1.0


class NotWritten(OSError):
    """The database could not be written (what was there is left as it was)."""


def connect(processed: Path | str = "processed") -> duckdb.DuckDBPyConnection:
    """`processed/iess.duckdb` opened read-only, its views' files found wherever this process runs."""
    folder = Path(processed).resolve()
    return duckdb.connect(str(folder / DATABASE), read_only=True, config={"file_search_path": str(folder)})


def write(processed: Path) -> Path:
    """Write `processed/iess.duckdb` afresh from the datasets there now, atomically (a file of
    this process renamed over the old one); returns its path. Raises NotWritten."""
    target, folder = processed / DATABASE, processed.resolve()
    tmp = folder / f".{DATABASE}.{os.getpid()}.tmp"
    try:
        for left in folder.glob(f".{DATABASE}.*.tmp"):  # by this process, or one killed while writing
            pid = left.name.split(".")[3]
            if left == tmp or pid.isdigit() and not alive(int(pid)):
                _discard(left)
        con = duckdb.connect(config={"file_search_path": str(folder)})
        try:
            con.execute(f"ATTACH {_literal(tmp)} AS iess (STORAGE_VERSION '{STORAGE_VERSION}')")
            con.execute("USE iess")
            for name in SCHEMAS:
                con.execute(f"CREATE VIEW {name} AS {_dataset(con, folder, name)}")
            con.execute("CREATE TABLE categorias (vocabulario VARCHAR, id VARCHAR, nombre VARCHAR)")
            con.executemany("INSERT INTO categorias VALUES (?, ?, ?)", [
                (Path(v.file).stem, c.id, c.name) for v in vocabularies() for c in v.categories])
            for name, query in PANELS.items():
                con.execute(f"CREATE VIEW {name} AS {query}")
            con.execute("USE memory")
            con.execute("DETACH iess")
        finally:
            con.close()
        os.replace(tmp, target)
    except (OSError, duckdb.Error) as err:
        raise NotWritten(f"{target} not written: {err}") from err
    finally:
        _discard(tmp)
    return target


def _discard(db: Path) -> None:
    for path in (db, db.with_name(f"{db.name}.wal")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _dataset(con: duckdb.DuckDBPyConnection, processed: Path, name: str) -> str:
    """The query of a dataset's view: its Parquet files (relative to `processed/`), the
    contract's columns in order and types (null where no file has one yet, none when no file is)."""
    schema = SCHEMAS[name]
    if not any((processed / name).glob("report_id=*/*.parquet")):
        return "SELECT " + ", ".join(f"CAST(NULL AS {_type(f.type)}) AS {f.name}" for f in schema) + " WHERE false"
    scan = (f"read_parquet('{name}/report_id=*/*.parquet', hive_partitioning = true, union_by_name = true, "
            "hive_types = {'report_id': VARCHAR})")
    present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
    return "SELECT " + ", ".join(
        f"CAST({f.name if f.name in present else 'NULL'} AS {_type(f.type)}) AS {f.name}" for f in schema
    ) + f" FROM {scan}"


def _type(t: pa.DataType) -> str:
    """The DuckDB type of a contract column's Arrow type."""
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision}, {t.scale})"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ"
    return {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.int16(): "SMALLINT",
            pa.bool_(): "BOOLEAN"}[t]


def _named(dataset: str, column: str, vocabulary: str) -> str:
    """A categorical column as its canonical name where it has an id, else as printed."""
    return (f"coalesce((SELECT nombre FROM categorias k WHERE k.vocabulario = '{vocabulary}' "
            f"AND k.id = {dataset}.{column}_id), {dataset}.{column})")


_REPORT = "r.report_id, r.ambito, r.provincia, r.anio_fiscal"

#: The panel views: one row per report (and category, state, year), the report's province and year beside it.
PANELS = {
    # Budget execution of each report: its printed totals of codificado and devengado when it
    # prints both (`origen` 'totales'), else the sums of its units ('detalle'); % from those.
    "panel_presupuesto": f"""
        WITH detalle AS (
            SELECT report_id, count(*) AS unidades, sum(codificado_usd) AS codificado, sum(devengado_usd) AS devengado
            FROM presupuesto GROUP BY report_id),
        impreso AS (
            SELECT report_id, max(valor) FILTER (WHERE medida = 'codificado_usd') AS codificado,
                   max(valor) FILTER (WHERE medida = 'devengado_usd') AS devengado
            FROM totales WHERE dataset = 'presupuesto' GROUP BY report_id
            HAVING codificado IS NOT NULL AND devengado IS NOT NULL),
        cifras AS (
            SELECT d.report_id, d.unidades, coalesce(i.codificado, d.codificado) AS codificado,
                   coalesce(i.devengado, d.devengado) AS devengado,
                   CASE WHEN i.report_id IS NULL THEN 'detalle' ELSE 'totales' END AS origen
            FROM detalle d LEFT JOIN impreso i USING (report_id))
        SELECT {_REPORT}, c.unidades,
               CAST(c.codificado AS DECIMAL(18, 2)) AS codificado_usd,
               CAST(c.devengado AS DECIMAL(18, 2)) AS devengado_usd,
               CAST(round(100 * c.devengado / nullif(c.codificado, 0), 2) AS DECIMAL(7, 2)) AS ejecucion_pct,
               c.origen
        FROM cifras c JOIN reports r USING (report_id)
        ORDER BY r.anio_fiscal, r.report_id""",
    # Procurement of each report by canonical type and state.
    "panel_contratacion": f"""
        SELECT {_REPORT}, contratacion.tipo_contratacion_id,
               {_named("contratacion", "tipo_contratacion", "tipo_contratacion")} AS tipo_contratacion,
               contratacion.estado, CAST(sum(procesos) AS BIGINT) AS procesos,
               CAST(sum(valor_usd) AS DECIMAL(18, 2)) AS valor_usd
        FROM contratacion JOIN reports r USING (report_id)
        GROUP BY ALL ORDER BY r.anio_fiscal, r.report_id, contratacion.tipo_contratacion_id, tipo_contratacion,
                 contratacion.estado""",
    # Active affiliates of each report by canonical sector and type, per year.
    "panel_afiliados": f"""
        SELECT {_REPORT}, afiliados.sector_id, {_named("afiliados", "sector", "sector")} AS sector,
               afiliados.tipo_afiliado_id, {_named("afiliados", "tipo_afiliado", "tipo_afiliado")} AS tipo_afiliado,
               afiliados.anio, CAST(sum(afiliados) AS BIGINT) AS afiliados
        FROM afiliados JOIN reports r USING (report_id)
        GROUP BY ALL ORDER BY r.anio_fiscal, r.report_id, afiliados.sector_id, afiliados.tipo_afiliado_id, sector,
                 tipo_afiliado, afiliados.anio""",
    # Pensioners and the amounts paid them, of each report by canonical insurance and benefit, per year.
    "panel_pensionistas": f"""
        WITH filas AS (
            SELECT report_id, seguro_id, {_named("pensionistas", "seguro", "seguro")} AS seguro, prestacion_id,
                   {_named("pensionistas", "prestacion", "prestacion")} AS prestacion, anio, pensionistas,
                   CAST(NULL AS DECIMAL(18, 2)) AS monto_usd
            FROM pensionistas
            UNION ALL
            SELECT report_id, seguro_id, {_named("pensiones_montos", "seguro", "seguro")}, prestacion_id,
                   {_named("pensiones_montos", "prestacion", "prestacion")}, anio, NULL, monto_usd
            FROM pensiones_montos)
        SELECT {_REPORT}, f.seguro_id, f.seguro, f.prestacion_id, f.prestacion, f.anio,
               CAST(sum(f.pensionistas) AS BIGINT) AS pensionistas,
               CAST(sum(f.monto_usd) AS DECIMAL(18, 2)) AS monto_usd
        FROM filas f JOIN reports r USING (report_id)
        GROUP BY ALL ORDER BY r.anio_fiscal, r.report_id, f.seguro_id, f.prestacion_id, f.anio""",
}
